"""From plain rows to the rows a Match table stores: corpus, arrays, engine, explanations (no writes).

matching.runs calls these and matching.store does the writing; tasks and the `rescore` command call runs.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from matching import engine, feedback
from matching.explain import Explainer
from matching.features import (
    AreaRow,
    CertificationRow,
    CompanyRow,
    Corpus,
    FirmArrays,
    OpportunityArrays,
    OpportunityRow,
    align_countries,
    build_corpus,
    firm_arrays,
    opportunity_arrays,
)
from matching.record import StoredMatch

# One row of matching_match (matching.record states how its JSON text must read).
Record = StoredMatch


def rounded_table(places: int, top: int, write: Callable[[float], str]) -> np.ndarray:
    """WRITE(k / 10**places) for every step k from 0 to TOP: the text of every number in [0, TOP] rounded to PLACES."""
    scale = 10**places
    texts = np.empty(top * scale + 1, dtype=object)
    texts[:] = [write(k / scale) for k in range(top * scale + 1)]
    return texts


def rounded_texts(values: np.ndarray, places: int, table: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Each value's text from TABLE (rounded_table with WRITE), and where it is the text WRITE(value) gives.

    WRITE rounds correctly to PLACES ("%.4f" and round(x, 4) do). A value further than a millionth of a step from
    a half step rounds to the same step whatever the float error in scaling it, so the table has its text. Values
    near a half step, negative (WRITE keeps the sign of -0.0), beyond the table or not a number are not looked up:
    the caller writes those itself. Writing millions of floats one by one cost seconds a full rescore.
    """
    with np.errstate(invalid="ignore"):
        scaled = np.asarray(values, dtype=np.float64) * 10.0**places
        steps = np.rint(scaled)
        exact = ~np.signbit(scaled) & (steps < len(table)) & (np.abs(scaled - steps) < 0.5 - 1e-6)
    return table[np.where(exact, steps, 0).astype(np.int64)].tolist(), exact


def rows_as_text(
    values: np.ndarray,
    *,
    template: str,
    tables: Sequence[tuple[int, np.ndarray]],
    fallback: Callable[[list[float]], str],
) -> list[str]:
    """TEMPLATE % each row's numbers as texts, column k read from tables[k % len(tables)] ((places, rounded_table)).

    A row with a number off its table (rounded_texts says which) is written by FALLBACK(row) instead, the way the
    per-row code always wrote it, so the text is the same either way. Used for the parts of matches and the components
    JSON of partner fits.
    """
    columns, exact = [], np.ones(len(values), dtype=np.bool_)
    for k in range(values.shape[1]):
        places, table = tables[k % len(tables)]
        texts, found = rounded_texts(values[:, k], places, table)
        columns.append(texts)
        exact &= found
    out = [template % row for row in zip(*columns, strict=True)]
    for n in np.flatnonzero(~exact).tolist():
        out[n] = fallback(values[n].tolist())
    return out


# A row's parts (matching.parts): [value, contribution] per component, in engine order, as jsonb prints them.
_PARTS_JSON = "[" + ", ".join(["[%.4f, %.2f]"] * len(engine.COMPONENTS)) + "]"
_PARTS_TEXT = "[" + ", ".join(["[%s, %s]"] * len(engine.COMPONENTS)) + "]"  # the same, numbers already written
_VALUE_TEXTS = rounded_table(4, 1, "%.4f".__mod__)  # a component's value, 0 to 1
_POINTS_TEXTS = rounded_table(2, 100, "%.2f".__mod__)  # its contribution, 0 to 100 points


@dataclass
class Context:
    """What every chunk of one run shares: the fitted corpus and the scored opportunities as arrays."""

    corpus: Corpus
    opportunities: OpportunityArrays
    today: datetime.date
    country_names: dict[str, str]
    # What the apps following the run build once per run (hooks.ChunkContext.cache: the partner table).
    cache: dict[str, Any] = field(default_factory=dict)


@dataclass
class Scored:
    """A chunk's outcome: how many pairs were scored, the records to store and the firms' arrays they came from."""

    pairs: int
    records: list[Record]
    firms: FirmArrays | None = None


