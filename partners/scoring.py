"""Partner fit from the database: read firms and partners into blocks, score with partners.fit, explain, store.

It reuses matching's public reading functions (inputs.scoring_*, features.build_corpus/firm_arrays) read-only,
so a firm's area affinity is the very one its matches are scored with. docs/partners.md says how this joins the
rescore runs.
"""

import datetime
import json
from collections import defaultdict
from collections.abc import Iterator

import numpy as np
import scipy.sparse as sp
from django.db import connection, transaction
from django.utils import timezone

from companies.models import Company
from matching import inputs
from matching.features import Corpus, build_corpus, firm_arrays
from matching.models import Match
from partners import fit
from partners.models import ForeignPartnership, Partner, PartnerArea, PartnerFit
from programmes.models import Confidence

TOP_K = 20  # partners kept per firm: the API and pages show the best ones first
BEST_OPPORTUNITIES = 5  # a firm's best matches that a partner's known programmes are compared with
CHUNK = 1000
SHOWN_AREAS = 3


class PartnerTable:
    """Every partner as fit.PartnerBlock plus what the explanations name (slugs, programmes, counterparts)."""

    def __init__(self, area_slugs: list[str]) -> None:
        rows = list(Partner.objects.order_by("pk").values_list("pk", "slug", "role", "confidence"))
        self.pks = [pk for pk, *_ in rows]
        self.slugs = [slug for _, slug, _, _ in rows]
        self.low = [confidence == Confidence.LOW for *_, confidence in rows]
        self.area_slugs = area_slugs
        index = {pk: i for i, pk in enumerate(self.pks)}
        area_index = {slug: j for j, slug in enumerate(area_slugs)}
        areas = np.zeros((len(rows), len(area_slugs)), dtype=np.float32)
        links = PartnerArea.objects.values_list("partner_id", "technology_area__slug", "weight")
        for partner_id, slug, weight in links:
            if slug in area_index:
                areas[index[partner_id], area_index[slug]] = weight
        self.programmes: list[list[int]] = [[] for _ in rows]
        programmes = Partner.programmes.through.objects.values_list("partner_id", "opportunity_id")
        for partner_id, opportunity_id in programmes:
            self.programmes[index[partner_id]].append(opportunity_id)
        self.counterparts: list[list[str]] = [[] for _ in rows]
        tie_country: list[list[str]] = [[] for _ in rows]
        for partner_id, name, country in ForeignPartnership.objects.values_list("partner_id", "counterpart", "country"):
            self.counterparts[index[partner_id]].append(name)
            tie_country[index[partner_id]].append(str(country))
        self.countries = sorted({c for cs in tie_country for c in cs})
        country_index = {c: k for k, c in enumerate(self.countries)}
        ties = np.zeros((len(rows), len(self.countries)), dtype=np.bool_)
        for i, cs in enumerate(tie_country):
            for c in cs:
                ties[i, country_index[c]] = True
        self.areas = areas
        self.role = np.array([fit.ROLES.index(role) for _, _, role, _ in rows], dtype=np.int8)
        self.ties = np.array([len(cs) for cs in self.counterparts], dtype=np.float32)
        self.tie_countries = ties

    def block(self, opportunity_columns: dict[int, int]) -> fit.PartnerBlock:
        """The partners against the opportunity columns of one chunk."""
        pairs = [(i, opportunity_columns[o]) for i, opps in enumerate(self.programmes) for o in opps]
        programmes = _indicator(pairs, (len(self.pks), len(opportunity_columns)))
        return fit.PartnerBlock(
            areas=self.areas, role=self.role, programmes=programmes, ties=self.ties, tie_countries=self.tie_countries
        )


