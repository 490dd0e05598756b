"""Partners (public, read-only), introduction requests (firm staff and consultants) and a firm's partner fits."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from companies.models import Company
from matching import messages
from partners.api.serializers import (
    IntroductionConsultantSerializer,
    IntroductionMoveSerializer,
    IntroductionRequestSerializer,
    IntroductionSerializer,
    PartnerDetailSerializer,
    PartnerFitSerializer,
    PartnerSerializer,
)
from partners.filters import IntroductionFilterSet, PartnerFilterSet
from partners.models import Introduction, Partner, PartnerFit
from partners.services import introduction_move, introduction_request
from portal.api.conditional import ConditionalRetrieveMixin
from portal.api.created import created_location
from portal.api.exceptions import service_error
from portal.api.language import LANG, ReaderLanguageMixin
from portal.roles import is_consultant

COMPANY_SLUG = OpenApiParameter("company_slug", str, OpenApiParameter.PATH, description="The firm's slug.")


class PartnerViewSet(ConditionalRetrieveMixin, viewsets.ReadOnlyModelViewSet):
    """Japanese partners, filtered by role, area and text (the shared PartnerFilterSet); a partner's answer carries
    its ETag, as a record's does."""

    filterset_class = PartnerFilterSet
    lookup_field = "slug"

    def get_queryset(self):
        if self.action == "retrieve":
            return Partner.objects.for_detail(self.request.user).order_by("name", "pk")
        return Partner.objects.for_listing().order_by("name", "pk")

    def get_serializer_class(self):
        return PartnerDetailSerializer if self.action == "retrieve" else PartnerSerializer


class IntroductionViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """A firm's introduction requests (consultants see every firm's); POST asks, consultants PATCH the status."""

    permission_classes = [IsAuthenticated]
    filterset_class = IntroductionFilterSet
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return Introduction.objects.visible_to(self.request.user).for_listing().order_by("-created_at", "-pk")

    def get_serializer_class(self):
        if self.action == "create":
            return IntroductionRequestSerializer
        if is_consultant(self.request.user):
            return IntroductionConsultantSerializer
        return IntroductionSerializer

    @extend_schema(request=IntroductionRequestSerializer, responses={201: IntroductionSerializer})
    def create(self, request, *args, **kwargs):
        body = IntroductionRequestSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        try:
            introduction = introduction_request(**body.validated_data, by=request.user)
        except DjangoValidationError as error:
            raise service_error(error) from error
        headers = created_location(request, "introduction-detail", pk=introduction.pk)
        return Response(IntroductionSerializer(introduction).data, status=status.HTTP_201_CREATED, headers=headers)

    @extend_schema(request=IntroductionMoveSerializer, responses={200: IntroductionConsultantSerializer})
    def partial_update(self, request, *args, **kwargs):
        introduction = self.get_object()  # 404 first: another firm's request is not confirmed to exist
        if not is_consultant(request.user):
            raise PermissionDenied(_("Only consultants may do this."))
        body = IntroductionMoveSerializer(introduction, data=request.data)  # compared with what it asked
        body.is_valid(raise_exception=True)
        try:
            data = {"status": None} | body.validated_data  # no status: the request stays where it is
            introduction = introduction_move(introduction=introduction, **data, by=request.user)
        except DjangoValidationError as error:
            raise service_error(error) from error
        return Response(IntroductionConsultantSerializer(introduction).data)


@extend_schema_view(list=extend_schema(parameters=[COMPANY_SLUG, LANG]))
class CompanyPartnerFitViewSet(ReaderLanguageMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A firm's partner fits, best first, their reasons in the reader's language (?lang=, else Accept-Language,
    as the matches); 404 for a firm the caller cannot see."""

    queryset = PartnerFit.objects.none()  # names the model for the schema
    serializer_class = PartnerFitSerializer
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        user, slug = self.request.user, self.kwargs["company_slug"]
        company = get_object_or_404(Company.objects.visible_to(user), slug=slug)
        return PartnerFit.objects.filter(company=company).select_related("partner").best_first()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "names": messages.names_for(self.request)}