def build_context(
    *,
    areas: list[AreaRow],
    opportunities: list[OpportunityRow],
    certifications: list[CertificationRow],
    today: datetime.date,
    country_names: dict[str, str],
    only: int | None = None,
) -> Context:
    """Fit the corpus on all open opportunities; score them all, or only the one with pk ONLY."""
    corpus = build_corpus(areas, opportunities, certifications)
    scored = [o for o in opportunities if only is None or o.pk == only]
    return Context(corpus, opportunity_arrays(corpus, scored, today=today), today, country_names)


def score_companies(
    context: Context,
    companies: list[CompanyRow],
    *,
    run_id: int | None,
    now: datetime.datetime,
    keep: Any = None,
) -> Scored:
    """Score COMPANIES against the context's opportunities and write the records of the pairs worth storing.

    KEEP(scores) -> (firm indices, opportunity indices) chooses the pairs; by default each firm's best
    engine.TOP_K and every pair at or above engine.FLOOR.
    """
    opps = context.opportunities
    if not companies or not opps.rows:
        return Scored(pairs=0, records=[])
    firms = firm_arrays(context.corpus, companies, year=context.today.year)
    align_countries(firms, opps)
    scores = engine.score(firms, opps)
    penalty = feedback.penalties(context.corpus, companies, opps.areas)  # workspace (#14): firms' feedback
    feedback.apply(scores.score, penalty)  # workspace (#14)
    rows, cols = keep(scores) if keep else engine.keep(scores.score)
    explainer = Explainer(context.corpus, firms, opps, country_names=context.country_names)
    records = _records(explainer, scores, rows, cols, run_id, now, penalty)
    return Scored(pairs=len(companies) * len(opps.rows), records=records, firms=firms)


def _records(
    explainer: Explainer,
    scores: engine.Scores,
    rows: np.ndarray,
    cols: np.ndarray,
    run_id: int | None,
    now: datetime.datetime,
    penalty: feedback.Penalty | None = None,
) -> list[Record]:
    components = scores.components[:, rows, cols].T  # (n, 5)
    raw, final = scores.raw[rows, cols], scores.score[rows, cols]
    parts = np.round(engine.contributions(components.T, raw, final).T, 2)  # (n, 5)
    totals = np.clip(np.round(parts.sum(axis=1), 2), 0.0, 100.0)
    limits = engine.FIT_SLOPE * components[:, 0]
    gates = scores.gates[rows, cols]
    mixed = np.empty((len(rows), 10), dtype=np.float64)
    mixed[:, 0::2], mixed[:, 1::2] = np.round(components, 4), parts
    firm_pk = np.array([c.pk for c in explainer.firms.rows], dtype=np.int64)[rows].tolist()
    opp_pk = np.array([o.pk for o in explainer.opps.rows], dtype=np.int64)[cols].tolist()
    reasons = explainer.reasons_column(rows, cols, components).tolist()
    reasons = feedback.reasons_with(reasons, rows, cols, penalty, explainer.corpus)  # workspace (#14)
    gaps = explainer.gaps_column(rows, cols, components, gates, limits).tolist()
    eligible = scores.eligible[rows, cols].tolist()
    make = tuple.__new__
    # tuple.__new__ makes the NamedTuple without a Python-level __new__ per row (five times slower on a 100,000-row
    # chunk).
    return [
        make(StoredMatch, (firm, opp, run_id, total, parts, reason, gap, ok, now))
        for firm, opp, total, parts, reason, gap, ok in zip(
            firm_pk, opp_pk, totals.tolist(), _parts_texts(mixed), reasons, gaps, eligible, strict=True
        )
    ]


def _parts_texts(mixed: np.ndarray) -> list[str]:
    """Each row's parts as JSON text, _PARTS_JSON % row, its numbers' texts looked up (rounded_texts)."""
    return rows_as_text(
        mixed,
        template=_PARTS_TEXT,
        tables=((4, _VALUE_TEXTS), (2, _POINTS_TEXTS)),
        fallback=lambda row: _PARTS_JSON % tuple(row),
    )
