"""What a consultant meets working redirects, unreachable sources and "Check now" in the admin, in both languages."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from programmes.models import Opportunity, Source
from sources.models import SourceChange, SourceFetch, SourceWatch
from sources.services import source_change_review, source_check
from tests.factories import OpportunityFactory
from tests.sources.conftest import Page, html

WATCHES = "/admin/sources/sourcewatch/"
# Official pages' addresses run long: the history row's reason (100 characters) once lost the answer behind one.
LONG_PATH = "/hakusho_data/2023/html/n230205000-the-seven-key-capability-fields-of-the-national-defense-strategy.html"


@pytest.fixture
def record(db):
    return OpportunityFactory(
        slug="stand-off", title="Stand-off defence", title_ja="スタンド・オフ防衛能力", with_source=False
    )


def watched(site, record, path: str = "/page") -> SourceWatch:
    source = Source.objects.create(opportunity=record, url=site.url(path), publisher="MOD")
    return SourceWatch.objects.create(source=source)


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def redirect(site, record) -> SourceChange:
    """A source whose page was read once, then moved: one open redirect change."""
    site.pages["/page"] = Page(body=html("<p>Stand-off missiles by FY2027.</p>"))
    watch = watched(site, record)
    source_check(watch=watch)
    site.pages["/page"] = Page(status=301, location="/moved")
    watch.refresh_from_db()
    source_check(watch=watch)
    return SourceChange.objects.get(kind=SourceChange.Kind.REDIRECT)


def test_a_redirect_offers_no_ignore_answer_and_ignoring_it_keeps_the_text_the_next_check_compares_with(
    redirect, consultant, consultant_client
):
    with pytest.raises(ValidationError) as refused:
        source_change_review(change=redirect, action="ignored", by=consultant)
    page = consultant_client.get(f"/ja/admin/sources/sourcechange/{redirect.pk}/change/").content.decode()
    posted = consultant_client.post(f"/ja/admin/sources/sourcechange/{redirect.pk}/review/ignored/")

    assert page.count('name="review"') == 2 and "ページのこの部分を無視する" not in page
    assert "redirect has no lines to ignore" in refused.value.message_dict["action"][0]
    assert said(posted)[0].startswith("転送には無視する行がありません")
    redirect.refresh_from_db()
    redirect.watch.refresh_from_db()
    assert redirect.status == "open"
    assert redirect.watch.text == "Stand-off missiles by FY2027."  # was wiped to "" by the old "ignore"


def test_the_review_row_in_the_history_names_the_answer_behind_a_long_address_and_reads_japanese(
    site, record, consultant, consultant_client
):
    record.status = Opportunity.Status.PUBLISHED
    record.save()
    site.pages[LONG_PATH] = Page(body=html("<p>Closes 30 January.</p>"))
    watch = watched(site, record, LONG_PATH)
    source_check(watch=watch)
    site.pages[LONG_PATH] = Page(body=html("<p>Closes 13 February.</p>"))
    watch.refresh_from_db()
    source_check(watch=watch)
    change = SourceChange.objects.get()

    source_change_review(change=change, action="no_change", by=consultant, note="organiser confirmed")

    reason = record.history.first().history_change_reason
    assert reason.startswith(f"Source change reviewed (no change needed): #{change.pk}; organiser confirmed; http")
    assert len(reason) <= 100
    for page in ("/ja/opportunities/stand-off/", f"/ja/admin/programmes/opportunity/{record.pk}/history/"):
        japanese = consultant_client.get(page).content.decode()  # consultants read the reasons
        assert f"出典の変更を確認（変更不要）：#{change.pk}; organiser confirmed" in japanese
        assert "reviewed (no change needed)" not in japanese


def test_watch_again_leaves_an_unreachable_source_unreachable_and_says_so(site, record, consultant_client):
    watch = watched(site, record)
    watch.state, watch.failures = SourceWatch.State.UNREACHABLE, 3
    watch.save()

    response = consultant_client.post(WATCHES, {"action": "watch_again", "_selected_action": [watch.pk]})

    watch.refresh_from_db()
    assert (watch.state, watch.failures) == ("unreachable", 3)  # was "ok": off the queue without one success
    assert said(response) == [f"{watch.source.url} is not redirected (Unreachable): it is left as it is."]


def test_watch_again_puts_a_redirected_source_back_to_watching(redirect, consultant_client):
    response = consultant_client.post(WATCHES, {"action": "watch_again", "_selected_action": [redirect.watch_id]})

    redirect.watch.refresh_from_db()
    assert redirect.watch.state == "ok" and said(response) == ["Watching again: 1 source(s)."]


def test_check_now_says_what_came_of_it_in_the_readers_language(site, record, consultant_client):
    site.pages["/page"] = Page(body=html("<p>One.</p>"))
    watch = watched(site, record)
    missing = watched(site, record, "/gone")

    english = consultant_client.post(WATCHES, {"action": "check_now", "_selected_action": [watch.pk, missing.pk]})
    japanese = consultant_client.post(f"/ja{WATCHES}", {"action": "check_now", "_selected_action": [watch.pk]})

    assert said(english) == ["Failed: 1, First text kept: 1."]  # was "1 failed; 1 first"
    assert said(japanese)[-1] == "変更なし：1。"  # after the English page's message, still stored


def test_the_japanese_queue_names_records_by_their_japanese_title(redirect, consultant_client):
    body = consultant_client.get("/ja/admin/sources/sourcechange/queue/").content.decode()

    assert ">スタンド・オフ防衛能力</a>" in body and "Stand-off defence" not in body


def test_check_sources_refuses_a_limit_under_one_instead_of_checking_every_source(site, record):
    site.pages["/page"] = Page(body=html("<p>One.</p>"))
    watched(site, record)

    for limit in ("0", "-1"):
        with pytest.raises(CommandError, match="--limit: .*1 or more"):
            call_command("check_sources", "--sync", "--limit", limit)

    assert SourceFetch.objects.count() == 0 and site.state.hits == []


def test_a_long_review_note_is_kept_whole_up_to_the_500_characters_the_change_holds(redirect, consultant_client):
    note = "Organiser confirmed by telephone. " * 12  # 408 characters: the page once cut it at 200
    consultant_client.post(f"/admin/sources/sourcechange/{redirect.pk}/review/no_change/", {"review_note": note})

    redirect.refresh_from_db()
    assert redirect.review_note == note.strip()  # a longer one is refused, never cut (test_source_reviews.py)


def test_a_500_character_note_typed_over_several_lines_is_kept_whole(redirect, consultant_client):
    # The note box counts a line break as one character, as browsers do; they send it as CRLF, two.
    lines = ["Organiser confirmed by telephone; the page moved to the ministry's new site."] * 6
    note = "\n".join(lines)
    note += "x" * (500 - len(note))  # 500 characters as the box counts them, 505 as sent

    consultant_client.post(
        f"/admin/sources/sourcechange/{redirect.pk}/review/no_change/", {"review_note": note.replace("\n", "\r\n")}
    )

    redirect.refresh_from_db()
    assert redirect.review_note == note


def test_a_note_longer_than_the_change_holds_is_refused_and_the_change_stays_open(redirect, consultant_client):
    url = f"/ja/admin/sources/sourcechange/{redirect.pk}/review/no_change/"

    page = consultant_client.post(url, {"review_note": "x" * 501}, follow=True).content.decode()

    redirect.refresh_from_db()
    assert redirect.status == SourceChange.Status.OPEN and redirect.review_note == ""
    assert "メモは500文字までです（入力は501文字）。" in page


def test_an_interval_of_0_days_is_refused_on_its_field_and_a_shorter_one_brings_the_next_check_forward(
    site, record, consultant_client
):
    site.pages["/page"] = Page(body=html("<p>One.</p>"))
    watch = watched(site, record)
    source_check(watch=watch)  # reachable: next check in 7 days
    url = f"/ja{WATCHES}{watch.pk}/change/"
    fetch = watch.fetches.get()
    form = {"fetches-TOTAL_FORMS": "1", "fetches-INITIAL_FORMS": "1", "fetches-MIN_NUM_FORMS": "0",
            "fetches-MAX_NUM_FORMS": "0", "fetches-0-id": fetch.pk, "fetches-0-watch": watch.pk}  # fmt: skip

    refused = consultant_client.post(url, {**form, "interval_days": "0"})
    saved = consultant_client.post(url, {**form, "interval_days": "1"})

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {"interval_days": ["この値は 1 以上でなければなりません。"]}
    assert saved.status_code == 302
    watch.refresh_from_db()
    assert watch.interval_days == 1
    assert watch.next_check_at == watch.last_checked_at + datetime.timedelta(days=1)  # was still 7 days away


@pytest.mark.parametrize("days", ["366", "3000000"])
def test_an_interval_longer_than_a_year_is_refused_on_its_field_and_the_watch_keeps_its_own(
    site, record, consultant_client, days
):
    site.pages["/page"] = Page(body=html("<p>One.</p>"))
    watch = watched(site, record)
    source_check(watch=watch)
    fetch = watch.fetches.get()
    form = {"fetches-TOTAL_FORMS": "1", "fetches-INITIAL_FORMS": "1", "fetches-MIN_NUM_FORMS": "0",
            "fetches-MAX_NUM_FORMS": "0", "fetches-0-id": fetch.pk, "fetches-0-watch": watch.pk}  # fmt: skip

    refused = consultant_client.post(f"{WATCHES}{watch.pk}/change/", {**form, "interval_days": days})

    assert refused.status_code == 200
    assert refused.context["adminform"].form.errors == {
        "interval_days": ["Ensure this value is less than or equal to 365."]
    }
    watch.refresh_from_db()
    assert watch.interval_days == 7


def test_consultants_cannot_delete_a_watched_source_or_its_fetches(site, record, consultant_client):
    site.pages["/page"] = Page(body=html("<p>One.</p>"))
    watch = watched(site, record)
    source_check(watch=watch)

    listing = consultant_client.get(WATCHES).content.decode()
    page = consultant_client.get(f"{WATCHES}{watch.pk}/change/").content.decode()
    deleted = consultant_client.post(f"{WATCHES}{watch.pk}/delete/", {"post": "yes"})

    assert 'value="delete_selected"' not in listing
    assert "fetches-0-DELETE" not in page
    assert deleted.status_code == 403 and SourceWatch.objects.filter(pk=watch.pk).exists()


def test_the_list_action_refuses_to_ignore_a_redirect_in_the_readers_language(redirect, consultant_client):
    response = consultant_client.post(
        "/ja/admin/sources/sourcechange/", {"action": "review_ignored", "_selected_action": [redirect.pk]}
    )

    [message] = said(response)
    assert "：転送には無視する行がありません" in message and "action" not in message
    redirect.refresh_from_db()
    assert redirect.status == "open"


def test_a_consultant_in_tokyo_after_midnight_sees_fetches_and_changes_labelled_with_the_day_shown_beside_them(
    record, consultant_client
):
    # 02:05 on 6 December in Tokyo is still 5 December in UTC.
    at = datetime.datetime(2026, 12, 5, 17, 5, tzinfo=datetime.UTC)
    source = Source.objects.create(opportunity=record, url="https://www.mod.go.jp/page", publisher="MOD")
    watch = SourceWatch.objects.create(source=source)
    SourceFetch.objects.create(watch=watch, fetched_at=at, status=200, outcome=SourceFetch.Outcome.CHANGED)
    change = SourceChange.objects.create(watch=watch, detected_at=at, old_text="a", new_text="b")

    watch_page = consultant_client.get(f"{WATCHES}{watch.pk}/change/").content.decode()
    change_page = consultant_client.get(f"/admin/sources/sourcechange/{change.pk}/change/").content.decode()
    japanese = consultant_client.get(f"/ja/admin/sources/sourcewatch/{watch.pk}/change/").content.decode()

    assert "https://www.mod.go.jp/page 2026-12-06 02:05 Changed" in watch_page
    assert "6 December 2026, 2:05" in watch_page  # the fetch's own "Fetched at"
    assert "https://www.mod.go.jp/page (Text changed, 2026-12-06)" in change_page
    assert "2026-12-05" not in watch_page + change_page
    assert "https://www.mod.go.jp/page 2026-12-06 02:05 変更あり" in japanese
