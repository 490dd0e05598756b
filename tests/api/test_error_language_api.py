"""Refusals (401, 403, 404) speak the reader's language, as validation errors and the answers themselves do."""

import pytest
from django.test import Client

from portal.tokens import token_issue
from tests.api.conftest import bearer_client

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _client_for(user) -> Client:
    return bearer_client(token_issue(user=user, name="test")[1])


def test_a_viewer_refused_a_firm_edit_reads_why_in_japanese(carol, firm_a):
    response = _client_for(carol).patch(
        f"{API}/companies/firm-a/", {"website": "https://a.example.com"}, "application/json", HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "変更できるのはコンサルタントとその企業の編集者だけです。"}


def test_the_same_refusal_stays_english_without_a_language(carol, firm_a):
    response = _client_for(carol).patch(
        f"{API}/companies/firm-a/", {"website": "https://a.example.com"}, "application/json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Only consultants and the firm's editors may change it."}


@pytest.mark.parametrize(
    "how", [{"HTTP_ACCEPT_LANGUAGE": "ja"}, {"QUERY_STRING": "lang=ja"}, {"QUERY_STRING": "lang=JA"}]
)
def test_another_firms_profile_is_a_japanese_404(alice_token_client, firm_b, how):
    response = alice_token_client.get(f"{API}/companies/firm-b/", **how)
    assert response.status_code == 404
    assert response.json() == {"detail": "該当する企業はありません。"}


def test_another_firms_profile_is_the_same_english_404_as_before(alice_token_client, firm_b):
    response = alice_token_client.get(f"{API}/companies/firm-b/")
    assert response.json() == {"detail": "No Company matches the given query."}


def test_staff_starting_a_rescore_are_refused_in_japanese(alice_token_client):
    response = alice_token_client.post(
        f"{API}/match-runs/", {"scope": "all"}, "application/json", HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "この操作はコンサルタントだけが行えます。"}


def test_drfs_own_refusals_follow_the_language_too(client):
    response = client.get(f"{API}/changes/", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code in (401, 403)
    assert response.json() == {"detail": "認証情報が含まれていません。"}
    response = client.get(f"{API}/me/", HTTP_AUTHORIZATION="Bearer kkh_unknown", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.json() == {"detail": "トークンが無効です。"}


def test_staff_adding_a_firm_are_told_only_consultants_may(alice_token_client):
    response = alice_token_client.post(f"{API}/companies/", {"name": "New firm"}, "application/json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Only consultants may add a firm."}


def test_an_editor_reading_japanese_who_leaves_out_a_certifications_code_reads_why_in_japanese(alice, firm_a):
    response = _client_for(alice).patch(
        f"{API}/companies/firm-a/",
        {"certifications": [{"expires_on": "2027-01-01"}]},
        "application/json",
        HTTP_ACCEPT_LANGUAGE="ja",
    )

    assert response.status_code == 400
    assert response.json() == {"certifications": {"0": {"code": ["この項目は必須です。"]}}}
