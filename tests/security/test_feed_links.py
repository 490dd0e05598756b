"""Findings 2 and 9 of issue 17: private calendar links are random, hashed, revocable, and kept out of logs."""

import datetime
import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import signing
from gunicorn.config import Config
from gunicorn.glogging import Logger

from companies.models import Membership
from companies.services import membership_set
from portal.models import SecretLink, hash_token
from portal.secret_links import secret_link_issue
from portal.services import user_deactivate
from tests.factories import UserFactory
from tests.programmes.test_admin import _form_data

pytestmark = pytest.mark.django_db

CALENDAR = SecretLink.Purpose.CALENDAR


def new_link(client, slug: str = "firm-a") -> str:
    """Ask for a private link on the calendar page, as alice does, and return the URL it shows once."""
    response = client.post("/calendar/", {"company": slug})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode()
    start = text.index("http://testserver/calendar/private.ics?token=")
    return text[start : text.index('"', start)].replace("http://testserver", "")


def test_the_old_slug_signature_link_no_longer_opens_the_feed(anon_client, alice, firm_a):
    old_token = signing.Signer(salt="kakehashi.calendar.company-feed").signature("firm-a")

    assert anon_client.get("/calendar/firm-a.ics", {"token": old_token}).status_code == 404
    assert anon_client.get("/calendar/private.ics", {"token": old_token}).status_code == 404


def test_alice_makes_a_private_link_that_her_calendar_app_can_open(alice_client, anon_client, alice, firm_a):
    url = new_link(alice_client)

    feed = anon_client.get(url)
    assert feed.status_code == 200
    assert feed["Content-Type"] == "text/calendar; charset=utf-8"
    assert "Firm A" in feed.content.decode()
    assert "private" in feed["Cache-Control"]
    raw = url.split("token=")[1]
    link = SecretLink.objects.get(user=alice)
    assert link.key_hash == hash_token(raw) != raw
    page = alice_client.get("/calendar/").content.decode()
    assert raw not in page  # shown once only
    assert "Regenerate link" in page


def test_regenerating_the_link_stops_the_old_one(alice_client, anon_client, firm_a):
    old = new_link(alice_client)
    new = new_link(alice_client)

    assert anon_client.get(old).status_code == 404
    assert anon_client.get(new).status_code == 200


def test_a_viewer_removed_from_the_firm_loses_the_feed_at_once(consultant_client, anon_client, alice, firm_a):
    _link, raw = secret_link_issue(user=alice, purpose=CALENDAR, subject_id=firm_a.pk)
    membership = Membership.objects.get(user=alice)

    response = consultant_client.post(f"/admin/companies/membership/{membership.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Membership.objects.filter(user=alice).exists()
    assert anon_client.get("/calendar/private.ics", {"token": raw}).status_code == 404
    assert SecretLink.objects.get(user=alice).revoked_at is not None


def test_a_link_never_outlives_access_even_if_a_removal_skipped_the_service(anon_client, alice, firm_a):
    _link, raw = secret_link_issue(user=alice, purpose=CALENDAR, subject_id=firm_a.pk)
    Membership.objects.filter(user=alice).delete()

    assert anon_client.get("/calendar/private.ics", {"token": raw}).status_code == 404


def test_a_deactivated_users_links_are_revoked(anon_client, alice, firm_a):
    _link, raw = secret_link_issue(user=alice, purpose=CALENDAR, subject_id=firm_a.pk)

    user_deactivate(user=alice)

    assert anon_client.get("/calendar/private.ics", {"token": raw}).status_code == 404
    assert SecretLink.objects.get(user=alice).revoked_at is not None


def test_the_feed_check_costs_one_query_for_a_live_revoked_or_made_up_secret(
    anon_client, alice, firm_a, django_assert_num_queries
):
    revoked, revoked_raw = secret_link_issue(user=alice, purpose=CALENDAR, subject_id=firm_a.pk)
    secret_link_issue(user=alice, purpose=CALENDAR, subject_id=firm_a.pk)  # replaces it

    for raw in (revoked_raw, "kkl_" + "A" * 43):
        with django_assert_num_queries(1):  # the link by its hash (with its user); nothing names a firm
            assert anon_client.get("/calendar/private.ics", {"token": raw}).status_code == 404


def test_the_access_log_never_shows_the_secret():
    conf = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    logger = Logger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/calendar/private.ics?token=kkl_secret",
        "PATH_INFO": "/calendar/private.ics",
        "QUERY_STRING": "token=kkl_secret",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
    }
    response = SimpleNamespace(status="200 OK", sent=120, headers=[])
    atoms = logger.atoms(response, [], environ, datetime.timedelta(milliseconds=5))

    line = conf["access_log_format"] % atoms

    assert "/calendar/private.ics" in line
    assert "kkl_secret" not in line


