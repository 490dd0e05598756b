"""Celery tasks of the matching app: thin wrappers that take pks and call matching.runs. Names are a contract.

Every rescore is one `matching.execute_run` message for a run recorded beforehand (matching.dispatch records and
enqueues). The older names (`rescore_company`, `rescore_companies`, `rescore_opportunity`) stay as shims for
messages queued before the change; `rescore_all` is also the nightly beat entry. The dispatcher's beat task lives
in matching.dispatch, beside what it sends (this module must not import dispatch: dispatch imports it).
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from celery import chord, shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError

from companies.models import Company
from matching import runs
from matching.models import MatchRun
from programmes.models import Opportunity

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


@shared_task(name="matching.execute_run", **ENTRY_OPTIONS)
def execute_run_task(run_id: int, chunk_size: int | None = None) -> None:
    """Run a recorded run: a full run fans out over chunks with a chord, any other runs here."""
    scope = MatchRun.objects.filter(pk=run_id).values_list("scope", flat=True).first()
    if scope is None:
        return
    if scope == MatchRun.Scope.ALL:
        _fan_out(run_id=run_id, chunk_size=chunk_size)
    else:
        runs.match_run_execute(run_id=run_id)


def _fan_out(*, run_id: int, chunk_size: int | None) -> None:
    """Claim a full run and score its chunks in parallel; the chord's callback closes the run."""
    if not runs.match_run_claim(run_id=run_id):
        return
    chunks = runs.match_run_plan(run_id=run_id, chunk_size=chunk_size)
    if not chunks:
        runs.match_run_finish(run_id=run_id)
        return
    body = finish_run_task.s(run_id=run_id).on_error(fail_run_task.s(run_id=run_id))
    try:
        chord(score_chunk_task.s(run_id, ids) for ids in chunks)(body)
    except Exception as exc:  # eager mode raises here; a broker error too
        runs.match_run_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}")
        raise


@shared_task(name="matching.score_chunk", **OPTIONS)
def score_chunk_task(run_id: int, company_ids: list[int]) -> list[int]:
    """Replace one chunk's matches; skipped when its run has already been closed (failed or reaped)."""
    if not MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.RUNNING).exists():
        return [0, 0]
    pairs, stored = runs.match_chunk_score(run_id=run_id, company_ids=company_ids)
    return [pairs, stored]


@shared_task(name="matching.finish_run", **OPTIONS)
def finish_run_task(results: list[list[int]], run_id: int) -> None:
    """Chord callback: every chunk is in, close the run as succeeded."""
    runs.match_run_finish(run_id=run_id)


@shared_task(name="matching.fail_run")
def fail_run_task(request: Any = None, exc: BaseException | None = None, traceback: Any = None, *, run_id: int) -> None:
    """Chord error callback: a chunk failed for good, close the run as failed (previous matches stay)."""
    runs.match_run_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}" if exc else "a chunk failed")


@shared_task(name="matching.rescore_all", **ENTRY_OPTIONS)
def rescore_all_task(run_id: int | None = None, chunk_size: int | None = None) -> None:
    """The nightly beat entry (and old messages): run RUN_ID, or a waiting full run, or a new one."""
    if run_id is None:
        run_id = runs.match_run_pending_ensure(scope=MatchRun.Scope.ALL)[0].pk
    _fan_out(run_id=run_id, chunk_size=chunk_size)


@shared_task(name="matching.rescore_company", **ENTRY_OPTIONS)
def rescore_company_task(company_id: int, run_id: int | None = None) -> None:
    """Shim for messages queued before matching.execute_run: rescore one firm."""
    if run_id is None:
        if not Company.objects.filter(pk=company_id).exists():
            return
        run_id = runs.match_run_pending_ensure(scope=MatchRun.Scope.COMPANY, company_id=company_id)[0].pk
    execute_run_task(run_id)


@shared_task(name="matching.rescore_companies", **ENTRY_OPTIONS)
def rescore_companies_task(company_ids: list[int]) -> None:
    """Shim for messages queued before matching.execute_run: rescore a batch of firms in one run."""
    ids = list(Company.objects.filter(pk__in=company_ids).values_list("pk", flat=True))
    if ids:
        execute_run_task(runs.match_run_create(scope=MatchRun.Scope.BATCH, company_ids=ids).pk)


@shared_task(name="matching.rescore_opportunity", **ENTRY_OPTIONS)
def rescore_opportunity_task(opportunity_id: int, run_id: int | None = None) -> None:
    """Shim for messages queued before matching.execute_run: rescore one opportunity."""
    if run_id is None:
        if not Opportunity.objects.filter(pk=opportunity_id).exists():
            return
        run_id = runs.match_run_pending_ensure(scope=MatchRun.Scope.OPPORTUNITY, opportunity_id=opportunity_id)[0].pk
    execute_run_task(run_id)


@shared_task(name="matching.reap_stale_runs", acks_late=True, ignore_result=True)
def reap_stale_runs_task() -> int:
    """Mark runs whose worker died as failed; one reaper at a time (cache lock)."""
    if not cache.add("matching:reap_stale_runs", "1", timeout=300):
        return 0
    try:
        minutes = int(getattr(settings, "MATCHING_STALE_RUN_MINUTES", 30))
        # Pending runs get far longer: they wait for the queue to come back (dispatch_pending_runs).
        hours = settings.MATCHING_PENDING_RUN_HOURS
        reaped = runs.match_runs_reap_stale(
            older_than=datetime.timedelta(minutes=minutes), pending_older_than=datetime.timedelta(hours=hours)
        )
    finally:
        cache.delete("matching:reap_stale_runs")
    if reaped:
        logger.warning("reaped %d stale match runs", reaped)
    return reaped
