"""The outbox: one row per key, claimed without overlap, marked sent only when accepted, retried with back-off."""

import datetime as dt
import threading
import time

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from portal.models import OutboxMessage
from portal.outbox import (
    Outcome,
    outbox_claim,
    outbox_deliver,
    outbox_put,
    outbox_replay,
    outbox_settle_many,
    retry_delay,
)
from tests.concurrency import at_once

pytestmark = pytest.mark.django_db


def _put(key: str, **extra) -> bool:
    return outbox_put(key=key, channel="email", kind="digest", payload={"to": ["a@example.com"]}, **extra)


def test_a_key_is_put_once_so_a_rerun_sends_nothing_new():
    assert _put("digest:1:2026-12-02") is True
    assert _put("digest:1:2026-12-02") is False
    assert OutboxMessage.objects.count() == 1


def test_a_message_is_marked_sent_only_when_the_other_side_accepted_it():
    _put("a")
    _put("b")
    answers = {"a": Outcome(ok=True, status_code=250), "b": Outcome(ok=False, error="SMTP 451 try later")}
    outbox_deliver(channel="email", send=lambda message: answers[message.key])
    a, b = OutboxMessage.objects.get(key="a"), OutboxMessage.objects.get(key="b")
    assert (a.status, a.attempts) == ("sent", 1) and a.sent_at is not None
    assert (b.status, b.attempts, b.sent_at) == ("pending", 1, None)
    assert b.last_error == "SMTP 451 try later" and b.next_attempt_at > timezone.now()
    assert [entry.ok for entry in b.log.all()] == [False]


def test_a_sender_that_raises_is_a_failed_attempt_not_a_lost_message():
    _put("a")

    def broken(message):
        raise ConnectionRefusedError("connection refused")

    outbox_deliver(channel="email", send=broken)
    message = OutboxMessage.objects.get(key="a")
    assert message.status == "pending" and "ConnectionRefusedError" in message.last_error


def test_a_message_cancelled_while_it_is_being_sent_stays_cancelled():
    _put("a")
    _put("b")

    def send(message):  # a's endpoint is switched off (or deleted) while a's answer is on its way
        if message.key == "a":
            OutboxMessage.objects.filter(key="a").update(status=OutboxMessage.Status.CANCELLED)
        return Outcome(ok=False, error="HTTP 500")

    outbox_deliver(channel="email", send=send)

    a, b = OutboxMessage.objects.get(key="a"), OutboxMessage.objects.get(key="b")
    assert a.status == "cancelled" and a.log.count() == 1  # the attempt is logged; the cancellation stands
    assert b.status == "pending" and b.attempts == 1


def test_answers_settled_in_a_group_leave_a_cancelled_message_cancelled():
    _put("a")
    _put("b")
    claimed = outbox_claim(channel="email", limit=10)
    OutboxMessage.objects.filter(key="a").update(status=OutboxMessage.Status.CANCELLED)

    outbox_settle_many([(message, Outcome(ok=True, status_code=250), time.monotonic()) for message in claimed])

    a, b = OutboxMessage.objects.get(key="a"), OutboxMessage.objects.get(key="b")
    assert (a.status, a.sent_at) == ("cancelled", None) and a.log.count() == 1
    assert b.status == "sent"


def test_back_off_doubles_and_stops_at_two_hours():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3)] == [30, 60, 120]
    assert retry_delay(30) == dt.timedelta(hours=2)


def test_a_message_past_its_lifetime_fails_for_good_and_can_be_replayed():
    _put("a", lifetime=dt.timedelta(seconds=1))
    outbox_deliver(channel="email", send=lambda message: Outcome(ok=False, status_code=500))
    message = OutboxMessage.objects.get(key="a")
    assert message.status == "failed"
    assert outbox_claim(channel="email") == []
    outbox_replay(message=message)
    outbox_deliver(channel="email", send=lambda message: Outcome(ok=True))
    assert OutboxMessage.objects.get(key="a").status == "sent"


def test_a_crashed_senders_rows_are_taken_again_once_its_lease_runs_out():
    _put("a")
    _put("b")
    claimed = outbox_claim(channel="email", lease=dt.timedelta(seconds=-1))  # the sender died holding both
    assert len(claimed) == 2
    sent = outbox_deliver(channel="email", send=lambda message: Outcome(ok=True))
    assert sorted(message.key for message in sent) == ["a", "b"]


def test_a_claimed_message_is_not_claimed_again_while_its_lease_holds():
    _put("a")
    assert len(outbox_claim(channel="email")) == 1
    assert outbox_claim(channel="email") == []


def test_messages_not_yet_due_wait():
    _put("later", not_before=timezone.now() + dt.timedelta(hours=1))
    assert outbox_claim(channel="email") == []


def test_deleting_the_user_deletes_their_messages():
    user = User.objects.create_user("reader")
    _put("a", user=user)
    user.delete()
    assert not OutboxMessage.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_two_senders_at_once_deliver_each_message_exactly_once():
    if connection.vendor != "postgresql":
        pytest.fail("needs a PostgreSQL DATABASE_URL")
    for n in range(200):
        _put(f"m{n}")
    delivered: list[str] = []
    lock = threading.Lock()

    def send(message):
        with lock:
            delivered.append(message.key)
        return Outcome(ok=True)

    def sender() -> None:
        while outbox_deliver(channel="email", send=send, limit=7):
            pass

    at_once(sender)
    assert sorted(delivered) == sorted(f"m{n}" for n in range(200))
    assert OutboxMessage.objects.filter(status="sent").count() == 200


def test_a_threaded_sender_settles_every_answer_and_logs_each_attempt():
    for n in range(23):
        _put(f"t{n}")
    seen = []

    def send(message):
        seen.append(threading.current_thread().name)
        time.sleep(0.02)  # a receiver takes a while to answer
        return Outcome(ok=message.key != "t7", status_code=200 if message.key != "t7" else 503)

    settled = outbox_deliver(channel="email", send=send, limit=50, threads=4, settle_every=5)

    assert len(settled) == 23 and len(set(seen)) > 1  # more than one thread sent
    assert OutboxMessage.objects.filter(status="sent").count() == 22
    failed = OutboxMessage.objects.get(key="t7")
    assert (failed.status, failed.attempts, failed.last_error) == ("pending", 1, "status 503")
    assert [(a.ok, a.status_code) for a in failed.log.all()] == [(False, 503)]
    assert sum(message.log.count() for message in OutboxMessage.objects.all()) == 23
