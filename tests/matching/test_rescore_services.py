"""Stored matches: parts add up, reasons and gaps name the facts, reruns are idempotent, targeted rescores."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from matching import dispatch, engine, runs
from matching.messages import render
from matching.models import Match, MatchRun
from programmes.models import Opportunity
from tests.factories import CallFactory, CompanyFactory, EventFactory, OpportunityFactory

LASER_WORDS = (
    "Beam directors and adaptive optics for high-energy laser weapons; our high-power microwave "
    "sources defeat drone swarms for the navy."
)


@pytest.fixture
def world(curated_areas, curated_certifications):
    a, c = curated_areas, curated_certifications
    call = CallFactory(
        slug="de-call",
        title="Directed-energy demonstrator call",
        summary="High-energy laser call.",
        areas=[a["directed-energy"]],
        min_trl=7,
        japan_presence=Opportunity.Presence.PARTNER,
        eligible_countries=["JP", "AU"],
    )
    call.required_certifications.set([c["as9100d"]])
    OpportunityFactory(
        slug="atla-cyber", kind=Opportunity.Kind.PRIORITY_AREA, title="Cyber", summary="Cyber.", areas=[a["cyber"]]
    )
    OpportunityFactory(
        slug="us-only",
        kind=Opportunity.Kind.PROGRAMME,
        title="US-only programme",
        summary="Lasers.",
        areas=[a["directed-energy"]],
        eligible_countries=["US"],
    )
    CallFactory(
        slug="closed-call",
        title="Closed",
        summary="High-energy laser.",
        areas=[a["directed-energy"]],
        opens_on=timezone.localdate() - datetime.timedelta(days=60),
        closes_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    EventFactory(
        slug="past-event",
        title="Past",
        summary="Lasers.",
        starts_on=datetime.date(2020, 1, 1),
        ends_on=datetime.date(2020, 1, 3),
    )
    OpportunityFactory(slug="draft", status=Opportunity.Status.DRAFT, title="Draft", summary="Lasers.")
    laser = CompanyFactory(
        slug="laser", country="AU", size="sme", trl=5, description=LASER_WORDS, areas=[a["directed-energy"]]
    )
    other = CompanyFactory(
        slug="other", country="US", size="large", trl=9, description="Cyber range software.", certs=[c["jisq9100"]]
    )
    return {"laser": laser, "other": other, "call": call}


def rescore_all():
    run = runs.match_run_create(scope=MatchRun.Scope.ALL)
    return runs.match_run_execute(run_id=run.pk)


def test_a_full_run_records_its_counts_and_matches_only_open_published_opportunities(world):
    run = rescore_all()
    assert run.status == MatchRun.Status.SUCCEEDED
    assert run.pairs_scored == 2 * 3 and run.matches_stored == 6 == Match.objects.count()
    assert run.chunks_total == run.chunks_done == 1 and run.engine_version == engine.ENGINE_VERSION
    slugs = set(Match.objects.values_list("opportunity__slug", flat=True))
    assert slugs == {"de-call", "atla-cyber", "us-only"}  # not the closed call, the past event or the draft


def test_contributions_add_up_to_the_score(world):
    rescore_all()
    for match in Match.objects.all():
        assert set(match.components) == set(engine.WEIGHTS)
        total = sum(part["contribution"] for part in match.components.values())
        assert total == pytest.approx(match.score, abs=0.011)
        for name, part in match.components.items():
            assert part["weight"] == engine.WEIGHTS[name] and 0.0 <= part["value"] <= 1.0


def test_reasons_and_gaps_name_the_facts(world):
    rescore_all()
    match = Match.objects.get(company__slug="laser", opportunity__slug="de-call")
    assert match.reasons[0] == {"code": "ticked", "params": {"area": "directed-energy"}}
    assert match.reasons[1]["code"] == "keywords" and match.reasons[1]["params"]["area"] == "directed-energy"
    assert {"beam director", "adaptive optics"} <= set(match.reasons[1]["params"]["terms"])
    reasons, gaps = [render(r) for r in match.reasons], [render(g) for g in match.gaps]
    assert reasons[0] == "declares Directed energy (high-energy lasers, high-power microwave)"
    de = "Directed energy (high-energy lasers, high-power microwave)"
    assert reasons[1].startswith(f"{de}: description has words for ")
    assert any(r.startswith("open until ") for r in reasons)
    assert "no AS9100D, EN 9100 or JIS Q 9100: obtain AS9100D, EN 9100 or JIS Q 9100" in gaps
    assert "needs a Japanese partner or entity: find a Japanese partner firm before applying" in gaps
    assert "TRL 5 is below the minimum TRL 7: mature the product to TRL 7 first" in gaps
    assert match.eligible and match.components["readiness"]["value"] == 0.5


def test_an_equivalent_certification_and_a_failed_country_gate(world):
    rescore_all()
    other = Match.objects.get(company__slug="other", opportunity__slug="de-call")
    assert not any(gap["code"] == "certifications_missing" for gap in other.gaps)  # holds JIS Q 9100, which counts
    assert not other.eligible and other.score <= engine.INELIGIBLE_CAP
    gap = (
        "open to firms from Australia or Japan; firm is in United States of America (score capped at 30): "
        "take part as a partner of a firm from an eligible country"
    )
    assert gap in [render(g) for g in other.gaps]
    laser = Match.objects.get(company__slug="laser", opportunity__slug="us-only")
    assert not laser.eligible and laser.score == pytest.approx(engine.INELIGIBLE_CAP, abs=0.01)


def test_rescoring_twice_gives_the_same_rows(world):
    rescore_all()
    first = list(
        Match.objects.order_by("company_id", "opportunity_id").values_list(
            "company_id", "opportunity_id", "score", "parts", "reasons", "gaps", "eligible"
        )
    )
    rescore_all()
    again = list(
        Match.objects.order_by("company_id", "opportunity_id").values_list(
            "company_id", "opportunity_id", "score", "parts", "reasons", "gaps", "eligible"
        )
    )
    assert first == again


def test_a_failed_chunk_fails_the_run_and_keeps_the_previous_matches(world, monkeypatch):
    rescore_all()
    before = set(Match.objects.values_list("pk", "score"))

    def broken(*args, **kwargs):
        raise RuntimeError("engine exploded")

    monkeypatch.setattr("matching.scoring.engine.score", broken)
    run = runs.match_run_create(scope=MatchRun.Scope.ALL)
    with pytest.raises(RuntimeError):
        runs.match_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED and "engine exploded" in run.error
    assert set(Match.objects.values_list("pk", "score")) == before


def test_a_run_is_claimed_once(world):
    run = runs.match_run_create(scope=MatchRun.Scope.ALL)
    assert runs.match_run_claim(run_id=run.pk)
    assert not runs.match_run_claim(run_id=run.pk)
    assert runs.match_run_execute(run_id=run.pk) is None  # someone else is running it


def test_stale_runs_are_reaped_as_failed(world):
    run = runs.match_run_create(scope=MatchRun.Scope.ALL)
    runs.match_run_claim(run_id=run.pk)
    MatchRun.objects.filter(pk=run.pk).update(started_at=timezone.now() - datetime.timedelta(hours=2))
    assert runs.match_runs_reap_stale(older_than=datetime.timedelta(minutes=30)) == 1
    run.refresh_from_db()
    assert run.status == MatchRun.Status.FAILED and run.error.startswith("stale")


def test_saving_a_firm_enqueues_its_rescore_on_commit(world, django_capture_on_commit_callbacks):
    laser = world["laser"]
    with django_capture_on_commit_callbacks() as callbacks:
        dispatch.company_rescore_later(company_id=laser.pk)
    assert len(callbacks) == 1  # nothing runs before the commit; then the one rescore does
    callbacks[0]()
    run = MatchRun.objects.get(scope=MatchRun.Scope.COMPANY, company=laser)
    assert run.status == MatchRun.Status.SUCCEEDED
    assert set(Match.objects.values_list("company__slug", flat=True)) == {"laser"}


def test_a_bulk_import_enqueues_one_rescore(world, django_capture_on_commit_callbacks):
    ids = [world["laser"].pk, world["other"].pk]
    with django_capture_on_commit_callbacks() as callbacks:
        dispatch.companies_rescore_later(company_ids=ids)
    assert len(callbacks) == 1
    callbacks[0]()
    assert MatchRun.objects.get().matches_stored == 6


def test_publishing_an_opportunity_rescores_only_its_column(world, curated_areas, django_capture_on_commit_callbacks):
    rescore_all()
    before = {(m.company_id, m.opportunity_id): m.computed_at for m in Match.objects.all()}
    new = OpportunityFactory(
        slug="new-de",
        kind=Opportunity.Kind.PRIORITY_AREA,
        title="New directed energy",
        summary="High-energy laser and HPM.",
        areas=[curated_areas["directed-energy"]],
    )
    with django_capture_on_commit_callbacks() as callbacks:
        dispatch.opportunity_rescore_later(opportunity_id=new.pk)
    assert len(callbacks) == 1
    callbacks[0]()
    assert Match.objects.filter(opportunity=new).count() == 2
    unchanged = {(m.company_id, m.opportunity_id): m.computed_at for m in Match.objects.exclude(opportunity=new)}
    assert unchanged == before
    column = Match.objects.get(opportunity=new, company__slug="laser")
    rescore_all()
    assert Match.objects.get(opportunity=new, company__slug="laser").score == pytest.approx(column.score, abs=0.01)


def test_archiving_an_opportunity_drops_its_matches(world, django_capture_on_commit_callbacks):
    rescore_all()
    Opportunity.objects.filter(slug="atla-cyber").update(status=Opportunity.Status.ARCHIVED)
    opportunity = Opportunity.objects.get(slug="atla-cyber")
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.opportunity_rescore_later(opportunity_id=opportunity.pk)
    assert not Match.objects.filter(opportunity=opportunity).exists()


def test_match_run_start_enqueues_after_commit(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = dispatch.match_run_start(scope=MatchRun.Scope.OPPORTUNITY, opportunity=world["call"])
    assert run.status == MatchRun.Status.PENDING and len(callbacks) == 1
    callbacks[0]()
    run.refresh_from_db()
    assert run.status == MatchRun.Status.SUCCEEDED and Match.objects.filter(opportunity=world["call"]).count() == 2


def test_the_celery_full_run_goes_through_the_chord(world, settings):
    settings.MATCHING_CHUNK_SIZE = 1
    from matching.tasks import rescore_all_task

    rescore_all_task.delay()
    run = MatchRun.objects.get()
    assert (run.status, run.chunks_total, run.chunks_done, run.matches_stored) == ("succeeded", 2, 2, 6)


def test_rescore_command_prints_a_summary(world, capsys):
    call_command("rescore", "--sync", verbosity=0)
    out = capsys.readouterr().out
    assert "succeeded: 6 pairs scored, 6 matches stored" in out
    call_command("rescore", "--opportunity", "de-call", "--sync", verbosity=0)
    assert "2 pairs scored, 2 matches stored" in capsys.readouterr().out
    call_command("rescore", "--company", "laser", "--sync", verbosity=0)
    assert "3 pairs scored, 3 matches stored" in capsys.readouterr().out


def test_rescore_command_without_sync_follows_the_run_on_the_workers(transactional_db, world, capsys):
    call_command("rescore", "--opportunity", "de-call", verbosity=0)  # eager Celery here: done on enqueue
    assert "2 pairs scored, 2 matches stored" in capsys.readouterr().out


@pytest.mark.postgres
def test_on_postgresql_a_rerun_leaves_unchanged_rows_alone(world):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs a PostgreSQL DATABASE_URL")
    first = rescore_all()
    rows = dict(Match.objects.values_list("pk", "run_id"))
    rescore_all()
    assert dict(Match.objects.values_list("pk", "run_id")) == rows  # same rows, still from the first run
    assert set(rows.values()) == {first.pk}


def test_firms_with_and_without_the_fact_get_their_own_gaps(curated_areas):
    call = CallFactory(
        slug="needs-much",
        title="Needs much",
        summary="High-energy laser.",
        min_trl=6,
        areas=[curated_areas["directed-energy"]],
        japan_presence=Opportunity.Presence.OFFICE,
    )
    words = "High-energy laser beam director for the navy."
    CompanyFactory(slug="ready", trl=7, japan_presence="office", description=words)
    CompanyFactory(slug="unknown", trl=None, japan_presence="none", description=words)
    CompanyFactory(slug="partnered", trl=3, japan_presence="partner", description=words)
    rescore_all()
    matches = Match.objects.filter(opportunity=call).select_related("company")
    gaps = {m.company.slug: [render(g) for g in m.gaps] for m in matches}
    assert gaps["ready"] == []
    assert gaps["unknown"] == [
        "needs an office or entity in Japan: set one up or apply through a Japanese partner's entity",
        "TRL not stated; the minimum is TRL 6: add the lead product's TRL to the profile",
    ]
    assert gaps["partnered"] == [
        "needs an office or entity in Japan; firm has a Japanese partner only: "
        "apply through the partner's Japanese entity or set up your own",
        "TRL 3 is below the minimum TRL 6: mature the product to TRL 6 first",
    ]
