"""Partner fits follow the match runs through matching.hooks: the same triggers, the same runs, every scope."""

import pytest

from companies.services import company_update
from matching import hooks
from matching.models import MatchRun
from matching.runs import match_run_create, match_run_execute
from partners.models import PartnerFit
from partners.scoring import partner_fits_after_chunk
from tests.factories import CallFactory


def _fits(company) -> list[str]:
    return list(PartnerFit.objects.filter(company=company).order_by("-score").values_list("partner__slug", flat=True))


def test_the_partners_app_registers_its_refit_with_the_runs_once():
    assert hooks.registered().count(partner_fits_after_chunk) == 1
    hooks.after_chunk_stored(partner_fits_after_chunk)
    assert hooks.registered().count(partner_fits_after_chunk) == 1


def test_a_full_run_fills_every_firms_partner_fits(firm_a, firm_b, areas, partners):
    firm_a.technology_areas.add(areas["usv"], areas["uuv"])
    firm_b.technology_areas.add(areas["cyber"])
    assert PartnerFit.objects.count() == 0

    run = match_run_execute(run_id=match_run_create(scope=MatchRun.Scope.ALL).pk)

    assert run.status == MatchRun.Status.SUCCEEDED
    assert _fits(firm_a)[0] == "shipyard-kk"
    assert _fits(firm_b)[0] == "it-prime"
    assert set(PartnerFit.objects.values_list("company_id", flat=True)) >= {firm_a.pk, firm_b.pk}


