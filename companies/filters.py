"""The one FilterSet for firms: the consultants' firm listing and the API's `GET /api/v1/companies/` use it."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from companies.models import Company
from portal.filters import FilterSet
from portal.search import search_terms, term_q
from programmes.filters import areas_in_reading_order, country_choices, country_upper


class CompanyFilterSet(FilterSet):
    """Free text, country, size, technology area and presence in Japan."""

    q = django_filters.CharFilter(
        method="filter_q", label=_("Search"), help_text=_("Words that must all appear in the name or description.")
    )
    country = django_filters.ChoiceFilter(choices=country_choices, label=_("Country"))  # named and sorted per request
    size = django_filters.ChoiceFilter(choices=Company.Size.choices, label=_("Size"))
    technology_area = django_filters.ModelChoiceFilter(
        field_name="technology_areas",
        to_field_name="slug",
        queryset=areas_in_reading_order,  # the reader's order, as on the opportunity listing
        label=_("Technology area"),
    )
    japan_presence = django_filters.ChoiceFilter(choices=Company.Presence.choices, label=_("Presence in Japan"))

    class Meta:
        model = Company
        fields = ["q", "country", "size", "technology_area", "japan_presence"]

    def __init__(self, data=None, *args, **kwargs) -> None:
        super().__init__(country_upper(data, "country"), *args, **kwargs)  # "au" is AU, as on the other filters

    def filter_q(self, queryset: QuerySet[Company], name: str, value: str) -> QuerySet[Company]:
        """Every word must appear in the name or the description, as portal.search matches words: Latin ones where a
        word starts, acronyms whole ("AI" is not air), Japanese anywhere. A search with no letter or digit finds
        nothing, as the records' search does: it has no word to find, and the listing says so."""
        terms = search_terms(value)
        if not terms:
            return queryset.none()
        for term in terms:
            queryset = queryset.filter(term_q(["name", "description"], term))
        return queryset
