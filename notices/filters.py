"""The one FilterSet for notices."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from notices.models import Notice


class NoticeFilterSet(django_filters.FilterSet):
    """Notices affecting a record (slug), a country (ISO code) or a technology area (slug)."""

    record = django_filters.CharFilter(field_name="records__slug", label=_("Record"))
    area = django_filters.CharFilter(field_name="technology_areas__slug", label=_("Technology area"))
    country = django_filters.CharFilter(method="filter_country", label=_("Country"))

    class Meta:
        model = Notice
        fields: list[str] = []

    def filter_country(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """Notices naming the country, or naming none (they affect everyone)."""
        return queryset.filter(Q(countries="") | Q(countries__contains=value.upper()[:2]))
