"""Every write of the matching app: starting, claiming, scoring and closing runs, and enqueueing rescores.

Companies and programmes call the `*_rescore_later` functions (imported inside their functions, so the app arrow stays
matching -> companies -> programmes); views, admin, API, tasks and the `rescore` command call `match_run_start`.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial

import numpy as np
from celery import Task
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django_countries import countries
from kombu.exceptions import OperationalError as BrokerError

from matching import engine, inputs, scoring
from matching.models import Match, MatchRun
from portal.generations import generations_bump

logger = logging.getLogger(__name__)


class QueueUnavailable(BrokerError):
    """The broker refused a run's task: the run stays pending and the dispatcher enqueues it when the queue is back."""

    def __init__(self, run: MatchRun) -> None:
        super().__init__(f"the queue is unavailable; run {run.pk} is recorded and will start when the queue is back")
        self.run = run


# What publishing raises when Redis is down (kombu wraps the client's errors; eager mode and tests may not).
BROKER_ERRORS: tuple[type[BaseException], ...] = (BrokerError, ConnectionError)


def match_run_start(*, scope: str, company=None, opportunity=None, by=None) -> MatchRun:
    """Record a pending run for all firms, one firm or one opportunity, and enqueue it once the caller commits.

    With the queue down, the enqueue raises QueueUnavailable (in autocommit, from this call); the run stays pending
    and `match_runs_dispatch_pending` enqueues it when the queue is back.
    """
    scope = MatchRun.Scope(scope)
    if scope == MatchRun.Scope.COMPANY and company is None:
        raise ValueError("a company run needs company=")
    if scope == MatchRun.Scope.OPPORTUNITY and opportunity is None:
        raise ValueError("an opportunity run needs opportunity=")
    run = match_run_create(
        scope=scope,
        company=company if scope == MatchRun.Scope.COMPANY else None,
        opportunity=opportunity if scope == MatchRun.Scope.OPPORTUNITY else None,
        by=by,
    )
    transaction.on_commit(partial(match_run_enqueue, run=run))
    return run


def match_run_enqueue(*, run: MatchRun) -> None:
    """Publish the task that runs RUN; raises QueueUnavailable (RUN stays pending) when the broker is unreachable."""
    from matching.tasks import rescore_all_task, rescore_company_task, rescore_opportunity_task

    try:
        if run.scope == MatchRun.Scope.ALL:
            rescore_all_task.apply_async(kwargs={"run_id": run.pk})
        elif run.scope == MatchRun.Scope.COMPANY:
            rescore_company_task.apply_async((run.company_id,), {"run_id": run.pk})
        else:
            rescore_opportunity_task.apply_async((run.opportunity_id,), {"run_id": run.pk})
    except BROKER_ERRORS as exc:
        logger.warning("queue unavailable: match run %s stays pending until it is dispatched (%s)", run.pk, exc)
        raise QueueUnavailable(run) from exc


def company_rescore_later(company_id: int) -> None:
    """Rescore one firm against every opportunity after the current transaction commits."""
    from matching.tasks import rescore_company_task

    pending = partial(match_run_pending_ensure, scope=MatchRun.Scope.COMPANY, company_id=company_id)
    transaction.on_commit(partial(_enqueue_or_leave_pending, rescore_company_task, (company_id,), pending))


def companies_rescore_later(company_ids: list[int]) -> None:
    """Rescore many firms (a bulk import) with ONE task enqueued after the current transaction commits."""
    from matching.tasks import rescore_companies_task

    ids = sorted({int(pk) for pk in company_ids})
    if not ids:
        return
    # With the queue down, one pending run stands in for the batch: the firm itself, or a full rescore for many.
    if len(ids) == 1:
        pending = partial(match_run_pending_ensure, scope=MatchRun.Scope.COMPANY, company_id=ids[0])
    else:
        pending = partial(match_run_pending_ensure, scope=MatchRun.Scope.ALL)
    transaction.on_commit(partial(_enqueue_or_leave_pending, rescore_companies_task, (ids,), pending))


def all_rescore_later() -> None:
    """Rescore every firm against every opportunity after the current transaction commits (a technology area's
    lexicon changed); with the queue down the run stays pending for the dispatcher."""
    transaction.on_commit(partial(_enqueue_all_or_leave_pending))


def _enqueue_all_or_leave_pending() -> None:
    run = match_run_pending_ensure(scope=MatchRun.Scope.ALL)  # one waiting full run serves many edits
    try:
        match_run_enqueue(run=run)  # a second message for the same run is harmless: one claim wins
    except QueueUnavailable:
        pass  # logged by match_run_enqueue; the dispatcher sends it when the queue is back


