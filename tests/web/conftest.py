"""An event with focus areas, alice's linked and unlinked matches, partners, notices: the world of an event brief."""

import datetime

import pytest
from django.utils import timezone

from notices.models import Notice
from partners.models import PartnerFit
from tests.factories import CallFactory, EventFactory, MatchFactory, OrganisationFactory, TechnologyAreaFactory
from tests.partners.conftest import make_partner


@pytest.fixture
def brief_world(alice, bob, firm_a, firm_b):
    return build_brief_world(firm_a, firm_b)


def build_brief_world(firm_a, firm_b) -> dict:
    """The records of the brief tests (the browser test builds them too, with its own sign-in users)."""
    usv = TechnologyAreaFactory(slug="usv", name="Uncrewed surface vessels", name_ja="無人水上艇")
    uuv = TechnologyAreaFactory(slug="uuv", name="Uncrewed underwater vehicles", name_ja="無人潜水艇")
    cyber = TechnologyAreaFactory(slug="cyber", name="Cyber", name_ja="サイバー")
    firm_a.technology_areas.add(usv)
    mod = OrganisationFactory(slug="mod", name="Ministry of Defense", name_ja="防衛省", acronym="MOD")
    event = EventFactory(
        slug="maritime-expo-2027", title="Maritime Expo 2027", title_ja="海洋博2027",
        summary="A maritime defence exhibition.", areas=[(usv, 0.6), (uuv, 0.4)],
    )  # fmt: skip
    event.organisations.add(mod)
    usv_call = CallFactory(slug="usv-call", title="USV call", title_ja="無人水上艇公募", areas=[usv])
    mod_programme = CallFactory(slug="mod-cyber", title="MOD cyber programme", areas=[cyber])
    mod_programme.organisations.add(mod)
    unlinked = CallFactory(slug="cyber-only", title="Cyber-only call", areas=[cyber])
    MatchFactory(
        company=firm_a, opportunity=usv_call, score=71.0,
        reasons=[{"code": "ticked", "params": {"area": "usv"}}],
        gaps=[{"code": "partner_needed", "params": {}}, {"code": "trl_below", "params": {"trl": 5, "min_trl": 7}}],
    )  # fmt: skip
    MatchFactory(company=firm_a, opportunity=mod_programme, score=64.0, reasons=[], gaps=[])
    MatchFactory(company=firm_a, opportunity=unlinked, score=92.0, reasons=[], gaps=[])
    MatchFactory(company=firm_a, opportunity=event, score=55.0, reasons=[], gaps=[])
    MatchFactory(company=firm_b, opportunity=usv_call, score=33.0, reasons=[])

    now = timezone.now()
    shipyard = make_partner("shipyard-kk", role="prime", areas={usv: 0.8}, name="Shipyard KK", name_ja="造船所")
    it_prime = make_partner("it-prime", role="prime", areas={cyber: 1.0}, name="IT Prime", name_ja="ITプライム")
    PartnerFit.objects.create(
        company=firm_a, partner=shipyard, score=58.0, computed_at=now,
        reasons=[{"code": "partner.shared_areas", "params": {"areas": ["usv"]}}],
    )  # fmt: skip
    PartnerFit.objects.create(company=firm_a, partner=it_prime, score=90.0, computed_at=now)
    PartnerFit.objects.create(company=firm_b, partner=shipyard, score=12.0, computed_at=now, reasons=[])

    on_record = Notice.objects.create(
        slug="usv-rule", title="USV export rule", title_ja="無人水上艇の輸出規則", summary="Applies to USVs.",
        dated_on=datetime.date(2026, 4, 1), status="published",
    )  # fmt: skip
    on_record.records.add(usv_call)
    Notice.objects.create(
        slug="us-only", title="US-only rule", summary="For US firms.", dated_on=datetime.date(2026, 5, 1),
        status="published", countries=["US"],
    )  # fmt: skip
    draft = Notice.objects.create(
        slug="draft-rule", title="Draft rule", summary="Not out.", dated_on=datetime.date(2026, 6, 1), status="draft"
    )
    draft.records.add(usv_call)
    return {"event": event, "usv": usv, "usv_call": usv_call, "shipyard": shipyard, "cyber": cyber}
