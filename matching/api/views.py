"""Match scores (a firm's best opportunities, an opportunity's best firms) and scoring runs."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from companies.models import Company
from matching.api.serializers import (
    MatchRunQueueDownSerializer,
    MatchRunSerializer,
    MatchRunStartSerializer,
    MatchSerializer,
)
from matching.dispatch import QueueUnavailable, match_run_start
from matching.filters import MatchFilterSet
from matching.models import Match, MatchRun
from portal.api.caching import CachedListMixin, cached
from portal.api.language import LANG, ReaderLanguageMixin
from portal.api.permissions import IsConsultant
from programmes.models import Opportunity, OpportunityArea

# Seconds to wait before checking again: the dispatcher sweeps pending runs about once a minute.
QUEUE_RETRY_AFTER_S = 60
COMPANY_SLUG = OpenApiParameter("company_slug", str, OpenApiParameter.PATH, description="The firm's slug.")
OPPORTUNITY_SLUG = OpenApiParameter(
    "opportunity_slug", str, OpenApiParameter.PATH, description="The opportunity's slug."
)
MATCH_ROW_FIELDS = [
    *("score", "components", "reasons", "gaps", "eligible", "computed_at"),
    *("company__slug", "company__name", "opportunity__slug", "opportunity__kind", "opportunity__title"),
]


def _match_rows(user):
    """Matches USER may see, with only the columns an API row shows: the firm, the opportunity and its area slugs.

    Not matching.selectors.match_list: the pages show organisations and need whole rows, which doubles the cost
    of a page here (about 17 ms against 8 ms for 20 rows on the demo data).
    """
    areas = OpportunityArea.objects.select_related("technology_area").only(
        "opportunity_id", "weight", "technology_area__slug"
    )
    return (
        Match.objects.visible_to(user)
        .select_related("company", "opportunity")
        .only(*MATCH_ROW_FIELDS)
        .prefetch_related(Prefetch("opportunity__area_links", queryset=areas))
    )


INCLUDE_DISMISSED = OpenApiParameter(
    "include_dismissed", bool, description="true: also the matches the firm marked not relevant (workspace)."
)


@extend_schema_view(list=extend_schema(parameters=[COMPANY_SLUG, LANG, INCLUDE_DISMISSED]))
class CompanyMatchViewSet(ReaderLanguageMixin, CachedListMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A firm's matches, best first; 404 for a firm the caller cannot see (another firm's staff)."""

    queryset = Match.objects.none()  # names the model for the schema; get_queryset() does the reading
    serializer_class = MatchSerializer
    filterset_class = MatchFilterSet
    permission_classes = [IsAuthenticated]

    def list_access_check(self) -> None:
        self.company_id  # noqa: B018 (404 for a firm the caller cannot see, before any cached answer)

    @cached_property
    def company_id(self) -> int:
        """The firm's id, or 404. The answer is cached too: who belongs to which firm is in the accounts family."""
        user, slug = self.request.user, self.kwargs["company_slug"]
        return cached(
            "api-company",
            str(user.pk),
            slug,
            families=["accounts", "companies"],
            request=self.request,
            compute=lambda: get_object_or_404(Company.objects.visible_to(user).values_list("pk", flat=True), slug=slug),
        )

    def get_queryset(self):
        # workspace (#14): pipeline_stage and dismissed on each row; dismissed matches only with include_dismissed
        from workspace.api.views import include_dismissed
        from workspace.selectors import with_workspace

        rows = _match_rows(self.request.user).filter(company_id=self.company_id)
        return with_workspace(rows, include_dismissed=include_dismissed(self.request))


@extend_schema_view(list=extend_schema(parameters=[OPPORTUNITY_SLUG, LANG]))
class OpportunityMatchViewSet(ReaderLanguageMixin, CachedListMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The firms that fit an opportunity best (consultants only)."""

    queryset = Match.objects.none()  # names the model for the schema; get_queryset() does the reading
    serializer_class = MatchSerializer
    filterset_class = MatchFilterSet
    permission_classes = [IsConsultant]

    def get_queryset(self):
        opportunity = get_object_or_404(Opportunity.objects.all(), slug=self.kwargs["opportunity_slug"])
        from workspace.selectors import with_workspace  # workspace (#14): consultants see every firm's row

        return with_workspace(_match_rows(self.request.user).filter(opportunity=opportunity), include_dismissed=True)


class MatchRunViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Scoring runs, newest first (consultants only). POST starts a rescore and answers 202 with the run."""

    queryset = MatchRun.objects.select_related("company", "opportunity", "requested_by").order_by("-created_at", "-pk")
    serializer_class = MatchRunSerializer
    permission_classes = [IsConsultant]

    @extend_schema(
        request=MatchRunStartSerializer, responses={202: MatchRunSerializer, 503: MatchRunQueueDownSerializer}
    )
    def create(self, request, *args, **kwargs):
        start = MatchRunStartSerializer(data=request.data)
        start.is_valid(raise_exception=True)
        try:
            run = match_run_start(**start.validated_data, by=request.user)
        except QueueUnavailable as down:
            return _queue_down(down.run)
        headers = {"Location": run.get_absolute_url()}
        return Response(MatchRunSerializer(run).data, status=status.HTTP_202_ACCEPTED, headers=headers)


def _queue_down(run: MatchRun) -> Response:
    """503 naming the outage: the run is recorded (pending) and will start when the queue is back (issue 6)."""
    detail = _(
        "The job queue is unavailable. The run was recorded and will start automatically when the queue is back."
    )
    headers = {"Location": run.get_absolute_url(), "Retry-After": str(QUEUE_RETRY_AFTER_S)}
    body = {"detail": detail, "run": MatchRunSerializer(run).data}
    return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers=headers)
