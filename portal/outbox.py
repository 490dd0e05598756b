"""The one outbox (DESIGN.md, "Outbox"): every email and webhook delivery is a row with a unique key.

Writers call `outbox_put` in the transaction of the change (or the job) that causes the message; a second put with
the same key does nothing, so a re-run never sends twice. Senders call `outbox_claim`, which takes due rows with
`SELECT ... FOR UPDATE SKIP LOCKED` and gives the sender a lease, then deliver each row outside the claim and call
`outbox_sent` only after the other side accepted it, or `outbox_failed`, which schedules a retry with exponential
back-off until the row expires. A sender that dies mid-batch leaves its rows claimed until the lease runs out; then
another sender takes them. Only the rows in flight at the moment of the crash can be delivered twice (one for a
sender on one thread; at most a group of outcomes not yet committed for a threaded one), and each carries its key
(`Idempotency-Key`, `Message-ID`) so the receiver can tell.
"""

import datetime as dt
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from portal.models import ChangeEvent, OutboxAttempt, OutboxMessage

LEASE = dt.timedelta(minutes=5)
FIRST_RETRY = dt.timedelta(seconds=30)
MAX_RETRY = dt.timedelta(hours=2)
DEFAULT_LIFETIME = dt.timedelta(hours=24)
ERROR_LENGTH = 500
# Threaded senders commit their outcomes in groups: this many, or what came in within this many seconds.
SETTLE_EVERY = 50
SETTLE_SECONDS = 1.0


@dataclass(frozen=True)
class Outcome:
    """What one delivery attempt got: accepted or not, the status code if any, and the error text."""

    ok: bool
    status_code: int | None = None
    error: str = ""


def outbox_key(*parts: object) -> str:
    """The unique key of a message from its parts, e.g. `outbox_key("digest", user.pk, "2026-12-02")`."""
    return ":".join(str(part) for part in parts)[:200]


def outbox_put(
    *,
    key: str,
    channel: str,
    kind: str,
    payload: Mapping[str, Any],
    user: User | None = None,
    target_id: int | None = None,
    lifetime: dt.timedelta = DEFAULT_LIFETIME,
    not_before: dt.datetime | None = None,
) -> bool:
    """Put one message in the outbox unless its KEY is there already; True if this call added it."""
    now = timezone.now()
    row = OutboxMessage(
        key=key,
        channel=channel,
        kind=kind,
        payload=dict(payload),
        user=user,
        target_id=target_id,
        next_attempt_at=not_before or now,
        expires_at=now + lifetime,
    )
    return outbox_put_many([row]) == 1


def outbox_put_many(rows: Iterable[OutboxMessage], *, batch_size: int = 1000) -> int:
    """Put many unsaved messages, skipping keys already present; returns how many were added."""
    rows = list(rows)
    if not rows:
        return 0
    keys = [row.key for row in rows]
    before = OutboxMessage.objects.filter(key__in=keys).count()
    OutboxMessage.objects.bulk_create(rows, batch_size=batch_size, ignore_conflicts=True)
    return OutboxMessage.objects.filter(key__in=keys).count() - before


def outbox_claim(*, channel: str, limit: int = 100, lease: dt.timedelta = LEASE) -> list[OutboxMessage]:
    """Claim up to LIMIT due messages of CHANNEL for this sender, skipping rows another sender holds."""
    now = timezone.now()
    with transaction.atomic():
        due = (
            OutboxMessage.objects.due(channel=channel, now=now)
            .select_for_update(skip_locked=True)
            .order_by("next_attempt_at", "id")[:limit]
        )
        rows = list(due)
        if not rows:
            return []
        ids = [row.pk for row in rows]
        OutboxMessage.objects.filter(pk__in=ids).update(status=OutboxMessage.Status.SENDING, claimed_until=now + lease)
    for row in rows:
        row.status = OutboxMessage.Status.SENDING
        row.claimed_until = now + lease
    return rows


def retry_delay(attempts: int) -> dt.timedelta:
    """Back-off after ATTEMPTS failed attempts: 30 s, 1 min, 2 min, ... at most 2 h."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), MAX_RETRY)


SETTLED_FIELDS = ["attempts", "claimed_until", "status", "sent_at", "last_error", "next_attempt_at"]


def _apply(message: OutboxMessage, outcome: Outcome, now: dt.datetime) -> None:
    """MESSAGE's fields after OUTCOME: sent, or failed with a retry scheduled (or given up once expired)."""
    message.attempts += 1
    message.claimed_until = None
    if outcome.ok:
        message.status = OutboxMessage.Status.SENT
        message.sent_at = now
        message.last_error = ""
    else:
        message.last_error = (outcome.error or f"status {outcome.status_code}")[:ERROR_LENGTH]
        retry_at = now + retry_delay(message.attempts)
        expired = message.expires_at is not None and retry_at > message.expires_at
        message.status = OutboxMessage.Status.FAILED if expired else OutboxMessage.Status.PENDING
        message.next_attempt_at = retry_at


def _attempt_row(message: OutboxMessage, outcome: Outcome, started: float) -> OutboxAttempt:
    """The delivery-log row of one attempt, dated when the attempt began (STARTED, on the monotonic clock), not when
    it was settled: otherwise a delivery's `sent_at` would read earlier than its own attempt's start."""
    elapsed = max(time.monotonic() - started, 0.0)
    return OutboxAttempt(
        message=message,
        started_at=timezone.now() - dt.timedelta(seconds=elapsed),
        duration_ms=int(elapsed * 1000),
        ok=outcome.ok,
        status_code=outcome.status_code,
        error=outcome.error[:ERROR_LENGTH],
    )


