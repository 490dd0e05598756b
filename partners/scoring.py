"""Partner fit from the database: read firms and partners into blocks, score with partners.fit, explain, and hand
the rows to partners.store.

It reuses matching's public reading functions (inputs.scoring_*, features.build_corpus/firm_arrays) read-only,
so a firm's area affinity is the very one its matches are scored with. Inside a match run the run hands over what
it already holds (matching.hooks.ChunkContext: the chunk's firms, their arrays and the matches just stored) and
the partner table is built once per run; outside a run (an opportunity run, the partner refit) they are read here.
docs/partners.md says how this joins the rescore runs.
"""

import datetime
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from django.utils import timezone

from companies.models import Company
from matching import inputs
from matching.features import CompanyRow, Corpus, build_corpus, firm_arrays
from matching.hooks import ChunkContext
from matching.models import Match
from matching.record import jsonb_key_order
from matching.scoring import rounded_table, rows_as_text
from partners import fit
from partners.reasons import explain
from partners.store import FitRow, partner_fits_store
from partners.table import PartnerTable, indicator, partner_table

TOP_K = 20  # partners kept per firm: the API and pages show the best ones first
BEST_OPPORTUNITIES = 5  # a firm's best matches that a partner's known programmes are compared with
CHUNK = 1000

# A fit's components as JSON text, written as PostgreSQL prints the stored jsonb (matching.record states the
# agreement), so a stored row's digest equals a fresh one's when nothing changed.
_COMPONENTS_JSON = (
    "{"
    + ", ".join(
        f'"{name}": {{"value": %r, "weight": {json.dumps(fit.WEIGHTS[name])}, "contribution": %r}}'
        for name in jsonb_key_order(fit.COMPONENTS)
    )
    + "}"
)
_JSONB_ORDER = [fit.COMPONENTS.index(name) for name in jsonb_key_order(fit.COMPONENTS)]
_COMPONENTS_TEXT = _COMPONENTS_JSON.replace("%r", "%s")  # the same, filled with numbers already written
# What repr(round(x, 4)) and repr(round(x, 2)) write for a value (0 to 1) and its points (0 to 100).
_VALUE_TEXTS = rounded_table(4, 1, lambda x: repr(round(x, 4)))
_POINTS_TEXTS = rounded_table(2, 100, lambda x: repr(round(x, 2)))


def best_opportunities(company_ids: list[int]) -> dict[int, list[int]]:
    """Each firm's BEST_OPPORTUNITIES best eligible matches (opportunity pks), best first."""
    best: dict[int, list[int]] = defaultdict(list)
    rows = (
        Match.objects.filter(company_id__in=company_ids, eligible=True)
        .order_by("company_id", "-score", "opportunity_id")
        .values_list("company_id", "opportunity_id")
    )
    for company_id, opportunity_id in rows:
        if len(best[company_id]) < BEST_OPPORTUNITIES:
            best[company_id].append(opportunity_id)
    return best


def chunks(ids: list[int], size: int = CHUNK) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def partner_fits_compute(
    *,
    company_ids: list[int],
    today: datetime.date,
    corpus: Corpus | None = None,
    chunk: ChunkContext | None = None,
    table: PartnerTable | None = None,
) -> list[FitRow]:
    """Rows for these firms: each firm's TOP_K partners with components, reasons and gaps, as JSON text.

    CORPUS is the matching run's fitted corpus when a run calls this; without it, one is built here. CHUNK is what
    the run holds for exactly these firms (their arrays and stored matches); without it they are read here. The
    rows are the same either way (tests/partners/test_partner_fit_context.py).
    """
    if corpus is None:
        opportunities = inputs.scoring_opportunities(today=today)
        corpus = build_corpus(inputs.scoring_areas(), opportunities, inputs.scoring_certifications())
    if table is None:
        table = partner_table(corpus, chunk.cache if chunk is not None else None)
    if not table.pks:
        return []
    if chunk is not None and chunk.company_ids != sorted(set(company_ids)):
        chunk = None  # not this chunk's firms: read them
    now = timezone.now()
    result: list[FitRow] = []
    if chunk is not None:
        best = chunk.best_opportunities(BEST_OPPORTUNITIES)
        for start in range(0, len(chunk.companies), CHUNK):
            part = slice(start, start + CHUNK)
            result += _fit_rows(table, chunk.companies[part], chunk.firms.affinity[part], best, now)
        return result
    for ids in chunks(company_ids):
        companies = inputs.scoring_companies(ids=ids, today=today)
        affinity = firm_arrays(corpus, companies).affinity
        result += _fit_rows(table, companies, affinity, best_opportunities(ids), now)
    return result


