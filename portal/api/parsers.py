"""Request parsers of the API: JSON, refusing text with a NUL character anywhere in the body.

PostgreSQL cannot store or even compare text holding NUL (0x00). DRF's CharField refuses it, but lists of slugs and
nested certificate codes are looked up before any CharField sees them; refusing it once, here, covers every field.
"""

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


class NulFreeJSONParser(JSONParser):
    """JSON whose strings hold no NUL character; a 400 names the rule otherwise, or says, in the reader's language,
    that the body is no JSON."""

    def parse(self, stream, media_type=None, parser_context=None):  # type: ignore[no-untyped-def]
        try:
            data = super().parse(stream, media_type, parser_context)
        except ParseError as error:
            # DRF's "JSON parse error - ..." is written without gettext: said in the reader's language here.
            if isinstance(error.__context__, ValueError):
                raise ParseError(_("The body is not valid JSON: %(error)s") % {"error": error.__context__}) from None
            raise
        if _has_nul(data):
            raise ParseError(_("Text may not contain NUL (0x00) characters."))
        return data
