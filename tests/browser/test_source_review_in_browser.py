"""A consultant reviews a changed source end to end in a real browser: index counts, queue, side by side, answer."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from programmes.models import Opportunity, Source
from sources.models import SourceChange, SourceWatch
from sources.services import source_check
from tests.browser.test_portal_in_browser import sign_in
from tests.factories import ConsultantFactory, OpportunityFactory
from tests.sources.conftest import Page, html, site  # noqa: F401 (the local pages fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def changed_source(site):  # noqa: F811
    ConsultantFactory(username="consultant")
    record = OpportunityFactory(
        slug="award-call",
        title="Start-up award call",
        kind=Opportunity.Kind.CALL,
        closes_on=timezone.localdate() + datetime.timedelta(days=30),
        last_verified_on=datetime.date(2026, 1, 1),
        with_source=False,
    )
    source = Source.objects.create(opportunity=record, url=site.url("/award"), publisher="ATLA")
    watch = SourceWatch.objects.create(source=source)
    site.pages["/award"] = Page(body=html("<p>Entries close on 23 January.</p>"))
    source_check(watch=watch)
    site.pages["/award"] = Page(body=html("<p>Entries close on 6 February.</p>"))
    watch.refresh_from_db()
    source_check(watch=watch)
    return SourceChange.objects.get()


@pytest.fixture
def admin_page(browser, live_server):
    """A browser context without the portal pages' console check: Django's admin asks for /favicon.ico (404)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=live_server.url)
    yield context.new_page()
    context.close()


def test_a_consultant_reviews_a_changed_source_from_the_queue(admin_page, changed_source):
    page = admin_page
    sign_in(page, "consultant")
    page.goto("/admin/")
    counts = page.locator("#source-queue-counts")
    expect(counts.get_by_role("row", name="Open source changes")).to_contain_text("1")
    counts.get_by_role("link", name="Source queue").click()
    expect(page.get_by_role("heading", name="Open source changes")).to_be_visible()
    page.locator("#open-changes").get_by_role("link", name="Start-up award call").click()

    expect(page.get_by_text("Entries close on 23 January.")).to_be_visible()
    expect(page.get_by_text("Entries close on 6 February.")).to_be_visible()
    page.get_by_placeholder("note").fill("Date checked on the ATLA page")
    page.get_by_role("button", name="no change needed").click()
    expect(page.get_by_text("Reviewed: no change needed.")).to_be_visible()

    changed_source.refresh_from_db()
    record = Opportunity.objects.get(slug="award-call")
    assert changed_source.status == "no_change" and changed_source.review_note == "Date checked on the ATLA page"
    assert record.last_verified_on == timezone.localdate()
    assert "reviewed (no change needed)" in record.history.first().history_change_reason
    page.get_by_role("link", name="history", exact=True).click()
    expect(page.get_by_text("reviewed (no change needed)").first).to_be_visible()
