"""API errors as JSON keyed by field, including the ValidationErrors that services raise."""

import re
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD_ERRORS = api_settings.NON_FIELD_ERRORS_KEY
# Django's get_object_or_404 writes its message in English whatever the language (django/shortcuts.py).
DJANGO_NOT_FOUND = re.compile(r"No (\w+) matches the given query\.")


def _not_found(exc: Http404) -> exceptions.NotFound:
    """Django's "No Company matches the given query." in the reader's language, naming the model as they would."""
    found = DJANGO_NOT_FOUND.fullmatch(str(exc))
    name = found.group(1) if found else None
    model = next((model for model in apps.get_models() if model._meta.object_name == name), None)
    if model is None:
        return exceptions.NotFound(*exc.args)  # as DRF does; our own messages are translated where raised
    detail = _("No %(model)s matches the given query.") % {"model": capfirst(model._meta.verbose_name)}
    return exceptions.NotFound(detail)


def _throttled(exc: exceptions.Throttled) -> exceptions.Throttled:
    """DRF's throttle message in the reader's language: DRF formats its wait sentence before looking it up, so the
    lookup never finds a translation and a Japanese reader got English after the first sentence."""
    if exc.wait is None:
        return exceptions.Throttled(detail=_("Request was throttled."))
    wait = ngettext("Try again in %(wait)d second.", "Try again in %(wait)d seconds.", exc.wait) % {"wait": exc.wait}
    throttled = exceptions.Throttled(detail=f"{_('Request was throttled.')} {wait}")
    throttled.wait = exc.wait  # the Retry-After header, unchanged
    return throttled


def service_error(error: DjangoValidationError) -> exceptions.ValidationError:
    """A service's ValidationError as the API's 400: keyed by field, or, when it names none, in `detail`."""
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(error.message_dict)
    return exceptions.ValidationError({"detail": error.messages})


def _detail_as_text(data: Any) -> Any:
    """A 400's body in the shape every error has (the schema's `Error`): `detail` is one string, never a list.

    DRF makes a list of every message, so a refusal of the request as a whole (`{"detail": "why"}`, or a bare
    message) came out as `{"detail": ["why"]}`, or as a bare list, which no client reading `Error` expects."""
    if isinstance(data, list):
        return {"detail": " ".join(str(message) for message in data)}
    if isinstance(data, dict) and NON_FIELD_ERRORS in data:
        # DRF's key for what names no field (a body that is no JSON object: "Expected a dictionary, but got list."),
        # which is a refusal of the request as a whole: said in `detail`, as `Error` and docs/api.md say.
        data = {**data}
        whole = [*_messages(data.pop("detail", [])), *_messages(data.pop(NON_FIELD_ERRORS))]
        return {"detail": " ".join(whole), **_fields_named(data)}
    if isinstance(data, dict) and isinstance(data.get("detail"), list):
        return {**_fields_named(data), "detail": " ".join(str(message) for message in data["detail"])}
    return _fields_named(data) if isinstance(data, dict) else data


def _fields_named(data: dict[str, Any]) -> dict[str, Any]:
    """DATA with each nested refusal of a field or list item as a whole put on that field or item itself.

    DRF keys what a nested serializer says of its whole value `non_field_errors` (a firm's `certifications` that is
    no list, or has too many items; an item that is no object), a key no client reading `Error` knows: the messages
    belong to the field or item, as `technology_areas` and a webhook's `events` give them."""
    named: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            value = _fields_named(value)
            if set(value) == {NON_FIELD_ERRORS}:
                value = _messages(value[NON_FIELD_ERRORS])
        named[key] = value
    return named


def _messages(value: Any) -> list[str]:
    """VALUE (one message or a list of them) as a list of strings."""
    return [str(message) for message in value] if isinstance(value, list) else [str(value)]


def exception_handler(exc, context):
    """DRF's handler, plus services' `ValidationError({"field": "why"})` answered as a 400 naming the field."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, Http404):
        exc = _not_found(exc)
    if isinstance(exc, exceptions.Throttled) and not isinstance(exc.detail, dict):
        exc = _throttled(exc)
    if isinstance(exc, RequestDataTooBig):
        # Django checks DATA_UPLOAD_MAX_MEMORY_SIZE when DRF reads the body; answer in JSON, as 413 says it.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        detail = _("The request body is larger than %(limit)d bytes.") % {"limit": limit}
        return Response({"detail": detail}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.ValidationError):
        response.data = _detail_as_text(response.data)
    return response
