"""One renderer for explanation items: a stored {code, params} reason or gap as words in the reader's language.

Pages, the API (`*_detail`), exports and the gap plan all call `render` or `render_parts`. Items hold codes and
slugs only; names (areas, certifications, countries) are looked up when rendering, in the active language, so a
renamed area or a Japanese reader never sees a stale English sentence. A code nobody knows renders as a short
neutral sentence, and a legacy item stored as plain text renders as that text.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import (
    gettext,
    gettext_lazy,
    gettext_noop,
    ngettext,
)
from django_countries import countries

from matching.names import Names as Names  # re-exported: callers render through this module
from matching.names import japanese_reader
from matching.names import names_for as names_for
from matching.terms import distinct_terms

# Gap plan categories: which heading of the plan a gap code belongs to.
CERTIFICATION, PARTNER, READINESS, OTHER = "certification", "partner", "readiness", "other"
NOTICE = "notice"  # a notice bearing on the match (worked out when read, never stored)


@dataclass(frozen=True)
class Message:
    """The words of one code: what it says, what to do about it (gaps) and where the gap plan files it."""

    text: str
    todo: str = ""
    category: str = OTHER
    plural: str = ""  # with a `count` param: the plural form of TEXT (ngettext)
    plan: str = ""  # the gap plan's wording, without figures that differ between opportunities


REASONS: dict[str, Message] = {
    "ticked": Message(gettext_noop("declares %(area)s")),
    "keywords": Message(gettext_noop("%(area)s: description mentions %(terms)s")),
    "lexicon": Message(gettext_noop("uses %(area)s product terms: %(terms)s")),
    "related_terms": Message(gettext_noop("writes about terms related to %(area)s: %(terms)s")),
    # Areas a firm's words point to but it does not tick (matching/suggestions.py), on its matches page.
    "area_suggested": Message(gettext_noop("%(area)s: your description mentions %(terms)s")),
    "any_technology": Message(gettext_noop("the %(kind)s takes any technology")),
    "trl_met": Message(gettext_noop("TRL %(trl)s meets the minimum TRL %(min_trl)s")),
    "certifications_held": Message(
        gettext_noop("holds the certification required"), plural=gettext_noop("holds the certifications required")
    ),
    "open_until": Message(gettext_noop("open until %(date)s")),
    "takes_place": Message(gettext_noop("takes place from %(date)s")),
    # Webhook endpoints (alerts/webhooks.py, alerts/webhook_delivery.py): why one was disabled.
    "webhook.switched_off": Message(gettext_noop("switched off by its owner")),
    "webhook.failed_for_a_day": Message(gettext_noop("a delivery failed for 24 hours; last error: %(error)s")),
    "webhook.rounds_failed": Message(
        gettext_noop("%(count)s delivery round failed in a row; last error: %(error)s"),
        plural=gettext_noop("%(count)s delivery rounds failed in a row; last error: %(error)s"),
    ),
    # Partner fit (partners/scoring.py): why a Japanese partner suits the firm.
    "partner.shared_areas": Message(gettext_noop("Works in the same areas as your firm: %(areas)s.")),
    "partner.complementary_role": Message(
        gettext_noop("A %(role)s that can carry your technology into Japanese programmes.")
    ),
    "partner.known_programmes": Message(gettext_noop("Already works on your best opportunities: %(opportunities)s.")),
    "partner.foreign_partnerships": Message(gettext_noop("Has worked with foreign firms before: %(counterparts)s.")),
    "partner.same_country_partner": Message(
        gettext_noop("Has a partnership with a firm or government from your country.")
    ),
}

GAPS: dict[str, Message] = {
    "gate_country": Message(
        gettext_noop("open to firms from %(countries)s; firm is in %(country)s (score capped at %(cap)s)"),
        gettext_noop("take part as a partner of a firm from an eligible country"),
        plan=gettext_noop("open to firms from %(countries)s only"),
    ),
    "gate_size": Message(
        gettext_noop("the %(kind)s is for %(sizes)s; firm is %(size)s (score capped at %(cap)s)"),
        gettext_noop("take part as a partner of an eligible firm"),
        plan=gettext_noop("the %(kind)s is for %(sizes)s"),
    ),
    "gate_age": Message(
        gettext_noop(
            "the %(kind)s is for firms founded at most %(max_years)s years ago; firm is %(years)s years old "
            "(score capped at %(cap)s)"
        ),
        gettext_noop("take part as a partner of a younger firm"),
        plan=gettext_noop("the %(kind)s is for firms founded at most %(max_years)s years ago"),
    ),
    "gate_japanese_entity": Message(
        gettext_noop("in practice the %(kind)s takes Japanese entities; firm has none (score capped at %(cap)s)"),
        gettext_noop("apply through a Japanese partner's entity or set up a Japanese entity"),
        PARTNER,
        plan=gettext_noop("in practice the %(kind)s takes Japanese entities"),
    ),
    "gate_japan_presence": Message(
        gettext_noop("the %(kind)s needs an office or entity in Japan; firm has none (score capped at %(cap)s)"),
        gettext_noop("set up an office in Japan or apply through a Japanese partner's entity"),
        PARTNER,
        plan=gettext_noop("the %(kind)s needs an office or entity in Japan"),
    ),
    "partner_needed": Message(
        gettext_noop("needs a Japanese partner or entity"),
        gettext_noop("find a Japanese partner firm before applying"),
        PARTNER,
    ),
    "entity_needed": Message(
        gettext_noop("needs an office or entity in Japan"),
        gettext_noop("set one up or apply through a Japanese partner's entity"),
        PARTNER,
    ),
    "entity_needed_has_partner": Message(
        gettext_noop("needs an office or entity in Japan; firm has a Japanese partner only"),
        gettext_noop("apply through the partner's Japanese entity or set up your own"),
        PARTNER,
    ),
    "trl_unknown": Message(
        gettext_noop("TRL not stated; the minimum is TRL %(min_trl)s"),
        gettext_noop("add the lead product's TRL to the profile"),
        READINESS,
    ),
    "trl_below": Message(
        gettext_noop("TRL %(trl)s is below the minimum TRL %(min_trl)s"),
        gettext_noop("mature the product to TRL %(min_trl)s first"),
        READINESS,
    ),
    "certifications_missing": Message(
        gettext_noop("no %(certifications)s"), gettext_noop("obtain %(certifications)s"), CERTIFICATION
    ),
    "low_fit": Message(
        gettext_noop("little technology fit (capability %(capability)s) caps the score at %(cap)s"),
        gettext_noop("describe the relevant products and technologies in the firm's profile"),
        plan=gettext_noop("little technology fit"),
    ),
    "closing_soon": Message(gettext_noop("closes on %(date)s"), gettext_noop("start the application now")),
    # Worked out when a match is read (matching.hooks.gap_notices), not stored: a notice bearing on the pair.
    "notice": Message(
        gettext_noop("affected by a rule or policy change of %(date)s: “%(notice)s”"),
        gettext_noop("read the notice and check how it bears on taking part"),
        category=NOTICE,
    ),
    "notice_due": Message(
        gettext_noop("a rule or policy change is due by %(date)s: “%(notice)s”"),
        gettext_noop("read the notice and check how it bears on taking part"),
        category=NOTICE,
    ),
    "feedback_lowered": Message(
        gettext_noop("ranked lower: you marked %(count)s record about %(area)s as not relevant"),
        gettext_noop("clear the mark in your workspace if it no longer holds"),
        plural=gettext_noop("ranked lower: you marked %(count)s records about %(area)s as not relevant"),
    ),
    # Partner fit gaps (partners/scoring.py).
    "partner.no_shared_area": Message(
        gettext_noop("shares none of your technology areas"),
        gettext_noop("meet it for a programme it holds, not for your technology"),
    ),
    "partner.low_confidence": Message(
        gettext_noop("the partner record is not fully verified"),
        gettext_noop("check its sources before you rely on it"),
    ),
}

# "What moved" in a match (issue 15, `match.moved` events from matching.moves): component deltas and the record
# change that caused them.
MOVES: dict[str, Message] = {
    "moved_component": Message(gettext_noop("%(component)s %(old)s → %(new)s points")),
    "record_lists_area": Message(gettext_noop("the record now lists %(area)s")),
    "record_drops_area": Message(gettext_noop("the record no longer lists %(area)s")),
    "record_min_trl": Message(gettext_noop("the minimum TRL is now %(new)s (was %(old)s)")),
    "record_min_trl_set": Message(gettext_noop("the record now asks for TRL %(new)s")),
    "record_min_trl_dropped": Message(gettext_noop("the record no longer asks for a minimum TRL")),
    "record_fields_changed": Message(gettext_noop("the record changed: %(fields)s")),
}
COMPONENT_WORDS = {
    "capability": gettext_lazy("capability"),
    "eligibility": gettext_lazy("eligibility"),
    "readiness": gettext_lazy("readiness"),
    "compliance": gettext_lazy("compliance"),
    "timing": gettext_lazy("timing"),
}
# The record fields programmes.changes tracks, as a reader names them.
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
    "eligible_countries": gettext_lazy("eligible countries"),
    "eligible_sizes": gettext_lazy("eligible firm sizes"),
    "min_trl": gettext_lazy("minimum TRL"),
    "japan_presence": gettext_lazy("presence in Japan required"),
    "max_company_age": gettext_lazy("firm age limit"),
    "japanese_entity": gettext_lazy("Japanese entities only"),
    "eligibility_notes": gettext_lazy("eligibility notes"),
    "technology_areas": gettext_lazy("technology areas"),
    "required_certifications": gettext_lazy("required certifications"),
}


def _field_words(fields: Iterable[str]) -> str:
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
# A Japanese partner's role (partners.models.Partner.Role uses the same words).
ROLE_WORDS = {
    "prime": gettext_lazy("Prime contractor"),
    "supplier": gettext_lazy("Supplier"),
    "startup": gettext_lazy("Start-up"),
    "sme": gettext_lazy("SME"),
    "research": gettext_lazy("Research body"),
    "trading_house": gettext_lazy("Trading house"),
    "industry_body": gettext_lazy("Industry body"),
}
SIZE_SINGULAR = {"startup": gettext_lazy("a start-up"), "sme": gettext_lazy("an SME"), "large": gettext_lazy("large")}
# Params whose figures differ between opportunities: the gap plan groups gaps without them.
PER_OPPORTUNITY = frozenset({"cap", "capability", "date", "days", "country", "size", "years", "trl"})


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


def _country(code: str) -> str:
    return str(countries.name(code) or code)


def _date(value: Any) -> str:
    """An ISO date param as a reader writes it: 2027年1月31日 in Japanese; ISO (2027-01-31) in English, as stored."""
    try:
        day = datetime.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{day.year}年{day.month}月{day.day}日" if japanese_reader() else day.isoformat()


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else f"{value:.2f}"
    return str(value)


# How each known param becomes words; any other param is shown as it is.
_PARAMS: dict[str, Callable[[Any, Names], str]] = {
    "area": lambda v, n: n.area(str(v)),
    "terms": lambda v, n: terms_words(v),
    "kind": lambda v, n: str(KIND_WORDS.get(v, v)),
    "countries": lambda v, n: join_words([_country(c) for c in v], "or"),
    "country": lambda v, n: _country(str(v)),
    "sizes": lambda v, n: join_words([str(SIZES_PLURAL.get(s, s)) for s in v], "or"),
    "size": lambda v, n: str(SIZE_SINGULAR.get(v, v)),
    "certifications": lambda v, n: join_words([n.certification(c) for c in v], "or"),
    "partners": lambda v, n: join_words(v),
    "areas": lambda v, n: list_words([n.area(str(s)) for s in v]),
    "opportunities": lambda v, n: list_words([n.opportunity(str(s)) for s in v]),
    "counterparts": lambda v, n: list_words(v),
    "role": lambda v, n: str(ROLE_WORDS.get(v, v)),
    "notice": lambda v, n: n.notice(str(v)),
    "component": lambda v, n: str(COMPONENT_WORDS.get(v, v)),
    "fields": lambda v, n: _field_words(v),
    "date": lambda v, n: _date(v),
}


def _values(params: Mapping[str, Any], names: Names) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in params.items():
        convert = _PARAMS.get(key)
        out[key] = convert(value, names) if convert else _number(value)
    return out


def _format(template: str, plural: str, values: Mapping[str, str], params: Mapping[str, Any]) -> str:
    """TEMPLATE (an English msgid) translated into the active language and filled with VALUES."""
    if plural:
        count = params.get("count")
        text = ngettext(template, plural, count if isinstance(count, int) else 0)
    else:
        text = gettext(template)
    try:
        return text % values
    except (KeyError, TypeError, ValueError):
        return gettext("(details missing)")


def _lookup(item: Any) -> tuple[str, Mapping[str, Any], Message | None]:
    if not isinstance(item, dict):
        return "", {}, None
    code = str(item.get("code") or "")
    params = item.get("params")
    return code, params if isinstance(params, dict) else {}, REASONS.get(code) or GAPS.get(code) or MOVES.get(code)


def render_parts(item: Any, names: Names | None = None) -> tuple[str, str]:
    """(what, what to do) of one item in the active language; legacy text and unknown codes render safely."""
    code, params, message = _lookup(item)
    if message is None:
        if isinstance(item, dict):
            legacy = item.get("text") or item.get("message")
            return (str(legacy), "") if legacy else (gettext("another factor (%(code)s)") % {"code": code or "?"}, "")
        return str(item), ""
    names = names or Names()
    try:
        values = _values(params, names)
    except (TypeError, ValueError, AttributeError):  # a param of the wrong shape, e.g. "terms": 5
        return gettext("(details missing)"), ""
    what = _format(message.text, message.plural, values, params)
    todo = _format(message.todo, "", values, params) if message.todo else ""
    if code == "partner_needed" and params.get("partners"):
        todo = gettext("talk to %(partners)s or another Japanese partner before applying") % values
    return what, todo


def render(item: Any, names: Names | None = None) -> str:
    """One item as a sentence in the active language: 'what: what to do' for gaps."""
    what, todo = render_parts(item, names)
    if not todo:
        return what
    return f"{what}：{todo}" if japanese_reader() else f"{what}: {todo}"


def detail(items: Iterable[Any], names: Names | None = None) -> list[dict[str, Any]]:
    """Items as the API's `*_detail` lists: {code, params, text}; legacy text has code 'text' and no params."""
    names = names or Names()
    out = []
    for item in items or []:
        code, params, _message = _lookup(item)
        out.append({"code": code or "text", "params": dict(params), "text": render(item, names)})
    return out


