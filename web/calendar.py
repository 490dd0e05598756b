"""iCalendar feeds: every published deadline and event, and one firm's matched deadlines and pipeline due dates.

Each record gives at most one calendar entry with a stable UID (`<slug>-deadline@kakehashi` for a closing date,
`<slug>-event@kakehashi` for an event), so when a consultant moves a date, subscribers' calendars move the entry
rather than adding a second one. Dates are all-day in Japan: a deadline is the end of that day in Tokyo.

A firm's feed is private. Calendar apps cannot sign in, so each user gets a secret link per firm
(portal.models.SecretLink: random, stored hashed, revocable, revoked when the user loses access). Signed-in staff
of the firm may also fetch it by the firm's slug.
"""

import datetime
from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vText

from matching.models import Match
from portal.text import localised, localised_field, punct, reading_japanese
from programmes.models import Opportunity
from web.templatetags.kakehashi import text_lang
from workspace.models import PipelineEntry

UID_DOMAIN = "kakehashi"
PRODID = "-//Kakehashi//Japanese defence programme deadlines//EN"


def _base_event(opportunity: Opportunity, *, uid_suffix: str, absolute_url: Callable[[str], str]) -> Event:
    event = Event()
    event.add("uid", f"{opportunity.slug}-{uid_suffix}@{UID_DOMAIN}")
    stamp = opportunity.updated_at or datetime.datetime.now(datetime.UTC)
    event.add("dtstamp", stamp)
    event.add("last-modified", stamp)
    event.add("url", absolute_url(opportunity.get_absolute_url()))
    return event


def _said(opportunity: Opportunity, field: str) -> str:
    """The record's FIELD in the feed's language (`FIELD_ja` in a Japanese feed where set); English left in a Japanese
    feed is labelled "(英語)", as the pages badge it, rather than spliced into a Japanese sentence unmarked."""
    text, _lang = localised_field(opportunity, field)
    if text and reading_japanese() and text_lang(text) == "en":
        return f"{text}{punct(' (')}{_('in English')}{punct(')')}"
    return text


def opportunity_events(opportunity: Opportunity, *, absolute_url: Callable[[str], str], note: str = "") -> list[Event]:
    """The calendar entries of one record: an event's days, or a closing date."""
    title = localised(opportunity)
    description = "\n\n".join(
        part for part in [_said(opportunity, "summary"), note, absolute_url(opportunity.get_absolute_url())] if part
    )
    if opportunity.expected:
        return [_expected_event(opportunity, description=description, absolute_url=absolute_url)]
    if opportunity.kind == Opportunity.Kind.EVENT and opportunity.starts_on:
        event = _base_event(opportunity, uid_suffix="event", absolute_url=absolute_url)
        last = opportunity.ends_on or opportunity.starts_on
        event.add("summary", title)
        event.add("dtstart", opportunity.starts_on)
        event.add("dtend", _day_after(last))  # DTEND of an all-day entry is exclusive
        _add_venue(event, opportunity)
        event.add("description", description)
        return [event]
    if opportunity.closes_on:
        event = _base_event(opportunity, uid_suffix="deadline", absolute_url=absolute_url)
        event.add("summary", _("Deadline: %(title)s") % {"title": title})
        event.add("dtstart", opportunity.closes_on)
        event.add("dtend", _day_after(opportunity.closes_on))
        event.add(
            "description", "\n\n".join([_("Closes at the end of the day, Japan time (JST, UTC+09:00)."), description])
        )
        event.add("transp", "TRANSPARENT")
        return [event]
    return []


def _add_venue(event: Event, opportunity: Opportunity) -> None:
    """The record's venue as the entry's LOCATION, in the feed's language (English labelled on /ja/), if it has one."""
    if opportunity.venue:
        event.add("location", _said(opportunity, "venue"))


