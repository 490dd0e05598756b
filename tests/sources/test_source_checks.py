"""check_sources against pages served locally: what counts as a change, failures, redirects, PDFs."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from programmes.models import Source
from sources.models import SourceChange, SourceFetch, SourceWatch
from sources.services import source_check, sources_check
from tests.factories import OpportunityFactory
from tests.sources.conftest import Page, html


@pytest.fixture
def record(db):
    return OpportunityFactory(slug="expo", title="Expo", with_source=False)


def watch_for(site, record, path: str = "/page") -> SourceWatch:
    source = Source.objects.create(opportunity=record, url=site.url(path), publisher="Organiser")
    return SourceWatch.objects.create(source=source)


def check(watch: SourceWatch) -> SourceFetch:
    watch.refresh_from_db()
    return source_check(watch=watch)


def test_a_changed_page_is_stored_with_old_and_new_text_and_a_line_diff(site, record):
    site.pages["/page"] = Page(body=html("<p>Applications close 30 January 2027.</p><p>Venue: Tokyo</p>"))
    watch = watch_for(site, record)
    assert check(watch).outcome == "first"
    site.pages["/page"] = Page(body=html("<p>Applications close 13 February 2027.</p><p>Venue: Tokyo</p>"))
    fetch = check(watch)
    assert fetch.outcome == "changed" and fetch.status == 200
    change = SourceChange.objects.get()
    assert change.status == "open" and "30 January" in change.old_text and "13 February" in change.new_text
    assert change.diff_lines() == (["Applications close 30 January 2027."], ["Applications close 13 February 2027."])


def test_a_new_footer_date_whitespace_scripts_and_session_tokens_are_not_a_change(site, record):
    site.pages["/page"] = Page(body=html("<p>Calls open in March.</p><p>Ref: jsessionid=ABC123</p>"))
    watch = watch_for(site, record)
    check(watch)
    site.pages["/page"] = Page(
        body=html("<p>Calls   open in\n March.</p>\n<p>Ref: jsessionid=ZZZ999</p>", footer="Last updated 2 Dec 2026")
    )
    assert check(watch).outcome == "unchanged"
    assert not SourceChange.objects.exists()


def test_a_304_answer_is_not_modified_and_keeps_the_text(site, record):
    site.pages["/page"] = Page(body=html("<p>Same.</p>"), etag='"v1"')
    watch = watch_for(site, record)
    check(watch)
    fetch = check(watch)
    assert fetch.outcome == "not_modified" and fetch.status == 304
    assert site.state.hits[-1][1]["If-None-Match"] == '"v1"'
    watch.refresh_from_db()
    assert "Same." in watch.text and watch.state == "ok"


def test_three_failures_in_a_row_make_a_source_unreachable_and_a_success_recovers_it(site, record):
    watch = watch_for(site, record, "/gone")
    assert [check(watch).outcome for _ in range(2)] == ["failed", "failed"]
    watch.refresh_from_db()
    assert watch.state == "failing" and watch.failures == 2 and "404" in watch.last_error
    check(watch)
    watch.refresh_from_db()
    assert watch.state == "unreachable" and SourceWatch.objects.unreachable().get() == watch
    page = OpportunityFactory._meta.model.objects.get(slug="expo")
    assert page.sources.get().watch.state == "unreachable"
    site.pages["/gone"] = Page(body=html("<p>Back.</p>"))
    assert check(watch).outcome == "first"
    watch.refresh_from_db()
    assert watch.state == "ok" and watch.failures == 0


def test_a_slow_server_counts_as_a_failure(site, record, settings):
    settings.SOURCES_TIMEOUT_SECONDS = 1
    site.pages["/page"] = Page(body=html("<p>late</p>"), delay=2.5)
    fetch = check(watch_for(site, record))
    assert fetch.outcome == "failed" and fetch.error.startswith("timeout")


def test_a_redirect_is_shown_for_review_once_and_never_followed(site, record):
    site.pages["/page"] = Page(status=301, location="/moved")
    site.pages["/moved"] = Page(body=html("<p>new home</p>"))
    watch = watch_for(site, record)
    assert check(watch).outcome == "redirect"
    check(watch)
    change = SourceChange.objects.get()
    assert change.kind == "redirect" and change.redirect_to == site.url("/moved")
    watch.refresh_from_db()
    assert watch.state == "redirected" and not watch.text
    assert "/moved" not in [path for path, _ in site.state.hits]


def test_a_50_mb_page_is_refused_by_the_cap(site, record, settings):
    settings.SOURCES_MAX_BYTES = 5 * 1024 * 1024
    site.pages["/page"] = Page(chunks=50)
    fetch = check(watch_for(site, record))
    assert fetch.outcome == "failed" and fetch.error.startswith("too_large")


def pdf(text: str) -> bytes:
    """A one-page PDF showing TEXT, with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer << /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def test_a_pdf_is_read_as_text_and_its_change_found(site, record):
    site.pages["/call.pdf"] = Page(body=pdf("Budget JPY 10 billion"), content_type="application/pdf")
    watch = watch_for(site, record, "/call.pdf")
    check(watch)
    watch.refresh_from_db()
    assert "Budget JPY 10 billion" in watch.text
    site.pages["/call.pdf"] = Page(body=pdf("Budget JPY 12 billion"), content_type="application/pdf")
    assert check(watch).outcome == "changed"
    assert SourceChange.objects.get().diff_lines() == (["Budget JPY 10 billion"], ["Budget JPY 12 billion"])


