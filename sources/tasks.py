"""Celery tasks for source watching: the beat's daily sweep of due sources, and one source on demand."""

from celery import shared_task
from django.core.cache import cache

from portal.celery import LONG_TASK_OPTIONS
from sources import services

LOCK_KEY = "sources.check_due_sources.lock"


@shared_task(name="sources.check_due_sources", **LONG_TASK_OPTIONS)
def check_due_sources_task(limit: int | None = None) -> None:
    """Fetch every due source; a cache lock keeps two sweeps from running at once."""
    if not cache.add(LOCK_KEY, "1", timeout=3600):
        return
    try:
        services.sources_check(limit=limit)
    finally:
        cache.delete(LOCK_KEY)


@shared_task(name="sources.check_source", **LONG_TASK_OPTIONS)
def check_source_task(source_id: int) -> None:
    """Fetch one source now (the admin's "check now"); quiet if the source is gone."""
    from programmes.models import Source

    if Source.objects.filter(pk=source_id).exists():
        services.sources_check(source_id=source_id)
