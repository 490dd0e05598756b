"""The Atom feed at a secret URL (newest first, the digest's items) and deadline reminders 14 and 3 days ahead."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from alerts.models import SavedSearch
from alerts.preferences import (
    feed_link_issue,
    feed_link_revoke,
    notification_settings_get,
    notification_settings_update,
)
from alerts.reminders import reminders_queue
from alerts.searches import saved_search_create
from notices.models import Notice
from notices.services import notice_published_record
from portal.models import ChangeEvent, OutboxMessage
from tests.alerts.conftest import match_event, notice_event, opportunity_event
from tests.factories import CallFactory, EventFactory, TechnologyAreaFactory
from workspace.services import pipeline_entry_save

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[tuple[str, str]]:
    root = ET.fromstring(response.content)
    return [(e.find(f"{ATOM}title").text, e.find(f"{ATOM}link").get("href")) for e in root.findall(f"{ATOM}entry")]


@pytest.mark.django_db(transaction=True)  # readers see only ended transactions' events
def test_the_feed_lists_the_users_alerts_newest_first(alice, firm_a, anon_client):
    notification_settings_get(user=alice)
    followed = CallFactory(slug="followed", title="Followed call")
    pipeline_entry_save(company=firm_a, opportunity=followed, by=alice)
    saved_search_create(user=alice, name="Calls", query="kind=call", frequency="daily")
    opportunity_event("opportunity.changed", followed, changes={"venue": {"old": "", "new": "Tokyo"}})
    match_event("match.created", CallFactory(slug="matched", title="Matched call"), firm_a, score=75.0, items=[])
    notice_event(5, countries=["AU"], title="Notice for Australia")
    notice_event(6, countries=["GB"], title="Not for alice")
    new = CallFactory(slug="new-call", title="New call")
    opportunity_event("opportunity.published", new)
    raw = feed_link_issue(user=alice)

    response = anon_client.get(f"/feeds/alerts.atom?token={raw}")

    assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
    assert entries(response) == [
        ("New call", "https://kakehashi.example/opportunities/new-call/"),
        ("Notice for Australia", "https://kakehashi.example/notices/notice-5/"),
        ("Matched call", "https://kakehashi.example/opportunities/matched/"),
        ("Followed call", "https://kakehashi.example/opportunities/followed/"),
    ]
    assert "Venue: — → Tokyo" in response.content.decode()


@pytest.mark.django_db(transaction=True)  # readers see only ended transactions' events
def test_the_feed_is_in_the_users_language(alice, firm_a, anon_client):
    notification_settings_update(user=alice, data={"language": "ja"})
    match_event("match.created", CallFactory(slug="m", title="Matched", title_ja="マッチした公募"), firm_a, score=75.0)
    raw = feed_link_issue(user=alice)

    assert entries(anon_client.get(f"/feeds/alerts.atom?token={raw}")) == [
        ("マッチした公募", "https://kakehashi.example/ja/opportunities/m/")
    ]


@pytest.mark.django_db(transaction=True)  # readers see only ended transactions' events
def test_a_new_saved_search_lists_only_records_published_since_it_was_saved(alice, anon_client):
    """A search saved today does not flood a feed reader with the month's records, as its digest does not."""
    notification_settings_get(user=alice)
    now = timezone.now()
    old = opportunity_event("opportunity.published", CallFactory(slug="old-call", title="Old call"))
    ChangeEvent.objects.filter(pk=old.pk).update(created_at=now - dt.timedelta(days=10))
    search = saved_search_create(user=alice, name="Calls", query="kind=call", frequency="daily")
    SavedSearch.objects.filter(pk=search.pk).update(created_at=now - dt.timedelta(days=5))
    opportunity_event("opportunity.published", CallFactory(slug="new-call", title="New call"))
    raw = feed_link_issue(user=alice)

    assert entries(anon_client.get(f"/feeds/alerts.atom?token={raw}")) == [
        ("New call", "https://kakehashi.example/opportunities/new-call/")
    ]


@pytest.mark.django_db(transaction=True)  # readers see only ended transactions' events
def test_a_saved_search_of_long_ago_lists_the_last_30_days_of_records(alice, anon_client):
    notification_settings_get(user=alice)
    now = timezone.now()
    search = saved_search_create(user=alice, name="Calls", query="kind=call", frequency="daily")
    SavedSearch.objects.filter(pk=search.pk).update(created_at=now - dt.timedelta(days=90))
    for slug, days in (("older-call", 40), ("recent-call", 20)):
        event = opportunity_event("opportunity.published", CallFactory(slug=slug, title=slug))
        ChangeEvent.objects.filter(pk=event.pk).update(created_at=now - dt.timedelta(days=days))
    raw = feed_link_issue(user=alice)

    assert entries(anon_client.get(f"/feeds/alerts.atom?token={raw}")) == [
        ("recent-call", "https://kakehashi.example/opportunities/recent-call/")
    ]


def test_an_unknown_or_revoked_feed_secret_is_a_404(alice, anon_client):
    raw = feed_link_issue(user=alice)
    feed_link_revoke(user=alice)

    assert anon_client.get(f"/feeds/alerts.atom?token={raw}").status_code == 404
    assert anon_client.get("/feeds/alerts.atom?token=kkl_unknown").status_code == 404


