"""The Celery application; configuration comes from Django settings (CELERY_* names)."""

import os
from typing import Any

from celery import Celery
from django.db import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("kakehashi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Options of the long background tasks (source checks, digests, the email sender): acknowledged after the work, so a
# worker lost mid-task gives it to another; retried with back-off when the database is briefly away; no result kept.
LONG_TASK_OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": 2,
    "max_retries": 3,
    "soft_time_limit": 3000,
    "time_limit": 3300,
    "ignore_result": True,
}
