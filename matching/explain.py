"""Reasons and gaps in words, for the stored matches only (no Django import).

Each sentence names the facts behind a component ("declares Directed energy; description mentions beam director")
or says what to do about a gap ("no AS9100D or JIS Q 9100: required by ..."). Pieces are cached per firm and area
or per opportunity and fact, so explaining a million stored pairs costs a few dictionary look-ups each.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import numpy as np

from matching import engine
from matching.features import PRESENCE, Corpus, FirmArrays, OpportunityArrays

SIZE_WORDS: dict[str, tuple[str, str]] = {
    "startup": ("start-ups", "a start-up"),
    "sme": ("SMEs", "an SME"),
    "large": ("large firms", "large"),
}
KIND_WORDS: dict[str, str] = {
    "hub": "hub",
    "priority_area": "priority area",
    "event": "event",
    "programme": "programme",
    "call": "call",
}
MAX_TERMS = 3
MIN_AFFINITY = 0.15


def join_words(words: list[str], last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c'."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def short_name(name: str) -> str:
    """'AS9100D (aviation, space and defence quality management)' -> 'AS9100D'."""
    return name.split(" (", 1)[0]


class Explainer:
    """Writes the reasons and gaps of stored pairs of one chunk, caching the pieces they share."""

    def __init__(
        self,
        corpus: Corpus,
        firms: FirmArrays,
        opportunities: OpportunityArrays,
        *,
        country_names: Mapping[str, str] | None = None,
    ) -> None:
        self.corpus, self.firms, self.opps = corpus, firms, opportunities
        self.country_names = dict(country_names or {})
        self._area_piece: dict[tuple[int, int], str] = {}
        self._opp_piece: dict[tuple[str, int, int], str] = {}
        columns = corpus.keyword_weights.tocsc()
        self._weights: list[dict[int, float]] = [
            {
                int(t): float(w)
                for t, w in zip(columns[:, a].indices, columns[:, a].data, strict=True)
                if int(t) in corpus.whole_keywords[a]
            }
            for a in range(corpus.n_areas)
        ]
        self._area_order = [np.argsort(-row)[: int((row > 0).sum())] for row in opportunities.areas]
        # Opportunities asking for the same areas with the same weights share their firms' capability reasons.
        _, signature = (
            np.unique(opportunities.areas, axis=0, return_inverse=True)
            if len(opportunities.rows)
            else (None, np.zeros(0, dtype=np.intp))
        )
        self._signature = np.asarray(signature).ravel().tolist()
        _, held = (
            np.unique(firms.certs, axis=0, return_inverse=True)
            if len(firms.rows)
            else (None, np.zeros(0, dtype=np.intp))
        )
        self._held = np.asarray(held).ravel().tolist()
        self._json: dict[tuple[object, ...], str] = {}
        kinds = sorted({o.kind for o in opportunities.rows})
        top = max(self._signature, default=-1) + 1
        self._signature_kind = [
            top + kinds.index(o.kind) if len(self._area_order[j]) == 0 else self._signature[j]
            for j, o in enumerate(opportunities.rows)
        ]
        self._countries = sorted({c.country for c in firms.rows})
        self._country_code = np.array([self._countries.index(c.country) for c in firms.rows], dtype=np.int64)

    def country(self, code: str) -> str:
        return self.country_names.get(code, code)

    # Whole columns at once: every distinct key is written once, then spread with NumPy ----------------------------

    @staticmethod
    def _spread(keys: np.ndarray, make: object) -> np.ndarray:
        """An object array of strings, one per key, calling MAKE(first position) once per distinct key."""
        unique, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        texts = np.empty(len(unique), dtype=object)
        texts[:] = [make(int(n)) for n in first]  # type: ignore[operator]
        return texts[np.asarray(inverse).ravel()]

    def reasons_column(self, rows: np.ndarray, cols: np.ndarray, components: np.ndarray) -> np.ndarray:
        """reasons(i, j) as JSON arrays for every stored pair."""
        signature = np.asarray(self._signature_kind, dtype=np.int64)[cols]
        tech = self._spread(
            rows.astype(np.int64) * (int(signature.max(initial=0)) + 1) + signature,
            lambda n: self._encode(self._technology_reasons(int(rows[n]), int(cols[n]))),
        )
        trl = self.firms.trl[rows].astype(np.int64)
        certs = (components[:, 3] >= 1.0).astype(np.int64)
        facts = self._spread(
            (cols.astype(np.int64) * 10 + trl) * 2 + certs,
            lambda n: self._encode(self._fact_reasons(int(rows[n]), int(cols[n]), components[n])),
        )
        return self._array(tech, facts)

    def gaps_column(
        self, rows: np.ndarray, cols: np.ndarray, components: np.ndarray, gates: np.ndarray, limits: np.ndarray
    ) -> np.ndarray:
        """gaps(i, j) as JSON arrays for every stored pair; only the technology-fit sentence varies per pair."""
        f, fixed_gates = self.firms, gates.astype(np.int64) & ~engine.GATE_FIT
        key = cols.astype(np.int64) * 32 + fixed_gates
        held = np.asarray(self._held, dtype=np.int64)
        o = self.opps
        # Each firm fact enters the key only where a sentence depends on it, so most pairs share a few texts.
        needs_certs = (o.required.sum(axis=1) > 0)[cols]
        parts = (
            (np.where(fixed_gates & engine.GATE_COUNTRY, self._country_code[rows], 0), len(self._countries) + 1),
            (np.where(fixed_gates & engine.GATE_SIZE, f.size[rows], 0), 3),
            (np.where(fixed_gates & engine.GATE_AGE, f.age[rows].astype(np.int64) + 1, 0), 400),
            (np.where(o.presence[cols] > f.presence[rows], f.presence[rows].astype(np.int64) + 1, 0), 4),
            (np.where(o.min_trl[cols] > f.trl[rows], f.trl[rows].astype(np.int64) + 1, 0), 11),
            (np.where(needs_certs, held[rows], 0), int(held.max(initial=0)) + 1),
        )
        for part, radix in parts:
            key = key * radix + part.astype(np.int64)
        fixed = self._spread(
            key,
            lambda n: self._encode(
                self.gaps(int(rows[n]), int(cols[n]), components[n], int(fixed_gates[n]), float(limits[n]))
            ),
        )
        fit_key = np.where(
            (gates & engine.GATE_FIT) != 0,
            np.round(components[:, 0] * 100).astype(np.int64) * 1000 + np.round(limits).astype(np.int64) + 1,
            0,
        )
        fit = self._spread(
            fit_key,
            lambda n: self._encode([self.fit_gap(float(components[n, 0]), float(limits[n]))] if fit_key[n] else []),
        )
        return self._array(fixed, fit)

    @staticmethod
    def _encode(texts: list[str]) -> str:
        return ", ".join(json.dumps(t, ensure_ascii=False) for t in texts)

    @staticmethod
    def _array(first: np.ndarray, second: np.ndarray) -> np.ndarray:
        both = np.array([bool(a) and bool(b) for a, b in zip(first, second, strict=True)], dtype=np.bool_)
        sep = np.where(both, ", ", "").astype(object)
        return "[" + first + sep + second + "]"

    # Reasons -------------------------------------------------------------------------------------------------------

    def evidence_terms(self, i: int, a: int) -> list[str]:
        """The area's keywords found in firm i's description, most specific first."""
        text = self.firms.text
        weights = self._weights[a]
        found = [t for t in text.indices[text.indptr[i] : text.indptr[i + 1]].tolist() if t in weights]
        found.sort(key=lambda t: -weights[t])
        words: list[str] = []
        for t in found:
            word = self.corpus.keyword_surface.get(t, "")
            if word and word.lower() not in {w.lower() for w in words}:
                words.append(word)
        return words[:MAX_TERMS]

    def area_piece(self, i: int, a: int) -> str:
        """'declares X; description mentions y and z' for firm i and area a ('' when there is neither)."""
        key = (i, a)
        if key not in self._area_piece:
            parts = []
            if self.firms.declared[i, a]:
                parts.append(f"declares {self.corpus.areas[a].slug}")
            terms = self.evidence_terms(i, a)
            if terms:
                what = "" if parts else f" ({self.corpus.areas[a].slug})"
                parts.append(f"description mentions {join_words(terms)}{what}")
            self._area_piece[key] = "; ".join(parts)
        return self._area_piece[key]

    def reasons(self, i: int, j: int, components: np.ndarray) -> list[str]:
        """Why firm i fits opportunity j: the technology facts first, then readiness, compliance and timing."""
        return self._technology_reasons(i, j) + self._fact_reasons(i, j, components)

    def _technology_reasons(self, i: int, j: int) -> list[str]:
        o, out = self.opps.rows[j], []
        order = self._area_order[j]
        if len(order) == 0:
            best = int(np.argmax(self.firms.affinity[i])) if self.corpus.n_areas else -1
            piece = self.area_piece(i, best) if best >= 0 and self.firms.affinity[i, best] >= MIN_AFFINITY else ""
            out.append(f"the {KIND_WORDS.get(o.kind, o.kind)} takes any technology" + (f"; {piece}" if piece else ""))
        else:
            ranked = sorted(order.tolist(), key=lambda a: -self.opps.areas[j, a] * self.firms.affinity[i, a])
            for a in ranked[:2]:
                if self.firms.affinity[i, a] >= MIN_AFFINITY and (piece := self.area_piece(i, a)):
                    out.append(piece)
        return out

    def _fact_reasons(self, i: int, j: int, components: np.ndarray | list[float]) -> list[str]:
        o, firm, out = self.opps.rows[j], self.firms.rows[i], []
        if o.min_trl and firm.trl and firm.trl >= o.min_trl:
            out.append(f"TRL {firm.trl} meets the minimum TRL {o.min_trl}")
        if o.certifications and components[3] >= 1.0:
            out.append(f"holds the certification{'s' if len(o.certifications) > 1 else ''} required")
        if o.kind == "call" and o.closes_on and components[4] >= 1.0:
            out.append(f"open until {o.closes_on.isoformat()}")
        elif o.kind == "event" and o.starts_on:
            out.append(f"takes place from {o.starts_on.isoformat()}")
        return out

    # Gaps ----------------------------------------------------------------------------------------------------------

    def gaps(self, i: int, j: int, components: np.ndarray | list[float], gates: int, limit: float) -> list[str]:
        """What stands between firm i and opportunity j, each with what to do; capped scores state the rule."""
        o, firm, f = self.opps.rows[j], self.firms.rows[i], self.firms
        out: list[str] = []
        if gates & engine.GATE_COUNTRY:
            names = join_words([self.country(c) for c in o.countries], "or")
            out.append(
                f"open to firms from {names}; firm is in {self.country(firm.country)} "
                f"(score capped at {engine.INELIGIBLE_CAP:.0f})"
            )
        if gates & engine.GATE_SIZE:
            sizes = join_words([SIZE_WORDS.get(s, (s, s))[0] for s in o.sizes], "or")
            out.append(
                f"the {KIND_WORDS.get(o.kind, o.kind)} is for {sizes}; firm is "
                f"{SIZE_WORDS.get(firm.size, (firm.size, firm.size))[1]} "
                f"(score capped at {engine.INELIGIBLE_CAP:.0f})"
            )
        if gates & engine.GATE_AGE:
            out.append(
                f"the {KIND_WORDS.get(o.kind, o.kind)} is for firms founded at most {o.max_company_age} years ago; "
                f"firm was founded {int(f.age[i])} years ago (score capped at {engine.INELIGIBLE_CAP:.0f})"
            )
        if gates & engine.GATE_ENTITY:
            out.append(
                f"the {KIND_WORDS.get(o.kind, o.kind)} is in practice for Japanese entities: apply through an office "
                f"or entity in Japan (score capped at {engine.INELIGIBLE_CAP:.0f})"
            )
        if o.presence in PRESENCE and PRESENCE.index(o.presence) > int(f.presence[i]):
            out.append(self._presence_gap(o.presence, firm.presence))
        if o.min_trl and (not firm.trl or firm.trl < o.min_trl):
            out.append(self._trl_gap(firm.trl, o.min_trl))
        if o.certifications:
            out.extend(self._cert_gaps(i, j))
        if gates & engine.GATE_FIT:
            out.append(self.fit_gap(components[0], limit))
        return out

    @staticmethod
    def fit_gap(capability: float, limit: float) -> str:
        return (
            f"little technology fit (capability {capability:.2f}) caps the score at {limit:.0f}: "
            "describe the relevant products and technologies in the firm's profile"
        )

    @staticmethod
    def _presence_gap(required: str, held: str) -> str:
        if required == "partner":
            return "needs a Japanese partner or entity: find a Japanese partner firm before applying"
        if held == "partner":
            return "needs an office or entity in Japan; firm has a Japanese partner only"
        return "needs an office or entity in Japan: set one up or apply through a Japanese partner's entity"

    @staticmethod
    def _trl_gap(trl: int | None, minimum: int) -> str:
        if not trl:
            return f"TRL not stated; the minimum is TRL {minimum}: add the lead product's TRL to the profile"
        return f"TRL {trl} is below the minimum TRL {minimum}: mature the product to TRL {minimum} first"

    def _cert_gaps(self, i: int, j: int) -> list[str]:
        out = []
        for code in self.opps.rows[j].certifications:
            cls = self.corpus.cert_class.get(code)
            if cls is None or self.firms.certs[i, cls] > 0:
                continue
            key = ("cert", cls, j)
            if key not in self._opp_piece:
                members = [code] + [c for c in self.corpus.cert_members[cls] if c != code]
                names = join_words([short_name(self.corpus.cert_names.get(c, c)) for c in members], "or")
                self._opp_piece[key] = f"no {names}: required by {self.opps.rows[j].title}; obtain one of them"
            out.append(self._opp_piece[key])
        return out
