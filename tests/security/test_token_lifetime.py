"""Finding 5 of issue 17: a password change or a deactivation revokes the user's tokens; new tokens expire."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from portal.models import ApiToken
from portal.tokens import token_issue
from tests.conftest import PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase 42"


def me(raw: str):
    return Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_changing_the_password_revokes_every_token_and_says_so(alice_client, alice):
    _token, raw = token_issue(user=alice, name="CRM sync")
    token_issue(user=alice, name="Laptop")
    assert me(raw).status_code == 200

    response = alice_client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )

    assert response.status_code == 200
    assert "Your 2 API tokens were revoked" in response.content.decode()
    assert me(raw).status_code == 401
    assert me(raw).json() == {"detail": "Token revoked."}
    assert not ApiToken.objects.filter(user=alice, revoked_at__isnull=True).exists()


def test_an_administrator_setting_a_new_password_revokes_the_tokens_too(alice):
    _token, raw = token_issue(user=alice, name="CRM sync")
    admin = Client()
    admin.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))

    response = admin.post(
        f"/admin/auth/user/{alice.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302
    assert me(raw).status_code == 401


def test_deactivating_a_user_in_the_admin_revokes_their_tokens(alice):
    _token, raw = token_issue(user=alice, name="CRM sync")
    admin = Client()
    admin.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))

    response = admin.post(
        "/admin/auth/user/", {"action": "deactivate_users", "_selected_action": [alice.pk]}, follow=True
    )

    assert response.status_code == 200
    alice.refresh_from_db()
    assert alice.is_active is False
    assert ApiToken.objects.get(user=alice).revoked_at is not None
    assert me(raw).status_code == 401


def test_a_new_token_expires_after_90_days_by_default_and_the_page_says_when(alice_client, alice):
    page = alice_client.get("/account/tokens/").content.decode()
    assert 'value="90"' in page
    assert "after 90 days" in page

    response = alice_client.post("/account/tokens/", {"name": "CRM sync", "expires_in_days": ""})

    token = ApiToken.objects.get(user=alice)
    expected = timezone.now() + datetime.timedelta(days=90)
    assert abs(token.expires_at - expected) < datetime.timedelta(minutes=1)
    assert timezone.localtime(token.expires_at).strftime("%Y-%m-%d") in response.content.decode()
