"""The life of a scoring run: record, claim, plan, score chunk by chunk, count progress, finish, fail, reap.

Tasks and the `rescore --sync` command call these. Asking for a run from elsewhere goes through matching.dispatch,
which records the run here and enqueues it; storing the scored rows is matching.store's work. After each chunk is
stored, the apps that follow the runs (partner fit) are called through matching.hooks.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_countries import countries

from matching import engine, hooks, inputs, scoring, store
from matching.models import Match, MatchRun
from matching.record import StoredMatch
from portal.generations import generations_bump

logger = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
_contexts: dict[tuple[object, ...], scoring.Context] = {}


def match_run_create(
    *,
    scope: str,
    company: Any = None,
    opportunity: Any = None,
    company_ids: list[int] | None = None,
    by: Any = None,
) -> MatchRun:
    """Record a pending run (matching.dispatch enqueues it; the `rescore --sync` command runs it in-process)."""
    scope = MatchRun.Scope(scope)
    if scope == MatchRun.Scope.COMPANY and company is None:
        raise ValueError("a company run needs company=")
    if scope == MatchRun.Scope.OPPORTUNITY and opportunity is None:
        raise ValueError("an opportunity run needs opportunity=")
    if scope == MatchRun.Scope.BATCH and not company_ids:
        raise ValueError("a batch run needs company_ids=")
    return MatchRun.objects.create(
        scope=scope,
        company=company if scope == MatchRun.Scope.COMPANY else None,
        opportunity=opportunity if scope == MatchRun.Scope.OPPORTUNITY else None,
        company_ids=sorted(company_ids or []) if scope == MatchRun.Scope.BATCH else [],
        requested_by=by if getattr(by, "is_authenticated", False) else None,
        engine_version=engine.ENGINE_VERSION,
    )


def match_run_pending_ensure(
    *,
    scope: str,
    company_id: int | None = None,
    opportunity_id: int | None = None,
    company_ids: list[int] | None = None,
    requested_by: Any = None,
) -> tuple[MatchRun, bool]:
    """A run that will cover this target, and whether it is new: a waiting one for it (or a waiting full run; for a
    batch, the waiting batch, which takes COMPANY_IDS too), else a new pending one. The reused run is locked until
    the caller commits, so no worker claims it before then."""
    waiting = MatchRun.objects.filter(status=MatchRun.Status.PENDING, started_at__isnull=True)
    if connection.in_atomic_block:
        waiting = waiting.select_for_update()
    covers = Q(scope=MatchRun.Scope.ALL)
    if scope in (MatchRun.Scope.COMPANY, MatchRun.Scope.OPPORTUNITY):
        covers |= Q(scope=scope, company_id=company_id, opportunity_id=opportunity_id)
    run = waiting.filter(covers).order_by("created_at", "pk").first()
    if run is not None:
        return run, False
    if scope == MatchRun.Scope.BATCH:
        # One waiting batch takes every firm asked for (hook failures in several opportunity runs), not one each.
        batch = waiting.filter(scope=MatchRun.Scope.BATCH).order_by("created_at", "pk").first()
        if batch is not None:
            merged = sorted(set(batch.company_ids) | set(company_ids or []))
            if merged != sorted(batch.company_ids):
                batch.company_ids = merged
                batch.save(update_fields=["company_ids"])
            return batch, False
    run = MatchRun.objects.create(
        scope=scope,
        company_id=company_id,
        opportunity_id=opportunity_id,
        company_ids=sorted(company_ids or []),
        engine_version=engine.ENGINE_VERSION,
        # Who made the change that asked for it (a curator's edit, a firm's save), when a signed-in person did.
        requested_by=requested_by if getattr(requested_by, "is_authenticated", False) else None,
    )
    return run, True


def match_run_claim(*, run_id: int) -> bool:
    """Compare-and-set a pending run to running; False means another worker has it (or it is gone)."""
    claimed = MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.PENDING).update(
        status=MatchRun.Status.RUNNING, started_at=timezone.now()
    )
    return claimed == 1


def match_run_plan(*, run_id: int, chunk_size: int | None = None) -> list[list[int]]:
    """Split the firms of a run into chunks (MATCHING_CHUNK_SIZE firms each) and record how many there are."""
    run = MatchRun.objects.get(pk=run_id)
    if run.scope == MatchRun.Scope.COMPANY:
        company_ids = [run.company_id] if run.company_id is not None else []
    elif run.scope == MatchRun.Scope.BATCH:
        company_ids = list(run.company_ids)
    else:
        company_ids = inputs.scoring_company_ids()
    size = chunk_size or chunk_size_setting()
    chunks = [company_ids[i : i + size] for i in range(0, len(company_ids), size)]
    MatchRun.objects.filter(pk=run_id).update(chunks_total=len(chunks), engine_version=engine.ENGINE_VERSION)
    return chunks


def chunk_size_setting() -> int:
    """Firms per chunk (MATCHING_CHUNK_SIZE)."""
    return int(getattr(settings, "MATCHING_CHUNK_SIZE", 2000))


def match_run_progress(*, run_id: int, pairs: int, stored: int) -> None:
    """Add one finished chunk's counts to its run, atomically (chunks finish in any order, on any worker)."""
    MatchRun.objects.filter(pk=run_id).update(
        chunks_done=F("chunks_done") + 1,
        pairs_scored=F("pairs_scored") + pairs,
        matches_stored=F("matches_stored") + stored,
    )


