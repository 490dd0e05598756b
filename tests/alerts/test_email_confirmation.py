"""A user's own address changes only when the link sent to the new address is followed."""

import datetime as dt
import re

import pytest

from alerts.emails import emails_deliver
from portal.models import EmailChange, OutboxMessage
from tests.factories import ConsultantFactory, UserFactory

pytestmark = pytest.mark.django_db
SETTINGS = "/my/notifications/"
SET_EMAIL = "/my/notifications/email/"


def ask(client, email, capture, *, prefix=""):
    """Ask for EMAIL on the notifications page and let the sender run, as it does once the request commits."""
    with capture(execute=True):
        return client.post(f"{prefix}{SET_EMAIL}", {"email": email})


def link_path(message) -> str:
    url = re.search(r"https?://\S+/confirm-email/\?token=[\w-]+", message.body)[0]
    return "/" + url.split("/", 3)[3]


def test_a_new_address_is_used_only_once_the_link_sent_there_is_followed(
    alice, alice_client, anon_client, mailoutbox, django_capture_on_commit_callbacks
):
    response = ask(alice_client, "alice@new.example", django_capture_on_commit_callbacks)

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"  # digests still go to the old address
    page = alice_client.get(SETTINGS).text
    assert "We sent a link to alice@new.example. Emails keep going to alice@example.com until you follow it." in page
    assert "Waiting for you to follow the link we sent to alice@new.example." in page
    [message] = mailoutbox
    assert message.to == ["alice@new.example"]
    assert message.subject == "Confirm your email address for Kakehashi"
    assert "the account alice to alice@new.example" in message.body

    path = link_path(message)
    confirm_page = anon_client.get(path)  # no sign-in needed: the link is the proof
    assert confirm_page.status_code == 200
    assert "Send the digests and reminders of the account alice to alice@new.example?" in confirm_page.text
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"  # opening the link (a mail scanner does) changes nothing

    done = anon_client.post(path)

    assert done.status_code == 200 and "now sends your digests and reminders to alice@new.example" in done.text
    alice.refresh_from_db()
    assert alice.email == "alice@new.example"
    assert anon_client.get(path).status_code == 404  # used once
    assert "Waiting for you" not in alice_client.get(SETTINGS).text


def test_a_second_request_voids_the_first_link(
    alice, alice_client, anon_client, mailoutbox, django_capture_on_commit_callbacks
):
    ask(alice_client, "first@new.example", django_capture_on_commit_callbacks)
    ask(alice_client, "second@new.example", django_capture_on_commit_callbacks)
    first, second = mailoutbox

    assert anon_client.post(link_path(first)).status_code == 404
    assert anon_client.post(link_path(second)).status_code == 200
    alice.refresh_from_db()
    assert alice.email == "second@new.example"


def test_an_unsent_request_replaced_by_another_is_never_sent(alice, alice_client, mailoutbox):
    alice_client.post(SET_EMAIL, {"email": "first@new.example"})  # the sender has not run yet
    alice_client.post(SET_EMAIL, {"email": "second@new.example"})

    emails_deliver()

    assert [message.to for message in mailoutbox] == [["second@new.example"]]


def test_a_link_older_than_three_days_does_not_work(
    alice, alice_client, anon_client, mailoutbox, django_capture_on_commit_callbacks
):
    ask(alice_client, "alice@new.example", django_capture_on_commit_callbacks)
    EmailChange.objects.filter(user=alice).update(
        requested_at=EmailChange.objects.get().requested_at - dt.timedelta(days=3)
    )

    assert anon_client.post(link_path(mailoutbox[0])).status_code == 404
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"


def test_an_address_taken_by_another_account_before_the_click_is_refused_with_a_reason(
    alice, alice_client, anon_client, mailoutbox, django_capture_on_commit_callbacks
):
    ask(alice_client, "shared@new.example", django_capture_on_commit_callbacks)
    UserFactory(username="carol", email="shared@new.example")

    response = anon_client.post(link_path(mailoutbox[0]))

    assert response.status_code == 409
    assert "Another account already uses this email address." in response.text
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"


def test_an_account_with_no_address_gets_its_link_and_then_its_digests(
    alice, alice_client, anon_client, mailoutbox, django_capture_on_commit_callbacks
):
    alice.email = ""
    alice.save()

    ask(alice_client, "alice@new.example", django_capture_on_commit_callbacks)

    assert "Digests and reminders start once you follow it." in alice_client.get(SETTINGS).text
    [message] = mailoutbox  # the sender does not drop it for want of a current address
    anon_client.post(link_path(message))
    alice.refresh_from_db()
    assert alice.email == "alice@new.example"


