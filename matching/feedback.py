"""Firms' "not relevant: wrong technology" feedback as a bounded penalty after the fit (no Django import).

A firm that marked N records whose main area is A as wrong technology loses `area_points(N)` points on every record
asking for A, scaled by the weight the record gives A; the largest such loss over the record's areas applies. The
features builder reads the marks through `CompanyRow.marked_areas` (matching/inputs.py fills it); scoring.py calls
`penalties` and `apply` after the engine and `reasons_with` after the explainer. See docs/matching.md, "Feedback
from firms".
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from matching.features import CompanyRow, Corpus
from matching.items import Item, dump, item

# One marked record costs 8 points on a record whose main area it shares, each further one 4 more, up to 20: a
# record asking for the area at weight 1.0 drops by 5 points at least (when it scored that much) and 20 at most.
FIRST_POINTS = 8.0
MORE_POINTS = 4.0
MAX_POINTS = 20.0


def area_points(records: int) -> float:
    """Points taken from a record whose main area (weight 1.0) a firm marked in RECORDS records."""
    if records <= 0:
        return 0.0
    return min(MAX_POINTS, FIRST_POINTS + MORE_POINTS * (records - 1))


@dataclass
class Penalty:
    """The firms of a chunk with marks (their row numbers), the points each loses per opportunity, and why."""

    firms: NDArray[np.intp]  # (h,) rows of the chunk
    points: NDArray[np.float32]  # (h, n_o) points to take off
    records: NDArray[np.int32]  # (h, n_areas) marked records per area
    marks: NDArray[np.float32]  # (h, n_areas) points per marked area
    areas: NDArray[np.float32]  # (n_o, n_areas) the opportunities' area weights


def penalties(corpus: Corpus, companies: Sequence[CompanyRow], areas: NDArray[np.float32]) -> Penalty | None:
    """The penalty of each marked firm against each opportunity (AREAS: (n_o, n_areas) weights); None if no marks."""
    marked = [i for i, c in enumerate(companies) if c.marked_areas]
    if not marked:
        return None
    index = {a.slug: k for k, a in enumerate(corpus.areas)}
    records = np.zeros((len(marked), corpus.n_areas), dtype=np.int32)
    for h, i in enumerate(marked):
        for slug, n in companies[i].marked_areas.items():
            if slug in index:
                records[h, index[slug]] = n
    points = np.minimum(MAX_POINTS, FIRST_POINTS + MORE_POINTS * (records - 1)).astype(np.float32)
    points[records <= 0] = 0.0
    loss = np.zeros((len(marked), areas.shape[0]), dtype=np.float32)
    # Area by area, over only the firms that marked it: a firm marks a few areas, so this touches few rows.
    for a in np.nonzero(points.any(axis=0))[0].tolist():
        column = areas[:, a]
        if column.any():
            rows = np.nonzero(points[:, a])[0]
            loss[rows] = np.maximum(loss[rows], points[rows, a][:, None] * column[None, :])
    return Penalty(firms=np.array(marked, dtype=np.intp), points=loss, records=records, marks=points, areas=areas)


def apply(score: NDArray[np.float32], penalty: Penalty | None) -> None:
    """Take each marked firm's points off its final scores, in place, never below 0."""
    if penalty is not None:
        score[penalty.firms] = np.maximum(score[penalty.firms] - penalty.points, 0.0)


def reason(records: int, area: str) -> Item:
    """The explanation item read as 'ranked lower: you marked 2 records about Cyber as not relevant'."""
    return item("feedback_lowered", count=records, area=area)


def reasons_with(
    reasons: list[str], rows: NDArray[np.intp], cols: NDArray[np.intp], penalty: Penalty | None, corpus: Corpus
) -> list[str]:
    """REASONS (JSON arrays, one per stored pair) with the penalty's sentence added where points were taken off."""
    if penalty is None:
        return reasons
    position = {int(i): h for h, i in enumerate(penalty.firms.tolist())}
    for n, (i, j) in enumerate(zip(rows.tolist(), cols.tolist(), strict=True)):
        h = position.get(i)
        if h is None or penalty.points[h, j] <= 0:
            continue
        a = int(np.argmax(penalty.marks[h] * penalty.areas[j]))  # the area behind the loss
        items = json.loads(reasons[n])
        items.append(reason(int(penalty.records[h, a]), corpus.areas[a].slug))
        reasons[n] = "[" + ", ".join(dump(t) for t in items) + "]"
    return reasons