def opportunity_rescore_later(opportunity_id: int) -> None:
    """Rescore one opportunity against every firm after the current transaction commits."""
    from matching.tasks import rescore_opportunity_task

    pending = partial(match_run_pending_ensure, scope=MatchRun.Scope.OPPORTUNITY, opportunity_id=opportunity_id)
    transaction.on_commit(partial(_enqueue_or_leave_pending, rescore_opportunity_task, (opportunity_id,), pending))


def _enqueue_or_leave_pending(task: Task, args: tuple[object, ...], pending: Callable[[], MatchRun]) -> None:
    """Publish TASK(*ARGS); with the queue down, log it and leave a PENDING() run instead of failing the user's save."""
    try:
        task.apply_async(args)
    except BROKER_ERRORS as exc:
        run = pending()
        logger.warning("queue unavailable: %s%s not enqueued; pending match run %s (%s)", task.name, args, run.pk, exc)


def match_run_pending_ensure(
    *, scope: str, company_id: int | None = None, opportunity_id: int | None = None
) -> MatchRun:
    """A run that will cover this target: one pending for it (or a pending full run) if there is one, else a new one."""
    waiting = MatchRun.objects.filter(status=MatchRun.Status.PENDING, started_at__isnull=True)
    same = Q(scope=scope, company_id=company_id, opportunity_id=opportunity_id)
    run = waiting.filter(same | Q(scope=MatchRun.Scope.ALL)).order_by("created_at", "pk").first()
    if run is not None:
        return run
    return MatchRun.objects.create(
        scope=scope, company_id=company_id, opportunity_id=opportunity_id, engine_version=engine.ENGINE_VERSION
    )


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


def match_run_claim(*, run_id: int) -> bool:
    """Compare-and-set a pending run to running; False means another worker has it (or it is gone)."""
    claimed = MatchRun.objects.filter(pk=run_id, status=MatchRun.Status.PENDING).update(
        status=MatchRun.Status.RUNNING, started_at=timezone.now()
    )
    return claimed == 1


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


# Scoring ---------------------------------------------------------------------------------------------------------

MATCH_COLUMNS = (
    "company_id",
    "opportunity_id",
    "run_id",
    "score",
    "components",
    "reasons",
    "gaps",
    "eligible",
    "computed_at",
)
_contexts: dict[tuple[object, ...], scoring.Context] = {}


def _chunk_size() -> int:
    return int(getattr(settings, "MATCHING_CHUNK_SIZE", 2000))


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


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\") if "\\" in text else text


def _copy_text(records: list[scoring.Record]) -> str:
    """Records as COPY text-format lines (tab-separated, backslashes doubled, NULL as \\N)."""
    if not records:
        return ""
    now, null = records[0][8].isoformat(), "\\N"
    return "".join(
        f"{c}\t{o}\t{null if r is None else r}\t{score}\t{parts}\t{_escape(reasons)}\t{_escape(gaps)}\t"
        f"{'t' if eligible else 'f'}\t{now if at is records[0][8] else at.isoformat()}\n"
        for c, o, r, score, parts, reasons, gaps, eligible, at in records
    )


def _insert(records: list[scoring.Record]) -> None:
    """Write match rows: one COPY on PostgreSQL (a million rows in seconds), bulk_create elsewhere."""
    if not records:
        return
    if connection.vendor == "postgresql":
        columns = ", ".join(MATCH_COLUMNS)
        with connection.cursor() as cursor:
            # Losing the last chunks on a server crash is harmless (the next run rewrites them): skip the fsync wait.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            # The raw psycopg COPY bypasses Django's cursor: wrap it so errors surface as django.db errors.
            with connection.wrap_database_errors:
                with cursor.cursor.copy(f"COPY {Match._meta.db_table} ({columns}) FROM STDIN") as copy:
                    copy.write(_copy_text(records))
        return
    Match.objects.bulk_create(
        [
            Match(
                company_id=r[0],
                opportunity_id=r[1],
                run_id=r[2],
                score=r[3],
                components=json.loads(r[4]),
                reasons=json.loads(r[5]),
                gaps=json.loads(r[6]),
                eligible=r[7],
                computed_at=r[8],
            )
            for r in records
        ],
        batch_size=500,
    )