def _indicator(pairs: list[tuple[int, int]], shape: tuple[int, int]) -> sp.csr_matrix:
    if not pairs:
        return sp.csr_matrix(shape, dtype=np.float32)
    rows, cols = zip(*pairs, strict=True)
    return sp.csr_matrix((np.ones(len(pairs), dtype=np.float32), (rows, cols)), shape=shape)


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
    *, company_ids: list[int], today: datetime.date, corpus: Corpus | None = None
) -> list[PartnerFit]:
    """Unsaved PartnerFit rows for these firms: each firm's TOP_K partners with components, reasons and gaps.

    CORPUS is the matching run's fitted corpus when a run calls this; without it, one is built here.
    """
    if corpus is None:
        opportunities = inputs.scoring_opportunities(today=today)
        corpus = build_corpus(inputs.scoring_areas(), opportunities, inputs.scoring_certifications())
    table = PartnerTable([area.slug for area in corpus.areas])
    if not table.pks:
        return []
    opportunity_slugs = {}
    result: list[PartnerFit] = []
    now = timezone.now()
    for chunk in chunks(company_ids):
        companies = inputs.scoring_companies(ids=chunk, today=today)
        firms = firm_arrays(corpus, companies)
        best = best_opportunities(chunk)
        wanted = {o for c in companies for o in best.get(c.pk, [])} | {o for ps in table.programmes for o in ps}
        columns = {o: k for k, o in enumerate(sorted(wanted))}
        block = fit.FirmBlock(
            affinity=firms.affinity,
            size=np.array([fit.SIZES.index(c.size) if c.size in fit.SIZES else 1 for c in companies], dtype=np.int8),
            best=_indicator(
                [(i, columns[o]) for i, c in enumerate(companies) for o in best.get(c.pk, [])],
                (len(companies), len(columns)),
            ),
            country=np.array(
                [table.countries.index(c.country) if c.country in table.countries else -1 for c in companies],
                dtype=np.int32,
            ),
        )
        scored = fit.score(block, table.block(columns))
        if not opportunity_slugs and wanted:
            opportunity_slugs.update(_slugs(wanted))
        elif wanted - set(opportunity_slugs):
            opportunity_slugs.update(_slugs(wanted - set(opportunity_slugs)))
        rows, cols = fit.keep(scored.score, top_k=TOP_K)
        for i, p in zip(rows.tolist(), cols.tolist(), strict=True):
            company = companies[i]
            reasons, gaps = explain_pair(
                table, p, companies[i].country, firms.affinity[i], scored.components[i, p], best.get(company.pk, []),
                opportunity_slugs,
            )  # fmt: skip
            result.append(
                PartnerFit(
                    company_id=company.pk,
                    partner_id=table.pks[p],
                    score=round(float(scored.score[i, p]), 2),
                    components=_components(scored.components[i, p]),
                    reasons=reasons,
                    gaps=gaps,
                    computed_at=now,
                )
            )
    return result


def _slugs(opportunity_ids: set[int]) -> dict[int, str]:
    from programmes.models import Opportunity

    return dict(Opportunity.objects.filter(pk__in=opportunity_ids).values_list("pk", "slug"))


def _components(values: np.ndarray) -> dict[str, dict[str, float]]:
    return {
        name: {
            "value": round(float(values[k]), 4),
            "weight": fit.WEIGHTS[name],
            "contribution": round(100.0 * fit.WEIGHTS[name] * float(values[k]), 2),
        }
        for k, name in enumerate(fit.COMPONENTS)
    }


