"""Write bodies name only fields the API knows, each with a value of the field's JSON type: an unknown field is a
400 naming it, never silently dropped, and so is a value of the wrong type, never silently converted.

The same holds for a field the caller may read but not write (a firm's name for its editors, an introduction's
message for consultants): a changed value is a 400 naming it and why (`CallerReadOnlyMixin`), never a 200 that keeps
the old value.

A client that sends `notes` where the field is `note`, or `webstie`, used to get a 200 and no change. Every
serializer that reads a request body (each write of API v1) takes `StrictFieldsMixin`; the schema says the same
(`additionalProperties: false` on each request body, portal/api/schema.py), so generated clients and schemathesis send
no other property.

DRF converts what it can: `"message": 123` was stored as "123", `"relevant": "no"` read as false, and `"owner": 123`
or `"query": 123` reached the field's own checks, which then spoke of an unknown owner or parameter. The mixin
refuses such a value before any check, with the type the field takes ("Not a valid string.", "Must be true or
false."), and a date in the right format that no calendar has (2027-02-30) with why, not as a format error.
"""

import calendar
import datetime
import difflib
import re
from collections.abc import Mapping
from typing import Any

from django.http import QueryDict
from django.utils.dates import MONTHS
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from rest_framework import serializers

ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

# A form post from a browser carries Django's CSRF token beside the fields; it is no field of the body.
FORM_ONLY = frozenset({"csrfmiddlewaretoken"})


def unknown_field_message(name: str, writable: list[str]) -> str:
    """Why NAME is refused, suggesting the closest of WRITABLE when one is close ("Did you mean “note”?")."""
    close = difflib.get_close_matches(name, writable, n=1, cutoff=0.6)
    if not close:
        return _("Unknown field.")
    return _("Unknown field. Did you mean “%(name)s”?") % {"name": close[0]}


def date_refusal(value: str) -> str | None:
    """Why VALUE, a YYYY-MM-DD that names no day ("2027-02-30"), is no date; None for any other string (a real
    date, or one in another format, which the field itself refuses as a format error)."""
    found = ISO_DATE.fullmatch(value)
    if found is None:
        return None
    year, month, day = (int(part) for part in found.groups())
    try:
        datetime.date(year, month, day)
    except ValueError:
        if year >= 1 and 1 <= month <= 12:
            days = calendar.monthrange(year, month)[1]
            return _("%(value)s is not a date: %(month)s %(year)d has %(days)d days.") % {
                "value": value,
                "month": MONTHS[month],
                "year": year,
                "days": days,
            }
        return _("%(value)s is not a date.") % {"value": value}
    return None


