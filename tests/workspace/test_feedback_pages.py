"""'Not relevant' on my matches: hidden by default, 'show dismissed' brings it back, one-click undo; bulk actions;
and the consultants' report of feedback per record and per area."""

import pytest

from matching.models import FeedbackMark
from tests.factories import CallFactory, MatchFactory, TechnologyAreaFactory
from workspace.models import MatchFeedback, PipelineEntry
from workspace.services import match_feedback_give

MATCHES = "/my/matches/"


@pytest.fixture
def matches(firm_a):
    cyber = TechnologyAreaFactory(slug="cyber", name="Cyber")
    lasers = TechnologyAreaFactory(slug="lasers", name="Lasers")
    calls = [
        CallFactory(slug="cyber-call", title="Cyber defence call", areas=[cyber]),
        CallFactory(slug="laser-call", title="High-power laser call", areas=[lasers]),
        CallFactory(slug="other-call", title="Other call", areas=[lasers]),
    ]
    for n, call in enumerate(calls):
        MatchFactory(company=firm_a, opportunity=call, score=80 - n)
    return calls


def titles(response) -> list[str]:
    return [match.opportunity.title for match in response.context["matches"]]


def dismiss(client, slug, reason="wrong_technology", note=""):
    url = f"/workspace/firm-a/matches/{slug}/not-relevant/"
    return client.post(url, {"reason": reason, "note": note, "next": MATCHES})


def test_not_relevant_hides_the_match_and_show_dismissed_brings_it_back(alice_client, firm_a, matches):
    response = dismiss(alice_client, "cyber-call", note="We do no cyber")
    assert response.status_code == 302

    assert titles(alice_client.get(MATCHES)) == ["High-power laser call", "Other call"]
    shown = alice_client.get(MATCHES, {"show_dismissed": "1"})
    assert titles(shown) == ["Cyber defence call", "High-power laser call", "Other call"]
    assert "Marked not relevant" in shown.text and ">Undo</button>" in shown.text
    feedback = MatchFeedback.objects.get(company=firm_a)
    assert (feedback.reason, feedback.note) == ("wrong_technology", "We do no cyber")
    assert FeedbackMark.objects.get(company=firm_a).technology_area.slug == "cyber"


@pytest.mark.parametrize("yes", ["1", "true", "TRUE", "True"])
def test_show_dismissed_takes_every_spelling_of_yes_the_other_filters_take(alice_client, firm_a, matches, yes):
    dismiss(alice_client, "cyber-call")
    assert titles(alice_client.get(MATCHES, {"show_dismissed": yes}))[0] == "Cyber defence call"
    export = alice_client.get("/my/matches/export.csv", {"show_dismissed": yes})
    assert export.status_code == 200 and "cyber-call" in export.content.decode("utf-8-sig")


def test_a_show_dismissed_value_that_is_neither_yes_nor_no_is_named_on_the_page_and_refused_by_the_export(
    alice_client, firm_a, matches
):
    dismiss(alice_client, "cyber-call")
    page = alice_client.get(MATCHES, {"show_dismissed": "maybe"})
    assert page.status_code == 200 and "Give true or false." in page.text
    assert "Cyber defence call" not in titles(page)
    export = alice_client.get("/my/matches/export.csv", {"show_dismissed": "maybe"})
    assert export.status_code == 400 and "show_dismissed" in export.content.decode()
    assert titles(alice_client.get(MATCHES, {"show_dismissed": "false"})) == ["High-power laser call", "Other call"]


def test_undo_is_one_click(alice_client, firm_a, matches):
    dismiss(alice_client, "cyber-call")
    response = alice_client.post("/workspace/firm-a/matches/cyber-call/not-relevant/undo/", {"next": MATCHES})
    assert response.status_code == 302
    assert titles(alice_client.get(MATCHES))[0] == "Cyber defence call"
    assert not FeedbackMark.objects.exists()


def test_a_reason_outside_the_list_is_refused(alice_client, firm_a, matches):
    response = dismiss(alice_client, "cyber-call", reason="boring")
    assert response.status_code == 302
    assert not MatchFeedback.objects.exists()
    assert "Choose a reason from the list." in alice_client.get(MATCHES).text


