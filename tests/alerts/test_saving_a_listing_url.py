"""Saving a search from a listing URL that carries more than filters: paging, the company switcher, tracking.

The listing ignores what is not a filter, so saving keeps what the page applies and drops the rest; a filter with a
bad value is still refused. The API takes its query as given (an unknown name there is a typo: tests of the API).
"""

import pytest
from django.contrib.messages import get_messages

from alerts.models import SavedSearch
from tests.factories import CallFactory, TechnologyAreaFactory

pytestmark = pytest.mark.django_db
SAVE = "/my/saved-searches/"


@pytest.fixture
def usv(db):
    return TechnologyAreaFactory(slug="usv")


@pytest.mark.parametrize(
    ("listing_query", "saved"),
    [
        ("company=ocius", ""),
        ("utm_source=x&kind=call&utm_campaign=spring", "kind=call"),
        ("kind=call&company=firm-a&page=2&technology_area=usv&fbclid=abc", "kind=call&technology_area=usv"),
    ],
)
def test_saving_from_the_listing_keeps_its_filters_and_drops_the_rest(alice, alice_client, usv, listing_query, saved):
    CallFactory(slug="usv-call", areas=[usv])

    response = alice_client.post(SAVE, {"name": "Mine", "frequency": "daily", "query": listing_query})

    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert messages == ["Search saved: new results will come in your digest."]
    assert SavedSearch.objects.get(user=alice).query == saved


def test_the_panel_offers_the_filters_only_and_then_says_the_search_is_saved(alice_client, usv):
    url = "/opportunities/?kind=call&utm_source=newsletter&company=firm-a"
    page = alice_client.get(url)
    assert b'name="query" value="kind=call"' in page.content

    alice_client.post(SAVE, {"name": "Calls", "frequency": "weekly", "query": "kind=call"})

    assert "This search is saved as “Calls”" in alice_client.get(url).content.decode()


def test_a_bad_filter_value_is_still_refused_naming_it(alice, alice_client):
    response = alice_client.post(SAVE, {"name": "Odd", "frequency": "daily", "query": "kind=bogus&company=firm-a"})

    messages = [str(message) for message in get_messages(response.wsgi_request)]
    assert len(messages) == 1 and messages[0].startswith("Kind: Select a valid choice.")  # the label the listing shows
    assert not SavedSearch.objects.exists()


def test_listing_search_query_keeps_every_filter_of_the_listing_and_neither_page_nor_sort_order():
    from alerts.searches import listing_search_query

    query = "q=laser&kind=call&kind=event&open=true&ordering=title&when=any&eligible_country=AU&page=3&lang=ja"

    assert listing_search_query(query) == "eligible_country=AU&kind=call&kind=event&open=true&q=laser&when=any"


def test_a_missing_name_and_a_bad_frequency_are_both_named_as_the_form_labels_them(alice_client):
    response = alice_client.post(SAVE, {"name": "", "frequency": "hourly", "query": "kind=call"})
    (message,) = [str(message) for message in get_messages(response.wsgi_request)]
    japanese = alice_client.post("/ja" + SAVE, {"name": "", "frequency": "daily", "query": "kind=call"})
    *_earlier, japanese_message = [str(message) for message in get_messages(japanese.wsgi_request)]

    assert message.startswith("Name: This field is required. Frequency: Select a valid choice.")
    assert japanese_message.startswith("名前：この項目は必須です。")
    assert not SavedSearch.objects.exists()
