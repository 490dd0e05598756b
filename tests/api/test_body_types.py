"""A write body's value of the wrong JSON type is a 400 naming the field and the type it takes, never converted
(`"message": 123` stored as "123", `"relevant": "no"` read as false), and a date that does not exist says so."""

import pytest

from alerts.models import SavedSearch, WebhookEndpoint
from partners.models import Introduction
from tests.partners.conftest import make_partner
from workspace.models import MatchFeedback, PipelineEntry

pytestmark = pytest.mark.django_db

API = "/api/v1"
ENTRY = f"{API}/companies/firm-a/pipeline/atla-uav-call/"
NOT_A_STRING = ["Not a valid string."]


def test_a_number_for_an_introductions_message_is_refused_not_stored_as_text(alice_client, matches):
    make_partner("shipyard-kk", role="prime", areas={})
    body = {"company": "firm-a", "partner": "shipyard-kk", "message": 123}

    response = alice_client.post(f"{API}/introductions/", body, "application/json")

    assert (response.status_code, response.json()) == (400, {"message": NOT_A_STRING})
    assert not Introduction.objects.exists()


def test_a_number_for_a_saved_searchs_query_says_a_string_is_wanted(alice_client, matches):
    body = {"name": "UAV calls", "query": 123, "frequency": "daily"}

    response = alice_client.post(f"{API}/saved-searches/", body, "application/json")

    assert (response.status_code, response.json()) == (400, {"query": NOT_A_STRING})
    assert not SavedSearch.objects.exists()


def test_a_number_for_a_pipeline_owner_says_a_string_is_wanted_not_that_nobody_has_that_name(alice_client, matches):
    response = alice_client.put(ENTRY, {"owner": 123, "stage": "pursuing"}, "application/json")

    assert (response.status_code, response.json()) == (400, {"owner": NOT_A_STRING})
    assert not PipelineEntry.objects.exists()


@pytest.mark.parametrize("relevant", ["no", "false", 0])
def test_feedback_takes_only_true_or_false_for_relevant(alice_client, matches, relevant):
    body = {"relevant": relevant, "reason": "other"}

    response = alice_client.post(f"{API}/companies/firm-a/matches/atla-uav-call/feedback/", body, "application/json")

    assert (response.status_code, response.json()) == (400, {"relevant": ["Must be true or false."]})
    assert not MatchFeedback.objects.exists()


def test_the_wrong_types_are_named_together_with_the_other_errors(alice_client, matches):
    response = alice_client.put(ENTRY, {"owner": 123, "stage": "dreaming", "notes": "x"}, "application/json")

    assert response.status_code == 400
    assert response.json()["owner"] == NOT_A_STRING
    assert set(response.json()) == {"owner", "stage", "notes"}


@pytest.mark.parametrize(
    ("due_on", "why"),
    [
        ("2027-02-30", "2027-02-30 is not a date: February 2027 has 28 days."),
        ("2028-02-30", "2028-02-30 is not a date: February 2028 has 29 days."),
        ("2027-04-31", "2027-04-31 is not a date: April 2027 has 30 days."),
        ("2027-13-01", "2027-13-01 is not a date."),
    ],
)
def test_a_date_that_does_not_exist_says_so_not_that_its_format_is_wrong(alice_client, matches, due_on, why):
    response = alice_client.put(ENTRY, {"due_on": due_on}, "application/json")

    assert (response.status_code, response.json()) == (400, {"due_on": [why]})


def test_a_date_in_another_format_is_still_a_format_error(alice_client, matches):
    response = alice_client.put(ENTRY, {"due_on": "30/02/2027"}, "application/json")

    assert response.status_code == 400
    assert response.json()["due_on"][0].startswith("Date has wrong format.")


def test_a_certifications_expiry_that_does_not_exist_says_so(consultant_client, firm_a, records):
    body = {"certifications": [{"code": "as9100d", "expires_on": "2027-02-30"}]}

    response = consultant_client.patch(f"{API}/companies/firm-a/", body, "application/json")

    assert response.status_code == 400
    assert "2027-02-30 is not a date: February 2027 has 28 days." in str(response.json()["certifications"])


