"""Reasons and gaps as data, for the stored matches only (no Django import).

Each item is {"code": ..., "params": {...}} naming the facts behind a component ({"code": "keywords", "params":
{"area": "directed-energy", "terms": ["beam director"]}}) or a gap with what it needs ({"code":
"certifications_missing", "params": {"certifications": ["as9100d", "jis-q-9100"]}}). Params hold slugs, codes and
figures, never words (matching.items): matching/messages.py renders them in the reader's language. Pieces are cached
per firm and area or per opportunity and fact, so explaining a million stored pairs costs a few dictionary look-ups
each.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from matching import affinity, engine
from matching.evidence import MAX_TERMS, keyword_terms, spread, whole_keyword_weights
from matching.features import PRESENCE, Corpus, FirmArrays, OpportunityArrays
from matching.items import Item, dump, item

MIN_AFFINITY = 0.15


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
        self._area_piece: dict[tuple[int, int], list[Item]] = {}
        self._opp_piece: dict[tuple[object, ...], Item] = {}
        self._weights = whole_keyword_weights(corpus)
        self._area_order = [np.argsort(-row)[: int((row > 0).sum())] for row in opportunities.areas]
        # Where each area stands in its opportunity's order (n_areas: not asked for), to rank many pairs at once.
        self._area_position = np.full(opportunities.areas.shape, corpus.n_areas, dtype=np.int64)
        for j, order in enumerate(self._area_order):
            self._area_position[j, order] = np.arange(len(order))
        self._area_text: dict[tuple[int, int], str] = {}
        # (V, n_areas) a dense copy of corpus.profiles_t and the words a reason may cite (affinity.distinctive),
        # made when first needed
        self._profiles: tuple[np.ndarray, np.ndarray] | None = None
        # (firm, area) -> the firm's words in the order the area's profile weighs them (profile_orders), made ahead
        # for many pairs at once and taken when first named
        self._profile_order: dict[tuple[int, int], list[int]] = {}
        self._any_technology_text: np.ndarray | None = None
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

    # Whole columns at once: every distinct key is written once, then spread with NumPy ----------------------------

    @staticmethod
    def _spread(keys: np.ndarray, make: Callable[[int], str]) -> np.ndarray:
        """An object array of strings, one per key, calling MAKE(first position) once per distinct key."""
        return spread(keys, lambda first: [make(int(n)) for n in first])

    def reasons_column(self, rows: np.ndarray, cols: np.ndarray, components: np.ndarray) -> np.ndarray:
        """reasons(i, j) as JSON arrays for every stored pair."""
        signature = np.asarray(self._signature_kind, dtype=np.int64)[cols]
        tech = spread(
            rows.astype(np.int64) * (int(signature.max(initial=0)) + 1) + signature,
            lambda first: self._technology_texts(rows[first], cols[first]),
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
            (((o.max_age[cols] >= 0) & (f.age[rows] < 0)).astype(np.int64), 2),  # the founded_unknown gap
            (np.where(o.presence[cols] > f.presence[rows], f.presence[rows].astype(np.int64) + 1, 0), 4),
            (np.where(o.min_trl[cols] > f.trl[rows], f.trl[rows].astype(np.int64) + 1, 0), 11),
            (np.where(needs_certs, held[rows], 0), int(held.max(initial=0)) + 1),
        )
        for part, radix in parts:
            key = key * radix + part.astype(np.int64)
        fixed = self._spread(key, lambda n: self._gaps_text(int(rows[n]), int(cols[n]), int(fixed_gates[n])))
        hundredths, caps = fit_figures(components[:, 0], limits)
        fit_key = np.where((gates & engine.GATE_FIT) != 0, hundredths * 1000 + caps + 1, 0)
        fit = self._spread(
            fit_key,
            lambda n: self._encode([self.fit_gap(float(components[n, 0]), float(limits[n]))] if fit_key[n] else []),
        )
        return self._array(fixed, fit)

    @staticmethod
    def _encode(items: list[Item]) -> str:
        return ", ".join(dump(entry) for entry in items)

    @staticmethod
    def _array(first: np.ndarray, second: np.ndarray) -> np.ndarray:
        return "[" + _joined(first, second) + "]"

    # Reasons -------------------------------------------------------------------------------------------------------

    def evidence_terms(self, i: int, a: int) -> list[str]:
        """The area's keywords found in firm i's description, most specific first."""
        return keyword_terms(self.corpus, self._weights[a], self.firms.text, i)

    def area_piece(self, i: int, a: int) -> list[Item]:
        """'ticked' and 'keywords' items for firm i and area a; with neither, 'related_terms' naming the firm's
        words that brought it closest to the area's profile (empty when there is no evidence to cite)."""
        key = (i, a)
        if key not in self._area_piece:
            slug, out = self.corpus.areas[a].slug, []
            if self.firms.declared[i, a]:
                out.append(item("ticked", area=slug))
            terms = self.evidence_terms(i, a)
            if terms:
                out.append(item("keywords", area=slug, terms=terms))
            elif not out:
                profile_terms = self.profile_terms(i, a)
                if profile_terms:
                    out.append(item("related_terms", area=slug, terms=profile_terms))
            self._area_piece[key] = out
        return self._area_piece[key]

    def profile_terms(self, i: int, a: int) -> list[str]:
        """Up to MAX_TERMS of firm i's words distinctive of area a that bring it closest to the area's profile, as
        affinity.related_terms names them, a word that a longer one holds left out ("torpedo" beside "torpedo shape").

        affinity.profile_words, over a dense copy of the profiles made once per chunk: slicing the sparse profiles
        for each (firm, area) cost a second a full run. tests/matching/test_profile_reasons.py checks
        that the two agree."""
        ordered = self._profile_order.pop((i, a), None)
        if ordered is None:
            profiles = self._dense_profiles()
            if profiles is None:
                return []
            ordered = affinity.profile_orders(self.firms.text, np.array([[i, a]]), *profiles)[0]
        found = affinity.cited_words(self.corpus.vocabulary, ordered, limit=2 * MAX_TERMS)
        # Names are lower-case words joined by spaces, so spaces around them find one held by another (terms.py's
        # regular expressions, one per pair of names, cost a second a run).
        padded = [f" {name} " for name in found]
        return [n for n, p in zip(found, padded, strict=True) if not any(p in o and p != o for o in padded)][:MAX_TERMS]

    def _dense_profiles(self) -> tuple[np.ndarray, np.ndarray] | None:
        if self._profiles is None and self.corpus.profiles_t is not None:
            dense = self.corpus.profiles_t.toarray()
            self._profiles = dense, affinity.distinctive(dense, self.corpus.keyword_weights)
        return self._profiles

    def _profile_orders_ahead(self, pairs: np.ndarray) -> None:
        """Weigh at once the profile words of the (firm, area) PAIRS about to be written for the first time, for
        profile_terms to name (those with a tick or keywords never ask)."""
        new = [k for k, pair in enumerate(pairs.tolist()) if tuple(pair) not in self._area_text]
        profiles = self._dense_profiles()
        if not new or profiles is None:
            return
        orders = affinity.profile_orders(self.firms.text, pairs[new], *profiles)
        self._profile_order.update(zip(map(tuple, pairs[new].tolist()), orders, strict=True))

    def _technology_texts(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """_technology_reasons(i[n], j[n]) as JSON text for every n, joined from the area pieces' texts.

        The areas are chosen as _technology_reasons chooses them, for all pairs at once: the opportunity's areas by
        weight x affinity (ties in the opportunity's area order), the first two with enough affinity; an opportunity
        asking for no area names its kind and the firm's best area. A Python loop per pair cost seconds a run.
        """
        affinity = self.firms.affinity[i]
        position = self._area_position[j]
        asked, strong = position < self.corpus.n_areas, affinity >= MIN_AFFINITY
        loss = np.where(asked, -self.opps.areas[j] * affinity, np.inf)
        ranked = np.lexsort((position, loss), axis=1)[:, :2]
        chosen = [np.where(_at(asked & strong, a), a, -1) for a in ranked.T]
        general = ~asked.any(axis=1)
        texts = np.full(len(i), "", dtype=object)
        if general.any():
            texts[general] = self._any_technology()[j[general]]
            if chosen:
                best = np.argmax(affinity, axis=1)
                chosen[0] = np.where(general & _at(strong, best), best, chosen[0])
        for a in chosen:
            texts = _joined(texts, self._area_texts(i, a))
        return texts

    def _any_technology(self) -> np.ndarray:
        """The 'any_technology' item of each opportunity as JSON text (one per kind, written once)."""
        if self._any_technology_text is None:
            kinds = {o.kind: dump(item("any_technology", kind=o.kind)) for o in self.opps.rows}
            self._any_technology_text = np.empty(len(self.opps.rows), dtype=object)
            self._any_technology_text[:] = [kinds[o.kind] for o in self.opps.rows]
        return self._any_technology_text

    def _area_texts(self, i: np.ndarray, a: np.ndarray) -> np.ndarray:
        """area_piece(i[n], a[n]) as JSON text for every n ("" where a[n] is -1), each written once per chunk."""
        texts = np.full(len(i), "", dtype=object)
        found = a >= 0
        if found.any():
            pairs = np.stack([i[found], a[found]], axis=1).astype(np.int64)
            unique, inverse = np.unique(pairs, axis=0, return_inverse=True)
            self._profile_orders_ahead(unique)
            written = np.empty(len(unique), dtype=object)
            written[:] = [self._area_text_of(int(f), int(k)) for f, k in unique.tolist()]
            texts[found] = written[np.asarray(inverse).ravel()]
        return texts

    def _area_text_of(self, i: int, a: int) -> str:
        key = (i, a)
        text = self._area_text.get(key)
        if text is None:
            text = self._area_text[key] = self._encode(self.area_piece(i, a))
        return text

    def reasons(self, i: int, j: int, components: np.ndarray) -> list[Item]:
        """Why firm i fits opportunity j: the technology facts first, then readiness, compliance and timing.

        The run writes whole columns (reasons_column); this per-pair form states the rule plainly, and
        tests/matching/test_explanation_columns.py checks every column entry against it."""
        return self._technology_reasons(i, j) + self._fact_reasons(i, j, components)

    def _technology_reasons(self, i: int, j: int) -> list[Item]:
        o, out = self.opps.rows[j], []
        order = self._area_order[j]
        if len(order) == 0:
            best = int(np.argmax(self.firms.affinity[i])) if self.corpus.n_areas else -1
            out.append(item("any_technology", kind=o.kind))
            if best >= 0 and self.firms.affinity[i, best] >= MIN_AFFINITY:
                out.extend(self.area_piece(i, best))
        else:
            ranked = sorted(order.tolist(), key=lambda a: -self.opps.areas[j, a] * self.firms.affinity[i, a])
            for a in ranked[:2]:
                if self.firms.affinity[i, a] >= MIN_AFFINITY:
                    out.extend(self.area_piece(i, a))
        return out

    def _fact_reasons(self, i: int, j: int, components: np.ndarray | list[float]) -> list[Item]:
        o, firm, out = self.opps.rows[j], self.firms.rows[i], []
        if o.min_trl and firm.trl and firm.trl >= o.min_trl:
            out.append(item("trl_met", trl=firm.trl, min_trl=o.min_trl))
        if o.certifications and components[3] >= 1.0:
            out.append(item("certifications_held", count=len(o.certifications)))
        if o.kind == "call" and o.closes_on and components[4] >= 1.0:
            out.append(item("open_until", date=o.closes_on.isoformat()))
        elif o.kind == "event" and o.starts_on:
            out.append(item("takes_place", date=o.starts_on.isoformat()))
        return out

    # Gaps ----------------------------------------------------------------------------------------------------------

    def gaps(self, i: int, j: int, components: np.ndarray | list[float], gates: int, limit: float) -> list[Item]:
        """What stands between firm i and opportunity j; capped scores name the rule and the cap (the per-pair
        statement that gaps_column is checked against, as for reasons)."""
        out = [entry for _, entry in self._gap_pieces(i, j, gates)]
        if gates & engine.GATE_FIT:
            out.append(self.fit_gap(components[0], limit))
        return out

    def _gaps_text(self, i: int, j: int, gates: int) -> str:
        """gaps(i, j) but the fit gap, as JSON text. Each distinct item is written once per chunk: the same gate or
        certification sentence recurs for many firms and opportunities."""
        texts = []
        for key, entry in self._gap_pieces(i, j, gates):
            text = self._json.get(key)
            if text is None:
                text = self._json[key] = dump(entry)
            texts.append(text)
        return ", ".join(texts)

    def _gap_pieces(self, i: int, j: int, gates: int) -> list[tuple[tuple[object, ...], Item]]:
        """Each gap of firm i and opportunity j but the fit gap, in order, keyed by all its item depends on."""
        o, firm, f = self.opps.rows[j], self.firms.rows[i], self.firms
        cap, years = int(engine.INELIGIBLE_CAP), int(f.age[i])
        out: list[tuple[tuple[object, ...], Item]] = []
        if gates & engine.GATE_COUNTRY:
            entry = item("gate_country", countries=list(o.countries), country=firm.country, cap=cap)
            out.append((("gate_country", j, firm.country), entry))
        if gates & engine.GATE_SIZE:
            entry = item("gate_size", kind=o.kind, sizes=list(o.sizes), size=firm.size, cap=cap)
            out.append((("gate_size", j, firm.size), entry))
        if gates & engine.GATE_AGE:
            entry = item("gate_age", kind=o.kind, max_years=o.max_company_age, years=years, cap=cap)
            out.append((("gate_age", j, years), entry))
        if o.max_company_age is not None and years < 0:
            # No founding year: the age gate passes (a ranking round measured gating such firms and dropped it), but
            # the firm is told the limit, so it can have the year added and the rule checked.
            entry = item("founded_unknown", kind=o.kind, max_years=o.max_company_age)
            out.append((("founded_unknown", j), entry))
        if gates & engine.GATE_ENTITY:
            out.append((("gate_japanese_entity", o.kind), item("gate_japanese_entity", kind=o.kind, cap=cap)))
        if o.presence in PRESENCE and PRESENCE.index(o.presence) > int(f.presence[i]):
            out.append((("presence", o.presence, firm.presence), self._presence_gap(o.presence, firm.presence)))
        if o.min_trl and (not firm.trl or firm.trl < o.min_trl):
            out.append((("trl", firm.trl, o.min_trl), self._trl_gap(firm.trl, o.min_trl)))
        if o.certifications:
            out.extend(self._cert_gaps(i, j))
        return out

    @staticmethod
    def fit_gap(capability: float, limit: float) -> Item:
        """The low-fit gap with the figures fit_figures shows."""
        hundredths, cap = fit_figures(np.array([capability]), np.array([limit]))
        return item("low_fit", capability=int(hundredths[0]) / 100, cap=int(cap[0]))

    @staticmethod
    def _presence_gap(required: str, held: str) -> Item:
        if required == "partner":
            return item("partner_needed")
        if held == "partner":
            return item("entity_needed_has_partner")
        return item("entity_needed")

    @staticmethod
    def _trl_gap(trl: int | None, minimum: int) -> Item:
        if not trl:
            return item("trl_unknown", min_trl=minimum)
        return item("trl_below", trl=trl, min_trl=minimum)

    def _cert_gaps(self, i: int, j: int) -> list[tuple[tuple[object, ...], Item]]:
        out: list[tuple[tuple[object, ...], Item]] = []
        for code in self.opps.rows[j].certifications:
            cls = self.corpus.cert_class.get(code)
            if cls is None or self.firms.certs[i, cls] > 0:
                continue
            key = ("cert", cls, j)
            if key not in self._opp_piece:
                members = [code] + [c for c in self.corpus.cert_members[cls] if c != code]
                self._opp_piece[key] = item("certifications_missing", certifications=members)
            out.append((key, self._opp_piece[key]))
        return out


def fit_figures(capability: np.ndarray, limit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The low-fit gap's figures: capability in hundredths cut down, never at engine.LOW_FIT or above (the gap is
    given below it), and the cap as the whole point at or above the limit, never below the score it caps.

    Rounded, a capability of 0.3499 read "capability 0.35 caps the score at 35" on a score of 31.93. Both are first
    rounded to a thousandth so float32 noise (0.29 is 0.28999999) does not cut a step off."""
    top = round(engine.LOW_FIT * 100) - 1
    scaled = np.round(np.asarray(capability, dtype=np.float64) * 100, 3)
    hundredths = np.minimum(np.floor(scaled), top).astype(np.int64)
    cap = np.ceil(np.round(np.asarray(limit, dtype=np.float64), 3)).astype(np.int64)
    return hundredths, cap


def _joined(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Two object arrays of items as JSON text (no brackets) joined pairwise, with ", " where both have items."""
    sep = np.where((first != "") & (second != ""), ", ", "").astype(object)
    return first + sep + second


def _at(matrix: np.ndarray, column: np.ndarray) -> np.ndarray:
    """MATRIX[n, column[n]] for every row n."""
    return np.take_along_axis(matrix, column[:, None], axis=1)[:, 0]
