"""The workspace in a real browser: moving a pipeline card by dragging it, and dismissing a match then undoing it."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_portal_in_browser import alice_with_matches, records, sign_in  # noqa: F401
from workspace.models import PipelineEntry

pytestmark = pytest.mark.browser


def test_pursue_a_match_then_drag_its_card_to_submitted(page, alice_with_matches):  # noqa: F811
    sign_in(page)
    page.goto("/my/matches/")
    page.locator("article.match-card").filter(has_text="High-power laser call").get_by_role(
        "button", name="Pursue"
    ).click()
    expect(page.get_by_text("In pipeline: Pursuing")).to_be_visible()

    page.goto("/workspace/firm-a/pipeline/")
    card = page.locator("[data-card]").filter(has_text="High-power laser call")
    expect(page.locator("[data-stage=pursuing]").locator("[data-card]")).to_have_count(1)
    card.drag_to(page.locator("[data-stage=submitted]"))

    expect(page.locator("[data-stage=submitted]").locator("[data-card]")).to_have_count(1)
    expect(page.locator("[data-stage=submitted] .count")).to_have_text("(1)")
    entry = PipelineEntry.objects.get(company__slug="firm-a")
    assert entry.stage == "submitted"
    page.reload()
    expect(page.locator("[data-stage=submitted]").locator("[data-card]")).to_have_count(1)


def test_dismiss_a_match_and_undo_it(page, alice_with_matches):  # noqa: F811
    sign_in(page)
    page.goto("/my/matches/")
    cards = page.locator("article.match-card")
    shown = cards.count()
    card = cards.filter(has_text="Cyber defence call")
    card.get_by_text("Not relevant").click()
    card.get_by_label("Why?").select_option("too_early")  # wrong_technology would also rescore the firm
    card.get_by_label("Note (optional)").fill("Not before 2028")
    card.get_by_role("button", name="Hide this match").click()

    expect(page.get_by_text("is hidden from your matches")).to_be_visible()
    expect(cards).to_have_count(shown - 1)
    expect(cards.filter(has_text="Cyber defence call")).to_have_count(0)

    page.get_by_label("Show dismissed").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(cards).to_have_count(shown)
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text("is back in your matches")).to_be_visible()
    page.goto("/my/matches/")
    expect(cards).to_have_count(shown)
