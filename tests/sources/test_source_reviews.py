"""Consultants review changes in the admin and the API shows them to consultants only (issue #13)."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from programmes.models import Opportunity, Source
from sources.models import SourceChange, SourceWatch
from sources.services import source_change_review, source_check
from tests.factories import OpportunityFactory
from tests.sources.conftest import Page, html

API = "/api/v1/source-changes/"


@pytest.fixture
def changed(db, site):
    """A record whose source page changed its closing date: one open change."""
    record = OpportunityFactory(
        slug="expo",
        title="Expo",
        kind=Opportunity.Kind.CALL,
        closes_on=timezone.localdate() + datetime.timedelta(days=40),
        last_verified_on=datetime.date(2026, 1, 1),
        with_source=False,
    )
    source = Source.objects.create(opportunity=record, url=site.url("/page"), publisher="Organiser")
    watch = SourceWatch.objects.create(source=source)
    site.pages["/page"] = Page(body=html("<p>Closes 30 January.</p><p>Promo banner A</p>"))
    source_check(watch=watch)
    site.pages["/page"] = Page(body=html("<p>Closes 13 February.</p><p>Promo banner B</p>"))
    watch.refresh_from_db()
    source_check(watch=watch)
    return SourceChange.objects.get()


def test_no_change_needed_marks_the_record_verified_today_with_a_history_row(changed, consultant):
    source_change_review(change=changed, action="no_change", by=consultant, note="Date already right")
    changed.refresh_from_db()
    record = Opportunity.objects.get(slug="expo")
    assert changed.status == "no_change" and changed.reviewed_by == consultant
    assert record.last_verified_on == timezone.localdate() and record.last_verified_by == consultant
    latest = record.history.first()
    assert changed.record_history_id == latest.history_id
    assert latest.history_change_reason.startswith(f"Source change reviewed (no change needed): #{changed.pk}")
    assert "Date already right" in latest.history_change_reason and latest.history_user == consultant


def test_updated_the_record_links_the_edit_in_the_history(changed, consultant):
    record = Opportunity.objects.get(slug="expo")
    record.closes_on = timezone.localdate() + datetime.timedelta(days=54)
    record.save()
    edit_id = record.history.first().history_id
    source_change_review(change=changed, action="updated", by=consultant)
    changed.refresh_from_db()
    history = list(record.history.all()[:2])
    assert history[1].history_id == edit_id and "updated the record" in history[0].history_change_reason
    assert changed.record_history_id == edit_id  # the change links the edit itself


def test_ignoring_a_part_of_the_page_keeps_it_from_counting_again(changed, consultant, site):
    source_change_review(change=changed, action="ignored", by=consultant)
    assert "ignore this part" in Opportunity.objects.get(slug="expo").history.first().history_change_reason
    site.pages["/page"] = Page(body=html("<p>Closes 13 February.</p><p>Promo banner A</p>"))
    watch = changed.watch
    watch.refresh_from_db()
    assert source_check(watch=watch).outcome == "unchanged"
    assert SourceChange.objects.open().count() == 0


def test_a_change_is_reviewed_once_and_the_action_is_named(changed, consultant):
    with pytest.raises(ValidationError) as error:
        source_change_review(change=changed, action="shrug", by=consultant)
    assert "action" in error.value.message_dict
    source_change_review(change=changed, action="no_change", by=consultant)
    with pytest.raises(ValidationError) as error:
        source_change_review(change=changed, action="updated", by=consultant)
    assert "already reviewed" in error.value.message_dict["status"][0]


def test_the_api_lists_changes_with_the_diff_for_consultants(changed, consultant_client):
    response = consultant_client.get(API, {"status": "open", "record": "expo"})
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["record"] == "expo" and row["status"] == "open" and row["kind"] == "text"
    assert row["source_url"].endswith("/page") and row["detected_at"]
    assert row["diff"]["removed"] == ["Closes 30 January.", "Promo banner A"]
    assert row["diff"]["added"] == ["Closes 13 February.", "Promo banner B"]
    assert consultant_client.get(API, {"status": "no_change"}).json()["results"] == []
    OpportunityFactory(slug="other")
    assert consultant_client.get(API, {"record": "other"}).json()["results"] == []


def test_a_record_filter_naming_no_record_is_a_400_naming_record_as_on_notices(changed, consultant_client):
    response = consultant_client.get(API, {"record": "nope"})
    notices = consultant_client.get("/api/v1/notices/", {"record": "nope"})

    assert (response.status_code, list(response.json())) == (400, ["record"])
    assert (notices.status_code, list(notices.json())) == (400, ["record"])
    assert consultant_client.get(API, {"status": "bogus"}).status_code == 400


def test_others_get_404_from_the_source_changes_api(changed, anon_client, alice_client):
    for client in (anon_client, alice_client):
        assert client.get(API).status_code == 404
        assert client.get(f"{API}{changed.pk}/").status_code == 404


def test_the_admin_shows_the_change_side_by_side_and_reviews_it(changed, consultant_client):
    page = consultant_client.get(f"/admin/sources/sourcechange/{changed.pk}/change/")
    body = page.content.decode().replace("&nbsp;", " ")  # the side-by-side table keeps spaces as &nbsp;
    assert page.status_code == 200
    assert "Closes 30 January." in body and "Closes 13 February." in body and "Expo" in body
    assert "no change needed" in body and "ignore this part of the page" in body
    response = consultant_client.post(
        f"/admin/sources/sourcechange/{changed.pk}/review/no_change/", {"review_note": "checked"}
    )
    assert response.status_code == 302
    changed.refresh_from_db()
    assert changed.status == "no_change" and changed.review_note == "checked"


def test_the_change_page_offers_only_the_review_answers_and_a_plain_save_keeps_the_note_and_says_nothing_changed(
    changed, consultant_client
):
    url = f"/admin/sources/sourcechange/{changed.pk}/change/"
    page = consultant_client.get(url).content.decode()

    posted = consultant_client.post(url, {"review_note": "Organiser confirmed <13 Feb>", "_save": "Save"})

    for button in ('name="_save"', 'name="_continue"', 'name="_addanother"'):
        assert button not in page
    assert page.count('name="review"') == 3
    assert '<textarea name="review_note"' in page  # Enter types a new line, never submits a review
    assert posted.status_code == 200
    said = [str(message) for message in get_messages(posted.wsgi_request)]
    assert said == [
        "Nothing was saved and the change is still open: a note is recorded with a review, so answer the change "
        "with one of the review buttons."
    ]
    assert "changed successfully" not in posted.content.decode()
    assert "Organiser confirmed &lt;13 Feb&gt;</textarea>" in posted.content.decode()  # the typing is kept
    changed.refresh_from_db()
    assert (changed.status, changed.review_note) == ("open", "")


def test_the_queue_lists_open_changes_soonest_deadline_first_with_counts_on_the_index(changed, consultant_client, site):
    later = OpportunityFactory(
        slug="later",
        title="Later call",
        kind=Opportunity.Kind.CALL,
        closes_on=timezone.localdate() + datetime.timedelta(days=300),
    )
    watch = SourceWatch.objects.create(source=later.sources.get())
    SourceChange.objects.create(watch=watch, old_text="a", new_text="b", diff="-a\n+b")
    body = consultant_client.get("/admin/sources/sourcechange/queue/").content.decode()
    assert body.index("Expo") < body.index("Later call")
    index = consultant_client.get("/admin/").content.decode()
    assert 'id="source-queue-counts"' in index and "Open source changes</th><td>2</td>" in index


def test_staff_of_a_firm_cannot_open_the_queue(changed, alice_client):
    response = alice_client.get("/admin/sources/sourcechange/queue/")
    assert response.status_code in (302, 403)
    assert "Closes 13 February" not in response.content.decode()


@pytest.mark.parametrize("after", [3, 5])
def test_an_unreachable_source_shows_its_record_as_stale_after_the_failures_the_site_counts(
    db, anon_client, settings, after
):
    settings.SOURCES_UNREACHABLE_AFTER = after
    record = OpportunityFactory(slug="quiet", title="Quiet hub", kind=Opportunity.Kind.HUB)
    SourceWatch.objects.create(source=record.sources.get(), state=SourceWatch.State.UNREACHABLE, failures=after)
    body = anon_client.get("/opportunities/quiet/").content.decode()
    japanese = anon_client.get("/ja/opportunities/quiet/").content.decode()
    assert "stale" in body and f"could not be reached {after} times in a row" in body
    assert f"この出典に{after}回続けて接続できませんでした" in japanese


def test_the_queue_says_a_published_record_never_verified_was_never_verified(db, consultant_client):
    OpportunityFactory(slug="fresh", title="Fresh call", status=Opportunity.Status.PUBLISHED, last_verified_on=None)
    english = consultant_client.get("/admin/sources/sourcechange/queue/").content.decode()
    japanese = consultant_client.get("/ja/admin/sources/sourcechange/queue/").content.decode()
    assert "Fresh call</a> (deadline -; never verified)" in english
    assert "未確認" in japanese.split("Fresh call")[1][:40]


def test_the_japanese_change_page_reviews_in_japanese_with_dates_as_the_site_writes_them(changed, consultant_client):
    record = changed.watch.source.opportunity
    record.title_ja, record.summary_ja = "エキスポ", "防衛装備の展示会。"
    record.save()
    url = f"/ja/admin/sources/sourcechange/{changed.pk}/change/"
    page = consultant_client.get(url).content.decode()
    assert "変更不要" in page and "記録を更新した" in page and "ページのこの部分を無視する" in page
    assert "no change needed" not in page and "ignore this part of the page" not in page
    assert ">エキスポ</a>" in page and '<span lang="ja">防衛装備の展示会。</span>' in page
    assert "最終確認：2026年1月1日" in page  # not 2026-01-01

    review = f"/ja/admin/sources/sourcechange/{changed.pk}/review/no_change/"
    reviewed = consultant_client.post(review, {"review_note": "主催者に確認済み"}, follow=True)
    said = [str(message) for message in reviewed.context["messages"]]
    assert said == ["確認済み：変更不要。"]
    changed.refresh_from_db()
    when = timezone.localtime(changed.reviewed_at)
    shown = f"変更不要（consultant, {when:%Y}年{when.month}月{when.day}日{when.hour}:{when:%M}）"  # 0:06 after midnight
    body = reviewed.content.decode()
    assert shown in body, body[body.find("変更不要（") - 40 : body.find("変更不要（") + 80]
    assert "+00:00" not in body and "メモ：主催者に確認済み" in body  # the note typed with the review is shown

    again = consultant_client.post(f"/ja/admin/sources/sourcechange/{changed.pk}/review/updated/", follow=True)
    assert [str(m) for m in again.context["messages"]] == ["この変更は確認済みです（変更不要）。"]


def test_the_english_change_page_dates_the_review_day_month_year(changed, consultant_client):
    consultant_client.post(f"/admin/sources/sourcechange/{changed.pk}/review/no_change/", {"review_note": "checked"})
    changed.refresh_from_db()
    when = timezone.localtime(changed.reviewed_at)

    page = consultant_client.get(f"/admin/sources/sourcechange/{changed.pk}/change/").content.decode()

    assert f"No change needed (consultant, {when.day} {when:%B %Y}, {when.hour}:{when:%M})" in page  # 0:06, 19:16
    assert "last verified: " + f"{timezone.localdate().day} {timezone.localdate():%B %Y}" in page
    assert "note: checked" in page


def test_a_review_note_over_500_characters_is_refused_on_its_field_and_nothing_is_reviewed(changed, consultant):
    record = changed.watch.source.opportunity
    rows = record.history.count()

    with pytest.raises(ValidationError) as refused:
        source_change_review(change=changed, action="no_change", by=consultant, note="x" * 501)

    assert refused.value.message_dict == {
        "review_note": ["The note may hold at most 500 characters; this one has 501."]
    }
    changed.refresh_from_db()
    record.refresh_from_db()
    assert (changed.status, changed.review_note, changed.reviewed_by) == ("open", "", None)
    assert record.history.count() == rows and record.last_verified_on == datetime.date(2026, 1, 1)


def test_a_review_note_of_500_characters_is_kept_whole(changed, consultant):
    source_change_review(change=changed, action="no_change", by=consultant, note="y" * 500)
    changed.refresh_from_db()
    assert changed.review_note == "y" * 500


def test_the_change_page_refuses_a_long_note_naming_it_and_shows_the_page_again_with_the_note_as_typed(
    changed, consultant_client
):
    typed = "Organiser confirmed <13 Feb>. " * 20  # 600 characters

    posted = consultant_client.post(
        f"/admin/sources/sourcechange/{changed.pk}/review/no_change/", {"review_note": typed}
    )

    assert posted.status_code == 200
    said = [str(message) for message in get_messages(posted.wsgi_request)]
    assert said == ["The note may hold at most 500 characters; this one has 599."]
    body = posted.content.decode()
    assert "Organiser confirmed &lt;13 Feb&gt;. " * 20 + "</textarea>" in body  # all of it, as typed
    assert 'name="review"' in body  # the answers are offered again
    changed.refresh_from_db()
    assert (changed.status, changed.review_note) == ("open", "")
    assert changed.watch.source.opportunity.last_verified_on == datetime.date(2026, 1, 1)


def test_the_note_box_sets_no_maxlength_with_which_a_browser_cuts_a_pasted_note_silently(changed, consultant_client):
    page = consultant_client.get(f"/admin/sources/sourcechange/{changed.pk}/change/").content.decode()
    box = page[page.index('<textarea name="review_note"') :]
    assert "maxlength" not in box[: box.index(">")]


def test_the_japanese_change_page_refuses_a_long_note_in_japanese(changed, consultant_client):
    posted = consultant_client.post(
        f"/ja/admin/sources/sourcechange/{changed.pk}/review/updated/", {"review_note": "確" * 501}
    )
    said = [str(message) for message in get_messages(posted.wsgi_request)]
    assert said == ["メモは500文字までです（入力は501文字）。"]
    assert "確" * 501 + "</textarea>" in posted.content.decode()
