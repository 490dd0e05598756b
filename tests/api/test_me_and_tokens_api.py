"""me/ tells a client who it is; tokens/ lists the caller's tokens and revokes them; bearer auth is strict."""

import datetime

import pytest
from django.utils import timezone

from portal.models import ApiToken, hash_token
from tests.api.conftest import assert_golden, bearer_client

pytestmark = pytest.mark.django_db

API = "/api/v1"


def test_me_shows_alice_her_firm_and_role(alice_client, alice):
    response = alice_client.get(f"{API}/me/")
    assert response.status_code == 200
    assert_golden(response, "me")
    assert response.json()["companies"] == [{"slug": "firm-a", "name": "Firm A", "role": "editor"}]


def test_me_knows_a_consultant(consultant_client):
    assert consultant_client.get(f"{API}/me/").json() == {
        "username": "consultant",
        "role": "consultant",
        "companies": [],
    }


def test_me_for_an_anonymous_caller(anon_client):
    assert anon_client.get(f"{API}/me/").json() == {"username": None, "role": "anonymous", "companies": []}


def test_a_bearer_token_authenticates_as_its_owner(alice_token_client):
    assert alice_token_client.get(f"{API}/me/").json()["username"] == "alice"


def test_a_revoked_token_is_refused_even_where_anonymous_callers_are_welcome(revoked_token_client):
    response = revoked_token_client.get(f"{API}/opportunities/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Token revoked."}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_an_expired_token_is_refused(expired_token_client):
    response = expired_token_client.get(f"{API}/me/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Token expired."}


@pytest.mark.parametrize(
    ("header", "detail"),
    [
        ("Bearer kkh_not-a-real-token", "Invalid token."),
        ("Bearer", "Invalid Authorization header: use 'Bearer <token>'."),
        ("Bearer two parts", "Invalid Authorization header: use 'Bearer <token>'."),
    ],
)
def test_unknown_or_malformed_tokens_are_refused(client, db, header, detail):
    response = client.get(f"{API}/me/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == {"detail": detail}


def test_a_valid_token_sent_with_drfs_token_scheme_is_a_401_naming_the_right_one(client, token_a):
    _token, raw = token_a
    response = client.get(f"{API}/me/", HTTP_AUTHORIZATION=f"Token {raw}")
    assert response.status_code == 401
    assert response.json() == {"detail": "Use 'Authorization: Bearer <token>'; the Token scheme is not read."}


@pytest.mark.parametrize("header", ["Basic YWxpY2U6c2VjcmV0", "Digest username=alice", "kkh_raw-token-no-scheme"])
def test_credentials_in_a_scheme_the_api_does_not_read_are_a_401_naming_bearer(client, db, header):
    response = client.get(f"{API}/me/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == {"detail": "Use 'Authorization: Bearer <token>'; no other scheme is read."}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_session_still_works_behind_a_proxy_that_sends_its_own_basic_header(alice_client):
    response = alice_client.get(f"{API}/me/", HTTP_AUTHORIZATION="Basic cHJveHk6cHJveHk=")
    assert response.status_code == 200
    assert response.json()["username"] == "alice"


def test_only_the_hash_of_a_token_is_stored(token_a):
    token, raw = token_a
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert raw not in [str(value) for value in row.values()]
    assert row["key_hash"] == hash_token(raw)
    assert raw.startswith(token.prefix)


def test_last_used_is_written_at_most_once_a_minute(token_a):
    token, raw = token_a
    client = bearer_client(raw)
    client.get(f"{API}/me/")
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    client.get(f"{API}/me/")
    token.refresh_from_db()
    assert token.last_used_at == first_use
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - datetime.timedelta(minutes=2))
    client.get(f"{API}/me/")
    token.refresh_from_db()
    assert token.last_used_at > first_use


def test_tokens_lists_the_callers_own_tokens(alice_client, token_a, bob):
    from portal.tokens import token_issue

    token_issue(user=bob, name="bob's script")
    response = alice_client.get(f"{API}/tokens/")
    assert response.status_code == 200
    assert_golden(response, "tokens-list")
    assert [row["name"] for row in response.json()["results"]] == ["CRM sync"]


def test_a_token_can_revoke_itself(alice_token_client, token_a):
    token, _raw = token_a
    assert alice_token_client.delete(f"{API}/tokens/{token.pk}/").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert alice_token_client.get(f"{API}/me/").status_code == 401


def test_bob_cannot_revoke_alices_token(bob_client, token_a):
    token, _raw = token_a
    assert bob_client.delete(f"{API}/tokens/{token.pk}/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_anonymous_callers_have_no_tokens(anon_client):
    assert anon_client.get(f"{API}/tokens/").status_code == 401


def test_a_consultants_token_acts_as_a_consultant(consultant, firm_a, firm_b):
    from portal.tokens import token_issue

    _token, raw = token_issue(user=consultant, name="reporting")
    client = bearer_client(raw)
    assert client.get(f"{API}/me/").json()["role"] == "consultant"
    assert client.get(f"{API}/companies/").json()["count"] == 2
