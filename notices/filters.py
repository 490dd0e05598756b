"""The one FilterSet for notices."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from notices.models import Notice
from portal.filters import FilterSet
from programmes.filters import areas_in_reading_order, country_choices, country_upper
from programmes.models import Opportunity, TechnologyArea


def _public_records(request) -> QuerySet:
    """The records a `record` filter may name: every record a notice may list, drafts apart (never public)."""
    return Opportunity.objects.exclude(status=Opportunity.Status.DRAFT)


class NoticeFilterSet(FilterSet):
    """Notices affecting a record (slug), a country (ISO code) or a technology area (slug); a notice naming no country
    or no area applies to every one.

    A slug or code that names nothing is a 400 naming the parameter, as on the records' filters: an empty list
    would read as "no notice affects it".
    """

    record = django_filters.ModelChoiceFilter(
        field_name="records",
        to_field_name="slug",
        queryset=_public_records,
        label=_("Record"),
        help_text=_("A record's slug (published or archived)."),
    )
    area = django_filters.ModelChoiceFilter(
        to_field_name="slug",
        queryset=areas_in_reading_order,
        method="filter_area",
        label=_("Technology area"),
        help_text=_("Technology area slug: notices naming this area, or naming none (they apply to any area)."),
    )
    country = django_filters.ChoiceFilter(
        choices=country_choices,
        method="filter_country",
        label=_("Country"),
        help_text=_("ISO country code: notices naming this country, or naming none (they affect everyone)."),
    )

    class Meta:
        model = Notice
        fields: list[str] = []

    def __init__(self, data=None, *args, **kwargs) -> None:
        super().__init__(country_upper(data, "country"), *args, **kwargs)  # "au" is AU, as it always was

    def filter_country(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Notices naming the country, or naming none (they affect everyone)."""
        return queryset.filter(Q(countries="") | Q(countries__contains=value))

    def filter_area(self, queryset: QuerySet, name: str, value: TechnologyArea) -> QuerySet:
        """Notices naming the area, or naming none (they apply to any area, as the page says), as `country` reads
        countries. One join: a notice names an area once, so no notice is listed twice."""
        return queryset.filter(Q(technology_areas=value) | Q(technology_areas=None))