def test_reminders_go_14_and_3_days_before_a_followed_deadline_once_each(alice, bob, firm_a, firm_b):
    today = timezone.localdate()
    call = CallFactory(slug="closing", title="Closing call", closes_on=today + dt.timedelta(days=14))
    event = EventFactory(slug="show", title="Trade show", starts_on=today + dt.timedelta(days=3))
    CallFactory(slug="unfollowed", closes_on=today + dt.timedelta(days=3))
    pipeline_entry_save(company=firm_a, opportunity=call, by=alice)
    pipeline_entry_save(company=firm_a, opportunity=event, by=alice, stage="pursuing")
    notification_settings_get(user=alice), notification_settings_get(user=bob)

    assert reminders_queue(today=today) == 2
    assert reminders_queue(today=today) == 0
    assert reminders_queue(today=today + dt.timedelta(days=1)) == 0  # still the 14-day one for the call
    assert reminders_queue(today=today + dt.timedelta(days=11)) == 1  # three days before the call closes

    keys = sorted(OutboxMessage.objects.values_list("key", flat=True))
    closes = (today + dt.timedelta(days=14)).isoformat()
    starts = (today + dt.timedelta(days=3)).isoformat()
    assert keys == sorted([
        f"reminder:{alice.pk}:{call.pk}:14:{closes}",
        f"reminder:{alice.pk}:{call.pk}:3:{closes}",
        f"reminder:{alice.pk}:{event.pk}:3:{starts}",
    ])  # fmt: skip
    item = OutboxMessage.objects.get(key=f"reminder:{alice.pk}:{event.pk}:3:{starts}").payload["items"][0]
    assert (item["kind"], item["days"], item["url"]) == ("deadline.starts", 3, "/opportunities/show/")


def test_no_reminders_for_users_who_turned_them_off(alice, firm_a):
    notification_settings_update(user=alice, data={"deadlines": False})
    call = CallFactory(slug="closing", closes_on=timezone.localdate() + dt.timedelta(days=3))
    pipeline_entry_save(company=firm_a, opportunity=call, by=alice)

    assert reminders_queue() == 0


def test_a_member_who_never_opened_the_settings_gets_reminders_from_the_daily_run(alice, firm_a):
    from alerts.services import digests_send

    call = CallFactory(slug="closing", closes_on=timezone.localdate() + dt.timedelta(days=3))
    pipeline_entry_save(company=firm_a, opportunity=call, by=alice)

    report = digests_send(period="daily", deliver=False)

    assert report["reminders"] == 1
    assert OutboxMessage.objects.get(kind="reminder").user == alice


@pytest.mark.django_db(transaction=True)  # readers see only ended transactions' events
def test_the_feed_keeps_each_move_of_a_match_as_its_own_entry(alice, firm_a, anon_client):
    notification_settings_get(user=alice)
    call = CallFactory(slug="undone", title="Undone call")
    match_event("match.moved", call, firm_a, old_score=65.0, new_score=54.0, moved=[])
    match_event("match.moved", call, firm_a, old_score=54.0, new_score=65.0, moved=[])
    raw = feed_link_issue(user=alice)

    response = anon_client.get(f"/feeds/alerts.atom?token={raw}")

    # A feed is a log: an entry once published stays as it was, so a reversal is a second entry, not a rewrite.
    assert [title for title, _link in entries(response)] == ["Undone call", "Undone call"]
    assert "54 → 65" in response.content.decode() and "65 → 54" in response.content.decode()


def _notice_for_australia():
    notice = Notice.objects.create(
        slug="export-rules", title="Export rules eased", title_ja="輸出規則の緩和", summary="Fewer licences needed.",
        summary_ja="必要な許可が減ります。", dated_on="2026-04-21", status="published", countries=["AU"],
    )  # fmt: skip
    notice.technology_areas.add(TechnologyAreaFactory(slug="uuv", name="Uncrewed underwater vehicles"))
    notice_published_record(notice=notice)


@pytest.mark.django_db(transaction=True)  # readers see only ended transactions' events
@pytest.mark.parametrize(("language", "prefix"), [("en", ""), ("ja", "/ja")])
def test_a_notice_entry_links_to_the_notices_page_and_says_what_it_concerns(alice, anon_client, language, prefix):
    notification_settings_update(user=alice, data={"language": language})
    _notice_for_australia()
    raw = feed_link_issue(user=alice)

    response = anon_client.get(f"/feeds/alerts.atom?token={raw}")

    entry = ET.fromstring(response.content).find(f"{ATOM}entry")
    link = entry.find(f"{ATOM}link").get("href")
    assert link == f"https://kakehashi.example{prefix}/notices/export-rules/"
    page = anon_client.get(link.removeprefix("https://kakehashi.example"))
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    # The id of an entry published before notices had a page stays the same, and it is the same in either language.
    assert entry.find(f"{ATOM}id").text.startswith("https://kakehashi.example/api/v1/notices/export-rules/#")
    summary = entry.find(f"{ATOM}summary").text
    if language == "en":
        assert "Export rules eased" in page.content.decode()
        assert "New rule or policy notice: Export rules eased" in summary
        assert "Firms from: Australia" in summary and "Technology areas: Uncrewed underwater vehicles" in summary
        assert "Fewer licences needed." in summary
    else:
        assert "輸出規則の緩和" in page.content.decode()
        assert "制度・方針の変更のお知らせ：輸出規則の緩和" in summary and "必要な許可が減ります。" in summary
        assert "対象企業の国：オーストラリア" in summary


@pytest.mark.django_db(transaction=True)  # readers see only ended transactions' events
def test_choosing_japanese_changes_no_entry_id(alice, anon_client):
    """A feed reader keys entries by id: ids that followed the language showed every entry as new again."""
    _notice_for_australia()
    raw = feed_link_issue(user=alice)

    def ids() -> list[str]:
        root = ET.fromstring(anon_client.get(f"/feeds/alerts.atom?token={raw}").content)
        return [entry.find(f"{ATOM}id").text for entry in root.findall(f"{ATOM}entry")]

    english = ids()
    notification_settings_update(user=alice, data={"language": "ja"})
    assert english and ids() == english
