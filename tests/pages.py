"""A small curated world for the page tests: two areas, two organisations, calls, an event, a hub."""

import datetime

import pytest
from django.utils import timezone

from programmes.models import Opportunity
from tests.factories import (
    LASER_CALL_COMPONENTS,
    CallFactory,
    CertificationFactory,
    EventFactory,
    MatchFactory,
    OpportunityFactory,
    OrganisationFactory,
    TechnologyAreaFactory,
)


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def areas(db):
    return {
        "laser": TechnologyAreaFactory(slug="directed-energy", name="Directed energy", name_ja="指向性エネルギー"),
        "cyber": TechnologyAreaFactory(slug="cyber", name="Cyber", name_ja="サイバー"),
    }


@pytest.fixture
def orgs(db):
    return {
        "atla": OrganisationFactory(
            slug="atla", name="Acquisition, Technology & Logistics Agency", acronym="ATLA", name_ja="防衛装備庁"
        ),
        "meti": OrganisationFactory(
            slug="meti", name="Ministry of Economy, Trade and Industry", acronym="METI", name_ja="経済産業省"
        ),
    }


@pytest.fixture
def certifications(db):
    return [
        CertificationFactory(code="as9100d", name="AS9100D (aviation, space and defence quality management)"),
        CertificationFactory(code="jis-q-9100", name="JIS Q 9100"),
    ]


@pytest.fixture
def world(areas, orgs, certifications):
    """Four published records with different kinds, areas, organisations, countries and dates, plus a draft."""
    laser = CallFactory(
        slug="laser-call",
        title="High-power laser call",
        title_ja="高出力レーザー公募",
        summary="Proposals for beam directors and high-power laser weapons.",
        closes_on=days(10),
        eligible_countries=["AU", "JP"],
        areas=[areas["laser"]],
    )
    laser.organisations.add(orgs["atla"])
    cyber = CallFactory(
        slug="cyber-call",
        title="Cyber defence call",
        summary="Security operations tooling.",
        closes_on=days(40),
        areas=[areas["cyber"]],
    )
    cyber.organisations.add(orgs["meti"])
    closed = CallFactory(
        slug="closed-call",
        title="Closed sensor call",
        summary="Past call.",
        opens_on=days(-60),
        closes_on=days(-5),
        eligible_countries=["US"],
    )
    closed.organisations.add(orgs["atla"])
    event = EventFactory(
        slug="dsei-japan", title="DSEI Japan", summary="Defence exhibition.", starts_on=days(20), ends_on=days(22)
    )
    hub = OpportunityFactory(
        slug="startup-hub", kind=Opportunity.Kind.HUB, title="Start-up hub", summary="A standing hub for start-ups."
    )
    OpportunityFactory(slug="draft-record", title="Draft record", status=Opportunity.Status.DRAFT)
    return {"laser": laser, "cyber": cyber, "closed": closed, "event": event, "hub": hub}


@pytest.fixture
def alice_matches(world, firm_a):
    """Firm A fits the laser call well (with gaps) and the cyber call poorly."""
    laser = MatchFactory(
        company=firm_a,
        opportunity=world["laser"],
        score=81.5,
        components=LASER_CALL_COMPONENTS,
        reasons=[
            {"code": "ticked", "params": {"area": "directed-energy"}},
            {"code": "keywords", "params": {"area": "directed-energy", "terms": ["beam director"]}},
        ],
        gaps=[
            {"code": "certifications_missing", "params": {"certifications": ["as9100d", "jis-q-9100"]}},
            {"code": "trl_below", "params": {"trl": 5, "min_trl": 7}},
        ],
    )
    cyber = MatchFactory(
        company=firm_a,
        opportunity=world["cyber"],
        score=22.0,
        gaps=[
            {"code": "certifications_missing", "params": {"certifications": ["as9100d", "jis-q-9100"]}},
            {"code": "partner_needed", "params": {}},
        ],
    )
    return {"laser": laser, "cyber": cyber}


def listing_titles(response) -> list[str]:
    """The titles of the records a listing page shows, in its order."""
    return [opportunity.title for opportunity in response.context["opportunities"]]
