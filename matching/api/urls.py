"""API routes of this app, mounted under /api/v1/ by portal/urls.py."""

from rest_framework.routers import SimpleRouter

from matching.api import views

router = SimpleRouter()
router.register(r"companies/(?P<company_slug>[-\w]+)/matches", views.CompanyMatchViewSet, basename="company-match")
router.register(
    r"opportunities/(?P<opportunity_slug>[-\w]+)/matches", views.OpportunityMatchViewSet, basename="opportunity-match"
)
router.register("match-runs", views.MatchRunViewSet, basename="match-run")

urlpatterns = router.urls
