"""Text helpers every layer may use."""

from typing import Any

from django.utils.translation import get_language


def localised(obj: Any) -> str:
    """A record's Japanese title or name on /ja/ where it has one, else its usual name."""
    if obj is None:
        return ""
    japanese = (get_language() or "").startswith("ja")
    for field in ("title", "name"):
        if hasattr(obj, field):
            if japanese and getattr(obj, f"{field}_ja", ""):
                return getattr(obj, f"{field}_ja")
            break
    return str(obj)