def category(item: Any) -> str:
    """The gap plan heading an item belongs to ('other' for unknown codes and legacy text)."""
    message = _lookup(item)[2]
    return message.category if message else OTHER


def plan_row(item: Any, names: Names) -> tuple[str, str, str]:
    """(grouping key, what to fix, what to do) of one gap for the gap plan, without per-opportunity figures."""
    code, params, message = _lookup(item)
    if message is None:
        text = render(item, names)
        return f"text:{text}", text, ""
    if code in ("trl_below", "trl_unknown") and isinstance(params.get("min_trl"), int):
        level = params["min_trl"]
        return f"trl-{level}", gettext("Reach TRL %(level)s") % {"level": level}, ""
    if code == "certifications_missing":
        codes = sorted(params.get("certifications") or [])
        what = gettext("Obtain %(names)s") % {
            "names": _PARAMS["certifications"](params.get("certifications") or [], names)
        }
        return "cert:" + ",".join(codes), what, ""
    # A notice's date is the notice's own, the same on every match it bears on: it stays in the plan's wording.
    per_opportunity = PER_OPPORTUNITY - {"date"} if message.category == NOTICE else PER_OPPORTUNITY
    shared = {k: v for k, v in params.items() if k not in per_opportunity}
    key = code + ":" + ",".join(f"{k}={shared[k]}" for k in sorted(shared))
    try:
        values = _values(shared, names)
    except (TypeError, ValueError, AttributeError):
        return key, gettext("(details missing)"), ""
    what = _format(message.plan or message.text, message.plural, values, params)
    todo = _format(message.todo, "", values, params) if message.todo else ""
    return key, what, todo
