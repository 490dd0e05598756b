"""Ranking quality on the development set: `python bench/ranking.py [--split tune|test|both] [--slice N] [--verbose]`.

Builds a throwaway SQLite database in a temporary directory (whatever DATABASE_URL says, so a developer's data is
never touched), loads the curated fixtures with the `load_curated` service, imports the firms of
tests/matching/ranking/firms.yaml with the CSV import service (their presence in Japan is its `japan_presence`
column), rescores everything with `match_run_start`, and reads the Match rows. It then prints one JSON line per figure,
`{"metric", "value", "unit"}`: nDCG@5 of the areas and hubs per half and group, the same for a plain TF-IDF peer
run on the same firms, the user's view (the five best opportunities) and the civilian-decoy check, with 95 %
bootstrap intervals of each half's nDCG@5 and of its ratio to the peer's (`*_ci_low`, `*_ci_high`); the test half's
figures are given again (`*_test_fresh*`) for the firms of the set's latest extension, which no tuning round has seen
scored. It also prints how well the Japanese partners each firm is shown follow its labelled areas
(`partner_*`, docs/partners.md), how good the areas suggested to firms that tick nothing are (`suggest_*`), and,
last, two what-ifs: the figures again once those firms tick the right suggestions
(`*_if_right_suggestions_ticked`) or all of them (`*_if_all_suggestions_ticked`). Printed, not asserted; the
goals and today's figures are in docs/matching.md. --verbose writes the worst firms to stderr.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import math
import os
import random
import statistics
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
RANKING = ROOT / "tests" / "matching" / "ranking"
GROUPS = ("tagged", "untagged", "jargon", "civilian")
HEADER = "name,country,size,founded,website,description,technology_areas,trl,certifications,japan_presence"
K = 5
THIS_YEAR = 2026


@dataclass(frozen=True)
class Firm:
    """One firm of the development set with its graded labels (area or hub slug -> 0..3)."""

    slug: str
    name: str
    group: str
    country: str
    size: str
    founded: int | None
    website: str
    japan_presence: str
    areas: tuple[str, ...]
    description: str
    labels: dict[str, int]


@dataclass
class Catalogue:
    """What is ranked: each area by its priority-area records, each hub by its record; every opportunity's areas."""

    items: dict[str, list[int]] = field(default_factory=dict)  # area or hub slug -> opportunity ids
    hubs: dict[int, str] = field(default_factory=dict)  # hub opportunity id -> hub slug
    areas_of: dict[int, dict[str, float]] = field(default_factory=dict)  # opportunity id -> {area: weight}
    sizes_of: dict[int, list[str]] = field(default_factory=dict)  # opportunity id -> eligible sizes


@dataclass
class Scores:
    """One ranker's view of one firm: a score per ranked item and per opportunity."""

    items: dict[str, float]
    opportunities: dict[int, float]


# --- the development set ------------------------------------------------------------------------------------------


def firms_load() -> dict[str, Firm]:
    """Every firm of the set with its labels, by slug."""
    with (RANKING / "labels.csv").open(newline="") as fh:
        labels = {row.pop("slug"): {k: int(v) for k, v in row.items()} for row in csv.DictReader(fh)}
    firms = {}
    for r in yaml.safe_load((RANKING / "firms.yaml").read_text()):
        firms[r["slug"]] = Firm(
            slug=r["slug"],
            name=r["name"],
            group=r["group"],
            country=r["country"],
            size=r["size"],
            founded=r["founded"],
            website=r["website"],
            japan_presence=r["japan_presence"],
            areas=tuple(r["technology_areas"]),
            description=r["description"],
            labels=labels[r["slug"]],
        )
    return firms


def firms_select(firms: dict[str, Firm], *, half: str, slice_n: int | None = None) -> list[Firm]:
    """The firms of one half of the split; with SLICE_N, only that many, taken in turn from each group."""
    split = yaml.safe_load((RANKING / "split.yaml").read_text())
    chosen = [firms[s] for s in sorted(split[half])]
    if slice_n is None:
        return chosen
    queues = [[f for f in chosen if f.group == g] for g in GROUPS]
    picked: list[Firm] = []
    while len(picked) < min(slice_n, len(chosen)):
        for queue in queues:
            if queue and len(picked) < slice_n:
                picked.append(queue.pop(0))
    return picked


