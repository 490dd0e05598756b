"""Delivering webhooks (issue 15): signed POSTs from the outbox, retries, auto-disable, replay.

Each due outbox row of the webhook channel is POSTed through `portal.http.post` (timeouts, no redirect followed,
private addresses refused unless WEBHOOK_ALLOW_PRIVATE) on a bounded thread pool, and settled by the outbox: sent
only on a 2xx answer, otherwise retried with the outbox's back-off for its 24-hour lifetime. Every attempt is in the
delivery log. A delivery round in which all of an endpoint's deliveries failed counts one failure; WEBHOOK_DISABLE_AFTER
such rounds in a row, or a delivery that failed for its whole lifetime, disable the endpoint and email its owner.
"""

import datetime
import json
import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alerts.emails import site_url
from alerts.feed import change_events_visible_to
from alerts.models import WebhookEndpoint
from alerts.preferences import language_chosen
from alerts.webhooks import (
    disabled_reason_english,
    webhook_deliveries,
    webhook_deliveries_cancel,
    webhook_secret,
    webhook_signature,
)
from matching.dispatch import BROKER_ERRORS
from matching.messages import render
from portal import http
from portal.models import OutboxAttempt, OutboxMessage
from portal.outbox import LEASE, Outcome, outbox_deliver, outbox_key, outbox_put, outbox_replay

logger = logging.getLogger(__name__)

USER_AGENT = "KakehashiWebhooks/1.0"
BATCH = 500


@dataclass(frozen=True)
class Target:
    """Where and how to deliver an endpoint's rows, read before the send threads start (they never query)."""

    url: str
    secret: str


@dataclass
class DeliveryReport:
    """What one run of the sender did."""

    sent: int = 0
    failed: int = 0
    disabled: list[int] = field(default_factory=list)


def webhook_body_bytes(message: OutboxMessage) -> bytes:
    """The exact bytes POSTed (and signed) for MESSAGE."""
    return json.dumps(message.payload, separators=(",", ":"), ensure_ascii=False).encode()


def webhook_send(targets: dict[int, Target], message: OutboxMessage) -> Outcome:
    """POST MESSAGE to its endpoint, signed; accepted only on a 2xx answer. Runs on a send thread."""
    target = targets.get(message.target_id or 0)
    if target is None:
        return Outcome(ok=False, error="the endpoint is disabled or deleted")
    body = webhook_body_bytes(message)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Kakehashi-Signature": webhook_signature(target.secret, int(time.time()), body),
        "X-Kakehashi-Event": str(message.payload.get("type", message.kind)),
        "Idempotency-Key": message.key,
    }
    try:
        answer = http.post(
            target.url,
            body=body,
            headers=headers,
            timeout=settings.WEBHOOK_TIMEOUT_SECONDS,
            allow_private=settings.WEBHOOK_ALLOW_PRIVATE,
        )
    except http.FetchError as error:
        return Outcome(ok=False, error=f"{error.kind}: {error}")
    if answer.redirect_to:
        return Outcome(ok=False, status_code=answer.status, error=f"redirect to {answer.redirect_to} not followed")
    if 200 <= answer.status < 300:
        return Outcome(ok=True, status_code=answer.status)
    return Outcome(ok=False, status_code=answer.status, error=f"HTTP {answer.status}")


def _targets() -> dict[int, Target]:
    return {
        endpoint.pk: Target(url=endpoint.url, secret=webhook_secret(endpoint))
        for endpoint in WebhookEndpoint.objects.active().only("pk", "url", "salt")
    }


def batch_size(wanted: int, threads: int) -> int:
    """At most WANTED rows a claim, and few enough that a batch of receivers all timing out still ends within half
    the outbox lease (else another sender could take rows still in flight)."""
    worst_per_row = max(settings.WEBHOOK_TIMEOUT_SECONDS, 1)
    return max(1, min(wanted, int(threads * LEASE.total_seconds() / (2 * worst_per_row))))


def webhooks_deliver(
    *, batch: int = BATCH, threads: int | None = None, time_budget: float | None = None
) -> DeliveryReport:
    """Deliver every due webhook, BATCH rows per claim, until none is due (or TIME_BUDGET seconds have passed)."""
    report = DeliveryReport()
    deadline = time.monotonic() + time_budget if time_budget else None
    threads = threads or settings.WEBHOOK_THREADS
    batch = batch_size(batch, threads)
    while deadline is None or time.monotonic() < deadline:
        send = partial(webhook_send, _targets())
        settled = outbox_deliver(channel=OutboxMessage.Channel.WEBHOOK, send=send, limit=batch, threads=threads)
        if not settled:
            break
        report.sent += sum(message.status == OutboxMessage.Status.SENT for message in settled)
        report.failed += sum(message.status != OutboxMessage.Status.SENT for message in settled)
        report.disabled += endpoints_after_round(settled)
    return report


def endpoints_after_round(settled: list[OutboxMessage]) -> list[int]:
    """Count a round for each endpoint in SETTLED: reset on any success, else one more failure; returns disabled ids."""
    rounds: dict[int, list[OutboxMessage]] = defaultdict(list)
    for message in settled:
        rounds[message.target_id or 0].append(message)
    succeeded = [pk for pk, rows in rounds.items() if any(row.status == OutboxMessage.Status.SENT for row in rows)]
    failing = [pk for pk in rounds if pk not in succeeded]
    WebhookEndpoint.objects.filter(pk__in=succeeded, consecutive_failures__gt=0).update(consecutive_failures=0)
    WebhookEndpoint.objects.filter(pk__in=failing).update(consecutive_failures=F("consecutive_failures") + 1)
    disabled = []
    for endpoint in WebhookEndpoint.objects.active().filter(pk__in=failing):
        exhausted = any(row.status == OutboxMessage.Status.FAILED for row in rounds[endpoint.pk])
        if exhausted or endpoint.consecutive_failures >= settings.WEBHOOK_DISABLE_AFTER:
            error = rounds[endpoint.pk][-1].last_error[:200]
            if exhausted:
                why = {"code": "webhook.failed_for_a_day", "params": {"error": error}}
            else:
                why = {
                    "code": "webhook.rounds_failed",
                    "params": {"count": endpoint.consecutive_failures, "error": error},
                }
            if webhook_endpoint_disable(endpoint=endpoint, detail=why):
                disabled.append(endpoint.pk)
    return disabled


