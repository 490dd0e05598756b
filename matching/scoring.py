"""From plain rows to the rows a Match table stores: corpus, arrays, engine, explanations (no writes).

services.py calls these and does the writing; tasks and the `rescore` command call services.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import numpy as np

from matching import engine
from matching.explain import Explainer
from matching.features import (
    AreaRow,
    CertificationRow,
    CompanyRow,
    Corpus,
    OpportunityArrays,
    OpportunityRow,
    align_countries,
    build_corpus,
    firm_arrays,
    opportunity_arrays,
)

# One row of matching_match in COPY column order (see services.MATCH_COLUMNS).
Record = tuple[int, int, int | None, float, str, str, str, bool, datetime.datetime]

# Components as PostgreSQL prints jsonb (keys by length, then bytes), so an unchanged row compares equal as text.
_JSONB_ORDER = sorted(range(len(engine.COMPONENTS)), key=lambda k: (len(engine.COMPONENTS[k]), engine.COMPONENTS[k]))
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


@dataclass
class Scored:
    """A chunk's outcome: how many pairs were scored and the records to store."""

    pairs: int
    records: list[Record]


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
    rows, cols = keep(scores) if keep else engine.keep(scores.score)
    explainer = Explainer(context.corpus, firms, opps, country_names=context.country_names)
    return Scored(pairs=len(companies) * len(opps.rows), records=_records(explainer, scores, rows, cols, run_id, now))


def _records(
    explainer: Explainer,
    scores: engine.Scores,
    rows: np.ndarray,
    cols: np.ndarray,
    run_id: int | None,
    now: datetime.datetime,
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
    component_json = [_COMPONENT_JSON % tuple(values) for values in ordered.tolist()]
    firm_pk = np.array([c.pk for c in explainer.firms.rows], dtype=np.int64)[rows].tolist()
    opp_pk = np.array([o.pk for o in explainer.opps.rows], dtype=np.int64)[cols].tolist()
    reasons = explainer.reasons_column(rows, cols, components).tolist()
    gaps = explainer.gaps_column(rows, cols, components, gates, limits).tolist()
    n = len(rows)
    return list(
        zip(
            firm_pk,
            opp_pk,
            [run_id] * n,
            totals.tolist(),
            component_json,
            reasons,
            gaps,
            scores.eligible[rows, cols].tolist(),
            [now] * n,
            strict=True,
        )
    )
