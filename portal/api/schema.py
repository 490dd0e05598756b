"""What the OpenAPI schema says beyond drf-spectacular's defaults: shared enums, the errors each operation answers, and
that request bodies take no property beyond their fields.

drf-spectacular documents only the success answer of an operation (error responses are its open issue #101). The
API's errors take one of two shapes (portal/api/exceptions.py, portal/errors.py), so one schema component, `Error`,
describes both, and each operation lists the error statuses it really answers. An AutoSchema rather than a
postprocessing hook: whether a read can be refused (403) depends on the view's permissions, which a hook never sees.
"""

from typing import Any

from django_countries import countries
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ComponentRegistry, ResolvedComponent, force_instance
from rest_framework.permissions import SAFE_METHODS

from portal.api.pagination import StandardPagination
from portal.api.permissions import IsConsultant
from portal.api.strict import StrictFieldsMixin

COUNTRY_CHOICES = [(code, name) for code, name in countries]

ERROR = ResolvedComponent(
    name="Error",
    type=ResolvedComponent.SCHEMA,
    object="Error",
    schema={
        "type": "object",
        "description": (
            "An error. A refusal (401, 403, 404) says why in `detail`; a 400 names each query parameter or field"
            ' at fault with what is wrong with it, `{"page_size": ["Give a whole number from 1 to 100."]}`. The'
            " words follow the reader's language: act on the status code, never on the text."
        ),
        "properties": {"detail": {"type": "string", "description": "What went wrong, for the request as a whole."}},
        "additionalProperties": {
            "description": (
                "A query parameter or field at fault, and what is wrong with it; for a field of a nested object or"
                " a list, the same again keyed by the inner field or by the item's position,"
                ' `{"certifications": {"0": {"expires_on": ["Date has wrong format. ..."]}}}`.'
            ),
            "oneOf": [
                {"type": "array", "items": {"type": "string"}},
                {"type": "object", "description": "The errors of the inner fields or items, in the same form."},
            ],
        },
    },
)

BAD_QUERY = "A query parameter is not valid (a filter, `page`, `page_size`, `lang`): the body names each one and why."
BAD_BODY = (
    "The body is not valid: not a JSON object, a required field missing, or a value refused. The body names each field"
    " at fault and why, nested as the request is."
)
UNAUTHORIZED = (
    "No valid credentials: none where the route needs a signed-in caller, or a token that is unknown, malformed,"
    " revoked or expired, or an Authorization header in another scheme than Bearer (even on public routes)."
)
FORBIDDEN_WRITE = (
    "Signed in but not allowed: the caller's role may not make this change (a firm's viewer, staff where only"
    " consultants may), or a session caller sent no CSRF token."
)
FORBIDDEN_READ = "Signed in but not a consultant: only consultants may read this."
NOT_FOUND = "No such record, or one the caller may not see: another firm's answers 404, never 403."
PAGE_NOT_FOUND = "A page past the end."


class ErrorResponsesAutoSchema(AutoSchema):
    """drf-spectacular's AutoSchema, plus the 400, 401, 403 and 404 that each operation answers, with `Error`."""

    def get_operation(
        self, path: str, path_regex: str, path_prefix: str, method: str, registry: ComponentRegistry
    ) -> dict[str, Any] | None:
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        registry.register_on_missing(ERROR)
        responses = operation["responses"]
        errors = self._error_descriptions(operation.get("parameters", []), has_body="requestBody" in operation)
        for code, description in errors.items():
            responses.setdefault(code, {"description": description})
        for code, documented in responses.items():
            # A status an operation documents itself keeps its words; an error gets the body if it had none.
            if code.startswith("4"):
                documented.setdefault("content", {"application/json": {"schema": ERROR.ref}})
        return operation

    def _map_serializer(self, serializer: Any, direction: str, bypass_extensions: bool = False) -> dict[str, Any]:
        """A request body of a StrictFieldsMixin serializer (every write's) says it takes no other property: the API
        answers 400 to one (portal/api/strict.py)."""
        schema: dict[str, Any] = super()._map_serializer(serializer, direction, bypass_extensions)
        if (
            direction == "request"
            and isinstance(force_instance(serializer), StrictFieldsMixin)
            and schema.get("type") == "object"
        ):
            schema["additionalProperties"] = False
        return schema

    def _error_descriptions(self, parameters: list[dict[str, Any]], *, has_body: bool) -> dict[str, str]:
        """The error statuses this operation answers, from its parameters, method and permissions, with why."""
        read = self.method in SAFE_METHODS
        query = {parameter["name"] for parameter in parameters if parameter["in"] == "query"}
        in_path = any(parameter["in"] == "path" for parameter in parameters)
        errors = {}
        # Every query parameter of the API is checked (filters, paging, lang, the change feed's cursor), and every
        # body a write reads (its serializer's rules, and a body that is not a JSON object).
        if read and query:
            errors["400"] = BAD_QUERY
        elif has_body:
            errors["400"] = BAD_BODY
        # Authentication runs on every request: a dead token is a 401 even where anonymous callers are served.
        errors["401"] = UNAUTHORIZED
        # Session callers' writes need the CSRF token (DRF's SessionAuthentication) and most writes have a role
        # rule; among reads only IsConsultant refuses a signed-in caller (source changes answer 404 instead).
        if not read:
            errors["403"] = FORBIDDEN_WRITE
        elif any(isinstance(permission, IsConsultant) for permission in self.view.get_permissions()):
            errors["403"] = FORBIDDEN_READ
        not_found = [NOT_FOUND] if in_path else []
        if StandardPagination.page_query_param in query:
            not_found.append(PAGE_NOT_FOUND)
        if not_found:
            errors["404"] = " ".join(not_found)
        return errors
