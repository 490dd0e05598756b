"""'Not relevant: wrong technology' lowers a firm's other matches of that area, for that firm only, until withdrawn."""

import importlib

import pytest
from django.apps import apps
from django.db import transaction

from matching import hooks
from matching import runs as services
from matching.messages import render_parts
from matching.models import FeedbackMark, Match, MatchRun
from portal.models import ChangeEvent
from programmes.models import Opportunity
from programmes.services import opportunity_areas_set
from tests.factories import CompanyFactory, OpportunityFactory
from workspace.services import match_feedback_give, match_feedback_withdraw

CYBER_FIRM = (
    "We build network intrusion detection and zero trust security operations software for defence networks, "
    "with threat hunting and SOC automation for the ADF."
)


@pytest.fixture
def scored(curated_areas, curated_certifications, firm_a, firm_b, alice):
    """Firms A and B both write about cyber; three cyber records and one directed-energy record, scored."""
    for firm in (firm_a, firm_b):
        firm.description = CYBER_FIRM
        firm.save()
        firm.technology_areas.add(curated_areas["cyber"])
    cyber = curated_areas["cyber"]
    for n in (1, 2, 3):
        OpportunityFactory(slug=f"cyber-{n}", title=f"Cyber defence programme {n}", areas=[cyber])
    OpportunityFactory(slug="lasers", title="Directed energy", areas=[curated_areas["directed-energy"]])
    OpportunityFactory(slug="half-cyber", title="Mixed", areas=[(curated_areas["uav"], 1.0), (cyber, 0.5)])
    rescore()


def rescore():
    run = services.match_run_create(scope=MatchRun.Scope.ALL)
    services.match_run_execute(run_id=run.pk)


def scores(firm) -> dict[str, float]:
    return dict(Match.objects.filter(company=firm).values_list("opportunity__slug", "score"))


def reasons(firm, slug) -> list[str]:
    """The match's reasons as the firm reads them (English), lower-cased."""
    return [render_parts(item)[0].lower() for item in Match.objects.get(company=firm, opportunity__slug=slug).reasons]


def test_wrong_technology_lowers_that_areas_other_matches_for_that_firm_only(
    scored, firm_a, firm_b, alice, django_capture_on_commit_callbacks
):
    before_a, before_b = scores(firm_a), scores(firm_b)
    assert before_a["cyber-2"] >= 25  # a real fit, so the drop is not floored at 0

    with django_capture_on_commit_callbacks(execute=True):
        match_feedback_give(
            company=firm_a, opportunity=OpportunityFactory(slug="cyber-1"), reason="wrong_technology", by=alice
        )

    after_a, after_b = scores(firm_a), scores(firm_b)
    for slug in ("cyber-2", "cyber-3"):
        drop = before_a[slug] - after_a[slug]
        assert 5 <= drop <= 20, (slug, drop)
    assert "ranked lower: you marked 1 record about cyber defence as not relevant" in reasons(firm_a, "cyber-2")
    assert after_a["lasers"] == before_a["lasers"]
    assert 0 < before_a["half-cyber"] - after_a["half-cyber"] < before_a["cyber-2"] - after_a["cyber-2"]
    assert after_b == before_b
    assert not any("ranked lower" in r for r in reasons(firm_b, "cyber-2"))


def test_more_marked_records_lower_it_more_but_never_past_twenty_points(
    scored, firm_a, alice, django_capture_on_commit_callbacks
):
    before = scores(firm_a)
    with django_capture_on_commit_callbacks(execute=True):
        for slug in ("cyber-1", "cyber-2"):
            match_feedback_give(
                company=firm_a, opportunity=OpportunityFactory(slug=slug), reason="wrong_technology", by=alice
            )
    drop = before["cyber-3"] - scores(firm_a)["cyber-3"]

    assert 12 - 0.1 <= drop <= 20
    assert "ranked lower: you marked 2 records about cyber defence as not relevant" in reasons(firm_a, "cyber-3")
    assert FeedbackMark.objects.get(company=firm_a).records == 2


def test_withdrawing_the_feedback_restores_the_scores(scored, firm_a, alice, django_capture_on_commit_callbacks):
    before = scores(firm_a)
    record = OpportunityFactory(slug="cyber-1")
    with django_capture_on_commit_callbacks(execute=True):
        match_feedback_give(company=firm_a, opportunity=record, reason="wrong_technology", by=alice)
    assert scores(firm_a)["cyber-2"] < before["cyber-2"]

    with django_capture_on_commit_callbacks(execute=True):
        match_feedback_withdraw(company=firm_a, opportunity=record, by=alice)

    assert scores(firm_a) == before
    assert not FeedbackMark.objects.filter(company=firm_a).exists()
    assert not any("ranked lower" in r for r in reasons(firm_a, "cyber-2"))