def _expected_event(opportunity: Opportunity, *, description: str, absolute_url: Callable[[str], str]) -> Event:
    """An edition with only an expected window: TENTATIVE, spanning the window, with its basis (issue #13)."""
    suffix = "event" if opportunity.kind == Opportunity.Kind.EVENT else "deadline"
    event = _base_event(opportunity, uid_suffix=suffix, absolute_url=absolute_url)
    event.add("summary", _("Expected: %(title)s") % {"title": localised(opportunity)})
    event.add("dtstart", opportunity.expected_from)
    event.add("dtend", _day_after(opportunity.expected_until))
    event.add("status", "TENTATIVE")
    event.add("transp", "TRANSPARENT")
    _add_venue(event, opportunity)  # as curated: "Sydney (expected)" where the place is expected too, as the page says
    basis = _("Dates not announced; expected window %(basis)s.") % {"basis": _said(opportunity, "expected_basis")}
    event.add("description", "\n\n".join([basis, description]))
    return event


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    # As TEXT: icalendar leaves X- properties unescaped, and a firm name with a line break then failed the feed.
    calendar.add("x-wr-calname", vText(name))
    calendar.add("x-wr-timezone", "Asia/Tokyo")
    return calendar


def opportunities_calendar(
    opportunities: Iterable[Opportunity], *, name: str, absolute_url: Callable[[str], str]
) -> bytes:
    """A whole feed of OPPORTUNITIES' deadlines and events."""
    calendar = _calendar(name)
    for opportunity in opportunities:
        for event in opportunity_events(opportunity, absolute_url=absolute_url):
            calendar.add_component(event)
    return calendar.to_ical()


def pipeline_due_events(entries: Iterable[PipelineEntry], *, absolute_url: Callable[[str], str]) -> list[Event]:
    """The due dates the firm set on its pipeline ENTRIES, each an all-day entry linking to the entry's page.

    The UID names the entry (`pipeline-<id>-due@kakehashi`), so a moved due date moves the calendar's entry. A due
    date on a listed record's own deadline (the date a new entry is given) adds nothing: that day's entry is there.
    """
    events = []
    for entry in entries:
        opportunity = entry.opportunity
        if entry.due_on is None or (
            opportunity.status == Opportunity.Status.PUBLISHED and entry.due_on == opportunity.deadline
        ):
            continue
        link = absolute_url(entry.get_absolute_url())
        stage = entry.get_stage_display()
        event = Event()
        event.add("uid", f"pipeline-{entry.pk}-due@{UID_DOMAIN}")
        event.add("dtstamp", entry.updated_at)
        event.add("last-modified", entry.updated_at)
        event.add("url", link)
        event.add("summary", _("Due: %(title)s (%(stage)s)") % {"title": localised(opportunity), "stage": stage})
        event.add("dtstart", entry.due_on)
        event.add("dtend", _day_after(entry.due_on))
        event.add("transp", "TRANSPARENT")
        said = _("The due date %(firm)s set in its pipeline. Stage: %(stage)s. Owner: %(owner)s.") % {
            "firm": entry.company.name,
            "stage": stage,
            "owner": entry.owner.get_username() if entry.owner else "—",
        }
        event.add("description", "\n\n".join([said, link]))
        events.append(event)
    return events


def matches_calendar(
    matches: Iterable[Match],
    *,
    name: str,
    absolute_url: Callable[[str], str],
    followed: Iterable[PipelineEntry] = (),
    due: Iterable[PipelineEntry] = (),
) -> bytes:
    """A firm's feed: its matched opportunities' deadlines and events, each noting the score, the records in its
    pipeline it has no score for (FOLLOWED: an expected edition, say), each noting its stage, and the due dates set
    on its pipeline entries (DUE)."""
    calendar = _calendar(name)
    for match in matches:
        note = _("Fit for %(firm)s: %(score)s out of 100.") % {
            "firm": match.company.name,
            "score": f"{match.score:.0f}",
        }
        for event in opportunity_events(match.opportunity, absolute_url=absolute_url, note=note):
            calendar.add_component(event)
    for entry in followed:
        note = _("In your pipeline: %(stage)s.") % {"stage": entry.get_stage_display()}
        for event in opportunity_events(entry.opportunity, absolute_url=absolute_url, note=note):
            calendar.add_component(event)
    for event in pipeline_due_events(due, absolute_url=absolute_url):
        calendar.add_component(event)
    return calendar.to_ical()


def _day_after(day: datetime.date) -> datetime.date:
    """The exclusive end of an all-day entry; a date saved before records' dates were bounded may be the last one."""
    return day + datetime.timedelta(days=1) if day < datetime.date.max else day
