"""A "not relevant" mark that teaches the scorer (wrong technology) has the firm rescored in the background, so its
message says the matches will follow, in the words every rescoring save uses (companies.confirmations). Other
reasons, which only hide the match, say nothing of a rescore."""

import pytest

from tests.companies.test_rescore_notes import STAFF_NOTE
from tests.workspace.test_feedback_pages import MATCHES, dismiss, matches  # noqa: F401  (fixture)

pytestmark = pytest.mark.usefixtures("matches")

JA_NOTE = "マッチはまもなく更新されます"


def message(client, prefix: str = "") -> str:
    return client.get(prefix + MATCHES).text


def test_marking_a_match_wrong_technology_says_the_matches_will_be_updated(alice_client, firm_a, rescores):
    dismiss(alice_client, "cyber-call", reason="wrong_technology")

    assert f"“Cyber defence call” is hidden from your matches. {STAFF_NOTE}" in message(alice_client)
    assert rescores.targets() == [("company", firm_a.pk)]


def test_a_reason_that_only_hides_the_match_says_no_rescore(alice_client, firm_a, rescores):
    dismiss(alice_client, "cyber-call", reason="too_early")

    page = message(alice_client)
    assert "“Cyber defence call” is hidden from your matches." in page and STAFF_NOTE not in page
    assert rescores.targets() == []


def test_undoing_a_wrong_technology_mark_says_the_matches_will_be_updated(alice_client, firm_a, rescores):
    dismiss(alice_client, "cyber-call", reason="wrong_technology")
    message(alice_client)
    alice_client.post("/workspace/firm-a/matches/cyber-call/not-relevant/undo/", {"next": MATCHES})

    assert f"“Cyber defence call” is back in your matches. {STAFF_NOTE}" in message(alice_client)


def test_a_bulk_wrong_technology_dismissal_says_it_once_in_japanese_too(alice_client, firm_a):
    selected = {"selected": ["laser-call", "other-call"], "action": "dismiss:wrong_technology"}
    alice_client.post("/ja/workspace/firm-a/matches/bulk/", selected)

    page = message(alice_client, "/ja")
    assert "2 件のマッチを更新しました。" in page and page.count(JA_NOTE) == 1