def test_other_reasons_hide_the_match_without_changing_scores(
    scored, firm_a, alice, django_capture_on_commit_callbacks
):
    before = scores(firm_a)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record = OpportunityFactory(slug="cyber-1")
        match_feedback_give(company=firm_a, opportunity=record, reason="too_early", by=alice)

    assert scores(firm_a) == before
    assert not FeedbackMark.objects.exists()
    assert not any("rescore" in repr(c) for c in callbacks)


def test_a_firm_with_no_feedback_scores_as_before(curated_areas, firm_b):
    CompanyFactory(slug="plain", description=CYBER_FIRM)
    OpportunityFactory(slug="cyber-x", areas=[curated_areas["cyber"]])
    rescore()
    assert all("ranked lower" not in r for m in Match.objects.all() for r in reasons(m.company, m.opportunity.slug))


@pytest.fixture
def shared_record(scored, curated_areas):
    """A record whose main place cyber shares with electronic warfare, and one about electronic warfare alone."""
    cyber, ew = curated_areas["cyber"], curated_areas["electronic-warfare"]
    OpportunityFactory(slug="cyber-and-ew", title="Cyber and EW", areas=[(cyber, 1.0), (ew, 1.0)])
    OpportunityFactory(slug="ew-only", title="Electronic warfare", areas=[ew])
    rescore()


def test_a_shared_record_marked_wrong_lowers_its_other_areas_not_the_one_the_firm_ticks(
    shared_record, firm_a, alice, django_capture_on_commit_callbacks
):
    before = scores(firm_a)
    assert before["ew-only"] > 0
    with django_capture_on_commit_callbacks(execute=True):
        match_feedback_give(
            company=firm_a, opportunity=OpportunityFactory(slug="cyber-and-ew"), reason="wrong_technology", by=alice
        )
    after = scores(firm_a)

    # Firm A ticks cyber: marking the cyber-and-EW record says electronic warfare is not its field, not cyber.
    assert after["cyber-2"] == before["cyber-2"]
    assert not any("ranked lower" in r for r in reasons(firm_a, "cyber-2"))
    assert after["ew-only"] < before["ew-only"]
    assert (
        "ranked lower: you marked 1 record about electronic warfare and the electromagnetic spectrum as not relevant"
        in reasons(firm_a, "ew-only")
    )
    marks = dict(FeedbackMark.objects.filter(company=firm_a).values_list("technology_area__slug", "shared_with"))
    assert marks == {"cyber": [["electronic-warfare"]], "electronic-warfare": [["cyber"]]}


def test_a_firm_ticking_every_main_area_of_a_marked_shared_record_has_them_all_lowered(
    shared_record, firm_a, alice, curated_areas, django_capture_on_commit_callbacks
):
    firm_a.technology_areas.add(curated_areas["electronic-warfare"])
    rescore()
    before = scores(firm_a)
    with django_capture_on_commit_callbacks(execute=True):
        match_feedback_give(
            company=firm_a, opportunity=OpportunityFactory(slug="cyber-and-ew"), reason="wrong_technology", by=alice
        )
    after = scores(firm_a)

    # The ticks cannot say which area the mark was about, so it counts against both, as a mark always did.
    assert after["cyber-2"] < before["cyber-2"] and after["ew-only"] < before["ew-only"]
    assert "ranked lower: you marked 1 record about cyber defence as not relevant" in reasons(firm_a, "cyber-2")


