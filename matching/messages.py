"""One renderer for explanation items: a stored {code, params} reason or gap as words in the reader's language.

Pages, the API (`*_detail`), exports and the gap plan all call `render` or `render_parts`. Items hold codes and
slugs only; names (areas, certifications, countries) are looked up when rendering, in the active language, so a
renamed area or a Japanese reader never sees a stale English sentence. A code nobody knows renders as a short
neutral sentence, and a legacy item stored as plain text renders as that text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import (
    gettext,
    gettext_noop,
    ngettext,
)

from matching.names import Names as Names  # re-exported: callers render through this module
from matching.names import japanese_reader
from matching.names import names_for as names_for
from matching.wording import (
    COMPONENT_WORDS,
    KIND_WORDS,
    ROLE_PHRASES,
    SIZE_SINGULAR,
    SIZES_PLURAL,
    country_words,
    date_words,
    field_words,
    join_words,
    list_words,
    number_words,
    terms_words,
)

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
    "keywords": Message(gettext_noop("%(area)s: description has words for %(terms)s")),
    "lexicon": Message(gettext_noop("uses %(area)s product terms: %(terms)s")),
    "related_terms": Message(gettext_noop("writes about terms related to %(area)s: %(terms)s")),
    # Areas a firm's words point to but it does not tick (matching/suggestions.py), on its matches page.
    # Said of the firm, not to it: its staff read it on my matches, consultants on its profile.
    "area_suggested": Message(gettext_noop("%(area)s: description has words for %(terms)s")),
    # The same, when the words are not the area's keywords but words its profile weighs (as `related_terms`).
    "area_suggested_related": Message(gettext_noop("%(area)s: description writes about related terms: %(terms)s")),
    "any_technology": Message(gettext_noop("the %(kind)s takes any technology")),
    "trl_met": Message(gettext_noop("TRL %(trl)s meets the minimum TRL %(min_trl)s")),
    "certifications_held": Message(
        gettext_noop("holds the certification required"), plural=gettext_noop("holds the certifications required")
    ),
    "open_until": Message(gettext_noop("open until %(date)s")),
    "takes_place": Message(gettext_noop("takes place from %(date)s")),
    # Webhook endpoints (alerts/webhooks.py, alerts/webhook_delivery.py): why one was disabled.
    "webhook.switched_off": Message(gettext_noop("switched off by its owner")),
    "webhook.password_changed": Message(gettext_noop("switched off when its owner's password was changed")),
    "webhook.failed_for_a_day": Message(gettext_noop("a delivery failed for 24 hours; last error: %(error)s")),
    "webhook.rounds_failed": Message(
        gettext_noop("%(count)s delivery round failed in a row; last error: %(error)s"),
        plural=gettext_noop("%(count)s delivery rounds failed in a row; last error: %(error)s"),
    ),
    # Partner fit (partners/scoring.py): why a Japanese partner suits the firm.
    "partner.shared_areas": Message(gettext_noop("Works in the same areas as your firm: %(areas)s.")),
    "partner.complementary_role": Message(
        gettext_noop("Can carry your technology into Japanese programmes as %(role)s.")
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
    # The age rule with no founding year on record: the gate passes, so the gap only asks for the year.
    "founded_unknown": Message(
        gettext_noop(
            "the %(kind)s is for firms founded at most %(max_years)s years ago; firm's founding year not stated"
        ),
        gettext_noop(
            "ask Kakehashi's consultants to add the founding year to the profile, so eligibility can be checked"
        ),
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
        gettext_noop("if the firm works in this field, describe its products for it in the profile"),
        plan=gettext_noop("little technology fit"),
    ),
    "closing_soon": Message(gettext_noop("closes on %(date)s"), gettext_noop("start the application now")),
    # Worked out when a match is read (matching.hooks.gap_notices), not stored: a notice bearing on the pair. Pages
    # follow the action with a "read the notice" link, so the action does not say it again.
    "notice": Message(
        gettext_noop("affected by a rule or policy change of %(date)s: “%(notice)s”"),
        gettext_noop("check how the change bears on taking part"),
        category=NOTICE,
    ),
    "notice_due": Message(
        gettext_noop("a rule or policy change is due by %(date)s: “%(notice)s”"),
        gettext_noop("check how the change bears on taking part"),
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
# Params whose figures differ between opportunities: the gap plan groups gaps without them.
PER_OPPORTUNITY = frozenset({"cap", "capability", "date", "days", "country", "size", "years", "trl"})


# How each known param becomes words; any other param is shown as it is.
_PARAMS: dict[str, Callable[[Any, Names], str]] = {
    "area": lambda v, n: n.area(str(v)),
    "terms": lambda v, n: terms_words(v),
    "kind": lambda v, n: str(KIND_WORDS.get(v, v)),
    "countries": lambda v, n: join_words([country_words(c) for c in v], "or"),
    "country": lambda v, n: country_words(str(v)),
    "sizes": lambda v, n: join_words([str(SIZES_PLURAL.get(s, s)) for s in v], "or"),
    "size": lambda v, n: str(SIZE_SINGULAR.get(v, v)),
    "certifications": lambda v, n: join_words([n.certification(c) for c in v], "or"),
    "partners": lambda v, n: join_words(v),
    "areas": lambda v, n: list_words([n.area(str(s)) for s in v]),
    "opportunities": lambda v, n: list_words([n.opportunity(str(s)) for s in v]),
    "counterparts": lambda v, n: list_words(v),
    "role": lambda v, n: str(ROLE_PHRASES.get(v, v)),
    "notice": lambda v, n: n.notice(str(v)),
    "component": lambda v, n: str(COMPONENT_WORDS.get(v, v)),
    "fields": lambda v, n: field_words(v),
    "date": lambda v, n: date_words(v),
}


def _values(params: Mapping[str, Any], names: Names) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in params.items():
        convert = _PARAMS.get(key)
        out[key] = convert(value, names) if convert else number_words(value)
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


# What to do for the plan's readiness and certification rows, whose "what to fix" is already the goal ("Reach TRL 7",
# "Obtain AS9100D"): the step that makes the goal count in the firm's matches.
PLAN_ACTION_TRL_UNKNOWN = gettext_noop("add the lead product's TRL to the profile")
PLAN_ACTION_TRL_BELOW = gettext_noop("mature the lead product, then update its TRL on the profile")
PLAN_ACTION_CERTIFICATE = gettext_noop("once certified, add the certificate and its expiry date to the profile")


def plan_row(item: Any, names: Names) -> tuple[str, str, str]:
    """(grouping key, what to fix, what to do) of one gap for the gap plan, without per-opportunity figures."""
    code, params, message = _lookup(item)
    if message is None:
        text = render(item, names)
        return f"text:{text}", text, ""
    if code in ("trl_below", "trl_unknown") and isinstance(params.get("min_trl"), int):
        level = params["min_trl"]
        # A firm states one TRL or none, so every readiness row of its plan has the same one of these two.
        action = PLAN_ACTION_TRL_UNKNOWN if code == "trl_unknown" else PLAN_ACTION_TRL_BELOW
        return f"trl-{level}", gettext("Reach TRL %(level)s") % {"level": level}, gettext(action)
    if code == "certifications_missing":
        codes = sorted(params.get("certifications") or [])
        what = gettext("Obtain %(names)s") % {
            "names": _PARAMS["certifications"](params.get("certifications") or [], names)
        }
        return "cert:" + ",".join(codes), what, gettext(PLAN_ACTION_CERTIFICATE)
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