def test_a_date_that_does_not_exist_is_said_in_japanese_too(alice_client, matches):
    response = alice_client.put(ENTRY, {"due_on": "2027-02-30"}, "application/json", HTTP_ACCEPT_LANGUAGE="ja")

    assert response.json() == {"due_on": ["2027-02-30 は存在しない日付です。2027年2月は28日までです。"]}


def test_a_number_in_a_webhooks_event_list_is_named_by_its_place_not_read_as_an_event_name(alice_client):
    body = {"url": "https://crm.example.com/kakehashi", "events": ["match.created", 1]}

    response = alice_client.post(f"{API}/webhooks/", body, "application/json")

    assert (response.status_code, response.json()) == (400, {"events": {"1": NOT_A_STRING}})
    assert not WebhookEndpoint.objects.exists()


def test_a_number_in_a_webhooks_new_event_list_changes_nothing(alice_client):
    body = {"url": "https://crm.example.com/kakehashi", "events": ["match.created"]}
    endpoint = alice_client.post(f"{API}/webhooks/", body, "application/json").json()

    response = alice_client.patch(f"{API}/webhooks/{endpoint['id']}/", {"events": [7.5, "*"]}, "application/json")

    assert (response.status_code, response.json()) == (400, {"events": {"0": NOT_A_STRING}})
    assert WebhookEndpoint.objects.get(pk=endpoint["id"]).events == ["match.created"]


@pytest.mark.parametrize(("field", "value"), [("trl", "7"), ("alert_threshold", "60"), ("trl", True)])
def test_a_whole_number_field_takes_a_number_not_a_string(alice_client, matches, field, value):
    before = alice_client.get(f"{API}/companies/firm-a/").json()

    response = alice_client.patch(f"{API}/companies/firm-a/", {field: value}, "application/json")

    assert (response.status_code, response.json()) == (400, {field: ["A valid integer is required."]})
    assert alice_client.get(f"{API}/companies/firm-a/").json() == before


def test_a_whole_number_sent_as_a_json_number_is_taken(alice_client, matches):
    response = alice_client.patch(f"{API}/companies/firm-a/", {"trl": 7.0, "alert_threshold": 55}, "application/json")

    assert response.status_code == 200
    assert (response.json()["trl"], response.json()["alert_threshold"]) == (7, 55)


@pytest.mark.parametrize("body", ["[]", '"all"', "7"])
@pytest.mark.parametrize("url", ["/webhooks/", "/saved-searches/", "/introductions/"])
def test_a_body_that_is_no_json_object_is_refused_as_a_whole_in_detail(alice_client, matches, url, body):
    response = alice_client.post(f"{API}{url}", body, content_type="application/json")
    japanese = alice_client.post(f"{API}{url}", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="ja")

    assert response.status_code == 400
    assert list(response.json()) == ["detail"]  # was {"non_field_errors": [...]}, a key no client reading Error knows
    assert response.json()["detail"].startswith("Invalid data. Expected a dictionary, but got ")
    assert japanese.json()["detail"].startswith("不正なデータです。")


@pytest.mark.parametrize(
    ("certifications", "refusal"),
    [
        ("as9100d", ['Expected a list of items but got type "str".']),
        (["as9100d"], {"0": ["Invalid data. Expected a dictionary, but got str."]}),
    ],
)
def test_a_certifications_list_of_the_wrong_shape_is_refused_on_the_field_or_its_item(
    alice_client, matches, certifications, refusal
):
    """As `technology_areas` and a webhook's `events` are: no `non_field_errors` key, which names no field."""
    before = alice_client.get(f"{API}/companies/firm-a/").json()

    response = alice_client.patch(f"{API}/companies/firm-a/", {"certifications": certifications}, "application/json")

    assert (response.status_code, response.json()) == (400, {"certifications": refusal})
    assert alice_client.get(f"{API}/companies/firm-a/").json() == before
