"""A TF-IDF vocabulary of stemmed word 1-3-grams, vectorised with NumPy (no Django import).

scikit-learn's TfidfVectorizer builds every n-gram as a Python string: reading 20,000 firm descriptions took 3 s here,
the whole budget of a one-opportunity rescore. This one maps words to ids once and forms 2- and 3-grams as integer
keys with array arithmetic, looking them up with `searchsorted`: the same weighting (smooth idf, sublinear tf, L2
rows) at about a tenth of the cost. N-grams never cross punctuation or a line break, so a keyword list one per line
yields no spurious pairs (a slash between words and a point between digits join, as in "EO/IR" and "4.0"), nor an
article, a pronoun or an auxiliary verb (`PHRASE_BREAKS`); connectives are dropped before n-grams are formed ("beam
director for lasers" gives "beam director lasers"). Words are stemmed with the Snowball English stemmer
(`snowballstemmer`), so "autonomous", "autonomy" and "autonomously" are one term, as are "directors" and "director"
(issue 12).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import repeat

import numpy as np
import scipy.sparse as sp
import snowballstemmer
from numpy.typing import NDArray

WORD = re.compile(r"[a-z0-9][a-z0-9+]*")
TOKEN = re.compile(r"[a-z0-9][a-z0-9+]*|\x01|\x02")
STOP_MARK, BREAK_MARK, DOC_MARK = -2, -3, -4
# A slash between two words ("EO/IR", "transmit/receive") and a point between two digits ("Industry 4.0") join them
# (JOIN turns them into spaces first); elsewhere they break a phrase, as other punctuation does (BREAK). Two passes,
# each starting at a literal character, run twice as fast as one pattern with the lookarounds in its alternation.
JOIN = re.compile(r"/(?<=[a-z0-9]/)(?=[a-z0-9])|\.(?<=[0-9]\.)(?=[0-9])")
BREAK = re.compile(r"[\n\r;,:!?()\[\]{}|\"\x00/.]+")
# Function words only: scikit-learn's English list drops domain words such as "fire", "system" and "call".
STOP_WORDS: frozenset[str] = frozenset(
    "a an and are as at be been but by for from has have in into is it its of on or our that the their them these "
    "they this those to was we were which while who will with within you your us can also such other than over "
    "s t d ll re ve m".split()  # the pieces of "firm's", "don't", "we'll", "we're", "we've", "I'm"
)

# Stop words that end a phrase: no term runs across an article, a pronoun or an auxiliary ("supply chains a secure"
# is not "supply chain security"). Connectives inside terms ("command and control", "beam director for lasers") do not.
# The pieces of contractions ("firm's", "we're") stay plain stop words: they are also the pieces of "re-entry", "R&D",
# "3-D", and "us" of "Japan-US".
PHRASE_BREAKS: frozenset[str] = frozenset(
    "a an the is are was were be been has have it its our their them these they this those that which who will you "
    "your we can".split()
)

Ints = NDArray[np.int64]
_STEMMER = snowballstemmer.stemmer("english")
_STEMS: dict[str, str] = {}
_SURFACE: dict[str, str] = {}  # stem -> the shortest word seen with it, to show a term in words
SHORTEST_STEMMED = 4  # acronyms of three letters or fewer ("uas", "ews", "gan") stay as written


# Words whose Snowball stem is another field's word: "sustainable" farming is not "sustainment" (maintenance and
# logistics), though both stem to "sustain". They keep a stem of their own.
FALSE_FRIENDS: dict[str, str] = dict.fromkeys(("sustainable", "sustainability", "sustainably"), "sustainabl")


def stem(word: str) -> str:
    """The Snowball English stem of a lower-case WORD (cached; words with digits or of <= 3 letters are kept)."""
    found = _STEMS.get(word)
    if found is None:
        found = FALSE_FRIENDS.get(word) or (
            _STEMMER.stemWord(word) if len(word) >= SHORTEST_STEMMED and word.isalpha() else word
        )
        if len(_STEMS) < 500_000:
            _STEMS[word] = found
            seen = _SURFACE.get(found)
            if seen is None or len(word) < len(seen):
                _SURFACE[found] = word
    return found


def surface(term: str) -> str:
    """A stemmed TERM in words a reader knows ("autonom vehicl" -> "autonomy vehicle")."""
    return " ".join(_SURFACE.get(w, w) for w in term.split())


@dataclass
class Tokens:
    """Word ids of many texts in one flat array, with the text and the unbroken run each word belongs to."""

    ids: Ints  # -1 for a word outside the vocabulary
    doc: Ints
    run: Ints


def words(text: str) -> list[list[str]]:
    """TEXT as runs of lower-case content words, split at punctuation and line breaks."""
    runs = []
    for piece in BREAK.split(JOIN.sub(" ", text.lower())):
        run: list[str] = []
        for w in WORD.findall(piece):
            if w in PHRASE_BREAKS:
                if run:
                    runs.append(run)
                run = []
            elif w not in STOP_WORDS:
                run.append(stem(w))
        if run:
            runs.append(run)
    return runs


class Vocabulary:
    """Word 1-3-grams of a fitted corpus, their idf, and a vectorised transform of any texts into tf-idf rows."""

    def __init__(self, texts: Sequence[str]) -> None:
        runs = [words(t) for t in texts]
        self.unigrams: dict[str, int] = {}
        for doc in runs:
            for run in doc:
                for w in run:
                    self.unigrams.setdefault(w, len(self.unigrams))
        # Surface word -> code, filled as words are met: stop words and markers first, then each word's stem's id.
        self._codes: dict[str, int] = dict.fromkeys(STOP_WORDS, STOP_MARK)
        self._codes.update(dict.fromkeys(PHRASE_BREAKS, BREAK_MARK))
        self._codes.update({"\x01": BREAK_MARK, "\x02": DOC_MARK})
        tokens = self._tokens(list(texts))
        self.n_uni = len(self.unigrams)
        base = max(self.n_uni, 1)
        self.base = base
        bi, tri = self._ngram_keys(tokens)
        self.bigrams: Ints = np.unique(bi[0])
        self.trigrams: Ints = np.unique(tri[0])
        self.size = self.n_uni + len(self.bigrams) + len(self.trigrams)
        n_docs = len(texts)
        counts = self._doc_features(tokens, n_docs=n_docs)
        df = np.bincount(counts.indices, minlength=self.size) if counts.nnz else np.zeros(self.size, dtype=np.int64)
        self.idf: NDArray[np.float32] = (np.log((1.0 + n_docs) / (1.0 + df)) + 1.0).astype(np.float32)
        self._names: list[str] | None = None

    def _tokens(self, texts: Sequence[str]) -> Tokens:
        """One regex pass over all TEXTS at once; words become ids, stop words and breaks become markers."""
        if not texts:
            empty = np.zeros(0, dtype=np.int64)
            return Tokens(empty, empty, empty)
        joined = "\x02".join(texts).lower()
        marked = BREAK.sub(" \x01 ", JOIN.sub(" ", joined).replace("\x02", " \x02 "))
        codes = self._codes
        found = TOKEN.findall(marked)
        for w in set(found).difference(codes):
            codes[w] = self.unigrams.get(stem(w), -1)
        raw = np.fromiter(map(codes.get, found, repeat(-1, len(found))), dtype=np.int64, count=len(found))
        doc = np.cumsum(raw == DOC_MARK)
        run = np.cumsum((raw == BREAK_MARK) | (raw == DOC_MARK))
        keep = raw >= -1
        return Tokens(raw[keep], doc[keep], run[keep])

    def _ngram_keys(self, t: Tokens) -> tuple[tuple[Ints, Ints], tuple[Ints, Ints]]:
        """(keys, doc) of every bigram and trigram whose words are all known and in one run."""
        b = self.base
        ok2 = (t.run[:-1] == t.run[1:]) & (t.ids[:-1] >= 0) & (t.ids[1:] >= 0)
        bi = t.ids[:-1] * b + t.ids[1:]
        ok3 = ok2[:-1] & ok2[1:]
        tri = bi[:-1] * b + t.ids[2:]
        return (bi[ok2], t.doc[:-1][ok2]), (tri[ok3], t.doc[:-2][ok3])

    def _lookup(self, keys: Ints, table: Ints, offset: int) -> Ints:
        if len(table) == 0 or len(keys) == 0:
            return np.full(len(keys), -1, dtype=np.int64)
        pos = np.minimum(np.searchsorted(table, keys), len(table) - 1)
        return np.where(table[pos] == keys, pos + offset, -1)

    def _doc_features(self, t: Tokens, *, n_docs: int) -> sp.csr_matrix:
        """Raw term counts, one row per text."""
        (bi, bi_doc), (tri, tri_doc) = self._ngram_keys(t)
        feats = np.concatenate(
            [
                t.ids,
                self._lookup(bi, self.bigrams, self.n_uni),
                self._lookup(tri, self.trigrams, self.n_uni + len(self.bigrams)),
            ]
        )
        docs = np.concatenate([t.doc, bi_doc, tri_doc])
        keep = feats >= 0
        data = np.ones(int(keep.sum()), dtype=np.float32)
        matrix = sp.csr_matrix((data, (docs[keep], feats[keep])), shape=(n_docs, self.size), dtype=np.float32)
        matrix.sum_duplicates()
        return matrix

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """L2-normalised tf-idf rows (sublinear tf) of TEXTS over this vocabulary."""
        counts = self._doc_features(self._tokens(list(texts)), n_docs=len(texts))
        counts.data = (1.0 + np.log(counts.data)) * self.idf[counts.indices]
        norms = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        counts.data /= np.repeat(norms, np.diff(counts.indptr)).astype(np.float32)
        return counts

    def phrase(self, text: str) -> list[int]:
        """The feature(s) standing for a whole phrase: itself up to three words, its trigrams beyond."""
        runs = words(text)
        if not runs:
            return []
        run = runs[0] if len(runs) == 1 else [w for r in runs for w in r]
        ids = [self.unigrams.get(w, -1) for w in run]
        if any(i < 0 for i in ids):
            return []
        if len(ids) == 1:
            return ids
        b = self.base
        if len(ids) == 2:
            return [int(f) for f in self._lookup(np.array([ids[0] * b + ids[1]]), self.bigrams, self.n_uni) if f >= 0]
        keys = np.array([(ids[k] * b + ids[k + 1]) * b + ids[k + 2] for k in range(len(ids) - 2)], dtype=np.int64)
        return [int(f) for f in self._lookup(keys, self.trigrams, self.n_uni + len(self.bigrams)) if f >= 0]

    def name(self, term: int) -> str:
        """The stemmed words of feature TERM, space-separated."""
        if self._names is None:
            self._names = [""] * self.n_uni
            for word, i in self.unigrams.items():
                self._names[i] = word
        b = self.base
        if term < self.n_uni:
            return self._names[term]
        if term < self.n_uni + len(self.bigrams):
            key = int(self.bigrams[term - self.n_uni])
            return f"{self._names[key // b]} {self._names[key % b]}"
        key = int(self.trigrams[term - self.n_uni - len(self.bigrams)])
        return f"{self._names[key // (b * b)]} {self._names[(key // b) % b]} {self._names[key % b]}"

    def features_of_each(self, texts: Sequence[str]) -> list[list[int]]:
        """Every feature (word, 2- and 3-gram) found in each of TEXTS, in feature order: one pass over all."""
        counts = self._doc_features(self._tokens(list(texts)), n_docs=len(texts))
        indices, bounds = counts.indices.tolist(), counts.indptr.tolist()
        return [indices[bounds[k] : bounds[k + 1]] for k in range(len(texts))]
