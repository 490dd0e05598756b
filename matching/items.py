"""Explanation items: one reason, gap or change as `{"code": ..., "params": {...}}`, and its stored JSON text.

Params hold slugs, codes and figures, never words: matching/messages.py has an English and a Japanese message for
every code, so a stored item reads in whoever reads it. Match reasons and gaps (matching.explain), match events
(matching.moves), suggestions and feedback marks all write them (no Django import).
"""

from __future__ import annotations

import json

from matching.record import jsonb_key_order

Item = dict[str, object]


def item(code: str, **params: object) -> Item:
    """One explanation item; messages.py has an English and a Japanese message for every code used here."""
    return {"code": code, "params": params}


def dump(entry: Item) -> str:
    """ENTRY as PostgreSQL prints jsonb (keys by length, then bytes), so an unchanged row compares equal as text."""
    return json.dumps(_jsonb_order(entry), ensure_ascii=False)


# Each code has the same params every time, so a few key orders serve every item of a run: sorted once, then reused.
_KEY_ORDER: dict[tuple[str, ...], tuple[str, ...]] = {}


def _jsonb_order(value: object) -> object:
    if isinstance(value, dict):
        keys = tuple(value)
        order = _KEY_ORDER.get(keys)
        if order is None:
            order = _KEY_ORDER.setdefault(keys, tuple(jsonb_key_order(keys)))
        return {k: _jsonb_order(value[k]) for k in order}
    if isinstance(value, list | tuple):
        return [_jsonb_order(v) for v in value]
    return value
