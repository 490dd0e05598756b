"""Upcoming records (a call that opens later, an edition with only an expected window) have a place in the listing:
the first visit shows them beside what is open now, the `open` filter names them, and a deadline filter says which
expected editions it cannot place. API v1 clients' `open=true` and `open=false` mean what they always meant."""

from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from programmes.models import Opportunity
from tests.factories import CallFactory, EventFactory, OpportunityFactory
from tests.pages import days, listing_titles
from web.curated import curated_load

LIST = "/opportunities/"
API = "/api/v1/opportunities/"


def api_slugs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(row["slug"] for row in response.json()["results"])


@pytest.fixture
def ahead(db):
    """Open now: a call and a hub. Upcoming: a call opening later, an expected event and an expected call. Closed: a
    call. Unpublished: an expected draft."""
    CallFactory(slug="now-call", title="Now call", closes_on=days(20))
    OpportunityFactory(slug="a-hub", kind=Opportunity.Kind.HUB, title="A hub")
    CallFactory(slug="later-call", title="Later call", opens_on=days(30), closes_on=days(60))
    EventFactory(
        slug="expo-next", title="Expo next", starts_on=None, ends_on=None, expected_from=days(200),
        expected_until=days(260), expected_basis="from the last two editions",
    )  # fmt: skip
    CallFactory(
        slug="award-next", title="Award next", opens_on=None, closes_on=None, expected_from=days(5),
        expected_until=days(90),
    )  # fmt: skip
    CallFactory(slug="old-call", title="Old call", opens_on=days(-60), closes_on=days(-5))
    EventFactory(
        slug="draft-expo", title="Draft expo", starts_on=None, ends_on=None, expected_from=days(100),
        expected_until=days(120), status=Opportunity.Status.DRAFT,
    )  # fmt: skip


OPEN_NOW = ["a-hub", "now-call"]
UPCOMING = ["award-next", "expo-next", "later-call"]
CLOSED = ["old-call"]


def test_the_first_visit_lists_the_upcoming_event_and_call_beside_the_open_ones(anon_client, ahead):
    response = anon_client.get(LIST)
    assert set(listing_titles(response)) == {"Now call", "A hub", "Later call", "Expo next", "Award next"}
    assert "Old call" not in response.text
    # The select and "Filters in use" say what the page shows.
    assert '<option value="now_or_upcoming" selected>Open now or upcoming</option>' in response.text
    assert [chip[:2] for chip in response.context["active_filters"]] == [("", "Open now or upcoming")]


def test_each_record_is_under_one_named_choice_of_the_open_filter(anon_client, ahead):
    def listed(value: str) -> list[str]:
        page = sorted(o.slug for o in anon_client.get(LIST, {"open": value}).context["opportunities"])
        assert page == api_slugs(anon_client.get(API, {"open": value})), value  # the page and the API agree
        return page

    assert listed("true") == OPEN_NOW
    assert listed("upcoming") == UPCOMING
    assert listed("false") == CLOSED
    assert listed("now_or_upcoming") == sorted(OPEN_NOW + UPCOMING)
    assert listed("") == sorted(OPEN_NOW + UPCOMING + CLOSED)
    assert "Draft expo" not in anon_client.get(LIST, {"open": "upcoming"}).text


def test_existing_api_clients_get_the_same_answers_to_open_true_and_false(anon_client, ahead):
    """v1 from the start: `open=true` is what a firm can act on today, `false` what is over, no `open` is everything."""
    for spelling in ("true", "1", "True"):
        assert api_slugs(anon_client.get(API, {"open": spelling})) == OPEN_NOW
    for spelling in ("false", "0"):
        assert api_slugs(anon_client.get(API, {"open": spelling})) == CLOSED
    assert api_slugs(anon_client.get(API)) == sorted(OPEN_NOW + UPCOMING + CLOSED)  # the API has no default


def test_a_value_the_open_filter_does_not_know_says_what_to_give(anon_client, ahead):
    response = anon_client.get(API, {"open": "soon"})
    assert response.status_code == 400
    assert response.json() == {"open": ["Give true (open now), upcoming, now_or_upcoming or false."]}
    page = anon_client.get(LIST, {"open": "soon"})
    assert page.context["form"].errors == {"open": ["Give true (open now), upcoming, now_or_upcoming or false."]}


def test_the_schema_keeps_open_a_yes_no_value_and_adds_the_upcoming_choices(anon_client, db):
    schema = anon_client.get("/api/v1/schema/?format=json").json()
    params = {p["name"]: p for p in schema["paths"]["/api/v1/opportunities/"]["get"]["parameters"]}
    assert params["open"]["schema"] == {
        "oneOf": [{"type": "boolean"}, {"type": "string", "enum": ["upcoming", "now_or_upcoming"]}]
    }
    assert "upcoming: published calls that open later" in params["open"]["description"]


