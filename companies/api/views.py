"""Firms visible to the caller; consultants create them, consultants and the firm's editors update them."""

import datetime

from django.utils.http import quote_etag
from django.utils.translation import gettext_lazy, gettext_noop
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated

from companies.api.serializers import CompanySerializer
from companies.filters import CompanyFilterSet
from companies.models import Company
from companies.selectors import company_profile_queryset
from companies.services import company_create, company_update
from companies.versions import CompanyConflict, company_version
from portal.api.conditional import ConditionalRetrieveMixin, if_match_parameter, if_match_version, precondition_failed
from portal.api.created import created_location
from portal.roles import is_consultant


class CanEditCompany(BasePermission):
    """Consultants edit every firm; staff only the firms where they are editors (viewers get 403)."""

    message = gettext_lazy("Only consultants and the firm's editors may change it.")

    def has_permission(self, request, view) -> bool:
        # Creating a firm is for consultants; updates are decided per firm below.
        if request.method in SAFE_METHODS or view.action != "create":
            return True
        self.message = gettext_lazy("Only consultants may add a firm.")  # this request's own instance
        return is_consultant(request.user)

    def has_object_permission(self, request, view, obj: Company) -> bool:
        return request.method in SAFE_METHODS or Company.objects.editable_by(request.user).filter(pk=obj.pk).exists()


IF_MATCH = if_match_parameter(
    record="the firm",
    answers="PUT's and PATCH's",
    covers="The ETag covers the profile's fields, areas and certifications.",
)
STALE = OpenApiResponse(
    description="The profile changed since the copy the If-Match ETag names: nothing was changed. GET it again,"
    " reapply the change and send the new ETag."
)


@extend_schema_view(
    update=extend_schema(parameters=[IF_MATCH], responses={200: CompanySerializer, 412: STALE}),
    partial_update=extend_schema(parameters=[IF_MATCH], responses={200: CompanySerializer, 412: STALE}),
)
class CompanyViewSet(
    ConditionalRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Firms the caller may see: every firm for consultants, their own firms for staff."""

    serializer_class = CompanySerializer
    filterset_class = CompanyFilterSet
    permission_classes = [IsAuthenticated, CanEditCompany]
    lookup_field = "slug"

    def get_queryset(self):
        return company_profile_queryset(user=self.request.user).order_by("name", "pk")

    def last_modified_of(self, instance: Company) -> datetime.datetime:
        # The profile's areas and certifications are written by company_update and the import, which save the firm
        # with them; area slugs and certification codes are fixed.
        return instance.updated_at

    def perform_create(self, serializer: CompanySerializer) -> None:
        company = company_create(
            data=serializer.service_data(), by=self.request.user, reason=gettext_noop("Created through the API")
        )
        serializer.instance = self.get_queryset().get(pk=company.pk)

    def get_success_headers(self, data) -> dict[str, str]:
        return created_location(self.request, "company-detail", slug=data["slug"])

    def etag_of(self, instance: Company, data) -> str:
        return _etag(instance)

    def update(self, request, *args, **kwargs):
        try:
            response = super().update(request, *args, **kwargs)
        except CompanyConflict as conflict:
            return precondition_failed(_etag(conflict.company))
        response["ETag"] = _etag(self.saved)
        return response

    def perform_update(self, serializer: CompanySerializer) -> None:
        current = serializer.instance
        company = company_update(
            company=current,
            data=serializer.service_data(),
            by=self.request.user,
            reason=gettext_noop("Edited through the API"),
            # checked by the service alone, under the firm's row lock
            version=if_match_version(self.request, company_version(current)),
        )
        self.saved = serializer.instance = self.get_queryset().get(pk=company.pk)


def _etag(company: Company) -> str:
    """The firm's ETag: its profile's version (companies.versions), which a write sends back in If-Match."""
    return quote_etag(company_version(company))
