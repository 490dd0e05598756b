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


# DRF's own Japanese catalogue lacks these messages, so a Japanese reader got them in English.
def test_a_value_of_the_wrong_type_is_refused_in_japanese(alice, firm_a, matches):
    response = _client_for(alice).put(
        f"{API}/companies/firm-a/pipeline/atla-uav-call/", {"owner": 123}, "application/json", HTTP_ACCEPT_LANGUAGE="ja"
    )

    assert response.status_code == 400
    assert response.json() == {"owner": ["文字列を指定してください。"]}


def test_a_webhook_event_of_the_wrong_type_is_refused_in_japanese_at_its_place(alice):
    response = _client_for(alice).post(
        f"{API}/webhooks/?lang=ja", {"url": "https://example.com/hook", "events": ["*", 1]}, "application/json"
    )

    assert response.status_code == 400
    assert response.json() == {"events": {"1": ["文字列を指定してください。"]}}


def test_too_many_certifications_are_refused_in_japanese(alice, firm_a):
    response = _client_for(alice).patch(
        f"{API}/companies/firm-a/",
        {"certifications": [{"code": f"cert-{n}"} for n in range(31)]},
        "application/json",
        HTTP_ACCEPT_LANGUAGE="ja",
    )

    assert response.status_code == 400
    assert "30個以下" in str(response.json()["certifications"])


def _drf_error_messages() -> list:
    """Every error message of DRF's fields and serializers (lazy, so each reads in the language active)."""
    from rest_framework import fields, relations, serializers

    classes: list[type] = [fields.Field, relations.RelatedField, serializers.BaseSerializer]
    found, seen = [], set()
    while classes:
        cls = classes.pop()
        if cls in seen:
            continue
        seen.add(cls)
        classes.extend(cls.__subclasses__())
        if cls.__module__.startswith("rest_framework."):
            found += list(getattr(cls, "default_error_messages", {}).values())
    return found


def test_every_drf_field_message_reads_in_japanese():
    from django.utils import translation

    messages = _drf_error_messages()
    with translation.override("en"):
        english = [str(message) for message in messages]
    with translation.override("ja"):
        japanese = [str(message) for message in messages]

    assert sorted({en for en, ja in zip(english, japanese, strict=True) if en == ja}) == []


def test_a_body_that_is_not_json_is_refused_in_japanese(alice, firm_a):
    response = _client_for(alice).generic(
        "PATCH", f"{API}/companies/firm-a/", "{trl: 5", content_type="application/json", HTTP_ACCEPT_LANGUAGE="ja"
    )

    assert response.status_code == 400
    said = "本文が正しい JSON ではありません（1 行目 2 文字目：Expecting property name"
    assert response.json()["detail"].startswith(said)
