"""A person on the staff of two firms reads a record for the firm whose matches they came from (`?company=`), not
always for the first of their firms."""

import re

import pytest

from programmes.models import Opportunity
from tests.factories import (
    CallFactory,
    CompanyFactory,
    MatchFactory,
    MembershipFactory,
    OrganisationFactory,
    TechnologyAreaFactory,
)


@pytest.fixture
def two_firms(alice, firm_a):
    """alice edits Firm A and is a viewer at Zeta Optics; the laser call fits each differently."""
    zeta = CompanyFactory(slug="zeta-optics", name="Zeta Optics", country="US")
    MembershipFactory(user=alice, company=zeta, role="viewer")
    call = CallFactory(slug="laser-call", title="High-power laser call")
    MatchFactory(company=firm_a, opportunity=call, score=41.0)
    MatchFactory(company=zeta, opportunity=call, score=88.0)
    return zeta


def test_a_person_with_two_firms_who_opens_a_record_from_the_second_firms_matches_sees_that_firms_fit(
    alice_client, two_firms
):
    matches = alice_client.get("/my/matches/", {"company": "zeta-optics"}).text
    link = re.search(r'<h3 id="match-\d+"><a href="([^"]+)"', matches).group(1).replace("&amp;", "&")
    assert link == "/opportunities/laser-call/?company=zeta-optics"

    page = alice_client.get(link).text

    assert "How Zeta Optics fits" in page and "How Firm A fits" not in page
    assert "88.0" in page
    assert "/workspace/zeta-optics/pipeline/laser-call/set/" not in page  # a viewer there: no Follow or Pursue


def test_without_a_firm_named_the_record_shows_the_first_firm_and_another_firms_slug_changes_nothing(
    alice_client, bob, two_firms
):
    assert "How Firm A fits" in alice_client.get("/opportunities/laser-call/").text
    page = alice_client.get("/opportunities/laser-call/", {"company": "firm-b"}).text  # bob's firm, not alice's
    assert "How Firm A fits" in page and "Firm B" not in page


def test_a_person_with_one_firm_gets_plain_record_links(alice_client, firm_a):
    MatchFactory(company=firm_a, opportunity=CallFactory(slug="laser-call"), score=41.0)
    matches = alice_client.get("/my/matches/").text
    assert re.search(r'<h3 id="match-\d+"><a href="([^"]+)"', matches).group(1) == "/opportunities/laser-call/"


def test_the_record_pages_links_to_the_listing_and_related_records_keep_the_firm(alice_client, two_firms):
    call = Opportunity.objects.get(slug="laser-call")
    call.organisations.add(OrganisationFactory(slug="atla", name="ATLA"))
    call.area_links.create(technology_area=TechnologyAreaFactory(slug="directed-energy"), weight=1.0)
    call.related.add(CallFactory(slug="laser-call-2"))

    page = alice_client.get("/opportunities/laser-call/", {"company": "zeta-optics"}).text

    assert 'href="/opportunities/?organisation=atla&amp;company=zeta-optics"' in page
    assert 'href="/opportunities/?technology_area=directed-energy&amp;company=zeta-optics"' in page
    assert 'href="/opportunities/laser-call-2/?company=zeta-optics"' in page
    assert 'href="/opportunities/?organisation=atla"' not in page
