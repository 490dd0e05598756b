"""Scoring figures: `DATABASE_URL=postgres://... python bench/scoring.py --companies 20000 --opportunities 500`.

Generates realistic synthetic firms (their own words, built from the curated keywords plus civilian firms) and
opportunities in the migrated database DATABASE_URL names, replacing any earlier bench rows (slugs `bench-*`), then
prints one JSON line per figure: engine_pairs_per_s, full_rescore_s, one_opportunity_rescore_s (unchanged, then
after an edit of the record's area weights), peak_rss_mb.
Printed, not asserted: the goals are in docs/matching.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")

import django  # noqa: E402

django.setup()

import yaml  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from companies.models import Company, CompanyCertification  # noqa: E402
from matching import engine, features, inputs, runs  # noqa: E402
from matching.models import Match  # noqa: E402
from programmes.models import Certification, Opportunity, OpportunityArea, TechnologyArea  # noqa: E402

CIVILIAN = [
    "weeding robots for broadacre farms",
    "a consumer fitness app",
    "smart irrigation controllers",
    "online booking software for restaurants",
    "wine fermentation monitoring",
    "solar inverters for homes",
    "a marketplace for second-hand furniture",
    "dental imaging software",
    "pet food subscription boxes",
    "warehouse picking robots for e-commerce",
    "payroll software for small businesses",
    "electric scooters",
]
OPENERS = ["We build", "Our team designs", "We manufacture", "The company develops", "We supply", "We engineer"]
SETTINGS_ = [
    "for defence customers",
    "for the navy",
    "for allied primes",
    "for the ADF and US DoD",
    "for government and critical infrastructure",
    "for industrial customers",
    "for mining and energy",
]
COUNTRIES = ["AU"] * 6 + ["US"] * 3 + ["JP", "GB"]
SIZES = ["startup"] * 4 + ["sme"] * 5 + ["large"]


def metric(name: str, value: float, unit: str) -> None:
    print(json.dumps({"metric": name, "value": round(value, 3), "unit": unit}), flush=True)


def ensure_reference_data() -> tuple[list[TechnologyArea], list[Certification]]:
    """The curated areas and certifications, loaded from fixtures/ when the database has none."""
    if not TechnologyArea.objects.exists():
        for r in yaml.safe_load((ROOT / "fixtures" / "technology_areas.yaml").read_text()):
            TechnologyArea.objects.create(
                slug=r["slug"], name=r["name"], description=r["description"], keywords=r.get("keywords") or []
            )
    if not Certification.objects.exists():
        records = yaml.safe_load((ROOT / "fixtures" / "certifications.yaml").read_text())
        records = records.get("records", records) if isinstance(records, dict) else records
        certs = {r["code"]: Certification.objects.create(code=r["code"], name=r["name"]) for r in records}
        for r in records:
            certs[r["code"]].equivalents.add(*[certs[c] for c in r.get("equivalents") or [] if c in certs])
    return list(TechnologyArea.objects.order_by("slug")), list(Certification.objects.order_by("code"))


def firm_text(rng: random.Random, areas: list[TechnologyArea]) -> tuple[str, list[TechnologyArea]]:
    if rng.random() < 0.15:
        return f"{rng.choice(OPENERS)} {rng.choice(CIVILIAN)} and {rng.choice(CIVILIAN)}.", []
    chosen = rng.sample(areas, k=rng.choice([1, 1, 2, 3]))
    words = [kw for a in chosen for kw in rng.sample(a.keywords, k=min(3, len(a.keywords)))]
    rng.shuffle(words)
    text = (
        f"{rng.choice(OPENERS)} {words[0]} and {words[1] if len(words) > 1 else 'related'} systems "
        f"{rng.choice(SETTINGS_)}. Our products include {', '.join(words[2:5]) or words[0]}, tested in the field. "
        f"Founded by engineers, we export to allies and hold {rng.choice(['patents', 'contracts', 'grants'])}."
    )
    return text, chosen if rng.random() < 0.5 else []


def generate(n_companies: int, n_opportunities: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    areas, certs = ensure_reference_data()
    Match.objects.filter(company__slug__startswith="bench-").delete()
    Company.objects.filter(slug__startswith="bench-").delete()
    Opportunity.objects.filter(slug__startswith="bench-").delete()
    today = timezone.localdate()
    with transaction.atomic():
        _opportunities(rng, n_opportunities, areas, certs, today)
    for start in range(0, n_companies, 5000):
        with transaction.atomic():
            _companies(rng, range(start, min(start + 5000, n_companies)), areas, certs)
    settle()


def settle() -> None:
    """On PostgreSQL, VACUUM ANALYZE the database once the bench rows are replaced.

    Deleting the last run's firms leaves about a million dead match rows. Without this, the first timed rescore
    writes into a bloated table while autovacuum works through it, and its time says more about the bench's own
    delete than about the rescore. A real first rescore writes into an empty table. bench/alerts_detect.py builds on
    generate() too, so its figures from before this step (docs/alerts.md) were taken without it.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")


