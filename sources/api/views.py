"""GET /api/v1/source-changes/: consultants only; anyone else is told the route does not exist (404)."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import BasePermission

from portal.roles import is_consultant
from sources.api.serializers import SourceChangeSerializer
from sources.filters import SourceChangeFilterSet
from sources.models import SourceChange


class ConsultantsOnlyElseNotFound(BasePermission):
    """Consultants pass; everyone else gets 404, so the route does not confirm it exists."""

    def has_permission(self, request, view) -> bool:
        if not is_consultant(request.user):
            raise NotFound()
        return True


class SourceChangeViewSet(viewsets.ReadOnlyModelViewSet):
    """Changes found in source pages, newest first, filtered by status and record."""

    queryset = SourceChange.objects.for_listing().order_by("-detected_at", "-pk")
    serializer_class = SourceChangeSerializer
    filterset_class = SourceChangeFilterSet
    filter_backends = [DjangoFilterBackend]
    permission_classes = [ConsultantsOnlyElseNotFound]