def firms_fresh(firms: list[Firm]) -> list[Firm]:
    """Those of FIRMS added in the set's latest extension (split.yaml `extensions`): firms no tuning round has seen
    scored, so their test-half figures are the least biased ones."""
    split = yaml.safe_load((RANKING / "split.yaml").read_text())
    latest = set(split.get("extensions", [{}])[-1].get("firms", []))
    return [f for f in firms if f.slug in latest]


def firms_csv(firms: Iterable[Firm]) -> bytes:
    """The firms as the CSV file the import takes (docs/import.md)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    out.write(HEADER + "\n")
    for f in firms:
        writer.writerow(
            [
                f.name,
                f.country,
                f.size,
                f.founded or "",
                f.website,
                f.description,
                ";".join(f.areas),
                "",
                "",
                f.japan_presence,
            ]
        )
    return out.getvalue().encode()


# --- the real path: curated fixtures, CSV import, rescore, Match rows ----------------------------------------------


def database_prepare(firms: list[Firm]) -> None:
    """Load the curated fixtures without their demo firms, import FIRMS (presence in Japan included) through the CSV
    import and rescore all."""
    from companies.importing import companies_import
    from companies.models import Company
    from matching.dispatch import match_run_start
    from matching.models import MatchRun
    from web.curated import curated_load

    curated_load(directory=ROOT / "fixtures")
    # The curated demo firms are not part of the set: the import would take a set firm of the same name (Ocius
    # Technology) to be the curated one and update it under the curated slug. Scores depend on no other firm.
    Company.objects.all().delete()
    companies_import(data=firms_csv(firms), by=None, source="bench/ranking.py")
    match_run_start(scope=MatchRun.Scope.ALL)


def catalogue_read() -> Catalogue:
    """Areas by the published priority-area records where they are the main area (or weigh most), hubs by theirs."""
    from programmes.models import Opportunity, OpportunityArea

    cat = Catalogue()
    published = Opportunity.objects.filter(status=Opportunity.Status.PUBLISHED)
    for link in OpportunityArea.objects.filter(opportunity__in=published).select_related("technology_area"):
        cat.areas_of.setdefault(link.opportunity_id, {})[link.technology_area.slug] = link.weight
    for opp in published.filter(kind=Opportunity.Kind.HUB):
        cat.hubs[opp.pk] = opp.slug
        cat.items[opp.slug] = [opp.pk]
    for opp in published:
        cat.areas_of.setdefault(opp.pk, {})
        cat.sizes_of[opp.pk] = list(opp.eligible_sizes or [])
    priority = sorted(published.filter(kind=Opportunity.Kind.PRIORITY_AREA).values_list("pk", flat=True))
    for pk in priority:
        for area in _main_areas(cat.areas_of[pk]):
            cat.items.setdefault(area, []).append(pk)
    # An area that is no record's main area (counter-uas today) stands by the records where it weighs most.
    for area in sorted({a for pk in priority for a in cat.areas_of[pk]} - set(cat.items)):
        best = max(cat.areas_of[pk].get(area, 0.0) for pk in priority)
        cat.items[area] = [pk for pk in priority if cat.areas_of[pk].get(area) == best]
    return cat


def _main_areas(weights: dict[str, float]) -> list[str]:
    """A record's main areas: those with its highest weight."""
    main = max(weights.values(), default=0.0)
    return [area for area, weight in weights.items() if weight == main]


def scorer_read(firms: list[Firm], cat: Catalogue) -> dict[str, Scores]:
    """The scorer's Match rows for FIRMS, as scores per item (the best record standing for it) and per opportunity."""
    from matching.models import Match

    by_firm: dict[str, dict[int, float]] = {f.slug: {} for f in firms}
    rows = (
        Match.objects.filter(company__slug__in=by_firm)
        .best_first()
        .values_list("company__slug", "opportunity_id", "score")
    )
    for slug, opp, score in rows:
        by_firm[slug][opp] = score
    return {slug: Scores(items=_items_from(opps, cat), opportunities=opps) for slug, opps in by_firm.items()}


def _items_from(opps: dict[int, float], cat: Catalogue) -> dict[str, float]:
    return {item: max((opps.get(pk, 0.0) for pk in pks), default=0.0) for item, pks in cat.items.items()}


# --- the peer: plain TF-IDF over the curated area keywords ----------------------------------------------------------


