"""Match lists in the API: a firm's best opportunities and an opportunity's best firms, each row with its workspace.

Site layer: the rows carry the firm's pipeline stage and "not relevant" mark (workspace), which sits above matching.
"""

from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.permissions import IsAuthenticated

from companies.models import Company
from matching.api.serializers import MatchSerializer
from matching.api.views import COMPANY_SLUG, OPPORTUNITY_SLUG, _match_rows
from matching.filters import MatchFilterSet
from matching.models import Match
from portal.api.caching import CachedListMixin, cached
from portal.api.language import LANG, ReaderLanguageMixin
from portal.api.permissions import IsConsultant
from portal.filters import boolean_param
from programmes.models import Opportunity
from workspace.selectors import with_workspace

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
        rows = _match_rows(self.request.user).filter(company_id=self.company_id)
        # true or false (1 or 0), else a 400 naming it, as the FilterSet's yes/no filters answer
        dismissed = boolean_param(self.request.query_params, "include_dismissed", default=False)
        return with_workspace(rows, include_dismissed=dismissed)


@extend_schema_view(list=extend_schema(parameters=[OPPORTUNITY_SLUG, LANG]))
class OpportunityMatchViewSet(ReaderLanguageMixin, CachedListMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The firms that fit an opportunity best (consultants only)."""

    queryset = Match.objects.none()  # names the model for the schema; get_queryset() does the reading
    serializer_class = MatchSerializer
    filterset_class = MatchFilterSet
    permission_classes = [IsConsultant]

    def get_queryset(self):
        opportunity = get_object_or_404(Opportunity.objects.all(), slug=self.kwargs["opportunity_slug"])
        # workspace (#14): consultants see every firm's row
        return with_workspace(_match_rows(self.request.user).filter(opportunity=opportunity), include_dismissed=True)
