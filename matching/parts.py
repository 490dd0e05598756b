"""A match's stored parts, and the components readers see: one place for the form `Match.parts` is stored in.

A stored match keeps, for each component of ORDER, `[value, contribution]` (null for a component the row does not
have; scoring writes all five). The weight is not stored: it is the engine's constant (engine.WEIGHTS), the same on
every row of an engine version, and an engine version change rescores every firm (dispatch.engine_rescore_ensure).
Kept on a million rows, the weights made the `components` object 490 of a row's ~850 bytes, and the first full rescore
waited on PostgreSQL writing them (docs/matching.md, "What is stored").

ORDER is the stored order, frozen here: a change to engine.COMPONENTS needs a migration of the stored rows, and
tests/matching/test_parts.py says so. Until a new engine's full rescore has run, rows keep the old engine's
contributions and are shown with the new engine's weights.

Readers (the API, pages, exports, match events) see the components as before:
`{"capability": {"value": 0.8, "weight": 0.7, "contribution": 56.0}, ...}`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from matching.engine import WEIGHTS

ORDER = ("capability", "eligibility", "readiness", "compliance", "timing")

Part = dict[str, float]


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def components_of(parts: Sequence[Sequence[Any] | None] | None) -> dict[str, Part]:
    """PARTS (as stored) as components: name -> {value, weight, contribution}, in ORDER, absent ones left out.

    A row of another length than ORDER (stored by another engine) reads as having no components."""
    if not isinstance(parts, Sequence) or len(parts) != len(ORDER):
        return {}
    out: dict[str, Part] = {}
    for name, part in zip(ORDER, parts, strict=True):
        if not isinstance(part, Sequence) or len(part) != 2:
            continue
        value, contribution = part
        out[name] = {"value": _number(value), "weight": WEIGHTS[name], "contribution": _number(contribution)}
    return out


def parts_of(components: Mapping[str, Any]) -> list[list[float] | None]:
    """COMPONENTS (name -> {value, contribution, ...}) in the stored form; names outside ORDER are dropped."""
    parts: list[list[float] | None] = []
    for name in ORDER:
        part = components.get(name)
        if isinstance(part, Mapping):
            parts.append([_number(part.get("value")), _number(part.get("contribution"))])
        else:
            parts.append(None)
    return parts
