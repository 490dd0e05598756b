"""A real Celery worker on Redis scores through the chord; killed mid-run, the old matches stay and a new run works.

Needs REDIS_URL and a PostgreSQL DATABASE_URL (`.ci/run` sets both). The worker is a subprocess pointed at the
test database pytest-django created, so the tests use transactional_db: what they write is committed and visible.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Concat

from companies.models import Company
from matching import runs
from matching.messages import render
from matching.models import Match, MatchRun
from matching.tasks import rescore_all_task
from portal.celery import app
from programmes.models import Opportunity
from tests.factories import CompanyFactory, OpportunityFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """`celery -A portal worker -c 2 -P prefork` on the test database, in its own process group."""

    def __init__(self) -> None:
        self.process: subprocess.Popen | None = None
        self.log = open(ROOT / "var" / "test-worker.log", "ab")  # noqa: SIM115

    def start(self) -> None:
        env = {**os.environ, "DATABASE_URL": database_url(), "DATABASE_CONN_MAX_AGE": "0"}
        self.process = subprocess.Popen(
            [
                CELERY,
                "-A",
                "portal",
                "worker",
                "-c",
                "2",
                "-P",
                "prefork",
                "--loglevel=info",
                "-n",
                f"test-{os.getpid()}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if app.control.ping(timeout=1.0):
                return
            assert self.process.poll() is None, "the worker exited; see var/test-worker.log"
        raise AssertionError("the worker did not answer a ping within 60 s")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def worker():
    if not os.environ.get("REDIS_URL") or connection.vendor != "postgresql":
        pytest.skip("needs REDIS_URL and a PostgreSQL DATABASE_URL")
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    (ROOT / "var").mkdir(exist_ok=True)
    w = Worker()
    w.start()
    yield w
    w.stop()


@pytest.fixture
def firms(curated_areas):
    a = curated_areas
    for slug in ("directed-energy", "uuv", "critical-minerals"):
        OpportunityFactory(
            slug=f"atla-{slug}",
            kind=Opportunity.Kind.PRIORITY_AREA,
            title=f"ATLA: {slug}",
            summary=a[slug].description,
            areas=[a[slug]],
        )
    words = [
        "Beam directors for high-energy laser weapons.",
        "Synthetic aperture sonar for navy UUVs.",
        "NdFeB permanent magnets for missile actuators.",
        "Counter-drone RF detection for bases.",
        "GaN power amplifiers for radar jammers.",
        "Weeding robots for farms.",
    ]
    return [CompanyFactory(slug=f"firm-{n}", description=text) for n, text in enumerate(words)]


def wait_for(run_id: int, *statuses: str, seconds: float = 90) -> MatchRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = MatchRun.objects.get(pk=run_id)
        if run.status in statuses:
            return run
        time.sleep(0.2)
    raise AssertionError(f"run {run_id} still {MatchRun.objects.get(pk=run_id).status} after {seconds} s")


def full_run(chunk_size: int = 2) -> MatchRun:
    run = runs.match_run_create(scope=MatchRun.Scope.ALL)
    rescore_all_task.delay(run_id=run.pk, chunk_size=chunk_size)
    return run


def test_a_full_rescore_runs_through_the_chord_on_a_real_worker(worker, firms):
    run = wait_for(full_run().pk, MatchRun.Status.SUCCEEDED, MatchRun.Status.FAILED)
    assert run.status == MatchRun.Status.SUCCEEDED, run.error
    assert (run.chunks_total, run.chunks_done, run.pairs_scored, run.matches_stored) == (3, 3, 18, 18)
    assert Match.objects.filter(run=run).count() == 18
    best = Match.objects.filter(company__slug="firm-1").best_first().first()
    assert best.opportunity.slug == "atla-uuv" and best.reasons


def test_a_worker_killed_mid_run_leaves_the_old_matches_and_a_new_run_succeeds(worker, firms):
    first = wait_for(full_run().pk, MatchRun.Status.SUCCEEDED)
    before = sorted(Match.objects.values_list("pk", "company_id", "opportunity_id", "score", "run_id"))
    # Every firm now mentions a beam director, so every chunk of the next run has rows to rewrite.
    Company.objects.update(description=Concat(F("description"), Value(" We also build a beam director.")))
    with psycopg.connect(database_url().replace("postgres://", "postgresql://")) as blocker:
        # Hold off every writer of the matches table, so the second run's chunks are caught mid-transaction.
        blocker.execute("LOCK TABLE matching_match IN SHARE MODE")
        second = full_run()
        wait_for(second.pk, MatchRun.Status.RUNNING)
        deadline = time.monotonic() + 30
        while not blocker.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()[0]:
            assert time.monotonic() < deadline, "no chunk reached the matches table"
            time.sleep(0.1)
        worker.kill(signal.SIGKILL)
        blocker.rollback()
    time.sleep(1.0)  # the killed workers' database sessions end and roll back
    assert sorted(Match.objects.values_list("pk", "company_id", "opportunity_id", "score", "run_id")) == before
    assert MatchRun.objects.get(pk=second.pk).status == MatchRun.Status.RUNNING  # nobody left to report

    runs.match_runs_reap_stale(older_than=datetime.timedelta(0))
    second.refresh_from_db()
    assert second.status == MatchRun.Status.FAILED and second.error.startswith("stale")
    assert set(Match.objects.values_list("run_id", flat=True)) == {first.pk}

    worker.start()
    third = wait_for(full_run().pk, MatchRun.Status.SUCCEEDED, MatchRun.Status.FAILED)
    assert third.status == MatchRun.Status.SUCCEEDED, third.error
    assert (third.chunks_done, third.matches_stored) == (3, len(before)) == (3, Match.objects.count())
    assert set(Match.objects.values_list("run_id", flat=True)) <= {first.pk, third.pk}
    farm = Match.objects.get(company__slug="firm-5", opportunity__slug="atla-directed-energy")
    assert farm.run_id == third.pk and any("beam director" in render(r) for r in farm.reasons)
