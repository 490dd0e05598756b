"""The workspace through API v1: a firm's pipeline (list, read, PUT, DELETE), feedback on its matches, the matches
list's include_dismissed, and consultants' view of an opportunity's feedback."""

import datetime

import pytest
from django.utils import timezone

from programmes.models import Opportunity
from tests.api.conftest import assert_golden
from workspace.models import MatchFeedback, PipelineEntry

PIPELINE = "/api/v1/companies/firm-a/pipeline/"
ENTRY = PIPELINE + "atla-uav-call/"
FEEDBACK = "/api/v1/companies/firm-a/matches/atla-uav-call/feedback/"
MATCHES = "/api/v1/companies/firm-a/matches/"


def put(client, url, body):
    return client.put(url, body, content_type="application/json")


def test_put_creates_an_entry_due_on_the_deadline_then_changes_it(alice_client, alice, matches):
    created = put(alice_client, ENTRY, {"stage": "pursuing"})
    assert created.status_code == 201
    assert created.json()["due_on"] == "2099-03-31"

    body = {"stage": "preparing", "owner": "alice", "due_on": "2099-03-01", "note": "Call Ken at ATLA"}
    changed = put(alice_client, ENTRY, body)

    assert changed.status_code == 200
    assert_golden(changed, "companies-pipeline-detail")
    entry = PipelineEntry.objects.get()
    assert (entry.stage, entry.owner, str(entry.due_on), entry.notes) == (
        "preparing",
        alice,
        "2099-03-01",
        "Call Ken at ATLA",
    )
    assert [h.stage for h in entry.history.order_by("history_date")] == ["pursuing", "preparing"]


def test_get_lists_and_reads_entries_with_stage_and_owner_filters(alice_client, matches):
    put(alice_client, ENTRY, {"stage": "pursuing", "owner": "alice"})
    put(alice_client, PIPELINE + "dsei-japan-2099/", {"stage": "watching"})

    listed = alice_client.get(PIPELINE)
    assert_golden(listed, "companies-pipeline-list")
    assert [e["opportunity"] for e in alice_client.get(PIPELINE, {"stage": "watching"}).json()["results"]] == [
        "dsei-japan-2099"
    ]
    assert [e["opportunity"] for e in alice_client.get(PIPELINE, {"owner": "alice"}).json()["results"]] == [
        "atla-uav-call"
    ]
    assert alice_client.get(ENTRY).json()["stage"] == "pursuing"


