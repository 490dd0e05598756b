"""Template helpers for the site: localised names, search highlighting, days left, expected months, score bars."""

import datetime
import re

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse, translate_url
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from portal.reasons import reason_text
from portal.search import entries_found, highlight_pattern
from portal.text import full_stop, localised, localised_field, localised_lang, punct
from workspace.undo import undo_feedback_target

register = template.Library()


register.filter("localised", localised)
register.filter("reason_text", reason_text)  # a history row's reason, a code-written one in the reader's language


@register.filter
def field_localised(obj, field: str) -> str:
    """OBJ's FIELD in the reader's language: `FIELD_ja` on /ja/ where it is set, else FIELD (portal.text)."""
    return localised_field(obj, field)[0]


register.simple_tag(punct, name="punct")  # {% punct ":" %}: ": " in English, "：" in Japanese (portal.text)
# {{ sentence|full_stop }}: "." or "。" unless the sentence already ends with one (a time's "p.m.").
register.filter("full_stop", full_stop, is_safe=True)


@register.simple_tag
def list_comma() -> str:
    """What separates the items of a list in the reader's language: "、" in Japanese, ", " in English."""
    return punct(",")


@register.filter
def join_list(items) -> str:
    """ITEMS joined as a list in the reader's language: "a, b" in English, "a、b" in Japanese."""
    return punct(",").join(str(item) for item in items or [])


@register.filter
def notice_link(gap, match) -> str:
    """Where a notice gap of MATCH is read (matching.selectors.notice_gap_url: the record's page, or the notice's)."""
    from matching.selectors import notice_gap_url

    return notice_gap_url(gap, match)


@register.filter
def english_fallback(obj) -> bool:
    """True on a Japanese page when OBJ is shown by its English title or name, having no Japanese one."""
    return localised_lang(obj) == "en" and (translation.get_language() or "").startswith("ja")


JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]")  # kana and kanji


@register.filter
def text_lang(text) -> str:
    """ "ja" for a text with kana or kanji in it, else "en": for marking free text whose language no field records."""
    return "ja" if JAPANESE.search(str(text or "")) else "en"


@register.filter
def lang_attr(obj) -> SafeString:
    """` lang="en"` for an element showing OBJ's English title or name on a Japanese page, else nothing."""
    return mark_safe(' lang="en"') if english_fallback(obj) else SafeString("")


@register.filter
def highlight(text, query: str | None) -> SafeString:
    """Escape TEXT, then wrap each word the search found in <mark> (portal.search: as the filter matched it; one
    pass, so words never nest)."""
    text = "" if text is None else str(text)
    pattern = highlight_pattern(query or "")
    if pattern is None:
        return escape(text)
    # split() with one group alternates outside/inside pieces; every piece is escaped before it is wrapped.
    pieces = pattern.split(text)
    return mark_safe(  # noqa: S308 (every piece is escaped above)
        "".join(f"<mark>{escape(piece)}</mark>" if i % 2 else escape(piece) for i, piece in enumerate(pieces))
    )


# How many of a list's entries a result names as where the search found it.
FOUND_ENTRIES_SHOWN = 3


@register.simple_tag
def search_found_in(opportunity, query: str | None) -> list[tuple[str, list[str]]]:
    """(where, entries) for each list the listing does not show in which QUERY found OPPORTUNITY: its keywords and
    each of its areas' lexicons ("EW" finds the electronic-warfare records through their area's lexicon, which no
    row shows), so the row can say why it matched (portal.search: the filter's rule). Reads the prefetched areas."""
    if not query:
        return []
    found = []
    keywords = entries_found(query, opportunity.keywords or [])
    if keywords:
        found.append((_("its keywords"), keywords[:FOUND_ENTRIES_SHOWN]))
    for link in opportunity.area_links.all():
        area = link.technology_area
        lexicon = entries_found(query, area.keywords or [])
        if lexicon:
            where = _("the terms of the area %(area)s") % {"area": localised(area)}
            found.append((where, lexicon[:FOUND_ENTRIES_SHOWN]))
    return found


@register.filter
def days_until(day: datetime.date | None) -> int | None:
    """Whole days from today in Japan to DAY (negative once it has passed)."""
    if day is None:
        return None
    return (day - timezone.localdate()).days


@register.simple_tag
def expected_window(opportunity) -> str:
    """An expected edition's months in the reader's language: "Expected May 2029 to June 2029, not announced".

    Months are written with the language's YEAR_MONTH_FORMAT ("June 2029", "2029年6月"); a window within one month
    names it once.
    """
    start = date_format(opportunity.expected_from, "YEAR_MONTH_FORMAT")
    end = date_format(opportunity.expected_until, "YEAR_MONTH_FORMAT")
    if start == end:
        return _("Expected %(month)s, not announced") % {"month": start}
    return _("Expected %(start)s to %(end)s, not announced") % {"start": start, "end": end}


