"""Webhooks reach a real local receiver signed, exactly once per event, across outages, redirects and crashes."""

import datetime as dt
import time

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from alerts.models import NotificationSettings, WebhookEndpoint
from alerts.webhook_delivery import batch_size, webhooks_deliver
from alerts.webhooks import webhook_endpoint_create, webhook_fan_out
from portal.changes import cursor_encode
from portal.models import OutboxMessage
from portal.outbox import outbox_claim
from tests.alerts.conftest import fan_out, record_event, wait_until_settled
from tests.concurrency import at_once

# Committed for real: on PostgreSQL the fan-out reads only events of transactions that have ended (portal.changes).
pytestmark = pytest.mark.django_db(transaction=True)


def endpoint_for(user, receiver, path: str = "/hook", events=("*",)) -> WebhookEndpoint:
    endpoint, secret = webhook_endpoint_create(owner=user, url=receiver.url(path), events=list(events))
    receiver.secrets[path] = secret
    return endpoint


def run_sender() -> None:
    fan_out()
    webhooks_deliver(threads=4)


def fan_out_until(count: int, seconds: float = 60) -> None:
    """Fan out until COUNT deliveries are queued: on a shared PostgreSQL server, another database's open transaction
    holds back the horizon of settled events for a while."""
    deadline = time.monotonic() + seconds
    while OutboxMessage.objects.filter(channel="webhook").count() < count and time.monotonic() < deadline:
        fan_out()
        time.sleep(0.2)


def make_retries_due() -> None:
    """Time passes: every waiting delivery's next attempt is now (instead of sleeping through the back-off)."""
    OutboxMessage.objects.filter(status="pending").update(next_attempt_at=timezone.now() - dt.timedelta(seconds=1))


def test_each_event_reaches_the_receiver_once_signed_with_the_endpoints_secret(alice, receiver):
    endpoint = endpoint_for(alice, receiver)
    events = [record_event(subject_id=n) for n in range(1, 6)]

    run_sender()
    run_sender()  # a re-run sends nothing again

    hits = receiver.accepted()
    assert sorted(hit.json["id"] for hit in hits) == [event.pk for event in events]
    assert all(hit.signed for hit in hits)
    first = next(hit for hit in hits if hit.json["id"] == events[0].pk)
    assert first.headers["Content-Type"] == "application/json"
    assert first.headers["X-Kakehashi-Event"] == "opportunity.published"
    assert first.headers["Idempotency-Key"] == f"webhook:{endpoint.pk}:{events[0].pk}"
    page = f"{settings.SITE_URL}/opportunities/record-1/"
    assert first.json == {
        "cursor": cursor_encode(events[0]),
        "id": events[0].pk,
        "type": "opportunity.published",
        "created_at": timezone.localtime(events[0].created_at).isoformat(),
        "object": {
            "type": "opportunity",
            "id": 1,
            "slug": "record-1",
            "title": "Record 1",
            "title_ja": "",
            "url": page,
        },
        "changed_fields": {},
        "data": {"slug": "record-1", "title": "Record 1", "title_ja": "", "url": page},
    }
    assert first.json["created_at"].endswith("+09:00")  # the site's time zone, as the change feed and the API give it
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_a_deliverys_attempt_starts_before_the_delivery_is_marked_sent(alice, receiver):
    endpoint_for(alice, receiver)
    record_event()
    receiver.delay = 0.3  # a receiver that takes its time to answer

    run_sender()

    delivery = OutboxMessage.objects.get(channel="webhook")
    (attempt,) = delivery.log.all()
    assert attempt.ok and delivery.sent_at is not None
    # The log reads in order: the attempt began, took its time, and then the delivery was sent.
    assert attempt.started_at <= delivery.sent_at - dt.timedelta(milliseconds=250)
    assert attempt.duration_ms >= 300


def test_a_signature_made_with_another_secret_does_not_verify(alice, receiver):
    endpoint_for(alice, receiver)
    receiver.secrets["/hook"] = "whsec_not-the-right-one"
    record_event()

    run_sender()

    assert [hit.signed for hit in receiver.hits] == [False]


def test_an_endpoint_gets_only_the_events_it_asked_for_and_only_its_owners_firms_matches(
    alice, firm_a, firm_b, receiver
):
    endpoint_for(alice, receiver, "/matches", events=["match.created"])
    endpoint_for(alice, receiver, "/all")
    record_event("opportunity.changed", subject_id=1)
    own = record_event("match.created", subject_id=2, company_id=firm_a.pk, score=81)
    other = record_event("match.created", subject_id=2, company_id=firm_b.pk, score=77)

    run_sender()

    assert [hit.json["id"] for hit in receiver.accepted("/matches")] == [own.pk]
    assert other.pk not in {hit.json["id"] for hit in receiver.accepted("/all")}
    assert len(receiver.accepted("/all")) == 2