def test_a_deadline_filter_names_the_expected_editions_it_cannot_place(anon_client, ahead):
    response = anon_client.get(LIST, {"closes_before": days(100).isoformat(), "open": ""})
    # The expected call's window (days 5 to 90) overlaps the range; the expected event's (days 200 to 260) does not.
    assert "Award next" not in listing_titles(response)
    note = response.text.split('id="expected-left-out"')[1].split("</div>")[0]
    assert "1 expected edition has no announced dates yet, so the deadline filter does not list it" in note
    assert '<a href="/opportunities/award-next/">Award next</a>' in note
    assert "Expo next" not in note

    wider = anon_client.get(LIST, {"closes_after": days(150).isoformat()}).text
    assert '<a href="/opportunities/expo-next/">Expo next</a>' in wider.split('id="expected-left-out"')[1]
    assert "Award next" not in wider.split('id="expected-left-out"')[1]

    japanese = anon_client.get("/ja" + LIST, {"closes_before": days(100).isoformat(), "open": ""}).text
    assert "発表された日程がまだないため" in japanese and 'href="/ja/opportunities/award-next/"' in japanese


def test_no_deadline_note_without_a_deadline_filter_or_when_the_filters_leave_them_out(anon_client, ahead):
    assert 'id="expected-left-out"' not in anon_client.get(LIST).text
    # "Open now" leaves expected editions out anyway: nothing to say.
    assert 'id="expected-left-out"' not in anon_client.get(LIST, {"closes_before": days(100), "open": "true"}).text
    assert 'id="expected-left-out"' not in anon_client.get(LIST, {"closes_before": days(100), "kind": "event"}).text


def test_saving_the_first_visit_saves_open_now_or_upcoming(alice_client, ahead):
    page = alice_client.get(LIST)
    assert b'name="query" value="open=now_or_upcoming"' in page.content
    response = alice_client.post(
        "/my/saved-searches/", {"name": "Ahead", "frequency": "daily", "query": "open=upcoming"}
    )
    assert response.status_code == 302
    saved = alice_client.get(LIST, {"open": "upcoming"})
    assert "This search is saved as “Ahead”" in saved.text


def test_a_saved_search_with_an_unknown_open_value_is_refused_by_its_label(alice_client, ahead):
    response = alice_client.post(
        "/my/saved-searches/", {"name": "Soon", "frequency": "daily", "query": "open=soon"}, follow=True
    )
    assert "Open, upcoming or closed: Give true (open now), upcoming, now_or_upcoming or false." in response.text


def test_a_consultant_asking_for_upcoming_drafts_is_told_why_nothing_would_list(consultant_client, ahead):
    response = consultant_client.get(LIST, {"status": "draft", "open": "upcoming"})
    assert "Only published records are open or upcoming" in response.context["form"].errors["status"][0]


@pytest.fixture(scope="module")
def curated(django_db_setup, django_db_blocker):
    """The real fixtures, loaded once for this module and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield curated_load(directory=Path(settings.BASE_DIR) / "fixtures")
        transaction.set_rollback(True)


def test_every_curated_record_is_under_exactly_one_choice_on_any_day(curated, anon_client):
    """The tester's count: 57 open now, 0 closed, 61 in all; the 4 upcoming ones had no choice of their own."""
    every = api_slugs(anon_client.get(API, {"page_size": 100}))
    parts = [
        api_slugs(anon_client.get(API, {"open": value, "page_size": 100})) for value in ("true", "upcoming", "false")
    ]
    assert sorted(slug for part in parts for slug in part) == every
    default = sorted(o.slug for o in anon_client.get(LIST, {"page_size": 100}).context["paginator"].object_list)
    assert default == sorted(parts[0] + parts[1])


@pytest.mark.parametrize("rows", [2, 20])
def test_the_deadline_note_costs_one_query_however_many_it_names(anon_client, db, rows, django_assert_num_queries):
    for n in range(rows):
        CallFactory(slug=f"dated-{n}", title=f"Dated {n}", closes_on=days(10 + n))
        CallFactory(
            slug=f"expected-{n}", title=f"Expected {n}", opens_on=None, closes_on=None, expected_from=days(5),
            expected_until=days(60),
        )  # fmt: skip
    # 1 technology areas for the filter's tick boxes, 2 organisations for the tick boxes,
    # 3 count of matching records (paginator), 4 the page of records,
    # 5 their organisations (prefetch), 6 their area links with areas (prefetch),
    # 7 the expected editions the deadline filter leaves out (no prefetch: the note shows titles and windows)
    with django_assert_num_queries(7):
        response = anon_client.get(LIST, {"closes_before": days(100).isoformat(), "open": ""})
    assert len(response.context["expected_left_out"]) == rows
