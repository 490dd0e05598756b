"""Words for the params of explanation items, in the reader's language: lists joined as English or Japanese
writes them, a firm's own terms, dates, countries, and the names of kinds, sizes, roles, components and record fields.
matching/messages.py fills its sentences with them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy
from django_countries import countries

from matching.names import japanese_reader
from matching.terms import distinct_terms

COMPONENT_WORDS = {
    "capability": gettext_lazy("capability"),
    "eligibility": gettext_lazy("eligibility"),
    "readiness": gettext_lazy("readiness"),
    "compliance": gettext_lazy("compliance"),
    "timing": gettext_lazy("timing"),
}
# The record fields programmes.changes tracks (TRACKED_FIELDS, every one of them), as a reader names them.
FIELD_WORDS = {
    "kind": gettext_lazy("kind"),
    "status": gettext_lazy("status"),
    "opens_on": gettext_lazy("opening date"),
    "closes_on": gettext_lazy("closing date"),
    "starts_on": gettext_lazy("start date"),
    "ends_on": gettext_lazy("end date"),
    "expected_from": gettext_lazy("expected window"),
    "expected_until": gettext_lazy("expected window"),
    "venue": gettext_lazy("venue"),
    "venue_ja": gettext_lazy("Japanese venue"),
    "eligible_countries": gettext_lazy("eligible countries"),
    "eligible_sizes": gettext_lazy("eligible firm sizes"),
    "min_trl": gettext_lazy("minimum TRL"),
    "japan_presence": gettext_lazy("presence in Japan required"),
    "max_company_age": gettext_lazy("firm age limit"),
    "japanese_entity": gettext_lazy("Japanese entities only"),
    "eligibility_notes": gettext_lazy("eligibility notes"),
    "technology_areas": gettext_lazy("technology areas"),
    "area_weights": gettext_lazy("technology area weights"),
    "required_certifications": gettext_lazy("required certifications"),
}


def field_words(fields: Iterable[str]) -> str:
    """Field names as words, each once (the expected window's two ends are one thing to a reader)."""
    words = [str(FIELD_WORDS.get(name, name)) for name in fields]
    return join_words(dict.fromkeys(words))


KIND_WORDS = {
    "hub": gettext_lazy("hub"),
    "priority_area": gettext_lazy("priority area"),
    "event": gettext_lazy("event"),
    "programme": gettext_lazy("programme"),
    "call": gettext_lazy("call"),
}
SIZES_PLURAL = {"startup": gettext_lazy("start-ups"), "sme": gettext_lazy("SMEs"), "large": gettext_lazy("large firms")}
# A Japanese partner's role (partners.models.Partner.Role) inside a sentence, with its article: "as a prime
# contractor", "as an SME".
ROLE_PHRASES = {
    "prime": gettext_lazy("a prime contractor"),
    "supplier": gettext_lazy("a supplier"),
    "startup": gettext_lazy("a start-up"),
    "sme": gettext_lazy("an SME"),
    "research": gettext_lazy("a research body"),
    "trading_house": gettext_lazy("a trading house"),
    "industry_body": gettext_lazy("an industry body"),
}
SIZE_SINGULAR = {"startup": gettext_lazy("a start-up"), "sme": gettext_lazy("an SME"), "large": gettext_lazy("large")}


def join_words(words: Iterable[str], last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c' in English; 'a、b、c' in Japanese (LAST is 'and' or 'or')."""
    words = [str(w) for w in words]
    if japanese_reader():
        return ("、" if last == "and" else "または").join(words)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def terms_words(terms: Iterable[Any] | str) -> str:
    """A firm's terms as a list (distinct_terms), set off in 「」 in Japanese, where they stay in English."""
    kept = distinct_terms([terms] if isinstance(terms, str) else terms)
    if japanese_reader():
        kept = [f"「{t}」" for t in kept]
    return join_words(kept)


def list_words(words: Iterable[str]) -> str:
    """'a, b, c' in English and 'a、b、c' in Japanese: a plain list, as partner-fit items show names."""
    return ("、" if japanese_reader() else ", ").join(str(w) for w in words)


def country_words(code: str) -> str:
    return str(countries.name(code) or code)


def date_words(value: Any) -> str:
    """An ISO date param as the site writes dates (DATE_FORMAT): Jan. 31, 2027 in English, 2027年1月31日 in Japanese."""
    try:
        day = datetime.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return date_format(day, "DATE_FORMAT")


def number_words(value: Any) -> str:
    """A figure as written: at most two decimals, and no trailing zero (47.8 points, not 47.80, as the pages show)."""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)
