"""The change-event log: writers record what changed in the caller's transaction; readers page through it.

DESIGN.md, "Change events": one append-only table, written in the same transaction as the change. The change
feed, webhooks, Atom feeds and digests read it; none of them hooks into the services that write.

Paging never skips or repeats an event, even while writes are happening. Ids come from a sequence when a row is
inserted, not when its transaction commits, so on PostgreSQL a reader that had seen id 102 could later find 101
committed behind it. Each row therefore carries its transaction id (`txid`), and readers see only rows of
transactions older than every transaction still in progress (`pg_snapshot_xmin`): no row can ever appear before
them again. The feed is ordered by `(txid, id)`, which the cursor encodes. SQLite has one writer at a time, so there
id order is commit order and `txid` is 0.

What this costs: `pg_snapshot_xmin` spans every database on the server, so any long transaction on it holds the feed
back until it ends (the settings cap sessions idle in a transaction at DATABASE_IDLE_IN_TRANSACTION_SECONDS). A
reader never sees events its own open transaction wrote. Narrowing the horizon to this database's sessions
(`pg_stat_activity.backend_xid`) was tried and dropped: a transaction that ends between the reader's snapshot and its
read of the activity table could then be skipped. Kakehashi's production database is best given a server of its own.
"""

import base64
import binascii
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

from portal.models import ChangeEvent, ChangeEventQuerySet

CURSOR_START = ""
BIGINT_END = 2**63  # ids and txids are bigint columns


class CursorError(ValueError):
    """A cursor this feed did not hand out."""


def change_record(
    *,
    kind: str,
    subject_type: str,
    subject_id: int,
    changes: Mapping[str, Mapping[str, Any]] | None = None,
    data: Mapping[str, Any] | None = None,
    company_id: int | None = None,
    actor: User | None = None,
) -> ChangeEvent:
    """Append one event in the caller's transaction (it is rolled back with the change that caused it)."""
    return ChangeEvent.objects.create(
        kind=kind,
        subject_type=subject_type,
        subject_id=subject_id,
        changes=dict(changes or {}),
        data=dict(data or {}),
        company_id=company_id,
        actor=actor if actor is not None and actor.pk else None,
    )


def changes_record_bulk(events: Iterable[ChangeEvent], *, batch_size: int = 2000) -> int:
    """Append many unsaved events at once (the scoring store, the import); returns how many."""
    rows = list(events)
    ChangeEvent.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)


def field_changes(old: Mapping[str, Any], new: Mapping[str, Any], fields: Iterable[str]) -> dict[str, dict[str, Any]]:
    """`{"field": {"old": ..., "new": ...}}` for the FIELDS whose values differ between OLD and NEW."""
    return {name: {"old": old.get(name), "new": new.get(name)} for name in fields if old.get(name) != new.get(name)}


def settled_filter(events: ChangeEventQuerySet) -> ChangeEventQuerySet:
    """EVENTS written by transactions that have all ended: nothing can be inserted before them any more."""
    if connection.vendor != "postgresql":
        return events
    horizon = RawSQL("pg_snapshot_xmin(pg_current_snapshot())::text::bigint", [])
    return events.filter(txid__lt=horizon)


def cursor_encode(event: ChangeEvent) -> str:
    """The opaque cursor that resumes the feed after EVENT."""
    raw = f"{event.txid}.{event.pk}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str) -> tuple[int, int]:
    """`(txid, id)` from a cursor; CursorError when it is not one of ours."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        txid, _, pk = raw.partition(".")
        position = int(txid), int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise CursorError("not a cursor from this feed") from error
    if not (0 <= position[0] < BIGINT_END and 1 <= position[1] < BIGINT_END):  # past a bigint: not ours either
        raise CursorError("not a cursor from this feed")
    return position


def changes_after(events: ChangeEventQuerySet, cursor: str, *, limit: int, strict: bool = True) -> list[ChangeEvent]:
    """Up to LIMIT settled events of EVENTS after CURSOR (from the start when empty), in feed order.

    STRICT (a cursor a client sent) refuses one that names no event; a position Kakehashi stored itself is read as it
    is."""
    settled = settled_filter(events)
    if cursor:
        txid, pk = cursor_decode(cursor)
        # Every cursor names an event that was written (the log is append-only): one naming none, such as a guessed
        # "9999.9999" or a txid this database never had, would page past events the caller then never sees.
        if strict and not ChangeEvent.objects.filter(pk=pk, txid=txid).exists():
            raise CursorError("not a cursor from this feed")
        settled = settled.filter(Q(txid__gt=txid) | Q(txid=txid, id__gt=pk))
    return list(settled.order_by("txid", "id")[:limit])