def match_chunk_score(*, run_id: int | None, company_ids: list[int]) -> tuple[int, int]:
    """Rescore COMPANY_IDS and replace all their matches in one transaction; returns (pairs scored, stored).

    Readers see the firms' old lists or the new ones, never a mix; running it twice gives the same rows. The run's
    progress is counted in the same transaction, so a chunk killed half-way counts nothing.
    """
    scored = _chunk_compute(run_id=run_id, company_ids=company_ids)
    return _retry_on_conflict(lambda: _chunk_store(run_id=run_id, company_ids=company_ids, scored=scored))


# Two rescores of the same firm at once (a nightly chunk and a firm's own save) may both try to insert the same
# pair; the loser's transaction rolls back whole and is simply stored again, now seeing the winner's rows.
STORE_ATTEMPTS = 3


def _retry_on_conflict(store: Callable[[], tuple[int, int]]) -> tuple[int, int]:
    for _ in range(STORE_ATTEMPTS - 1):
        try:
            return store()
        except IntegrityError:
            logger.info("matches of the same firms were written concurrently; storing again")
    return store()


def _chunk_compute(*, run_id: int | None, company_ids: list[int]) -> scoring.Scored:
    context = _context(run_id=run_id)
    companies = inputs.scoring_companies(ids=company_ids, today=context.today)
    return scoring.score_companies(context, companies, run_id=run_id, now=timezone.now())


def _chunk_store(*, run_id: int | None, company_ids: list[int], scored: scoring.Scored) -> tuple[int, int]:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _replace_postgresql(company_ids, scored.records)
        else:
            Match.objects.filter(company_id__in=company_ids).delete()
            _insert(scored.records)
        if run_id is not None:
            match_run_progress(run_id=run_id, pairs=scored.pairs, stored=len(scored.records))
        generations_bump("matches")
    return scored.pairs, len(scored.records)


# What a stored row says, as PostgreSQL prints it: equal digests mean the row need not be written again.
_DIGEST_SQL = (
    "md5(concat_ws('|', score::numeric(6,2)::text, eligible::text, components::text, reasons::text, gaps::text))"
)


def _digest(record: scoring.Record) -> str:
    text = f"{record[3]:.2f}|{'true' if record[7] else 'false'}|{record[4]}|{record[5]}|{record[6]}"
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _replace_postgresql(company_ids: list[int], records: list[scoring.Record]) -> None:
    """Make the firms' stored lists equal RECORDS, writing only rows that changed (in the caller's transaction).

    Each stored row's digest is read back (jsonb prints canonically, and scoring writes JSON in that form); rows
    whose digest matches are left alone, changed and dropped pairs are deleted, and new or changed ones are COPYed
    in. A nightly run where little changed writes little; a row's `run` and `computed_at` say when its content
    last changed.
    """
    table = Match._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")  # a lost chunk is rewritten by the next run
        cursor.execute(
            f"SELECT company_id, opportunity_id, {_DIGEST_SQL} FROM {table} WHERE company_id = ANY(%s)", [company_ids]
        )
        stored = {(c, o): digest for c, o, digest in cursor.fetchall()}
        fresh, stale = [], []
        for record in records:
            digest = stored.pop((record[0], record[1]), None)
            if digest is None or digest != _digest(record):
                fresh.append(record)
                if digest is not None:
                    stale.append((record[0], record[1]))
        stale.extend(stored)
        if stale:
            cursor.execute(
                f"DELETE FROM {table} WHERE (company_id, opportunity_id) IN "
                "(SELECT * FROM unnest(%s::bigint[], %s::bigint[]))",
                [[c for c, _ in stale], [o for _, o in stale]],
            )
        _insert(fresh)


class _BackgroundStore:
    """Stores chunks on other connections while the next chunk is scored: the database and Python overlap.

    Used on PostgreSQL outside a transaction (`rescore --sync`). At most WRITERS chunks wait to be stored, so memory
    stays bounded by the chunk size; each writer thread uses (and closes) its own connection.
    """

    WRITERS = 2

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=self.WRITERS, thread_name_prefix="match-store")
        self.pending: deque[Future[tuple[int, int]]] = deque()

    def submit(self, **kwargs: object) -> list[tuple[int, int]]:
        """Queue a chunk; returns the counts of the chunks that had to finish first to make room."""
        done = [self.pending.popleft().result() for _ in range(len(self.pending) - self.WRITERS + 1)]
        self.pending.append(self.pool.submit(self._store, kwargs))
        return done

    def wait(self) -> list[tuple[int, int]]:
        done = [future.result() for future in self.pending]
        self.pending.clear()
        return done

    @staticmethod
    def _store(kwargs: dict[str, object]) -> tuple[int, int]:
        try:
            return _chunk_store(**kwargs)  # type: ignore[arg-type]
        finally:
            connection.close()  # this thread's own connection

    def close(self) -> None:
        self.pool.shutdown(wait=True)


