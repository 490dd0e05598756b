"""The one FilterSet for pipeline entries, used by the API's pipeline list."""

import django_filters
from django.utils.translation import gettext_lazy as _

from portal.filters import FilterSet, MultipleChoiceFilter
from workspace.models import PipelineEntry


class PipelineEntryFilterSet(FilterSet):
    """Stage and owner."""

    stage = MultipleChoiceFilter(
        choices=PipelineEntry.Stage.choices, label=_("Stage"), help_text=_("Stage; repeat the parameter for several.")
    )
    owner = django_filters.CharFilter(
        field_name="owner__username", label=_("Owner"), help_text=_("The owner's username.")
    )

    class Meta:
        model = PipelineEntry
        fields: list[str] = []
