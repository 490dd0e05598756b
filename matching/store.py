"""Writing scored rows into matching_match: COPY text, digests of unchanged rows, and the background writer.

Nothing here knows about runs; matching.runs decides what to store and counts it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from operator import attrgetter
from typing import Any, TypeVar

from django.db import IntegrityError, connection
from django.db.models import QuerySet

from matching import moves
from matching.models import Match
from matching.record import COLUMNS, StoredMatch

Row = TypeVar("Row")

logger = logging.getLogger(__name__)

# Two rescores of the same firm at once (a nightly chunk and a firm's own save) may both try to insert the same
# pair; the loser's transaction rolls back whole and is simply stored again, now seeing the winner's rows.
STORE_ATTEMPTS = 3

# What a stored row says, as PostgreSQL prints it: equal digests mean the row need not be written again.
_DIGEST_SQL = "md5(concat_ws('|', score::numeric(6,2)::text, eligible::text, parts::text, reasons::text, gaps::text))"


def retry_on_conflict(store: Callable[[], tuple[int, int]]) -> tuple[int, int]:
    """Call STORE, again if a concurrent writer of the same pairs made it fail (at most STORE_ATTEMPTS times)."""
    for _ in range(STORE_ATTEMPTS - 1):
        try:
            return store()
        except IntegrityError:
            logger.info("matches of the same firms were written concurrently; storing again")
    return store()


def firms_replace(*, company_ids: list[int], records: list[StoredMatch]) -> None:
    """Make the stored matches of COMPANY_IDS equal RECORDS, with their new and moved match events (in the caller's
    transaction)."""
    if connection.vendor == "postgresql":
        _replace_postgresql(company_ids, records)
    else:
        stored = Match.objects.filter(company_id__in=company_ids)
        moves.match_events_write(previous=_scores(stored), records=records)
        stored.delete()
        insert(records)


def opportunity_replace(*, opportunity_id: int, records: list[StoredMatch]) -> None:
    """Make the stored matches of one opportunity equal RECORDS, with their new and moved match events (in the
    caller's transaction)."""
    stored = Match.objects.filter(opportunity_id=opportunity_id)
    moves.match_events_write(previous=_scores(stored), records=records)
    stored.delete()
    insert(records)


def _scores(stored: QuerySet[Match]) -> dict[tuple[int, int], float]:
    return {(c, o): score for c, o, score in stored.values_list("company_id", "opportunity_id", "score")}


def insert(records: list[StoredMatch]) -> None:
    """Write match rows: one COPY on PostgreSQL (a million rows in seconds), bulk_create elsewhere."""
    if not records:
        return
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Losing the last chunks on a server crash is harmless (the next run rewrites them): skip the fsync wait.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            # The raw psycopg COPY bypasses Django's cursor: wrap it so errors surface as django.db errors.
            with connection.wrap_database_errors:
                with cursor.cursor.copy(f"COPY {Match._meta.db_table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                    copy.write(copy_text(records))
        return
    Match.objects.bulk_create([_model(record) for record in records], batch_size=500)


def _model(record: StoredMatch) -> Match:
    fields: dict[str, Any] = record._asdict()
    for name in ("parts", "reasons", "gaps"):
        fields[name] = json.loads(fields[name])
    return Match(**fields)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\") if "\\" in text else text


def copy_text(records: list[StoredMatch]) -> str:
    """Records as COPY text-format lines (tab-separated, backslashes doubled, NULL as \\N)."""
    if not records:
        return ""
    first_at = records[0].computed_at
    now, null = first_at.isoformat(), "\\N"
    return "".join(
        f"{c}\t{o}\t{null if r is None else r}\t{score}\t{parts}\t{_escape(reasons)}\t{_escape(gaps)}\t"
        f"{'t' if eligible else 'f'}\t{now if at is first_at else at.isoformat()}\n"
        for c, o, r, score, parts, reasons, gaps, eligible, at in records
    )


def digest(record: StoredMatch) -> str:
    """The md5 that _DIGEST_SQL gives for RECORD once stored (it relies on the jsonb text agreement)."""
    _company, _opportunity, _run, score, parts, reasons, gaps, eligible, _at = record  # unpacking is fastest
    text = f"{score:.2f}|{'true' if eligible else 'false'}|{parts}|{reasons}|{gaps}"
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _replace_postgresql(company_ids: list[int], records: list[StoredMatch]) -> None:
    """Write only rows that changed: unchanged digests stay, changed and dropped pairs go, new ones are COPYed in.

    A nightly run where little changed writes little; a row's `run` and `computed_at` say when its content
    last changed. Only the changed and new rows can have moved, so only they are looked at for match events.
    """
    table = Match._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")  # a lost chunk is rewritten by the next run
        cursor.execute(
            f"SELECT company_id, opportunity_id, {_DIGEST_SQL}, score FROM {table} WHERE company_id = ANY(%s)",
            [company_ids],
        )
        rows = cursor.fetchall()
        stored = {(c, o): stored_digest for c, o, stored_digest, _score in rows}
        fresh, stale = pairs_changed(stored, records, pair=_MATCH_PAIR, digest=digest)
        moves.match_events_write(previous={(c, o): score for c, o, _d, score in rows}, records=fresh)
        pairs_delete(cursor, table, "opportunity_id", stale)
        insert(fresh)


_MATCH_PAIR = attrgetter("company_id", "opportunity_id")


def pairs_changed(
    stored: dict[tuple[int, int], str], rows: list[Row], *, pair: Callable[[Row], Any], digest: Callable[[Row], str]
) -> tuple[list[Row], list[tuple[int, int]]]:
    """Split ROWS against the digests STORED by (firm, other) pair: the rows to write (new or changed) and the stored
    pairs to delete (changed, or no longer among ROWS). Unchanged rows are in neither. STORED is emptied."""
    fresh: list[Row] = []
    stale: list[tuple[int, int]] = []
    for row in rows:
        key = pair(row)
        old = stored.pop(key, None)
        if old is None or old != digest(row):
            fresh.append(row)
            if old is not None:
                stale.append(key)
    stale.extend(stored)
    return fresh, stale


def pairs_delete(cursor: Any, table: str, column: str, pairs: list[tuple[int, int]]) -> None:
    """Delete TABLE's rows for these (company_id, COLUMN) PAIRS in one statement (PostgreSQL)."""
    if pairs:
        cursor.execute(
            f"DELETE FROM {table} WHERE (company_id, {column}) IN (SELECT * FROM unnest(%s::bigint[], %s::bigint[]))",
            [[a for a, _ in pairs], [b for _, b in pairs]],
        )


class BackgroundWriter:
    """Stores chunks on other connections while the next chunk is scored: the database and Python overlap.

    Used on PostgreSQL outside a transaction (`rescore --sync`). At most WRITERS chunks wait to be stored, so memory
    stays bounded by the chunk size; each writer thread uses (and closes) its own connection.
    """

    WRITERS = 2

    def __init__(self, write: Callable[..., tuple[int, int]]) -> None:
        self.write = write
        self.pool = ThreadPoolExecutor(max_workers=self.WRITERS, thread_name_prefix="match-store")
        self.pending: deque[Future[tuple[int, int]]] = deque()

    def submit(self, **kwargs: object) -> list[tuple[int, int]]:
        """Queue a chunk; returns the counts of the chunks that had to finish first to make room."""
        done = [self.pending.popleft().result() for _ in range(len(self.pending) - self.WRITERS + 1)]
        self.pending.append(self.pool.submit(self._store, kwargs))
        return done

    def wait(self) -> list[tuple[int, int]]:
        """Wait for every queued chunk; returns their counts."""
        done = [future.result() for future in self.pending]
        self.pending.clear()
        return done

    def _store(self, kwargs: dict[str, object]) -> tuple[int, int]:
        try:
            return self.write(**kwargs)
        finally:
            connection.close()  # this thread's own connection

    def close(self) -> None:
        """Stop the writer threads once they are done."""
        self.pool.shutdown(wait=True)
