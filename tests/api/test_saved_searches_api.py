"""The saved-searches API contract, pinned by golden files (tests/api/responses/saved-searches-*.json)."""

import pytest

from tests.api.conftest import assert_golden
from tests.factories import CallFactory, TechnologyAreaFactory

pytestmark = pytest.mark.django_db


def test_saved_search_create_list_and_detail_keep_their_shape(alice_client):
    usv = TechnologyAreaFactory(slug="usv")
    CallFactory(slug="usv-call", areas=[usv])

    created = alice_client.post(
        "/api/v1/saved-searches/",
        {"name": "USV calls", "query": "technology_area=usv&kind=call", "frequency": "weekly"},
        content_type="application/json",
    )
    listed = alice_client.get("/api/v1/saved-searches/")
    shown = alice_client.get(f"/api/v1/saved-searches/{created.json()['id']}/")

    assert created.status_code == 201
    assert_golden(created, "saved-searches-create")
    assert_golden(listed, "saved-searches-list")
    assert_golden(shown, "saved-searches-detail")


def test_a_bad_query_and_a_bad_frequency_are_both_named_in_one_answer(alice_client):
    response = alice_client.post(
        "/api/v1/saved-searches/",
        {"name": "Odd", "query": "kind=bogus", "frequency": "hourly"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert set(response.json()) == {"query", "frequency"}
    assert response.json()["query"][0].startswith("kind: Select a valid choice.")


def test_the_query_of_an_api_listing_saves_without_its_paging_or_language(alice_client):
    usv = TechnologyAreaFactory(slug="usv")
    CallFactory(slug="usv-call", areas=[usv])

    response = alice_client.post(
        "/api/v1/saved-searches/",
        {"name": "USV", "query": "technology_area=usv&page_size=50&page=2&lang=ja"},
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["query"] == "technology_area=usv"
