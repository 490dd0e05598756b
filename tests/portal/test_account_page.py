"""The account page: who you are here, your firms and roles, and what is set, in one place."""

import pytest
from django.urls import reverse

from alerts.addresses import email_change_request
from alerts.models import NotificationSettings, WebhookEndpoint
from portal.tokens import token_issue
from tests.factories import CompanyFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_account_page_shows_the_address_the_firms_with_their_roles_and_what_is_set(alice, alice_client, firm_b):
    MembershipFactory(user=alice, company=CompanyFactory(slug="firm-c", name="Firm C"), role="viewer")
    token_issue(user=alice, name="CRM sync", expires_at=None)
    WebhookEndpoint.objects.create(owner=alice, url="https://hooks.example/k", events=["*"])

    page = alice_client.get("/account/").content.decode()

    assert "alice@example.com" in page
    assert "Firm A</a>: editor" in page and "Firm C</a>: viewer" in page
    assert "Firm B" not in page
    assert "1 active token" in page and "1 active endpoint" in page
    assert "digest: Daily; language: English (the defaults: nothing chosen yet)" in page
    for name in ("alerts:notification_settings", "alerts:webhook_list", "portal:token_list", "password_change"):
        assert f'href="{reverse(name)}' in page


def test_reading_the_account_page_writes_no_settings(alice, alice_client):
    alice_client.get("/account/")
    assert not NotificationSettings.objects.filter(user=alice).exists()


def test_a_pending_address_and_a_missing_firm_are_said(alice_client, alice, client):
    email_change_request(user=alice, email="alice@new.example")
    assert "alice@new.example" in alice_client.get("/account/").content.decode()

    loner = MembershipFactory().user
    loner.memberships.all().delete()
    client.force_login(loner)
    assert "not linked to a firm yet" in client.get("/account/").content.decode()


def test_a_consultant_is_told_what_the_role_allows(consultant_client):
    assert "you can see every firm" in consultant_client.get("/account/").content.decode()


def test_the_header_links_the_signed_in_name_to_the_account_page(alice_client):
    page = alice_client.get("/").content.decode()
    assert 'href="/account/"' in page


def test_the_account_page_in_japanese(alice_client):
    page = alice_client.get("/ja/account/").content.decode()
    assert "アカウント" in page and "編集者" in page
    assert 'href="/ja/my/notifications/' in page


def test_signing_in_is_needed(anon_client):
    response = anon_client.get("/account/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("page", ["/account/tokens/", "/companies/firm-a/edit/", "/my/notifications/"])
def test_each_help_text_has_the_id_its_input_points_to(alice_client, page):
    import re

    text = alice_client.get(page).text
    described = re.findall(r'aria-describedby="([^"]+)"', text)
    assert described
    for target in described:
        assert f'id="{target}"' in text, target
