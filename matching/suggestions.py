"""Areas a firm's own words point to but it does not tick: suggested on its matches page, with the words why.

Ticked areas are the firm's own statement and weigh most in its matches (docs/matching.md), while firms that tick
nothing are the ones the matcher reads least well. So the page offers the areas the description reads as, each with
the words that point there, and an editor can tick one with a click (the firm is then rescored), or dismiss a wrong
one ("not our field", matching.models.AreaDismissal), which is then never suggested to the firm again.

`suggest` is the rule (no Django import); `area_suggestions` reads one firm and the curated corpus. The corpus is
fitted once per version of the curated records (portal.generations' `records` token) and kept in the process. It
leaves out the reference firms that shape the scorer's area profiles: measured, suggestions are better without.
"""

from __future__ import annotations

import dataclasses
import datetime
import threading
import time
from collections.abc import Iterable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matching import affinity
from matching.evidence import keyword_terms, whole_keyword_weights
from matching.features import Corpus, FirmArrays, build_corpus, firm_arrays
from matching.items import Item, item

SHARE = 0.7  # an area is suggested at this share of the firm's strongest area or more...
FLOOR = 0.4  # ...and with at least this affinity, so that a firm writing about farms is suggested nothing
LIMIT = 3


def suggest(
    corpus: Corpus,
    firms: FirmArrays,
    *,
    limit: int = LIMIT,
    weights: list[dict[int, float]] | None = None,
    ticked: NDArray[np.bool_] | None = None,
    dismissed: NDArray[np.bool_] | None = None,
) -> list[list[Item]]:
    """Per firm, up to LIMIT `area_suggested` items `{area, terms}`: unticked areas its words read as, strongest
    first. An area is suggested only with words to show for it. WEIGHTS are the corpus's whole-keyword weights
    (evidence.whole_keyword_weights), when the caller keeps them. FIRMS should be read from their words alone, with
    TICKED (firms x areas) the areas they tick: then ticking one suggestion leaves the others' bar where it was
    (a ticked area's affinity rises, and SHARE of it would hide the rest). Without TICKED, FIRMS' own ticks count.
    DISMISSED (firms x areas) are the areas each firm said are not its field: skipped like ticked ones, and like
    them they leave the bar where it was (set by the firm's strongest area, dismissed or not)."""
    weights = weights if weights is not None else whole_keyword_weights(corpus)
    ticked = ticked if ticked is not None else firms.declared
    out: list[list[Item]] = []
    # The profiles as one dense array and the words each area's reasons may cite, made once for all the firms (as
    # the explainer does), not once per firm and area.
    profiles: tuple[NDArray[np.floating], NDArray[np.bool_]] | None = None
    for i in range(len(firms.rows)):
        row: NDArray[np.float32] = firms.affinity[i]
        best = float(row.max(initial=0.0))
        found: list[Item] = []
        for a in np.argsort(-row).tolist():
            if len(found) >= limit or row[a] < max(FLOOR, SHARE * best):
                break
            if ticked[i, a] or (dismissed is not None and dismissed[i, a]):
                continue
            code, terms = "area_suggested", keyword_terms(corpus, weights[a], firms.text, i)
            if not terms and corpus.profiles_t is not None:
                if profiles is None:
                    dense = corpus.profiles_t.toarray()
                    profiles = dense, affinity.distinctive(dense, corpus.keyword_weights)
                code = "area_suggested_related"
                terms = affinity.profile_words(corpus.vocabulary, firms.text, i, profiles[0][:, a], profiles[1][:, a])
            if terms:
                found.append(item(code, area=corpus.areas[a].slug, terms=terms))
        out.append(found)
    return out


UNCACHED_FOR = 60.0  # seconds a corpus is kept when the cache cannot say whether the curated records changed
_corpus_lock = threading.Lock()
_corpus: dict[str, Any] = {}


def current_corpus(*, today: datetime.date) -> tuple[Corpus, list[dict[int, float]]]:
    """The corpus the scorer fits for today's open records, with its whole-keyword weights: refitted when the
    curated records change (their generation token), or after UNCACHED_FOR seconds while the cache is down."""
    from matching.inputs import scoring_areas, scoring_certifications, scoring_opportunities
    from portal.generations import generations_current

    generation = generations_current(["records"])
    token = f"{generation}:{today}"
    with _corpus_lock:
        fresh = _corpus.get("token") == token and (
            generation is not None or time.monotonic() - _corpus.get("fitted", 0.0) < UNCACHED_FOR
        )
        if not fresh:
            # The areas' profiles without their reference firms: with them, suggestions were less precise on the
            # ranking set's `test` half and found fewer core areas (docs/matching.md, "Reference firms").
            areas = scoring_areas(examples_too=False)
            corpus = build_corpus(areas, scoring_opportunities(today=today), scoring_certifications())
            _corpus.clear()
            _corpus.update(token=token, corpus=corpus, weights=whole_keyword_weights(corpus), fitted=time.monotonic())
        return _corpus["corpus"], _corpus["weights"]


def area_suggestions(
    *, company_id: int, today: datetime.date, dismissed_areas: Iterable[str] | None = None
) -> list[Item]:
    """The `area_suggested` items for one firm (see `suggest`), without the areas it dismissed: DISMISSED_AREAS
    (slugs) when the caller has read them already, as the firm's profile lists them, else read here (one query)."""
    from matching.inputs import scoring_companies
    from matching.models import AreaDismissal

    rows = scoring_companies(ids=[company_id], today=today)
    if not rows:
        return []
    if dismissed_areas is None:
        dismissed_areas = AreaDismissal.objects.filter(company_id=company_id).values_list(
            "technology_area__slug", flat=True
        )
    gone = set(dismissed_areas)
    corpus, weights = current_corpus(today=today)
    words_only = firm_arrays(corpus, [dataclasses.replace(r, areas=()) for r in rows], year=today.year)
    ticked = np.array([[area.slug in r.areas for area in corpus.areas] for r in rows], dtype=np.bool_)
    dismissed = np.array([[area.slug in gone for area in corpus.areas] for _row in rows], dtype=np.bool_)
    return suggest(corpus, words_only, weights=weights, ticked=ticked, dismissed=dismissed)[0]
