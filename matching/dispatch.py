"""The one way to ask for a rescore: record (or reuse) a pending run in the caller's transaction, enqueue it on commit.

This is the hook the lower apps call when their data changed (`company_rescore_later`, `companies_rescore_later`,
`opportunity_rescore_later`): companies and programmes import this module at the top of their services, the one
upward import the layer check (tests/test_layers.py) allows. Views, admin actions, the API and the `rescore` command
call `match_run_start`. It is the only module that imports matching.tasks. The partners app, above matching, asks
for a partner refit here too (`partners_refit_later`) when a partner record changed.

With the queue down, a run stays pending and `match_runs_dispatch_pending` (a beat entry) sends it when it is back.
The same beat entry starts a full rescore after a deploy that changed the engine (`engine_rescore_ensure`).
"""

from __future__ import annotations

import datetime
import logging
from functools import partial
from typing import Any

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from matching import engine, hooks, runs
from matching.models import Match, MatchRun
from matching.tasks import execute_run_task

logger = logging.getLogger(__name__)

# What publishing raises when Redis is down (kombu wraps the client's errors; eager mode and tests may not).
BROKER_ERRORS: tuple[type[BaseException], ...] = (BrokerError, ConnectionError)


class QueueUnavailable(BrokerError):
    """The broker refused a run's task: the run stays pending and the dispatcher enqueues it when the queue is back."""

    def __init__(self, run: MatchRun) -> None:
        super().__init__(f"the queue is unavailable; run {run.pk} is recorded and will start when the queue is back")
        self.run = run


def match_run_start(*, scope: str, company: Any = None, opportunity: Any = None, by: Any = None) -> MatchRun:
    """Record a pending run for all firms, one firm or one opportunity, and enqueue it once the caller commits.

    With the queue down, the enqueue raises QueueUnavailable (in autocommit, from this call); the run stays pending
    and `match_runs_dispatch_pending` enqueues it when the queue is back.
    """
    run = runs.match_run_create(scope=scope, company=company, opportunity=opportunity, by=by)
    transaction.on_commit(partial(match_run_enqueue, run=run))
    return run


def match_run_enqueue(*, run: MatchRun) -> None:
    """Publish the task that runs RUN; raises QueueUnavailable (RUN stays pending) when the broker is unreachable."""
    try:
        execute_run_task.apply_async(kwargs={"run_id": run.pk})
    except BROKER_ERRORS as exc:
        logger.warning("queue unavailable: match run %s stays pending until it is dispatched (%s)", run.pk, exc)
        raise QueueUnavailable(run) from exc


def company_rescore_later(*, company_id: int, by: Any = None) -> MatchRun:
    """Rescore one firm against every opportunity once the current transaction commits (BY: who changed it)."""
    return _later(scope=MatchRun.Scope.COMPANY, company_id=company_id, requested_by=by)


def companies_rescore_later(*, company_ids: list[int], by: Any = None) -> MatchRun | None:
    """Rescore a batch of firms (a bulk import) in ONE run once the current transaction commits."""
    ids = sorted({int(pk) for pk in company_ids})
    if not ids:
        return None
    if len(ids) == 1:
        return company_rescore_later(company_id=ids[0], by=by)
    return _later(scope=MatchRun.Scope.BATCH, company_ids=ids, requested_by=by)


def all_rescore_later(*, by: Any = None) -> MatchRun:
    """Rescore every firm against every opportunity once the current transaction commits (a lexicon changed)."""
    return _later(scope=MatchRun.Scope.ALL, requested_by=by)


def opportunity_rescore_later(*, opportunity_id: int, by: Any = None) -> MatchRun:
    """Rescore one opportunity against every firm once the current transaction commits (BY: who changed it)."""
    return _later(scope=MatchRun.Scope.OPPORTUNITY, opportunity_id=opportunity_id, requested_by=by)


class _AreasChanged:
    """The records whose areas changed in one transaction, told to the followers once, when it commits."""

    def __init__(self, opportunity_id: int) -> None:
        self.ids = {opportunity_id}

    def __call__(self) -> None:
        with transaction.atomic():
            hooks.record_areas_changed(sorted(self.ids))


def opportunity_areas_changed(*, opportunity_id: int) -> None:
    """A record's technology areas changed: the apps above that read them (the workspace's feedback marks) follow
    once the transaction commits, each told once of all the records a transaction changed (a curated load changes
    many). A follower that fails is logged; the record's change stands."""
    # Django keeps (savepoint ids, callback, robust) triples; the stubs type them as pairs.
    for entry in connection.run_on_commit:
        if isinstance(entry[1], _AreasChanged):
            entry[1].ids.add(opportunity_id)
            return
    transaction.on_commit(_AreasChanged(opportunity_id), robust=True)