def test_a_note_too_long_is_refused_naming_the_note(alice_client, firm_a, matches):
    dismiss(alice_client, "cyber-call", note="x" * 2001)
    assert not MatchFeedback.objects.exists()
    page = alice_client.get(MATCHES).text
    assert "Note: Ensure this value has at most 2000 characters (it has 2001)." in page
    assert "Choose a reason from the list." not in page


def test_bob_cannot_dismiss_alices_match(bob_client, firm_a, matches):
    assert dismiss(bob_client, "cyber-call").status_code == 404
    assert bob_client.post("/workspace/firm-a/matches/bulk/", {"selected": ["cyber-call"]}).status_code == 404
    assert not MatchFeedback.objects.exists()


def test_bulk_sets_a_stage_on_the_selected_matches(alice_client, firm_a, matches):
    response = alice_client.post(
        "/workspace/firm-a/matches/bulk/", {"selected": ["cyber-call", "laser-call"], "action": "stage:pursuing"}
    )
    assert response.status_code == 302
    stages = dict(PipelineEntry.objects.values_list("opportunity__slug", "stage"))
    assert stages == {"cyber-call": "pursuing", "laser-call": "pursuing"}


def test_bulk_on_one_match_says_one_match_in_both_languages(alice_client, firm_a, matches):
    alice_client.post("/workspace/firm-a/matches/bulk/", {"selected": ["cyber-call"], "action": "stage:pursuing"})
    assert "1 match updated." in alice_client.get(MATCHES).text
    alice_client.post("/ja/workspace/firm-a/matches/bulk/", {"selected": ["laser-call"], "action": "stage:won"})
    assert "1 件のマッチを更新しました。" in alice_client.get("/ja" + MATCHES).text


def test_bulk_dismisses_the_selected_matches(alice_client, firm_a, matches):
    alice_client.post(
        "/workspace/firm-a/matches/bulk/", {"selected": ["laser-call", "other-call"], "action": "dismiss:too_early"}
    )
    assert titles(alice_client.get(MATCHES)) == ["Cyber defence call"]
    assert not FeedbackMark.objects.exists()  # only wrong_technology teaches the scorer


def test_bulk_with_nothing_selected_changes_nothing(alice_client, firm_a, matches):
    alice_client.post("/workspace/firm-a/matches/bulk/", {"action": "stage:won"})
    assert not PipelineEntry.objects.exists()
    assert "Select at least one of your matches and an action." in alice_client.get(MATCHES).text


def test_bulk_with_a_record_gone_since_the_page_was_drawn_says_so_and_changes_nothing(alice_client, firm_a, matches):
    alice_client.post(
        "/workspace/firm-a/matches/bulk/", {"selected": ["cyber-call", "archived-since"], "action": "stage:won"}
    )
    assert not PipelineEntry.objects.exists()
    assert "1 selected record is no longer among your matches; nothing was changed." in alice_client.get(MATCHES).text


def test_consultants_see_feedback_per_record_and_per_area(consultant_client, alice, firm_a, matches):
    match_feedback_give(company=firm_a, opportunity=matches[1], reason="wrong_technology", by=alice, note="No lasers")
    match_feedback_give(company=firm_a, opportunity=matches[2], reason="too_early", by=alice)
    match_feedback_give(company=firm_a, opportunity=matches[0], reason="too_early", by=alice)

    per_area = consultant_client.get("/consultants/feedback/", {"by": "area", "sort": "total"})
    assert [(row.key, row.total, row.counts) for row in per_area.context["rows"]] == [
        ("lasers", 2, {"wrong_technology": 1, "too_early": 1}),
        ("cyber", 1, {"too_early": 1}),
    ]
    assert "No lasers" in per_area.text
    per_record = consultant_client.get("/consultants/feedback/", {"sort": "wrong_technology"})
    assert per_record.context["rows"][0].key == "laser-call"
    by_name = consultant_client.get("/consultants/feedback/", {"sort": "label"})
    labels = [row.label for row in by_name.context["rows"]]
    assert labels == ["Cyber defence call", "High-power laser call", "Other call"]


