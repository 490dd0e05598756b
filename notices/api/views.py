"""GET /api/v1/notices/: published notices, newest first; anyone may read them."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from notices.api.serializers import NoticeSerializer
from notices.filters import NoticeFilterSet
from notices.models import Notice
from portal.api.conditional import ConditionalRetrieveMixin
from portal.api.language import LANG, ReaderLanguageMixin


@extend_schema_view(list=extend_schema(parameters=[LANG]), retrieve=extend_schema(parameters=[LANG]))
class NoticeViewSet(ReaderLanguageMixin, ConditionalRetrieveMixin, viewsets.ReadOnlyModelViewSet):
    """Published notices of rule and policy changes; a notice's answer carries its ETag, as a record's does."""

    serializer_class = NoticeSerializer
    filterset_class = NoticeFilterSet
    filter_backends = [DjangoFilterBackend]
    lookup_field = "slug"

    def get_queryset(self):
        return Notice.objects.published().for_listing(self.request.user).newest_first()
