"""A match's stored parts, and the components readers see: one place for the form `Match.parts` is stored in.

A stored match keeps, for each component of engine.COMPONENTS in that order, `[value, contribution]` (null for a
component the row does not have; scoring writes all five). The weight is not stored: it is the engine's constant
(engine.WEIGHTS), the same on every row of an engine version, and an engine version change rescores every firm
(dispatch.engine_rescore_ensure). Keeping it on a million rows made the `components` object 490 of a row's ~850 bytes
and the first full rescore a third slower (docs/matching.md, "What is stored").

Readers (the API, pages, exports, match events) see the components as before:
`{"capability": {"value": 0.8, "weight": 0.7, "contribution": 56.0}, ...}`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from matching.engine import COMPONENTS, WEIGHTS

Part = dict[str, float]


def components_of(parts: Sequence[Sequence[float] | None] | None) -> dict[str, Part]:
    """PARTS (as stored) as components: name -> {value, weight, contribution}, in engine order, absent ones left out."""
    out: dict[str, Part] = {}
    for name, part in zip(COMPONENTS, parts or (), strict=False):
        if part is None or len(part) != 2:
            continue
        value, contribution = part
        out[name] = {"value": float(value), "weight": WEIGHTS[name], "contribution": float(contribution)}
    return out


def parts_of(components: Mapping[str, Any]) -> list[list[float] | None]:
    """COMPONENTS (name -> {value, contribution, ...}) in the stored form; names the engine lacks are dropped."""
    parts: list[list[float] | None] = []
    for name in COMPONENTS:
        part = components.get(name)
        if isinstance(part, Mapping):
            parts.append([float(part.get("value", 0.0)), float(part.get("contribution", 0.0))])
        else:
            parts.append(None)
    return parts
