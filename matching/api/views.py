"""Scoring runs, and what the match API views share: the rows, the reader's language, the path parameters.

The match lists themselves (a firm's best opportunities, an opportunity's best firms) carry the workspace, so they
live in the site layer (web/api/match_views.py).
"""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from matching.api.serializers import (
    MatchRunQueueDownSerializer,
    MatchRunSerializer,
    MatchRunStartSerializer,
)
from matching.dispatch import QueueUnavailable, match_run_start
from matching.models import Match, MatchRun
from portal.api.created import created_location
from portal.api.permissions import IsConsultant
from programmes.models import OpportunityArea

# Seconds to wait before checking again: the dispatcher sweeps pending runs about once a minute.
QUEUE_RETRY_AFTER_S = 60
COMPANY_SLUG = OpenApiParameter("company_slug", str, OpenApiParameter.PATH, description="The firm's slug.")
OPPORTUNITY_SLUG = OpenApiParameter(
    "opportunity_slug", str, OpenApiParameter.PATH, description="The opportunity's slug."
)
MATCH_ROW_FIELDS = [
    *("score", "parts", "reasons", "gaps", "eligible", "computed_at"),
    *(
        "company__slug",
        "company__name",
        "opportunity__slug",
        "opportunity__kind",
        "opportunity__title",
        "opportunity__title_ja",
    ),
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
            return _queue_down(request, down.run)
        headers = created_location(request, "match-run-detail", pk=run.pk)
        return Response(MatchRunSerializer(run).data, status=status.HTTP_202_ACCEPTED, headers=headers)


def _queue_down(request: Request, run: MatchRun) -> Response:
    """503 naming the outage: the run is recorded (pending) and will start when the queue is back (issue 6)."""
    detail = _(
        "The job queue is unavailable. The run was recorded and will start automatically when the queue is back."
    )
    headers = {**created_location(request, "match-run-detail", pk=run.pk), "Retry-After": str(QUEUE_RETRY_AFTER_S)}
    body = {"detail": detail, "run": MatchRunSerializer(run).data}
    return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers=headers)
