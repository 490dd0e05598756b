"""Celery beat's timetable, read by the settings (CELERY_BEAT_SCHEDULE): every periodic job in one place."""

from typing import Any

from celery.schedules import crontab


def beat_schedule(*, dispatch_every_seconds: int) -> dict[str, dict[str, Any]]:
    """The periodic tasks; pending match runs are dispatched every DISPATCH_EVERY_SECONDS."""
    return {
        # Daily sweep; each source is fetched only when its own interval (weekly by default) has passed.
        "check-due-sources": {
            "task": "sources.check_due_sources",
            "schedule": crontab(hour=4, minute=30),
        },
        "nightly-full-rescore": {
            "task": "matching.rescore_all",
            "schedule": crontab(hour=3, minute=0),
        },
        "reap-stale-match-runs": {
            "task": "matching.reap_stale_runs",
            "schedule": crontab(minute="*/15"),
        },
        # Alerts (issue 15): digests at 07:00 Japan time (weekly ones on Mondays), reminders with the daily run, and the
        # email sender every minute (it also retries failed attempts once their back-off has passed).
        "send-daily-digests": {
            "task": "alerts.send_digests",
            "schedule": crontab(hour=7, minute=0),
            "kwargs": {"period": "daily"},
        },
        "send-weekly-digests": {
            "task": "alerts.send_digests",
            "schedule": crontab(hour=7, minute=10, day_of_week="mon"),
            "kwargs": {"period": "weekly"},
        },
        "deliver-emails": {
            "task": "alerts.deliver_emails",
            "schedule": 60.0,
        },
        "dispatch-pending-match-runs": {
            "task": "matching.dispatch_pending_runs",
            "schedule": float(dispatch_every_seconds),
        },
        # Webhooks (issue 15): fan change events out to endpoints, then deliver what is due.
        "deliver-webhooks": {
            "task": "alerts.deliver_webhooks",
            "schedule": 60.0,
        },
    }