@transaction.atomic
def webhook_endpoint_disable(*, endpoint: WebhookEndpoint, detail: dict[str, Any]) -> bool:
    """Disable ENDPOINT (once), cancel its deliveries not yet sent and email its owner; False if it was disabled.

    DETAIL says why, as an explanation item: pages and the email render it in the reader's language.
    """
    now = timezone.now()
    changed = WebhookEndpoint.objects.filter(pk=endpoint.pk, active=True).update(
        active=False, disabled_at=now, disabled_detail=detail, disabled_reason=disabled_reason_english(detail)
    )
    if not changed:
        return False
    webhook_deliveries_cancel(endpoint.pk)
    owner = endpoint.owner
    if owner.email:
        outbox_put(
            key=outbox_key("webhook-disabled", endpoint.pk, now.isoformat()),
            channel=OutboxMessage.Channel.EMAIL,
            kind="webhook_disabled",
            user=owner,
            payload=disabled_email(
                endpoint_id=endpoint.pk,
                url=endpoint.url,
                detail=detail,
                to=owner.email,
                language=language_chosen(owner),
            ),
        )
    return True


def disabled_email(
    *, endpoint_id: int, url: str, detail: dict[str, Any], to: str, language: str | None = None
) -> dict[str, Any]:
    """The owner's email about a disabled endpoint, in LANGUAGE (their notification settings'), or in English then
    Japanese for a user who never chose one."""
    parts, subjects = [], []
    for code in [language] if language else ["en", "ja"]:
        with translation.override(code):
            subjects.append(_("Kakehashi: your webhook was disabled"))
            parts.append(
                _(
                    "Kakehashi stopped delivering to your webhook endpoint %(url)s after repeated failed deliveries "
                    "(%(reason)s). Deliveries not yet sent were cancelled. See its deliveries and switch it on again "
                    "on %(page)s, or through the API: GET /api/v1/webhooks/%(id)s/deliveries/, then PATCH "
                    '/api/v1/webhooks/%(id)s/ with {"active": true}. It then receives new events.'
                )
                % {
                    "url": url,
                    "reason": render(detail),
                    "page": site_url(reverse("alerts:webhook_list")),
                    "id": endpoint_id,
                }
            )
    return {"to": [to], "subject": " / ".join(subjects), "body": "\n\n".join(parts)}


@dataclass(frozen=True)
class WebhookReplay:
    """A replay queued: the delivery as it stood once the sender was asked, and when the replay made it due."""

    delivery: OutboxMessage
    queued_at: datetime.datetime

    @property
    def status(self) -> str:
        """The replay's state: the row's own, since the replay set it back to pending."""
        return self.delivery.status

    @property
    def sent_at(self) -> datetime.datetime | None:
        """When the receiver accepted the replay; None until then (the row's `sent_at` may be an earlier send's)."""
        return self.delivery.sent_at if self.delivery.status == OutboxMessage.Status.SENT else None

    @property
    def attempt_log(self) -> list[OutboxAttempt]:
        """The attempts made since the replay was queued, newest first."""
        return [attempt for attempt in self.delivery.log.all() if attempt.started_at >= self.queued_at]


def webhook_delivery_replay(*, endpoint: WebhookEndpoint, message: OutboxMessage) -> WebhookReplay:
    """Send MESSAGE (a delivery of ENDPOINT's) again, now; refused while the endpoint is disabled, and for a firm's
    event once the owner no longer belongs to the firm.

    The row is due at once, and the sender is asked once the transaction commits rather than at the beat's next
    minute (with eager Celery, as in `make run`, it runs then and there). Its lock keeps it from sending anything twice
    beside the beat's own run; with the queue down the row waits for that run instead of failing the replay. The row
    is read again afterwards, so the answer says what happened: sent already, or still waiting.
    """
    if not endpoint.active:
        raise ValidationError({"detail": _("This endpoint is disabled; deliveries to it cannot be replayed.")})
    if not change_events_visible_to(endpoint.owner_id).filter(pk=message.payload.get("id")).exists():
        # The fan-out's rule, asked again: an owner who left a firm is sent none of its matches, old ones included.
        raise ValidationError(
            {"detail": _("This delivery is about a firm you no longer belong to; it cannot be sent again.")}
        )
    replayed = outbox_replay(message=message)  # due from now: its next_attempt_at is the moment it was queued
    transaction.on_commit(_sender_ask)  # outside a transaction, at once
    delivery = webhook_deliveries(endpoint).get(pk=replayed.pk)
    return WebhookReplay(delivery=delivery, queued_at=replayed.next_attempt_at)


def _sender_ask() -> None:
    # By its name: alerts.tasks imports this module, so this one does not import it back.
    try:
        current_app.tasks["alerts.deliver_webhooks"].delay()
    except BROKER_ERRORS:
        logger.warning("webhook replay: the queue is down; the beat's next sender run sends it", exc_info=True)
