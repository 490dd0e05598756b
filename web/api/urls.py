"""API routes of this app, mounted under /api/v1/ by portal/urls.py: the index, the caller, tokens, schema and docs."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from web.api import match_views, views

router = SimpleRouter()
router.register(
    r"companies/(?P<company_slug>[-\w]+)/matches", match_views.CompanyMatchViewSet, basename="company-match"
)
router.register(
    r"opportunities/(?P<opportunity_slug>[-\w]+)/matches",
    match_views.OpportunityMatchViewSet,
    basename="opportunity-match",
)
router.register("tokens", views.ApiTokenViewSet, basename="token")

urlpatterns = [
    path("", views.ApiRootView.as_view(), name="root"),
    path("me/", views.MeView.as_view(), name="me"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from drf-spectacular-sidecar's static files: no CDN, works offline.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
