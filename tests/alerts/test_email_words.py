"""What each digest item says, in English and Japanese: old -> new values, what moved a score, reminders."""

import datetime as dt

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from alerts.emails import email_build, item_lines
from notices.models import Notice
from portal.models import OutboxMessage
from tests.factories import TechnologyAreaFactory, UserFactory

MOVED = {
    "section": "matches", "kind": "match.moved", "title": "UUV call", "url": "/opportunities/uuv-call/",
    "old_score": 62.0, "new_score": 78.4, "moved": [{"code": "trl_met", "params": {"trl": 7, "min_trl": 6}}],
}  # fmt: skip
CHANGED = {
    "section": "followed", "kind": "opportunity.changed", "title": "UUV call", "url": "/opportunities/uuv-call/",
    "changes": {"closes_on": {"old": "2027-01-10", "new": "2027-01-20"}, "venue": {"old": "", "new": "Tokyo"}},
    "confirmed": True,
}  # fmt: skip


def test_a_moved_match_says_old_to_new_and_what_moved():
    assert item_lines(MOVED) == ["Your firm's score moved: 62 → 78: TRL 7 meets the minimum TRL 6"]
    with translation.override("ja"):
        (line,) = item_lines(MOVED)
    assert line.startswith("貴社のスコアが変わりました：62 → 78：") and "TRL" in line


def test_a_changed_record_lists_each_field_old_to_new():
    assert item_lines(CHANGED) == [
        "Closes on: 10 January 2027 → 20 January 2027",
        "Venue: — → Tokyo",
        "The expected dates are now confirmed.",
    ]


@pytest.mark.django_db
def test_changed_areas_countries_and_sizes_are_named_and_labelled_in_the_readers_language():
    TechnologyAreaFactory(slug="usv", name="Uncrewed surface vessels", name_ja="無人水上艇")
    TechnologyAreaFactory(slug="uuv", name="Uncrewed undersea vehicles", name_ja="無人潜水機")
    item = CHANGED | {
        "changes": {
            "technology_areas": {"old": ["usv", "uuv"], "new": ["uuv"]},
            "eligible_countries": {"old": ["AU", "US"], "new": ["AU", "GB", "US"]},
            "eligible_sizes": {"old": [], "new": ["startup", "sme"]},
            "japan_presence": {"old": "none", "new": "partner"},
        },
        "confirmed": False,
    }

    assert item_lines(item) == [
        "Technology areas: Uncrewed surface vessels, Uncrewed undersea vehicles → Uncrewed undersea vehicles",
        "Eligible countries: Australia, United States of America → Australia, United Kingdom, United States of America",
        "Eligible sizes: — → Start-up, SME",
        "Presence in Japan required: None needed → Japanese partner",
    ]
    with translation.override("ja"):
        lines = item_lines(item)
    assert lines[0] == "技術分野：無人水上艇、無人潜水機 → 無人潜水機"
    assert lines[1].startswith("対象国：オーストラリア")
    assert "usv" not in " ".join(lines) and "Technology areas" not in " ".join(lines)


@pytest.mark.django_db
def test_changed_area_weights_are_named_with_their_weights_in_the_readers_language():
    TechnologyAreaFactory(slug="usv", name="Uncrewed surface vessels", name_ja="無人水上艇")
    TechnologyAreaFactory(slug="uuv", name="Uncrewed undersea vehicles", name_ja="無人潜水機")
    item = CHANGED | {
        "changes": {
            "technology_areas": {"old": ["usv"], "new": ["usv", "uuv"]},
            "area_weights": {"old": {"usv": 1.0}, "new": {"usv": 1.0, "uuv": 0.5}},
        },
        "confirmed": False,
    }

    assert item_lines(item) == [
        "Technology area weights: Uncrewed surface vessels 1 → "
        "Uncrewed surface vessels 1, Uncrewed undersea vehicles 0.5"
    ]
    with translation.override("ja"):
        assert item_lines(item) == ["技術分野の重み：無人水上艇 1 → 無人水上艇 1、無人潜水機 0.5"]


def _reminder_closing_in_three_days(username: str) -> OutboxMessage:
    """An English reminder e-mail, queued for a new user, of a call that closes in three days."""
    on = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    return OutboxMessage.objects.create(
        key=f"reminder:{username}", channel="email", kind="reminder", user=UserFactory(username=username),
        payload={"language": "en", "items": [{
            "section": "deadlines", "kind": "deadline.closes", "title": "Closing call",
            "url": "/opportunities/closing/", "on": on, "days": 3, "at": timezone.now().isoformat(),
        }]},
    )  # fmt: skip


@pytest.mark.django_db
def test_a_reminder_email_names_the_record_and_the_days_left(settings):
    settings.SITE_URL = "https://kakehashi.example"
    day = timezone.localdate() + dt.timedelta(days=3)
    message = _reminder_closing_in_three_days("rem")

    email = email_build(message, unsubscribe_url="https://kakehashi.example/unsubscribe/?token=x")

    assert email.subject == "Reminder: Closing call"
    assert f"Closes in 3 days, on {date_format(day, 'DATE_FORMAT')}" in email.body
    assert "https://kakehashi.example/opportunities/closing/" in email.body
    message.payload["language"] = "ja"
    japanese = email_build(message, unsubscribe_url="https://kakehashi.example/unsubscribe/?token=x")
    assert japanese.subject == "リマインダー：Closing call"
    assert f"あと3日、{day.year}年{day.month}月{day.day}日に締切" in japanese.body
    assert "https://kakehashi.example/ja/opportunities/closing/" in japanese.body


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "prefix"), [("en", ""), ("ja", "/ja")])
def test_a_digests_notice_links_to_the_notices_page_not_the_api(settings, client, language, prefix):
    settings.SITE_URL = "https://kakehashi.example"
    Notice.objects.create(
        slug="export-rules", title="Export rules", summary="s", dated_on="2026-04-21", status="published"
    )
    item = {"section": "notices", "kind": "notice.published", "title": "Export rules", "at": timezone.now().isoformat()}
    new = item | {"url": "/api/v1/notices/export-rules/", "slug": "export-rules", "countries": ["AU"], "areas": []}
    queued_before = item | {"url": "/api/v1/notices/export-rules/"}  # a digest queued before items kept the slug
    for items in ([new], [queued_before]):
        message = OutboxMessage.objects.create(
            key=f"digest:notice:{len(items[0])}", channel="email", kind="digest", user=UserFactory(),
            payload={"language": language, "items": items},
        )  # fmt: skip

        body = email_build(message, unsubscribe_url="https://kakehashi.example/unsubscribe/?token=x").body

        assert f"https://kakehashi.example{prefix}/notices/export-rules/" in body and "/api/" not in body
        assert client.get(f"{prefix}/notices/export-rules/").status_code == 200


@pytest.mark.django_db
def test_reminders_and_digests_say_their_dates_are_japan_time(settings):
    """A reader in Sydney or San Diego reads "Closes in 3 days, on …": the email says, as every page does, that the
    day is Japan's and ends in Tokyo."""
    message = _reminder_closing_in_three_days("tz")

    email = email_build(message, unsubscribe_url="https://kakehashi.example/unsubscribe/?token=x")
    note = "Dates and deadlines are in Japan time (JST, UTC+09:00); a deadline is the end of that day in Tokyo."
    assert note in email.body
    assert note in email.alternatives[0].content
    message.payload["language"] = "ja"
    japanese = email_build(message, unsubscribe_url="https://kakehashi.example/unsubscribe/?token=x")
    assert "日付と締切は日本時間（JST、UTC+09:00）です。締切は東京でのその日の終わりです。" in japanese.body
