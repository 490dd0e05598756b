"""A firm's pipeline and its feedback on matches through the API; another firm's data answers 404."""

from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from companies.models import Company
from portal.api.created import created_location
from portal.api.permissions import IsConsultant
from programmes.models import Opportunity
from workspace.api.serializers import (
    MatchFeedbackSerializer,
    MatchFeedbackWriteSerializer,
    PipelineEntrySerializer,
    PipelineEntryWriteSerializer,
)
from workspace.filters import PipelineEntryFilterSet
from workspace.models import MatchFeedback, PipelineEntry
from workspace.selectors import opportunity_for_firm, opportunity_for_pipeline
from workspace.services import match_feedback_give, match_feedback_withdraw, pipeline_entry_delete, pipeline_entry_save

COMPANY_SLUG = OpenApiParameter("company_slug", str, OpenApiParameter.PATH, description="The firm's slug.")
OPPORTUNITY_SLUG = OpenApiParameter(
    "opportunity_slug", str, OpenApiParameter.PATH, description="The opportunity's slug."
)
BOTH = [COMPANY_SLUG, OPPORTUNITY_SLUG]


class FirmMixin:
    """The firm named in the URL, if the caller may see it (its staff, consultants); 404 otherwise."""

    @cached_property
    def company(self) -> Company:
        return get_object_or_404(Company.objects.visible_to(self.request.user), slug=self.kwargs["company_slug"])


@extend_schema_view(
    list=extend_schema(parameters=[COMPANY_SLUG]),
    retrieve=extend_schema(parameters=BOTH),
    update=extend_schema(parameters=BOTH, request=PipelineEntryWriteSerializer),
    destroy=extend_schema(parameters=BOTH),
)
class PipelineEntryViewSet(
    FirmMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """A firm's pipeline: list (filter by stage and owner), read, PUT to create or change an entry, DELETE it."""

    queryset = PipelineEntry.objects.none()  # names the model for the schema; get_queryset() does the reading
    serializer_class = PipelineEntrySerializer
    filterset_class = PipelineEntryFilterSet
    permission_classes = [IsAuthenticated]
    lookup_field = "opportunity__slug"
    lookup_url_kwarg = "opportunity_slug"
    http_method_names = ["get", "put", "delete", "head", "options"]

    def get_queryset(self):
        return PipelineEntry.objects.visible_to(self.request.user).filter(company=self.company).for_board()

    def update(self, request, *args, **kwargs):
        company = self.company
        opportunity = opportunity_for_pipeline(company=company, slug=self.kwargs["opportunity_slug"])
        write = PipelineEntryWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        created = not PipelineEntry.objects.filter(company=company, opportunity=opportunity).exists()
        entry = pipeline_entry_save(company=company, opportunity=opportunity, by=request.user, **write.service_data())
        body = PipelineEntrySerializer(self.get_queryset().get(pk=entry.pk)).data
        if not created:
            return Response(body)
        where = {"company_slug": company.slug, "opportunity_slug": opportunity.slug}
        headers = created_location(request, "company-pipeline-detail", **where)
        return Response(body, status=status.HTTP_201_CREATED, headers=headers)

    def perform_destroy(self, instance: PipelineEntry) -> None:
        pipeline_entry_delete(entry=instance, by=self.request.user)


class MatchFeedbackViewSet(FirmMixin, viewsets.GenericViewSet):
    """POST marks the firm's match not relevant (with a reason and a note); DELETE withdraws it."""

    queryset = MatchFeedback.objects.none()
    serializer_class = MatchFeedbackSerializer
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=BOTH,
        request=MatchFeedbackWriteSerializer,
        responses={
            201: OpenApiResponse(MatchFeedbackSerializer, description="The match is marked not relevant."),
            200: OpenApiResponse(MatchFeedbackSerializer, description="Its mark is replaced: a new reason or note."),
        },
    )
    def create(self, request, *args, **kwargs):
        company, opportunity = self.company, opportunity_for_firm(slug=self.kwargs["opportunity_slug"])
        write = MatchFeedbackWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        data = {"reason": write.validated_data["reason"], "note": write.validated_data.get("note", "")}
        created = not MatchFeedback.objects.filter(company=company, opportunity=opportunity).exists()
        feedback = match_feedback_give(company=company, opportunity=opportunity, by=request.user, **data).feedback
        answer = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(MatchFeedbackSerializer(feedback).data, status=answer)

    @extend_schema(parameters=BOTH, request=None, responses={204: None})
    def destroy(self, request, *args, **kwargs):
        company, opportunity = self.company, opportunity_for_firm(slug=self.kwargs["opportunity_slug"])
        if not match_feedback_withdraw(company=company, opportunity=opportunity, by=request.user):
            return Response({"detail": "This match has no feedback."}, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(list=extend_schema(parameters=[OPPORTUNITY_SLUG]))
class OpportunityFeedbackViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Every firm's feedback on one opportunity (consultants only), newest first."""

    queryset = MatchFeedback.objects.none()
    serializer_class = MatchFeedbackSerializer
    permission_classes = [IsConsultant]

    def get_queryset(self):
        opportunity = get_object_or_404(Opportunity.objects.all(), slug=self.kwargs["opportunity_slug"])
        return MatchFeedback.objects.filter(opportunity=opportunity).select_related(
            "company", "opportunity", "given_by"
        )
