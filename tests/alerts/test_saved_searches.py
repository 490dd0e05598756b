"""Saved searches from the API and from the listing: validated by the listing's FilterSet, private to their owner."""

import pytest

from alerts.models import SavedSearch
from tests.factories import CallFactory, OpportunityFactory, TechnologyAreaFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/saved-searches/"


def post(client, **body):
    data = {"name": "USV calls", "query": "technology_area=usv&kind=call", "frequency": "daily", **body}
    return client.post(URL, data, content_type="application/json")


@pytest.fixture
def usv(db):
    return TechnologyAreaFactory(slug="usv")


def test_saving_a_search_stores_the_current_results_as_its_baseline(alice, alice_client, usv):
    listed = CallFactory(slug="usv-call", areas=[usv])
    CallFactory(slug="other-call")

    response = post(alice_client, query="?kind=call&technology_area=usv&page=3")

    assert response.status_code == 201
    body = response.json()
    assert body["query"] == "kind=call&technology_area=usv"  # one spelling, paging left out
    assert (body["name"], body["frequency"], body["results_known"]) == ("USV calls", "daily", 1)
    assert SavedSearch.objects.get(user=alice).baseline == [listed.pk]


def test_an_unknown_parameter_is_a_400_naming_query_and_the_parameter(alice_client, usv):
    response = post(alice_client, query="kind=call&colour=blue")

    assert response.status_code == 400
    assert set(response.json()) == {"query"}
    assert "colour" in response.json()["query"][0]
    assert not SavedSearch.objects.exists()


def test_an_invalid_value_is_a_400_naming_query_and_the_parameter(alice_client):
    response = post(alice_client, query="kind=spaceship")

    assert response.status_code == 400
    assert response.json()["query"][0].startswith("kind:")


def test_a_bad_frequency_or_the_same_query_twice_is_refused(alice_client, usv):
    assert post(alice_client, frequency="hourly").json().keys() == {"frequency"}
    assert post(alice_client).status_code == 201
    again = post(alice_client, name="Same again", query="kind=call&technology_area=usv")
    assert again.status_code == 400 and "already saved" in again.json()["query"][0]


def test_list_read_change_and_delete_own_searches(alice_client, usv):
    search_id = post(alice_client).json()["id"]
    OpportunityFactory(slug="programme", kind="programme")

    listed = alice_client.get(URL).json()
    renamed = alice_client.patch(
        f"{URL}{search_id}/", {"name": "Programmes", "query": "kind=programme", "frequency": "weekly"},
        content_type="application/json",
    )  # fmt: skip
    deleted = alice_client.delete(f"{URL}{search_id}/")

    assert [row["id"] for row in listed["results"]] == [search_id]
    assert renamed.status_code == 200
    assert (renamed.json()["name"], renamed.json()["frequency"], renamed.json()["results_known"]) == (
        "Programmes", "weekly", 1,
    )  # fmt: skip
    assert deleted.status_code == 204 and not SavedSearch.objects.exists()


def test_bob_cannot_see_change_or_delete_alices_search(alice_client, bob_client, usv):
    search_id = post(alice_client).json()["id"]

    assert bob_client.get(URL).json()["results"] == []
    assert bob_client.get(f"{URL}{search_id}/").status_code == 404
    assert bob_client.patch(f"{URL}{search_id}/", {"name": "bob"}, content_type="application/json").status_code == 404
    assert bob_client.delete(f"{URL}{search_id}/").status_code == 404
    assert bob_client.post(f"/my/saved-searches/{search_id}/delete/").status_code == 404
    assert SavedSearch.objects.get().name == "USV calls"


def test_a_search_saved_without_a_frequency_is_sent_daily(alice_client):
    """Frequency may be left out (a form post that sends only the name and an empty query: the whole listing)."""
    CallFactory(slug="any-call")

    response = alice_client.post(URL, {"name": "Everything", "query": ""})

    assert response.status_code == 201, response.content
    assert (response.json()["frequency"], response.json()["query"]) == ("daily", "")
    assert SavedSearch.objects.get(name="Everything").baseline != []


def test_anonymous_callers_cannot_save_searches(anon_client):
    assert post(anon_client).status_code in (401, 403)


