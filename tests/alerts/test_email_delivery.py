"""The whole flow through the real commands and a real local SMTP server (aiosmtpd): each digest arrives once."""

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from alerts.emails import unsubscribe_url_issue
from alerts.models import NotificationSettings
from alerts.preferences import notification_settings_update
from portal.models import OutboxAttempt, OutboxMessage, SecretLink
from portal.outbox import outbox_claim, outbox_settle
from portal.secret_links import secret_links_revoke
from programmes.services import opportunity_create, opportunity_publish
from tests.factories import MembershipFactory, TechnologyAreaFactory, UserFactory

pytestmark = pytest.mark.django_db


def publish(consultant, *, slug: str, title: str, title_ja: str = "", area=None):
    record = opportunity_create(
        data={"slug": slug, "kind": "call", "title": title, "title_ja": title_ja, "summary": "A call."},
        by=consultant,
        reason="new call",
    )
    record.sources.create(url=f"https://example.org/{slug}")
    if area is not None:
        record.area_links.create(technology_area=area, weight=1.0)
    return opportunity_publish(opportunity=record, by=consultant)


def save_search(client: Client, query: str = "technology_area=usv&kind=call", name: str = "USV calls"):
    response = client.post(
        "/api/v1/saved-searches/", {"name": name, "query": query, "frequency": "daily"}, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def body(message, subtype: str) -> str:
    for part in message.walk():
        if part.get_content_type() == f"text/{subtype}":
            return part.get_payload(decode=True).decode(part.get_content_charset())
    raise AssertionError(f"no text/{subtype} part")


def unfolded(mail, name: str) -> str:
    """A header as a mail client reads it: folded lines joined (RFC 5322 section 2.2.3)."""
    return " ".join(mail[name].split())


def make_due_now() -> None:
    """Time passes: every back-off and lease has run out."""
    past = timezone.now() - dt.timedelta(seconds=1)
    OutboxMessage.objects.filter(status="pending").update(next_attempt_at=past)
    OutboxMessage.objects.filter(status="sending").update(claimed_until=past)


@pytest.fixture
def usv(db):
    return TechnologyAreaFactory(slug="usv", name="Uncrewed surface vessels")


def test_a_saved_search_brings_one_english_digest_and_rerunning_sends_nothing(
    smtp, alice, alice_client, consultant, usv
):
    save_search(alice_client)
    publish(consultant, slug="usv-call", title="USV demonstrator call", area=usv)

    call_command("send_digests", "--sync", stdout=io.StringIO())
    call_command("send_digests", "--sync", stdout=io.StringIO())

    assert len(smtp.inbox.messages) == 1
    mail = smtp.inbox.messages[0]
    assert mail["To"] == alice.email
    assert mail["Subject"] == "Kakehashi daily digest: 1 update"
    assert mail["Content-Language"] == "en"
    assert mail["Message-ID"] == f"<digest.{alice.pk}.daily.{timezone.localdate().isoformat()}@kakehashi.example>"
    text, html = body(mail, "plain"), body(mail, "html")
    assert "USV demonstrator call" in text and "New result of your saved search “USV calls”" in text
    assert "https://kakehashi.example/opportunities/usv-call/" in text
    assert '<a href="https://kakehashi.example/opportunities/usv-call/">USV demonstrator call</a>' in html
    assert "https://kakehashi.example/my/notifications/" in text
    unsubscribe = re.fullmatch(r"<(https://[^>]+)>, <mailto:[^>]+>", unfolded(mail, "List-Unsubscribe"))
    assert unsubscribe and unsubscribe[1] in text
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert OutboxMessage.objects.get(kind="digest").status == "sent"


def test_a_japanese_user_gets_the_digest_in_japanese(smtp, consultant, usv, firm_a):
    hanako = UserFactory(username="hanako")
    MembershipFactory(user=hanako, company=firm_a)
    client = Client()
    client.force_login(hanako)
    notification_settings_update(user=hanako, data={"language": "ja"})
    save_search(client)
    publish(consultant, slug="usv-call", title="USV demonstrator call", title_ja="USV実証公募", area=usv)

    call_command("send_digests", "--sync", stdout=io.StringIO())

    (mail,) = smtp.inbox.messages
    assert mail["Content-Language"] == "ja"
    assert _decoded(mail["Subject"]) == "架け橋の日次ダイジェスト：1件の更新"
    text = body(mail, "plain")
    assert '<html lang="ja">' in body(mail, "html")
    assert "USV実証公募" in text
    assert "https://kakehashi.example/ja/opportunities/usv-call/" in text
    assert "保存した検索" in text


def _decoded(header: str) -> str:
    from email.header import decode_header, make_header

    return str(make_header(decode_header(header)))


def test_smtp_down_then_back_delivers_the_digest_once(smtp, alice_client, consultant, usv):
    save_search(alice_client)
    publish(consultant, slug="usv-call", title="USV demonstrator call", area=usv)
    smtp.stop()

    call_command("send_digests", "--sync", stdout=io.StringIO())

    message = OutboxMessage.objects.get(kind="digest")
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.next_attempt_at > timezone.now()  # backing off, not lost
    assert "Connection" in message.last_error or "refused" in message.last_error.lower()

    smtp.start()
    call_command("deliver_emails", stdout=io.StringIO())
    assert smtp.inbox.messages == []  # not due yet: the back-off holds
    make_due_now()
    call_command("deliver_emails", stdout=io.StringIO())
    make_due_now()
    call_command("deliver_emails", stdout=io.StringIO())
    call_command("send_digests", "--sync", stdout=io.StringIO())

    assert len(smtp.inbox.messages) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    assert [a.ok for a in OutboxAttempt.objects.filter(message=message).order_by("id")] == [False, True]


def test_a_sender_killed_mid_batch_leaves_exactly_one_delivery_per_key(smtp, consultant, usv, firm_a):
    clients = []
    for name in ("u1", "u2", "u3"):
        user = UserFactory(username=name)
        MembershipFactory(user=user, company=firm_a)
        client = Client()
        client.force_login(user)
        save_search(client)
        clients.append(client)
    publish(consultant, slug="usv-call", title="USV demonstrator call", area=usv)
    from django.core.mail import get_connection

    from alerts.digests import digests_queue
    from alerts.emails import email_send

    assert digests_queue(period="daily").queued == 3
    # A sender claims all three, delivers the first, and dies before it touches the other two.
    claimed = outbox_claim(channel="email", limit=10)
    connection = get_connection()
    outbox_settle(claimed[0], email_send(claimed[0], connection=connection), started=0.0)
    call_command("deliver_emails", stdout=io.StringIO())
    assert len(smtp.inbox.messages) == 1  # the other two are still leased to the dead sender

    make_due_now()  # the lease runs out
    call_command("deliver_emails", stdout=io.StringIO())
    call_command("deliver_emails", stdout=io.StringIO())

    ids = sorted(mail["Message-ID"] for mail in smtp.inbox.messages)
    assert len(ids) == len(set(ids)) == 3
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_one_click_unsubscribe_works_without_signing_in(smtp, alice, alice_client, consultant, usv):
    save_search(alice_client)
    publish(consultant, slug="usv-call", title="USV demonstrator call", area=usv)
    call_command("send_digests", "--sync", stdout=io.StringIO())
    (mail,) = smtp.inbox.messages
    url = re.match(r"<(https://[^>]+)>", unfolded(mail, "List-Unsubscribe"))[1].removeprefix(
        "https://kakehashi.example"
    )
    assert url.startswith("/unsubscribe/?token=kkl_")  # the secret is in the query string, which logs leave out
    anon = Client(enforce_csrf_checks=True)

    page = anon.get(url)
    done = anon.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")

    assert page.status_code == 200 and b"Stop all digests and reminders" in page.content
    assert done.status_code == 200 and b"You are unsubscribed" in done.content
    settings = NotificationSettings.objects.get(user=alice)
    assert (settings.frequency, settings.deadlines) == ("off", False)
    assert anon.post("/unsubscribe/?token=kkl_not-a-real-secret").status_code == 404
    publish(consultant, slug="usv-call-2", title="Second USV call", area=usv)
    call_command("send_digests", "--sync", stdout=io.StringIO())
    assert len(smtp.inbox.messages) == 1


def test_without_sync_the_command_hands_the_work_to_the_workers(smtp, alice_client, consultant, usv):
    save_search(alice_client)
    publish(consultant, slug="usv-call", title="USV demonstrator call", area=usv)
    out = io.StringIO()

    call_command("send_digests", "--period", "daily", stdout=out)  # tasks run in-process in tests (eager)

    assert "queued" in out.getvalue()
    assert len(smtp.inbox.messages) == 1


def test_other_emails_in_the_outbox_go_out_with_their_own_subject_and_body(smtp, alice):
    from portal.outbox import outbox_put

    outbox_put(
        key="webhook-disabled:1", channel="email", kind="webhook_disabled", user=alice,
        payload={"subject": "Your webhook was disabled", "body": "It failed 20 times in a row."},
    )  # fmt: skip
    outbox_put(key="odd:1", channel="email", kind="odd", user=alice, payload={"something": "else"})

    call_command("deliver_emails", stdout=io.StringIO())

    (mail,) = smtp.inbox.messages
    assert mail["Subject"] == "Your webhook was disabled"
    assert mail["Message-ID"] == "<webhook-disabled.1@kakehashi.example>"
    assert body(mail, "plain").strip() == "It failed 20 times in a row."
    odd = OutboxMessage.objects.get(key="odd:1")
    assert odd.status == "pending" and "no way to write an email of kind 'odd'" in odd.last_error


def test_a_japanese_email_links_to_the_japanese_unsubscribe_page(alice, settings):
    settings.SITE_URL = "https://kakehashi.example"
    message = OutboxMessage.objects.create(
        key="digest:ja-test", channel="email", kind="digest", user=alice, payload={"language": "ja", "items": []}
    )

    url = unsubscribe_url_issue(message).removeprefix("https://kakehashi.example")
    anon = Client(enforce_csrf_checks=True)
    page = anon.get(url)
    done = anon.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")

    assert url.startswith("/ja/unsubscribe/?token=kkl_")
    assert "ダイジェストとリマインダーをすべて止めますか" in page.text
    assert done.status_code == 200
    assert NotificationSettings.objects.get(user=alice).frequency == "off"


def test_an_address_confirmation_goes_to_the_new_address_through_smtp_once_and_its_link_works(
    smtp, alice, alice_client
):
    smtp.stop()  # the mail server is down when the address is asked for
    alice_client.post("/my/notifications/email/", {"email": "alice@new.example"})
    call_command("deliver_emails", stdout=io.StringIO())
    assert OutboxMessage.objects.get(kind="email_confirm").status == "pending"  # kept for a retry

    smtp.start()
    make_due_now()
    call_command("deliver_emails", stdout=io.StringIO())
    call_command("deliver_emails", stdout=io.StringIO())

    [mail] = smtp.inbox.messages
    assert mail["To"] == "alice@new.example" and alice.email != "alice@new.example"
    assert mail["Subject"] == "Confirm your email address for Kakehashi"
    link = re.search(r"https://kakehashi\.example(/confirm-email/\?token=[\w-]+)", body(mail, "plain"))[1]
    assert Client().post(link).status_code == 200
    alice.refresh_from_db()
    assert alice.email == "alice@new.example"


@pytest.mark.parametrize(
    ("prefix", "says", "settings_path"),
    [
        ("", "This unsubscribe link is no longer valid.", "/my/notifications/"),
        ("/ja", "この配信停止リンクはもう使えません。", "/ja/my/notifications/"),
    ],
)
def test_an_old_or_wrong_unsubscribe_link_says_so_and_points_to_the_settings(alice, prefix, says, settings_path):
    message = OutboxMessage.objects.create(key="digest:old", kind="digest", user=alice, payload={"items": []})
    old = unsubscribe_url_issue(message).removeprefix("https://kakehashi.example")
    secret_links_revoke(user=alice, purpose=SecretLink.Purpose.UNSUBSCRIBE)
    anon = Client(enforce_csrf_checks=True)

    for url in (f"{prefix}{old.removeprefix('/ja')}", f"{prefix}/unsubscribe/?token=kkl_not-a-real-secret"):
        for page in (anon.get(url), anon.post(url, "List-Unsubscribe=One-Click", content_type="text/plain")):
            text = page.content.decode()
            assert page.status_code == 404
            assert says in text and f'href="{settings_path}"' in text
            assert 'class="site-header"' in text  # the site's own page, not a bare "not found"
    assert NotificationSettings.objects.filter(user=alice, frequency="off").count() == 0
