"""API routes of this app, mounted under /api/v1/ by web/urls.py."""

from rest_framework.routers import SimpleRouter

from alerts.api.views import SavedSearchViewSet

router = SimpleRouter()
router.register("saved-searches", SavedSearchViewSet, basename="saved-search")

urlpatterns = router.urls
