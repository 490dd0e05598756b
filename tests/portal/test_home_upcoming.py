"""The home page's and the calendar page's upcoming deadlines and events are the records the listing calls upcoming
(`when=upcoming`, the rule `open=upcoming` and the first visit's "open now or upcoming" build on) that have a date to
show: one rule, so the home page never shows what the listing leaves out, nor drops what it shows."""

import pytest

from programmes.models import Opportunity
from tests.factories import CallFactory, EventFactory, OpportunityFactory
from tests.pages import days

API = "/api/v1/opportunities/"
BASIS = "from the last two editions"


def api_slugs(client, **params) -> set[str]:
    response = client.get(API, {**params, "limit": 100})
    assert response.status_code == 200, response.content
    return {row["slug"] for row in response.json()["results"]}


@pytest.fixture
def dates(db):
    """Calls and events on every side of today, a standing hub and a draft."""
    CallFactory(slug="open-call", title="Open call", closes_on=days(20))
    CallFactory(slug="closes-today", title="Closes today", closes_on=days(0))
    CallFactory(slug="later-call", title="Later call", opens_on=days(30), closes_on=days(60))
    CallFactory(
        slug="expected-call", title="Expected call", opens_on=None, closes_on=None, expected_from=days(5),
        expected_until=days(90), expected_basis=BASIS,
    )  # fmt: skip
    CallFactory(slug="undated-call", title="Undated call", opens_on=None, closes_on=None)
    CallFactory(slug="closed-call", title="Closed call", opens_on=days(-60), closes_on=days(-1))
    CallFactory(slug="draft-call", title="Draft call", status=Opportunity.Status.DRAFT)
    EventFactory(slug="expo-under-way", title="Expo under way", starts_on=days(-1), ends_on=days(1))
    EventFactory(slug="expo-today", title="Expo today", starts_on=days(0), ends_on=None)
    EventFactory(slug="expo-next", title="Expo next", starts_on=days(10), ends_on=days(12))
    EventFactory(slug="expo-over", title="Expo over", starts_on=days(-3), ends_on=days(-1))
    EventFactory(
        slug="expo-expected", title="Expo expected", starts_on=None, ends_on=None, expected_from=days(200),
        expected_until=days(260), expected_basis=BASIS,
    )  # fmt: skip
    EventFactory(
        slug="expo-lapsed", title="Expo lapsed", starts_on=None, ends_on=None, expected_from=days(-90),
        expected_until=days(-1), expected_basis=BASIS,
    )  # fmt: skip
    OpportunityFactory(slug="a-hub", title="A hub", kind=Opportunity.Kind.HUB)


def test_calendar_page_lists_exactly_the_listings_upcoming_records_with_a_date(anon_client, dates):
    response = anon_client.get("/calendar/")
    deadlines = [o.slug for o in response.context["deadlines"]]
    events = [o.slug for o in response.context["events"]]
    # The listing's upcoming records, less the call with no date to put on a calendar.
    assert set(deadlines) | set(events) == api_slugs(anon_client, when="upcoming") - {"undated-call"}
    assert deadlines == ["closes-today", "expected-call", "open-call", "later-call"]
    assert events == ["expo-under-way", "expo-today", "expo-next", "expo-expected"]
    # All of it is on the listing's first visit ("open now or upcoming").
    assert set(deadlines) | set(events) <= api_slugs(anon_client, open="now_or_upcoming")


def test_home_lists_an_event_under_way_among_upcoming_events(anon_client, dates):
    response = anon_client.get("/")
    assert [o.title for o in response.context["events"]][:2] == ["Expo under way", "Expo today"]
    assert "Expo under way" in response.text
    assert "Expo over" not in response.text


@pytest.mark.parametrize("records", [2, 20])
def test_the_calendar_page_takes_the_same_queries_for_2_or_20_dates(
    alice_client, alice, firm_a, records, django_assert_num_queries
):
    from portal.models import SecretLink
    from portal.secret_links import secret_link_issue

    for n in range(records):
        CallFactory(slug=f"call-{n}", closes_on=days(n + 1))
        EventFactory(slug=f"expo-{n}", starts_on=days(n + 1), ends_on=days(n + 2), venue="Makuhari Messe")
    secret_link_issue(user=alice, purpose=SecretLink.Purpose.CALENDAR, subject_id=firm_a.pk)
    # 1 session, 2 user, 3 alice's firms, 4 the firms she holds a private link for, 5 whether she is a consultant
    # (visible_to, asked once), 6 the deadlines, 7 the events
    with django_assert_num_queries(7):
        assert alice_client.get("/calendar/").status_code == 200