def match_run_finish(*, run_id: int) -> None:
    """Close a running run as succeeded."""
    MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.RUNNING).update(
        status=MatchRun.Status.SUCCEEDED, finished_at=timezone.now()
    )


def match_run_fail(*, run_id: int, error: str) -> None:
    """Close a pending or running run as failed, keeping the reason; the previous matches are untouched."""
    MatchRun.objects.filter(pk=run_id, status__in=[MatchRun.Status.PENDING, MatchRun.Status.RUNNING]).update(
        status=MatchRun.Status.FAILED, finished_at=timezone.now(), error=error[:4000]
    )


def match_run_execute(*, run_id: int, progress: Progress | None = None) -> MatchRun | None:
    """Claim RUN_ID and run it here, chunk by chunk; a failure marks it failed (previous matches stay) and re-raises."""
    if not match_run_claim(run_id=run_id):
        return None
    run = MatchRun.objects.get(pk=run_id)
    report = progress or (lambda pairs, stored: None)
    try:
        if run.scope == MatchRun.Scope.OPPORTUNITY:
            assert run.opportunity_id is not None  # a database constraint: an opportunity run names its record
            MatchRun.objects.filter(pk=run_id).update(chunks_total=1)
            pairs, stored = match_opportunity_score(run_id=run_id, opportunity_id=run.opportunity_id)
            match_run_progress(run_id=run_id, pairs=pairs, stored=stored)
            report(pairs, stored)
        else:
            _run_chunks(run_id=run_id, chunks=match_run_plan(run_id=run_id), report=report)
    except Exception as exc:
        match_run_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}")
        raise
    match_run_finish(run_id=run_id)
    run.refresh_from_db()
    return run


def match_runs_reap_stale(
    *, older_than: datetime.timedelta, pending_older_than: datetime.timedelta | None = None
) -> int:
    """Fail runs running for longer than OLDER_THAN (their worker died) and runs still pending after
    PENDING_OLDER_THAN (default OLDER_THAN): the dispatcher could not get them onto the queue in that time."""
    now = timezone.now()
    pending_older_than = older_than if pending_older_than is None else pending_older_than
    running = MatchRun.objects.filter(status=MatchRun.Status.RUNNING, started_at__lt=now - older_than).update(
        status=MatchRun.Status.FAILED,
        finished_at=now,
        error=f"stale: no result after {older_than}; the worker probably died (previous matches kept)",
    )
    pending = MatchRun.objects.filter(status=MatchRun.Status.PENDING, created_at__lt=now - pending_older_than).update(
        status=MatchRun.Status.FAILED,
        finished_at=now,
        error=f"stale: not started after {pending_older_than}; the queue never took it (previous matches kept)",
    )
    return running + pending


