"""Finding 1 of issue 17: a firm's editors change its profile, never its identity (name, slug, country, size...)."""

import pytest

from companies.models import Company

pytestmark = pytest.mark.django_db

API = "/api/v1/companies"
IMPERSONATION = {
    "name": "Firm B (official)",
    "country": "JP",
    "size": "large",
    "founded": 1800,
    "source_url": "https://evil.example/",
}


def test_alice_cannot_rename_her_firm_or_move_it_to_japan_through_the_api(alice_client, firm_a, firm_b):
    before = Company.objects.get(pk=firm_a.pk)

    response = alice_client.patch(f"{API}/firm-a/", IMPERSONATION, content_type="application/json")

    assert response.status_code == 400
    assert set(response.json()) == set(IMPERSONATION)
    assert response.json()["country"] == ["Only Kakehashi's consultants may change this field."]
    firm_a.refresh_from_db()
    assert (firm_a.name, firm_a.country.code, firm_a.size, firm_a.founded, firm_a.source_url) == (
        before.name,
        before.country.code,
        before.size,
        before.founded,
        before.source_url,
    )
    assert firm_a.history.count() == before.history.count()


def test_a_slug_change_is_refused_without_saying_whether_the_slug_is_taken(alice_client, firm_a, firm_b):
    taken = alice_client.patch(f"{API}/firm-a/", {"slug": "firm-b"}, content_type="application/json")
    free = alice_client.patch(f"{API}/firm-a/", {"slug": "no-such-firm"}, content_type="application/json")

    assert taken.status_code == free.status_code == 400
    assert taken.json() == free.json() == {"slug": ["Only Kakehashi's consultants may change this field."]}
    assert Company.objects.filter(slug="firm-a").exists()


def test_alice_can_still_edit_her_profile_and_round_trip_what_she_read(alice_client, firm_a):
    current = alice_client.get(f"{API}/firm-a/").json()
    body = {**current, "description": "Lidar for drones", "trl": 6}
    for read_only in ("created_at", "updated_at"):
        body.pop(read_only)

    response = alice_client.put(f"{API}/firm-a/", body, content_type="application/json")

    assert response.status_code == 200, response.json()
    firm_a.refresh_from_db()
    assert (firm_a.description, firm_a.trl, firm_a.name) == ("Lidar for drones", 6, "Firm A")


def test_the_consultant_still_changes_a_firms_identity(consultant_client, firm_a):
    response = consultant_client.patch(f"{API}/firm-a/", IMPERSONATION, content_type="application/json")

    assert response.status_code == 200
    firm_a.refresh_from_db()
    assert (firm_a.name, firm_a.country.code, firm_a.size) == ("Firm B (official)", "JP", "large")


def test_the_web_form_ignores_reserved_fields_sent_by_an_editor(alice_client, firm_a):
    response = alice_client.post(
        "/companies/firm-a/edit/",
        {
            "description": "Still us",
            "japan_presence": "none",
            "name": "Firm B (official)",
            "country": "JP",
            "certifications-TOTAL_FORMS": "0",
            "certifications-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302
    firm_a.refresh_from_db()
    assert (firm_a.description, firm_a.name, firm_a.country.code) == ("Still us", "Firm A", "AU")


def test_the_service_refuses_a_reserved_change_by_staff_whatever_the_interface(alice, firm_a):
    from django.core.exceptions import ValidationError

    from companies.services import company_update

    size = firm_a.size
    with pytest.raises(ValidationError) as refused:
        company_update(company=firm_a, data={"size": "large", "description": "x"}, by=alice)

    assert list(refused.value.message_dict) == ["size"]
    assert size != "large"
    assert Company.objects.get(pk=firm_a.pk).size == size
