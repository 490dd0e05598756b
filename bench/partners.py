"""Partner fit: `python bench/partners.py [--companies 20000] [--partners 500] [--repeat 3] [--full-rescore]`.

Engine level (always): random but realistic arrays (21 areas, a few areas per firm and partner, five best
opportunities per firm, 200 opportunities, a handful of foreign ties) go through partners.fit.score and fit.keep,
chunk by chunk as the rescore does (1,000 firms a chunk). No database. The goal (issue 16) is 20,000 firms x 500
partners within 10 s.

With `--full-rescore` (and DATABASE_URL naming a migrated PostgreSQL database): bench/scoring.py's synthetic firms
and `--opportunities` records, plus `--partners` synthetic partners (slugs `bench-partner-*`, replaced each time),
then the full rescore as the nightly run does it (`rescore --sync`: matches, and partner fits through the run's
hook), twice, and the partner refit alone. The goal (issue 16) is the full rescore including partners within 40 s.
Prints one JSON line per figure.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from partners import fit  # noqa: E402

AREAS, OPPORTUNITIES, COUNTRIES, CHUNK = 21, 200, 6, 1000


def sparse_weights(rng: np.random.Generator, rows: int, per_row: int) -> np.ndarray:
    out = np.zeros((rows, AREAS), dtype=np.float32)
    cols = rng.integers(0, AREAS, size=(rows, per_row))
    out[np.arange(rows)[:, None], cols] = rng.uniform(0.3, 1.0, size=(rows, per_row)).astype(np.float32)
    return out


def indicator(rng: np.random.Generator, rows: int, per_row: int) -> sp.csr_matrix:
    cols = rng.integers(0, OPPORTUNITIES, size=rows * per_row)
    data = np.ones(rows * per_row, dtype=np.float32)
    matrix = sp.csr_matrix((data, (np.repeat(np.arange(rows), per_row), cols)), shape=(rows, OPPORTUNITIES))
    matrix.data[:] = 1.0
    return matrix


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--companies", type=int, default=20000)
    parser.add_argument("--partners", type=int, default=500)
    parser.add_argument("--opportunities", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--full-rescore", action="store_true", help="also time the full rescore in the database")
    args = parser.parse_args()
    engine_level(args)
    if args.full_rescore:
        full_rescore(args)


def engine_level(args: argparse.Namespace) -> None:
    rng = np.random.default_rng(16)
    partners = fit.PartnerBlock(
        areas=sparse_weights(rng, args.partners, 4),
        role=rng.integers(0, len(fit.ROLES), size=args.partners).astype(np.int8),
        programmes=indicator(rng, args.partners, 2),
        ties=rng.integers(0, 3, size=args.partners).astype(np.float32),
        tie_countries=rng.random((args.partners, COUNTRIES)) < 0.1,
    )
    firms = [
        fit.FirmBlock(
            affinity=sparse_weights(rng, min(CHUNK, args.companies - start), 3),
            size=rng.integers(0, 3, size=min(CHUNK, args.companies - start)).astype(np.int8),
            best=indicator(rng, min(CHUNK, args.companies - start), 5),
            country=rng.integers(-1, COUNTRIES, size=min(CHUNK, args.companies - start)).astype(np.int32),
        )
        for start in range(0, args.companies, CHUNK)
    ]
    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        kept = 0
        for block in firms:
            result = fit.score(block, partners)
            rows, _cols = fit.keep(result.score, top_k=20)
            kept += len(rows)
        times.append(time.perf_counter() - started)
    pairs = args.companies * args.partners
    best = min(times)
    print(json.dumps({"metric": "partner_fit_seconds", "value": round(best, 3), "unit": "s", "pairs": pairs}))
    print(json.dumps({"metric": "partner_fit_pairs_per_s", "value": round(pairs / best), "unit": "pairs/s"}))
    print(json.dumps({"metric": "partner_fits_kept", "value": kept, "unit": "rows"}))


def full_rescore(args: argparse.Namespace) -> None:
    """The nightly full rescore, matches and partner fits, on the database DATABASE_URL names."""
    from django.db import connection
    from django.db.models import Count

    from bench import scoring as bench_scoring  # sets Django up
    from partners.models import PartnerFit
    from partners.tasks import rescore_fits_task

    began = time.perf_counter()
    bench_scoring.generate(args.companies, args.opportunities)
    partners_generate(args.partners)
    bench_scoring.settle()  # again: the old bench partners' fits are gone too
    print(
        f"# generated {args.companies} firms, {args.opportunities} opportunities and {args.partners} partners in "
        f"{time.perf_counter() - began:.1f} s on {connection.vendor}",
        file=sys.stderr,
    )
    bench_scoring.metric("full_rescore_with_partners_first_s", bench_scoring.timed(), "s")
    bench_scoring.metric("full_rescore_with_partners_s", bench_scoring.timed(), "s")
    started = time.perf_counter()
    rescore_fits_task()
    bench_scoring.metric("partner_refit_all_firms_s", time.perf_counter() - started, "s")
    fitted = PartnerFit.objects.aggregate(rows=Count("pk"), firms=Count("company", distinct=True))
    bench_scoring.metric("partner_fits_stored", fitted["rows"], "rows")
    bench_scoring.metric("firms_with_partner_fits", fitted["firms"], "firms")
    print(f"# load average (1, 5, 15 min) at the end: {os.getloadavg()}", file=sys.stderr)  # the machine is shared


def partners_generate(n: int, seed: int = 16) -> None:
    """N synthetic partners with two to four areas, a role and size, two known programmes and a few foreign ties."""
    import random

    from django.db import transaction

    from partners.models import ForeignPartnership, Partner, PartnerArea
    from programmes.models import Opportunity, TechnologyArea

    rng = random.Random(seed)
    Partner.objects.filter(slug__startswith="bench-partner-").delete()
    areas = list(TechnologyArea.objects.order_by("slug"))
    programmes = list(Opportunity.objects.filter(slug__startswith="bench-").values_list("pk", flat=True))
    roles = list(fit.ROLES)
    with transaction.atomic():
        created = Partner.objects.bulk_create(
            [
                Partner(
                    slug=f"bench-partner-{i}",
                    name=f"Bench partner {i}",
                    role=rng.choice(roles),
                    size=rng.choice(["startup", "sme", "large"]),
                    capabilities="Synthetic partner for the bench.",
                    contact_url=f"https://partner-{i}.example/",
                )  # fmt: skip
                for i in range(n)
            ]
        )
        PartnerArea.objects.bulk_create(
            [
                PartnerArea(partner=partner, technology_area=area, weight=rng.choice([1.0, 0.5, 0.3]))
                for partner in created
                for area in rng.sample(areas, k=rng.choice([2, 3, 4]))
            ]
        )
        through = Partner.programmes.through
        through.objects.bulk_create(
            [
                through(partner_id=partner.pk, opportunity_id=pk)
                for partner in created
                for pk in rng.sample(programmes, k=min(2, len(programmes)))
            ],
            ignore_conflicts=True,
        )
        ForeignPartnership.objects.bulk_create(
            [
                ForeignPartnership(
                    partner=partner,
                    counterpart=f"Counterpart {k}",
                    country=rng.choice(["AU", "US", "GB"]),
                    summary="Synthetic tie.",
                    source_url="https://news.example/tie",
                )  # fmt: skip
                for partner in created
                if rng.random() < 0.2
                for k in range(rng.choice([1, 2]))
            ]
        )


if __name__ == "__main__":
    main()
