"""The one FilterSet for source changes (API; the admin uses its own list filters)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from portal.filters import FilterSet
from programmes.models import Opportunity
from sources.models import SourceChange


class SourceChangeFilterSet(FilterSet):
    """Filter by review status and by the record's slug.

    A slug that names no record is a 400 naming `record`, as on the notices' and the records' filters: an empty list
    would read as "no change was found in its sources"."""

    status = django_filters.ChoiceFilter(choices=SourceChange.Status.choices, label=_("Status"))
    record = django_filters.ModelChoiceFilter(
        field_name="watch__source__opportunity",
        to_field_name="slug",
        queryset=Opportunity.objects.all(),  # consultants only: drafts and archived records have sources too
        label=_("Record"),
        help_text=_("The record's slug."),
    )

    class Meta:
        model = SourceChange
        fields: list[str] = []
