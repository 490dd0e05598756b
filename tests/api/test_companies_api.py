"""Firms over the API: who sees which firm, who may create and update one, and errors keyed by field."""

import pytest

from companies.models import Company
from tests.api.conftest import assert_golden

pytestmark = pytest.mark.django_db

API = "/api/v1"


def slugs(response) -> list[str]:
    return [row["slug"] for row in response.json()["results"]]


@pytest.fixture
def firm_a_profile(firm_a, records):
    firm_a.technology_areas.add(records["uav"], records["space"])
    firm_a.certification_links.create(certification=records["as9100"])
    firm_a.trl = 7
    firm_a.website = "https://firm-a.example.com"
    firm_a.save()
    return firm_a


def test_anonymous_callers_cannot_list_firms(anon_client, firm_a):
    response = anon_client.get(f"{API}/companies/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_alice_lists_only_her_own_firm(alice_client, firm_a_profile, firm_b):
    response = alice_client.get(f"{API}/companies/")
    assert response.status_code == 200
    assert_golden(response, "companies-list")
    assert slugs(response) == ["firm-a"]


def test_alice_reads_her_firm_in_full(alice_client, firm_a_profile):
    response = alice_client.get(f"{API}/companies/firm-a/")
    assert response.status_code == 200
    assert_golden(response, "companies-detail")
    assert response.json()["contact_email"] == "ops@firm-a.example"


def test_bob_gets_404_for_alices_firm(bob_client, firm_a):
    response = bob_client.get(f"{API}/companies/firm-a/")
    assert response.status_code == 404
    assert "ops@firm-a.example" not in response.content.decode()


def test_a_token_sees_what_its_owner_sees(alice_token_client, firm_a, firm_b):
    assert slugs(alice_token_client.get(f"{API}/companies/")) == ["firm-a"]
    assert alice_token_client.get(f"{API}/companies/firm-b/").status_code == 404


def test_consultant_lists_every_firm(consultant_client, firm_a, firm_b):
    assert slugs(consultant_client.get(f"{API}/companies/")) == ["firm-a", "firm-b"]


def test_consultant_creates_a_firm(consultant_client, consultant, records):
    payload = {
        "name": "Kestrel Robotics",
        "country": "AU",
        "size": "startup",
        "description": "Autonomous UAV swarms.",
        "technology_areas": ["uav"],
        "certifications": [{"code": "as9100d", "expires_on": "2027-06-30"}],
    }
    response = consultant_client.post(f"{API}/companies/", payload, content_type="application/json")
    assert response.status_code == 201, response.json()
    assert response.json()["slug"] == "kestrel-robotics"
    assert response.json()["certifications"] == [{"code": "as9100d", "expires_on": "2027-06-30"}]
    company = Company.objects.get(slug="kestrel-robotics")
    assert list(company.technology_areas.values_list("slug", flat=True)) == ["uav"]
    assert company.history.get().history_user == consultant


def test_staff_cannot_create_firms(alice_client, alice_token_client):
    payload = {"name": "Sneaky", "country": "AU", "size": "sme", "description": "x"}
    assert alice_client.post(f"{API}/companies/", payload, content_type="application/json").status_code == 403
    assert alice_token_client.post(f"{API}/companies/", payload, content_type="application/json").status_code == 403
    assert not Company.objects.filter(name="Sneaky").exists()


def test_an_editor_updates_her_own_firm(alice_client, alice, firm_a_profile):
    response = alice_client.patch(
        f"{API}/companies/firm-a/", {"trl": 8, "technology_areas": ["space"]}, content_type="application/json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["trl"] == 8
    assert response.json()["technology_areas"] == ["space"]
    firm_a_profile.refresh_from_db()
    assert firm_a_profile.trl == 8
    assert firm_a_profile.history.latest().history_user == alice


def test_a_token_of_an_editor_updates_her_firm(alice_token_client, firm_a):
    response = alice_token_client.patch(f"{API}/companies/firm-a/", {"trl": 5}, content_type="application/json")
    assert response.status_code == 200
    firm_a.refresh_from_db()
    assert firm_a.trl == 5


def test_a_viewer_cannot_update_her_firm(carol, firm_a):
    from django.test import Client

    client = Client()
    client.force_login(carol)
    response = client.patch(f"{API}/companies/firm-a/", {"trl": 2}, content_type="application/json")
    assert response.status_code == 403
    firm_a.refresh_from_db()
    assert firm_a.trl is None


def test_bob_cannot_update_alices_firm(bob_client, firm_a):
    response = bob_client.patch(f"{API}/companies/firm-a/", {"trl": 1}, content_type="application/json")
    assert response.status_code == 404


def test_consultant_updates_any_firm(consultant_client, firm_b):
    response = consultant_client.put(
        f"{API}/companies/firm-b/",
        {"name": "Firm B", "country": "US", "size": "large", "description": "Bigger now."},
        content_type="application/json",
    )
    assert response.status_code == 200, response.json()
    firm_b.refresh_from_db()
    assert firm_b.size == "large"


def test_firms_cannot_be_deleted_over_the_api(consultant_client, firm_a):
    assert consultant_client.delete(f"{API}/companies/firm-a/").status_code == 405


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"trl": 12}, "trl"),
        ({"country": "XX"}, "country"),
        ({"technology_areas": ["no-such-area"]}, "technology_areas"),
        ({"certifications": [{"code": "nope"}]}, "certifications"),
        ({"certifications": [{"expires_on": "2030-01-01"}]}, "certifications"),
        ({"website": "not a url"}, "website"),
        ({"size": "huge"}, "size"),
    ],
)
def test_invalid_updates_are_400s_naming_the_field(consultant_client, firm_a, records, payload, field):
    response = consultant_client.patch(f"{API}/companies/firm-a/", payload, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_certification_given_twice_is_refused_at_its_place_not_merged(alice_client, firm_a_profile):
    twice = [{"code": "as9100d", "expires_on": "2030-01-01"}, {"code": "as9100d"}]

    response = alice_client.patch(f"{API}/companies/firm-a/", {"certifications": twice}, "application/json")
    japanese = alice_client.patch(
        f"{API}/companies/firm-a/", {"certifications": twice}, "application/json", HTTP_ACCEPT_LANGUAGE="ja"
    )

    assert (response.status_code, response.json()) == (
        400,
        {"certifications": {"1": {"code": ["as9100d is listed twice."]}}},
    )
    assert japanese.json() == {"certifications": {"1": {"code": ["as9100dが重複しています。"]}}}
    assert list(firm_a_profile.certification_links.values_list("certification__code", "expires_on")) == [
        ("as9100d", None)
    ]


def test_a_service_validation_error_is_a_400_naming_the_field(consultant_client, firm_a):
    # The slug is derived from the name by companies.services, which reports the clash on "name".
    payload = {"name": "Firm A", "country": "AU", "size": "sme", "description": "Same name again."}
    response = consultant_client.post(f"{API}/companies/", payload, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == ["name"]


def test_company_detail_answers_304_when_unchanged(alice_client, firm_a):
    first = alice_client.get(f"{API}/companies/firm-a/")
    assert alice_client.get(f"{API}/companies/firm-a/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
