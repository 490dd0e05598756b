"""The reasons and gaps of partner fits, as JSON text of {code, params} items (matching/messages.py renders them).

partners.scoring scores the pairs and calls `explain` for the kept ones; each kind of item is picked for all pairs
at once, from texts written once per partner, firm or list of areas.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np

from matching.evidence import spread
from matching.features import CompanyRow
from partners import fit
from partners.table import PartnerTable, item

SHOWN_AREAS = 3
NO_SHARED_AREA = json.dumps({"code": "partner.no_shared_area", "params": {}})
LOW_CONFIDENCE = json.dumps({"code": "partner.low_confidence", "params": {}})


def explain(
    table: PartnerTable,
    companies: Sequence[CompanyRow],
    block: fit.FirmBlock,
    components: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    best: dict[int, list[int]],
    opportunity_slugs: dict[int, str],
) -> tuple[list[str], list[str]]:
    """Reasons and gaps of every kept pair as JSON text of {code, params} items (matching/messages.py renders them).

    Each kind of item is picked for all pairs at once, from texts written once per partner, firm or list of
    areas, and the pairs' arrays are joined at the end: a loop writing each pair's items cost seconds a run.
    """
    _shared, role, programmes, ties = components.T
    shared = shared_areas(table, block.affinity, rows, cols)
    tied = (ties > 0) & (table.tie_items[cols] != "")
    reasons = json_arrays(
        shared,
        np.where(role >= 0.5, table.role_items[cols], ""),
        known_programmes(table, companies, rows, cols, programmes > 0, best, opportunity_slugs),
        np.where(tied, table.tie_items[cols], ""),
        same_country(table, companies, block.country, rows, cols, tied),
    )
    gaps = json_arrays(np.where(shared == "", NO_SHARED_AREA, ""), np.where(table.low[cols], LOW_CONFIDENCE, ""))
    return reasons, gaps


def shared_areas(table: PartnerTable, affinity: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Each pair's 'shared areas' item ("" for none): its SHOWN_AREAS largest of firm affinity x partner weight, at
    least 0.1, largest first. Each distinct list is written once."""
    overlap = affinity[rows] * table.areas[cols]
    top = np.argsort(-overlap, axis=1)[:, :SHOWN_AREAS]
    strong = np.take_along_axis(overlap, top, axis=1) >= 0.1
    # The list as one number: digit k (base n_areas + 1) is the k-th area + 1, or 0 where that one is too weak.
    digits = (len(table.area_slugs) + 1) ** np.arange(top.shape[1], dtype=np.int64)
    keys = ((top.astype(np.int64) + 1) * strong) @ digits

    def write(first: np.ndarray) -> list[str]:
        written = []
        for key, areas, shown in zip(keys[first].tolist(), top[first].tolist(), strong[first].tolist(), strict=True):
            slugs = [table.area_slugs[j] for j, ok in zip(areas, shown, strict=True) if ok]
            written.append(item("partner.shared_areas", areas=slugs) if key else "")
        return written

    return spread(keys, write)


def known_programmes(
    table: PartnerTable,
    companies: Sequence[CompanyRow],
    rows: np.ndarray,
    cols: np.ndarray,
    known: np.ndarray,
    best: dict[int, list[int]],
    opportunity_slugs: dict[int, str],
) -> np.ndarray:
    """The 'known programmes' item where KNOWN ("" elsewhere): the firm's best opportunities the partner took part
    in, best first. Few distinct lists recur across pairs, so each is written once."""
    texts = np.full(len(rows), "", dtype=object)
    written: dict[tuple[str, ...], str] = {}
    found = []
    for i, p in zip(rows[known].tolist(), cols[known].tolist(), strict=True):
        mine = table.programme_sets[p]
        common = tuple(
            opportunity_slugs[o] for o in best.get(companies[i].pk, []) if o in mine and o in opportunity_slugs
        )
        if common not in written:
            written[common] = item("partner.known_programmes", opportunities=list(common))
        found.append(written[common])
    texts[known] = found
    return texts


def same_country(
    table: PartnerTable,
    companies: Sequence[CompanyRow],
    country: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    tied: np.ndarray,
) -> np.ndarray:
    """The 'same country' item ("" elsewhere) where the pair is TIED and the partner has a foreign partnership in
    the firm's country (COUNTRY: each firm's index into table.countries, -1 for none)."""
    texts = np.full(len(rows), "", dtype=object)
    if not table.countries:
        return texts
    firm_country = country[rows]
    same = tied & (firm_country >= 0) & table.tie_countries[cols, np.maximum(firm_country, 0)]
    if same.any():
        names = {c.country for c in companies}
        written = {name: item("partner.same_country_partner", country=name) for name in names}
        texts[same] = [written[companies[i].country] for i in rows[same].tolist()]
    return texts


def json_arrays(*columns: np.ndarray) -> list[str]:
    """Per pair, the items found in COLUMNS ("" where none) as one JSON array, as json.dumps writes the list."""
    return ["[" + ", ".join(filter(None, items)) + "]" for items in zip(*(c.tolist() for c in columns), strict=True)]
