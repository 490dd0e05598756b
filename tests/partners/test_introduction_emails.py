"""Introduction emails: consultants hear of a request, the asker hears of each status change, each exactly once."""

import pytest
from django.core import mail

from alerts.emails import emails_deliver
from alerts.preferences import notification_settings_update
from partners.emails import introduction_requested_emails
from partners.services import introduction_move, introduction_request
from portal.models import OutboxMessage
from tests.factories import CallFactory, ConsultantFactory


@pytest.fixture
def second_consultant(db):
    return ConsultantFactory(username="consultant2")


@pytest.fixture
def requested(alice, consultant, second_consultant, partners, settings):
    settings.SITE_URL = "https://kakehashi.example"
    call = CallFactory(slug="usv-call", title="USV call", title_ja="無人水上艇の公募")
    return introduction_request(
        company=alice.memberships.get().company,
        partner=partners["shipyard"],
        opportunity=call,
        message="We build USVs and want a shipyard partner.",
        by=alice,
    )


def emails():
    return OutboxMessage.objects.filter(channel=OutboxMessage.Channel.EMAIL, kind="introduction").order_by("pk")


def test_a_request_puts_one_email_per_consultant_and_none_for_the_asker(requested, consultant, second_consultant):
    rows = list(emails())

    assert [row.user for row in rows] == [consultant, second_consultant]
    assert [row.key for row in rows] == [
        f"introduction:{requested.pk}:requested:{consultant.pk}",
        f"introduction:{requested.pk}:requested:{second_consultant.pk}",
    ]
    payload = rows[0].payload
    assert payload["subject"] == "Kakehashi: Firm A asks for an introduction to Shipyard Kk"
    assert "We build USVs and want a shipyard partner." in payload["body"]
    assert "It is for: USV call" in payload["body"]
    # Who asked, so the consultant knows whom to answer.
    assert "Asked by alice (alice@example.com) of Firm A." in payload["body"]
    # Consultants work the queue in the admin: the link goes there, not to the firm's page.
    assert (
        f"Work on it in the queue: https://kakehashi.example/admin/partners/introduction/{requested.pk}/change/"
        in (payload["body"])
    )


def test_writing_the_request_emails_again_adds_nothing(requested):
    assert introduction_requested_emails(requested) == 0
    assert emails().count() == 2


def test_a_refused_request_writes_no_email(alice, consultant, partners):
    firm = alice.memberships.get().company
    introduction_request(company=firm, partner=partners["shipyard"], message="First.", by=alice)
    with pytest.raises(Exception, match="open request"):
        introduction_request(company=firm, partner=partners["shipyard"], message="Again.", by=alice)

    assert emails().count() == 1  # the first request's one consultant; the refused one rolled back


def test_a_status_change_emails_the_asker_once_in_their_language(requested, alice, consultant):
    notification_settings_update(user=alice, data={"language": "ja"})

    introduction_move(introduction=requested, status="in_review", by=consultant)
    introduction_move(introduction=requested, status="in_review", notes="call the yard", by=consultant)  # no move
    reason = "造船所は今年は募集していません。"
    introduction_move(introduction=requested, status="declined", reason=reason, by=consultant)

    to_alice = list(emails().filter(user=alice))
    assert [row.key for row in to_alice] == [
        f"introduction:{requested.pk}:in_review:{alice.pk}",
        f"introduction:{requested.pk}:declined:{alice.pk}",
    ]
    declined = to_alice[1].payload
    assert declined["language"] == "ja"
    assert declined["subject"] == "架け橋：造船への紹介依頼は見送りとなりました"
    assert declined["body"].startswith(
        "Firm Aの造船への紹介依頼は見送りとなりました。\n理由：造船所は今年は募集していません。\n"
    )
    assert f"https://kakehashi.example/ja/my/introductions/{requested.pk}/" in declined["body"]
    assert "call the yard" not in declined["body"]  # consultants' notes are never shown to the firm


def test_an_english_reader_gets_english(requested, alice, consultant):
    introduction_move(introduction=requested, status="in_review", by=consultant)

    payload = emails().get(user=alice).payload
    assert payload["subject"] == "Kakehashi: a consultant is reviewing your request for an introduction to Shipyard Kk"
    assert payload["body"].startswith(
        "A Kakehashi consultant is reviewing the request of Firm A to be introduced to Shipyard Kk.\n"
    )
    assert f"https://kakehashi.example/my/introductions/{requested.pk}/" in payload["body"]


