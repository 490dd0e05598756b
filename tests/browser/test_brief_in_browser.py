"""An event brief in a real browser, in English and Japanese, and as print media (clean A4 pages, no navigation)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.factories import CompanyFactory, MembershipFactory, UserFactory
from tests.web.conftest import build_brief_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "brief-print.png"
A4_WIDTH_PX = 794  # 210 mm at 96 px per inch


@pytest.fixture
def alice_with_a_brief():
    firm_a = CompanyFactory(slug="firm-a", name="Firm A", country="AU")
    firm_b = CompanyFactory(slug="firm-b", name="Firm B", country="US")
    MembershipFactory(user=UserFactory(username="alice"), company=firm_a)
    return build_brief_world(firm_a, firm_b)


def _sign_in(page) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as alice")).to_be_visible()


def test_the_brief_opens_from_the_event_page_in_english(page, alice_with_a_brief):
    _sign_in(page)
    page.goto("/opportunities/maritime-expo-2027/")
    page.get_by_role("link", name=re.compile("Event brief for Firm A")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Maritime Expo 2027")
    expect(page.locator("#opportunities-heading + p + table tbody tr").first).to_contain_text("USV call")
    partners = page.locator(".brief-partner")
    expect(partners).to_have_count(1)
    expect(partners.first).to_contain_text("Works in the same areas as your firm: Uncrewed surface vessels.")
    chart = page.get_by_role("img", name="The event's weight for each area beside your best score in it")
    expect(chart).to_be_visible()
    expect(page.get_by_role("link", name="Add the event to your calendar (.ics)")).to_have_attribute(
        "href", "/my/briefs/maritime-expo-2027/event.ics"
    )


def test_the_brief_in_japanese_prints_as_clean_a4_pages(page, alice_with_a_brief):
    _sign_in(page)
    page.goto("/ja/my/briefs/maritime-expo-2027/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("heading", level=1)).to_have_text("海洋博2027")
    expect(page.get_by_role("heading", name="会うべきパートナー")).to_be_visible()
    expect(page.locator(".brief-partner").first).to_contain_text("貴社と同じ分野で事業を行っています：無人水上艇。")

    page.goto("/my/briefs/maritime-expo-2027/")  # the screenshot in English, for the README
    page.set_viewport_size({"width": A4_WIDTH_PX, "height": 1123})
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.get_by_role("heading", name="Partners to meet")).to_be_visible()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)

    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    first = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
    assert pages >= 3  # a page break before partners and before gaps
    assert (round(float(first[1])), round(float(first[2]))) == (595, 842)  # A4 in points
