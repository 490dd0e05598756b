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


def test_a_failing_hook_fails_the_run_and_keeps_the_stored_matches(firm_a, areas, partners):
    firm_a.technology_areas.add(areas["usv"])
    CallFactory(slug="usv-call", areas=[areas["usv"]])

    def broken(**kwargs):
        raise RuntimeError("partner store down")

    hooks.after_chunk_stored(broken)
    try:
        with pytest.raises(RuntimeError):
            match_run_execute(run_id=match_run_create(scope=MatchRun.Scope.COMPANY, company=firm_a).pk)
    finally:
        hooks._chunk_stored.remove(broken)

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
