"""API routes of this app, mounted under /api/v1/ by portal/urls.py."""

from rest_framework.routers import SimpleRouter

from matching.api import views

router = SimpleRouter()
router.register("match-runs", views.MatchRunViewSet, basename="match-run")

urlpatterns = router.urls