def test_once_the_firm_unticks_the_area_a_shared_mark_counts_against_it_too(
    shared_record, firm_a, alice, curated_areas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        match_feedback_give(
            company=firm_a, opportunity=OpportunityFactory(slug="cyber-and-ew"), reason="wrong_technology", by=alice
        )
    before = scores(firm_a)
    firm_a.technology_areas.remove(curated_areas["cyber"])
    rescore()
    unticked, why = scores(firm_a), reasons(firm_a, "cyber-2")
    firm_a.technology_areas.add(curated_areas["cyber"])
    rescore()

    assert unticked["cyber-2"] < before["cyber-2"]
    assert "ranked lower: you marked 1 record about cyber defence as not relevant" in why
    assert scores(firm_a) == before  # ticked again: the shared mark no longer counts against cyber


def test_the_migration_recounts_the_shared_marks_written_before_the_rule(
    shared_record, firm_a, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        match_feedback_give(
            company=firm_a, opportunity=OpportunityFactory(slug="cyber-and-ew"), reason="wrong_technology", by=alice
        )
    expected = sorted(FeedbackMark.objects.values_list("company_id", "technology_area__slug", "records", "shared_with"))
    FeedbackMark.objects.update(shared_with=[])  # as the marks were stored before the field existed
    FeedbackMark.objects.filter(technology_area__slug="cyber").delete()  # and one gone stale
    importlib.import_module("workspace.migrations.0003_feedback_marks_shared").recount(apps, None)
    marks = sorted(FeedbackMark.objects.values_list("company_id", "technology_area__slug", "records", "shared_with"))
    assert marks == expected and len(marks) == 2


def test_a_curator_moving_a_marked_record_to_another_area_moves_the_mark(
    scored, firm_a, alice, curated_areas, django_capture_on_commit_callbacks
):
    before = scores(firm_a)
    with django_capture_on_commit_callbacks(execute=True):
        match_feedback_give(
            company=firm_a, opportunity=OpportunityFactory(slug="cyber-1"), reason="wrong_technology", by=alice
        )
    assert scores(firm_a)["cyber-2"] < before["cyber-2"]

    record = Opportunity.objects.get(slug="cyber-1")
    with django_capture_on_commit_callbacks(execute=True):
        opportunity_areas_set(opportunity=record, weights={curated_areas["directed-energy"]: 1.0}, by=None)

    after = scores(firm_a)
    assert after["cyber-2"] == before["cyber-2"] and after["cyber-3"] == before["cyber-3"]
    # The mark now counts against the record's area as it is now (a cyber firm's directed-energy fit is nil already).
    assert list(FeedbackMark.objects.filter(company=firm_a).values_list("technology_area__slug", flat=True)) == [
        "directed-energy"
    ]
    assert not any("ranked lower" in r for r in reasons(firm_a, "cyber-2"))


def test_deleting_the_main_area_of_a_marked_record_moves_the_mark_and_rescores(
    scored, firm_a, alice, curated_areas, consultant_client, django_capture_on_commit_callbacks
):
    """half-cyber asks for UAV first and cyber second: marked, it counts against UAV. Once a consultant deletes the
    UAV area, cyber is the record's main area, so the mark counts against the firm's cyber records."""
    with django_capture_on_commit_callbacks(execute=True):
        match_feedback_give(
            company=firm_a, opportunity=OpportunityFactory(slug="half-cyber"), reason="wrong_technology", by=alice
        )
    before = scores(firm_a)
    uav = curated_areas["uav"]

    with django_capture_on_commit_callbacks(execute=True):
        response = consultant_client.post(f"/admin/programmes/technologyarea/{uav.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    marks = FeedbackMark.objects.filter(company=firm_a).values_list("technology_area__slug", flat=True)
    assert list(marks) == ["cyber"]
    assert scores(firm_a)["cyber-2"] < before["cyber-2"]
    assert "ranked lower: you marked 1 record about cyber defence as not relevant" in reasons(firm_a, "cyber-2")
    assert MatchRun.objects.filter(scope=MatchRun.Scope.ALL).count() == 2  # the fixture's, and the one after
    assert not MatchRun.objects.filter(scope=MatchRun.Scope.OPPORTUNITY).exists()  # the full run covers the records
    # The record dropped the area as an edit would: in its history, and in the feed and webhooks' events.
    record = Opportunity.objects.get(slug="half-cyber")
    assert record.history.first().history_change_reason == "Deleted in the admin"
    event = ChangeEvent.objects.filter(kind="opportunity.changed", subject_id=record.pk).get()
    assert event.changes["technology_areas"] == {"old": ["cyber", "uav"], "new": ["cyber"]}


def test_records_changed_in_one_transaction_are_told_once_after_it_commits_and_never_if_it_rolls_back(
    scored, curated_areas, django_capture_on_commit_callbacks, monkeypatch
):
    told: list[list[int]] = []
    monkeypatch.setattr(hooks, "_areas_changed", [told.append])
    first, second = Opportunity.objects.get(slug="cyber-1"), Opportunity.objects.get(slug="cyber-2")
    lasers = {curated_areas["directed-energy"]: 1.0}

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        opportunity_areas_set(opportunity=first, weights=lasers, by=None)
        opportunity_areas_set(opportunity=second, weights=lasers, by=None)
        assert told == []  # not before the change commits
    assert told == [sorted([first.pk, second.pk])]

    told.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            opportunity_areas_set(opportunity=first, weights={curated_areas["cyber"]: 1.0}, by=None)
            raise RuntimeError("the curator's save failed")
    assert told == [] and not callbacks


def test_a_lowered_matchs_score_bar_says_the_marks_are_in_its_multiplier(
    scored, firm_a, alice, alice_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        match_feedback_give(
            company=firm_a, opportunity=OpportunityFactory(slug="cyber-1"), reason="wrong_technology", by=alice
        )
    said = "marks lower this score too"
    page = alice_client.get("/opportunities/cyber-2/").content.decode()
    assert said in page
    assert said not in alice_client.get("/opportunities/lasers/").content.decode()
    japanese = alice_client.get("/ja/opportunities/cyber-2/").content.decode()
    assert "「関係なし」の印もこのスコアを下げています" in japanese