def test_an_endpoint_receives_what_happens_after_it_was_created(alice, receiver):
    before = record_event(subject_id=1)
    wait_until_settled()
    endpoint_for(alice, receiver)
    after = record_event(subject_id=2)

    run_sender()

    assert [hit.json["id"] for hit in receiver.accepted()] == [after.pk]
    assert before.pk != after.pk


def test_a_receiver_that_answers_500_then_200_gets_the_event_once_after_the_retry(alice, receiver):
    endpoint_for(alice, receiver)
    receiver.answers["/hook"] = [500]
    event = record_event()

    run_sender()
    delivery = OutboxMessage.objects.get()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("pending", 1, "HTTP 500")
    assert delivery.next_attempt_at > timezone.now() + dt.timedelta(seconds=20)  # back-off, not at once
    run_sender()
    assert len(receiver.hits) == 1  # not due yet

    make_retries_due()
    run_sender()
    run_sender()

    assert [hit.json["id"] for hit in receiver.accepted()] == [event.pk]
    assert [hit.status for hit in receiver.hits] == [500, 200]
    assert len({hit.headers["Idempotency-Key"] for hit in receiver.hits}) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert [attempt.status_code for attempt in delivery.log.order_by("id")] == [500, 200]
    assert WebhookEndpoint.objects.get().consecutive_failures == 0


def test_a_redirect_is_a_failure_and_is_not_followed(alice, receiver):
    endpoint_for(alice, receiver)
    receiver.answers["/hook"] = [302]
    record_event()

    run_sender()

    assert [hit.path for hit in receiver.hits] == ["/hook"]  # /elsewhere never asked
    delivery = OutboxMessage.objects.get()
    assert delivery.status == "pending" and "redirect" in delivery.last_error and "not followed" in delivery.last_error


def test_a_private_address_is_refused_at_delivery_without_the_allow_setting(alice, receiver, settings):
    endpoint_for(alice, receiver)
    record_event()
    settings.WEBHOOK_ALLOW_PRIVATE = False

    run_sender()

    assert receiver.hits == []
    delivery = OutboxMessage.objects.get()
    assert delivery.status == "pending" and "refused" in delivery.last_error and "127.0.0.1" in delivery.last_error


def test_a_sender_killed_mid_batch_still_ends_with_one_delivery_per_key(alice, receiver):
    endpoint_for(alice, receiver)
    events = [record_event(subject_id=n) for n in range(1, 8)]
    fan_out()
    crashed = outbox_claim(channel="webhook", limit=4, lease=dt.timedelta(seconds=-1))  # claimed, never settled
    assert len(crashed) == 4

    run_sender()
    run_sender()

    keys = [hit.headers["Idempotency-Key"] for hit in receiver.accepted()]
    assert len(keys) == len(set(keys)) == len(events)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_an_endpoint_failing_round_after_round_is_disabled_and_its_owner_emailed(alice, receiver, settings):
    settings.WEBHOOK_DISABLE_AFTER = 3
    endpoint = endpoint_for(alice, receiver)
    receiver.answers["/hook"] = [500] * 10
    record_event(subject_id=1)
    record_event(subject_id=2)

    for _round in range(3):
        run_sender()
        make_retries_due()

    endpoint.refresh_from_db()
    assert not endpoint.active and endpoint.disabled_at is not None
    assert endpoint.disabled_reason.startswith("3 delivery rounds failed in a row; last error: HTTP 500")
    assert (
        endpoint.disabled_detail["code"] == "webhook.rounds_failed" and endpoint.disabled_detail["params"]["count"] == 3
    )
    assert set(OutboxMessage.objects.filter(channel="webhook").values_list("status", flat=True)) == {"cancelled"}
    email = OutboxMessage.objects.get(channel="email", kind="webhook_disabled")
    assert email.user == alice and email.payload["to"] == [alice.email]
    assert endpoint.url in email.payload["body"] and "webhook" in email.payload["subject"]
    assert "停止" in email.payload["body"]  # the Japanese half
    hits = len(receiver.hits)
    record_event(subject_id=3)
    run_sender()
    assert len(receiver.hits) == hits  # nothing more goes to a disabled endpoint


def test_the_disabled_email_is_in_the_language_the_owner_chose_and_says_how_to_switch_back_on(
    alice, receiver, settings
):
    settings.WEBHOOK_DISABLE_AFTER = 1
    NotificationSettings.objects.create(user=alice, language="ja")
    endpoint_for(alice, receiver)
    receiver.answers["/hook"] = [500] * 5
    record_event()

    run_sender()

    email = OutboxMessage.objects.get(channel="email", kind="webhook_disabled")
    assert "停止" in email.payload["body"] and "stopped delivering" not in email.payload["body"]
    assert "配信ラウンドが1回続けて失敗し、最後のエラーは「HTTP 500" in email.payload["body"]  # the reason too
    assert "round failed" not in email.payload["body"]
    endpoint = WebhookEndpoint.objects.get()
    assert (
        '{"active": true}' in email.payload["body"]
        and f"PATCH /api/v1/webhooks/{endpoint.pk}/" in email.payload["body"]
    )
    assert "/ja/my/webhooks/" in email.payload["body"]  # the page, in the owner's language


