"""New and moved match detection: `DATABASE_URL=postgres://... python bench/alerts_detect.py` (issue 15).

Builds the scoring bench's synthetic data (bench/scoring.py: 20,000 firms x 500 opportunities by default, slugs
`bench-*`) in the migrated database DATABASE_URL names, then runs full rescores (`rescore --sync`) with the match-event
detection of matching/moves.py switched off and on, and prints one JSON line per figure:

- full_rescore_first_{off,on}_s: into an empty matches table (every pair at or above its firm's threshold is new);
- detect_first_s, events_first: the time spent detecting and writing events in that run, summed over all chunks;
- full_rescore_moved_{off,on}_s: after a fifth of the records changed their areas and a tenth of the firms their
  profile, so many scores move (the off run changes them back, the same amount of work);
- detect_moved_s, created_moved, moved_moved: the same for that run;
- overhead_first_pct, overhead_moved_pct: (on - off) / off.

Printed, not asserted: the goal (detection within 30 s for every firm) is in docs/alerts.md.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("bench_scoring", HERE / "scoring.py")
bench_scoring = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_scoring)  # sets up Django

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from companies.models import Company  # noqa: E402
from matching import moves  # noqa: E402
from matching.models import Match  # noqa: E402
from portal.models import ChangeEvent  # noqa: E402
from programmes.models import OpportunityArea, TechnologyArea  # noqa: E402

metric = bench_scoring.metric


class Detection:
    """Wraps moves.match_events_write: switched on or off, and timed across the store's writer threads."""

    def __init__(self) -> None:
        self.real = moves.match_events_write
        self.on = True
        self.seconds = 0.0
        self.lock = threading.Lock()
        moves.match_events_write = self.write

    def write(self, **kwargs):
        if not self.on:
            return 0
        began = time.perf_counter()
        try:
            return self.real(**kwargs)
        finally:
            with self.lock:
                self.seconds += time.perf_counter() - began

    def run(self, *, on: bool) -> tuple[float, float]:
        """A full rescore; returns (its wall time, the time spent in detection)."""
        self.on, self.seconds = on, 0.0
        began = time.perf_counter()
        call_command("rescore", "--sync", verbosity=0)
        return time.perf_counter() - began, self.seconds


def match_events() -> tuple[int, int]:
    rows = ChangeEvent.objects.filter(kind__in=[moves.CREATED, moves.MOVED])
    return rows.filter(kind=moves.CREATED).count(), rows.filter(kind=moves.MOVED).count()


def perturb(seed: int) -> None:
    """Move many scores: a fifth of the records swap their main area, a tenth of the firms their declared areas."""
    rng = random.Random(seed)
    areas = list(TechnologyArea.objects.values_list("pk", flat=True))
    links = list(OpportunityArea.objects.filter(opportunity__slug__startswith="bench-", weight=1.0))
    with transaction.atomic():
        for link in rng.sample(links, k=len(links) // 5):
            others = [a for a in areas if a != link.technology_area_id]
            taken = set(
                OpportunityArea.objects.filter(opportunity_id=link.opportunity_id).values_list(
                    "technology_area_id", flat=True
                )
            )
            free = [a for a in others if a not in taken]
            if free:
                OpportunityArea.objects.filter(pk=link.pk).update(technology_area_id=rng.choice(free))
        through = Company.technology_areas.through
        firms = list(Company.objects.filter(slug__startswith="bench-").values_list("pk", flat=True))
        chosen = rng.sample(firms, k=len(firms) // 10)
        through.objects.filter(company_id__in=chosen).delete()
        through.objects.bulk_create(
            [through(company_id=pk, technologyarea_id=a) for pk in chosen for a in rng.sample(areas, k=2)],
            batch_size=5000,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=20000)
    parser.add_argument("--opportunities", type=int, default=500)
    args = parser.parse_args()
    began = time.perf_counter()
    bench_scoring.generate(args.companies, args.opportunities)
    print(f"# generated in {time.perf_counter() - began:.1f} s on {connection.vendor}", file=sys.stderr)
    detection = Detection()

    def fresh() -> None:
        Match.objects.all().delete()
        ChangeEvent.objects.filter(kind__in=[moves.CREATED, moves.MOVED]).delete()

    fresh()
    off_first, _ = detection.run(on=False)
    fresh()
    on_first, detect_first = detection.run(on=True)
    metric("full_rescore_first_off_s", off_first, "s")
    metric("full_rescore_first_on_s", on_first, "s")
    metric("detect_first_s", detect_first, "s")
    created_first, _ = match_events()
    metric("events_first", created_first, "events")
    metric("overhead_first_pct", 100 * (on_first - off_first) / off_first, "%")
    metric("matches_stored", Match.objects.count(), "rows")

    state = random.getstate()
    perturb(seed=11)
    on_moved, detect_moved = detection.run(on=True)
    created_all, moved_all = match_events()
    metric("full_rescore_moved_on_s", on_moved, "s")
    metric("detect_moved_s", detect_moved, "s")
    metric("created_moved", created_all - created_first, "events")
    metric("moved_moved", moved_all, "events")
    perturb(seed=12)  # as many changes again, with detection off
    random.setstate(state)
    off_moved, _ = detection.run(on=False)
    metric("full_rescore_moved_off_s", off_moved, "s")
    metric("overhead_moved_pct", 100 * (on_moved - off_moved) / off_moved, "%")


if __name__ == "__main__":
    main()
