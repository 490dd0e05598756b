"""How strongly a firm works in each technology area: ticked areas, lexicon hits and profile cosine (no Django import).

Each area gets a profile (its name, description, curated lexicon and the text of the records whose main area it
is) in the one TF-IDF space of matching.vocabulary. A firm's affinity to an area mixes three explainable features by
noisy-or, is normalised within the firm (its best area is 1 before the firm-level strength is applied), and keeps
each feature's share so that reasons can say which evidence counted (issue 12, docs/matching.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from matching.vocabulary import Vocabulary, surface

Float = NDArray[np.float32]

TICKED = 0.75  # a ticked area alone: the firm's own statement
LEXICON = 0.8  # saturating weight of curated-keyword evidence
PROFILE = 0.7  # saturating weight of the profile cosine
EVIDENCE_SCALE = 3.5  # lexicon evidence E counts 1 - exp(-E / EVIDENCE_SCALE): one specific phrase ~0.6
PROFILE_FULL = 0.3  # a cosine this high with an area's profile counts in full
SHARPNESS = 2.0  # relative affinity = (raw / the firm's best raw) ** SHARPNESS
CIVILIAN_FLOOR = 0.35  # a firm with no defence context keeps this share of its text evidence
WHOLE_KEYWORD = 1.0  # a whole curated keyword counts its idf across the areas
RELATED_TERM = 0.2  # a curated related term (a broader word of the field) counts this share of it
PART_OF_KEYWORD = 0.2  # any other word of the area's name, description or lexicon counts this share
# A word a reason cites for an area must weigh at least this many times its mean over all areas' profiles
# (docs/matching.md, "Explanations"): "build" or "work" sit in most profiles alike and are evidence of none.
DISTINCTIVE = 3.0
# Prefixes that hyphens split off as words of their own ("anti-submarine", "counter-drone"): a reason may cite them
# inside a longer term ("anti jam"), never alone, where they say nothing ("anti" took Ocius's anti-submarine picket
# duty for anti-jam electronic warfare).
BOUND_PREFIXES = frozenset({"anti", "co", "counter", "cross", "inter", "multi", "non", "post", "pre", "self", "semi"})


class AreaLike(Protocol):
    """A technology area as features.AreaRow gives it."""

    @property
    def slug(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def keywords(self) -> Sequence[str]: ...
    @property
    def related(self) -> Sequence[str]: ...
    @property
    def examples(self) -> Sequence[tuple[str, int]]: ...


class RecordLike(Protocol):
    """An opportunity as features.OpportunityRow gives it."""

    @property
    def text(self) -> str: ...
    @property
    def areas(self) -> dict[str, float]: ...


def main_area(areas: dict[str, float]) -> str | None:
    """The area a record asks for most (None when it asks for none); ties go to the first listed."""
    if not areas:
        return None
    return max(areas, key=lambda slug: areas[slug])


def profile_texts(areas: Sequence[AreaLike], records: Sequence[RecordLike]) -> list[str]:
    """Each area's profile text: name, description, lexicon, the text of the records it is the main area of, and each
    reference firm's description as many times as its grade (3 core, 2 significant, 1 tangential).

    The reference firms say how firms write about an area, so a firm using their product words rather than the
    lexicon's comes close to the area's profile. They shape the profiles only: the vocabulary is fitted without them
    (matching.features.build_corpus), so they add no word the curated text does not have, only weight.
    """
    own = {
        a.slug: [
            a.name,
            a.description,
            *a.keywords,
            *a.related,
            *(text for text, grade in a.examples for _ in range(grade)),
        ]
        for a in areas
    }
    tagged: dict[str, list[str]] = {a.slug: [] for a in areas}
    for record in records:
        slug = main_area(record.areas)
        if slug in tagged and len(record.areas) <= 3:  # broad records describe no one area
            tagged[slug].append(record.text)
    return ["\n".join(own[a.slug] + tagged[a.slug]) for a in areas]


def profile_matrix(vocabulary: Vocabulary, texts: Sequence[str]) -> sp.csc_matrix:
    """(V, n_areas) L2-normalised tf-idf profiles, transposed for F @ P."""
    return vocabulary.transform(list(texts)).T.tocsc()


def mix(declared: NDArray[np.bool_], evidence: Float, profile: Float, trust: Float) -> tuple[Float, Float]:
    """(affinity, parts): noisy-or of the features, relative within each firm, times the firm's strength.

    parts[k] are the three features (ticked, lexicon, profile) after their weights, before mixing.
    """
    ticked = TICKED * declared.astype(np.float32)
    lexicon = LEXICON * trust[:, None] * (1.0 - np.exp(-evidence / EVIDENCE_SCALE))
    cosine = PROFILE * trust[:, None] * np.minimum(profile / PROFILE_FULL, 1.0)
    raw = 1.0 - (1.0 - ticked) * (1.0 - lexicon) * (1.0 - cosine)
    best = raw.max(axis=1, initial=0.0)
    relative = raw / np.where(best > 0, best, 1.0)[:, None]
    affinity = (best[:, None] * np.power(relative, SHARPNESS)).astype(np.float32)
    return affinity, np.stack([ticked, lexicon, cosine]).astype(np.float32)


def trust_of(context: Float, declared: NDArray[np.bool_]) -> Float:
    """How far a firm's words are read as defence evidence: full with defence context or a ticked area."""
    sure = np.maximum(context, declared.any(axis=1).astype(np.float32))
    return (CIVILIAN_FLOOR + (1.0 - CIVILIAN_FLOOR) * sure).astype(np.float32)


