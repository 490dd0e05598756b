"""The Celery application; configuration comes from Django settings (CELERY_* names)."""

import os
from contextvars import ContextVar
from typing import Any

import celery
from celery import Celery
from django.db import OperationalError
from django_guid.context import guid

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

_outer_request_id: ContextVar[str | None] = ContextVar("outer_request_id", default=None)


class Task(celery.Task):
    """Tasks run at once inside a request (eager Celery, the embedded default) keep the request's id.

    django-guid's Celery integration gives each task its own id before it runs and clears the id after, which is
    right in a worker; run inside a request, that left the request's answer with `X-Request-ID: None` and its later
    log lines with no id. Here an eager task logs under the request's id, and the request has its id back after.
    """

    def apply(self, *args: Any, **kwargs: Any) -> Any:
        outer = guid.get()
        token = _outer_request_id.set(outer)
        try:
            return super().apply(*args, **kwargs)
        finally:
            _outer_request_id.reset(token)
            guid.set(outer)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        outer = _outer_request_id.get()
        if self.request.is_eager and outer:
            guid.set(outer)
        return super().__call__(*args, **kwargs)


app = Celery("kakehashi", task_cls=Task)
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