def test_the_feedback_report_is_for_consultants_only(alice_client, anon_client):
    assert alice_client.get("/consultants/feedback/").status_code == 404
    assert anon_client.get("/consultants/feedback/").status_code == 302


def test_a_dismissed_match_leaves_the_gap_plan(alice_client, alice, firm_a, matches):
    from matching.models import Match

    Match.objects.filter(opportunity=matches[0]).update(gaps=["no AS9100D: required by Cyber defence call"])
    assert "no AS9100D" in alice_client.get(MATCHES).text
    match_feedback_give(company=firm_a, opportunity=matches[0], reason="too_early", by=alice)
    assert "no AS9100D" not in alice_client.get(MATCHES).text


def test_a_bulk_action_is_one_transaction(alice, firm_a, matches):
    from django.core.exceptions import ValidationError

    from programmes.models import Opportunity
    from workspace.services import matches_bulk_update

    gone = Opportunity(pk=999999, slug="gone", title="Gone")
    with pytest.raises(ValidationError):
        matches_bulk_update(company=firm_a, opportunities=[matches[0], gone], by=alice, reason="too_early")
    assert not MatchFeedback.objects.exists()


def test_a_note_too_long_is_refused_in_japanese_with_japanese_punctuation(alice_client, firm_a, matches):
    url = "/ja/workspace/firm-a/matches/cyber-call/not-relevant/"
    alice_client.post(url, {"reason": "wrong_technology", "note": "x" * 2001, "next": "/ja" + MATCHES})
    page = alice_client.get("/ja" + MATCHES).text
    assert "：2000文字以内にしてください（現在2001文字です）。" in page
    assert "( 2001" not in page and ": この値" not in page


@pytest.mark.parametrize(
    "selected",
    [["cyber-call", "archived-since"], ["archived-since"], ["cyber-call"], []],
    ids=["one-gone", "all-gone", "all-matches", "none"],
)
def test_a_viewer_is_refused_bulk_changes_whatever_the_selection_names(carol, client, firm_a, matches, selected):
    client.force_login(carol)
    response = client.post("/workspace/firm-a/matches/bulk/", {"selected": selected, "action": "stage:won"})
    assert response.status_code == 403
    assert "Only the firm&#x27;s editors can change its workspace." in response.text
    assert not PipelineEntry.objects.exists()
    assert "no longer among your matches" not in client.get(MATCHES).text


def test_a_viewer_is_refused_bulk_changes_in_japanese(carol, client, firm_a, matches):
    client.force_login(carol)
    response = client.post(
        "/ja/workspace/firm-a/matches/bulk/", {"selected": ["archived-since"], "action": "stage:won"}
    )
    assert response.status_code == 403
    assert "ワークスペースを変更できるのは自社の編集者だけです。" in response.text


def test_the_hidden_message_offers_an_undo_button_that_brings_the_match_back(alice_client, firm_a, matches):
    page = dismiss(alice_client, "cyber-call")
    page = alice_client.get(page["Location"])

    undo = 'action="/workspace/firm-a/matches/cyber-call/not-relevant/undo/"'
    message = page.text.split('<ul class="messages">')[1].split("</ul>")[0]
    assert "“Cyber defence call” is hidden from your matches." in message
    assert undo in message and ">Undo</button>" in message
    assert (
        alice_client.post("/workspace/firm-a/matches/cyber-call/not-relevant/undo/", {"next": MATCHES}).status_code
        == 302
    )
    assert titles(alice_client.get(MATCHES))[0] == "Cyber defence call"


def test_the_undo_in_the_message_is_refused_to_a_viewer(alice_client, carol, firm_a, matches):
    from tests.conftest import _client_for

    dismiss(alice_client, "cyber-call")
    carol_client = _client_for(carol)
    assert carol_client.post("/workspace/firm-a/matches/cyber-call/not-relevant/undo/").status_code == 403
    assert MatchFeedback.objects.filter(company=firm_a).exists()
