"""A user's saved searches: list, create, read, change and delete their own (another user's answer 404)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import viewsets
from rest_framework.permissions import IsAuthenticated

from alerts.api.search_serializers import SavedSearchSerializer
from alerts.models import SavedSearch
from alerts.searches import saved_search_create, saved_search_delete, saved_search_update
from portal.api.created import created_location
from portal.api.exceptions import service_error


class SavedSearchViewSet(viewsets.ModelViewSet):
    """Saved searches of the caller; new results of each are emailed in their digest (daily or weekly)."""

    queryset = SavedSearch.objects.none()  # typed for the schema; get_queryset narrows to the caller's own
    serializer_class = SavedSearchSerializer
    permission_classes = [IsAuthenticated]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return SavedSearch.objects.none()
        return SavedSearch.objects.filter(user=self.request.user).order_by("name", "pk")

    def perform_create(self, serializer: SavedSearchSerializer) -> None:
        try:
            serializer.instance = saved_search_create(user=self.request.user, **serializer.validated_data)
        except DjangoValidationError as error:
            raise service_error(error) from error

    def get_success_headers(self, data) -> dict[str, str]:
        return created_location(self.request, "saved-search-detail", pk=data["id"])

    def perform_update(self, serializer: SavedSearchSerializer) -> None:
        try:
            serializer.instance = saved_search_update(search=serializer.instance, data=serializer.validated_data)
        except DjangoValidationError as error:
            raise service_error(error) from error

    def perform_destroy(self, instance: SavedSearch) -> None:
        saved_search_delete(search=instance)