def test_an_entry_carries_its_records_japanese_title_for_a_japanese_client(alice_client, matches):
    Opportunity.objects.filter(slug="atla-uav-call").update(title_ja="UAV自律化の公募")
    put(alice_client, ENTRY, {"stage": "pursuing"})

    entry = alice_client.get(ENTRY, HTTP_ACCEPT_LANGUAGE="ja").json()
    listed = alice_client.get(PIPELINE, {"lang": "ja"}).json()["results"]

    assert (entry["title"], entry["title_ja"]) == ("UAV autonomy call", "UAV自律化の公募")
    assert [row["title_ja"] for row in listed] == ["UAV自律化の公募"]
    # Sent back in a GET-then-PUT, it is ignored like the English title.
    assert put(alice_client, ENTRY, {**entry, "note": "Call Ken"}).status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"stage": "dreaming"}, "stage"),
        ({"due_on": "next tuesday"}, "due_on"),
        ({"note": "x" * 5001}, "note"),
        ({"owner": "nobody-here"}, "owner"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(alice_client, matches, body, field):
    response = put(alice_client, ENTRY, body)
    assert response.status_code == 400
    assert field in response.json()
    assert not PipelineEntry.objects.exists()


def test_an_owner_from_another_firm_is_a_400_on_owner(alice_client, bob, matches):
    response = put(alice_client, ENTRY, {"owner": "bob"})
    assert response.status_code == 400
    assert response.json() == {"owner": ["The owner must be one of the firm's editors."]}


def test_a_viewer_cannot_be_made_an_owner_and_is_told_why(alice_client, carol, matches):
    response = put(alice_client, ENTRY, {"owner": "carol"})
    assert response.status_code == 400
    assert response.json() == {
        "owner": ["carol is a viewer at the firm and cannot change its pipeline: choose one of its editors as owner."]
    }
    assert not PipelineEntry.objects.exists()


def test_a_bad_stage_filter_is_a_400_naming_it(alice_client, matches):
    response = alice_client.get(PIPELINE, {"stage": "dreaming"})
    assert response.status_code == 400
    assert "stage" in response.json()


def test_delete_removes_the_entry(alice_client, matches):
    put(alice_client, ENTRY, {"stage": "pursuing"})
    assert alice_client.delete(ENTRY).status_code == 204
    assert not PipelineEntry.objects.exists()
    assert alice_client.get(ENTRY).status_code == 404


def test_a_viewer_reads_but_cannot_write(carol, alice_client, matches, client):
    put(alice_client, ENTRY, {"stage": "pursuing"})
    client.force_login(carol)
    assert client.get(ENTRY).status_code == 200
    assert put(client, ENTRY, {"stage": "won"}).status_code == 403
    assert client.delete(ENTRY).status_code == 403
    assert (
        client.post(FEEDBACK, {"relevant": False, "reason": "other"}, content_type="application/json").status_code
        == 403
    )
    assert PipelineEntry.objects.get().stage == "pursuing"


def test_an_archived_record_already_in_the_pipeline_still_moves_but_cannot_be_added(alice_client, matches):
    from programmes.models import Opportunity

    put(alice_client, ENTRY, {"stage": "preparing"})
    Opportunity.objects.filter(slug="atla-uav-call").update(status="archived")

    assert put(alice_client, ENTRY, {"stage": "lost"}).status_code == 200
    assert PipelineEntry.objects.get().stage == "lost"
    alice_client.delete(ENTRY)
    assert put(alice_client, ENTRY, {"stage": "watching"}).status_code == 404


def test_another_firm_gets_404(bob_client, alice_client, matches):
    put(alice_client, ENTRY, {"stage": "pursuing", "note": "alice-secret"})
    for response in (
        bob_client.get(PIPELINE),
        bob_client.get(ENTRY),
        put(bob_client, ENTRY, {"stage": "won"}),
        bob_client.delete(ENTRY),
        bob_client.post(FEEDBACK, {"relevant": False, "reason": "other"}, content_type="application/json"),
        bob_client.delete(FEEDBACK),
    ):
        assert response.status_code == 404
        assert "alice-secret" not in response.content.decode()
    assert PipelineEntry.objects.get().stage == "pursuing"


def test_feedback_hides_the_match_until_withdrawn(alice_client, matches):
    body = {"relevant": False, "reason": "too_early", "note": "Not before 2028"}
    given = alice_client.post(FEEDBACK, body, content_type="application/json")
    assert given.status_code == 201
    assert_golden(given, "companies-match-feedback-create")
    again = alice_client.post(FEEDBACK, body | {"reason": "other", "note": ""}, content_type="application/json")
    assert again.status_code == 200 and again.json()["reason"] == "other"  # the mark replaced, not a second one

    assert [m["opportunity"]["slug"] for m in alice_client.get(MATCHES).json()["results"]] == ["dsei-japan-2099"]
    shown = alice_client.get(MATCHES, {"include_dismissed": "true"})
    assert_golden(shown, "companies-matches-list-include-dismissed")

    assert alice_client.delete(FEEDBACK).status_code == 204
    assert alice_client.delete(FEEDBACK).status_code == 404
    assert len(alice_client.get(MATCHES).json()["results"]) == 2


def test_feedback_given_again_says_when_it_was_last_changed(alice_client, consultant_client, matches):
    body = {"relevant": False, "reason": "too_early"}
    alice_client.post(FEEDBACK, body, content_type="application/json")
    a_week_ago = timezone.now() - datetime.timedelta(days=7)
    MatchFeedback.objects.update(created_at=a_week_ago, updated_at=a_week_ago)

    again = alice_client.post(FEEDBACK, body | {"reason": "other"}, content_type="application/json")

    assert again.status_code == 200
    given, changed = (datetime.datetime.fromisoformat(again.json()[key]) for key in ("created_at", "updated_at"))
    assert given == a_week_ago and changed > timezone.now() - datetime.timedelta(minutes=1)
    listed = consultant_client.get("/api/v1/opportunities/atla-uav-call/feedback/").json()["results"]
    assert [(row["reason"], row["updated_at"]) for row in listed] == [("other", again.json()["updated_at"])]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"relevant": False, "reason": "boring"}, "reason"),
        ({"relevant": False}, "reason"),
        ({"relevant": True, "reason": "other"}, "relevant"),
        ({"relevant": False, "reason": "other", "note": "x" * 2001}, "note"),
    ],
)
def test_bad_feedback_is_a_400_naming_the_field(alice_client, matches, body, field):
    response = alice_client.post(FEEDBACK, body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    assert not MatchFeedback.objects.exists()


def test_include_dismissed_must_be_true_or_false(alice_client, matches):
    response = alice_client.get(MATCHES, {"include_dismissed": "maybe"})
    assert response.status_code == 400
    assert "include_dismissed" in response.json()


def test_consultants_read_an_opportunitys_feedback(consultant_client, alice_client, bob_client, matches):
    alice_client.post(FEEDBACK, {"relevant": False, "reason": "wrong_technology"}, content_type="application/json")
    url = "/api/v1/opportunities/atla-uav-call/feedback/"
    response = consultant_client.get(url)
    assert_golden(response, "opportunities-feedback-list")
    assert bob_client.get(url).status_code == 403
    assert alice_client.get(url).status_code == 403


@pytest.mark.parametrize("rows", [2, 20])
def test_pipeline_list_query_count_is_constant(alice_client, alice, firm_a, records, rows, django_assert_num_queries):
    from tests.factories import CallFactory
    from workspace.services import pipeline_entry_save

    for _n in range(rows):
        pipeline_entry_save(company=firm_a, opportunity=CallFactory(), by=alice, stage="pursuing")
    # 1 session, 2 user, 3 the firm (visible_to), 4 consultant group check, 5 count, 6 the page with records and owners
    with django_assert_num_queries(6):
        response = alice_client.get(PIPELINE)
    assert len(response.json()["results"]) == rows


def test_an_editor_reading_japanese_who_withdraws_feedback_never_given_reads_why_in_japanese(alice_client, matches):
    english = alice_client.delete(FEEDBACK)
    japanese = alice_client.delete(FEEDBACK, HTTP_ACCEPT_LANGUAGE="ja")

    assert (english.status_code, english.json()) == (404, {"detail": "This match has no feedback."})
    assert (japanese.status_code, japanese.json()) == (404, {"detail": "このマッチにはフィードバックがありません。"})
