"""Partner fit: a 0-100 score for every firm x partner pair, vectorised over whole blocks with NumPy (no Django).

Four components, each in [0, 1], weighted in one place (WEIGHTS) so their contributions add up to the score:
- shared_areas: the firm's best shared area, its affinity (matching.features) times the partner's weight there;
- complementary_role: how well the partner's role complements a firm of that size (ROLE_FIT), e.g. an AU/US
  start-up or SME beside a Japanese prime that holds the programme;
- known_programmes: share of the firm's best opportunities the partner already works on;
- foreign_ties: the partner's record of foreign partnerships, more so with the firm's own country.
Role and ties count in proportion to how far the areas overlap (RELEVANCE_AT): a large prime in unrelated areas
must not outrank a specialist in the firm's own field just for being large.
"""

from dataclasses import dataclass
from typing import Final

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

Float = NDArray[np.float32]

COMPONENTS: Final = ("shared_areas", "complementary_role", "known_programmes", "foreign_ties")
WEIGHTS: Final = {"shared_areas": 0.6, "complementary_role": 0.15, "known_programmes": 0.15, "foreign_ties": 0.1}
SIZES: Final = ("startup", "sme", "large")
ROLES: Final = ("prime", "supplier", "startup", "sme", "research", "trading_house", "industry_body")
# Rows: firm size (SIZES); columns: partner role (ROLES). Small foreign firms gain most from a prime or a
# trading house that holds the customer relationship; large firms also team with suppliers and start-ups.
# Research bodies rarely team commercially with foreign firms, so they rank after firms of the same profile.
ROLE_FIT: Final = np.array(
    [
        [1.0, 0.7, 0.4, 0.5, 0.4, 0.7, 0.5],
        [1.0, 0.8, 0.4, 0.5, 0.4, 0.7, 0.5],
        [0.9, 0.8, 0.6, 0.7, 0.4, 0.6, 0.4],
    ],
    dtype=np.float32,
)
RELEVANCE_AT: Final = 0.3  # a shared area this strong makes role and ties count in full
TIES_FULL: Final = 2.0  # foreign partnerships that make the ties component's first half full
EPS: Final = 1e-9


@dataclass
class PartnerBlock:
    """All partners, row-aligned: area weights, role, programme links, foreign ties."""

    areas: Float  # (P, A) weights 0-1
    role: NDArray[np.int8]  # (P,) index into ROLES
    programmes: sp.csr_matrix  # (P, O) 1 where the partner works on that opportunity
    ties: Float  # (P,) number of known foreign partnerships
    tie_countries: NDArray[np.bool_]  # (P, C) a partnership with that country


@dataclass
class FirmBlock:
    """A chunk of firms, row-aligned: area affinity, size, best opportunities, country index."""

    affinity: Float  # (F, A) in [0, 1]
    size: NDArray[np.int8]  # (F,) index into SIZES
    best: sp.csr_matrix  # (F, O) 1 for each of the firm's best opportunities
    country: NDArray[np.int32]  # (F,) index into the partners' country table, -1 if none


@dataclass
class Fit:
    """Scores (F, P) and components (F, P, 4), each component already in [0, 1]."""

    score: Float
    components: Float


def shared_areas(affinity: Float, areas: Float) -> Float:
    """Each firm x partner pair's best shared area: the largest of the firm's affinity times the partner's weight.

    A partner whose core business is the firm's own area scores the firm's affinity there; one that works in it as a
    side line (weight 0.5) half of it; what else the partner does neither helps nor hurts. The reasons name the
    areas in this same order (partners.reasons.shared_areas). Until 5 December 2026 this was the cosine of the two
    rows times the partner's top weight, which also lowered a partner for every area it works in beyond the firm's
    (docs/partners.md, "Partner fit").
    """
    best = np.zeros((affinity.shape[0], areas.shape[0]), dtype=np.float32)
    for area in range(affinity.shape[1]):  # one (firms, partners) array at a time, not (firms, partners, areas)
        np.maximum(best, affinity[:, area, None] * areas[None, :, area], out=best)
    return best


def known_programmes(best: sp.csr_matrix, programmes: sp.csr_matrix) -> Float:
    """Share of each firm's best opportunities that each partner works on."""
    hits = np.asarray((best @ programmes.T).todense(), dtype=np.float32)
    per_firm = np.maximum(np.asarray(best.sum(axis=1), dtype=np.float32), 1.0)
    return np.minimum(hits / per_firm, 1.0)


def foreign_ties(firms: FirmBlock, partners: PartnerBlock) -> Float:
    """Half for having foreign partners at all, half for one from the firm's own country."""
    record = np.minimum(partners.ties / TIES_FULL, 1.0)[None, :]
    known = firms.country >= 0
    same = np.zeros((len(firms.country), len(partners.ties)), dtype=np.float32)
    if partners.tie_countries.shape[1]:
        same[known] = partners.tie_countries.T[firms.country[known]].astype(np.float32)
    return (0.5 * record + 0.5 * same).astype(np.float32)


def score(firms: FirmBlock, partners: PartnerBlock) -> Fit:
    """Every firm x partner pair of the block at once."""
    shared = shared_areas(firms.affinity, partners.areas)
    relevance = np.minimum(shared / RELEVANCE_AT, 1.0)
    role = ROLE_FIT[firms.size][:, partners.role] * relevance
    programmes = known_programmes(firms.best, partners.programmes)
    ties = foreign_ties(firms, partners) * relevance
    components = np.stack([shared, role, programmes, ties], axis=-1).astype(np.float32)
    weights = np.array([WEIGHTS[name] for name in COMPONENTS], dtype=np.float32)
    return Fit(score=(100.0 * components @ weights).astype(np.float32), components=components)


def keep(score_matrix: Float, *, top_k: int) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """(firm rows, partner columns) of each firm's TOP_K best partners."""
    n_firms, n_partners = score_matrix.shape
    k = min(top_k, n_partners)
    if k == 0:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    cols = np.argpartition(-score_matrix, k - 1, axis=1)[:, :k]
    rows = np.repeat(np.arange(n_firms), k)
    return rows, cols.ravel()
