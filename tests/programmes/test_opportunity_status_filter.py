"""Consultants filter the listing (page, CSV and API) by status; nobody else has the filter or sees a draft."""

import pytest

from portal.tokens import token_issue
from tests.api.conftest import bearer_client
from tests.factories import CallFactory, OpportunityFactory
from tests.pages import days, listing_titles

LIST = "/opportunities/"
API = "/api/v1/opportunities/"


def api_titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["title"] for row in response.json()["results"]]


@pytest.fixture
def statuses(world):
    """Beside the world's published records and its draft: an archived hub and an archived past call."""
    OpportunityFactory(slug="old-hub", kind="hub", title="Closed-down hub", status="archived")
    CallFactory(slug="old-call", title="Archived old call", opens_on=days(-90), closes_on=days(-30), status="archived")


def test_a_consultant_lists_only_the_drafts(consultant_client, statuses):
    response = consultant_client.get(LIST, {"status": "draft"})

    assert listing_titles(response) == ["Draft record"]
    # The filter is on the page, ticked, and named in "Filters in use" with a link that drops it.
    assert 'name="status" value="draft"' in response.text and "checked" in response.text
    assert ("Status", "Draft", "") in response.context["active_filters"]


def test_a_consultant_lists_the_archived_records_under_ja_too(consultant_client, statuses):
    english = consultant_client.get(LIST, {"status": "archived"})
    japanese = consultant_client.get("/ja" + LIST, {"status": "archived"})

    assert set(listing_titles(english)) == set(listing_titles(japanese)) == {"Closed-down hub", "Archived old call"}
    assert ("状態", "アーカイブ済み", "") in japanese.context["active_filters"]


def test_several_statuses_list_any_of_them(consultant_client, statuses):
    response = consultant_client.get(LIST, {"status": ["draft", "archived"]})
    assert set(listing_titles(response)) == {"Draft record", "Closed-down hub", "Archived old call"}


def test_published_with_open_now_is_the_public_open_listing(consultant_client, anon_client, statuses):
    chosen = consultant_client.get(LIST, {"status": "published", "open": "true"})
    assert listing_titles(chosen) == listing_titles(anon_client.get(LIST))


def test_open_now_with_drafts_says_why_it_would_list_nothing(consultant_client, statuses):
    """A first visit is "open now": ticking Draft keeps it chosen, so the page says what to change."""
    response = consultant_client.get(LIST, {"status": "draft", "open": "true"})
    japanese = consultant_client.get("/ja" + LIST, {"status": "draft", "open": "true"})
    api = consultant_client.get(API, {"status": "draft", "open": "true"})

    assert "Only published records are open or upcoming" in response.text
    assert "受付中・受付予定になるのは公開中の案件だけです" in japanese.text
    assert api.status_code == 400 and "status" in api.json()


def test_the_csv_export_follows_the_status_filter(consultant_client, statuses):
    response = consultant_client.get("/opportunities/export.csv", {"status": "draft"})
    lines = response.content.decode().splitlines()
    assert len(lines) == 2 and "draft-record" in lines[1]


def test_staff_and_visitors_have_no_status_filter_and_never_see_a_draft(alice_client, anon_client, statuses):
    for client in (alice_client, anon_client):
        asked = client.get(LIST, {"status": "draft"})
        assert 'name="status"' not in asked.text
        assert "Draft record" not in asked.text
        # The parameter chooses nothing: the page is the first visit's "open now or upcoming" listing, with its chip.
        first_visit = client.get(LIST)
        assert listing_titles(asked) == listing_titles(first_visit)
        assert [chip[:2] for chip in asked.context["active_filters"]] == [("", "Open now or upcoming")]
        assert "Closed-down hub" not in listing_titles(client.get(LIST, {"status": "archived", "open": ""}))


def test_the_api_filters_by_status_for_a_consultants_token(consultant, statuses):
    client = bearer_client(token_issue(user=consultant, name="curation script")[1])

    assert api_titles(client.get(API, {"status": "draft"})) == ["Draft record"]
    assert set(api_titles(client.get(API, {"status": "archived"}))) == {"Closed-down hub", "Archived old call"}
    assert client.get(API, {"status": "retired"}).status_code == 400


def test_the_api_ignores_status_for_a_firms_token_and_anonymous_callers(alice, anon_client, statuses):
    staff = bearer_client(token_issue(user=alice, name="CRM sync")[1])
    for client in (staff, anon_client):
        everything = api_titles(client.get(API))
        assert api_titles(client.get(API, {"status": "draft"})) == everything
        assert "Draft record" not in everything and "Closed-down hub" not in everything
