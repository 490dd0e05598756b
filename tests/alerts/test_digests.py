"""Building digests: what each user is told since their last digest, once, in one outbox row per period."""

import datetime as dt

import pytest
from django.utils import timezone

from alerts.digests import digests_queue, period_start
from alerts.emails import email_build
from alerts.models import NotificationSettings
from alerts.preferences import notification_settings_get, notification_settings_update
from alerts.searches import saved_search_create
from portal.models import OutboxMessage
from programmes.services import opportunity_create, opportunity_publish
from tests.alerts.conftest import match_event, notice_event, opportunity_event
from tests.factories import CallFactory, CompanyFactory, MembershipFactory, TechnologyAreaFactory, UserFactory
from workspace.services import match_feedback_give, match_feedback_withdraw, pipeline_entry_save

# Committed for real: on PostgreSQL readers see only events of transactions that have ended (portal/changes.py).
pytestmark = pytest.mark.django_db(transaction=True)


def digest_of(user) -> OutboxMessage:
    return OutboxMessage.objects.get(user=user, kind="digest")


def titles(message: OutboxMessage) -> list[str]:
    return [item["title"] for item in message.payload["items"]]


def publish_call(consultant, *, slug: str, title: str, areas=()):
    record = opportunity_create(
        data={"slug": slug, "kind": "call", "title": title, "summary": "A call."}, by=consultant, reason="new"
    )
    record.sources.create(url=f"https://example.org/{slug}")
    for area in areas:
        record.area_links.create(technology_area=area, weight=1.0)
    return opportunity_publish(opportunity=record, by=consultant)


def test_a_new_result_of_a_saved_search_is_in_the_digest_once(alice, consultant):
    uuv = TechnologyAreaFactory(slug="uuv")
    CallFactory(slug="old-call", title="Old UUV call", areas=[uuv])
    saved_search_create(user=alice, name="UUV calls", query="technology_area=uuv&kind=call", frequency="daily")
    publish_call(consultant, slug="new-call", title="New UUV call", areas=[uuv])
    publish_call(consultant, slug="other-call", title="Space call", areas=[TechnologyAreaFactory(slug="space")])

    run = digests_queue(period="daily")
    again = digests_queue(period="daily")

    message = digest_of(alice)
    assert titles(message) == ["New UUV call"]  # the old call was in the baseline; the space call does not match
    assert message.payload["items"][0]["search"] == "UUV calls"
    assert message.key == f"digest:{alice.pk}:daily:{timezone.localdate().isoformat()}"
    assert (run.queued, again.queued, again.already) == (1, 0, 1)
    assert OutboxMessage.objects.filter(kind="digest").count() == 1


def test_the_next_days_digest_reports_only_what_is_new_since(alice, consultant):
    uuv = TechnologyAreaFactory(slug="uuv")
    saved_search_create(user=alice, name="UUV", query="technology_area=uuv", frequency="daily")
    publish_call(consultant, slug="first", title="First", areas=[uuv])
    digests_queue(period="daily")
    publish_call(consultant, slug="second", title="Second", areas=[uuv])

    digests_queue(period="daily", day=timezone.localdate() + dt.timedelta(days=1))

    second = OutboxMessage.objects.filter(kind="digest").order_by("id").last()
    assert titles(second) == ["Second"]


def test_followed_record_changes_matches_and_notices_reach_the_firms_staff_only(alice, bob, firm_a, firm_b):
    notification_settings_get(user=alice), notification_settings_get(user=bob)
    lasers = TechnologyAreaFactory(slug="lasers")
    firm_a.technology_areas.add(lasers)
    followed, other = CallFactory(slug="followed", title="Followed call"), CallFactory(slug="other", title="Other")
    pipeline_entry_save(company=firm_a, opportunity=followed, by=alice)
    opportunity_event(
        "opportunity.changed", followed, changes={"closes_on": {"old": "2027-01-10", "new": "2027-01-20"}}
    )
    opportunity_event("opportunity.changed", other, changes={"venue": {"old": "", "new": "Tokyo"}})
    match_event("match.created", other, firm_a, score=72.0, items=[])
    match_event("match.moved", other, firm_b, old_score=50.0, new_score=70.0, moved=[])
    notice_event(1, countries=["AU"], title="Notice for Australia")
    notice_event(2, areas=["lasers"], title="Notice on lasers")
    notice_event(3, countries=["GB"], areas=["space"], title="Notice for others")

    digests_queue(period="daily")

    alices = digest_of(alice)
    assert titles(alices) == ["Followed call", "Other", "Notice for Australia", "Notice on lasers"]
    assert alices.payload["items"][0]["changes"] == {"closes_on": {"old": "2027-01-10", "new": "2027-01-20"}}
    assert titles(digest_of(bob)) == ["Other"]  # his firm's moved match; nothing of alice's firm


def test_a_kind_turned_off_is_left_out_and_an_empty_digest_is_not_sent(alice, firm_a):
    notification_settings_update(user=alice, data={"matches": False})
    match_event("match.created", CallFactory(slug="c"), firm_a, score=80.0, items=[])

    run = digests_queue(period="daily")

    assert run.empty == 1 and run.queued == 0
    assert not OutboxMessage.objects.exists()
    settings = NotificationSettings.objects.get(user=alice)
    assert settings.feed_event_id > 0  # the place moved on: the match is not reported later either


