"""Time building the digests of many users on the DATABASE_URL database (issue 15: 10,000 users within 60 s).

Run it against a throwaway database, migrated first (it refuses one that already has notification settings):

    createdb -h 127.0.0.1 -U postgres kakehashi_bench_digests
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/kakehashi_bench_digests DJANGO_DEBUG=1
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/digests.py [--users 10000]

It writes USERS users in firms of five, 500 published records, each firm following five of them, one saved search
per user (from a pool of 49 shared queries, the newest five results of each new since the last digest), and change
events: two match events per firm, a change on every record, and 20 notices by country and area: a busy day.
Then it times `digests_queue(period="daily")` (reading the events, running the saved queries, writing the outbox
rows, positions and baselines) and a second run in the same period, which must queue nothing. Sending is not part of it.
Prints one JSON object per line: {"metric": ..., "value": ..., "unit": ...}.
"""

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from alerts.digests import digests_queue  # noqa: E402
from alerts.models import NotificationSettings, SavedSearch  # noqa: E402
from alerts.preferences import feed_head  # noqa: E402
from alerts.searches import query_results  # noqa: E402
from companies.models import Company, Membership  # noqa: E402
from portal.changes import changes_record_bulk  # noqa: E402
from portal.models import ChangeEvent, OutboxMessage  # noqa: E402
from programmes.curated import REQUIRED_AREA_SLUGS  # noqa: E402
from programmes.models import Opportunity, OpportunityArea, TechnologyArea  # noqa: E402
from workspace.models import PipelineEntry  # noqa: E402

AREAS = REQUIRED_AREA_SLUGS
COUNTRIES = ["AU", "US", "JP", "GB", "NZ"]
KINDS = ["call", "event", "programme", "hub", "priority_area"]
RECORDS = 500
PER_FIRM = 5
NEW_RESULTS = 5  # results of each saved query that are new since the last digest
NOTICES = 20


def emit(metric: str, value: float, unit: str) -> None:
    print(json.dumps({"metric": metric, "value": round(value, 3), "unit": unit}), flush=True)


def records(rng: random.Random) -> list[Opportunity]:
    areas = [TechnologyArea.objects.get_or_create(slug=s, defaults={"name": s, "description": s})[0] for s in AREAS]
    rows = [
        Opportunity(slug=f"bench-{n}", kind=rng.choice(KINDS), title=f"Bench record {n}", summary="Bench.",
                    status=Opportunity.Status.PUBLISHED)
        for n in range(RECORDS)
    ]  # fmt: skip
    Opportunity.objects.bulk_create(rows, batch_size=1000)
    saved = list(Opportunity.objects.filter(slug__startswith="bench-"))
    links = [
        OpportunityArea(opportunity=record, technology_area=area, weight=1.0)
        for record in saved
        for area in rng.sample(areas, 2)
    ]
    OpportunityArea.objects.bulk_create(links, batch_size=2000)
    return saved


