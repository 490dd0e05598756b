"""Ranking sanity on firms it has never seen, written in their own words, against the curated technology areas."""

import pytest

from matching import runs
from matching.messages import render
from matching.models import Match, MatchRun
from programmes.models import Opportunity
from tests.factories import CompanyFactory, OpportunityFactory

FIRMS = {
    "laser": dict(
        size="sme",
        trl=6,
        description=(
            "We design beam directors and adaptive optics for high-energy laser weapons, with fast steering mirrors "
            "that hold a spot on small drones at several kilometres. Our high-power microwave sources target "
            "counter-swarm defence for the ADF."
        ),
    ),
    "sonar": dict(
        size="sme",
        trl=7,
        description=(
            "Towed-array and synthetic aperture sonar for ASW, built for navy autonomous underwater vehicles; "
            "our signal processing classifies submarines in littoral waters."
        ),
    ),
    "gan": dict(
        size="startup",
        trl=5,
        description=(
            "A fabless start-up designing GaN power amplifier MMICs and front-end modules for radar and jamming "
            "payloads, with ITAR-free supply for allied defence primes."
        ),
    ),
    "magnets": dict(
        size="sme",
        trl=7,
        description=(
            "Sovereign magnet supply: we separate NdPr oxide from Australian ore and make sintered NdFeB permanent "
            "magnets for missile actuators and defence motors."
        ),
    ),
    "farm": dict(
        size="startup",
        trl=8,
        description=(
            "Autonomous weeding robots and smart tractors for broadacre farms. Computer vision spots weeds, and our "
            "app lets growers plan spraying and track yields across the season."
        ),
    ),
    "consumer": dict(
        size="startup",
        trl=9,
        description=(
            "A consumer fitness app with social challenges, a meal planner and a smart water bottle that syncs by "
            "Bluetooth; over a million downloads."
        ),
    ),
    "counter-drone": dict(
        size="startup",
        trl=6,
        description=(
            "Counter-UAS start-up: passive RF detection and direction finding of hostile drones, with a soft-kill "
            "jammer for base protection."
        ),
    ),
}


@pytest.fixture
def scored(curated_areas, curated_certifications):
    a = curated_areas
    for slug in ("directed-energy", "cyber", "uuv", "semiconductors", "critical-minerals", "counter-uas", "ugv"):
        area = a[slug]
        OpportunityFactory(
            slug=f"atla-{slug}",
            kind=Opportunity.Kind.PRIORITY_AREA,
            title=f"ATLA seeks partners: {area.name}",
            summary=area.description,
            areas=[area],
        )
    OpportunityFactory(
        slug="startup-hub",
        kind=Opportunity.Kind.HUB,
        title="Startup Technology Proposal hub",
        summary="Start-ups propose their technology to MOD for early adoption.",
        eligible_sizes=["startup"],
    )
    OpportunityFactory(
        slug="prime-programme",
        kind=Opportunity.Kind.PROGRAMME,
        title="Licensed production for primes",
        summary="Licensed production of fighter aircraft components by established primes.",
        eligible_sizes=["large"],
        areas=[(a["next-gen-fighter"], 1.0), (a["sustainment"], 0.5)],
    )
    firms = {slug: CompanyFactory(slug=slug, country="AU", **values) for slug, values in FIRMS.items()}
    run = runs.match_run_create(scope=MatchRun.Scope.ALL)
    runs.match_run_execute(run_id=run.pk)
    return firms


def score(firm, opportunity_slug):
    match = Match.objects.filter(company__slug=firm, opportunity__slug=opportunity_slug).first()
    return match.score if match else 0.0


def best(firm):
    return Match.objects.filter(company__slug=firm).best_first().first()


def test_a_laser_firm_ranks_directed_energy_above_cyber(scored):
    assert best("laser").opportunity.slug == "atla-directed-energy"
    assert score("laser", "atla-directed-energy") >= 70
    assert score("laser", "atla-cyber") < 35


@pytest.mark.parametrize(
    ("firm", "opportunity"),
    [
        ("sonar", "atla-uuv"),
        ("gan", "atla-semiconductors"),
        ("magnets", "atla-critical-minerals"),
        ("counter-drone", "atla-counter-uas"),
    ],
)
def test_firms_ticking_no_area_are_matched_from_their_own_words(scored, firm, opportunity):
    assert best(firm).opportunity.slug == opportunity
    assert score(firm, opportunity) >= 60


def test_a_start_up_ranks_the_start_up_hub_above_a_programme_for_large_primes(scored):
    assert score("counter-drone", "startup-hub") > score("counter-drone", "prime-programme") + 20
    gaps = Match.objects.get(company__slug="counter-drone", opportunity__slug="prime-programme").gaps
    assert any("for large firms; firm is a start-up" in render(gap) for gap in gaps)


@pytest.mark.parametrize("firm", ["farm", "consumer"])
def test_a_mostly_civilian_firm_scores_low_everywhere(scored, firm):
    assert best(firm).score < 35
    assert best(firm).score < best("laser").score - 35
