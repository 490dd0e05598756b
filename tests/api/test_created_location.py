"""Every 201 for a new resource names it in `Location`: its detail URL, absolute, where a GET reads it back."""

import pytest

from tests.partners.conftest import make_partner

pytestmark = pytest.mark.django_db


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def assert_locates(client, created, url: str, key: str = "id") -> None:
    """CREATED is a 201 whose Location is URL, and a GET there answers the resource the 201 described."""
    assert created.status_code == 201, created.json()
    assert created["Location"] == url
    shown = client.get(url)
    assert shown.status_code == 200
    assert shown.json()[key] == created.json()[key]


def test_a_new_saved_search_is_located_at_its_detail(alice_client):
    created = post(alice_client, "/api/v1/saved-searches/", {"name": "UAV", "query": "q=uav", "frequency": "daily"})

    url = f"http://testserver/api/v1/saved-searches/{created.json()['id']}/"
    assert_locates(alice_client, created, url)


def test_a_new_webhook_is_located_at_its_detail(alice_client):
    created = post(alice_client, "/api/v1/webhooks/", {"url": "http://127.0.0.1:9/hook", "events": ["*"]})

    assert_locates(alice_client, created, f"http://testserver/api/v1/webhooks/{created.json()['id']}/")


def test_a_firm_added_by_a_consultant_is_located_at_its_detail(consultant_client, records):
    body = {"name": "Kestrel Robotics", "country": "AU", "size": "startup", "description": "Autonomous UAV swarms."}
    created = post(consultant_client, "/api/v1/companies/", body)

    url = "http://testserver/api/v1/companies/kestrel-robotics/"
    assert_locates(consultant_client, created, url, key="slug")


def test_a_new_introduction_request_is_located_at_its_detail(alice_client):
    make_partner("shipyard-kk", role="prime", areas={})
    body = {"company": "firm-a", "partner": "shipyard-kk", "message": "We build USVs and want a shipyard partner."}
    created = post(alice_client, "/api/v1/introductions/", body)

    assert_locates(alice_client, created, f"http://testserver/api/v1/introductions/{created.json()['id']}/")


def test_a_pipeline_entry_put_creates_is_located_at_its_own_address_and_a_change_names_none(alice_client, matches):
    url = "http://testserver/api/v1/companies/firm-a/pipeline/atla-uav-call/"
    created = alice_client.put(url, {"stage": "pursuing"}, content_type="application/json")
    changed = alice_client.put(url, {"stage": "preparing"}, content_type="application/json")

    assert_locates(alice_client, created, url, key="opportunity")
    assert changed.status_code == 200 and "Location" not in changed
