"""The scoring engine: plain NumPy/SciPy over a chunk of firms x all opportunities at once (no Django, no pair loop).

score = 100 * capability * (WEIGHTS["capability"] + sum(WEIGHTS[k] * component_k for the other k)), each
component in [0, 1]: the technology fit scales everything, so eligibility, readiness, compliance and timing can lower a
score by at most their weight's share but never lift a weak fit over a strong one (issue 12). A failed gate caps the
score, and the contributions are then scaled by the same factor so that they still add up to the score
(docs/matching.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Protocol

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

# Changed whenever stored scores would differ: the beat's dispatcher then starts one full rescore after the deploy
# (dispatch.engine_rescore_ensure). 2.1: a firm's defence certificates count (3 December 2026).
ENGINE_VERSION: Final = "2.1"
# The one place the weights live; they add up to 1, so a perfect fit scores 100. The other components' weights are
# the most they can take off a score: a perfect fit with nothing else met scores 100 * WEIGHTS["capability"].
WEIGHTS: Final[dict[str, float]] = {
    "capability": 0.70,
    "eligibility": 0.12,
    "readiness": 0.06,
    "compliance": 0.06,
    "timing": 0.06,
}
COMPONENTS: Final = tuple(WEIGHTS)
AREA_SHARE: Final = 0.9  # capability = AREA_SHARE * area fit + (1 - AREA_SHARE) * direct text fit
BREADTH: Final = 0.6  # area fit is divided by (the record's number of full-weight areas, counted softly) ** BREADTH
AREA_POWER: Final = 8.0  # soft maximum over a record's areas: two equal areas give 2 ** (1/8) = 1.09 x one
SECONDARY: Final = 4.0  # a record's lesser area counts (its weight / the top weight) ** SECONDARY
TEXT_FULL: Final = 0.25  # a cosine this high with the opportunity's own text counts as a full text fit
ANY_TECHNOLOGY: Final = 0.3  # capability of a record that takes any technology, times the firm's best area
# A hub is a door to each of its topics, not a statement about all of them at once: its area fit is the firm's best
# topic, each topic counting its weight relative to the hub's top weight, with no breadth discount. What a door is
# worth also depends on whether the firm can walk through it: a hub's fit keeps 1 - HUB_DOOR * (1 - presence fit)
# (a firm with no presence in Japan keeps 0.8 of it for a hub asking for a partner, 0.7 for one asking for an office).
HUB_DOOR: Final = 0.4
INELIGIBLE_CAP: Final = 30.0  # a firm failing a record's rule (country, size, age, Japanese entity) scores at most this
GATED_SHARE: Final = 0.4  # ...and at most this share of what it would score otherwise
FIT_SLOPE: Final = 100.0  # score <= FIT_SLOPE * capability, by construction
LOW_FIT: Final = 0.35  # below this capability the gaps say that little technology fit holds the score down
TRL_STEP: Final = 0.25  # readiness lost per TRL level below the minimum
# PRESENCE_FIT[firm presence][required presence]; none / partner / office.
PRESENCE_FIT: Final = np.array([[1.0, 0.5, 0.25], [1.0, 1.0, 0.5], [1.0, 1.0, 1.0]], dtype=np.float32)
UNKNOWN_TRL: Final = 0.5  # readiness when a minimum applies and the firm states no TRL
TOP_K: Final = 50  # every firm keeps at least its best TOP_K matches...
FLOOR: Final = 50.0  # ...and every match scoring at least FLOOR

# READINESS[firm TRL][minimum TRL], 0 meaning "not stated" / "no minimum": the rule above as a look-up table.
_short = np.maximum(np.arange(10)[None, :] - np.arange(10)[:, None], 0)
READINESS: Final = np.clip(1.0 - TRL_STEP * _short, 0.0, 1.0).astype(np.float32)
READINESS[0, :] = UNKNOWN_TRL
READINESS[:, 0] = 1.0

GATE_COUNTRY: Final = 1
GATE_SIZE: Final = 2
GATE_FIT: Final = 4
GATE_AGE: Final = 8  # the firm is older than the record's age limit (start-up schemes)
GATE_ENTITY: Final = 16  # the record is in practice for Japanese entities; the firm is abroad with no office in Japan
RULE_GATES: Final = GATE_COUNTRY | GATE_SIZE | GATE_AGE | GATE_ENTITY

Float = NDArray[np.float32]


class FirmBlock(Protocol):
    """What the engine reads about a chunk of n_f firms (features.FirmArrays)."""

    affinity: Float  # (n_f, n_areas)
    context: Float  # (n_f,)
    text: sp.csr_matrix  # (n_f, V)
    country: NDArray[np.int32]
    size: NDArray[np.int8]
    trl: NDArray[np.int8]
    presence: NDArray[np.int8]
    certs: Float  # (n_f, n_classes)
    age: NDArray[np.int16]  # -1 = not stated
    japanese: NDArray[np.bool_]  # based in Japan or with an office there


class OpportunityBlock(Protocol):
    """What the engine reads about the n_o scored opportunities (features.OpportunityArrays)."""

    areas: Float  # (n_o, n_areas)
    text_t: sp.csc_matrix  # (V, n_o)
    country_ok: NDArray[np.bool_]
    size_ok: NDArray[np.bool_]
    min_trl: NDArray[np.int8]
    presence: NDArray[np.int8]
    required: Float  # (n_o, n_classes)
    timing: Float  # (n_o,)
    max_age: NDArray[np.int16]  # -1 = no limit
    japanese_entity: NDArray[np.bool_]
    hub: NDArray[np.bool_]  # (n_o,) the record is a hub (a door to programmes), not a statement of one need


@dataclass
class Scores:
    """Scores of a chunk: components (5, n_f, n_o), raw and final scores, and which gates failed."""

    components: Float
    raw: Float
    score: Float
    gates: NDArray[np.uint8]

    @property
    def eligible(self) -> NDArray[np.bool_]:
        return (self.gates & RULE_GATES) == 0


def area_fit(affinity: Float, areas: Float) -> Float:
    """A soft maximum (power sum, p = AREA_POWER) of the firm's affinity over the areas a record asks for, each
    scaled by (its weight over the record's top weight) ** SECONDARY, divided by breadth ** BREADTH, where breadth
    counts the areas at that same soft weight (about the number of full-weight areas): a record listing five areas
    gains nothing over the firm's one-area record (0 where it asks none). One matrix product, as fast as before."""
    top = areas.max(axis=1, initial=0.0)
    relative = areas / np.where(top > 0, top, 1.0)[:, None]
    counted = np.power(relative, AREA_POWER * SECONDARY)
    breadth = np.power(np.maximum(counted.sum(axis=1), 1.0), -BREADTH).astype(np.float32)
    powered: Float = (np.power(affinity, AREA_POWER) @ counted.T).astype(np.float32, copy=False)
    np.power(powered, np.float32(1.0 / AREA_POWER), out=powered)
    powered *= breadth[None, :]
    return powered


def text_fit(text: sp.csr_matrix, text_t: sp.csc_matrix) -> Float:
    """Cosine of the firm's words with each opportunity's own text, scaled so TEXT_FULL counts as a full fit."""
    cosine = np.asarray((text @ text_t).toarray(), dtype=np.float32)
    return np.minimum(cosine / TEXT_FULL, 1.0, out=cosine)


def capability(firms: FirmBlock, opportunities: OpportunityBlock) -> Float:
    """Technology fit; hubs are doors to their topics (door_fit, HUB_DOOR); records asking for no area get a
    neutral term scaled by the firm's strongest area."""
    trust = firms.context[:, None]  # mostly civilian firms' words count for less here too
    fit = AREA_SHARE * area_fit(firms.affinity, opportunities.areas)
    asks = opportunities.areas.sum(axis=1) > 0
    doors = np.flatnonzero(opportunities.hub & asks)
    if len(doors):
        fit[:, doors] = AREA_SHARE * door_fit(firms.affinity, opportunities.areas[doors])
    fit += (1.0 - AREA_SHARE) * text_fit(firms.text, opportunities.text_t) * (0.35 + 0.65 * trust)
    if not asks.all():
        fit[:, ~asks] = (ANY_TECHNOLOGY * firms.affinity.max(axis=1, initial=0.0))[:, None]
    hubs = np.flatnonzero(opportunities.hub)
    if len(hubs):
        presence = PRESENCE_FIT[np.ix_(firms.presence, opportunities.presence[hubs])]
        fit[:, hubs] *= 1.0 - HUB_DOOR * (1.0 - presence)
    return fit


def door_fit(affinity: Float, areas: Float) -> Float:
    """A hub's area fit: the firm's best topic, each counting its weight relative to the hub's top weight."""
    relative = areas / np.maximum(areas.max(axis=1, keepdims=True), np.float32(1e-9))
    return np.asarray((affinity[:, None, :] * relative[None, :, :]).max(axis=2), dtype=np.float32)


def eligibility(firms: FirmBlock, opportunities: OpportunityBlock) -> tuple[Float, NDArray[np.uint8]]:
    """The record's rules as gates (0 when one fails) times how far the firm's presence in Japan meets the ask.

    Rules: country, size, age (a firm founded longer ago than the limit; unknown age passes) and "Japanese entity
    in practice" (passed by a firm based in Japan or with an office there).
    """
    country = opportunities.country_ok[firms.country]
    size = opportunities.size_ok[firms.size]
    gates = (~country).astype(np.uint8) * GATE_COUNTRY | (~size).astype(np.uint8) * GATE_SIZE
    limit = opportunities.max_age
    too_old = (limit[None, :] >= 0) & (firms.age[:, None] > limit[None, :])
    gates |= too_old.astype(np.uint8) * np.uint8(GATE_AGE)
    abroad = opportunities.japanese_entity[None, :] & ~firms.japanese[:, None]
    gates |= abroad.astype(np.uint8) * np.uint8(GATE_ENTITY)
    presence = PRESENCE_FIT[np.ix_(firms.presence, opportunities.presence)]
    return np.where(gates == 0, presence, 0.0).astype(np.float32), gates


def readiness(trl: NDArray[np.int8], min_trl: NDArray[np.int8]) -> Float:
    """1 at or above the minimum TRL, TRL_STEP less per level short; UNKNOWN_TRL when the firm states none."""
    return READINESS[np.ix_(trl, min_trl)]


def compliance(certs: Float, required: Float) -> Float:
    """Share of the required certifications held, counting equivalents (1 when none is required)."""
    needed = required.sum(axis=1)
    held: Float = certs @ required.T
    held *= (1.0 / np.maximum(needed, 1.0)).astype(np.float32)[None, :]
    held[:, needed == 0] = 1.0
    return held


def combine(components: Float, gates: NDArray[np.uint8]) -> tuple[Float, Float, NDArray[np.uint8]]:
    """Capability times the weighted sum, then the rule cap (INELIGIBLE_CAP); low fits are flagged for the gaps."""
    weights = np.array([WEIGHTS[k] for k in COMPONENTS], dtype=np.float32) * np.float32(100.0)
    raw: Float = np.tensordot(weights[1:], components[1:], axes=1).astype(np.float32, copy=False)
    raw += weights[0]
    raw *= components[0]
    gates = gates | (components[0] < np.float32(LOW_FIT)).view(np.uint8) * np.uint8(GATE_FIT)
    capped = np.minimum(raw * np.float32(GATED_SHARE), np.float32(INELIGIBLE_CAP))
    final = np.where((gates & RULE_GATES) != 0, capped, raw).astype(np.float32, copy=False)
    return raw, final, gates


def score(firms: FirmBlock, opportunities: OpportunityBlock) -> Scores:
    """Every component and the final score for each firm of the chunk against every opportunity."""
    n_f, n_o = firms.affinity.shape[0], opportunities.areas.shape[0]
    components = np.empty((len(COMPONENTS), n_f, n_o), dtype=np.float32)
    components[0] = capability(firms, opportunities)
    components[1], gates = eligibility(firms, opportunities)
    components[2] = readiness(firms.trl, opportunities.min_trl)
    components[3] = compliance(firms.certs, opportunities.required)
    components[4] = opportunities.timing[None, :]
    raw, final, gates = combine(components, gates)
    # A record that takes any technology is capped at ANY_TECHNOLOGY of the firm's best area, below LOW_FIT: no profile
    # could close a "little technology fit" gap there, so it is not given.
    general = opportunities.areas.sum(axis=1) == 0
    if general.any():
        gates[:, general] &= np.uint8(~GATE_FIT & 0xFF)
    return Scores(components=components, raw=raw, score=final, gates=gates)


def keep(score: Float, *, top_k: int = TOP_K, floor: float = FLOOR) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """(firm, opportunity) indices of the matches to store: each firm's best top_k, plus all at or above floor."""
    n_f, n_o = score.shape
    mask = score >= floor
    if n_o <= top_k:
        mask[:] = True
    elif n_o and top_k:
        best = np.argpartition(-score, top_k - 1, axis=1)[:, :top_k]
        mask[np.arange(n_f)[:, None], best] = True
    rows, cols = np.nonzero(mask)
    return rows, cols


def contributions(components: Float, raw: Float, final: Float) -> Float:
    """Each component's points (capability's weight times it; the others' weights times them and capability),
    scaled by final/raw when a gate capped the score, so that they add up to it."""
    weights = np.array([WEIGHTS[k] for k in COMPONENTS], dtype=np.float32).reshape((-1,) + (1,) * (components.ndim - 1))
    factor = np.where(raw > 0, final / np.where(raw > 0, raw, 1.0), 0.0)
    scaled = components * components[0]
    scaled[0] = components[0]
    return (100.0 * weights * scaled * factor).astype(np.float32)
