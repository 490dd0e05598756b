"""The opportunity filter's `open` choice: open now, upcoming, either, closed, or any (programmes.filters reads it).

Its values are read however API v1 clients have spelt yes and no since the start, and the schema says which words it
takes beside them.
"""

from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.filters import boolean_read

# The `open` filter's choices. Upcoming records (a call whose opening date is ahead, an edition with only an expected
# window) are neither open now nor closed, so they have a choice of their own, and the listing's first visit shows
# them beside the open ones. `true` and `false` mean what they have meant to API v1 clients since the start.
OPEN_NOW, CLOSED, UPCOMING, NOW_OR_UPCOMING = "true", "false", "upcoming", "now_or_upcoming"
OPEN_CHOICES = [
    ("", _("Any")),
    (NOW_OR_UPCOMING, _("Open now or upcoming")),
    (OPEN_NOW, _("Open now")),
    (UPCOMING, _("Upcoming: opens later or expected")),
    (CLOSED, _("Closed or past")),
]
# The choices that list published records only: nothing unpublished is open now or ahead of anyone.
PUBLISHED_ONLY = (OPEN_NOW, UPCOMING, NOW_OR_UPCOMING)
OPEN_SCHEMA = {
    "oneOf": [{"type": "boolean"}, {"type": "string", "enum": [UPCOMING, NOW_OR_UPCOMING]}],
    "description": _(
        "true: published open calls, events not yet over and standing records, as of today in Japan (never a draft "
        "or archived record); upcoming: published calls that open later and editions with only an expected window; "
        "now_or_upcoming: either of these; false: closed calls and past events. Left out: any."
    ),
}


def open_read(value: Any) -> str:
    """VALUE of `open` as the choice it names: true or false for every yes/no spelling the filter has always read
    (1, 0, True, in any case), "" when absent, empty or "unknown" (the old "Any"), else as written, for the field
    to check."""
    try:
        chosen = boolean_read(value)
    except ValidationError:
        return str(value).strip().lower()
    if chosen is None:
        return ""
    return OPEN_NOW if chosen else CLOSED


class OpenSelect(forms.Select):
    """The `open` select, showing the choice applied for every spelling the filter reads (`?open=1`), else Any."""

    def format_value(self, value: Any) -> list[str]:
        chosen = open_read(value)
        return [chosen] if chosen in dict(OPEN_CHOICES) else [""]


class OpenField(forms.ChoiceField):
    """One of OPEN_CHOICES, however true and false are spelt; any other value is a field error saying what to give."""

    widget = OpenSelect
    default_error_messages = {"invalid_choice": _("Give true (open now), upcoming, now_or_upcoming or false.")}

    def to_python(self, value: Any) -> str:
        return open_read(value)


class OpenFilter(django_filters.Filter):
    """The `open` filter (OpenField); its method gets a choice, never an empty value."""

    field_class = OpenField


NEVER_OPEN_MESSAGE = _(
    "Only published records are open or upcoming: choose “Any” under “Open, upcoming or closed” to list drafts or "
    "archived ones."
)