def _cancelled_meanwhile(messages: list[OutboxMessage]) -> set[int]:
    """The pks of MESSAGES cancelled while they were being sent (their endpoint was deleted or switched off).

    Their rows are locked first, so a cancellation either commits before this reads them (and stands: the settle
    leaves the status alone, logging the attempt only) or waits until the settle has committed (and then cancels
    what is still pending).
    """
    rows = OutboxMessage.objects.select_for_update().filter(pk__in=[m.pk for m in messages])
    return {pk for pk, status in rows.values_list("pk", "status") if status == OutboxMessage.Status.CANCELLED}


@transaction.atomic
def outbox_settle(message: OutboxMessage, outcome: Outcome, *, started: float) -> OutboxMessage:
    """Record OUTCOME of one attempt at MESSAGE: sent, or failed with a retry scheduled (or given up once expired)."""
    if _cancelled_meanwhile([message]):
        message.status = OutboxMessage.Status.CANCELLED
    else:
        _apply(message, outcome, timezone.now())
        message.save(update_fields=SETTLED_FIELDS)
    _attempt_row(message, outcome, started).save()
    return message


@transaction.atomic
def outbox_settle_many(results: list[tuple[OutboxMessage, Outcome, float]]) -> list[OutboxMessage]:
    """Record many attempts' outcomes `(message, outcome, started)` in one transaction: one commit, not one each."""
    now = timezone.now()
    messages = [message for message, _outcome, _started in results]
    cancelled = _cancelled_meanwhile(messages)
    for message, outcome, _started in results:
        if message.pk in cancelled:
            message.status = OutboxMessage.Status.CANCELLED
        else:
            _apply(message, outcome, now)
    settled = [message for message in messages if message.pk not in cancelled]
    OutboxMessage.objects.bulk_update(settled, SETTLED_FIELDS, batch_size=500)
    OutboxAttempt.objects.bulk_create([_attempt_row(*result) for result in results], batch_size=500)
    return messages


def outbox_deliver(
    *,
    channel: str,
    send: Callable[[OutboxMessage], Outcome],
    limit: int = 100,
    threads: int = 1,
    settle_every: int = SETTLE_EVERY,
) -> list[OutboxMessage]:
    """Claim due messages of CHANNEL and deliver each with SEND, settling each as soon as it is answered.

    SEND must not raise for a refusal; it returns an Outcome. An exception escaping SEND is recorded as a failure.
    With THREADS > 1, SEND runs on that many threads at once (it must not touch the database) and the answers are
    settled in the calling thread in groups of SETTLE_EVERY (or what came in within SETTLE_SECONDS), one commit per
    group: a sender that dies mid-batch loses at most one group's outcomes, and those messages are sent again, with
    the same key, once their lease runs out.
    """
    messages = outbox_claim(channel=channel, limit=limit)
    if threads <= 1 or len(messages) <= 1:
        return [_settle_one(_attempt(send, message)) for message in messages]
    settled: list[OutboxMessage] = []
    group: list[tuple[OutboxMessage, Outcome, float]] = []
    flushed = time.monotonic()
    with ThreadPoolExecutor(max_workers=min(threads, len(messages))) as pool:
        for future in as_completed([pool.submit(_attempt, send, message) for message in messages]):
            group.append(future.result())
            if len(group) >= settle_every or time.monotonic() - flushed > SETTLE_SECONDS:
                settled += outbox_settle_many(group)
                group, flushed = [], time.monotonic()
    return settled + (outbox_settle_many(group) if group else [])


def _settle_one(result: tuple[OutboxMessage, Outcome, float]) -> OutboxMessage:
    return outbox_settle(result[0], result[1], started=result[2])


def _attempt(send: Callable[[OutboxMessage], Outcome], message: OutboxMessage) -> tuple[OutboxMessage, Outcome, float]:
    """One call of SEND for MESSAGE: the message, its outcome (a raised exception is a failure), when it started."""
    started = time.monotonic()
    try:
        return message, send(message), started
    except Exception as error:  # noqa: BLE001 (any failure of one delivery is that delivery's failure)
        return message, Outcome(ok=False, error=f"{type(error).__name__}: {error}"), started


@transaction.atomic
def outbox_firm_events_cancel(*, user: User, company_id: int) -> int:
    """Cancel USER's webhook deliveries not yet sent of COMPANY_ID's own events (its matches): USER left the firm,
    and a delivery carries only what its endpoint's owner may read (alerts.feed.change_events_visible_to)."""
    waiting = OutboxMessage.objects.filter(
        channel=OutboxMessage.Channel.WEBHOOK,
        user=user,
        status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.SENDING],
    )
    by_event = dict(waiting.values_list("payload__id", "pk").order_by())
    firms = ChangeEvent.objects.filter(pk__in=[pk for pk in by_event if isinstance(pk, int)], company_id=company_id)
    rows = [by_event[pk] for pk in firms.values_list("pk", flat=True)]
    why = "the endpoint's owner no longer belongs to the firm"
    return waiting.filter(pk__in=rows).update(status=OutboxMessage.Status.CANCELLED, claimed_until=None, last_error=why)


def outbox_replay(*, message: OutboxMessage) -> OutboxMessage:
    """Send MESSAGE again (an owner's replay from the delivery log): due now, with a fresh day to live."""
    now = timezone.now()
    message.status = OutboxMessage.Status.PENDING
    message.next_attempt_at = now
    message.expires_at = now + DEFAULT_LIFETIME
    message.claimed_until = None
    message.save(update_fields=["status", "next_attempt_at", "expires_at", "claimed_until"])
    return message
