"""API routes of this app, mounted under /api/v1/ by web/urls.py."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from alerts.api import feed_views, search_views, views

router = SimpleRouter()
router.register("webhooks", views.WebhookEndpointViewSet, basename="webhook")
router.register("saved-searches", search_views.SavedSearchViewSet, basename="saved-search")

delivery_list = views.WebhookDeliveryViewSet.as_view({"get": "list"})
delivery_replay = views.WebhookDeliveryViewSet.as_view({"post": "replay"})

urlpatterns = [
    path("changes/", feed_views.ChangeFeedView.as_view(), name="change-list"),
    *router.urls,
    path("webhooks/<int:webhook_id>/deliveries/", delivery_list, name="webhook-delivery-list"),
    path(
        "webhooks/<int:webhook_id>/deliveries/<int:delivery_id>/replay/",
        delivery_replay,
        name="webhook-delivery-replay",
    ),
]
