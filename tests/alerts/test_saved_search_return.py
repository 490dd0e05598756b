""" "Save this search" returns to the listing it came from in the page's language, even when the search is refused
as too long: an over-long query posted under /ja/ used to land on the English home page `/`."""

import pytest
from django.contrib.messages import get_messages

from alerts.models import SavedSearch

pytestmark = pytest.mark.django_db

LONG = "q=" + "x" * 3000  # longer than a saved query may be, and than a safe redirect address


def told(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_an_over_long_search_saved_on_ja_goes_back_to_the_japanese_listing(alice_client):
    response = alice_client.post("/ja/my/saved-searches/", {"name": "長い", "frequency": "daily", "query": LONG})

    assert response.status_code == 302
    assert response["Location"] == "/ja/opportunities/"
    assert told(response) and not SavedSearch.objects.exists()


def test_it_goes_back_to_the_page_it_was_posted_from_when_that_page_is_on_this_site(alice_client):
    came_from = "http://testserver/ja/opportunities/?kind=call"
    body = {"name": "長い", "frequency": "daily", "query": LONG}

    response = alice_client.post("/ja/my/saved-searches/", body, HTTP_REFERER=came_from)
    assert response["Location"] == came_from

    elsewhere = alice_client.post("/ja/my/saved-searches/", body, HTTP_REFERER="https://evil.example/ja/")
    assert elsewhere["Location"] == "/ja/opportunities/"


def test_a_good_search_still_returns_to_the_listing_with_its_query(alice_client):
    body = {"name": "Calls", "frequency": "daily", "query": "kind=call"}

    assert alice_client.post("/ja/my/saved-searches/", body)["Location"] == "/ja/opportunities/?kind=call"
    assert alice_client.post("/my/saved-searches/", {**body, "query": "kind=event"})["Location"] == (
        "/opportunities/?kind=event"
    )