def test_saving_a_firm_rescores_its_partner_fits_in_its_match_run(
    firm_a, firm_b, alice, areas, partners, django_capture_on_commit_callbacks
):
    firm_a.technology_areas.add(areas["cyber"])
    match_run_execute(run_id=match_run_create(scope=MatchRun.Scope.ALL).pk)
    assert _fits(firm_a)[0] == "it-prime"
    before_b = list(PartnerFit.objects.filter(company=firm_b).values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        company_update(company=firm_a, data={"technology_areas": [areas["uav"]]}, by=alice, reason="Now drones")

    run = MatchRun.objects.filter(scope=MatchRun.Scope.COMPANY, company=firm_a).get()
    assert run.status == MatchRun.Status.SUCCEEDED
    assert _fits(firm_a)[0] == "drone-startup"
    # Only the saved firm was refitted: the other firm's rows are the very same rows.
    assert list(PartnerFit.objects.filter(company=firm_b).values_list("pk", flat=True)) == before_b


def test_an_opportunity_run_refits_the_firms_whose_match_with_it_moved(firm_a, areas, partners):
    firm_a.technology_areas.add(areas["usv"])
    call = CallFactory(slug="usv-call", areas=[areas["usv"]])
    assert PartnerFit.objects.count() == 0
    run = match_run_execute(run_id=match_run_create(scope=MatchRun.Scope.OPPORTUNITY, opportunity=call).pk)

    assert run.status == MatchRun.Status.SUCCEEDED
    assert firm_a.matches.filter(opportunity=call).exists()
    assert _fits(firm_a)[0] == "shipyard-kk"


def test_an_opportunity_run_refits_only_the_firms_that_have_it_among_their_five_best(firm_a, firm_b, areas, partners):
    """A firm's partner list reads its five best matches: a record outside them before and after changes nothing."""
    firm_a.technology_areas.add(areas["usv"])
    firm_b.technology_areas.add(areas["cyber"])
    cyber_calls = [CallFactory(slug=f"cyber-call-{n}", areas=[areas["cyber"]]) for n in range(5)]
    usv_call = CallFactory(slug="usv-call", areas=[areas["usv"]])
    match_run_execute(run_id=match_run_create(scope=MatchRun.Scope.ALL).pk)
    best_b = list(firm_b.matches.filter(eligible=True).order_by("-score", "opportunity_id")[:5])
    assert {m.opportunity for m in best_b} == set(cyber_calls)
    assert firm_b.matches.filter(opportunity=usv_call).exists()  # matched, but not among its five best
    rows_b = set(PartnerFit.objects.filter(company=firm_b).values_list("pk", flat=True))
    stale = [{"code": "test.stale", "params": {}}]  # no fit has this gap: a row still carrying it was not refitted
    PartnerFit.objects.filter(company__in=[firm_a, firm_b]).update(gaps=stale)

    match_run_execute(run_id=match_run_create(scope=MatchRun.Scope.OPPORTUNITY, opportunity=usv_call).pk)

    assert PartnerFit.objects.filter(company=firm_a).exists()
    assert stale not in list(PartnerFit.objects.filter(company=firm_a).values_list("gaps", flat=True))  # all refitted
    assert set(PartnerFit.objects.filter(company=firm_b).values_list("pk", flat=True)) == rows_b
    assert all(gaps == stale for gaps in PartnerFit.objects.filter(company=firm_b).values_list("gaps", flat=True))


def test_an_opportunity_run_refits_the_firms_whose_five_best_it_leaves(firm_a, areas, partners):
    """Closing the firm's best record's area moves it out of the five best: the partner list follows."""
    firm_a.technology_areas.add(areas["usv"])
    usv_call = CallFactory(slug="usv-call", areas=[areas["usv"]])
    partners["shipyard"].programmes.add(usv_call)
    match_run_execute(run_id=match_run_create(scope=MatchRun.Scope.ALL).pk)
    assert "usv-call" in str(PartnerFit.objects.filter(company=firm_a, partner__slug="shipyard-kk").get().reasons)
    usv_call.closes_on = usv_call.opens_on  # closed: its matches go, and the partner list no longer names it
    usv_call.save()

    match_run_execute(run_id=match_run_create(scope=MatchRun.Scope.OPPORTUNITY, opportunity=usv_call).pk)

    assert not firm_a.matches.filter(opportunity=usv_call).exists()
    assert "usv-call" not in str(PartnerFit.objects.filter(company=firm_a).values_list("reasons", flat=True))


@pytest.fixture
def broken_hook():
    """A second hook that raises, as a partner store that is down would."""

    def broken(**kwargs):
        raise RuntimeError("partner store down")

    hooks.after_chunk_stored(broken)
    yield
    hooks._chunk_stored.remove(broken)


def test_a_failing_hook_in_an_opportunity_run_leaves_a_run_for_its_firms(firm_a, firm_b, areas, partners, broken_hook):
    firm_a.technology_areas.add(areas["usv"])
    usv_call = CallFactory(slug="usv-call", areas=[areas["usv"]])

    with pytest.raises(RuntimeError):
        match_run_execute(run_id=match_run_create(scope=MatchRun.Scope.OPPORTUNITY, opportunity=usv_call).pk)

    assert MatchRun.objects.get(scope=MatchRun.Scope.OPPORTUNITY).status == MatchRun.Status.FAILED
    follow_up = MatchRun.objects.get(scope=MatchRun.Scope.BATCH)
    assert follow_up.status == MatchRun.Status.PENDING
    assert set(follow_up.company_ids) == set(usv_call.matches.values_list("company_id", flat=True)) >= {firm_a.pk}


def test_hook_failures_in_several_opportunity_runs_leave_one_waiting_run_for_all_their_firms(
    firm_a, firm_b, areas, partners, broken_hook
):
    firm_a.technology_areas.add(areas["usv"])
    firm_b.technology_areas.add(areas["uuv"])
    usv_call = CallFactory(slug="usv-call", areas=[areas["usv"]])
    uuv_call = CallFactory(slug="uuv-call", areas=[areas["uuv"]])

    for call in (usv_call, uuv_call):
        with pytest.raises(RuntimeError):
            match_run_execute(run_id=match_run_create(scope=MatchRun.Scope.OPPORTUNITY, opportunity=call).pk)

    follow_up = MatchRun.objects.get(scope=MatchRun.Scope.BATCH)  # one, not one per failure
    assert follow_up.status == MatchRun.Status.PENDING
    touched = set(usv_call.matches.values_list("company_id", flat=True)) | set(
        uuv_call.matches.values_list("company_id", flat=True)
    )
    assert set(follow_up.company_ids) == touched >= {firm_a.pk, firm_b.pk}


def test_a_failing_hook_fails_the_run_and_keeps_the_stored_matches(firm_a, areas, partners, broken_hook):
    firm_a.technology_areas.add(areas["usv"])
    CallFactory(slug="usv-call", areas=[areas["usv"]])

    with pytest.raises(RuntimeError):
        match_run_execute(run_id=match_run_create(scope=MatchRun.Scope.COMPANY, company=firm_a).pk)

    run = MatchRun.objects.get(scope=MatchRun.Scope.COMPANY, company=firm_a)
    assert run.status == MatchRun.Status.FAILED
    assert "partner store down" in run.error
    assert firm_a.matches.exists()


def test_stored_fits_read_back_as_written_whatever_the_text(firm_a, partners):
    """On PostgreSQL the store COPYs the rows in: names with backslashes, tabs, quotes and Japanese survive."""
    from django.utils import timezone

    from partners.store import partner_fits_store

    odd = ['Back\\slash "Quoted" KK', "Tab\there\nand a new line", "三菱重工業"]
    fit = PartnerFit(
        company=firm_a, partner=partners["shipyard"], score=42.5, computed_at=timezone.now(),
        components={"shared_areas": {"value": 0.5, "weight": 0.6, "contribution": 30.0}},
        reasons=[{"code": "partner.foreign_partnerships", "params": {"counterparts": odd}}], gaps=[],
    )  # fmt: skip

    assert partner_fits_store(company_ids=[firm_a.pk], fits=[fit]) == 1
    stored = PartnerFit.objects.get(company=firm_a)
    assert stored.reasons[0]["params"]["counterparts"] == odd
    assert (stored.score, stored.components["shared_areas"]["contribution"]) == (42.5, 30.0)
