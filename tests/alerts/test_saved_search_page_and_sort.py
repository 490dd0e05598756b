"""A page number or a sort order is not part of a saved search: `page=2` is the listing with no filter, and saving a
search already saved names the saved one, on the page and in the API alike (alerts.searches)."""

import importlib

import pytest
from django.apps import apps
from django.contrib.messages import get_messages

from alerts.models import SavedSearch
from alerts.searches import saved_search_create
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/saved-searches/"
SAVE = "/my/saved-searches/"
NOT_PART = (
    "The page number and the sort order are not part of a search: it lists the same records on every page and in "
    "any order."
)


def api_save(client, query: str, name: str = "Page two"):
    return client.post(API, {"name": name, "query": query, "frequency": "daily"}, content_type="application/json")


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_saving_page_2_of_the_whole_listing_already_saved_names_the_saved_search_and_says_why(alice, alice_client):
    saved_search_create(user=alice, name="Everything", query="")

    response = api_save(alice_client, "page=2")

    assert response.status_code == 400
    assert response.json() == {
        "query": [f"You have already saved the listing with no filter as “Everything”. {NOT_PART}"]
    }
    assert list(SavedSearch.objects.values_list("name", "query")) == [("Everything", "")]


def test_page_2_alone_is_saved_as_the_whole_listing(alice, alice_client):
    CallFactory(slug="a-call")

    response = api_save(alice_client, "page=2")

    assert response.status_code == 201 and response.json()["query"] == ""
    assert response.json()["results_known"] == 1


def test_a_sort_order_is_not_a_new_search(alice, alice_client):
    saved_search_create(user=alice, name="Calls", query="kind=call")
    saved_search_create(user=alice, name="Everything", query="")

    sorted_calls = api_save(alice_client, "kind=call&ordering=title")
    sorted_all = api_save(alice_client, "ordering=-closes_on&page=3")

    assert sorted_calls.json() == {"query": [f"You have already saved this search as “Calls”. {NOT_PART}"]}
    assert sorted_all.status_code == 400 and "“Everything”" in sorted_all.json()["query"][0]
    assert SavedSearch.objects.count() == 2


def test_the_same_query_again_names_the_saved_search_without_talk_of_pages(alice, alice_client):
    saved_search_create(user=alice, name="Calls", query="kind=call")

    again = api_save(alice_client, "kind=call", name="Calls again")

    assert again.json() == {"query": ["You have already saved this search as “Calls”."]}


def test_the_page_says_the_whole_listing_is_already_saved_and_by_what_name(alice, alice_client):
    saved_search_create(user=alice, name="Everything", query="")

    response = alice_client.post(SAVE, {"name": "Page two", "frequency": "daily", "query": "open=&page=2"})
    japanese = alice_client.post("/ja" + SAVE, {"name": "Page two", "frequency": "daily", "query": "page=2"})

    assert messages_of(response) == ["You have already saved the listing with no filter as “Everything”."]
    assert messages_of(japanese)[-1] == "絞り込みのない一覧を「Everything」としてすでに保存しています。"
    assert SavedSearch.objects.count() == 1


def test_the_listing_sorted_or_paged_says_its_search_is_saved(alice, alice_client):
    saved_search_create(user=alice, name="Calls", query="kind=call")

    for url in ("/opportunities/?kind=call&ordering=title", "/opportunities/?ordering=-closes_on&kind=call&page=2"):
        page = alice_client.get(url).content.decode()
        assert "This search is saved as “Calls”" in page, url
        assert "Save this search as" not in page, url


def test_stored_searches_lose_their_sort_order_unless_the_user_saved_the_same_one_without_it(alice, bob):
    migration = importlib.import_module("alerts.migrations.0005_saved_search_query_without_ordering")
    sorted_calls = SavedSearch.objects.create(user=alice, name="Calls", query="kind=call&ordering=title")
    twin = SavedSearch.objects.create(user=bob, name="Calls", query="kind=call&ordering=title")
    SavedSearch.objects.create(user=bob, name="Calls too", query="kind=call")

    migration.drop_ordering(apps, None)

    sorted_calls.refresh_from_db()
    twin.refresh_from_db()
    assert (sorted_calls.query, twin.query) == ("kind=call", "kind=call&ordering=title")


def test_stored_searches_keep_the_last_value_of_a_one_value_filter_they_were_listed_by(alice, bob):
    migration = importlib.import_module("alerts.migrations.0006_saved_search_query_one_value_each")
    repeated = SavedSearch.objects.create(
        user=alice, name="AU or GB", query="eligible_country=AU&eligible_country=GB&kind=call&kind=event"
    )
    twin = SavedSearch.objects.create(user=bob, name="AU or GB", query="eligible_country=AU&eligible_country=GB")
    SavedSearch.objects.create(user=bob, name="GB", query="eligible_country=GB")

    migration.keep_the_last_value(apps, None)

    repeated.refresh_from_db()
    twin.refresh_from_db()
    assert repeated.query == "eligible_country=GB&kind=call&kind=event"  # what its digests listed: GB's records
    assert twin.query == "eligible_country=AU&eligible_country=GB"  # bob's "GB" already lists them
