"""One FilterSet per listed model, shared by the web listing and the API (STYLE.md, "Filters")."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from partners.models import Introduction, Partner
from portal.filters import FilterSet, ModelMultipleChoiceFilter, MultipleChoiceFilter
from portal.search import search_terms, term_q
from portal.text import is_kana_reading, kana_sort_key
from programmes.filters import areas_in_reading_order
from programmes.models import TechnologyArea


class PartnerFilterSet(FilterSet):
    """Partners by role, technology area and free text (names and capabilities in English or Japanese)."""

    role = MultipleChoiceFilter(choices=Partner.Role.choices, label=_("Role"))
    area = ModelMultipleChoiceFilter(
        queryset=areas_in_reading_order,  # the reader's order, as on the opportunity listing
        to_field_name="slug",
        method="filter_area",
        label=_("Technology area"),
    )
    q = django_filters.CharFilter(method="filter_q", max_length=200, label=_("Search"))

    class Meta:
        model = Partner
        fields = ["role", "area", "q"]

    def filter_area(self, queryset: QuerySet, name: str, value: list[TechnologyArea]) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(area_links__technology_area__in=value).distinct()

    def filter_q(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return partners_search(queryset, value)


class IntroductionFilterSet(FilterSet):
    """Introduction requests by firm (slug), within the firms the caller may see: another firm's slug lists none."""

    company = django_filters.CharFilter(field_name="company__slug", max_length=100, label=_("Firm"))

    class Meta:
        model = Introduction
        fields = ["company"]


def partners_search(queryset: QuerySet, value: str) -> QuerySet:
    """Partners with each word of VALUE in a name, a short name, the capabilities or the city, for the listing, the
    API and the admin. Words match as everywhere else (portal.search): Latin ones where a word starts, acronyms whole
    ("AI" is not air, "MHI" not a word inside another), Japanese anywhere; full-width ＮＥＣ and half-width ｿﾆｰ are
    made plain first. A reading matches in either kana, with or without voicing marks, spaces or the middle dot. A
    search with no letter or digit finds nothing, as the records' search does (an empty one is no search)."""
    terms = search_terms(value)
    if value.strip() and not terms:
        return queryset.none()
    for term in terms:
        key = kana_sort_key(term) if is_kana_reading(term) else ""
        fields = ["name", "name_ja", "short_names", "capabilities", "capabilities_ja", "city", "city_ja"]
        queryset = queryset.filter(term_q(fields, term) | (Q(name_sort__contains=key) if key else Q()))
    return queryset
