"""The portal in a real browser: browsing and filtering, signing in, my matches, profile edit, Japanese."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from programmes.models import Opportunity
from tests.conftest import PASSWORD
from tests.factories import (
    LASER_CALL_COMPONENTS,
    CallFactory,
    CertificationFactory,
    CompanyFactory,
    EventFactory,
    MatchFactory,
    MembershipFactory,
    OpportunityFactory,
    OrganisationFactory,
    TechnologyAreaFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def records():
    laser_area = TechnologyAreaFactory(slug="directed-energy", name="Directed energy", name_ja="指向性エネルギー")
    cyber_area = TechnologyAreaFactory(slug="cyber", name="Cyber", name_ja="サイバー")
    atla = OrganisationFactory(
        slug="atla", name="Acquisition, Technology & Logistics Agency", acronym="ATLA", name_ja="防衛装備庁"
    )
    laser = CallFactory(
        slug="laser-call",
        title="High-power laser call",
        title_ja="高出力レーザー公募",
        summary="Beam directors and high-power laser weapons.",
        closes_on=_days(12),
        areas=[laser_area],
    )
    laser.organisations.add(atla)
    cyber = CallFactory(
        slug="cyber-call",
        title="Cyber defence call",
        summary="Security operations tooling.",
        closes_on=_days(40),
        areas=[cyber_area],
    )
    EventFactory(
        slug="dsei-japan", title="DSEI Japan", summary="Defence exhibition.", starts_on=_days(20), ends_on=_days(22)
    )
    OpportunityFactory(
        slug="startup-hub", kind=Opportunity.Kind.HUB, title="Start-up hub", summary="A standing hub for start-ups."
    )
    return {"laser": laser, "cyber": cyber}


@pytest.fixture
def alice_with_matches(records):
    firm = CompanyFactory(slug="firm-a", name="Firm A", description="Beam directors for counter-drone lasers.")
    alice = UserFactory(username="alice")
    MembershipFactory(user=alice, company=firm)
    CertificationFactory(code="as9100d", name="AS9100D")
    CertificationFactory(code="jis-q-9100", name="JIS Q 9100")
    MatchFactory(
        company=firm,
        opportunity=records["laser"],
        score=81.5,
        components=LASER_CALL_COMPONENTS,
        reasons=[
            {"code": "ticked", "params": {"area": "directed-energy"}},
            {"code": "keywords", "params": {"area": "directed-energy", "terms": ["beam director"]}},
        ],
        gaps=[{"code": "certifications_missing", "params": {"certifications": ["as9100d", "jis-q-9100"]}}],
    )
    MatchFactory(company=firm, opportunity=records["cyber"], score=21.0)
    return alice


def sign_in(page, username: str = "alice") -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_text(f"Signed in as {username}")).to_be_visible()


def test_anonymous_visitor_searches_filters_and_opens_a_record(page, records):
    page.goto("/")
    expect(page.get_by_role("heading", name="Upcoming deadlines")).to_be_visible()
    page.get_by_label("Search opportunities").fill("laser")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"/opportunities/\?q=laser"))
    expect(page.locator("mark").first).to_have_text("laser")
    expect(page.get_by_role("heading", name="1 opportunity")).to_be_visible()

    page.goto("/opportunities/")
    page.get_by_role("group", name="Kind").get_by_label("Event").check()
    page.get_by_role("button", name="Apply filters").click()
    results = page.locator(".results h3")
    expect(results).to_have_count(1)
    expect(results.first).to_have_text("DSEI Japan")
    page.get_by_role("link", name="Remove filter Kind: Event").click()
    expect(page.locator(".results h3")).to_have_count(4)

    page.get_by_role("link", name="High-power laser call").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("High-power laser call")
    expect(page.get_by_role("heading", name="Who can take part")).to_be_visible()


def test_keyboard_users_reach_the_skip_link_first(page, records):
    page.goto("/opportunities/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused.strip() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_staff_sign_in_and_see_the_breakdown_of_their_matches(page, alice_with_matches):
    sign_in(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My matches").click()
    expect(page.get_by_role("heading", name="My matches", level=1)).to_be_visible()
    first = page.locator("article.match-card").first
    expect(first.get_by_role("heading", level=3)).to_have_text("High-power laser call")
    bar = first.get_by_role("img", name="Score 81.5 out of 100, drawn as its parts")
    expect(bar).to_be_visible()
    capability = first.locator("rect.seg-capability")
    box = capability.bounding_box()
    whole = bar.bounding_box()
    assert box is not None and whole is not None
    assert abs(box["width"] / whole["width"] - 0.45) < 0.02  # the segment is drawn at its contribution
    expect(first.get_by_text("Capability", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Gap plan")).to_be_visible()
    expect(page.get_by_role("cell", name="Obtain AS9100D or JIS Q 9100")).to_be_visible()

    page.goto("/opportunities/?ordering=fit")
    expect(page.locator(".score-number").first).to_have_text("82")


def test_staff_edit_their_firms_profile(page, alice_with_matches):
    sign_in(page)
    page.goto("/companies/firm-a/edit/")
    description = page.get_by_label("Description")
    description.fill("Beam directors and adaptive optics for counter-drone high-energy lasers.")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("The profile of Firm A was saved.")).to_be_visible()
    expect(page.get_by_text("adaptive optics for counter-drone")).to_be_visible()


def test_switching_to_japanese_and_back(page, records):
    page.goto("/opportunities/?kind=call")
    page.get_by_label("Language").select_option("ja")
    page.get_by_role("button", name="Switch").click()
    expect(page).to_have_url(re.compile(r"/ja/opportunities/\?kind=call$"))
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", name="案件", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="高出力レーザー公募")).to_be_visible()
    page.get_by_label("言語").select_option("en")
    page.get_by_role("button", name="切り替え").click()
    expect(page).to_have_url(re.compile(r"/opportunities/\?kind=call$"))
    expect(page.get_by_role("heading", name="Opportunities", level=1)).to_be_visible()


def test_the_viewers_offset_from_japan_time_is_noted(browser, live_server, records):
    context = browser.new_context(timezone_id="Australia/Sydney", base_url=live_server.url)
    page = context.new_page()
    page.goto("/opportunities/")
    note = page.locator("[data-viewer-offset]")
    expect(note).to_be_visible()
    expect(note).to_contain_text("UTC+1")
    expect(note).to_contain_text("from Japan time")
    context.close()
