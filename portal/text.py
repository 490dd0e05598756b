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


def localised_lang(obj: Any) -> str:
    """The language `localised(obj)` shows OBJ's title or name in: "ja" where it uses the Japanese one, else "en"."""
    if obj is None or not (get_language() or "").startswith("ja"):
        return "en"
    for field in ("title", "name"):
        if hasattr(obj, field):
            return "ja" if getattr(obj, f"{field}_ja", "") else "en"
    return "en"


def localised_text(obj: Any) -> dict[str, str]:
    """OBJ's title and summary in the active language, each with the language it is really in (issue #13).

    Japanese where the record has it; otherwise the English, marked "en", so a reader can tell a fallback.
    """
    lang = "ja" if (get_language() or "").startswith("ja") else "en"
    out = {"lang": lang}
    for field in ("title", "summary"):
        japanese = getattr(obj, f"{field}_ja", "") if lang == "ja" else ""
        out[field] = japanese or getattr(obj, field, "")
        out[f"{field}_lang"] = "ja" if japanese else "en"
    return out


def form_problems(form: Any, *, labels: bool = False) -> list[str]:
    """One "field: why" line per field FORM refused, named by parameter (or by its label, for people)."""
    return [
        f"{form[name].label if labels and name in form.fields else name}: {' '.join(str(m) for m in messages)}"
        for name, messages in form.errors.items()
    ]
