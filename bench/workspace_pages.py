"""Workspace page figure (issue 14): `python bench/workspace_pages.py --entries 500 --requests 200`.

Builds a throwaway SQLite database (or uses DATABASE_URL when set: give it an empty database), gives one firm
ENTRIES published records, each both matched and in its pipeline, and times REQUESTS renders of its pipeline page and
of its "my matches" page through Django's test client, in turn, after 5 warm-up requests each. Prints p50 and p99
of each as JSON lines. In-process, so it measures the views, queries and templates, not gunicorn or the network.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='kk-bench-')}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]

from django.contrib.auth.models import User  # noqa: E402

from companies.models import Company, Membership  # noqa: E402
from matching.models import Match  # noqa: E402
from programmes.models import Opportunity  # noqa: E402
from workspace.models import PipelineEntry  # noqa: E402

PIPELINE_URL = "/workspace/bench-firm/pipeline/"
STAGES = [value for value, _label in PipelineEntry.Stage.choices]


def metric(name: str, value: float, unit: str) -> None:
    print(json.dumps({"metric": name, "value": round(value, 3), "unit": unit}), flush=True)


def generate(entries: int) -> User:
    call_command("migrate", verbosity=0)
    firm = Company.objects.create(slug="bench-firm", name="Bench firm", country="AU", size="sme", description="x")
    user = User.objects.create_user("bench-user")
    Membership.objects.create(user=user, company=firm, role=Membership.Role.EDITOR)
    today, now = timezone.localdate(), timezone.now()
    records = Opportunity.objects.bulk_create(
        Opportunity(
            slug=f"bench-{n}", title=f"Bench call {n}", kind="call", summary="s", status="published", closes_on=today
        )
        for n in range(entries)
    )
    Match.objects.bulk_create(
        Match(company=firm, opportunity=o, score=float(n % 100), parts=[], reasons=["r"], gaps=[], computed_at=now)
        for n, o in enumerate(records)
    )
    PipelineEntry.objects.bulk_create(
        PipelineEntry(
            company=firm,
            opportunity=o,
            stage=STAGES[n % len(STAGES)],
            owner=user,
            due_on=today,
            notes="Call the programme office",
        )
        for n, o in enumerate(records)
    )
    return user


def session_key(user: User) -> str:
    """A stored session signed in as USER, as a browser would hold it after signing in."""
    from importlib import import_module

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key


def timings(client: Client, urls: dict[str, str], requests: int, warm: int = 5) -> dict[str, list[float]]:
    """Milliseconds per request for each URL, requested in turn (so a busy moment hits every page alike)."""
    times: dict[str, list[float]] = {name: [] for name in urls}
    for n in range(warm + requests):
        for name, url in urls.items():
            began = time.perf_counter()
            response = client.get(url)
            if n >= warm:
                times[name].append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (url, response.status_code)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--seed-only",
        action="store_true",
        help="give the firm its entries in DATABASE_URL's (migrated) database and print a signed-in session key and "
        "the pipeline path, for bench/load.sh; time nothing",
    )
    args = parser.parse_args()
    if args.seed_only:
        print(session_key(generate(args.entries)), PIPELINE_URL)
        return
    client = Client()
    client.force_login(generate(args.entries))
    urls = {"pipeline_page": PIPELINE_URL, "my_matches_page": "/my/matches/"}
    for name, times in timings(client, urls, args.requests).items():
        times.sort()
        metric(f"{name}_p50_ms", statistics.median(times), "ms")
        metric(f"{name}_p99_ms", times[min(len(times) - 1, int(0.99 * len(times)))], "ms")


if __name__ == "__main__":
    main()
