"""Write bodies name only fields the API knows: an unknown one is a 400 naming it, never silently dropped.

A client that sends `notes` where the field is `note`, or `webstie`, used to get a 200 and no change. Every
serializer that reads a request body (each write of API v1) takes `StrictFieldsMixin`; the schema says the same
(`additionalProperties: false` on each request body, portal/api/schema.py), so generated clients and schemathesis send
no other property.
"""

import difflib
from collections.abc import Mapping
from typing import Any

from django.http import QueryDict
from django.utils.translation import gettext as _
from rest_framework import serializers

# A form post from a browser carries Django's CSRF token beside the fields; it is no field of the body.
FORM_ONLY = frozenset({"csrfmiddlewaretoken"})


def unknown_field_message(name: str, writable: list[str]) -> str:
    """Why NAME is refused, suggesting the closest of WRITABLE when one is close ("Did you mean “note”?")."""
    close = difflib.get_close_matches(name, writable, n=1, cutoff=0.6)
    if not close:
        return _("Unknown field.")
    return _("Unknown field. Did you mean “%(name)s”?") % {"name": close[0]}


class StrictFieldsMixin:
    """Refuse a body that names a field this serializer lacks, each such field named with its closest match.

    Read-only fields of the answer (`created_at`, a pipeline entry's `title`) are known, and ignored as DRF ignores
    them, so a GET-then-PUT round trip keeps working; a write serializer separate from its answer's lists the
    answer's fields in `echoed_fields` for the same reason.
    """

    echoed_fields: tuple[str, ...] = ()

    def to_internal_value(self, data: Any) -> Any:
        unknown = self.unknown_fields(data)
        try:
            value = super().to_internal_value(data)  # type: ignore[misc]  # the serializer this is mixed into
        except serializers.ValidationError as error:
            if unknown and isinstance(error.detail, dict):
                raise serializers.ValidationError({**unknown, **error.detail}) from error
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return value

    def unknown_fields(self, data: Any) -> dict[str, list[str]]:
        """Each key of DATA that names no field, with why; {} when there is none (or DATA is not an object)."""
        if not isinstance(data, Mapping):
            return {}  # "Expected a dictionary": the serializer's own answer
        fields = self.fields  # type: ignore[attr-defined]
        known = set(fields) | set(self.echoed_fields) | (FORM_ONLY if isinstance(data, QueryDict) else set())
        writable = [name for name, field in fields.items() if not field.read_only]
        return {str(name): [unknown_field_message(str(name), writable)] for name in data if name not in known}
