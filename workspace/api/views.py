"""A firm's pipeline and its feedback on matches through the API; another firm's data answers 404."""

from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from companies.models import Company
from portal.api.conditional import (
    ConditionalRetrieveMixin,
    has_precondition,
    precondition_failed,
    precondition_refused,
    representation_etag,
)
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
from workspace.services import (
    PipelineEntryConflict,
    match_feedback_give,
    match_feedback_withdraw,
    pipeline_entry_delete,
    pipeline_entry_save,
    pipeline_entry_version,
)

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


IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "The entry's ETag as the client last read it (GET sends it; so do PUT's answers): the change is made only if"
        " nobody changed the entry since, else 412. `*`: only if the entry exists. Left out, the change is made"
        " whatever happened meanwhile, as before."
    ),
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="`*`: create the entry only if the firm has none for the record yet, else 412.",
)
STALE = (
    "The entry changed (or was added or removed) since the copy the If-Match ETag names: nothing was changed. GET it"
    " again, reapply the change and send the new ETag."
)


@extend_schema_view(
    list=extend_schema(parameters=[COMPANY_SLUG]),
    retrieve=extend_schema(parameters=BOTH),
    update=extend_schema(
        parameters=[*BOTH, IF_MATCH, IF_NONE_MATCH],
        request=PipelineEntryWriteSerializer,
        responses={
            200: OpenApiResponse(PipelineEntrySerializer, description="The entry is changed; its new ETag comes too."),
            201: OpenApiResponse(PipelineEntrySerializer, description="The entry is created, at its Location."),
            412: OpenApiResponse(description=STALE),
        },
    ),
    destroy=extend_schema(parameters=[*BOTH, IF_MATCH], responses={204: None, 412: OpenApiResponse(description=STALE)}),
)
class PipelineEntryViewSet(
    FirmMixin,
    ConditionalRetrieveMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """A firm's pipeline: list (filter by stage and owner), read (with its ETag), PUT to create or change an entry,
    DELETE it; a PUT or DELETE with If-Match is made only if the entry is still as the client read it (412 else)."""

    queryset = PipelineEntry.objects.none()  # names the model for the schema; get_queryset() does the reading
    serializer_class = PipelineEntrySerializer
    filterset_class = PipelineEntryFilterSet
    permission_classes = [IsAuthenticated]
    lookup_field = "opportunity__slug"
    lookup_url_kwarg = "opportunity_slug"
    http_method_names = ["get", "put", "delete", "head", "options"]

    def get_queryset(self):
        return PipelineEntry.objects.visible_to(self.request.user).filter(company=self.company).for_board()

    def _etag(self, entry: PipelineEntry | None) -> str | None:
        """The ETag a GET of ENTRY sends (None when there is no entry)."""
        return None if entry is None else representation_etag(self.request, PipelineEntrySerializer(entry).data)

    def update(self, request, *args, **kwargs):
        company = self.company
        opportunity = opportunity_for_pipeline(company=company, slug=self.kwargs["opportunity_slug"])
        current = self.get_queryset().filter(opportunity=opportunity).first()
        if precondition_refused(request, self._etag(current)):
            return precondition_failed(self._etag(current))
        write = PipelineEntryWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        # The version read above, checked again under the service's lock: a save in between is refused too.
        version = pipeline_entry_version(current) if current is not None and has_precondition(request) else None
        try:
            entry = pipeline_entry_save(
                company=company, opportunity=opportunity, by=request.user, version=version, **write.service_data()
            )
        except PipelineEntryConflict as conflict:
            return precondition_failed(self._etag(conflict.entry))
        body = PipelineEntrySerializer(self.get_queryset().get(pk=entry.pk)).data
        headers = {"ETag": representation_etag(request, body)}
        if current is not None:
            return Response(body, headers=headers)
        where = {"company_slug": company.slug, "opportunity_slug": opportunity.slug}
        headers |= created_location(request, "company-pipeline-detail", **where)
        return Response(body, status=status.HTTP_201_CREATED, headers=headers)

    def destroy(self, request, *args, **kwargs):
        entry = self.get_object()
        if precondition_refused(request, self._etag(entry)):
            return precondition_failed(self._etag(entry))
        version = pipeline_entry_version(entry) if has_precondition(request) else None
        try:
            pipeline_entry_delete(entry=entry, by=request.user, version=version)
        except PipelineEntryConflict as conflict:
            return precondition_failed(self._etag(conflict.entry))
        return Response(status=status.HTTP_204_NO_CONTENT)


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
