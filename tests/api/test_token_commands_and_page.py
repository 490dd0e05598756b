"""Minting tokens: `manage.py issue_token` and the account page (mint once, list, revoke)."""

import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from portal.models import ApiToken, hash_token
from portal.tokens import token_issue

pytestmark = pytest.mark.django_db

TOKENS_PAGE = "/account/tokens/"


def test_issue_token_prints_the_token_alone_on_its_last_line(alice, client):
    out, err = StringIO(), StringIO()
    call_command("issue_token", "alice", "--name", "CRM sync", stdout=out, stderr=err)
    raw = out.getvalue().splitlines()[-1]
    token = ApiToken.objects.get(key_hash=hash_token(raw))
    assert (token.user, token.name) == (alice, "CRM sync")
    assert datetime.timedelta(days=89) < token.expires_at - timezone.now() <= datetime.timedelta(days=90)
    assert "shown only once" in err.getvalue()
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}").json()["username"] == "alice"


def test_issue_token_can_set_an_expiry(alice):
    out = StringIO()
    call_command("issue_token", "alice", "--expires-days", "30", stdout=out, stderr=StringIO())
    token = ApiToken.objects.get(key_hash=hash_token(out.getvalue().splitlines()[-1]))
    assert token.expires_at - timezone.now() > datetime.timedelta(days=29)


@pytest.mark.parametrize("days", ["0", "3651", "3000000"])
def test_issue_token_refuses_an_expiry_out_of_range_and_mints_nothing(alice, days):
    with pytest.raises(CommandError, match="--expires-days must be from 1 to 3650"):
        call_command("issue_token", "alice", "--expires-days", days, stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists()


def test_a_token_cannot_be_minted_to_live_longer_than_ten_years(alice):
    with pytest.raises(ValidationError, match="at most 3650 days"):
        token_issue(user=alice, name="x", expires_at=timezone.now() + datetime.timedelta(days=3651))


@pytest.mark.parametrize("name", ["", "   "])
def test_issue_token_with_a_blank_name_names_the_option_and_mints_nothing(alice, name):
    with pytest.raises(CommandError, match="^--name: This field cannot be blank.$"):
        call_command("issue_token", "alice", "--name", name, stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists()


def test_issue_token_names_an_unknown_user(db):
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        call_command("issue_token", "nobody", stdout=StringIO(), stderr=StringIO())


def test_the_tokens_page_needs_a_signed_in_user(anon_client):
    response = anon_client.get(TOKENS_PAGE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_alice_mints_a_token_and_sees_it_once(alice_client, alice):
    response = alice_client.post(TOKENS_PAGE, {"name": "CRM sync", "expires_in_days": "90"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=alice)
    raw = response.context["new_token"]
    assert token.key_hash == hash_token(raw)
    assert raw in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    again = alice_client.get(TOKENS_PAGE).content.decode()
    assert raw not in again
    assert "CRM sync" in again
    assert token.prefix in again


def test_a_token_needs_a_name(alice_client, alice):
    response = alice_client.post(TOKENS_PAGE, {"name": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not ApiToken.objects.exists()


def test_alice_revokes_her_token_from_the_page(alice_client, token_a):
    token, _raw = token_a
    response = alice_client.post(f"/account/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "Revoked" in alice_client.get(TOKENS_PAGE).content.decode()


def test_bob_cannot_revoke_alices_token_from_the_page(bob_client, token_a):
    token, _raw = token_a
    assert bob_client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_bob_does_not_see_alices_tokens(bob_client, token_a):
    token, _raw = token_a
    page = bob_client.get(TOKENS_PAGE).content.decode()
    assert token.prefix not in page
    assert "You have no API tokens yet." in page
