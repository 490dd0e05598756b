"""The one FilterSet for matches, shared by "my matches" pages, exports and the API."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from matching.models import Match
from programmes.models import Opportunity, OpportunityArea, TechnologyArea


class MatchFilterSet(django_filters.FilterSet):
    """Kind of opportunity, minimum score, technology area and eligibility."""

    kind = django_filters.MultipleChoiceFilter(
        field_name="opportunity__kind",
        choices=Opportunity.Kind.choices,
        label=_("Kind"),
        help_text=_("Kind of opportunity; repeat the parameter for several."),
    )
    min_score = django_filters.NumberFilter(
        field_name="score",
        lookup_expr="gte",
        label=_("Minimum score"),
        help_text=_("Only matches scoring at least this (0-100)."),
    )
    technology_area = django_filters.ModelMultipleChoiceFilter(
        field_name="opportunity__technology_areas",
        to_field_name="slug",
        queryset=TechnologyArea.objects.all(),
        method="filter_technology_area",
        label=_("Technology area"),
        help_text=_("Technology area slug; repeat for several (opportunities asking for any of them)."),
    )
    eligible = django_filters.BooleanFilter(
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