def _opportunities(rng, n, areas, certs, today) -> None:
    kinds = ["priority_area"] * 5 + ["call"] * 6 + ["event"] * 2 + ["programme"] * 3 + ["hub"]
    opps, links, required = [], [], []
    for i in range(n):
        kind = rng.choice(kinds)
        asked = [] if kind == "hub" else rng.sample(areas, k=1 if kind == "priority_area" else rng.choice([1, 2, 3]))
        words = [kw for a in asked for kw in rng.sample(a.keywords, k=min(4, len(a.keywords)))]
        title = f"{kind.replace('_', ' ').title()} {i}: {', '.join(a.name for a in asked) or 'any technology'}"
        start = today + datetime.timedelta(days=rng.randint(-30, 300))
        opps.append(
            Opportunity(
                slug=f"bench-{i}",
                kind=kind,
                title=title[:250],
                status=Opportunity.Status.PUBLISHED,
                summary=" ".join(a.description for a in asked) or "Firms propose any technology for early adoption.",
                description=f"Seeking {', '.join(words)}." if words else "",
                keywords=words[:5],
                eligible_countries=rng.choice([[], [], ["JP"], ["AU", "JP"], ["US", "JP", "AU"]]),
                eligible_sizes=rng.choice([[], [], [], ["startup"], ["large"], ["startup", "sme"]]),
                min_trl=rng.choice([None, None, 4, 6, 7]),
                japan_presence=rng.choice(["none", "none", "partner", "office"]),
                opens_on=start if kind == "call" else None,
                closes_on=start + datetime.timedelta(days=rng.randint(30, 120)) if kind == "call" else None,
                starts_on=start if kind == "event" else None,
                ends_on=start + datetime.timedelta(days=3) if kind == "event" else None,
            )
        )
    Opportunity.objects.bulk_create(opps, batch_size=500)
    for o in Opportunity.objects.filter(slug__startswith="bench-").only("pk", "kind"):
        if o.kind != "hub":
            for k, a in enumerate(rng.sample(areas, k=1 if o.kind == "priority_area" else rng.choice([1, 2, 3]))):
                links.append(OpportunityArea(opportunity=o, technology_area=a, weight=1.0 if k == 0 else 0.5))
        if rng.random() < 0.2:
            required.append(Opportunity.required_certifications.through(opportunity=o, certification=rng.choice(certs)))
    OpportunityArea.objects.bulk_create(links, batch_size=2000)
    Opportunity.required_certifications.through.objects.bulk_create(required, batch_size=2000)


def _companies(rng, indices, areas, certs) -> None:
    firms, declared = [], []
    for i in indices:
        text, chosen = firm_text(rng, areas)
        firms.append(
            Company(
                slug=f"bench-{i}",
                name=f"Bench firm {i}",
                country=rng.choice(COUNTRIES),
                size=rng.choice(SIZES),
                trl=rng.choice([None, 3, 5, 6, 7, 8, 9]),
                description=text,
                japan_presence=rng.choice(["none", "none", "none", "partner", "office"]),
            )
        )
        declared.append(chosen)
    created = Company.objects.bulk_create(firms, batch_size=2000)
    through = Company.technology_areas.through
    through.objects.bulk_create(
        [
            through(company_id=c.pk, technologyarea_id=a.pk)
            for c, chosen in zip(created, declared, strict=True)
            for a in chosen
        ],
        batch_size=5000,
    )
    CompanyCertification.objects.bulk_create(
        [CompanyCertification(company_id=c.pk, certification=rng.choice(certs)) for c in created if rng.random() < 0.3],
        batch_size=5000,
        ignore_conflicts=True,
    )


def engine_throughput() -> float:
    """Pairs per second of engine.score + engine.keep alone, over every chunk (features built beforehand)."""
    context = runs._context(run_id=None)
    ids = inputs.scoring_company_ids()
    size, pairs, seconds = runs.chunk_size_setting(), 0, 0.0
    for start in range(0, len(ids), size):
        firms = features.firm_arrays(
            context.corpus, inputs.scoring_companies(ids=ids[start : start + size], today=context.today)
        )
        features.align_countries(firms, context.opportunities)
        began = time.perf_counter()
        scores = engine.score(firms, context.opportunities)
        engine.keep(scores.score)
        seconds += time.perf_counter() - began
        pairs += len(firms.rows) * len(context.opportunities.rows)
    return pairs / seconds


def timed(*args: str) -> float:
    began = time.perf_counter()
    call_command("rescore", *args, "--sync", verbosity=0)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=20000)
    parser.add_argument("--opportunities", type=int, default=500)
    args = parser.parse_args()
    began = time.perf_counter()
    generate(args.companies, args.opportunities)
    print(
        f"# generated {args.companies} firms and {args.opportunities} opportunities in "
        f"{time.perf_counter() - began:.1f} s on {connection.vendor}",
        file=sys.stderr,
    )
    metric("engine_pairs_per_s", engine_throughput(), "pairs/s")
    metric("full_rescore_first_s", timed(), "s")  # into an empty matches table
    metric("full_rescore_s", timed(), "s")  # the nightly case: every firm's old matches replaced
    metric("matches_stored", Match.objects.count(), "rows")
    busiest = (
        OpportunityArea.objects.filter(opportunity__slug__startswith="bench-", opportunity__kind="call")
        .values_list("opportunity__slug", flat=True)
        .first()
    )
    metric("one_opportunity_rescore_s", timed("--opportunity", busiest), "s")  # the record unchanged
    # A consultant's edit: the record asks for one more area at its top weight, so the scores of the firms matched
    # with it move, and the hooks (partner fits, when partners exist) refit those firms.
    record = Opportunity.objects.get(slug=busiest)
    links = OpportunityArea.objects.filter(opportunity=record)
    top = max(links.values_list("weight", flat=True))
    extra = TechnologyArea.objects.exclude(pk__in=links.values("technology_area")).order_by("slug").first()
    OpportunityArea.objects.create(opportunity=record, technology_area=extra, weight=top)
    metric("one_opportunity_rescore_after_edit_s", timed("--opportunity", busiest), "s")
    metric("peak_rss_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "MB")


if __name__ == "__main__":
    main()
