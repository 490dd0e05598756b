"""API routes of this app, mounted under /api/v1/ by portal/urls.py."""

from rest_framework.routers import SimpleRouter

from partners.api import views

router = SimpleRouter()
router.register("partners", views.PartnerViewSet, basename="partner")
router.register("introductions", views.IntroductionViewSet, basename="introduction")
router.register(
    r"companies/(?P<company_slug>[-\w]+)/partners", views.CompanyPartnerFitViewSet, basename="company-partner-fit"
)

urlpatterns = router.urls
