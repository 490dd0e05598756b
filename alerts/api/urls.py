"""API routes of this app, mounted under /api/v1/ by web/urls.py."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from alerts.api import views

router = SimpleRouter()

urlpatterns = [
    path("changes/", views.ChangeFeedView.as_view(), name="change-list"),
    *router.urls,
]
