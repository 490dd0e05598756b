"""The one FilterSet for matches, shared by "my matches" pages, exports and the API."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from matching.models import Match
from portal.filters import BooleanFilter, FilterSet, ModelMultipleChoiceFilter, MultipleChoiceFilter
from programmes.filters import areas_in_reading_order
from programmes.models import Opportunity, OpportunityArea, TechnologyArea

# Scores run from 0 to 100 (docs/matching.md); a minimum outside them is a typo, refused with one message.
SCORE_MIN, SCORE_MAX = 0, 100
SCORE_MESSAGE = _("Give a score from 0 to 100.")
# The schema states the range (a django-filter number gives drf-spectacular none); an override names its description.
MIN_SCORE_SCHEMA = {
    "type": "number",
    "format": "float",
    "minimum": SCORE_MIN,
    "maximum": SCORE_MAX,
    "description": "Only matches scoring at least this (0-100).",
}


class ScoreFilter(django_filters.NumberFilter):
    """A score from SCORE_MIN to SCORE_MAX; django-filter's own bound (1e+50) is not one a person could mean."""

    def get_max_validator(self) -> None:
        return None


class MatchFilterSet(FilterSet):
    """Kind of opportunity, minimum score, technology area and eligibility."""

    kind = MultipleChoiceFilter(
        field_name="opportunity__kind",
        choices=Opportunity.Kind.choices,
        label=_("Kind"),
        help_text=_("Kind of opportunity; repeat the parameter for several."),
    )
    min_score = extend_schema_field(MIN_SCORE_SCHEMA)(
        ScoreFilter(
            field_name="score",
            lookup_expr="gte",
            min_value=SCORE_MIN,
            max_value=SCORE_MAX,
            error_messages={"min_value": SCORE_MESSAGE, "max_value": SCORE_MESSAGE},
            label=_("Minimum score"),
            help_text=_("Only matches scoring at least this (0-100)."),
        )
    )
    technology_area = ModelMultipleChoiceFilter(
        field_name="opportunity__technology_areas",
        to_field_name="slug",
        queryset=areas_in_reading_order,
        method="filter_technology_area",
        label=_("Technology area"),
        help_text=_("Technology area slug; repeat for several (opportunities asking for any of them)."),
    )
    eligible = BooleanFilter(
        label=_("Eligible only"), help_text=_("true: only matches passing every eligibility gate.")
    )

    class Meta:
        model = Match
        fields: list[str] = []

    def filter_technology_area(self, queryset: QuerySet, name: str, value: list[TechnologyArea]) -> QuerySet:
        """Matches for opportunities asking for any of the areas given (a subquery: no DISTINCT needed)."""
        # django-filter's default predicate would compare the slugs with primary keys.
        if not value:  # the form gives an empty QuerySet, not [], when the parameter is absent
            return queryset
        return queryset.filter(
            opportunity__in=OpportunityArea.objects.filter(technology_area__in=value).values("opportunity")
        )

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        return super().filter_queryset(queryset).best_first()
