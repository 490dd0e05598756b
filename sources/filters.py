"""The one FilterSet for source changes (API; the admin uses its own list filters)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from sources.models import SourceChange


class SourceChangeFilterSet(django_filters.FilterSet):
    """Filter by review status and by the record's slug."""

    status = django_filters.ChoiceFilter(choices=SourceChange.Status.choices, label=_("Status"))
    record = django_filters.CharFilter(
        field_name="watch__source__opportunity__slug", label=_("Record"), help_text=_("The record's slug.")
    )

    class Meta:
        model = SourceChange
        fields: list[str] = []