def test_weekly_users_get_their_events_in_the_weekly_digest_only(alice, firm_a):
    notification_settings_update(user=alice, data={"frequency": "weekly"})
    match_event("match.created", CallFactory(slug="c", title="Weekly news"), firm_a, score=80.0, items=[])

    daily = digests_queue(period="daily")
    weekly = digests_queue(period="weekly")

    assert daily.queued == 0 and weekly.queued == 1
    message = digest_of(alice)
    assert titles(message) == ["Weekly news"]
    assert message.key.endswith(f":weekly:{period_start('weekly').isoformat()}")
    assert period_start("weekly").weekday() == 0


def test_users_who_turned_digests_off_get_none(alice, firm_a):
    notification_settings_update(user=alice, data={"frequency": "off"})
    saved_search_create(user=alice, name="All", query="kind=call", frequency="daily")
    CallFactory(slug="new-one")
    match_event("match.created", CallFactory(slug="c"), firm_a, score=80.0, items=[])

    assert digests_queue(period="daily").queued == 0


def test_a_member_without_settings_is_told_from_the_first_run_on():
    firm = CompanyFactory(slug="firm-c")
    carol = UserFactory(username="carol")
    MembershipFactory(user=carol, company=firm)
    match_event("match.created", CallFactory(slug="before"), firm, score=80.0, items=[])

    first = digests_queue(period="daily")
    match_event("match.created", CallFactory(slug="after", title="After"), firm, score=80.0, items=[])
    second = digests_queue(period="daily", day=timezone.localdate() + dt.timedelta(days=1))

    assert (first.queued, second.queued) == (0, 1)
    assert titles(digest_of(carol)) == ["After"]


def test_a_record_two_saved_searches_list_is_told_once(alice, consultant):
    uuv = TechnologyAreaFactory(slug="uuv")
    saved_search_create(user=alice, name="UUV", query="technology_area=uuv", frequency="daily")
    saved_search_create(user=alice, name="Calls", query="kind=call", frequency="daily")
    publish_call(consultant, slug="new-call", title="New UUV call", areas=[uuv])

    digests_queue(period="daily")

    assert titles(digest_of(alice)) == ["New UUV call"]


def test_a_match_the_firm_marked_not_relevant_stays_out_of_its_digest_until_the_mark_is_withdrawn(alice, firm_a):
    notification_settings_get(user=alice)
    hidden, kept = CallFactory(slug="hidden", title="Hidden call"), CallFactory(slug="kept", title="Kept call")
    match_feedback_give(company=firm_a, opportunity=hidden, reason="wrong_technology", by=alice)
    match_event("match.moved", hidden, firm_a, old_score=70.0, new_score=40.0, moved=[])
    match_event("match.created", kept, firm_a, score=72.0, items=[])

    digests_queue(period="daily")
    assert titles(digest_of(alice)) == ["Kept call"]

    match_feedback_withdraw(company=firm_a, opportunity=hidden, by=alice)
    match_event("match.moved", hidden, firm_a, old_score=40.0, new_score=72.0, moved=[])
    digests_queue(period="daily", day=timezone.localdate() + dt.timedelta(days=1))
    second = OutboxMessage.objects.filter(kind="digest").order_by("id").last()
    assert titles(second) == ["Hidden call"]


def moved(component: str, old: float, new: float) -> list[dict]:
    return [{"code": "moved_component", "params": {"component": component, "old": old, "new": new}}]


def test_a_score_move_and_its_reversal_are_netted_in_one_digest(alice, firm_a):
    notification_settings_get(user=alice)
    undone, climbing = CallFactory(slug="undone", title="Undone call"), CallFactory(slug="up", title="Climbing call")
    # A curator's edit and its undo: 65 → 54, then 54 → 65.
    match_event("match.moved", undone, firm_a, old_score=65.0, new_score=54.0, moved=moved("capability", 41, 30))
    match_event("match.moved", climbing, firm_a, old_score=50.0, new_score=62.0, moved=moved("capability", 20, 32))
    match_event("match.moved", undone, firm_a, old_score=54.0, new_score=65.0, moved=moved("capability", 30, 41))
    match_event("match.moved", climbing, firm_a, old_score=62.0, new_score=75.0, moved=moved("capability", 32, 45))

    digests_queue(period="daily")

    message = digest_of(alice)
    body = email_build(message, unsubscribe_url="https://kakehashi.example/unsubscribe/?token=x").body
    assert titles(message) == ["Climbing call"]  # one item for it, none for the undone one
    assert "Your firm's score moved: 50 → 75: capability 20 → 45 points" in body
    assert "65 → 54" not in body and "54 → 65" not in body and "62 → 75" not in body


def test_a_netted_move_that_never_touches_the_alert_threshold_is_left_out(alice, firm_a):
    """With a threshold of 60, 50 → 61 → 35 nets to 50 → 35: a move no single event would have announced."""
    firm_a.alert_threshold = 60
    firm_a.save(update_fields=["alert_threshold"])
    notification_settings_get(user=alice)
    wobbly, fallen = CallFactory(slug="wobbly", title="Wobbly call"), CallFactory(slug="fallen", title="Fallen call")
    match_event("match.moved", wobbly, firm_a, old_score=50.0, new_score=61.0, moved=moved("capability", 30, 41))
    match_event("match.moved", wobbly, firm_a, old_score=61.0, new_score=35.0, moved=moved("capability", 41, 20))
    match_event("match.moved", fallen, firm_a, old_score=62.0, new_score=70.0, moved=moved("capability", 40, 46))
    match_event("match.moved", fallen, firm_a, old_score=70.0, new_score=45.0, moved=moved("capability", 46, 28))

    digests_queue(period="daily")

    assert titles(digest_of(alice)) == ["Fallen call"]  # 62 → 45 was at the threshold before; 50 → 35 never was
