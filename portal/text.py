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
    out = {"lang": "ja" if (get_language() or "").startswith("ja") else "en"}
    for field in ("title", "summary"):
        out[field], out[f"{field}_lang"] = localised_field(obj, field)
    return out


def localised_field(obj: Any, field: str) -> tuple[str, str]:
    """OBJ's FIELD in the reader's language and the language it is really in: `FIELD_ja` on /ja/ pages where it is
    set ("ja"), else FIELD ("en")."""
    japanese = getattr(obj, f"{field}_ja", "") if (get_language() or "").startswith("ja") else ""
    return (japanese, "ja") if japanese else (getattr(obj, field, ""), "en")


KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in range(0x30A1, 0x30F7)}  # ァ-ヶ to ぁ-ゖ


def hiragana(text: str) -> str:
    """TEXT with its katakana as hiragana (ミツビシ -> みつびし), so a kana reading sorts and matches one way."""
    return text.translate(KATAKANA_TO_HIRAGANA)


def form_problems(form: Any, *, labels: bool = False) -> list[str]:
    """One "field: why" line per field FORM refused, named by parameter (or by its label, for people)."""
    return [
        f"{form[name].label if labels and name in form.fields else name}: {' '.join(str(m) for m in messages)}"
        for name, messages in form.errors.items()
    ]
