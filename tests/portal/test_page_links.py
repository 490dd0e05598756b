"""Following "Next page" on a listing keeps its filters, and the listing's "open now" default, on every page."""

import datetime
import html
import re

import pytest
from django.utils import timezone

from companies.models import Company
from partners.models import Partner
from tests.factories import CallFactory, CompanyFactory, TechnologyAreaFactory
from tests.pages import listing_titles
from tests.partners.conftest import make_partner


def next_link(response) -> str:
    """The href of the page's "Next page" link."""
    found = re.search(r'<a href="([^"]*)" rel="next">', response.text)
    assert found, "no Next page link"
    return html.unescape(found.group(1))


@pytest.fixture
def open_and_closed(db):
    """25 open calls and 25 closed ones: two pages of 20 open now, three pages of everything."""
    past = timezone.localdate() - datetime.timedelta(days=5)
    for n in range(25):
        CallFactory(title=f"Open call {n:02}")
        CallFactory(title=f"Closed call {n:02}", opens_on=past - datetime.timedelta(days=30), closes_on=past)


@pytest.mark.parametrize("prefix", ["", "/ja"])
def test_next_page_of_the_first_visit_still_lists_only_what_is_open_now(anon_client, open_and_closed, prefix):
    first = anon_client.get(f"{prefix}/opportunities/")
    assert first.context["paginator"].num_pages == 2
    second = anon_client.get(f"{prefix}/opportunities/{next_link(first)}")
    assert second.context["page_obj"].number == 2
    assert second.context["paginator"].num_pages == 2  # not "Page 2 of 3"
    assert second.context["open_only"]
    seen = listing_titles(first) + listing_titles(second)
    assert sorted(seen) == [f"Open call {n:02}" for n in range(25)]  # none skipped, none repeated, none closed


@pytest.mark.parametrize("query", [{"ordering": "title"}, {"utm_source": "newsletter"}, {"page": "1"}])
def test_sorting_or_a_tracking_tag_keeps_the_open_now_default(anon_client, open_and_closed, query):
    response = anon_client.get("/opportunities/", query)
    assert response.context["paginator"].count == 25
    assert "Open now or upcoming" in [value for _label, value, _rest in response.context["active_filters"]]


def test_a_chosen_filter_is_taken_as_is_on_every_page(anon_client, open_and_closed):
    first = anon_client.get("/opportunities/", {"kind": "call"})
    assert first.context["paginator"].count == 50  # the page and the API filter identically
    second = anon_client.get("/opportunities/" + next_link(first))
    assert second.context["paginator"].count == 50
    assert not set(listing_titles(first)) & set(listing_titles(second))


def test_choosing_any_keeps_closed_records_on_every_page(anon_client, open_and_closed):
    first = anon_client.get("/opportunities/", {"open": ""})
    assert first.context["paginator"].count == 50
    assert "open=" in next_link(first)
    third = anon_client.get("/opportunities/" + next_link(anon_client.get("/opportunities/" + next_link(first))))
    assert third.context["page_obj"].number == 3 and third.context["paginator"].count == 50


def test_page_links_keep_every_value_of_a_repeated_filter(anon_client, db):
    area = TechnologyAreaFactory(slug="usv", name="Uncrewed surface vessels")
    for n in range(30):
        make_partner(f"prime-{n:02}", role=Partner.Role.PRIME, areas={area: 1.0})
        make_partner(f"supplier-{n:02}", role=Partner.Role.SUPPLIER, areas={area: 1.0})
        make_partner(f"startup-{n:02}", role=Partner.Role.STARTUP, areas={area: 1.0})
    first = anon_client.get("/partners/", {"role": ["prime", "supplier"]})
    assert first.context["paginator"].count == 60
    link = next_link(first)
    assert "role=prime" in link and "role=supplier" in link
    second = anon_client.get("/partners/" + link)
    assert second.context["paginator"].count == 60
    assert {partner.role for partner in second.context["object_list"]} <= {"prime", "supplier"}


def test_the_firms_listing_pages_keep_the_consultants_search(consultant_client, db):
    for n in range(55):
        CompanyFactory(slug=f"drone-{n:02}", name=f"Drone maker {n:02}", size=Company.Size.SME)
    CompanyFactory(slug="radar", name="Radar maker", size=Company.Size.LARGE)
    first = consultant_client.get("/companies/", {"size": "sme"})
    link = next_link(first)
    assert "size=sme" in link
    second = consultant_client.get("/companies/" + link)
    assert second.context["paginator"].count == 55
