"""Request parsers of the API: JSON, refusing text with a NUL character anywhere in the body.

PostgreSQL cannot store or even compare text holding NUL (0x00). DRF's CharField refuses it, but lists of slugs and
nested certificate codes are looked up before any CharField sees them; refusing it once, here, covers every field.
"""

import json
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _not_json(problem: BaseException | None) -> ParseError:
    """The refusal of a body that is not JSON, in the reader's language: DRF's own ("JSON parse error - …") is
    English whatever the reader reads."""
    if isinstance(problem, json.JSONDecodeError):
        return ParseError(
            _("The body is not valid JSON: line %(line)d, column %(column)d: %(reason)s.")
            % {"line": problem.lineno, "column": problem.colno, "reason": problem.msg}
        )
    if isinstance(problem, UnicodeDecodeError):
        return ParseError(_("The body is not valid JSON: it is not UTF-8 text."))
    return ParseError(_("The body is not valid JSON."))  # NaN or Infinity, which JSON has no words for


class NulFreeJSONParser(JSONParser):
    """JSON whose strings hold no NUL character; a 400 names the rule otherwise, or says, in the reader's language,
    that the body is no JSON."""

    def parse(self, stream, media_type=None, parser_context=None):  # type: ignore[no-untyped-def]
        try:
            data = super().parse(stream, media_type, parser_context)
        except ParseError as error:
            raise _not_json(error.__context__) from error
        if _has_nul(data):
            raise ParseError(_("Text may not contain NUL (0x00) characters."))
        return data
