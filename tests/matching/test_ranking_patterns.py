"""The ranking patterns of issue 12, each as a firm would notice it on its own list (factory data, curated areas)."""

import re

import pytest
from django.urls import reverse

from matching import runs
from matching.messages import render
from matching.models import Match, MatchRun
from programmes.models import Opportunity
from tests.factories import CompanyFactory, OpportunityFactory

JARGON_SATELLITES = (
    "We build MicroGEO spacecraft: small, low-cost geostationary satellites that give one country or customer its "
    "own dedicated broadband capacity, launched as rideshare and flown from our own operations centre."
)
JARGON_SUBSEA = (
    "Our torpedo-shaped robots survey the seafloor for weeks on one charge, diving to 6,000 metres and handing "
    "their maps to the mother ship for navies and offshore energy firms."
)


def _priority(area, **extra):
    return OpportunityFactory(
        slug=f"atla-{area.slug}",
        kind=Opportunity.Kind.PRIORITY_AREA,
        title=f"ATLA seeks partners: {area.name}",
        summary=area.description,
        areas=extra.pop("areas", [area]),
        **extra,
    )


def _rescore():
    run = runs.match_run_create(scope=MatchRun.Scope.ALL)
    runs.match_run_execute(run_id=run.pk)


def _ranked(firm):
    return list(Match.objects.filter(company=firm).best_first().values_list("opportunity__slug", flat=True))


def _match(firm, slug):
    return Match.objects.get(company=firm, opportunity__slug=slug)


@pytest.fixture
def priorities(curated_areas):
    slugs = ("space", "uuv", "uav", "cyber", "critical-minerals", "semiconductors", "directed-energy")
    return {slug: _priority(curated_areas[slug]) for slug in slugs}


@pytest.mark.parametrize(("description", "area"), [(JARGON_SATELLITES, "space"), (JARGON_SUBSEA, "uuv")])
def test_a_firm_that_writes_only_in_product_jargon_still_ranks_its_own_area_first(
    curated_areas, priorities, description, area
):
    lexicon = [k.lower() for k in curated_areas[area].keywords]
    assert not [k for k in lexicon if re.search(rf"(?<![a-z0-9]){re.escape(k)}s?(?![a-z0-9])", description.lower())]
    firm = CompanyFactory(slug="jargon", country="AU", size="sme", description=description)
    _rescore()
    assert _ranked(firm)[0] == f"atla-{area}"


def test_ticking_uav_ranks_uav_records_above_unrelated_ones(curated_areas, priorities):
    firm = CompanyFactory(
        slug="ticks-uav",
        country="AU",
        size="sme",
        description="An engineering company serving government customers with design, build and field support.",
        areas=[curated_areas["uav"]],
    )
    _rescore()
    ranked = _ranked(firm)
    assert ranked[0] == "atla-uav"
    others = [_match(firm, s).score for s in ranked[1:] if s.startswith("atla-")]
    assert _match(firm, "atla-uav").score >= 2 * max(others)


def test_a_record_listing_five_areas_does_not_outrank_the_firms_one_area_record(curated_areas):
    a = curated_areas
    _priority(a["uuv"])
    broad = [a[s] for s in ("uav", "uuv", "usv", "ugv", "ai-autonomy")]
    OpportunityFactory(
        slug="every-uncrewed-domain",
        kind=Opportunity.Kind.PRIORITY_AREA,
        areas=broad,
        title="Autonomy in every uncrewed domain",
        summary="Air, sea, undersea and ground autonomy.",
    )
    firm = CompanyFactory(slug="subsea", country="AU", size="sme", description=JARGON_SUBSEA, areas=[a["uuv"]])
    _rescore()
    assert _match(firm, "atla-uuv").score > _match(firm, "every-uncrewed-domain").score
    assert _ranked(firm)[0] == "atla-uuv"


@pytest.fixture
def startup_scheme(curated_areas):
    return OpportunityFactory(
        slug="startup-scheme",
        kind=Opportunity.Kind.HUB,
        title="Start-up technology proposal scheme",
        summary="Negotiated contracts for start-ups' technical proposals.",
        eligible_sizes=["startup", "sme"],
        max_company_age=10,
        areas=[curated_areas["space"]],
    )


def test_a_30_year_old_firm_is_gated_from_the_start_up_scheme_with_the_rule_named(curated_areas, startup_scheme):
    space = curated_areas["space"]
    old = CompanyFactory(
        slug="old", country="JP", size="sme", founded=1996, description=JARGON_SATELLITES, areas=[space]
    )
    young = CompanyFactory(
        slug="young", country="JP", size="sme", founded=2021, description=JARGON_SATELLITES, areas=[space]
    )
    _rescore()
    gated, open_ = _match(old, "startup-scheme"), _match(young, "startup-scheme")
    assert not gated.eligible and gated.score <= 30
    assert open_.eligible and open_.score > gated.score + 30
    assert any("founded at most 10 years ago; firm is 30 years old" in render(gap) for gap in gated.gaps)


def test_a_scheme_for_japanese_entities_gates_a_firm_abroad_but_not_one_with_an_office_in_japan(curated_areas):
    space = curated_areas["space"]
    OpportunityFactory(
        slug="jp-only",
        kind=Opportunity.Kind.HUB,
        japanese_entity=True,
        areas=[space],
        title="Scheme for Japanese entities",
        summary="Negotiated contracts.",
    )
    abroad = CompanyFactory(slug="abroad", country="AU", size="startup", description=JARGON_SATELLITES, areas=[space])
    office = CompanyFactory(
        slug="office",
        country="AU",
        size="startup",
        description=JARGON_SATELLITES,
        areas=[space],
        japan_presence="office",
    )
    _rescore()
    gated = _match(abroad, "jp-only")
    assert not gated.eligible
    assert any("in practice the hub takes Japanese entities" in render(gap) for gap in gated.gaps)
    assert _match(office, "jp-only").eligible