def opportunity_deadline_moved(*, opportunity_id: int, old: datetime.date, new: datetime.date) -> None:
    """A record's deadline moved from OLD to NEW: the apps above that keep dates drawn from it (the workspace's due
    dates) follow at once, in the caller's transaction, so the record and what follows it change together."""
    hooks.record_deadline_moved(opportunity_id, old, new)


def partners_refit_later() -> None:
    """Refit every firm's partner fits once the current transaction commits: a partner record changed (issue 16).

    A partner changes no match, so this is not a match run: the partners app registers its refit task with
    `hooks.partner_refit_provider`. One refit per transaction, however many partners it changed (a curated load).
    """
    # Django keeps (savepoint ids, callback, robust) triples; the stubs type them as pairs.
    if any(entry[1] is _partners_refit_enqueue for entry in connection.run_on_commit):
        return
    transaction.on_commit(_partners_refit_enqueue)


def _partners_refit_enqueue() -> None:
    """Enqueue the refit; with the queue down, log it and leave it to the nightly full run (which refits partners)."""
    try:
        hooks.partner_refit()
    except BROKER_ERRORS as exc:
        logger.warning("queue unavailable: partner refit not queued; the nightly full run refits partners (%s)", exc)


def _later(**target: Any) -> MatchRun:
    run, created = runs.match_run_pending_ensure(**target)
    if created:  # a reused run already has its message (or waits for the dispatcher)
        transaction.on_commit(partial(_enqueue_or_leave_pending, run))
    return run


def _enqueue_or_leave_pending(run: MatchRun) -> None:
    """Enqueue RUN; with the queue down, leave it pending (logged) instead of failing the user's save."""
    try:
        match_run_enqueue(run=run)
    except QueueUnavailable:
        pass  # match_run_enqueue logged it; the dispatcher sends the run when the queue is back


def match_runs_dispatch_pending(*, older_than: datetime.timedelta, limit: int = 100) -> int:
    """Enqueue again the runs that never started OLDER_THAN after they were recorded; returns how many were sent.

    Their first enqueue failed (the queue was down) or its message was lost (Redis restarted without persistence).
    A run still waiting behind other work may be sent twice: harmless, as only one task wins the claim.
    """
    cutoff = timezone.now() - older_than
    waiting = MatchRun.objects.filter(status=MatchRun.Status.PENDING, started_at__isnull=True, created_at__lt=cutoff)
    sent = 0
    for run in waiting.order_by("created_at", "pk")[:limit]:
        try:
            match_run_enqueue(run=run)
        except QueueUnavailable:
            break  # still down: the next sweep tries again
        sent += 1
    return sent


ENGINE_RETRY = datetime.timedelta(hours=1)


def engine_rescore_ensure(*, now: datetime.datetime | None = None) -> MatchRun | None:
    """After a deploy that changed the scoring (engine.ENGINE_VERSION), start one full rescore, so that stored
    matches do not wait for the nightly run to be the current engine's. None when no stored match comes from a run
    of another engine, or the current engine already has a full run that succeeded, waits or runs, or one that
    failed in the last hour. (On PostgreSQL a full run leaves unchanged rows with their old run: hence the second
    test.)"""
    if not Match.objects.filter(run__isnull=False).exclude(run__engine_version=engine.ENGINE_VERSION).exists():
        return None
    current = MatchRun.objects.filter(scope=MatchRun.Scope.ALL, engine_version=engine.ENGINE_VERSION)
    recent = Q(status=MatchRun.Status.FAILED, created_at__gte=(now or timezone.now()) - ENGINE_RETRY)
    live = Q(status__in=[MatchRun.Status.SUCCEEDED, MatchRun.Status.PENDING, MatchRun.Status.RUNNING])
    if current.filter(live | recent).exists():
        return None
    logger.warning("stored matches predate engine %s: starting a full rescore", engine.ENGINE_VERSION)
    return _later(scope=MatchRun.Scope.ALL)


@shared_task(name="matching.dispatch_pending_runs", acks_late=True, ignore_result=True)
def dispatch_pending_runs_task() -> int:
    """Enqueue runs that never started (recorded while the queue was down); one dispatcher at a time (cache lock)."""
    if not cache.add("matching:dispatch_pending_runs", "1", timeout=120):
        return 0
    try:
        grace = datetime.timedelta(seconds=settings.MATCHING_DISPATCH_GRACE_SECONDS)
        sent = match_runs_dispatch_pending(older_than=grace)
        with transaction.atomic():
            engine_rescore_ensure()  # enqueued on commit, like any run
    finally:
        cache.delete("matching:dispatch_pending_runs")
    if sent:
        logger.warning("dispatched %d pending match runs", sent)
    return sent