def explain_pair(
    table: PartnerTable,
    p: int,
    country: str,
    affinity: np.ndarray,
    components: np.ndarray,
    best: list[int],
    opportunity_slugs: dict[int, str],
) -> tuple[list[dict], list[dict]]:
    """Reasons and gaps of one kept pair as {code, params} items (matching/messages.py renders them)."""
    shared, role, programmes, ties = (float(v) for v in components)
    reasons: list[dict] = []
    gaps: list[dict] = []
    overlap = affinity * table.areas[p]
    top = [j for j in np.argsort(-overlap)[:SHOWN_AREAS] if overlap[j] >= 0.1]
    if top:
        reasons.append({"code": "partner.shared_areas", "params": {"areas": [table.area_slugs[j] for j in top]}})
    else:
        gaps.append({"code": "partner.no_shared_area", "params": {}})
    if role >= 0.5:
        reasons.append({"code": "partner.complementary_role", "params": {"role": fit.ROLES[table.role[p]]}})
    if programmes > 0:
        common = [opportunity_slugs[o] for o in best if o in set(table.programmes[p]) and o in opportunity_slugs]
        reasons.append({"code": "partner.known_programmes", "params": {"opportunities": common}})
    if ties > 0 and table.counterparts[p]:
        reasons.append({"code": "partner.foreign_partnerships", "params": {"counterparts": table.counterparts[p]}})
        if country in table.countries and table.tie_countries[p, table.countries.index(country)]:
            reasons.append({"code": "partner.same_country_partner", "params": {"country": country}})
    if table.low[p]:
        gaps.append({"code": "partner.low_confidence", "params": {}})
    return reasons, gaps


@transaction.atomic
def partner_fits_store(*, company_ids: list[int], fits: list[PartnerFit]) -> int:
    """Replace these firms' partner fits in one transaction (idempotent: the same input gives the same rows)."""
    PartnerFit.objects.filter(company_id__in=company_ids).delete()
    if connection.vendor == "postgresql" and fits:
        _copy(fits)
    else:
        PartnerFit.objects.bulk_create(fits, batch_size=2000)
    return len(fits)


COPY_COLUMNS = ("company_id", "partner_id", "score", "components", "reasons", "gaps", "computed_at")


def _copy(fits: list[PartnerFit]) -> None:
    """One COPY for the chunk's rows: bulk_create spent most of a full rescore's partner step adapting parameters."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO OFF")  # a lost chunk is rewritten by the next run
        with connection.wrap_database_errors:
            columns = ", ".join(COPY_COLUMNS)
            with cursor.cursor.copy(f"COPY {PartnerFit._meta.db_table} ({columns}) FROM STDIN") as copy:
                copy.write("".join(_copy_line(fit) for fit in fits))


def _copy_line(fit: PartnerFit) -> str:
    """One row in COPY text format; JSON escapes tabs and line breaks, so only backslashes need doubling."""
    data = (fit.components, fit.reasons, fit.gaps)
    components, reasons, gaps = (json.dumps(value, ensure_ascii=False).replace("\\", "\\\\") for value in data)
    ids = f"{fit.company_id}\t{fit.partner_id}\t{fit.score}"
    return f"{ids}\t{components}\t{reasons}\t{gaps}\t{fit.computed_at.isoformat()}\n"


def partner_fits_after_chunk(*, company_ids: list[int], today: datetime.date, corpus: Corpus | None = None) -> int:
    """The matching runs' hook (registered in PartnersConfig.ready): refit these firms now their matches are stored."""
    return partner_fits_store(
        company_ids=company_ids, fits=partner_fits_compute(company_ids=company_ids, today=today, corpus=corpus)
    )


def partner_fits_rescore(*, company_ids: list[int] | None = None, today: datetime.date | None = None) -> int:
    """Recompute and replace the partner fits of these firms (all firms by default), chunk by chunk."""
    today = today or timezone.localdate()
    ids = company_ids if company_ids is not None else list(Company.objects.order_by("pk").values_list("pk", flat=True))
    # One corpus for every chunk, as a match run shares its own (building it per chunk cost ~1 s a chunk).
    corpus = build_corpus(
        inputs.scoring_areas(), inputs.scoring_opportunities(today=today), inputs.scoring_certifications()
    )
    stored = 0
    for chunk in chunks(ids):
        fits = partner_fits_compute(company_ids=chunk, today=today, corpus=corpus)
        stored += partner_fits_store(company_ids=chunk, fits=fits)
    return stored
