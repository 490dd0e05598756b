"""Past editions stay findable, expected editions are shown as expected, never as confirmed (issue #13)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from icalendar import Calendar

from programmes.models import Opportunity
from tests.factories import OpportunityFactory

API = "/api/v1/opportunities/"


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def editions(db):
    """A past (archived) edition, its expected successor, a dated upcoming call, a hub and a withdrawn draft."""
    past = OpportunityFactory(
        slug="expo-2025",
        kind=Opportunity.Kind.EVENT,
        title="Expo 2025",
        starts_on=days(-400),
        ends_on=days(-398),
        status=Opportunity.Status.ARCHIVED,
    )
    expected = OpportunityFactory(
        slug="expo-2027",
        kind=Opportunity.Kind.EVENT,
        title="Expo 2027",
        expected_from=days(200),
        expected_until=days(230),
        expected_basis="from the 2023 and 2025 editions",
    )
    expected.related.add(past)
    OpportunityFactory(slug="open-call", kind=Opportunity.Kind.CALL, title="Open call", closes_on=days(20))
    OpportunityFactory(slug="a-hub", kind=Opportunity.Kind.HUB, title="A hub")
    OpportunityFactory(slug="hidden-draft", title="Hidden draft", status=Opportunity.Status.DRAFT)
    return {"past": past, "expected": expected}


def slugs(response) -> list[str]:
    return sorted(row["slug"] for row in response.json()["results"])


def test_the_default_listing_stays_as_before_without_archived_editions(anon_client, editions):
    assert slugs(anon_client.get(API)) == ["a-hub", "expo-2027", "open-call"]


def test_when_past_lists_the_archived_edition_and_its_page_is_reachable(anon_client, editions):
    assert slugs(anon_client.get(API, {"when": "past"})) == ["expo-2025"]
    page = anon_client.get("/opportunities/expo-2025/")
    assert page.status_code == 200
    assert "past edition" in page.content.decode()
    assert "Expo 2027" in page.content.decode()  # the link on to the next edition


def test_when_upcoming_standing_and_any(anon_client, editions):
    assert slugs(anon_client.get(API, {"when": "upcoming"})) == ["expo-2027", "open-call"]
    assert slugs(anon_client.get(API, {"when": "standing"})) == ["a-hub"]
    assert slugs(anon_client.get(API, {"when": "any"})) == ["a-hub", "expo-2025", "expo-2027", "open-call"]


def test_a_bad_when_value_is_a_400_naming_the_field(anon_client, editions):
    response = anon_client.get(API, {"when": "someday"})
    assert response.status_code == 400 and "when" in response.json()


def test_the_web_listing_takes_the_same_when_filter(anon_client, editions):
    body = anon_client.get("/opportunities/", {"when": "past"}).content.decode()
    assert "Expo 2025" in body and "Open call" not in body


def test_an_expected_edition_says_expected_in_the_api_and_on_its_page(anon_client, editions):
    body = anon_client.get(f"{API}expo-2027/").json()
    assert body["expected"] is True
    assert body["dates"]["expected_basis"] == "from the 2023 and 2025 editions"
    assert body["dates"]["starts_on"] is None
    page = anon_client.get("/opportunities/expo-2027/").content.decode()
    assert "expected" in page and "not announced" in page and "from the 2023 and 2025 editions" in page


def test_an_expected_edition_is_tentative_in_the_calendar_with_its_basis(anon_client, editions):
    calendar = Calendar.from_ical(anon_client.get("/calendar.ics").content)
    entries = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
    entry = entries["expo-2027-event@kakehashi"]
    assert str(entry["status"]) == "TENTATIVE"
    assert entry.decoded("dtstart") == days(200)
    assert "from the 2023 and 2025 editions" in str(entry["description"])
    assert "expo-2025-event@kakehashi" not in entries  # archived editions stay out of the feed


def test_the_home_page_shows_the_expected_edition(anon_client, editions):
    body = anon_client.get("/").content.decode()
    assert "Expo 2027" in body and "expected" in body


def test_entering_real_dates_clears_the_expected_flag(editions):
    expected = editions["expected"]
    expected.starts_on = days(210)
    expected.ends_on = days(212)
    expected.save()
    expected.refresh_from_db()
    assert not expected.expected
    assert expected.history.first().prev_record.starts_on is None


def test_an_expected_window_needs_both_ends_and_a_basis(db):
    record = OpportunityFactory.build(slug="x", kind=Opportunity.Kind.EVENT, expected_from=days(5))
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    assert "expected_until" in error.value.message_dict
    record.expected_until = days(10)
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    assert "expected_basis" in error.value.message_dict


def test_a_call_with_only_an_expected_window_is_not_open(anon_client, db):
    OpportunityFactory(
        slug="award-2027",
        kind=Opportunity.Kind.CALL,
        title="Award 2027",
        expected_from=days(10),
        expected_until=days(80),
        expected_basis="from the 2025 and 2026 calls",
    )
    assert not Opportunity.objects.open_on(timezone.localdate()).filter(slug="award-2027").exists()
    assert slugs(anon_client.get(API, {"open": "true"})) == []
    assert slugs(anon_client.get(API, {"when": "upcoming"})) == ["award-2027"]


def test_a_call_that_opens_later_is_upcoming_not_open_now_and_its_page_says_it_opens(anon_client, db):
    OpportunityFactory(
        slug="later-call", kind=Opportunity.Kind.CALL, title="Later call", opens_on=days(58), closes_on=days(86)
    )
    OpportunityFactory(
        slug="now-call", kind=Opportunity.Kind.CALL, title="Now call", opens_on=days(-3), closes_on=days(30)
    )

    assert slugs(anon_client.get(API, {"open": "true", "kind": "call"})) == ["now-call"]
    assert "Later call" not in anon_client.get("/opportunities/", {"open": "true", "kind": "call"}).text
    assert set(slugs(anon_client.get(API, {"when": "upcoming", "kind": "call"}))) == {"now-call", "later-call"}
    assert slugs(anon_client.get(API, {"open": "false", "kind": "call"})) == []  # neither open nor closed

    page = anon_client.get("/opportunities/later-call/").text
    assert f"opens {date_format(days(58), 'DATE_FORMAT')}" in page and "opened" not in page
    assert "受付開始予定" in anon_client.get("/ja/opportunities/later-call/").text
