"""From plain rows to the rows a Match table stores: corpus, arrays, engine, explanations (no writes).

matching.runs calls these and matching.store does the writing; tasks and the `rescore` command call runs.
"""

from __future__ import annotations

import datetime
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
from matching.record import StoredMatch, jsonb_key_order

# One row of matching_match (matching.record states how its JSON text must read).
Record = StoredMatch

# Components in jsonb key order, so an unchanged row compares equal as text (matching.record).
_JSONB_ORDER = [engine.COMPONENTS.index(key) for key in jsonb_key_order(engine.COMPONENTS)]
_COMPONENT_JSON = (
    "{"
    + ", ".join(
        f'"{engine.COMPONENTS[k]}": {{"value": %.4f, "weight": {engine.WEIGHTS[engine.COMPONENTS[k]]}, '
        '"contribution": %.2f}'
        for k in _JSONB_ORDER
    )
    + "}"
)


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
    ordered = mixed.reshape(-1, 5, 2)[:, _JSONB_ORDER, :].reshape(-1, 10)
    firm_pk = np.array([c.pk for c in explainer.firms.rows], dtype=np.int64)[rows].tolist()
    opp_pk = np.array([o.pk for o in explainer.opps.rows], dtype=np.int64)[cols].tolist()
    reasons = explainer.reasons_column(rows, cols, components).tolist()
    reasons = feedback.reasons_with(reasons, rows, cols, penalty, explainer.corpus)  # workspace (#14)
    gaps = explainer.gaps_column(rows, cols, components, gates, limits).tolist()
    eligible = scores.eligible[rows, cols].tolist()
    fmt, make = _COMPONENT_JSON, tuple.__new__
    # One pass writes each row's JSON and its record; tuple.__new__ makes the NamedTuple without a Python-level
    # __new__ per row (five times slower on a 100,000-row chunk).
    return [
        make(StoredMatch, (firm, opp, run_id, total, fmt % tuple(values), reason, gap, ok, now))
        for firm, opp, total, values, reason, gap, ok in zip(
            firm_pk, opp_pk, totals.tolist(), ordered.tolist(), reasons, gaps, eligible, strict=True
        )
    ]