# Scoring ---------------------------------------------------------------------------------------------------------


def match_chunk_score(*, run_id: int | None, company_ids: list[int]) -> tuple[int, int]:
    """Rescore COMPANY_IDS and replace all their matches in one transaction; returns (pairs scored, stored).

    Readers see the firms' old lists or the new ones, never a mix; running it twice gives the same rows. The run's
    progress is counted in the same transaction, so a chunk killed half-way counts nothing.
    """
    context = _context(run_id=run_id)
    scored = _chunk_compute(run_id=run_id, company_ids=company_ids, context=context)
    return _chunk_store_then_hooks(run_id=run_id, company_ids=company_ids, scored=scored, context=context)


def _context(*, run_id: int | None, only: int | None = None) -> scoring.Context:
    """The corpus and opportunity arrays, built once per run and process (every chunk of a run sees the same)."""
    today = timezone.localdate()
    # The run's creation time is in the key: pks are reused after a rollback (tests) or a database restore.
    created = MatchRun.objects.filter(pk=run_id).values_list("created_at", flat=True).first() if run_id else None
    key = (run_id, created, today, only)
    if run_id is not None and key in _contexts:
        return _contexts[key]
    context = scoring.build_context(
        areas=inputs.scoring_areas(),
        opportunities=inputs.scoring_opportunities(today=today),
        certifications=inputs.scoring_certifications(),
        today=today,
        country_names={code: str(name) for code, name in countries},
        only=only,
    )
    _contexts.clear()
    if run_id is not None:
        _contexts[key] = context
    return context


def _chunk_compute(
    *, run_id: int | None, company_ids: list[int], context: scoring.Context | None = None
) -> scoring.Scored:
    context = context or _context(run_id=run_id)
    companies = inputs.scoring_companies(ids=company_ids, today=context.today)
    return scoring.score_companies(context, companies, run_id=run_id, now=timezone.now())


def _chunk_store(*, run_id: int | None, company_ids: list[int], scored: scoring.Scored) -> tuple[int, int]:
    with transaction.atomic():
        store.firms_replace(company_ids=company_ids, records=scored.records)
        if run_id is not None:
            match_run_progress(run_id=run_id, pairs=scored.pairs, stored=len(scored.records))
        generations_bump("matches")
    return scored.pairs, len(scored.records)


def _chunk_store_then_hooks(
    *, run_id: int | None, company_ids: list[int], scored: scoring.Scored, context: scoring.Context
) -> tuple[int, int]:
    """Store the chunk, then call the hooks in the same thread (after the commit), handing them what the run holds:
    the firms' arrays and the rows just stored (the background writer's step, and every chunk's on other databases)."""
    counts = store.retry_on_conflict(partial(_chunk_store, run_id=run_id, company_ids=company_ids, scored=scored))
    chunk = None
    if scored.firms is not None:
        chunk = hooks.ChunkContext(firms=scored.firms, records=scored.records, cache=context.cache)
    hooks.chunk_stored(company_ids=company_ids, today=context.today, corpus=context.corpus, chunk=chunk)
    return counts


def _run_chunks(*, run_id: int, chunks: list[list[int]], report: Progress) -> None:
    """Score and store each chunk in turn, storing in the background where the database allows it."""
    if connection.vendor != "postgresql" or connection.in_atomic_block or len(chunks) < 2:
        for chunk in chunks:
            report(*match_chunk_score(run_id=run_id, company_ids=chunk))
        return
    writer = store.BackgroundWriter(partial(_chunk_store_then_hooks, context=_context(run_id=run_id)))
    try:
        for chunk in chunks:
            scored = _chunk_compute(run_id=run_id, company_ids=chunk)
            for counts in writer.submit(run_id=run_id, company_ids=chunk, scored=scored):
                report(*counts)
            del scored
        for counts in writer.wait():
            report(*counts)
    finally:
        writer.close()


