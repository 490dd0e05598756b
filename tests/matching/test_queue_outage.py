"""With the job queue (Redis) down: reads serve, run requests answer 503, saves still save, and nothing is lost.

Publishing is patched to raise what kombu raises when Redis refuses the connection; the database is real, and
transactional, so `on_commit` enqueues happen inside the request as they do in production.
"""

import datetime
import logging

import pytest
from celery.app.task import Task
from django.urls import reverse
from kombu.exceptions import OperationalError

from matching import dispatch, runs
from matching.dispatch import dispatch_pending_runs_task
from matching.models import Match, MatchRun
from matching.tasks import reap_stale_runs_task
from programmes.models import Opportunity
from programmes.services import opportunity_publish
from tests.factories import CallFactory, CompanyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

API = "/api/v1"


@pytest.fixture
def queue_down(monkeypatch):
    """Every publish fails as it does with Redis stopped; `queue_down.undo()` brings the queue back."""

    def refuse(self, *args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(Task, "apply_async", refuse)
    return monkeypatch


@pytest.fixture
def world(curated_areas):
    """A laser firm (alice's) and an open directed-energy call, so a run has something to score."""
    call = CallFactory(
        slug="de-call",
        title="Directed-energy demonstrator call",
        summary="High-energy laser and beam director demonstrator.",
        areas=[curated_areas["directed-energy"]],
    )
    firm = CompanyFactory(
        slug="laser", country="AU", description="Beam directors for high-energy laser weapons.", trl=6
    )
    alice = UserFactory(username="alice")
    MembershipFactory(user=alice, company=firm)
    return {"call": call, "firm": firm, "alice": alice}


def backdate(run: MatchRun, *, minutes: int) -> None:
    """Make RUN look recorded MINUTES ago (the dispatcher leaves fresh runs to their own message)."""
    MatchRun.objects.filter(pk=run.pk).update(created_at=run.created_at - datetime.timedelta(minutes=minutes))


def test_a_run_request_answers_503_saying_the_queue_is_down_and_keeps_the_run(consultant_client, world, queue_down):
    response = consultant_client.post(f"{API}/match-runs/", {"scope": "all"}, content_type="application/json")

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    body = response.json()
    assert body["detail"] == (
        "The job queue is unavailable. The run was recorded and will start automatically when the queue is back."
    )
    run = MatchRun.objects.get()
    assert response["Location"] == f"http://testserver/api/v1/match-runs/{run.pk}/"
    assert (body["run"]["id"], body["run"]["status"], body["run"]["scope"]) == (run.pk, "pending", "all")
    assert run.status == MatchRun.Status.PENDING and run.started_at is None


def test_reads_still_serve_while_the_queue_is_down(consultant_client, world, queue_down):
    assert consultant_client.get(f"{API}/opportunities/").status_code == 200
    assert consultant_client.get(f"{API}/match-runs/").status_code == 200
    assert consultant_client.get(reverse("programmes:opportunity_list")).status_code == 200


def test_saving_a_firm_while_the_queue_is_down_still_saves_and_leaves_a_pending_rescore(
    client, world, queue_down, caplog
):
    firm = world["firm"]
    client.force_login(world["alice"])
    data = {
        "description": "Beam directors and adaptive optics for high-energy laser weapons.",
        "website": firm.website,
        "trl": 7,
        "japan_presence": firm.japan_presence,
        "contact_email": "ops@laser.example",
        "certifications-TOTAL_FORMS": "0",
        "certifications-INITIAL_FORMS": "0",
        "certifications-MIN_NUM_FORMS": "0",
        "certifications-MAX_NUM_FORMS": "1000",
    }

    with caplog.at_level(logging.WARNING, logger="matching.dispatch"):
        response = client.post(reverse("companies:company_update", kwargs={"slug": firm.slug}), data)

    assert response.status_code == 302
    firm.refresh_from_db()
    assert (firm.trl, firm.description) == (7, data["description"])
    run = MatchRun.objects.get()
    assert (run.scope, run.company, run.status) == ("company", firm, "pending")
    assert f"queue unavailable: match run {run.pk} stays pending" in caplog.text


def test_saving_the_same_firm_twice_while_the_queue_is_down_leaves_one_pending_run(world, queue_down):
    dispatch.company_rescore_later(company_id=world["firm"].pk)
    dispatch.company_rescore_later(company_id=world["firm"].pk)

    assert MatchRun.objects.filter(status=MatchRun.Status.PENDING).count() == 1


def test_publishing_an_opportunity_while_the_queue_is_down_still_publishes(world, queue_down):
    draft = CallFactory(slug="draft-call", title="Draft", summary="Lasers.", status=Opportunity.Status.DRAFT)

    opportunity_publish(opportunity=draft, by=None)

    draft.refresh_from_db()
    assert draft.status == Opportunity.Status.PUBLISHED
    run = MatchRun.objects.get()
    assert (run.scope, run.opportunity, run.status) == ("opportunity", draft, "pending")


def test_the_dispatcher_runs_a_pending_run_once_the_queue_is_back(consultant_client, world, queue_down):
    consultant_client.post(f"{API}/match-runs/", {"scope": "all"}, content_type="application/json")
    run = MatchRun.objects.get()
    backdate(run, minutes=5)
    assert dispatch_pending_runs_task() == 0  # a sweep while it is still down sends nothing; the run waits
    assert MatchRun.objects.get().status == MatchRun.Status.PENDING

    queue_down.undo()
    assert dispatch_pending_runs_task.delay().get() == 1

    run.refresh_from_db()
    assert run.status == MatchRun.Status.SUCCEEDED
    assert Match.objects.filter(company=world["firm"], opportunity=world["call"], run=run).exists()
    assert dispatch_pending_runs_task.delay().get() == 0  # claimed once: a later sweep has nothing to send


def test_the_dispatcher_picks_up_a_firms_rescore_that_failed_to_enqueue(world, queue_down):
    dispatch.company_rescore_later(company_id=world["firm"].pk)
    run = MatchRun.objects.get()
    backdate(run, minutes=5)
    queue_down.undo()

    dispatch_pending_runs_task.delay()

    run.refresh_from_db()
    assert run.status == MatchRun.Status.SUCCEEDED and run.company == world["firm"]
    assert Match.objects.filter(company=world["firm"], run=run).count() == 1


def test_the_dispatcher_leaves_a_fresh_pending_run_to_its_own_message(world):
    run = runs.match_run_create(scope=MatchRun.Scope.ALL)

    assert dispatch_pending_runs_task.delay().get() == 0

    run.refresh_from_db()
    assert run.status == MatchRun.Status.PENDING


def test_a_run_dispatched_twice_is_executed_once(world):
    run = runs.match_run_create(scope=MatchRun.Scope.COMPANY, company=world["firm"])
    dispatch.match_run_enqueue(run=run)
    dispatch.match_run_enqueue(run=run)  # a duplicate message: the claim is compare-and-set

    run.refresh_from_db()
    assert run.status == MatchRun.Status.SUCCEEDED and run.chunks_done == 1


def test_the_reaper_keeps_runs_that_wait_for_the_queue(world, settings):
    settings.MATCHING_STALE_RUN_MINUTES, settings.MATCHING_PENDING_RUN_HOURS = 30, 24
    waiting = runs.match_run_create(scope=MatchRun.Scope.ALL)
    backdate(waiting, minutes=60)
    abandoned = runs.match_run_create(scope=MatchRun.Scope.ALL)
    backdate(abandoned, minutes=25 * 60)

    reap_stale_runs_task.delay()

    waiting.refresh_from_db()
    abandoned.refresh_from_db()
    assert waiting.status == MatchRun.Status.PENDING
    assert abandoned.status == MatchRun.Status.FAILED and "not started" in abandoned.error
