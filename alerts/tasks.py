"""Celery tasks of the alerts app, thin wrappers over its services: webhook fan-out and delivery, the beat's
digests (with reminders) and the email sender."""

from celery import shared_task
from django.core.cache import cache
from django.db import OperationalError

from alerts.emails import emails_deliver
from alerts.services import digests_send
from alerts.webhook_delivery import webhooks_deliver
from alerts.webhooks import webhooks_fan_out
from portal.celery import LONG_TASK_OPTIONS

LOCK = "alerts:deliver-webhooks"
# Beat starts one run a minute; a run stops claiming new batches after this long, so runs rarely overlap.
TIME_BUDGET_SECONDS = 50


@shared_task(
    name="alerts.deliver_webhooks",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=240,
    time_limit=300,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def deliver_webhooks() -> dict[str, int]:
    """Fan new change events out to webhook endpoints, then deliver what is due (one run at a time)."""
    if not cache.add(LOCK, "1", timeout=TIME_BUDGET_SECONDS * 6):
        return {"skipped": 1}
    try:
        queued = webhooks_fan_out()
        report = webhooks_deliver(time_budget=TIME_BUDGET_SECONDS)
    finally:
        cache.delete(LOCK)
    return {"queued": queued, "sent": report.sent, "failed": report.failed, "disabled": len(report.disabled)}


@shared_task(name="alerts.send_digests", **LONG_TASK_OPTIONS)
def send_digests_task(period: str = "daily") -> None:
    """Queue due reminders and PERIOD's digests, then hand the sending to the email task."""
    digests_send(period=period, deliver=False)
    deliver_emails_task.delay()


@shared_task(name="alerts.deliver_emails", **LONG_TASK_OPTIONS)
def deliver_emails_task() -> None:
    """Send due outbox emails (retries included); rows another sender holds are skipped, never sent twice."""
    emails_deliver()