def match_opportunity_score(*, run_id: int | None, opportunity_id: int) -> tuple[int, int]:
    """Rescore one opportunity (one column) for every firm and replace only that opportunity's matches.

    A firm keeps the pair when it reaches engine.FLOOR, or when the firm keeps fewer than engine.TOP_K other matches,
    or when it beats the lowest of them: every firm's list stays "at least its best TOP_K, plus all above FLOOR".
    """
    context = _context(run_id=None, only=opportunity_id)
    records: list[StoredMatch] = []
    pairs = 0
    depths = hooks.best_depths()
    before: set[int] = set()
    among_best: dict[int, set[int]] = {}
    if context.opportunities.rows:
        kept = inputs.stored_match_floor(opportunity_id=opportunity_id)
        ids = inputs.scoring_company_ids()
        now = timezone.now()
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            companies = inputs.scoring_companies(pk_range=(chunk[0], chunk[-1]), today=context.today)
            keep = partial(_keep_column, kept=[kept.get(c.pk, (0, 0.0)) for c in companies])
            scored = scoring.score_companies(context, companies, run_id=run_id, now=now, keep=keep)
            pairs += scored.pairs
            records.extend(scored.records)

    def write() -> tuple[int, int]:
        with transaction.atomic():
            # What the record's firms had, read with its rows locked, so no run can change them before the replace
            # (each retry reads again).
            stored = Match.objects.filter(opportunity_id=opportunity_id)
            before.clear()
            before.update(stored.select_for_update().values_list("company_id", flat=True))
            for n in depths:
                among_best[n] = inputs.firms_ranking_among_best(opportunity_id=opportunity_id, best=n)
            store.opportunity_replace(opportunity_id=opportunity_id, records=records)
            generations_bump("matches")
        return pairs, len(records)

    counts = store.retry_on_conflict(write)
    # The firms whose match with this opportunity came, went or moved: their best matches may have changed; for a
    # hook that reads only each firm's N best, the firms for which the record was or is among them.
    moved = sorted(before | {record.company_id for record in records})
    try:
        for n in depths:
            among_best[n] |= inputs.firms_ranking_among_best(opportunity_id=opportunity_id, best=n)
        hooks.opportunity_stored(
            company_ids=moved, among_best=among_best, today=context.today, corpus=context.corpus,
            size=chunk_size_setting(),
        )  # fmt: skip
    except Exception:
        _follow_up(moved)
        raise
    return counts


def _follow_up(company_ids: list[int]) -> None:
    """After a hook failed in an opportunity run: leave a pending run of COMPANY_IDS (which firms the hooks were to
    see is known only during the run), which the dispatcher sends. Its own failure is logged, not raised, so the
    run's error stays the hook's."""
    if not company_ids:
        return
    try:
        with transaction.atomic():  # a waiting batch is locked while it takes these firms
            match_run_pending_ensure(scope=MatchRun.Scope.BATCH, company_ids=company_ids)
    except Exception:
        logger.exception("could not leave a follow-up run for %s firms after a failed hook", len(company_ids))


def _keep_column(scores: engine.Scores, *, kept: list[tuple[int, float]]) -> tuple[np.ndarray, np.ndarray]:
    column = scores.score[:, 0]
    count = np.array([n for n, _ in kept], dtype=np.int64)
    lowest = np.array([lo for _, lo in kept], dtype=np.float32)
    rows = np.nonzero((column >= engine.FLOOR) | (count < engine.TOP_K) | (column > lowest))[0]
    return rows, np.zeros_like(rows)
