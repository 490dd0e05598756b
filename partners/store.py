"""Writing partner fits into partners_partnerfit: the row shape, COPY text, and digests of unchanged rows.

The same approach as matching.store: on PostgreSQL only rows whose digest changed are deleted and COPYed in again,
so an unchanged fit keeps its row and its computed_at. Nothing here scores or explains; partners.scoring does.
"""

import datetime
import hashlib
import json
from collections.abc import Sequence
from operator import attrgetter
from typing import Any, NamedTuple

from django.db import connection, transaction

from matching.store import pairs_changed, pairs_delete
from partners.models import PartnerFit


class FitRow(NamedTuple):
    """One row of partners_partnerfit, its fields in COPY column order (JSON fields as text)."""

    company_id: int
    partner_id: int
    score: float
    components: str
    reasons: str
    gaps: str
    computed_at: datetime.datetime

    def model(self) -> PartnerFit:
        """The unsaved PartnerFit of this row (bulk_create on databases without COPY)."""
        fields: dict[str, Any] = self._asdict()
        for name in ("components", "reasons", "gaps"):
            fields[name] = json.loads(fields[name])
        return PartnerFit(**fields)


COPY_COLUMNS = FitRow._fields


@transaction.atomic
def partner_fits_store(*, company_ids: list[int], fits: Sequence[FitRow | PartnerFit]) -> int:
    """Replace these firms' partner fits in one transaction (idempotent: the same input gives the same rows).

    On PostgreSQL only the rows that changed are written (with one COPY), as the match store does: an unchanged
    fit keeps its row and its computed_at, which says when its content last changed. Returns the rows given.
    """
    rows = [fit if isinstance(fit, FitRow) else _row(fit) for fit in fits]
    if connection.vendor == "postgresql":
        _replace_postgresql(company_ids, rows)
    else:
        PartnerFit.objects.filter(company_id__in=company_ids).delete()
        PartnerFit.objects.bulk_create([row.model() for row in rows], batch_size=2000)
    return len(rows)


# What a stored fit says, as PostgreSQL prints it: equal digests mean the row need not be written again.
_DIGEST_SQL = "md5(concat_ws('|', score::numeric(6,2)::text, components::text, reasons::text, gaps::text))"


def digest(row: FitRow) -> str:
    """The md5 that _DIGEST_SQL gives for ROW once stored (the JSON texts are written as jsonb prints them)."""
    text = f"{row.score:.2f}|{row.components}|{row.reasons}|{row.gaps}"
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


_FIT_PAIR = attrgetter("company_id", "partner_id")


def _replace_postgresql(company_ids: list[int], rows: list[FitRow]) -> None:
    """Delete the changed and dropped pairs, COPY the changed and new ones; unchanged rows stay as they are."""
    table = PartnerFit._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")  # a lost chunk is rewritten by the next run
        cursor.execute(
            f"SELECT company_id, partner_id, {_DIGEST_SQL} FROM {table} WHERE company_id = ANY(%s)", [company_ids]
        )
        stored = {(c, p): stored_digest for c, p, stored_digest in cursor.fetchall()}
        fresh, stale = pairs_changed(stored, rows, pair=_FIT_PAIR, digest=digest)
        pairs_delete(cursor, table, "partner_id", stale)
        if fresh:
            with connection.wrap_database_errors:  # the raw psycopg COPY bypasses Django's cursor
                with cursor.cursor.copy(f"COPY {table} ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy:
                    copy.write(copy_text(fresh))


def _row(fit: PartnerFit) -> FitRow:
    """A PartnerFit instance as the row the store writes (its JSON fields as text)."""
    components, reasons, gaps = (json.dumps(v, ensure_ascii=False) for v in (fit.components, fit.reasons, fit.gaps))
    return FitRow(fit.company_id, fit.partner_id, fit.score, components, reasons, gaps, fit.computed_at)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\") if "\\" in text else text


def copy_text(rows: Sequence[FitRow]) -> str:
    """Rows in COPY text format; JSON escapes tabs and line breaks, so only backslashes need doubling."""
    at: dict[datetime.datetime, str] = {}
    return "".join(
        f"{c}\t{p}\t{score}\t{parts}\t{_escape(reasons)}\t{_escape(gaps)}\t"
        f"{at[when] if when in at else at.setdefault(when, when.isoformat())}\n"
        for c, p, score, parts, reasons, gaps, when in rows
    )