def people(rng: random.Random, users: int, saved: list[Opportunity]) -> list[Company]:
    firms = [
        Company(slug=f"bench-firm-{n}", name=f"Bench firm {n}", country=rng.choice(COUNTRIES), size="sme",
                description="Bench.")
        for n in range(users // PER_FIRM)
    ]  # fmt: skip
    Company.objects.bulk_create(firms, batch_size=2000)
    firms = list(Company.objects.filter(slug__startswith="bench-firm-"))
    area_ids = list(TechnologyArea.objects.values_list("pk", flat=True))
    through = Company.technology_areas.through
    through.objects.bulk_create(
        [through(company_id=f.pk, technologyarea_id=a) for f in firms for a in rng.sample(area_ids, 2)],
        batch_size=5000,
    )
    User.objects.bulk_create(
        [User(username=f"bench-user-{n}", email=f"bench-{n}@example.com") for n in range(users)], batch_size=5000
    )
    accounts = list(User.objects.filter(username__startswith="bench-user-").order_by("pk"))
    Membership.objects.bulk_create(
        [Membership(user=u, company=firms[i // PER_FIRM]) for i, u in enumerate(accounts)], batch_size=5000
    )
    PipelineEntry.objects.bulk_create(
        [PipelineEntry(company=f, opportunity=o) for f in firms for o in rng.sample(saved, 5)], batch_size=5000
    )
    NotificationSettings.objects.bulk_create([NotificationSettings(user=u) for u in accounts], batch_size=5000)
    queries = [f"technology_area={a}" for a in AREAS] + [f"kind={k}" for k in KINDS]
    queries += [f"kind=call&technology_area={a}" for a in AREAS]
    baselines = {q: sorted(query_results(query=q)) for q in queries}
    SavedSearch.objects.bulk_create(
        [
            SavedSearch(
                user=u, name="Bench search", query=(q := rng.choice(queries)), baseline=baselines[q][:-NEW_RESULTS]
            )
            for u in accounts
        ],
        batch_size=5000,
    )
    return firms


def events(rng: random.Random, firms: list[Company], saved: list[Opportunity]) -> int:
    rows = []
    for firm in firms:
        for record in rng.sample(saved, 2):
            data = {"slug": record.slug, "title": record.title, "title_ja": "", "url": record.get_absolute_url(),
                    "company": firm.slug, "score": 70.0, "items": []}  # fmt: skip
            rows.append(ChangeEvent(kind="match.created", subject_type="opportunity", subject_id=record.pk,
                                    company_id=firm.pk, data=data))  # fmt: skip
    for record in saved:
        data = {"slug": record.slug, "title": record.title, "title_ja": "", "url": record.get_absolute_url()}
        rows.append(ChangeEvent(kind="opportunity.changed", subject_type="opportunity", subject_id=record.pk,
                                changes={"venue": {"old": "", "new": "Tokyo"}}, data=data))  # fmt: skip
    for n in range(NOTICES):
        data = {"slug": f"n{n}", "title": f"Notice {n}", "title_ja": "", "url": f"/notices/n{n}/",
                "countries": [rng.choice(COUNTRIES)], "areas": [rng.choice(AREAS)], "opportunities": []}  # fmt: skip
        rows.append(ChangeEvent(kind="notice.published", subject_type="notice", subject_id=n + 1, data=data))
    return changes_record_bulk(rows)


def wait_settled(timeout: float = 120.0) -> bool:
    """On PostgreSQL, events count once every older transaction in the cluster has ended; wait for that."""
    last = ChangeEvent.objects.order_by("-id").values_list("txid", "id").first()
    deadline = time.monotonic() + timeout
    while feed_head() != last:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=10_000)
    args = parser.parse_args()
    if NotificationSettings.objects.exists() or SavedSearch.objects.exists():
        sys.exit("this database already holds notification settings; use a fresh, migrated one")
    rng = random.Random(15)
    started = time.perf_counter()
    saved = records(rng)
    firms = people(rng, args.users, saved)
    count = events(rng, firms, saved)
    # Every settings row starts before the events, as after a day of activity.
    NotificationSettings.objects.update(feed_txid=0, feed_event_id=0)
    emit("setup", time.perf_counter() - started, "s")
    emit("events", count, "events")
    if not wait_settled():
        emit("events_settled", 0, "bool")  # another transaction on the cluster held them back: figures are void
    started = time.perf_counter()
    run = digests_queue(period="daily")
    seconds = time.perf_counter() - started
    emit("digests_built", seconds, "s")
    emit("users", run.users, "users")
    emit("digests_queued", run.queued, "digests")
    emit("users_per_second", run.users / seconds, "users/s")
    items = sum(len(m.payload["items"]) for m in OutboxMessage.objects.filter(kind="digest").only("payload"))
    emit("items", items, "items")
    started = time.perf_counter()
    again = digests_queue(period="daily")
    emit("rerun_same_period", time.perf_counter() - started, "s")
    emit("rerun_queued", again.queued, "digests")
    emit("database", 1 if connection.vendor == "postgresql" else 0, "postgresql")
    emit("day", int(timezone.localdate().strftime("%Y%m%d")), "date")


if __name__ == "__main__":
    main()