def test_saving_the_current_address_again_drops_the_pending_request(
    alice, alice_client, anon_client, mailoutbox, django_capture_on_commit_callbacks
):
    ask(alice_client, "alice@new.example", django_capture_on_commit_callbacks)
    ask(alice_client, "alice@example.com", django_capture_on_commit_callbacks)

    assert len(mailoutbox) == 1
    assert anon_client.get(link_path(mailoutbox[0])).status_code == 404
    assert "Waiting for you" not in alice_client.get(SETTINGS).text


def test_a_japanese_reader_gets_the_email_and_the_page_in_japanese(
    alice, alice_client, anon_client, mailoutbox, django_capture_on_commit_callbacks
):
    alice_client.get(f"/ja{SETTINGS}")  # settings first made on a Japanese page are in Japanese

    ask(alice_client, "alice@new.example", django_capture_on_commit_callbacks, prefix="/ja")

    [message] = mailoutbox
    assert message.subject == "架け橋のメールアドレスの確認"
    path = link_path(message)
    assert path.startswith("/ja/confirm-email/")
    assert "メールアドレスの確認" in anon_client.get(path).text


@pytest.mark.parametrize("spelling", ["carol@elsewhere.example", "Carol@elsewhere.example", "CAROL@ELSEWHERE.EXAMPLE"])
def test_another_accounts_address_is_answered_as_any_other_and_its_owner_told_with_no_link(
    spelling, alice, alice_client, anon_client, mailoutbox, django_capture_on_commit_callbacks
):
    carol = UserFactory(username="carol", email="carol@elsewhere.example")

    taken = ask(alice_client, spelling, django_capture_on_commit_callbacks)
    taken_page = alice_client.get(SETTINGS).text

    # The page cannot tell an address with an account from one without, in any letter case: the same redirect and
    # the same words.
    assert taken.status_code == 302
    sent = f"We sent a link to {spelling}. Emails keep going to alice@example.com until you follow it."
    assert sent in taken_page
    assert "Another account already uses" not in taken_page
    [notice] = mailoutbox
    assert notice.to == [spelling]
    assert notice.subject == "Someone asked to use this address on Kakehashi"
    assert "nothing was changed" in notice.body and "confirm-email" not in notice.body and "alice" not in notice.body
    alice.refresh_from_db()
    carol.refresh_from_db()
    assert (alice.email, carol.email) == ("alice@example.com", "carol@elsewhere.example")


def test_a_fourth_link_within_the_hour_is_refused_so_nobody_floods_an_inbox(alice, alice_client, mailoutbox):
    for n in range(3):
        assert alice_client.post(SET_EMAIL, {"email": f"target{n}@victim.example"}).status_code == 302

    response = alice_client.post(SET_EMAIL, {"email": "target@victim.example"})

    assert response.status_code == 200
    assert "You asked for 3 links within the hour: try again later." in response.text
    assert OutboxMessage.objects.filter(kind="email_confirm").count() == 3
    assert EmailChange.objects.get(user=alice).email == "target2@victim.example"


def test_a_request_replaced_after_its_page_was_read_cannot_be_confirmed(alice):
    from alerts.addresses import email_change_confirm, email_change_request

    first = email_change_request(user=alice, email="first@new.example")  # the confirm page read this one...
    email_change_request(user=alice, email="second@new.example")  # ...then the user asked again

    with pytest.raises(EmailChange.DoesNotExist):
        email_change_confirm(change=first)
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"


def test_a_copy_in_a_senders_hands_when_the_request_is_replaced_is_never_sent(alice, alice_client, mailoutbox):
    from portal.outbox import Outcome, outbox_claim, outbox_settle

    alice_client.post(SET_EMAIL, {"email": "typo@new.exmaple"})
    [in_flight] = outbox_claim(channel="email", limit=10)  # a sender took it; the SMTP server then times out
    alice_client.post(SET_EMAIL, {"email": "alice@new.example"})
    outbox_settle(in_flight, Outcome(ok=False, error="timeout"), started=0.0)

    emails_deliver()

    assert OutboxMessage.objects.get(pk=in_flight.pk).status == "cancelled"
    assert [message.to for message in mailoutbox] == [["alice@new.example"]]


