"""API routes of this app, mounted under /api/v1/ by portal/urls.py."""

from rest_framework.routers import SimpleRouter

from companies.api import views

router = SimpleRouter()
router.register("companies", views.CompanyViewSet, basename="company")

urlpatterns = router.urls