def match_opportunity_score(*, run_id: int | None, opportunity_id: int) -> tuple[int, int]:
    """Rescore one opportunity (one column) for every firm and replace only that opportunity's matches.

    A firm keeps the pair when it reaches engine.FLOOR, or when the firm keeps fewer than engine.TOP_K other matches,
    or when it beats the lowest of them: every firm's list stays "at least its best TOP_K, plus all above FLOOR".
    """
    context = _context(run_id=None, only=opportunity_id)
    records: list[scoring.Record] = []
    pairs = 0
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

    def store() -> tuple[int, int]:
        with transaction.atomic():
            Match.objects.filter(opportunity_id=opportunity_id).delete()
            _insert(records)
            generations_bump("matches")
        return pairs, len(records)

    return _retry_on_conflict(store)


def _keep_column(scores: engine.Scores, *, kept: list[tuple[int, float]]) -> tuple[np.ndarray, np.ndarray]:
    column = scores.score[:, 0]
    count = np.array([n for n, _ in kept], dtype=np.int64)
    lowest = np.array([lo for _, lo in kept], dtype=np.float32)
    rows = np.nonzero((column >= engine.FLOOR) | (count < engine.TOP_K) | (column > lowest))[0]
    return rows, np.zeros_like(rows)


def match_run_create(*, scope: str, company=None, opportunity=None, by=None) -> MatchRun:
    """Record a pending run (match_run_start also enqueues it; the `rescore --sync` command runs it in-process)."""
    return MatchRun.objects.create(
        scope=MatchRun.Scope(scope),
        company=company,
        opportunity=opportunity,
        requested_by=by if getattr(by, "is_authenticated", False) else None,
        engine_version=engine.ENGINE_VERSION,
    )


def match_run_plan(
    *, run_id: int, company_ids: list[int] | None = None, chunk_size: int | None = None
) -> list[list[int]]:
    """Split the firms of a run into chunks (MATCHING_CHUNK_SIZE firms each) and record how many there are."""
    run = MatchRun.objects.get(pk=run_id)
    if company_ids is None:
        company_ids = [run.company_id] if run.company_id else inputs.scoring_company_ids()
    size = chunk_size or _chunk_size()
    chunks = [company_ids[i : i + size] for i in range(0, len(company_ids), size)]
    MatchRun.objects.filter(pk=run_id).update(chunks_total=len(chunks), engine_version=engine.ENGINE_VERSION)
    return chunks


def match_run_execute(
    *, run_id: int, company_ids: list[int] | None = None, progress: Callable[[int, int], None] | None = None
) -> MatchRun | None:
    """Claim RUN_ID and run it here, chunk by chunk; a failure marks it failed (previous matches stay) and re-raises."""
    if not match_run_claim(run_id=run_id):
        return None
    run = MatchRun.objects.get(pk=run_id)
    try:
        if run.scope == MatchRun.Scope.OPPORTUNITY:
            MatchRun.objects.filter(pk=run_id).update(chunks_total=1)
            pairs, stored = match_opportunity_score(run_id=run_id, opportunity_id=run.opportunity_id)
            match_run_progress(run_id=run_id, pairs=pairs, stored=stored)
            if progress:
                progress(pairs, stored)
        else:
            _run_chunks(run_id=run_id, chunks=match_run_plan(run_id=run_id, company_ids=company_ids), progress=progress)
    except Exception as exc:
        match_run_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}")
        raise
    match_run_finish(run_id=run_id)
    run.refresh_from_db()
    return run


def _run_chunks(*, run_id: int, chunks: list[list[int]], progress: Callable[[int, int], None] | None) -> None:
    """Score and store each chunk in turn, storing in the background where the database allows it."""
    report = progress or (lambda pairs, stored: None)
    if connection.vendor != "postgresql" or connection.in_atomic_block or len(chunks) < 2:
        for chunk in chunks:
            report(*match_chunk_score(run_id=run_id, company_ids=chunk))
        return
    store = _BackgroundStore()
    try:
        for chunk in chunks:
            scored = _chunk_compute(run_id=run_id, company_ids=chunk)
            for counts in store.submit(run_id=run_id, company_ids=chunk, scored=scored):
                report(*counts)
            del scored
        for counts in store.wait():
            report(*counts)
    finally:
        store.close()


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
