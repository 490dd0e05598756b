"""API routes of this app, mounted under /api/v1/ by portal/urls.py."""

from rest_framework.routers import SimpleRouter

from programmes.api import views

router = SimpleRouter()
router.register("opportunities", views.OpportunityViewSet, basename="opportunity")
router.register("technology-areas", views.TechnologyAreaViewSet, basename="technology-area")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("certifications", views.CertificationViewSet, basename="certification")

urlpatterns = router.urls
