"""JSON stored as readable text: non-ASCII characters as themselves, not as \\u escapes.

Django writes a JSONField with `json.dumps`, which escapes every non-ASCII character by default. PostgreSQL's jsonb
stores the characters either way, but SQLite (the development default) keeps the text as written, so a search with
`icontains` for 量子 would never find "\\u91cf\\u5b50" there. Fields that are searched as text use this encoder.
"""

from typing import Any

from django.core.serializers.json import DjangoJSONEncoder


class UnicodeJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder that writes non-ASCII characters as they are."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["ensure_ascii"] = False
        super().__init__(*args, **kwargs)