def test_check_sources_fetches_due_sources_only_and_one_source_on_demand(site, record):
    site.pages["/page"] = Page(body=html("<p>One.</p>"))
    source = Source.objects.create(opportunity=record, url=site.url("/page"), publisher="Organiser")
    out = io.StringIO()
    call_command("check_sources", "--sync", stdout=out)
    assert out.getvalue().startswith("1 first")
    watch = SourceWatch.objects.get(source=source)
    assert watch.interval_days == 7 and watch.next_check_at > timezone.now() + datetime.timedelta(days=6)
    assert sources_check().counts == {}  # nothing due until next week
    out = io.StringIO()
    call_command("check_sources", "--sync", "--source", str(source.pk), stdout=out)
    assert out.getvalue().startswith("1 unchanged")
    with pytest.raises(CommandError, match="No source with id 999999"):
        call_command("check_sources", "--sync", "--source", "999999")


def test_a_refused_page_is_not_kept_alive_by_its_error(site, record, settings):
    """Errors wait in memory until their batch is written; they must not hold the partial page (bench/sources.py)."""
    from sources.services import _fetch

    settings.SOURCES_MAX_BYTES = 1024 * 1024
    site.pages["/page"] = Page(chunks=5)
    error = _fetch(watch_for(site, record))
    assert error.kind == "too_large" and error.__traceback__ is None


def test_a_source_whose_address_was_edited_is_read_afresh_not_reported_as_all_changed(site, record):
    site.pages["/old"] = Page(body=html("<p>Applications close 30 January 2027.</p>"), etag='"v1"')
    site.pages["/new"] = Page(body=html("<p>The 2027 call: see the guidance notes.</p>"), etag='"v1"')
    watch = watch_for(site, record, "/old")
    assert check(watch).outcome == "first"
    Source.objects.filter(pk=watch.source_id).update(url=site.url("/new"))  # the consultant follows the page

    fetch = check(watch)  # the old page's ETag is not sent: the new server would answer 304 to it

    assert (fetch.outcome, fetch.status) == ("first", 200)
    assert not SourceChange.objects.exists()
    watch.refresh_from_db()
    assert "guidance notes" in watch.text and watch.url == site.url("/new")
    site.pages["/new"] = Page(body=html("<p>The 2027 call: applications close 13 February 2027.</p>"), etag='"v2"')
    assert check(watch).outcome == "changed"
    assert "guidance notes" in SourceChange.objects.get().old_text
