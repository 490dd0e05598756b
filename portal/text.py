"""Text helpers every layer may use."""

import re
import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext_noop, ngettext_lazy
from django.utils.translation import gettext_lazy as _


def reading_japanese() -> bool:
    """Whether the active language is Japanese: the page, or the export, was asked for under /ja/."""
    return (get_language() or "").startswith("ja")


# The marks set between translated pieces (a label and its value, the items of a list, clauses, an aside), as each
# language writes them: Japanese takes full-width marks with no space around them. One table, read by templates
# ({% punct %}) and code (`punct`, `labelled`), so an English ": " never lands after a Japanese word.
PUNCTUATION = {
    ":": (": ", "："),
    ",": (", ", "、"),
    ";": ("; ", "、"),
    "(": ("(", "（"),
    " (": (" (", "（"),  # an aside after a word, where English leaves a space
    ")": (")", "）"),
    ".": (".", "。"),
    "|": ("; ", "／"),  # between groups that are lists themselves ("added: A, B; removed: C")
    " ": (" ", ""),  # a space between words, before a piece that opens with its own （ in Japanese
}


# Words that Django (a form label's suffix, the admin's theme toggle) and django-countries (names with an aside)
# translate into Japanese with ASCII punctuation. Our catalogue, which Django reads before theirs, gives them Japanese
# marks; listed here so that makemessages keeps them.
JAPANESE_MARKS_FOR_LIBRARY_WORDS = (
    gettext_noop(":"),
    gettext_noop("Cocos (Keeling) Islands"),
    gettext_noop("Congo (the Democratic Republic of the)"),
    gettext_noop("Falkland Islands (Malvinas)"),
    gettext_noop("Saint Martin (French part)"),
    gettext_noop("Sint Maarten (Dutch part)"),
    gettext_noop("Virgin Islands (British)"),
    gettext_noop("Virgin Islands (U.S.)"),
    # django-countries' Japanese uses names Japan's Ministry of Foreign Affairs has since changed or never used.
    gettext_noop("Georgia"),  # not グルジア (renamed 2015)
    gettext_noop("Luxembourg"),  # not ルクセンブルグ
    gettext_noop("Maldives"),  # not モルジブ
    gettext_noop("Palestine, State of"),  # not パレスチナ自治州
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("Toggle theme (current theme: dark)"),
    # The admin's save messages quote with “ ” and spaces ({name} “{obj}” を変更しました。).
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    gettext_noop("Password confirmation"),
    gettext_noop("New password confirmation"),
    # Django's Japanese for this says "enter some characters", which is not what went wrong.
    gettext_noop("Null characters are not allowed."),
    # Django's length refusals ("この値は 100 文字以下でなければなりません( 500 文字になっています)。")
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
)


def punct(mark: str) -> str:
    """MARK (one of PUNCTUATION's keys) as the reader's language writes it between pieces: ": " or "：", ..."""
    english, japanese = PUNCTUATION[mark]
    return japanese if reading_japanese() else english


def full_stop(text: Any) -> str:
    """TEXT ended with a full stop in the reader's language, unless it already ends with one: a sentence that ends
    with a time ("as of 5 December 2026, 16:16") is closed by the time's own point, never by two."""
    text = str(text).rstrip()
    return text if text.endswith((".", "。", "!", "?", "！", "？")) else text + punct(".")


def labelled(label: Any, value: Any) -> str:
    """ "Label: value" in English, "ラベル：値" in Japanese."""
    return f"{label}{punct(':')}{value}"


def localised(obj: Any) -> str:
    """A record's Japanese title or name on /ja/ where it has one, else its usual name."""
    if obj is None:
        return ""
    japanese = reading_japanese()
    for field in ("title", "name"):
        if hasattr(obj, field):
            translated = str(getattr(obj, f"{field}_ja", "") or "") if japanese else ""
            if translated:
                return translated
            break
    return str(obj)


def localised_lang(obj: Any) -> str:
    """The language `localised(obj)` shows OBJ's title or name in: "ja" where it uses the Japanese one, else "en"."""
    if obj is None or not reading_japanese():
        return "en"
    for field in ("title", "name"):
        if hasattr(obj, field):
            return "ja" if getattr(obj, f"{field}_ja", "") else "en"
    return "en"


def localised_text(obj: Any) -> dict[str, str]:
    """OBJ's title and summary in the active language, each with the language it is really in (issue #13).

    Japanese where the record has it; otherwise the English, marked "en", so a reader can tell a fallback.
    """
    out = {"lang": "ja" if reading_japanese() else "en"}
    for field in ("title", "summary"):
        out[field], out[f"{field}_lang"] = localised_field(obj, field)
    return out


def localised_field(obj: Any, field: str) -> tuple[str, str]:
    """OBJ's FIELD in the reader's language and the language it is really in: `FIELD_ja` on /ja/ pages where it is
    set ("ja"), else FIELD ("en")."""
    japanese = getattr(obj, f"{field}_ja", "") if reading_japanese() else ""
    return (japanese, "ja") if japanese else (getattr(obj, field, ""), "en")


