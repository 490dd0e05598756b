"""A write body naming a field the API does not have is a 400 naming that field (with the closest real name), never a
200 that silently changed nothing; the schema says so on every request body (additionalProperties: false)."""

import pytest

from alerts.searches import saved_search_create
from alerts.webhooks import webhook_endpoint_create
from companies.models import Company
from partners.models import Introduction
from tests.partners.conftest import make_partner
from workspace.models import MatchFeedback, PipelineEntry
from workspace.services import pipeline_entry_save

pytestmark = pytest.mark.django_db

API = "/api/v1"
ENTRY = f"{API}/companies/firm-a/pipeline/atla-uav-call/"


def test_a_pipeline_put_with_notes_is_a_400_suggesting_note_and_changes_nothing(alice_client, alice, matches):
    response = alice_client.put(ENTRY, {"notes": "Call Hana", "stage": "pursuing"}, "application/json")

    assert response.status_code == 400
    assert response.json() == {"notes": ["Unknown field. Did you mean “note”?"]}
    assert not PipelineEntry.objects.exists()


def test_a_pipeline_put_may_send_back_what_a_get_answered(alice_client, alice, firm_a, records, matches):
    pipeline_entry_save(company=firm_a, opportunity=records["call"], by=alice)
    body = alice_client.get(ENTRY).json() | {"stage": "pursuing", "note": "Call Hana"}

    response = alice_client.put(ENTRY, body, "application/json")

    assert response.status_code == 200
    assert PipelineEntry.objects.get().notes == "Call Hana"


def test_a_firm_patch_with_misspelt_fields_names_each_and_changes_nothing(alice_client, firm_a):
    body = {"webstie": "https://firm-a.example.com", "alert_treshold": 5}

    response = alice_client.patch(f"{API}/companies/firm-a/", body, "application/json")

    assert response.status_code == 400
    assert response.json() == {
        "webstie": ["Unknown field. Did you mean “website”?"],
        "alert_treshold": ["Unknown field. Did you mean “alert_threshold”?"],
    }
    firm_a.refresh_from_db()
    assert firm_a.website != "https://firm-a.example.com"


def test_an_unknown_field_is_named_beside_the_known_fields_errors_nested_ones_too(alice_client, firm_a):
    body = {"trl": 42, "mascot": "wombat", "certifications": [{"code": "as9100d", "expiry": "2030-01-01"}]}

    response = alice_client.patch(f"{API}/companies/firm-a/", body, "application/json")

    assert response.status_code == 400
    errors = response.json()
    assert errors["mascot"] == ["Unknown field."] and "trl" in errors
    assert errors["certifications"]["0"]["expiry"] == ["Unknown field. Did you mean “expires_on”?"]


def test_feedback_with_notes_is_a_400_suggesting_note(alice_client, matches):
    body = {"relevant": False, "reason": "too_early", "notes": "Maybe next year"}

    response = alice_client.post(f"{API}/companies/firm-a/matches/atla-uav-call/feedback/", body, "application/json")

    assert response.status_code == 400
    assert response.json() == {"notes": ["Unknown field. Did you mean “note”?"]}
    assert not MatchFeedback.objects.exists()


def test_the_refusal_speaks_the_readers_language(alice_client, matches):
    response = alice_client.put(ENTRY, {"notes": "x"}, "application/json", HTTP_ACCEPT_LANGUAGE="ja")

    assert response.json() == {"notes": ["不明な項目です。「note」のことですか？"]}


def test_another_firms_pipeline_is_still_a_404_whatever_the_body(bob_client, matches):
    assert bob_client.put(ENTRY, {"notes": "x"}, "application/json").status_code == 404


@pytest.fixture
def ids(matches, alice, firm_a, consultant):
    webhook, _secret = webhook_endpoint_create(owner=consultant, url="http://127.0.0.1:9/hook", events=["*"])
    search = saved_search_create(user=consultant, name="UAV", query="q=uav")
    partner = make_partner("shipyard-kk", role="prime", areas={})
    introduction = Introduction.objects.create(company=firm_a, partner=partner, message="Meet us.", requested_by=alice)
    return {"/webhooks/": webhook.pk, "/saved-searches/": search.pk, "/introductions/": introduction.pk}


def test_every_write_of_the_api_refuses_an_unknown_field_and_its_schema_says_so(
    anon_client, alice_client, consultant_client, ids
):
    schema = anon_client.get(f"{API}/schema/?format=json").json()
    firms_before = Company.objects.count()
    writes = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if "requestBody" not in operation:
                continue
            ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
            body = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
            assert body["additionalProperties"] is False, (method, path)
            template = path.removeprefix(API)
            url = template.replace("{company_slug}", "firm-a").replace("{slug}", "firm-a")
            url = url.replace("{opportunity_slug}", "atla-uav-call")
            url = url.replace("{id}", str(next((pk for prefix, pk in ids.items() if template.startswith(prefix)), 0)))
            writer = alice_client if template.startswith("/companies/{") else consultant_client
            response = getattr(writer, method)(f"{API}{url}", {"no_such_field": 1}, "application/json")
            assert response.status_code == 400, (method, path, response.content)
            assert response.json()["no_such_field"] == ["Unknown field."], (method, path)
            writes.append(f"{method} {template}")
    assert len(writes) == 12  # every write that reads a body; a new one is checked as soon as it exists
    assert Company.objects.count() == firms_before


def test_every_change_of_the_api_takes_back_what_its_get_answered(
    alice_client, consultant_client, alice, firm_a, records, ids
):
    # GET-then-PATCH (or PUT) round trips: the answer's read-only fields (`id`, `created_at`, …) are echoed, not
    # refused, on every write of a resource that can be read at the same address.
    pipeline_entry_save(company=firm_a, opportunity=records["call"], by=alice)
    schema = consultant_client.get(f"{API}/schema/?format=json").json()
    checked = []
    for path, operations in schema["paths"].items():
        template = path.removeprefix(API)
        for method in ("patch", "put"):
            if method not in operations or "get" not in operations:
                continue
            url = template.replace("{company_slug}", "firm-a").replace("{slug}", "firm-a")
            url = url.replace("{opportunity_slug}", "atla-uav-call")
            url = url.replace("{id}", str(next((pk for prefix, pk in ids.items() if template.startswith(prefix)), 0)))
            client = alice_client if template.startswith("/companies/{") else consultant_client
            read = client.get(f"{API}{url}")
            assert read.status_code == 200, (path, read.content)
            sent = getattr(client, method)(f"{API}{url}", read.json(), "application/json")
            assert sent.status_code in (200, 201), (method, path, sent.content)
            checked.append(f"{method} {template}")
    assert {"patch /introductions/{id}/", "patch /webhooks/{id}/"} <= set(checked) and len(checked) == 6, checked
