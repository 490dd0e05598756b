"""Celery tasks of the alerts: the beat's digests (with reminders) and the email sender."""

from typing import Any

from celery import shared_task
from django.db import OperationalError

from alerts.emails import emails_deliver
from alerts.services import digests_send

OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": 2,
    "max_retries": 3,
    "soft_time_limit": 3000,
    "time_limit": 3300,
    "ignore_result": True,
}


@shared_task(name="alerts.send_digests", **OPTIONS)
def send_digests_task(period: str = "daily") -> None:
    """Queue due reminders and PERIOD's digests, then hand the sending to the email task."""
    digests_send(period=period, deliver=False)
    deliver_emails_task.delay()


@shared_task(name="alerts.deliver_emails", **OPTIONS)
def deliver_emails_task() -> None:
    """Send due outbox emails (retries included); rows another sender holds are skipped, never sent twice."""
    emails_deliver()
