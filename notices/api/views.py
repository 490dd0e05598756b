"""GET /api/v1/notices/: published notices, newest first; anyone may read them."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets

from notices.api.serializers import NoticeSerializer
from notices.filters import NoticeFilterSet
from notices.models import Notice


class NoticeViewSet(viewsets.ReadOnlyModelViewSet):
    """Published notices of rule and policy changes."""

    queryset = Notice.objects.published().for_listing().newest_first()
    serializer_class = NoticeSerializer
    filterset_class = NoticeFilterSet
    filter_backends = [DjangoFilterBackend]
    lookup_field = "slug"
