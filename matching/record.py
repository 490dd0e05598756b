"""One stored match row as the scoring code writes it, and the JSON text agreement with PostgreSQL's jsonb.

The agreement, stated here once: scoring writes `parts`, `reasons` and `gaps` as the exact text PostgreSQL
prints for the stored jsonb value (object keys ordered by length, then by bytes; ", " and ": " separators;
non-ASCII characters as they are). matching.store compares a fresh row with the stored one by digesting both
texts, so an unchanged row is never written again. `jsonb_text` is the reference; tests/matching/test_store.py
checks it against PostgreSQL.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any, NamedTuple


class StoredMatch(NamedTuple):
    """One row of matching_match, its fields in COPY column order (JSON fields already as jsonb text)."""

    company_id: int
    opportunity_id: int
    run_id: int | None
    score: float
    parts: str
    reasons: str
    gaps: str
    eligible: bool
    computed_at: datetime.datetime


# The matching_match columns a StoredMatch fills, in order.
COLUMNS: tuple[str, ...] = StoredMatch._fields


def jsonb_key_order(keys: Iterable[str]) -> list[str]:
    """KEYS in the order PostgreSQL prints a jsonb object's keys: shorter first, then by UTF-8 bytes."""
    return sorted(keys, key=lambda key: (len(key.encode()), key.encode()))


def jsonb_text(value: Any) -> str:
    """VALUE as PostgreSQL prints it once stored as jsonb (the reference for every JSON text scoring writes).

    A Decimal keeps its digits, as jsonb keeps a number's scale: parse with `json.loads(text, parse_float=Decimal)`
    to check a text against this reference.
    """
    if isinstance(value, dict):
        items = (f"{json.dumps(key, ensure_ascii=False)}: {jsonb_text(value[key])}" for key in jsonb_key_order(value))
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(jsonb_text(item) for item in value) + "]"
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False)