def peer_scores(firms: list[Firm], cat: Catalogue) -> dict[str, Scores]:
    """A plain TF-IDF peer: cosine to each area's name, description and keywords, ticked areas on top, size rules."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    areas = yaml.safe_load((ROOT / "fixtures" / "technology_areas.yaml").read_text())
    profiles = [" ".join([a["name"], a["description"], *a.get("keywords", [])]) for a in areas]
    vectoriser = TfidfVectorizer(sublinear_tf=True, stop_words="english", ngram_range=(1, 2))
    vectoriser.fit(profiles + [f.description for f in firms])
    cosine = (vectoriser.transform([f.description for f in firms]) @ vectoriser.transform(profiles).T).toarray()
    out = {}
    for row, firm in zip(cosine, firms, strict=True):
        top = max(row.max(), 1e-9)
        area = {a["slug"]: float(c) / top for a, c in zip(areas, row, strict=True)}
        area |= {slug: area[slug] + 1.0 for slug in firm.areas}  # a ticked area is the firm's own statement
        opps = {pk: _peer_opportunity(firm, pk, area, cat) for pk in cat.areas_of}
        items = {slug: area.get(slug, 0.0) for slug in cat.items if slug not in cat.hubs.values()}
        items |= {slug: opps[pk] for pk, slug in cat.hubs.items()}
        out[firm.slug] = Scores(items=items, opportunities=opps)
    return out


def _peer_opportunity(firm: Firm, pk: int, area: dict[str, float], cat: Catalogue) -> float:
    weights = cat.areas_of[pk]
    fit = max((w * area.get(a, 0.0) for a, w in weights.items()), default=0.5 * max(area.values()))
    sizes = cat.sizes_of[pk]
    if sizes and firm.size not in sizes:
        return 0.0
    if sizes and "large" not in sizes and firm.founded and THIS_YEAR - firm.founded > 10:
        fit *= 0.5  # a start-up programme: an old SME is not a start-up
    return fit


# --- nDCG -----------------------------------------------------------------------------------------------------------


def ndcg(scored: list[tuple[float, int]], k: int = K) -> float | None:
    """nDCG@k of (score, grade) pairs, gain 2**grade - 1; None when every grade is 0.

    Tie-aware (McSherry and Najork, 2008): items with equal scores share their group's mean gain, so the order a
    tie happens to be broken in neither helps nor hurts (several areas share one record, for example).
    """
    gains = sorted((2**grade - 1 for _, grade in scored), reverse=True)
    ideal = sum(gain / math.log2(i + 2) for i, gain in enumerate(gains[:k]))
    if not ideal:
        return None
    dcg, position = 0.0, 0
    for _, tied in groupby(sorted(scored, key=lambda pair: -pair[0]), key=lambda pair: pair[0]):
        group = [2**grade - 1 for _, grade in tied]
        for _ in group:
            if position < k:
                dcg += sum(group) / len(group) / math.log2(position + 2)
            position += 1
    return dcg / ideal


def firm_ndcg(firm: Firm, scores: Scores) -> float | None:
    """nDCG@5 of the areas and hubs ranked by SCORES against the firm's labels."""
    return ndcg([(score, firm.labels.get(item, 0)) for item, score in scores.items.items()])


def user_ndcg(firm: Firm, scores: Scores, cat: Catalogue) -> float | None:
    """nDCG@5 of the five best opportunities the firm sees, each graded by its hub label or its main areas' labels."""
    return ndcg([(score, _opportunity_grade(firm, pk, cat)) for pk, score in scores.opportunities.items()])


def _opportunity_grade(firm: Firm, pk: int, cat: Catalogue) -> int:
    if pk in cat.hubs:
        return firm.labels.get(cat.hubs[pk], 0)
    return max((firm.labels.get(a, 0) for a in _main_areas(cat.areas_of.get(pk) or {})), default=0)


# --- partner fits: the Japanese partners a firm is shown, graded by the firm's areas ------------------------------


def partners_read() -> dict[str, dict[str, float]]:
    """Each partner's technology areas and their weights, by partner slug."""
    from partners.models import PartnerArea

    out: dict[str, dict[str, float]] = {}
    for partner, area, weight in PartnerArea.objects.values_list("partner__slug", "technology_area__slug", "weight"):
        out.setdefault(partner, {})[area] = weight
    return out


def fits_read(firms: list[Firm]) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """The stored partner fits of FIRMS (each firm keeps its best 20): the score, and the `shared_areas` part alone."""
    from partners.models import PartnerFit

    scores: dict[str, dict[str, float]] = {f.slug: {} for f in firms}
    shared: dict[str, dict[str, float]] = {f.slug: {} for f in firms}
    rows = PartnerFit.objects.filter(company__slug__in=scores).values_list(
        "company__slug", "partner__slug", "score", "components"
    )
    for firm, partner, score, components in rows:
        scores[firm][partner] = score
        shared[firm][partner] = float((components.get("shared_areas") or {}).get("contribution", 0.0))
    return scores, shared


