"""Time the CSV import of firms on the DATABASE_URL database: a fresh file, the same file again, and a changed file.

Run it against a throwaway database, migrated first (it writes ROWS firms, so it refuses a database that already holds
any):

    createdb -h 127.0.0.1 -U postgres kakehashi_bench
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kakehashi_bench DJANGO_DEBUG=1
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/import_companies.py [--rows 100000]

Prints one JSON object per line: {"metric": ..., "value": ..., "unit": ...}. Rescoring is replaced by a counter:
it runs later in a worker, and this measures the import alone.
"""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from companies.importing import HEADER, companies_import  # noqa: E402
from companies.models import Company  # noqa: E402
from programmes.curated import REQUIRED_AREA_SLUGS  # noqa: E402
from programmes.models import Certification, TechnologyArea  # noqa: E402

AREAS = REQUIRED_AREA_SLUGS
CERTIFICATIONS = ["as9100d", "iso-9001", "iso-iec-27001", "nist-sp-800-171", "cmmc-level-2", "disp"]
COUNTRIES = ["AU", "US", "JP", "GB", "NZ"]
SIZES = ["startup", "sme", "large"]


def emit(metric: str, value: float, unit: str) -> None:
    print(json.dumps({"metric": metric, "value": round(value, 3), "unit": unit}), flush=True)


def reference_data() -> tuple[list[str], list[str]]:
    """The areas and certifications the generated rows name, created if the database lacks them."""
    for slug in AREAS:
        TechnologyArea.objects.get_or_create(slug=slug, defaults={"name": slug, "description": slug})
    for code in CERTIFICATIONS:
        Certification.objects.get_or_create(code=code, defaults={"name": code.upper()})
    return AREAS, CERTIFICATIONS


def csv_file(rows: int, *, revision: int, seed: int = 7) -> bytes:
    """ROWS firms; REVISION changes the description and TRL of every firm, as a yearly refresh would."""
    rng = random.Random(seed)
    lines = [",".join(HEADER)]
    for n in range(rows):
        areas = ";".join(rng.sample(AREAS, rng.randint(1, 3)))
        certifications = ";".join(rng.sample(CERTIFICATIONS, rng.randint(0, 2)))
        trl = 1 + (n + revision) % 9
        description = f"Bench firm {n} makes sensors and parts for {areas.replace(';', ' and ')} (revision {revision})"
        lines.append(
            f"Bench Firm {n:06d},{rng.choice(COUNTRIES)},{rng.choice(SIZES)},{1950 + n % 70},"
            f'https://bench-{n}.example.com,"{description}",{areas},{trl},{certifications}'
        )
    return ("\n".join(lines) + "\n").encode()


def timed(label: str, data: bytes, rows: int) -> None:
    with mock.patch("matching.dispatch.companies_rescore_later") as rescore:
        started = time.perf_counter()
        result = companies_import(data=data, by=None, source="bench.csv")
        seconds = time.perf_counter() - started
    emit(f"import_{label}_seconds", seconds, "s")
    emit(f"import_{label}_rows_per_second", rows / seconds, "rows/s")
    emit(f"import_{label}_created", result.created, "firms")
    emit(f"import_{label}_updated", result.updated, "firms")
    emit(f"import_{label}_rescore_calls", rescore.call_count, "calls")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    if Company.objects.exists():
        sys.exit("This database already holds firms; run the benchmark on a fresh throwaway one (see the docstring).")
    reference_data()
    print(f"# {connection.vendor}, {args.rows} rows", file=sys.stderr)
    emit("rows", args.rows, "rows")
    first, changed = csv_file(args.rows, revision=0), csv_file(args.rows, revision=1)
    emit("file_size", len(first) / 1e6, "MB")
    timed("create", first, args.rows)
    timed("unchanged", first, args.rows)
    timed("update", changed, args.rows)


if __name__ == "__main__":
    main()
