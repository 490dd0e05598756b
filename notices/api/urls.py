"""API routes of this app, mounted under /api/v1/ by portal/urls.py."""

from rest_framework.routers import SimpleRouter

from notices.api import views

router = SimpleRouter()
router.register("notices", views.NoticeViewSet, basename="notice")

urlpatterns = router.urls
