"""The evidence a reason may cite, read from the corpus and a firm's text row, and the spreading of one text over the
many pairs that share it (no Django import; matching.explain, matching.suggestions and partner fits use them)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from matching.features import Corpus
from matching.terms import distinct_terms

MAX_TERMS = 3  # words a reason cites at most


def whole_keyword_weights(corpus: Corpus) -> list[dict[int, float]]:
    """Per area, its whole keywords' term indices and weights (the evidence a reason may cite)."""
    columns = corpus.keyword_weights.tocsc()
    return [
        {
            int(t): float(w)
            for t, w in zip(columns[:, a].indices, columns[:, a].data, strict=True)
            if int(t) in corpus.whole_keywords[a]
        }
        for a in range(corpus.n_areas)
    ]


def keyword_terms(corpus: Corpus, weights: dict[int, float], text: sp.csr_matrix, i: int) -> list[str]:
    """The keywords of WEIGHTS (one area's whole keywords) in row I of TEXT, most specific first, as curated."""
    found = [t for t in text.indices[text.indptr[i] : text.indptr[i + 1]].tolist() if t in weights]
    found.sort(key=lambda t: -weights[t])
    return distinct_terms(corpus.keyword_surface.get(t, "") for t in found)[:MAX_TERMS]


def spread(keys: np.ndarray, make: Callable[[np.ndarray], list[str] | np.ndarray]) -> np.ndarray:
    """An object array with one string per key: MAKE(first positions) writes the string of every distinct key in one
    call, and NumPy spreads them back over the keys. Used wherever many pairs share few texts (matches, partner
    fits)."""
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    texts = np.empty(len(first), dtype=object)
    texts[:] = make(first)
    return texts[np.asarray(inverse).ravel()]
