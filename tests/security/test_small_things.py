"""Findings 7 and 10 of issue 17: no password reset flow, mail timeouts, private caching, request ids, deactivation."""

import logging
import re

import pytest
from django.conf import settings
from django.core.mail import get_connection

from portal.generations import generations_current
from portal.models import ApiToken
from portal.services import user_deactivate
from portal.tokens import token_issue

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/accounts/password_reset/", "/accounts/reset/done/", "/ja/accounts/password_reset/"])
def test_the_password_reset_pages_the_product_does_not_offer_are_gone(anon_client, path):
    assert anon_client.get(path).status_code == 404
    assert anon_client.post(path, {"email": "alice@example.com"}).status_code == 404


def test_sending_mail_gives_up_after_a_timeout():
    assert 0 < settings.EMAIL_TIMEOUT <= 30
    assert get_connection("django.core.mail.backends.smtp.EmailBackend").timeout == settings.EMAIL_TIMEOUT


@pytest.mark.parametrize(
    "url", ["/my/matches/", "/my/matches/export.csv", "/opportunities/export.csv", "/calendar/firm-a.ics"]
)
def test_pages_with_a_firms_scores_are_private_to_the_browser(alice_client, url):
    response = alice_client.get(url)

    assert response.status_code == 200
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("given", ["x" * 5000, "hello world", "abc\u00e9", "12345", "'; DROP TABLE users; --"])
def test_a_malformed_request_id_is_replaced_not_echoed_or_logged(anon_client, caplog, given):
    with caplog.at_level(logging.DEBUG):
        response = anon_client.get("/healthz", HTTP_X_REQUEST_ID=given)

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert not any(given in record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING)


def test_a_uuid_request_id_from_the_proxy_is_kept(anon_client):
    given = "0f8fad5bd9cb469fa16570867728950e"

    assert anon_client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given


def test_deactivating_a_user_revokes_their_tokens_and_retires_cached_answers(alice, django_capture_on_commit_callbacks):
    token_issue(user=alice, name="CRM sync")
    before = generations_current(["accounts"])

    with django_capture_on_commit_callbacks(execute=True):
        user_deactivate(user=alice)

    alice.refresh_from_db()
    assert alice.is_active is False
    assert ApiToken.objects.get(user=alice).revoked_at is not None
    assert generations_current(["accounts"]) != before


def test_the_browsable_api_is_off_in_production(alice_client):
    response = alice_client.get("/api/v1/opportunities/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_the_api_schema_and_docs_stay_public(anon_client):
    assert anon_client.get("/api/v1/schema/").status_code == 200
    assert anon_client.get("/api/v1/docs/").status_code == 200


def test_the_404_page_needs_no_static_files_or_database(settings, db):
    """An unknown address answers the site's 404 page even where static files were never collected (the page
    loads nothing), in the reader's language."""
    from django.test import Client

    settings.DEBUG = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    client = Client(raise_request_exception=True)

    english, japanese = client.get("/no-such-page"), client.get("/ja/no-such-page/")

    assert english.status_code == japanese.status_code == 404
    assert "<h1>Page not found</h1>" in english.text and '<html lang="ja">' in japanese.text


@pytest.mark.parametrize("prefix", ["", "/ja"])
def test_the_sign_in_and_lock_out_pages_send_people_to_who_can_create_and_reset_accounts(client, prefix):
    """Consultants curate records and may not create users or set passwords (their admin answers 403), so neither
    page may tell a locked-out person to ask them."""
    from tests.factories import ConsultantFactory

    ConsultantFactory(username="someone")
    sign_in = client.get(f"{prefix}/accounts/login/").text
    for _ in range(5):
        client.post(f"{prefix}/accounts/login/", {"username": "someone", "password": "wrong"})
    locked = client.post(f"{prefix}/accounts/login/", {"username": "someone", "password": "wrong"})
    assert locked.status_code == 429
    for text in (sign_in, locked.text):
        assert "consultant" not in text.lower() and "コンサルタント" not in text
    assert ("the team that runs Kakehashi" if not prefix else "架け橋の運営チーム") in locked.text


@pytest.mark.django_db(transaction=True)  # the run is enqueued on commit: with eager Celery it runs in the request
def test_a_request_that_runs_a_task_at_once_answers_with_its_own_request_id(consultant):
    """With eager Celery (the embedded default) the task ran inside the request and left `X-Request-ID: None`."""
    from django.test import Client

    client = Client()
    client.force_login(consultant)
    given = "0f8fad5bd9cb469fa16570867728950e"

    response = client.post("/api/v1/match-runs/", {"scope": "all"}, "application/json", HTTP_X_REQUEST_ID=given)
    plain = client.post("/api/v1/match-runs/", {"scope": "all"}, "application/json")

    assert response.status_code == 202
    assert response["X-Request-ID"] == given
    assert re.fullmatch(r"[0-9a-f]{32}", plain["X-Request-ID"])
