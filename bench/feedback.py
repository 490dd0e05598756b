"""Feedback cost figure (issue 14): `python bench/feedback.py --companies 20000 --opportunities 500 --share 0.1`.

The engine alone (engine.score + engine.keep) against the feedback step it gains (feedback.penalties +
feedback.apply), chunk by chunk, on synthetic firms where SHARE of them marked one to three areas "wrong technology".
No database: features, engine and feedback are Django-free. Each step is timed REPEAT times per chunk and the
fastest counts, so other work on a shared machine disturbs the ratio little. Prints one JSON line per
figure; the goal (within 5 %) is in docs/matching.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matching import engine, features, feedback  # noqa: E402

WORDS = ["We build", "for defence customers", "tested in the field", "for allied primes", "and exports to allies"]


def metric(name: str, value: float, unit: str) -> None:
    print(json.dumps({"metric": name, "value": round(value, 3), "unit": unit}), flush=True)


def build(n_companies: int, n_opportunities: int, share: float, seed: int = 7):
    rng = random.Random(seed)
    records = yaml.safe_load((ROOT / "fixtures" / "technology_areas.yaml").read_text())
    areas = [features.AreaRow(r["slug"], r["name"], r["description"], r.get("keywords") or []) for r in records]
    today = datetime.date(2026, 12, 2)
    opps = []
    for j in range(n_opportunities):
        asked = rng.sample(areas, k=rng.choice([0, 1, 1, 2, 3]))
        words = [kw for a in asked for kw in rng.sample(list(a.keywords), k=min(3, len(a.keywords)))]
        opps.append(
            features.OpportunityRow(
                pk=j,
                slug=f"o-{j}",
                title=f"Opportunity {j}",
                kind=rng.choice(["call", "programme", "priority_area", "hub"]) if asked else "hub",
                text=" ".join([a.description for a in asked] + words) or "Any technology.",
                areas={a.slug: (1.0 if k == 0 else 0.5) for k, a in enumerate(asked)},
                closes_on=today + datetime.timedelta(days=rng.randint(10, 200)),
            )
        )
    firms = []
    for i in range(n_companies):
        chosen = rng.sample(areas, k=rng.choice([1, 1, 2, 3]))
        words = [kw for a in chosen for kw in rng.sample(list(a.keywords), k=min(3, len(a.keywords)))]
        marked = (
            {a.slug: rng.randint(1, 3) for a in rng.sample(areas, k=rng.randint(1, 3))} if rng.random() < share else {}
        )
        firms.append(
            features.CompanyRow(
                pk=i,
                slug=f"f-{i}",
                name=f"Firm {i}",
                description=f"{rng.choice(WORDS)} {' '.join(words)} {rng.choice(WORDS)}.",
                country=rng.choice(["AU", "US", "JP"]),
                size=rng.choice(["startup", "sme", "large"]),
                trl=rng.choice([None, 5, 7]),
                areas=[a.slug for a in chosen] if rng.random() < 0.5 else [],
                marked_areas=marked,
            )
        )
    corpus = features.build_corpus(areas, opps, [])
    return corpus, features.opportunity_arrays(corpus, opps, today=today), firms


def best(step, repeat: int) -> float:
    """The fastest of REPEAT timings of STEP(), in seconds: the least disturbed by other work on the machine."""
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        step()
        times.append(time.perf_counter() - began)
    return min(times)


def timings(corpus, opportunities, chunks, repeat: int) -> tuple[float, float, int]:
    """Seconds of the engine (score + keep) and of the feedback step (penalties + apply) over all chunks, and pairs."""
    engine_s, feedback_s, pairs = 0.0, 0.0, 0
    for rows, firms in chunks:
        scores = engine.score(firms, opportunities)
        engine_s += best(lambda firms=firms: engine.keep(engine.score(firms, opportunities).score), repeat)
        feedback_s += best(
            lambda rows=rows, scores=scores: feedback.apply(
                scores.score.copy(), feedback.penalties(corpus, rows, opportunities.areas)
            ),
            repeat,
        )
        pairs += len(rows) * len(opportunities.rows)
    return engine_s, feedback_s, pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=20000)
    parser.add_argument("--opportunities", type=int, default=500)
    parser.add_argument("--share", type=float, default=0.1)
    parser.add_argument("--chunk", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    corpus, opportunities, firms = build(args.companies, args.opportunities, args.share)
    chunks = []
    for start in range(0, len(firms), args.chunk):
        rows = firms[start : start + args.chunk]
        block = features.firm_arrays(corpus, rows)
        features.align_countries(block, opportunities)
        chunks.append((rows, block))
    engine_s, feedback_s, pairs = timings(corpus, opportunities, chunks, args.repeat)
    metric("engine_pairs_per_s", pairs / engine_s, "pairs/s")
    metric("engine_with_feedback_pairs_per_s", pairs / (engine_s + feedback_s), "pairs/s")
    metric("feedback_cost_pct", 100.0 * feedback_s / engine_s, "%")
    metric("firms_with_feedback", sum(1 for f in firms if f.marked_areas), "firms")


if __name__ == "__main__":
    main()