def test_django_logs_a_refused_feed_without_its_secret(anon_client, caplog):
    with caplog.at_level(logging.INFO):
        response = anon_client.get("/calendar/private.ics", {"token": "kkl_leaked-secret"})

    assert response.status_code == 404
    assert any("/calendar/private.ics" in record.getMessage() for record in caplog.records)
    assert not any("kkl_leaked-secret" in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize(
    "path", ["/calendar/private.ics", "/confirm-email/", "/unsubscribe/", "/feeds/alerts.atom"], ids=str.strip
)
def test_the_application_log_line_of_a_refused_secret_link_carries_no_secret(anon_client, caplog, path):
    """What the console handler writes (its filters and its formatter), not only the message: Django's request
    logger attaches the request, whose repr holds the query string."""
    from logging.config import dictConfig

    dictConfig(settings.LOGGING)  # the handler as the settings make it, whatever pytest did to the root logger
    root = logging.getLogger()
    console = next(handler for handler in root.handlers if handler.get_name() == "console")
    root.addHandler(caplog.handler)  # dictConfig took pytest's capture off the root logger
    with caplog.at_level(logging.INFO):
        anon_client.get(path, {"token": "kkl_leaked-secret"})
    lines = [console.format(record) for record in caplog.records if console.filter(record)]

    assert any(path in line for line in lines)
    assert not any("kkl_leaked-secret" in line for line in lines)


def test_the_japanese_calendar_page_offers_the_private_link_in_japanese(alice_client, firm_a):
    text = alice_client.get("/ja/calendar/").content.decode()

    assert "非公開リンクを作成" in text
    assert "この企業の非公開リンクはまだありません。" in text


def test_asking_for_a_private_link_without_naming_a_firm_says_what_is_missing(alice_client, firm_a):
    response = alice_client.post("/calendar/", {}, follow=True)
    assert response.status_code == 200
    assert "Choose the firm whose private calendar link you want." in response.text
    assert not SecretLink.objects.exists()
    assert alice_client.post("/calendar/", {"company": "firm-b"}).status_code == 404  # not hers: not found


def test_a_membership_moved_to_another_firm_in_the_admin_revokes_the_old_firms_feed(
    consultant_client, anon_client, alice, firm_a, firm_b
):
    _link, raw = secret_link_issue(user=alice, purpose=CALENDAR, subject_id=firm_a.pk)
    membership = Membership.objects.get(user=alice)

    response = consultant_client.post(
        f"/admin/companies/membership/{membership.pk}/change/",
        {"user": "alice", "company": firm_b.pk, "role": membership.role},
    )

    assert response.status_code == 302
    assert SecretLink.objects.get(user=alice).revoked_at is not None
    membership_set(company=firm_a, user=alice)  # back on firm A later: the link she had stays dead
    assert anon_client.get("/calendar/private.ics", {"token": raw}).status_code == 404


def test_a_staff_row_given_to_another_user_on_the_firms_page_revokes_the_old_users_feed(
    consultant_client, anon_client, alice, firm_a
):
    UserFactory(username="carol")
    _link, raw = secret_link_issue(user=alice, purpose=CALENDAR, subject_id=firm_a.pk)
    membership = Membership.objects.get(user=alice)
    url = f"/admin/companies/company/{firm_a.pk}/change/"
    data = _form_data(consultant_client.get(url))
    assert data["memberships-0-user"] == "alice"
    data["memberships-0-user"] = "carol"

    response = consultant_client.post(url, data)

    assert response.status_code == 302, response.context and response.context.get("errors")
    assert Membership.objects.get(pk=membership.pk).user.username == "carol"
    membership_set(company=firm_a, user=alice)
    assert anon_client.get("/calendar/private.ics", {"token": raw}).status_code == 404


@pytest.mark.parametrize("prefix", ["", "/ja"])
def test_the_page_showing_a_new_atom_feed_link_is_kept_by_no_cache(alice_client, prefix):
    response = alice_client.post(f"{prefix}/my/notifications/feed/")

    assert response.status_code == 200 and "/feeds/alerts.atom?token=" in response.content.decode()
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