def test_a_delivery_that_fails_for_its_whole_lifetime_disables_the_endpoint(alice, receiver):
    endpoint = endpoint_for(alice, receiver)
    receiver.answers["/hook"] = [503]
    record_event()
    fan_out()
    OutboxMessage.objects.update(expires_at=timezone.now() + dt.timedelta(seconds=5))

    webhooks_deliver()

    endpoint.refresh_from_db()
    assert OutboxMessage.objects.get(channel="webhook").attempts == 1
    assert not endpoint.active and "24 hours" in endpoint.disabled_reason
    assert OutboxMessage.objects.filter(channel="email", user=alice).count() == 1


def test_the_command_fans_out_and_delivers_with_sync_and_through_the_task_without(alice, receiver):
    endpoint_for(alice, receiver)
    record_event(subject_id=1)

    wait_until_settled()
    call_command("deliver_webhooks", "--sync")
    record_event(subject_id=2)
    wait_until_settled()
    call_command("deliver_webhooks")  # tests run tasks in-process

    assert len(receiver.accepted()) == 2
    assert mail.outbox == []


@pytest.mark.postgres
def test_two_senders_at_once_on_postgresql_deliver_each_key_once(alice, receiver):
    endpoint_for(alice, receiver)
    for n in range(1, 61):
        record_event(subject_id=n)
    fan_out()
    errors = []

    def sender():
        try:
            webhooks_deliver(batch=7, threads=3)
        except Exception as error:  # pragma: no cover (reported below)
            errors.append(error)

    at_once(sender)

    assert errors == []
    keys = [hit.headers["Idempotency-Key"] for hit in receiver.accepted()]
    assert len(keys) == len(set(keys)) == 60
    assert OutboxMessage.objects.filter(status="sent").count() == 60


def test_a_batch_is_small_enough_to_end_within_the_lease_even_if_every_receiver_times_out(settings):
    settings.WEBHOOK_TIMEOUT_SECONDS = 10
    assert batch_size(500, threads=16) == 240  # 240 x 10 s / 16 threads = 150 s, half the 5-minute lease
    assert batch_size(100, threads=16) == 100
    settings.WEBHOOK_TIMEOUT_SECONDS = 1000
    assert batch_size(500, threads=1) == 1


def test_the_fan_out_pages_through_every_event_and_remembers_where_it_stopped(alice, receiver):
    endpoint = endpoint_for(alice, receiver)
    events = [record_event(subject_id=n) for n in range(1, 8)]

    wait_until_settled()
    assert webhook_fan_out(endpoint_id=endpoint.pk, page=3) == 7
    assert webhook_fan_out(endpoint_id=endpoint.pk, page=3) == 0

    endpoint.refresh_from_db()
    assert endpoint.position == cursor_encode(events[-1])
    assert sorted(OutboxMessage.objects.values_list("payload__id", flat=True)) == [event.pk for event in events]


def test_a_user_who_leaves_a_firm_stops_receiving_its_matches(alice, firm_a, receiver):
    endpoint_for(alice, receiver)
    before = record_event("match.created", subject_id=1, company_id=firm_a.pk)
    run_sender()
    alice.memberships.all().delete()
    record_event("match.created", subject_id=2, company_id=firm_a.pk)
    public = record_event("opportunity.published", subject_id=3)

    run_sender()

    assert [hit.json["id"] for hit in receiver.accepted()] == [before.pk, public.pk]


def test_a_member_taken_off_a_firm_is_sent_none_of_its_matches_still_waiting(alice, firm_a, receiver):
    from companies.services import membership_remove

    endpoint_for(alice, receiver)
    receiver.answers["/hook"] = [500, 500]  # the receiver is down: both deliveries wait for their retry
    record_event("match.created", subject_id=1, company_id=firm_a.pk, score=83.17)
    public = record_event("opportunity.published", subject_id=2)
    run_sender()
    membership_remove(membership=alice.memberships.get(company=firm_a))
    make_retries_due()

    run_sender()

    assert [hit.json["id"] for hit in receiver.accepted()] == [public.pk]
    waiting = OutboxMessage.objects.get(kind="match.created")
    assert (waiting.status, waiting.last_error) == ("cancelled", "the endpoint's owner no longer belongs to the firm")


def test_a_deactivated_users_endpoints_receive_nothing(alice, receiver):
    endpoint_for(alice, receiver)
    record_event(subject_id=1)
    fan_out()
    type(alice).objects.filter(pk=alice.pk).update(is_active=False)
    record_event(subject_id=2)

    run_sender()

    assert receiver.hits == []
    assert OutboxMessage.objects.count() == 1  # queued before; never sent, and nothing new queued