def partner_grade(firm: Firm, areas: dict[str, float]) -> int:
    """A partner's grade for FIRM: the firm's label in each of the partner's areas times the partner's weight there,
    rounded half up, at best (a partner's core area carries the firm's grade, a side line of weight 0.5 half of it)."""
    return max((math.floor(w * firm.labels.get(a, 0) + 0.5) for a, w in areas.items()), default=0)


def partner_ndcg(firm: Firm, partners: dict[str, dict[str, float]], scores: dict[str, float]) -> float | None:
    """nDCG@5 of the partners ranked by SCORES (partner slug -> score; a partner not in it scores 0), graded by
    partner_grade."""
    return ndcg([(scores.get(p, 0.0), partner_grade(firm, areas)) for p, areas in partners.items()])


def partner_figures(
    half: str, firms: list[Firm], partners: dict[str, dict[str, float]], peer: dict[str, Scores]
) -> dict[str, float | None]:
    """nDCG@5 of the partners each firm is shown (its stored fits, the best 20), graded by partner_grade: by the fit
    score, by its `shared_areas` part alone, and by the peer's area scores (a partner scores its best weighted
    area)."""
    scores, shared = fits_read(firms)
    by_peer = {
        f.slug: {p: max((w * peer[f.slug].items.get(a, 0.0) for a, w in areas.items()), default=0.0)
                 for p, areas in partners.items()}
        for f in firms
    }  # fmt: skip
    return {
        f"{prefix}partner{suffix}_ndcg5_{half}": _mean(partner_ndcg(f, partners, table[f.slug]) for f in firms)
        for prefix, suffix, table in (("", "", scores), ("", "_areas", shared), ("peer_", "", by_peer))
    }


# --- figures --------------------------------------------------------------------------------------------------------