def test_the_listing_offers_to_save_the_search_and_then_says_it_is_saved(alice_client, anon_client, usv):
    page = alice_client.get("/opportunities/?kind=call&technology_area=usv")
    assert b"Save this search" in page.content
    assert b'name="query" value="kind=call&amp;technology_area=usv"' in page.content
    assert b"Save this search" not in anon_client.get("/opportunities/?kind=call").content

    saved = alice_client.post(
        "/my/saved-searches/", {"name": "USV calls", "frequency": "weekly", "query": "kind=call&technology_area=usv"}
    )
    page = alice_client.get("/opportunities/?technology_area=usv&kind=call")

    assert saved.status_code == 302 and saved["Location"].startswith("/opportunities/?")
    assert "This search is saved as “USV calls”: new results are emailed to you weekly." in page.content.decode()
    assert (
        "この検索は「USV calls」として保存済みです"
        in alice_client.get("/ja/opportunities/?technology_area=usv&kind=call").content.decode()
    )
    assert b"Save this search" not in page.content


def test_a_first_visit_saves_what_it_shows_open_and_upcoming_records(alice_client):
    page = alice_client.get("/opportunities/")
    assert b'name="query" value="open=now_or_upcoming"' in page.content


def test_the_listing_warns_when_the_saved_search_cannot_be_sent_because_digests_are_off(alice, alice_client):
    from alerts.preferences import notification_unsubscribe_all
    from alerts.searches import saved_search_create

    saved_search_create(user=alice, name="Calls", query="kind=call", frequency="daily")
    notification_unsubscribe_all(user=alice)

    assert "Your digests are off" in alice_client.get("/opportunities/?kind=call").content.decode()


@pytest.mark.parametrize("rows", [2, 20])
def test_the_saved_search_list_costs_the_same_queries_at_2_and_20_rows(
    alice, alice_client, rows, django_assert_num_queries
):
    SavedSearch.objects.bulk_create(
        [SavedSearch(user=alice, name=f"Search {n}", query=f"q=term{n}") for n in range(rows)]
    )
    # 1 session, 2 user, 3 count (pagination), 4 the page
    with django_assert_num_queries(4):
        response = alice_client.get(URL)
    assert len(response.json()["results"]) == rows


def test_a_consultants_search_for_drafts_is_refused_saying_searches_tell_of_published_records(consultant_client):
    response = post(consultant_client, query="kind=call&status=draft")

    assert response.status_code == 400
    assert response.json()["query"] == [
        "A saved search tells you of new published records only: remove the status filter (draft) before saving."
    ]
    assert not SavedSearch.objects.exists()


def test_a_status_filter_naming_only_published_records_is_dropped_from_the_saved_query(consultant_client, usv):
    response = post(consultant_client, query="status=published&technology_area=usv")

    assert response.status_code == 201 and response.json()["query"] == "technology_area=usv"


def test_saving_a_search_with_a_bad_filter_names_the_filter_as_the_listing_does(alice_client, usv):
    body = {"name": "Bad", "frequency": "daily", "query": "technology_area=no-such-area"}

    english = alice_client.post("/my/saved-searches/", body, follow=True).content.decode()
    japanese = alice_client.post("/ja/my/saved-searches/", body, follow=True).content.decode()

    assert "technology_area:" not in english and "technology_area：" not in japanese
    english_error = "Technology area: Select a valid choice. no-such-area is not one of the available choices."
    assert f'<li class="message error">{english_error}</li>' in english
    japanese_error = "技術分野：正しく選択してください。 no-such-area は候補にありません。"
    assert f'<li class="message error">{japanese_error}</li>' in japanese
    assert not SavedSearch.objects.exists()


def test_a_consultant_saving_a_draft_listing_is_told_the_status_by_its_japanese_label(consultant_client):
    body = {"name": "Drafts", "frequency": "daily", "query": "status=draft&status=archived"}

    page = consultant_client.post("/ja/my/saved-searches/", body, follow=True).content.decode()

    assert "状態の絞り込み（アーカイブ済み、下書き）を外してください" in page
    assert not SavedSearch.objects.exists()


def test_a_query_naming_no_filter_at_all_is_refused_not_saved_as_the_whole_listing(alice_client):
    response = post(alice_client, query="%zz")

    assert response.status_code == 400
    assert response.json()["query"][0].startswith("Unknown parameter %zz; the listing accepts ")
    assert not SavedSearch.objects.exists()
