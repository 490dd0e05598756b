"""API routes of this app, mounted under /api/v1/ by portal/urls.py."""

from rest_framework.routers import SimpleRouter

from sources.api import views

router = SimpleRouter()
router.register("source-changes", views.SourceChangeViewSet, basename="source-change")

urlpatterns = router.urls