def _mean(values: Iterable[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def figures(
    half: str,
    firms: list[Firm],
    scorer: dict[str, Scores],
    peer: dict[str, Scores],
    cat: Catalogue,
    *,
    intervals: bool = True,
) -> dict:
    """The nDCG figures of one half: overall and per group, the scorer's and the peer's, areas and the user's view;
    with INTERVALS, the bootstrap intervals of the overall figure."""
    out: dict[str, float | None] = {}
    groups = {"": lambda f: True} | {
        "_tagged": lambda f: f.group == "tagged",
        "_untagged": lambda f: f.group in ("untagged", "jargon"),  # firms that tick no area, decoys aside
        "_jargon": lambda f: f.group == "jargon",
        "_civilian": lambda f: f.group == "civilian",
    }
    for prefix, table in (("", scorer), ("peer_", peer)):
        for suffix, keep in groups.items():
            out[f"{prefix}ndcg5_{half}{suffix}"] = _mean(firm_ndcg(f, table[f.slug]) for f in firms if keep(f))
        out[f"{prefix}user_ndcg5_{half}"] = _mean(user_ndcg(f, table[f.slug], cat) for f in firms)
    if not intervals:
        return out
    # firm_ndcg is None only for a firm with no label above 0 (the labels alone decide, whoever ranks), so the pairs
    # kept are the firms the headline figure averages.
    pairs = [(firm_ndcg(f, scorer[f.slug]), firm_ndcg(f, peer[f.slug])) for f in firms]
    return out | bootstrap(half, [(a, b) for a, b in pairs if a is not None and b is not None])


BOOTSTRAP_DRAWS = 2000
BOOTSTRAP_SEED = 20261203  # fixed, so the same scores always print the same intervals


def bootstrap(half: str, pairs: list[tuple[float, float]]) -> dict[str, float]:
    """95 % intervals, by a paired bootstrap over the half's firms, of the scorer's nDCG@5 and of its ratio to the
    peer's: how far the figures could move with another draw of firms like these (80 firms hold a few hundredths)."""
    if len(pairs) < 2:
        return {}
    draw = random.Random(BOOTSTRAP_SEED)
    means, ratios = [], []
    for _ in range(BOOTSTRAP_DRAWS):
        sample = [pairs[draw.randrange(len(pairs))] for _ in pairs]
        ours, theirs = sum(a for a, _ in sample) / len(sample), sum(b for _, b in sample) / len(sample)
        means.append(ours)
        if theirs:  # a draw where the peer found nothing has no ratio (none has happened: the peer's mean is ~0.7)
            ratios.append(ours / theirs)
    out = dict(zip((f"ndcg5_{half}_ci_low", f"ndcg5_{half}_ci_high"), _interval(means), strict=True))
    if ratios:
        out |= dict(
            zip((f"ndcg5_{half}_peer_ratio_ci_low", f"ndcg5_{half}_peer_ratio_ci_high"), _interval(ratios), strict=True)
        )
    return out


def _interval(draws: list[float]) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of DRAWS."""
    ordered = sorted(draws)
    return ordered[int(0.025 * len(ordered))], ordered[max(int(0.975 * len(ordered)) - 1, 0)]


def decoy_check(firms: list[Firm], scorer: dict[str, Scores]) -> dict[str, float]:
    """The best score of the strongest civilian decoy against the median best score of the defence firms."""
    best = {f.slug: max(scorer[f.slug].opportunities.values(), default=0.0) for f in firms}
    civilian = [best[f.slug] for f in firms if f.group == "civilian"]
    defence = [best[f.slug] for f in firms if f.group != "civilian"]
    return {
        "civilian_best_max": max(civilian, default=0.0),
        "defence_best_median": statistics.median(defence) if defence else 0.0,
    }


def worst_cases(firms: list[Firm], scorer: dict[str, Scores], peer: dict[str, Scores], limit: int) -> list[str]:
    """One line per firm the scorer ranks worst: its top five, and its best-graded items it put lower."""
    rows = [(firm_ndcg(f, scorer[f.slug]), f) for f in firms]
    lines = []
    for value, firm in sorted((r for r in rows if r[0] is not None), key=lambda r: (r[0], r[1].slug))[:limit]:
        items = scorer[firm.slug].items
        order = sorted(items, key=lambda item: (-items[item], item))
        top = ", ".join(f"{i}={firm.labels.get(i, 0)}@{items[i]:.1f}" for i in order[:K])
        missed = ", ".join(
            f"{i}={firm.labels[i]} rank {order.index(i) + 1}@{items[i]:.1f}"
            for i in order[K:]
            if firm.labels.get(i, 0) >= 2
        )
        head = f"{firm.slug} ({firm.group}) ndcg5={value:.2f} peer={firm_ndcg(firm, peer[firm.slug]) or 0.0:.2f}"
        lines.append(f"{head} | top5: {top} | missed: {missed or '-'}")
    return lines


def suggestion_figures(half: str, firms: list[Firm]) -> dict[str, float | None]:
    """How good the areas suggested to firms that tick nothing are (matching/suggestions.py): the share graded 2 or
    more (precision), the share of their grade-3 areas suggested (recall), and suggestions per civilian decoy."""
    import datetime

    from companies.models import Company
    from matching.suggestions import area_suggestions

    today = datetime.date(THIS_YEAR, 12, 2)
    ids = dict(Company.objects.filter(slug__in=[f.slug for f in firms]).values_list("slug", "pk"))
    suggested = {
        f.slug: [entry["params"]["area"] for entry in area_suggestions(company_id=ids[f.slug], today=today)]
        for f in firms
        if f.slug in ids and f.group != "tagged"
    }
    unticked = [f for f in firms if f.group in ("untagged", "jargon") and f.slug in suggested]
    made = [f.labels.get(a, 0) for f in unticked for a in suggested[f.slug]]
    core = [(f, a) for f in unticked for a, grade in f.labels.items() if grade == 3 and not a.endswith("-hub")]
    civilian = [len(suggested[f.slug]) for f in firms if f.group == "civilian" and f.slug in suggested]
    return {
        f"suggest_precision_{half}": sum(g >= 2 for g in made) / len(made) if made else None,
        f"suggest_recall_{half}": sum(a in suggested[f.slug] for f, a in core) / len(core) if core else None,
        f"suggest_per_civilian_{half}": sum(civilian) / len(civilian) if civilian else None,
        f"suggest_per_unticked_firm_{half}": len(made) / len(unticked) if unticked else None,
    }


def suggestions_accept(firms: list[Firm], *, right_only: bool) -> None:
    """What-if: every firm that ticks nothing ticks the areas suggested to it (RIGHT_ONLY: those it is graded 2 or 3
    in, as a firm that knows its products would), through the service the page's button calls; then everything is
    rescored once. A firm's ticks are replaced, so the two what-ifs can run one after the other."""
    import datetime

    from companies.models import Company
    from companies.services import company_update
    from matching.dispatch import match_run_start
    from matching.models import MatchRun
    from matching.suggestions import area_suggestions
    from programmes.models import TechnologyArea

    today = datetime.date(THIS_YEAR, 12, 2)
    area_ids = dict(TechnologyArea.objects.values_list("slug", "pk"))
    by_slug = {f.slug: f for f in firms}
    for company in Company.objects.filter(slug__in=[f.slug for f in firms if f.group != "tagged"]):
        company_update(company=company, data={"technology_areas": []}, by=None, reason="bench: as imported")
        labels = by_slug[company.slug].labels
        slugs = [str(entry["params"]["area"]) for entry in area_suggestions(company_id=company.pk, today=today)]
        ticks = [area_ids[slug] for slug in slugs if not right_only or labels.get(slug, 0) >= 2]
        if ticks:
            company_update(company=company, data={"technology_areas": ticks}, by=None, reason="bench: suggestions")
    match_run_start(scope=MatchRun.Scope.ALL)


def measure(halves: dict[str, list[Firm]], *, verbose: int = 0) -> dict[str, float | None]:
    """Run the whole path for the firms of HALVES in the current database and return every figure by name."""
    every = [f for firms in halves.values() for f in firms]
    database_prepare(every)
    cat = catalogue_read()
    unranked = sorted(set(every[0].labels) - set(cat.items)) if every else []
    if unranked:
        print(f"warning: no published record stands for {', '.join(unranked)}; left out", file=sys.stderr)
    scorer = scorer_read(every, cat)
    partners = partners_read()
    out: dict[str, float | None] = {}
    for half, firms in halves.items():
        peer = peer_scores(firms, cat)  # fitted on this half's descriptions only
        out |= figures(half, firms, scorer, peer, cat)
        out |= partner_figures(half, firms, partners, peer)
        out[f"firms_{half}"] = len(firms)
        out |= suggestion_figures(half, firms)
        fresh = firms_fresh(firms) if half == "test" else []
        if fresh:
            out |= figures(f"{half}_fresh", fresh, scorer, peer, cat)
            out[f"firms_{half}_fresh"] = len(fresh)
        for line in worst_cases(firms, scorer, peer, verbose) if verbose else []:
            print(f"[{half}] {line}", file=sys.stderr)
    out |= decoy_check(every, scorer)
    # What-if: the firms that tick nothing accept the suggested areas (matching/suggestions.py); the whole half is
    # scored again, so tagged firms' figures are unchanged and the group figures show what ticking is worth.
    for right_only, suffix in ((True, "_if_right_suggestions_ticked"), (False, "_if_all_suggestions_ticked")):
        suggestions_accept(every, right_only=right_only)
        accepted = scorer_read(every, cat)
        for half, firms in halves.items():
            for name, value in figures(half, firms, accepted, peer_scores(firms, cat), cat, intervals=False).items():
                if not name.startswith("peer_"):
                    out[f"{name}{suffix}"] = value
    return out


def _unit(name: str) -> str:
    if name.startswith("firms_"):
        return "firms"
    if name.startswith("suggest_per_"):
        return "areas"
    if name.startswith("suggest_"):
        return "share"
    if "_ratio" in name:
        return "ratio"
    return "score" if name.startswith(("civilian_", "defence_")) else "ndcg"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["tune", "test", "both"], default="both")
    parser.add_argument("--slice", type=int, default=None, help="only N firms of each half (CI)")
    parser.add_argument("--verbose", "-v", nargs="?", type=int, const=15, default=0, help="the N worst firms (15)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kakehashi-ranking-") as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/ranking.sqlite3"
        os.environ.pop("REDIS_URL", None)  # eager Celery: the rescore runs in this process
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
        os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
        sys.path.insert(0, str(ROOT))
        import django
        from django.core.management import call_command

        django.setup()
        logging.disable(logging.WARNING)  # the eager tasks' log lines would drown the figures
        call_command("migrate", verbosity=0)
        firms = firms_load()
        halves = ["tune", "test"] if args.split == "both" else [args.split]
        results = measure({h: firms_select(firms, half=h, slice_n=args.slice) for h in halves}, verbose=args.verbose)
    for name, value in results.items():
        if value is not None:
            print(json.dumps({"metric": name, "value": round(value, 3), "unit": _unit(name)}), flush=True)


if __name__ == "__main__":
    main()