def distinctive(profiles: NDArray[np.floating], curated: sp.spmatrix) -> NDArray[np.bool_]:
    """(V, n_areas): the words a reason may cite for each area, given the dense PROFILES (V, n_areas). A word
    qualifies for an area when it is one of the area's curated words (CURATED, the lexicon weights: its name,
    description, lexicon or related terms, context words aside) and it weighs at least DISTINCTIVE times its mean
    weight over all areas' profiles in the area's profile. Explanation only: the scores never read it."""
    return _qualifies(profiles, profiles.mean(axis=1, dtype=np.float64, keepdims=True), curated.toarray())


def _qualifies(
    profile: NDArray[np.floating], mean: NDArray[np.floating], curated: NDArray[np.floating]
) -> NDArray[np.bool_]:
    return np.asarray((curated > 0) & (profile > 0) & (profile >= DISTINCTIVE * mean), dtype=np.bool_)


def related_terms(
    vocabulary: Vocabulary,
    text: sp.csr_matrix,
    profiles_t: sp.csc_matrix,
    i: int,
    a: int,
    *,
    curated: sp.spmatrix,
    skip: frozenset[int] = frozenset(),
    limit: int = 3,
) -> list[str]:
    """The firm's words distinctive of area A (`distinctive`, CURATED being the lexicon weights) that bring it
    closest to the area's profile, other than the lexicon terms in SKIP."""
    column = profiles_t[:, a].toarray().ravel()
    mean = np.asarray(profiles_t.mean(axis=1, dtype=np.float64)).ravel()
    allowed = _qualifies(column, mean, curated.tocsc()[:, a].toarray().ravel())
    return profile_words(vocabulary, text, i, column, allowed, skip=skip, limit=limit)


def profile_words(
    vocabulary: Vocabulary,
    text: sp.csr_matrix,
    i: int,
    column: NDArray[np.floating],
    allowed: NDArray[np.bool_],
    *,
    skip: frozenset[int] = frozenset(),
    limit: int = 3,
) -> list[str]:
    """related_terms over one area's profile COLUMN given dense, with ALLOWED its column of `distinctive` (the
    explainer keeps every column once per chunk). A one-letter word ("x" of "X-band") and a bound prefix on its own
    (BOUND_PREFIXES) are never cited."""
    lo, hi = text.indptr[i], text.indptr[i + 1]
    terms, weights = text.indices[lo:hi], text.data[lo:hi]
    share = np.where(allowed[terms], weights * column[terms], 0.0)
    order = np.argsort(-share, kind="stable")
    return cited_words(vocabulary, terms[order][share[order] > 0].tolist(), skip=skip, limit=limit)


