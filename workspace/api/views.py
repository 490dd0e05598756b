"""A firm's pipeline and its feedback on matches through the API; another firm's data answers 404."""

import datetime

from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.http import parse_etags, quote_etag
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from companies.models import Company
from portal.api.conditional import (
    ConditionalRetrieveMixin,
    if_match_parameter,
    if_match_version,
    precondition_failed,
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
from workspace.services import match_feedback_give, match_feedback_withdraw, pipeline_entry_delete, pipeline_entry_save
from workspace.versions import NO_ENTRY, PipelineEntryConflict, pipeline_entry_version

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


IF_MATCH = if_match_parameter(
    record="the entry",
    answers="PUT's",
    covers=(
        "The ETag names the entry's own version (stage, owner, due date, note): a change of the record's title or"
        " deadline alone leaves it as it was. `*`: only if the entry exists."
    ),
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="`*` (the only value a PUT takes): create the entry only if the firm has none for the record yet,"
    " else 412.",
)
STALE = (
    "The entry changed (or was added or removed) since the copy the If-Match ETag names: nothing was changed. GET it"
    " again, reapply the change and send the new ETag. With `If-None-Match: *` the entry already exists; with"
    " `If-Match: *` it does not exist yet; `detail` says which."
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

    def etag_of(self, instance: PipelineEntry, data) -> str:
        return _etag(instance)

    def last_modified_of(self, instance: PipelineEntry) -> datetime.datetime:
        # The answer carries the record's title and deadline beside the entry's own fields (its ETag does not).
        return max(instance.updated_at, instance.opportunity.updated_at)

    def update(self, request, *args, **kwargs):
        company = self.company
        opportunity = opportunity_for_pipeline(company=company, slug=self.kwargs["opportunity_slug"])
        current = self.get_queryset().filter(opportunity=opportunity).first()
        if request.headers.get("If-None-Match", "*").strip() != "*":
            detail = _("If-None-Match on a PUT takes only *: create the entry only if there is none yet.")
            return Response({"detail": detail}, status=status.HTTP_400_BAD_REQUEST)
        write = PipelineEntryWriteSerializer(data=request.data)
        write.is_valid(raise_exception=True)
        try:  # the preconditions are checked by the service alone, under the entry's row lock
            entry = pipeline_entry_save(
                company=company,
                opportunity=opportunity,
                by=request.user,
                version=_version_asked(request, current),
                must_create="If-None-Match" in request.headers,
                **write.service_data(),
            )
        except PipelineEntryConflict as conflict:
            return _refused(request, conflict)
        body = PipelineEntrySerializer(self.get_queryset().get(pk=entry.pk)).data
        headers = {"ETag": _etag(entry)}
        if current is not None:
            return Response(body, headers=headers)
        where = {"company_slug": company.slug, "opportunity_slug": opportunity.slug}
        headers |= created_location(request, "company-pipeline-detail", **where)
        return Response(body, status=status.HTTP_201_CREATED, headers=headers)

    def destroy(self, request, *args, **kwargs):
        entry = self.get_object()
        version = NO_ENTRY if "If-None-Match" in request.headers else _version_asked(request, entry)
        try:
            pipeline_entry_delete(entry=entry, by=request.user, version=version)
        except PipelineEntryConflict as conflict:
            return _refused(request, conflict)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _refused(request, conflict: PipelineEntryConflict) -> Response:
    """412 saying which precondition failed: `If-None-Match: *` met an entry, `If-Match: *` met none, or the entry
    is no longer the copy If-Match names."""
    if "If-None-Match" in request.headers and conflict.entry is not None:
        detail = _(
            "The firm already has this entry, and If-None-Match: * creates one only where there is none yet. "
            "Nothing was changed: GET it, or send its ETag in If-Match to change it."
        )
    elif conflict.entry is None and parse_etags(request.headers.get("If-Match", "")) == ["*"]:
        detail = _(
            "The firm has no such entry, and If-Match: * asks for one that exists. Nothing was "
            "changed; a PUT without If-Match creates it."
        )
    else:
        detail = None
    return precondition_failed(_etag(conflict.entry), detail)


def _etag(entry: PipelineEntry | None) -> str | None:
    """The entry's ETag: its version (`pipeline_entry_version`), a strong validator of the entry's own fields; None
    when there is no entry."""
    return None if entry is None else quote_etag(pipeline_entry_version(entry))


def _version_asked(request, current: PipelineEntry | None) -> str | None:
    """The version a write's If-Match names for the service to check (portal.api.conditional.if_match_version)."""
    return if_match_version(request, pipeline_entry_version(current) if current is not None else None)


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
            return Response({"detail": _("This match has no feedback.")}, status=status.HTTP_404_NOT_FOUND)
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