def test_a_resent_confirmation_carries_the_same_working_link(alice, alice_client, anon_client, mailoutbox):
    alice_client.post(SET_EMAIL, {"email": "alice@new.example"})
    emails_deliver()
    OutboxMessage.objects.filter(kind="email_confirm").update(status="pending")  # the server took it; we never heard
    emails_deliver()

    first, second = mailoutbox
    assert link_path(first) == link_path(second)
    assert "open this link before" in first.body and "(Japan time)" in first.body
    assert anon_client.post(link_path(first)).status_code == 200


def test_a_password_change_drops_a_pending_address_change(
    alice, alice_client, anon_client, mailoutbox, django_capture_on_commit_callbacks
):
    from portal.services import user_password_changed

    ask(alice_client, "thief@elsewhere.example", django_capture_on_commit_callbacks)
    user_password_changed(user=alice)

    assert anon_client.post(link_path(mailoutbox[0])).status_code == 404
    assert not EmailChange.objects.exists()
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"


def test_the_old_address_is_told_once_the_new_one_is_confirmed(
    alice, alice_client, anon_client, mailoutbox, django_capture_on_commit_callbacks
):
    ask(alice_client, "alice@new.example", django_capture_on_commit_callbacks)
    anon_client.post(link_path(mailoutbox[0]))

    emails_deliver()

    notice = mailoutbox[-1]
    assert notice.to == ["alice@example.com"]
    assert notice.subject == "Your Kakehashi email address was changed"
    assert "now receives Kakehashi's digests and reminders at alice@new.example" in notice.body
    assert "tell your firm's Kakehashi consultant" in notice.body


def test_the_old_address_is_told_at_once_without_waiting_for_the_sender(
    alice, alice_client, anon_client, mailoutbox, django_capture_on_commit_callbacks
):
    ask(alice_client, "alice@new.example", django_capture_on_commit_callbacks)

    with django_capture_on_commit_callbacks(execute=True):
        anon_client.post(link_path(mailoutbox[0]))

    assert [m.to for m in mailoutbox[1:]] == [["alice@example.com"]]
    assert not OutboxMessage.objects.filter(sent_at__isnull=True).exists()


def test_a_consultant_is_told_to_contact_the_administrators_not_a_consultant(
    anon_client, mailoutbox, django_capture_on_commit_callbacks
):
    from django.test import Client

    consultant = ConsultantFactory(username="kenji", email="kenji@kakehashi.example")
    client = Client()
    client.force_login(consultant)
    ask(client, "kenji@new.example", django_capture_on_commit_callbacks)
    anon_client.post(link_path(mailoutbox[0]))

    emails_deliver()

    notice = mailoutbox[-1]
    assert notice.to == ["kenji@kakehashi.example"]
    assert "tell Kakehashi's administrators" in notice.body and "consultant" not in notice.body


def test_an_address_a_consultant_sets_in_the_admin_voids_the_users_pending_link(
    alice, alice_client, anon_client, mailoutbox, django_capture_on_commit_callbacks
):
    from django.test import Client

    from tests.programmes.test_admin import _form_data

    ask(alice_client, "alice@new.example", django_capture_on_commit_callbacks)
    admin = Client()
    admin.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    url = f"/admin/auth/user/{alice.pk}/change/"
    dates = {"date_joined_0": "2026-01-01", "date_joined_1": "09:00:00"}  # a split field the helper leaves out
    saved = admin.post(url, _form_data(admin.get(url)) | dates | {"email": "alice@firm-a.example"})
    assert saved.status_code == 302, saved.context["adminform"].form.errors if saved.context else saved

    assert anon_client.post(link_path(mailoutbox[0])).status_code == 404
    alice.refresh_from_db()
    assert alice.email == "alice@firm-a.example"


def test_saving_the_current_address_exactly_needs_no_link_and_says_where_emails_go(
    alice, alice_client, mailoutbox, django_capture_on_commit_callbacks
):
    ask(alice_client, " alice@example.com ", django_capture_on_commit_callbacks)

    alice.refresh_from_db()
    assert alice.email == "alice@example.com" and mailoutbox == []
    assert not OutboxMessage.objects.exists()  # no link, and none of the hour's three used
    assert "Emails keep going to alice@example.com." in alice_client.get(SETTINGS).text