def is_json_integer(value: Any) -> bool:
    """Whether VALUE is a JSON integer: a number with no fraction (7 or 7.0, as JSON Schema counts them), never a
    string ("7") or true."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def value_refusal(field: serializers.Field, value: Any) -> str | dict[str, list[str]] | None:
    """Why FIELD refuses VALUE, a JSON value, before any check of its own; None when the field may read it.

    A string field takes a string, a boolean field true or false, a whole-number field a number with no fraction
    (null is the field's own business), and a date field a day that exists. A list field's items are checked by
    its child: the refusal is then DRF's own shape for a list, each refused item by its index
    (`{"0": ["Not a valid string."]}`), so `"events": [1]` is no longer read as the event "1"."""
    if value is None:
        return None
    if isinstance(field, serializers.ListField) and isinstance(value, list):
        refused = {str(index): value_refusal(field.child, item) for index, item in enumerate(value)}
        return {index: [why] for index, why in refused.items() if isinstance(why, str)} or None
    if isinstance(field, serializers.BooleanField) and not isinstance(value, bool):
        return _("Must be true or false.")
    if isinstance(field, serializers.CharField) and not isinstance(value, str):
        return str(serializers.CharField.default_error_messages["invalid"])  # DRF's "Not a valid string."
    if isinstance(field, serializers.IntegerField) and not is_json_integer(value):
        return str(serializers.IntegerField.default_error_messages["invalid"])  # "A valid integer is required."
    if isinstance(field, serializers.DateField) and isinstance(value, str):
        return date_refusal(value)
    return None


class StrictFieldsMixin:
    """Refuse a body that names a field this serializer lacks, each such field named with its closest match, and a
    value of the wrong JSON type (or a date that does not exist), named with the type the field takes.

    Read-only fields of the answer (`created_at`, a pipeline entry's `title`) are known, and ignored as DRF ignores
    them, so a GET-then-PUT round trip keeps working; a write serializer separate from its answer's lists the
    answer's fields in `echoed_fields` for the same reason.
    """

    echoed_fields: tuple[str, ...] = ()

    def to_internal_value(self, data: Any) -> Any:
        unknown = self.unknown_fields(data)
        refused = self.refused_values(data)
        if refused:  # the fields' own checks never see them: their words would be about something else
            data = {name: value for name, value in data.items() if name not in refused}
        try:
            value = super().to_internal_value(data)  # type: ignore[misc]  # the serializer this is mixed into
        except serializers.ValidationError as error:
            if (unknown or refused) and isinstance(error.detail, dict):
                raise serializers.ValidationError({**unknown, **error.detail, **refused}) from error
            raise
        if unknown or refused:
            raise serializers.ValidationError({**unknown, **refused})
        return value

    def refused_values(self, data: Any) -> dict[str, Any]:
        """Each writable field of DATA whose value the field refuses by its type, with why; {} when there is none.

        A form post (QueryDict) is all strings by nature, so only JSON bodies are checked."""
        if not isinstance(data, Mapping) or isinstance(data, QueryDict):
            return {}
        fields = self.fields  # type: ignore[attr-defined]
        refused = {}
        for name, field in fields.items():
            if field.read_only or name not in data:
                continue
            why = value_refusal(field, data[name])
            if why is not None:
                refused[name] = why if isinstance(why, dict) else [why]
        return refused

    def unknown_fields(self, data: Any) -> dict[str, list[str]]:
        """Each key of DATA that names no field, with why; {} when there is none (or DATA is not an object)."""
        if not isinstance(data, Mapping):
            return {}  # "Expected a dictionary": the serializer's own answer
        fields = self.fields  # type: ignore[attr-defined]
        known = set(fields) | set(self.echoed_fields) | (FORM_ONLY if isinstance(data, QueryDict) else set())
        writable = [name for name, field in fields.items() if not field.read_only]
        return {str(name): [unknown_field_message(str(name), writable)] for name in data if name not in known}


class CallerReadOnlyMixin:
    """Refuse a changed value of a field this caller may not write: a 400 naming each such field and why, before any
    other check, rather than a 200 that silently keeps the stored value.

    The value the answer shows may come back unchanged, so a GET-then-PUT (or PATCH) round trip keeps working.
    Fields nobody writes (`id`, `created_at`) are not this mixin's: they are echoed and ignored (StrictFieldsMixin).
    """

    def read_only_for_caller(self) -> dict[str, str | Promise]:
        """Each field of the answer the requesting caller may not change, with why; none unless a serializer says."""
        return {}

    def answer_fields(self) -> Mapping[str, serializers.Field]:
        """The answer's fields, which show the stored values as the client read them: this serializer's own unless
        a write serializer apart from its answer says otherwise."""
        return self.fields  # type: ignore[attr-defined]  # the serializer this is mixed into

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            refused = {
                name: [str(why)]
                for name, why in self.read_only_for_caller().items()
                if name in data and not self.unchanged(name, data[name])
            }
            if refused:
                raise serializers.ValidationError(refused)
        return super().to_internal_value(data)  # type: ignore[misc]  # the serializer this is mixed into

    def unchanged(self, name: str, value: Any) -> bool:
        """True if VALUE is what the answer shows for NAME now (empty and null alike)."""
        instance = getattr(self, "instance", None)
        if instance is None:
            return False
        field = self.answer_fields()[name]
        current = field.get_attribute(instance)
        shown = None if current in (None, "") else field.to_representation(current)
        return value == shown or (shown is None and value in (None, ""))
