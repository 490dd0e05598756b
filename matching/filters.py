"""The one FilterSet for matches, shared by "my matches" pages, exports and the API."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from matching.models import Match
from programmes.models import Opportunity, TechnologyArea


class MatchFilterSet(django_filters.FilterSet):
    """Kind of opportunity, minimum score, technology area and eligibility."""

    kind = django_filters.MultipleChoiceFilter(
        field_name="opportunity__kind", choices=Opportunity.Kind.choices, label=_("Kind")
    )
    min_score = django_filters.NumberFilter(field_name="score", lookup_expr="gte", label=_("Minimum score"))
    technology_area = django_filters.ModelMultipleChoiceFilter(
        field_name="opportunity__technology_areas",
        to_field_name="slug",
        queryset=TechnologyArea.objects.all(),
        label=_("Technology area"),
    )
    eligible = django_filters.BooleanFilter(label=_("Eligible only"))

    class Meta:
        model = Match
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        return super().filter_queryset(queryset).best_first()
