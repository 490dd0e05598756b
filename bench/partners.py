"""Partner fit at the engine level: `python bench/partners.py [--companies 20000] [--partners 500] [--repeat 3]`.

Random but realistic arrays (21 areas, a few areas per firm and partner, five best opportunities per firm, 200
opportunities, a handful of foreign ties) go through partners.fit.score and fit.keep, chunk by chunk as the
rescore does (1,000 firms a chunk). No database. Prints one JSON line per figure; the goal (issue 16) is
20,000 firms x 500 partners within 10 s.
"""

from __future__ import annotations

import argparse
import json
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
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