def test_the_alerts_sender_delivers_each_email_once(requested, alice, consultant, second_consultant):
    introduction_move(introduction=requested, status="in_review", by=consultant)

    first = emails_deliver()
    again = emails_deliver()

    assert (first, again) == ({"sent": 3, "failed": 0}, {"sent": 0, "failed": 0})
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [consultant.email, second_consultant.email, alice.email]
    )
    to_alice = next(message for message in mail.outbox if message.to == [alice.email])
    assert to_alice.subject == "Kakehashi: a consultant is reviewing your request for an introduction to Shipyard Kk"
    assert f"/my/introductions/{requested.pk}/" in to_alice.body
    assert set(emails().values_list("status", flat=True)) == {OutboxMessage.Status.SENT}


def test_the_api_request_and_patch_write_the_emails(alice_client, consultant_client, alice, consultant, partners):
    created = alice_client.post(
        "/api/v1/introductions/",
        {"company": "firm-a", "partner": "shipyard-kk", "message": "We build USVs."},
        content_type="application/json",
    )
    consultant_client.patch(
        f"/api/v1/introductions/{created.json()['id']}/", {"status": "in_review"}, content_type="application/json"
    )

    assert [row.user for row in emails()] == [consultant, alice]


def test_the_admin_queue_writes_the_askers_email_and_a_notes_edit_writes_none(
    requested, alice, consultant, consultant_client
):
    url = f"/admin/partners/introduction/{requested.pk}/change/"
    moved = consultant_client.post(
        "/admin/partners/introduction/", {"action": "start_review", "_selected_action": [requested.pk]}
    )
    edited = consultant_client.post(url, {"status": "in_review", "reason": "", "notes": "call the yard"})

    assert (moved.status_code, edited.status_code) == (302, 302)
    assert [row.key for row in emails().filter(user=alice)] == [f"introduction:{requested.pk}:in_review:{alice.pk}"]


def test_a_successful_introduction_reads_as_one_with_the_consultants_note_so_labelled(requested, alice, consultant):
    introduction_move(introduction=requested, status="in_review", by=consultant)
    note = "Ms Sato at the yard expects your call."
    introduction_move(introduction=requested, status="introduced", reason=note, notes="private", by=consultant)

    payload = emails().get(user=alice, key__contains=":introduced:").payload
    assert payload["subject"] == "Kakehashi: Firm A has been introduced to Shipyard Kk"
    assert payload["body"].startswith(
        "A Kakehashi consultant has introduced Firm A to Shipyard Kk.\n"
        "Note from the consultant: Ms Sato at the yard expects your call.\n"
    )
    assert "Reason:" not in payload["body"] and "now introduced" not in payload["body"]
    assert "private" not in payload["body"]


def test_a_japanese_reader_is_told_of_an_introduction_in_japanese(requested, alice, consultant):
    notification_settings_update(user=alice, data={"language": "ja"})
    introduction_move(introduction=requested, status="in_review", by=consultant)
    introduction_move(introduction=requested, status="introduced", reason="佐藤様からご連絡します。", by=consultant)

    review, introduced = (row.payload for row in emails().filter(user=alice))
    assert review["subject"] == "架け橋：造船への紹介依頼をコンサルタントが確認しています"
    assert review["body"].startswith("架け橋のコンサルタントが、Firm Aの造船への紹介依頼を確認しています。\n")
    assert introduced["subject"] == "架け橋：Firm Aを造船に紹介しました"
    assert introduced["body"].startswith(
        "架け橋のコンサルタントがFirm Aを造船に紹介しました。\n"
        "コンサルタントからのメッセージ：佐藤様からご連絡します。\n"
    )


def test_a_consultant_reads_the_askers_name_when_the_user_has_one(alice, consultant, partners):
    alice.first_name, alice.last_name = "Alice", "Nguyen"
    alice.save()
    introduction = introduction_request(
        company=alice.memberships.get().company, partner=partners["shipyard"], message="USVs.", by=alice
    )

    body = emails().get(user=consultant, key__contains=f":{introduction.pk}:").payload["body"]
    assert "Asked by Alice Nguyen (alice@example.com) of Firm A." in body


def test_an_asker_who_has_left_the_firm_is_not_told_of_its_request_and_its_editors_are(
    requested, alice, consultant, firm_a
):
    from companies.services import membership_remove
    from tests.factories import MembershipFactory, UserFactory

    editor = UserFactory(username="dora", email="dora@firm-a.example")
    MembershipFactory(user=editor, company=firm_a, role="editor")
    viewer = UserFactory(username="vic", email="vic@firm-a.example")
    MembershipFactory(user=viewer, company=firm_a, role="viewer")
    membership_remove(membership=alice.memberships.get())

    introduction_move(introduction=requested, status="in_review", reason="Talking to the yard.", by=consultant)

    # The request is the firm's: its outcome and the consultant's words are no longer for alice, who cannot open
    # the page the email would link to, but for the firm's editors, who can act on it.
    assert not emails().filter(user=alice).exists()
    told = emails().filter(kind="introduction", user__in=[editor, viewer])
    assert [row.user for row in told] == [editor]
    assert "Talking to the yard." in told.get().payload["body"]
