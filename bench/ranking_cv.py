"""`tune` scored by 5-fold cross-validation: `python bench/ranking_cv.py [--folds 5]`.

The reference firms (fixtures/reference_firms.yaml) are `tune` firms, so bench/ranking.py's `tune` figures score
them against themselves. This script gives `tune`'s honest figures: the `tune` firms are dealt into folds in turn from
each group, and each fold is scored through bench/ranking.py's own path (curated load, CSV import, full rescore) in a
throwaway database of its own, with its own firms deleted from the reference firms after the curated load (so no part
of the scorer sees them); the folds' firms are then pooled. Prints JSON lines `{"metric", "value", "unit"}`:
cv_ndcg5_tune overall and per group, and cv_user_ndcg5_tune. About a minute a fold, as many folds at once as there
are cores. docs/matching.md, "The twelfth round".
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import ranking  # noqa: E402  (bench/ranking.py, beside this file)


def fold_of(folds: int) -> dict[str, int]:
    """Each `tune` firm's fold: dealt in turn, group by group, in the split's sorted order."""
    tune = ranking.firms_select(ranking.firms_load(), half="tune")
    dealt: dict[str, int] = {}
    for group in ranking.GROUPS:
        for firm in (f for f in tune if f.group == group):
            dealt[firm.slug] = len(dealt) % folds
    return dealt


def score_fold(fold: int, folds: int) -> None:
    """Score one fold's firms with their own descriptions out of the profiles; one JSON line per firm."""
    with tempfile.TemporaryDirectory(prefix="kakehashi-ranking-cv-") as tmp:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/ranking.sqlite3"
        os.environ.pop("REDIS_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
        os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
        import django
        from django.core.management import call_command

        django.setup()
        logging.disable(logging.WARNING)
        call_command("migrate", verbosity=0)
        import web.curated
        from programmes.reference_firm_models import ReferenceFirm

        dealt = fold_of(folds)
        held = [f for f in ranking.firms_select(ranking.firms_load(), half="tune") if dealt[f.slug] == fold]
        curated_load = web.curated.curated_load

        def without_own(**kwargs):  # type: ignore[no-untyped-def]
            # The fold's own firms leave the reference firms before the rescore, so no part of the scorer sees them.
            result = curated_load(**kwargs)
            ReferenceFirm.objects.filter(description__in=[f.description for f in held]).delete()
            return result

        web.curated.curated_load = without_own
        ranking.database_prepare(held)
        cat = ranking.catalogue_read()
        scores = ranking.scorer_read(held, cat)
        partners = ranking.partners_read()
        fits, shared = ranking.fits_read(held)
        for firm in held:
            row = {
                "group": firm.group,
                "ndcg": ranking.firm_ndcg(firm, scores[firm.slug]),
                "user": ranking.user_ndcg(firm, scores[firm.slug], cat),
                "partner": ranking.partner_ndcg(firm, partners, fits[firm.slug]),
                "partner_areas": ranking.partner_ndcg(firm, partners, shared[firm.slug]),
            }
            print(json.dumps(row), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--fold", type=int, default=None, help=argparse.SUPPRESS)  # one fold, in a child process
    args = parser.parse_args()
    if args.fold is not None:
        score_fold(args.fold, args.folds)
        return

    def fold_rows(fold: int) -> list[dict]:  # a process each: Django is set up once per database
        child = [sys.executable, __file__, "--folds", str(args.folds), "--fold", str(fold)]
        out = subprocess.run(child, check=True, capture_output=True, text=True).stdout
        return [json.loads(line) for line in out.splitlines() if line.startswith("{")]

    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        rows = [row for part in pool.map(fold_rows, range(args.folds)) for row in part]

    def mean(key: str, groups: tuple[str, ...] | None = None) -> float | None:
        kept = [r[key] for r in rows if r[key] is not None and (groups is None or r["group"] in groups)]
        return sum(kept) / len(kept) if kept else None

    figures = {
        "cv_ndcg5_tune": mean("ndcg"),
        "cv_ndcg5_tune_tagged": mean("ndcg", ("tagged",)),
        "cv_ndcg5_tune_untagged": mean("ndcg", ("untagged", "jargon")),
        "cv_ndcg5_tune_jargon": mean("ndcg", ("jargon",)),
        "cv_user_ndcg5_tune": mean("user"),
        "cv_partner_ndcg5_tune": mean("partner"),
        "cv_partner_areas_ndcg5_tune": mean("partner_areas"),
    }
    for name, value in figures.items():
        if value is not None:
            print(json.dumps({"metric": name, "value": round(value, 3), "unit": "ndcg"}), flush=True)
    print(json.dumps({"metric": "firms_tune", "value": len(rows), "unit": "firms"}), flush=True)


if __name__ == "__main__":
    main()