# Kana readings (a Japanese name's yomi): one definition for the validator, the stored form and the sort key.
# Katakana ァ-ヴ and the iteration marks ヽヾ are kept as their hiragana; ヵ, ヶ and ヷ-ヺ have no plain reading and
# are refused, as are kanji and Latin letters.
KATAKANA_TO_HIRAGANA = {code: code - 0x60 for code in [*range(0x30A1, 0x30F5), 0x30FD, 0x30FE]}
KANA_READING = re.compile(r"[\u3041-\u3094\u309D\u309E\u30A1-\u30F4\u30FC\u30FD\u30FE ]*")  # after kana()
_SMALL_KANA = str.maketrans("ぁぃぅぇぉっゃゅょゎ", "あいうえおつやゆよわ")
_VOWEL = {k: v for v, row in zip("あいうえお", ["あかさたなはまやらわ", "いきしちにひみりゐ", "うくすつぬふむゆる",
          "えけせてねへめれゑ", "おこそとのほもよろを"], strict=True) for k in row}  # fmt: skip


def kana(text: str) -> str:
    """TEXT as a reading is written and stored: NFKC (half-width ｽﾊﾞﾙ and separate voicing marks composed), the
    middle dot as a space, single spaces, and katakana as hiragana (テラ・ラボ -> てら らぼ), so a reading sorts and
    matches one way."""
    return " ".join(unicodedata.normalize("NFKC", text).replace("・", " ").split()).translate(KATAKANA_TO_HIRAGANA)


def kana_reading_check(value: str) -> None:
    """ValidationError unless VALUE is a kana reading (see KANA_READING)."""
    if not is_kana_reading(value):
        raise ValidationError(
            _("Write the reading in hiragana or katakana only (for example みつびしじゅうこうぎょう)."), code="kana"
        )


def is_kana_reading(text: str) -> bool:
    """Whether TEXT is a reading once written as `kana` writes it."""
    return KANA_READING.fullmatch(kana(text)) is not None


def kana_sort_key(reading: str) -> str:
    """The key a Japanese dictionary sorts READING by (あいうえお順), as plain code points: voicing marks dropped
    (が sorts as か), small kana as full size, the long mark as the vowel before it (すばるー as すばるう), spaces and
    the middle dot left out. Ties between か and が are broken by the reading itself."""
    base = unicodedata.normalize("NFD", kana(reading)).replace("\u3099", "").replace("\u309a", "")
    out: list[str] = []
    for char in base.translate(_SMALL_KANA):
        if char == "ー":
            char = _VOWEL.get(out[-1], "") if out else ""
        elif char == " ":
            continue
        out.append(char)
    return "".join(out)


def form_problems(form: Any, *, labels: bool = False) -> list[str]:
    """One "field: why" line per field FORM refused, named by parameter (or by its label, for people, with the
    reader's punctuation: 「名前：…」)."""
    if not labels:
        return [f"{name}: {' '.join(str(m) for m in messages)}" for name, messages in form.errors.items()]
    return [
        labelled(form[name].label if name in form.fields else name, punct(" ").join(str(m) for m in messages))
        for name, messages in form.errors.items()
    ]


def form_problems_said(form: Any) -> str:
    """FORM's refusals for a person, in one message: each field by its label, in the reader's punctuation."""
    return punct(" ").join(form_problems(form, labels=True))


# Readings of the kanji that django-countries' Japanese country names begin with (中国, 米領サモア, 北朝鮮…), so that
# they sort among the katakana names by sound (あいうえお順) instead of after them all by code point. The rest of a
# name is taken as written (katakana reads as itself; a later kanji only breaks a tie).
COUNTRY_NAME_READINGS = {
    "合衆国": "がっしゅうこく", "北朝鮮": "きたちょうせん", "南極": "なんきょく", "中央": "ちゅうおう",
    "中国": "ちゅうごく", "赤道": "せきどう", "香港": "ほんこん", "日本": "にほん", "韓国": "かんこく",
    "台湾": "たいわん", "米領": "べいりょう", "英領": "えいりょう", "仏領": "ふつりょう", "北": "きた",
    "南": "みなみ", "東": "ひがし", "西": "にし",
}  # fmt: skip


def country_name_sort_key(name: str) -> str:
    """The key a Japanese reader's list sorts a Japanese country NAME by: its reading in あいうえお順 (kana_sort_key),
    with the leading kanji read through COUNTRY_NAME_READINGS (the longest that fits)."""
    for written in sorted(COUNTRY_NAME_READINGS, key=len, reverse=True):
        if name.startswith(written):
            name = COUNTRY_NAME_READINGS[written] + name[len(written) :]
            break
    return kana_sort_key(name.replace("（", " ").replace("）", " "))


_NUMBERS = re.compile(r"(\d+)")


def natural_sort_key(text: str) -> list[str | int]:
    """TEXT's key for a natural order, numbers compared as numbers ("field 2" before "field 10"), letters by case-folded
    text. Splitting on a captured group puts text at even places and numbers at odd ones, so keys always compare."""
    pieces = _NUMBERS.split(unicodedata.normalize("NFKC", text))  # NFKC: full-width digits as ASCII ones
    return [int(piece) if n % 2 else piece.casefold() for n, piece in enumerate(pieces)]