def _fit_rows(
    table: PartnerTable,
    companies: Sequence[CompanyRow],
    affinity: np.ndarray,
    best: dict[int, list[int]],
    now: datetime.datetime,
) -> list[FitRow]:
    """Score up to CHUNK firms against every partner and explain each firm's TOP_K partners."""
    wanted = {o for c in companies for o in best.get(c.pk, [])} | {o for ps in table.programmes for o in ps}
    columns = {o: k for k, o in enumerate(sorted(wanted))}
    block = fit.FirmBlock(
        affinity=affinity,
        size=np.array([fit.SIZES.index(c.size) if c.size in fit.SIZES else 1 for c in companies], dtype=np.int8),
        best=indicator(
            [(i, columns[o]) for i, c in enumerate(companies) for o in best.get(c.pk, [])],
            (len(companies), len(columns)),
        ),
        country=np.array(
            [table.countries.index(c.country) if c.country in table.countries else -1 for c in companies],
            dtype=np.int32,
        ),
    )
    scored = fit.score(block, table.block(columns))
    rows, cols = fit.keep(scored.score, top_k=TOP_K)
    components = scored.components[rows, cols]  # (n, 4)
    reasons, gaps = explain(table, companies, block, components, rows, cols, best, table.slugs_of(wanted))
    return _rows(table, companies, rows, cols, scored.score, components, reasons, gaps, now)


def _rows(
    table: PartnerTable,
    companies: Sequence[CompanyRow],
    rows: np.ndarray,
    cols: np.ndarray,
    score: np.ndarray,
    components: np.ndarray,
    reasons: list[str],
    gaps: list[str],
    now: datetime.datetime,
) -> list[FitRow]:
    """The kept pairs as FitRows; each value rounded as round() does it (the text json.dumps would give)."""
    values = components[:, _JSONB_ORDER].astype(np.float64)
    mixed = np.empty((len(rows), 2 * len(_JSONB_ORDER)), dtype=np.float64)
    mixed[:, 0::2] = values
    mixed[:, 1::2] = values * np.array([100.0 * fit.WEIGHTS[fit.COMPONENTS[k]] for k in _JSONB_ORDER])
    parts = _components_texts(mixed)
    company_pks = np.array([c.pk for c in companies], dtype=np.int64)[rows].tolist()
    partner_pks = np.array(table.pks, dtype=np.int64)[cols].tolist()
    scores = list(map(round, score[rows, cols].astype(np.float64).tolist(), [2] * len(rows)))
    make = tuple.__new__  # a NamedTuple without its Python-level __new__ per row
    return [
        make(FitRow, (c, p, s, js, r, g, now))
        for c, p, s, js, r, g in zip(company_pks, partner_pks, scores, parts, reasons, gaps, strict=True)
    ]


def _components_texts(mixed: np.ndarray) -> list[str]:
    """Each row's _COMPONENTS_JSON, values rounded to 4 places and points to 2 (matching.scoring.rows_as_text; a row
    with a number off the tables is written with round() as before)."""
    return rows_as_text(
        mixed,
        template=_COMPONENTS_TEXT,
        tables=((4, _VALUE_TEXTS), (2, _POINTS_TEXTS)),
        fallback=lambda row: _COMPONENTS_JSON % tuple(map(round, row, [4, 2] * len(_JSONB_ORDER))),
    )


def partner_fits_after_chunk(
    *, company_ids: list[int], today: datetime.date, corpus: Corpus | None = None, chunk: ChunkContext | None = None
) -> int:
    """The matching runs' hook (registered in PartnersConfig.ready): refit these firms now their matches are stored,
    from what the run hands over (CHUNK) when it does."""
    fits = partner_fits_compute(company_ids=company_ids, today=today, corpus=corpus, chunk=chunk)
    return partner_fits_store(company_ids=company_ids, fits=fits)


def partner_fits_rescore(*, company_ids: list[int] | None = None, today: datetime.date | None = None) -> int:
    """Recompute and replace the partner fits of these firms (all firms by default), chunk by chunk."""
    today = today or timezone.localdate()
    ids = company_ids if company_ids is not None else list(Company.objects.order_by("pk").values_list("pk", flat=True))
    # One corpus and one partner table for every chunk, as a match run shares its own.
    corpus = build_corpus(
        inputs.scoring_areas(), inputs.scoring_opportunities(today=today), inputs.scoring_certifications()
    )
    cache: dict[str, Any] = {}  # the partner table, rebuilt only if a partner changes meanwhile
    stored = 0
    for chunk in chunks(ids):
        table = partner_table(corpus, cache)
        fits = partner_fits_compute(company_ids=chunk, today=today, corpus=corpus, table=table)
        stored += partner_fits_store(company_ids=chunk, fits=fits)
    return stored
