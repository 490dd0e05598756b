"""Firms visible to the caller; consultants create them, consultants and the firm's editors update them."""

import datetime

from django.utils.translation import gettext_lazy, gettext_noop
from rest_framework import mixins, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated

from companies.api.serializers import CompanySerializer
from companies.filters import CompanyFilterSet
from companies.models import Company
from companies.selectors import company_profile_queryset
from companies.services import company_create, company_update
from portal.api.conditional import ConditionalRetrieveMixin
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

    def perform_update(self, serializer: CompanySerializer) -> None:
        company = company_update(
            company=serializer.instance,
            data=serializer.service_data(),
            by=self.request.user,
            reason=gettext_noop("Edited through the API"),
        )
        serializer.instance = self.get_queryset().get(pk=company.pk)