@register.filter
def get_item(mapping, key):
    """mapping[key] or None, for dicts built by a view (scores by opportunity id)."""
    if not mapping:
        return None
    return mapping.get(key)


@register.inclusion_tag("matching/_scorebar.html")
def scorebar(match, label_id: str = "") -> dict:
    """A match's score drawn as stacked segments, one per component, with the numbers beside it."""
    from matching.selectors import score_segments

    segments = score_segments(match)
    label_id = label_id or f"score-parts-{match.pk}"
    filled = min(100.0, sum(segment.contribution for segment in segments))
    # The firm's "not relevant" marks lower the score after the fit (matching/feedback.py): the multiplier says so.
    lowered = any(isinstance(item, dict) and item.get("code") == "feedback_lowered" for item in match.reasons or [])
    return {
        "match": match,
        "segments": segments,
        "label_id": label_id,
        "rest_x": filled,
        "rest_width": 100 - filled,
        "feedback_lowered": lowered,
    }


def _url_or(name: str, fallback: str | None) -> str | None:
    """Reverse NAME; some header links belong to pages other apps add, so tolerate their absence."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return fallback


@register.simple_tag
def nav_links() -> dict[str, str | None]:
    """Header links, resolved in the current language (English plain, Japanese under /ja/)."""
    home = reverse("portal:home")
    return {
        "home": home,
        "opportunities": reverse("programmes:opportunity_list"),
        "matches": reverse("matching:match_list"),
        "calendar": reverse("portal:calendar"),
        "partners": reverse("partners:partner_list"),
        "introductions": reverse("partners:introduction_list"),
        # The companies app owns /companies/; fall back to its path under the current language prefix.
        "companies": _url_or("companies:company_list", f"{home}companies/"),
        "tokens": _url_or("portal:token_list", None),
    }


@register.filter
def sentence(item) -> str:
    """A stored reason or gap as a sentence in the active language (prefer {% explain %}, which shares look-ups)."""
    from matching.messages import render

    return render(item)


@register.simple_tag(takes_context=True)
def explain(context, item) -> str:
    """A stored reason or gap {code, params} as a sentence in the reader's language (matching/messages.py)."""
    from matching.messages import names_for, render

    return render(item, names_for(context.get("request")))


@register.filter
def partner_gap(item) -> bool:
    """Whether a stored gap is "needs a Japanese partner or entity" (matching.hooks.PARTNER_GAPS), which names the
    partners to talk to."""
    from matching.hooks import PARTNER_GAPS

    return isinstance(item, dict) and item.get("code") in PARTNER_GAPS


# Reasons that lowered a score rather than say why it fits (the firm's own "not relevant" marks): the pages show
# them apart from "Why it fits"; the API keeps them among the reasons, where v1 put them.
LOWERING_REASONS = frozenset({"feedback_lowered"})


@register.filter
def fitting(reasons) -> list:
    """The reasons that say why a match fits."""
    return [r for r in reasons or [] if not (isinstance(r, dict) and r.get("code") in LOWERING_REASONS)]


@register.filter
def lowering(reasons) -> list:
    """The reasons that say why a match was ranked lower."""
    return [r for r in reasons or [] if isinstance(r, dict) and r.get("code") in LOWERING_REASONS]


@register.simple_tag(takes_context=True)
def language_switch_next(context) -> str:
    """This page's address in the default language, for the language switcher's `next`.

    set_language runs at the unprefixed /i18n/setlang/, where Django resolves `next` in English; a /ja/ address
    would not resolve there and the switch back to English would stay on /ja/. The English address resolves,
    and set_language translates it into the language chosen.
    """
    request = context.get("request")
    if request is None:
        return "/"
    return translate_url(request.get_full_path(), settings.LANGUAGE_CODE)


@register.filter
def minutes(duration: datetime.timedelta | None) -> int:
    """Whole minutes in a duration, rounded up (for "try again in N minutes")."""
    if duration is None:
        return 0
    return max(1, -(-int(duration.total_seconds()) // 60))


@register.filter
def feedback_undo(message) -> tuple[str, str] | None:
    """The (firm, record) slugs whose "not relevant" MESSAGE offers to undo, from its extra tag
    (workspace.undo); None for any other message."""
    return undo_feedback_target(message.extra_tags)