@pytest.mark.parametrize("spelling", ["Alice@example.com", "alice@EXAMPLE.COM"])
def test_a_change_of_letter_case_alone_waits_for_its_link_like_any_other_change(
    spelling, alice, alice_client, anon_client, mailoutbox, django_capture_on_commit_callbacks
):
    ask(alice_client, spelling, django_capture_on_commit_callbacks)

    alice.refresh_from_db()
    assert alice.email == "alice@example.com"  # nothing changes before the link is followed
    page = alice_client.get(SETTINGS).text
    assert f"We sent a link to {spelling}. Emails keep going to alice@example.com until you follow it." in page
    [message] = mailoutbox
    assert message.to == [spelling] and message.subject == "Confirm your email address for Kakehashi"

    anon_client.post(link_path(message))

    alice.refresh_from_db()
    assert alice.email == spelling


def test_another_accounts_address_in_another_case_than_the_users_own_is_answered_as_in_its_own_case(
    alice, alice_client, mailoutbox, django_capture_on_commit_callbacks
):
    # Two accounts on one mailbox in different case: Django's createsuperuser checks no address, and data from before
    # the one-account-per-address rule may hold such pairs. Asking for the other account's spelling said "Another
    # account already uses this email address." on the page, where any other taken address says a link was sent.
    from alerts.preferences import notification_settings_update

    admin = UserFactory(username="admin", email="Alice@Example.com")
    notification_settings_update(user=admin, data={"language": "ja"})

    response = ask(alice_client, "Alice@Example.com", django_capture_on_commit_callbacks)

    assert response.status_code == 302
    page = alice_client.get(SETTINGS).text
    assert "We sent a link to Alice@Example.com. Emails keep going to alice@example.com until you follow it." in page
    assert "Another account already uses" not in page
    [notice] = mailoutbox
    # In the other account's language (its owner reads it), never the asker's; with no link.
    assert notice.subject == "架け橋でこのメールアドレスの利用が申請されました" and "confirm-email" not in notice.body
    alice.refresh_from_db()
    admin.refresh_from_db()
    assert (alice.email, admin.email) == ("alice@example.com", "Alice@Example.com")


def test_the_page_says_a_new_address_needs_its_link_before_it_is_saved(alice_client):
    assert "A new address takes effect once you follow the link we send to it." in alice_client.get(SETTINGS).text
    assert "新しいアドレスは、そこに送るリンクを開いた時点で有効になります。" in alice_client.get(f"/ja{SETTINGS}").text


def test_a_used_or_unknown_link_says_what_may_have_happened_in_the_readers_language(anon_client, settings):
    settings.DEBUG = False

    english = anon_client.get("/confirm-email/", {"token": "kkl_made-up"})
    japanese = anon_client.get("/ja/confirm-email/", {"token": "kkl_made-up"})

    assert english.status_code == japanese.status_code == 404
    assert "A link from an email may have been used already, replaced by a newer one, or expired" in english.text
    assert "ページが見つかりません" in japanese.text


def test_a_used_link_says_what_may_have_happened_under_make_run_too(
    alice_client, anon_client, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.DEBUG = True  # `make run` serves with debug on, where a raised 404 is Django's list of URL patterns
    ask(alice_client, "alice@new.example", django_capture_on_commit_callbacks)
    path = link_path(mailoutbox[0])
    anon_client.post(path)

    used = anon_client.get(path)
    japanese = anon_client.get("/ja" + path)
    refused = anon_client.post(path)

    assert used.status_code == japanese.status_code == refused.status_code == 404
    assert "A link from an email may have been used already, replaced by a newer one, or expired" in used.text
    assert "URLconf" not in used.text
    assert "ページが見つかりません" in japanese.text
    assert "A link from an email may have been used already" in refused.text


def test_the_notice_to_a_taken_address_is_in_its_owners_language_and_counts_towards_the_hourly_limit(
    alice, alice_client, mailoutbox, django_capture_on_commit_callbacks
):
    from alerts.preferences import notification_settings_update

    carol = UserFactory(username="carol", email="carol@elsewhere.example")
    notification_settings_update(user=carol, data={"language": "ja"})

    ask(alice_client, "carol@elsewhere.example", django_capture_on_commit_callbacks)
    [notice] = mailoutbox
    assert notice.subject == "架け橋でこのメールアドレスの利用が申請されました"

    for n in range(2):
        ask(alice_client, f"target{n}@victim.example", django_capture_on_commit_callbacks)
    refused = alice_client.post(SET_EMAIL, {"email": "target9@victim.example"})
    assert "You asked for 3 links within the hour: try again later." in refused.text