def test_the_detail_page_shows_the_schemes_rules_in_english_and_japanese(anon_client, startup_scheme):
    startup_scheme.japanese_entity = True
    startup_scheme.save()
    url = reverse("programmes:opportunity_detail", args=[startup_scheme.slug])
    page = anon_client.get(url).content.decode()
    assert "Founded at most 10 years ago" in page
    assert "In practice for Japanese entities only" in page
    page_ja = anon_client.get(f"/ja{url}").content.decode()
    assert "設立後10年以内" in page_ja
    assert "事実上日本法人のみが対象です" in page_ja


def _uncrewed_hub(a):
    """The rapid acquisition hub's shape: UAVs first, the other uncrewed domains and AI as lesser topics."""
    topics = [a["uav"], (a["uuv"], 0.8), (a["usv"], 0.8), (a["ugv"], 0.6), (a["ai-autonomy"], 0.7)]
    return OpportunityFactory(
        slug="uncrewed-hub",
        kind=Opportunity.Kind.HUB,
        areas=topics,
        japan_presence="partner",
        title="Rapid acquisition of uncrewed systems",
        summary="Requests for information and early-fielding demonstrations.",
    )


def test_a_firm_without_a_japanese_partner_sees_its_own_area_record_above_a_hub_that_takes_it(curated_areas):
    a = curated_areas
    _priority(a["uav"], japan_presence="partner")
    _uncrewed_hub(a)
    description = "We design and build long-endurance fixed-wing VTOL drones for maritime surveillance."
    alone = CompanyFactory(slug="alone", country="AU", size="sme", description=description, areas=[a["uav"]])
    partnered = CompanyFactory(
        slug="partnered",
        country="AU",
        size="sme",
        description=description,
        areas=[a["uav"]],
        japan_presence="partner",
    )
    _rescore()
    assert _ranked(alone)[:2] == ["atla-uav", "uncrewed-hub"]
    behind = _match(alone, "atla-uav").score - _match(alone, "uncrewed-hub").score
    assert behind > 10
    # With a Japanese partner the hub is a door the firm can use: it comes within a few points of its area's record.
    assert 0 <= _match(partnered, "atla-uav").score - _match(partnered, "uncrewed-hub").score < 5


def test_a_hub_counts_a_firms_area_among_its_topics_however_many_topics_it_lists(curated_areas):
    a = curated_areas
    _uncrewed_hub(a)
    _priority(a["cyber"])
    description = "Our autonomy software and computer vision let machines perceive, plan and act on their own."
    firm = CompanyFactory(slug="autonomy", country="AU", size="sme", description=description, areas=[a["ai-autonomy"]])
    _rescore()
    hub, unrelated = _match(firm, "uncrewed-hub"), _match(firm, "atla-cyber")
    # AI is one of five topics at 0.7 of the hub's top weight: the hub ranks well above a record of another area.
    assert hub.score > 2 * unrelated.score
    assert hub.score > 40, hub.score


def test_a_minerals_firm_whose_supply_chains_have_a_secure_source_is_not_read_as_a_cyber_firm(
    curated_areas, priorities
):
    """A keyword is a phrase: it never runs across an article or a verb ("supply chains have a secure" is not the
    cyber keyword "supply chain security")."""
    firm = CompanyFactory(
        slug="magnets",
        country="US",
        size="sme",
        description=(
            "We separate rare earth oxides and make NdPr metal and magnets, so that allied supply chains have a secure "
            "source of the critical minerals they need."
        ),
    )
    _rescore()
    cyber = _match(firm, "atla-cyber")
    cited = [item for item in cyber.reasons if item.get("code") == "keywords"]
    assert cited == []
    assert _ranked(firm)[0] == "atla-critical-minerals"
    assert cyber.score < _match(firm, "atla-critical-minerals").score / 3


def test_a_farm_firm_writing_of_sustainable_farming_is_not_read_as_a_sustainment_firm(curated_areas, priorities):
    """The words "sustainable" and "sustainment" share a Snowball stem; the first is a farmer's word, the second a
    field of defence (maintenance, repair and logistics), so they are kept apart (vocabulary.FALSE_FRIENDS)."""
    upkeep = _priority(curated_areas["sustainment"])
    firm = CompanyFactory(
        slug="furrow",
        country="AU",
        size="sme",
        description=(
            "We make soil moisture probes and irrigation controllers for sustainable farming: growers save water, and "
            "our sustainability reports show it."
        ),
    )
    fixer = CompanyFactory(
        slug="fixer", country="AU", size="sme", description="Sustainment of naval ships: repair, overhaul and spares."
    )
    _rescore()
    farm = _match(firm, upkeep.slug)
    assert [item for item in farm.reasons if item.get("code") == "keywords"] == []
    assert farm.score < _match(fixer, upkeep.slug).score / 3


def test_a_record_taking_any_technology_never_asks_the_firm_to_describe_its_products_for_it(priorities):
    """Such a record's fit is capped below the low-fit bar whatever the profile says, so that gap could never close."""
    OpportunityFactory(slug="any-door", kind=Opportunity.Kind.HUB, title="A door for any technology", areas=[])
    firm = CompanyFactory(slug="sats", country="AU", size="sme", description=JARGON_SATELLITES)
    _rescore()
    door = _match(firm, "any-door")
    assert door.components["capability"]["value"] < 0.35
    assert "low_fit" not in [g["code"] for g in door.gaps]
    # A record about another field still says that little fit holds the score down, and what to do about it.
    assert "low_fit" in [g["code"] for g in _match(firm, "atla-cyber").gaps]
