"""One rescore path: each trigger records or reuses a pending run in its transaction and enqueues it once."""

import pytest
from django.db import IntegrityError, transaction

from matching import dispatch, runs
from matching.models import Match, MatchRun
from matching.tasks import rescore_companies_task, rescore_company_task
from tests.factories import CompanyFactory, OpportunityFactory


@pytest.fixture
def firms(curated_areas):
    OpportunityFactory(slug="de-call", summary="High-energy laser.", areas=[curated_areas["directed-energy"]])
    return [CompanyFactory(slug=f"laser-{n}", description="High-energy laser beam directors.") for n in range(3)]


def test_an_import_batch_is_one_run_of_its_own_scope(firms, django_capture_on_commit_callbacks):
    ids = [firms[0].pk, firms[1].pk]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        dispatch.companies_rescore_later(company_ids=ids)
        assert MatchRun.objects.get().status == MatchRun.Status.PENDING  # recorded before the commit
    assert callbacks[0].func == dispatch._enqueue_or_leave_pending  # then the run's own cache bump
    run = MatchRun.objects.get()
    assert (run.scope, run.company_ids, run.company, run.status) == ("batch", sorted(ids), None, "succeeded")
    assert set(Match.objects.values_list("company_id", flat=True)) == set(ids)


def test_saving_a_firm_twice_in_one_transaction_records_one_run_and_one_enqueue(
    firms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        first = dispatch.company_rescore_later(company_id=firms[0].pk)
        second = dispatch.company_rescore_later(company_id=firms[0].pk)
    assert first == second and len(callbacks) == 1
    assert list(MatchRun.objects.values_list("scope", "company_id", "status")) == [("company", firms[0].pk, "pending")]


def test_a_waiting_full_run_covers_a_firms_rescore(firms, django_capture_on_commit_callbacks):
    full = runs.match_run_create(scope=MatchRun.Scope.ALL)
    with django_capture_on_commit_callbacks() as callbacks:
        assert dispatch.company_rescore_later(company_id=firms[0].pk) == full
    assert callbacks == [] and MatchRun.objects.count() == 1


def test_a_company_run_without_a_company_is_refused(db):
    with pytest.raises(ValueError, match="company="):
        runs.match_run_create(scope=MatchRun.Scope.COMPANY)
    with pytest.raises(IntegrityError), transaction.atomic():
        MatchRun.objects.create(scope=MatchRun.Scope.COMPANY)
    assert not MatchRun.objects.exists()


def test_deleting_a_firm_deletes_its_runs(firms):
    run = runs.match_run_create(scope=MatchRun.Scope.COMPANY, company=firms[0])
    firms[0].delete()
    assert not MatchRun.objects.filter(pk=run.pk).exists()


def test_old_queued_messages_still_rescore(firms):
    rescore_company_task.delay(firms[0].pk)
    rescore_companies_task.delay([firms[1].pk, firms[2].pk])
    assert sorted(MatchRun.objects.values_list("scope", "status")) == [
        ("batch", "succeeded"),
        ("company", "succeeded"),
    ]
    assert Match.objects.count() == 3


def test_the_api_refuses_to_start_a_batch_run_by_hand(consultant_client):
    response = consultant_client.post("/api/v1/match-runs/", {"scope": "batch"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["scope"] == ['"batch" is not a valid choice.']
    assert not MatchRun.objects.exists()


def test_matches_of_an_older_engine_get_one_full_rescore_from_the_dispatcher(firms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.match_run_start(scope=MatchRun.Scope.ALL)  # scored, then the deploy changes the engine:
    MatchRun.objects.update(engine_version="1.0")
    stored = set(Match.objects.values_list("company_id", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        dispatch.dispatch_pending_runs_task()
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.dispatch_pending_runs_task()  # the next beat: the current engine has its run

    current = MatchRun.objects.filter(scope="all", engine_version=dispatch.engine.ENGINE_VERSION)
    assert list(current.values_list("status", flat=True)) == ["succeeded"]
    assert set(Match.objects.values_list("company_id", flat=True)) == stored


def test_no_engine_rescore_before_anything_is_scored_or_soon_after_a_failed_one(
    firms, django_capture_on_commit_callbacks
):
    assert dispatch.engine_rescore_ensure() is None  # nothing stored yet
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.match_run_start(scope=MatchRun.Scope.ALL)
    assert dispatch.engine_rescore_ensure() is None  # stored by the current engine
    MatchRun.objects.update(engine_version="1.0")  # the deploy; then the current engine's full run fails:
    failed = runs.match_run_create(scope=MatchRun.Scope.ALL)
    MatchRun.objects.filter(pk=failed.pk).update(status=MatchRun.Status.FAILED)

    assert dispatch.engine_rescore_ensure() is None  # failed within the hour: not retried every minute
    later = failed.created_at + dispatch.ENGINE_RETRY + dispatch.datetime.timedelta(minutes=1)
    assert dispatch.engine_rescore_ensure(now=later) is not None