def profile_orders(
    text: sp.csr_matrix, pairs: NDArray[np.integer], profiles: NDArray[np.floating], allowed: NDArray[np.bool_]
) -> list[list[int]]:
    """For each (firm, area) row of PAIRS, the firm's words that profile_words would weigh, in its order, given the
    dense PROFILES and ALLOWED (V, n_areas): every pair's shares in one pass. The explainer asks for some 100,000
    pairs a full run, and one pass per pair cost seconds."""
    firms, areas = pairs[:, 0], pairs[:, 1]
    starts = text.indptr[firms]
    lengths = text.indptr[firms + 1] - starts
    pair = np.repeat(np.arange(len(pairs)), lengths)
    at = np.arange(int(lengths.sum())) + np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    terms, area = text.indices[at], areas[pair]
    share = np.where(allowed[terms, area], text.data[at] * profiles[terms, area], 0.0)
    kept = share > 0
    pair, terms, share = pair[kept], terms[kept], share[kept]
    order = np.lexsort((-share, pair))  # by pair, then the largest share first (ties in the firm's word order)
    ordered = terms[order].tolist()
    bounds = np.searchsorted(pair[order], np.arange(len(pairs) + 1)).tolist()
    return [ordered[bounds[k] : bounds[k + 1]] for k in range(len(pairs))]


def cited_words(
    vocabulary: Vocabulary, ordered: list[int], *, skip: frozenset[int] = frozenset(), limit: int = 3
) -> list[str]:
    """Up to LIMIT names of the words ORDERED (term indices, best first), SKIP left out: a one-letter word ("x" of
    "X-band"), a bound prefix on its own (BOUND_PREFIXES) and a name already given are never cited."""
    found: list[str] = []
    for term in ordered:
        if len(found) >= limit:
            break
        if term in skip:
            continue
        name = surface(vocabulary.name(term))
        if len(name) > 1 and name not in BOUND_PREFIXES and name not in found:
            found.append(name)
    return found


def lexicon_matrix(
    vocabulary: Vocabulary, areas: Sequence[AreaLike], context: set[int]
) -> tuple[sp.csr_matrix, dict[int, str], list[frozenset[int]]]:
    """(V, n_areas) weights: idf across areas for whole keywords, a share of it for the other words of the area.

    Context words ("defence", "military") say where a firm works, not what it makes: they count for no area.
    """
    n_areas = max(1, len(areas))
    per_area: list[dict[int, float]] = []
    surface: dict[int, str] = {}
    for area in areas:
        weights: dict[int, float] = {}
        for features in vocabulary.features_of_each([area.name, area.description, *area.keywords]):
            for f in features:
                if f < vocabulary.n_uni and f not in context:
                    weights.setdefault(f, PART_OF_KEYWORD)
        for term in area.related:
            for f in vocabulary.phrase(term):
                if f not in context:
                    weights[f] = max(weights.get(f, 0.0), RELATED_TERM)
        for keyword in area.keywords:
            for f in vocabulary.phrase(keyword):
                weights[f] = WHOLE_KEYWORD
                surface.setdefault(f, keyword.strip())
        per_area.append(weights)
    df: dict[int, int] = {}
    for weights in per_area:
        for f in weights:
            df[f] = df.get(f, 0) + 1
    rows, cols, vals = [], [], []
    for a, weights in enumerate(per_area):
        for f, w in weights.items():
            rows.append(f)
            cols.append(a)
            vals.append(w * (math.log((1 + n_areas) / (1 + df[f])) + 1.0))
    matrix = sp.csr_matrix(
        (np.array(vals, dtype=np.float32), (rows, cols)), shape=(vocabulary.size, len(areas)), dtype=np.float32
    )
    whole = [frozenset(f for f, w in weights.items() if w == WHOLE_KEYWORD) for weights in per_area]
    return matrix, surface, whole
