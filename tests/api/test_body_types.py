"""A write body's value of the wrong JSON type is a 400 naming the field and the type it takes, never converted
(`"message": 123` stored as "123", `"relevant": "no"` read as false)."""

import pytest

from alerts.models import SavedSearch
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
