"""The partner table: every partner as partners.fit.PartnerBlock arrays, with what the explanations name, built once
per run (or per refit) and rebuilt when a partner changes meanwhile. partners.scoring scores against it and
partners.reasons explains from it.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.db.models import Count, Max

from matching.features import Corpus
from partners import fit
from partners.models import ForeignPartnership, Partner, PartnerArea
from programmes.models import Confidence, Opportunity

TABLE_KEY = "partners.table"  # the partner table in a run's ChunkContext.cache


def item(code: str, **params: Any) -> str:
    """One explanation item as JSON text (json.dumps of the list joins its items' texts with ", ")."""
    return json.dumps({"code": code, "params": params}, ensure_ascii=False)


def texts(texts: list[str]) -> np.ndarray:
    """TEXTS as an object array, to pick one per pair with NumPy."""
    out = np.empty(len(texts), dtype=object)
    out[:] = texts
    return out


class PartnerTable:
    """Every partner as fit.PartnerBlock plus what the explanations name (slugs, programmes, counterparts)."""

    def __init__(self, area_slugs: list[str]) -> None:
        rows = list(Partner.objects.order_by("pk").values_list("pk", "slug", "role", "confidence"))
        self.pks = [pk for pk, *_ in rows]
        self.slugs = [slug for _, slug, _, _ in rows]
        self.low = np.array([confidence == Confidence.LOW for *_, confidence in rows], dtype=np.bool_)
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
        # What the explanations of every pair reuse: each partner's programme set, tie countries and fixed items.
        self.programme_sets = [frozenset(opps) for opps in self.programmes]
        self.tie_sets = [frozenset(cs) for cs in tie_country]
        self.role_items = texts([item("partner.complementary_role", role=fit.ROLES[r]) for r in self.role.tolist()])
        self.tie_items = texts(
            [item("partner.foreign_partnerships", counterparts=cs) if cs else "" for cs in self.counterparts]
        )
        self.opportunity_slugs: dict[int, str] = {}
        self.fingerprint: tuple[Any, ...] = ()

    def block(self, opportunity_columns: dict[int, int]) -> fit.PartnerBlock:
        """The partners against the opportunity columns of one chunk."""
        pairs = [(i, opportunity_columns[o]) for i, opps in enumerate(self.programmes) for o in opps]
        programmes = indicator(pairs, (len(self.pks), len(opportunity_columns)))
        return fit.PartnerBlock(
            areas=self.areas, role=self.role, programmes=programmes, ties=self.ties, tie_countries=self.tie_countries
        )

    def slugs_of(self, opportunity_ids: set[int]) -> dict[int, str]:
        """Opportunity slugs by pk, read once per table (every chunk of a run asks for mostly the same ones)."""
        missing = opportunity_ids - self.opportunity_slugs.keys()
        if missing:
            self.opportunity_slugs.update(Opportunity.objects.filter(pk__in=missing).values_list("pk", "slug"))
        return self.opportunity_slugs


def indicator(pairs: list[tuple[int, int]], shape: tuple[int, int]) -> sp.csr_matrix:
    if not pairs:
        return sp.csr_matrix(shape, dtype=np.float32)
    rows, cols = zip(*pairs, strict=True)
    return sp.csr_matrix((np.ones(len(pairs), dtype=np.float32), (rows, cols)), shape=shape)


def partners_fingerprint() -> tuple[Any, ...]:
    """What changes when a partner is added, deleted or saved (one aggregate query): a cached table is rebuilt then."""
    found = Partner.objects.aggregate(n=Count("pk"), last=Max("pk"), updated=Max("updated_at"))
    return (found["n"], found["last"], found["updated"])


def partner_table(corpus: Corpus, cache: dict[str, Any] | None = None) -> PartnerTable:
    """The partner table for CORPUS's areas, from CACHE (a run's ChunkContext.cache) when built there before.

    A run lasts minutes, so each chunk checks the partners' fingerprint: a partner deleted, added or edited
    meanwhile rebuilds the table instead of writing fits for a partner that is gone or scoring stale data.
    """
    area_slugs = [area.slug for area in corpus.areas]
    fingerprint = partners_fingerprint()
    table = cache.get(TABLE_KEY) if cache is not None else None
    if table is None or table.area_slugs != area_slugs or table.fingerprint != fingerprint:
        table = PartnerTable(area_slugs)
        table.fingerprint = fingerprint
        if cache is not None:
            cache[TABLE_KEY] = table
    return table
