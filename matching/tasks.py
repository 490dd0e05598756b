"""Celery tasks of the matching app: thin wrappers that take pks and call services. Names are a contract."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from celery import chord, shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError

from matching import services
from matching.models import MatchRun

logger = logging.getLogger(__name__)

# Late acks + reject on worker lost: a chunk whose worker dies goes back to the queue; chunks are idempotent.
OPTIONS: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": (OperationalError,),
    "retry_backoff": 2,
    "retry_backoff_max": 120,
    "retry_jitter": True,
    "max_retries": 5,
    "soft_time_limit": 600,
    "time_limit": 660,
}
# Tasks the web enqueues return nothing: with a result to store, publishing also subscribes to the result backend,
# which with Redis down retries for 20 s and then gives up for the life of the process, instead of failing fast.
ENTRY_OPTIONS: dict[str, Any] = {**OPTIONS, "ignore_result": True}


@shared_task(name="matching.rescore_all", **ENTRY_OPTIONS)
def rescore_all_task(run_id: int | None = None, chunk_size: int | None = None) -> None:
    """Claim a full run (the nightly beat entry creates one) and fan out score_chunk over chunks with a chord."""
    if run_id is None:
        run_id = services.match_run_create(scope=MatchRun.Scope.ALL).pk
    if not services.match_run_claim(run_id=run_id):
        return
    chunks = services.match_run_plan(run_id=run_id, chunk_size=chunk_size)
    if not chunks:
        services.match_run_finish(run_id=run_id)
        return
    body = finish_run_task.s(run_id=run_id).on_error(fail_run_task.s(run_id=run_id))
    try:
        chord(score_chunk_task.s(run_id, ids) for ids in chunks)(body)
    except Exception as exc:  # eager mode raises here; a broker error too
        services.match_run_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}")
        raise


@shared_task(name="matching.score_chunk", **OPTIONS)
def score_chunk_task(run_id: int, company_ids: list[int]) -> list[int]:
    """Replace one chunk's matches; skipped when its run has already been closed (failed or reaped)."""
    if not MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.RUNNING).exists():
        return [0, 0]
    pairs, stored = services.match_chunk_score(run_id=run_id, company_ids=company_ids)
    return [pairs, stored]


@shared_task(name="matching.finish_run", **OPTIONS)
def finish_run_task(results: list[list[int]], run_id: int) -> None:
    """Chord callback: every chunk is in, close the run as succeeded."""
    services.match_run_finish(run_id=run_id)


@shared_task(name="matching.fail_run")
def fail_run_task(request: Any = None, exc: BaseException | None = None, traceback: Any = None, *, run_id: int) -> None:
    """Chord error callback: a chunk failed for good, close the run as failed (previous matches stay)."""
    services.match_run_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}" if exc else "a chunk failed")


@shared_task(name="matching.rescore_company", **ENTRY_OPTIONS)
def rescore_company_task(company_id: int, run_id: int | None = None) -> None:
    """Rescore one firm against every open opportunity (after its profile changed)."""
    from companies.models import Company

    company = Company.objects.filter(pk=company_id).first()
    if company is None:
        if run_id is not None:
            services.match_run_fail(run_id=run_id, error="the firm no longer exists")
        return
    if run_id is None:
        run_id = services.match_run_create(scope=MatchRun.Scope.COMPANY, company=company).pk
    services.match_run_execute(run_id=run_id)


@shared_task(name="matching.rescore_companies", **ENTRY_OPTIONS)
def rescore_companies_task(company_ids: list[int]) -> None:
    """Rescore a batch of firms (a bulk import) in one run."""
    run_id = services.match_run_create(scope=MatchRun.Scope.COMPANY).pk
    services.match_run_execute(run_id=run_id, company_ids=list(company_ids))


@shared_task(name="matching.rescore_opportunity", **ENTRY_OPTIONS)
def rescore_opportunity_task(opportunity_id: int, run_id: int | None = None) -> None:
    """Rescore one opportunity for every firm (after it was published or changed); only its rows change."""
    from programmes.models import Opportunity

    opportunity = Opportunity.objects.filter(pk=opportunity_id).first()
    if opportunity is None:
        if run_id is not None:
            services.match_run_fail(run_id=run_id, error="the opportunity no longer exists")
        return
    if run_id is None:
        run_id = services.match_run_create(scope=MatchRun.Scope.OPPORTUNITY, opportunity=opportunity).pk
    services.match_run_execute(run_id=run_id)


@shared_task(name="matching.reap_stale_runs", acks_late=True, ignore_result=True)
def reap_stale_runs_task() -> int:
    """Mark runs whose worker died as failed; one reaper at a time (cache lock)."""
    if not cache.add("matching:reap_stale_runs", "1", timeout=300):
        return 0
    try:
        minutes = int(getattr(settings, "MATCHING_STALE_RUN_MINUTES", 30))
        # Pending runs get far longer: they wait for the queue to come back (dispatch_pending_runs).
        hours = settings.MATCHING_PENDING_RUN_HOURS
        reaped = services.match_runs_reap_stale(
            older_than=datetime.timedelta(minutes=minutes), pending_older_than=datetime.timedelta(hours=hours)
        )
    finally:
        cache.delete("matching:reap_stale_runs")
    if reaped:
        logger.warning("reaped %d stale match runs", reaped)
    return reaped


@shared_task(name="matching.dispatch_pending_runs", acks_late=True, ignore_result=True)
def dispatch_pending_runs_task() -> int:
    """Enqueue runs that never started (recorded while the queue was down); one dispatcher at a time (cache lock)."""
    if not cache.add("matching:dispatch_pending_runs", "1", timeout=120):
        return 0
    try:
        grace = datetime.timedelta(seconds=settings.MATCHING_DISPATCH_GRACE_SECONDS)
        sent = services.match_runs_dispatch_pending(older_than=grace)
    finally:
        cache.delete("matching:dispatch_pending_runs")
    if sent:
        logger.warning("dispatched %d pending match runs", sent)
    return sent
