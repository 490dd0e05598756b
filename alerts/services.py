"""The alert jobs as one service each, shared by the commands and the Celery tasks."""

from typing import Any

from django.core.cache import cache

from alerts.digests import digests_queue, settings_ensure
from alerts.emails import emails_deliver
from alerts.reminders import reminders_queue

LOCK_SECONDS = 3600


def digests_send(*, period: str, deliver: bool = True) -> dict[str, Any] | None:
    """Queue due reminders and PERIOD's digests, then (if DELIVER) send them; None if another run holds the lock."""
    lock = f"alerts.send_digests.{period}.lock"
    if not cache.add(lock, "1", timeout=LOCK_SECONDS):
        return None
    try:
        settings_ensure()  # new members get reminders from this run on, and digests from now on
        report: dict[str, Any] = {"reminders": reminders_queue()}
        run = digests_queue(period=period)
        report.update(
            period=run.period, start=run.start.isoformat(), users=run.users, queued=run.queued, empty=run.empty,
            already=run.already,
        )  # fmt: skip
    finally:
        cache.delete(lock)
    if deliver:
        report.update(emails_deliver())
    return report
