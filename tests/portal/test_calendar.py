"""iCalendar feeds parsed back with `icalendar`: the public feed, a firm's private feed, and stable UIDs."""

import datetime

import pytest
from icalendar import Calendar

from portal.models import SecretLink
from portal.secret_links import secret_link_issue
from tests.factories import MatchFactory, OpportunityFactory
from tests.pages import days
from workspace.models import PipelineEntry


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events_by_uid(calendar: Calendar) -> dict:
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_public_feed_has_every_published_deadline_and_event(anon_client, world):
    calendar = parse(anon_client.get("/calendar.ics"))
    assert calendar["VERSION"] == "2.0"
    assert str(calendar["PRODID"]).startswith("-//Kakehashi//")
    events = events_by_uid(calendar)
    # Closed calls stay (a record of past dates); the draft and the undated hub have no entry.
    assert set(events) == {
        "laser-call-deadline@kakehashi",
        "cyber-call-deadline@kakehashi",
        "closed-call-deadline@kakehashi",
        "dsei-japan-event@kakehashi",
    }
    deadline = events["laser-call-deadline@kakehashi"]
    assert str(deadline["SUMMARY"]) == "Deadline: High-power laser call"
    assert deadline.decoded("DTSTART") == days(10)
    assert deadline.decoded("DTEND") == days(11)
    assert "http://testserver/opportunities/laser-call/" in str(deadline["URL"])
    assert "Japan time" in str(deadline["DESCRIPTION"])
    event = events["dsei-japan-event@kakehashi"]
    assert event.decoded("DTSTART") == days(20)
    assert event.decoded("DTEND") == days(23)  # exclusive end of a three-day event
    assert str(event["LOCATION"]) == "Makuhari Messe, Chiba"


def test_a_moved_deadline_keeps_its_uid(anon_client, world):
    before = events_by_uid(parse(anon_client.get("/calendar.ics")))["laser-call-deadline@kakehashi"]
    laser = world["laser"]
    laser.closes_on = days(15)
    laser.save()
    after = events_by_uid(parse(anon_client.get("/calendar.ics")))["laser-call-deadline@kakehashi"]
    assert after.decoded("DTSTART") == days(15)
    assert after.decoded("LAST-MODIFIED") >= before.decoded("LAST-MODIFIED")


def test_japanese_feed_uses_japanese_titles(anon_client, world):
    events = events_by_uid(parse(anon_client.get("/ja/calendar.ics")))
    assert "高出力レーザー公募" in str(events["laser-call-deadline@kakehashi"]["SUMMARY"])


def feed_token(user, firm) -> str:
    """A fresh private calendar link secret of USER for FIRM."""
    return secret_link_issue(user=user, purpose=SecretLink.Purpose.CALENDAR, subject_id=firm.pk)[1]


def test_firm_feed_with_its_token_lists_its_matched_deadlines(anon_client, alice_matches, alice, firm_a):
    token = feed_token(alice, firm_a)
    calendar = parse(anon_client.get("/calendar/private.ics", {"token": token}))
    events = events_by_uid(calendar)
    assert set(events) == {"laser-call-deadline@kakehashi", "cyber-call-deadline@kakehashi"}
    assert "Fit for Firm A: 82 out of 100." in str(events["laser-call-deadline@kakehashi"]["DESCRIPTION"])
    assert "Firm A" in str(calendar["X-WR-CALNAME"])


def test_firm_feed_skips_matches_on_records_no_longer_published(anon_client, alice_matches, alice, firm_a):
    MatchFactory(company=firm_a, opportunity=OpportunityFactory(slug="archived", closes_on=days(3), status="archived"))
    events = events_by_uid(parse(anon_client.get("/calendar/private.ics", {"token": feed_token(alice, firm_a)})))
    assert "archived-deadline@kakehashi" not in events


def test_firm_feed_leaves_out_matches_the_firm_marked_not_relevant(anon_client, alice_matches, alice, firm_a, world):
    from workspace.services import match_feedback_give, match_feedback_withdraw

    match_feedback_give(company=firm_a, opportunity=world["cyber"], reason="too_early", by=alice)
    token = feed_token(alice, firm_a)
    events = events_by_uid(parse(anon_client.get("/calendar/private.ics", {"token": token})))
    assert set(events) == {"laser-call-deadline@kakehashi"}

    match_feedback_withdraw(company=firm_a, opportunity=world["cyber"], by=alice)  # undo brings it back
    events = events_by_uid(parse(anon_client.get("/calendar/private.ics", {"token": token})))
    assert "cyber-call-deadline@kakehashi" in events


def test_the_signed_in_firm_feed_leaves_out_dismissed_matches_too(alice_client, alice_matches, alice, firm_a, world):
    from workspace.services import match_feedback_give

    match_feedback_give(company=firm_a, opportunity=world["laser"], reason="wrong_technology", by=alice)
    events = events_by_uid(parse(alice_client.get(f"/calendar/{firm_a.slug}.ics")))
    assert "laser-call-deadline@kakehashi" not in events and "cyber-call-deadline@kakehashi" in events


@pytest.mark.parametrize("token", [None, "", "wrong", "x" * 5000])
def test_firm_feed_without_its_token_is_not_found(anon_client, alice_matches, token):
    params = {} if token is None else {"token": token}
    assert anon_client.get("/calendar/private.ics", params).status_code == 404
    assert anon_client.get("/calendar/firm-a.ics", params).status_code == 404


def test_firm_staff_may_fetch_their_feed_signed_in(alice_client, alice_matches):
    assert len(parse(alice_client.get("/calendar/firm-a.ics")).walk("VEVENT")) == 2


def test_bob_cannot_fetch_alices_feed(bob_client, alice_matches):
    assert bob_client.get("/calendar/firm-a.ics").status_code == 404


def test_calendar_page_offers_the_firms_secret_feed_to_its_staff_only(alice_client, bob_client, alice_matches, firm_a):
    text = alice_client.get("/calendar/").text
    assert '<input type="hidden" name="company" value="firm-a">' in text
    assert "High-power laser call" in text
    assert 'value="firm-a"' not in bob_client.get("/calendar/").text


def test_a_record_saved_with_the_last_date_before_dates_were_bounded_keeps_the_feed_answering(anon_client, world):
    OpportunityFactory(slug="typo-call", title="Typo call", closes_on=datetime.date.max)

    events = events_by_uid(parse(anon_client.get("/calendar.ics")))

    assert events["typo-call-deadline@kakehashi"].decoded("DTEND") == datetime.date.max


@pytest.mark.parametrize(
    ("prefix", "window", "badge"),
    [
        ("", "Expected December 2031 to February 2032, not announced", "expected"),
        ("/ja", "2031年12月〜2032年2月の見込み（未発表）", "見込み"),
    ],
)
def test_the_calendar_page_shows_an_expected_window_where_no_date_is_known(anon_client, db, prefix, window, badge):
    OpportunityFactory(
        slug="expo-2031", kind="event", title="Expo 2031", expected_basis="from past editions",
        expected_from=datetime.date(2031, 12, 1), expected_until=datetime.date(2032, 2, 28),
    )  # fmt: skip
    OpportunityFactory(
        slug="call-2031", kind="call", title="Call 2031", expected_basis="from past editions",
        expected_from=datetime.date(2031, 12, 1), expected_until=datetime.date(2032, 2, 28),
    )  # fmt: skip
    OpportunityFactory(slug="dated-call", kind="call", title="Dated call", closes_on=datetime.date(2031, 6, 5))
    text = anon_client.get(f"{prefix}/calendar/").text
    assert '<time datetime="">' not in text
    assert text.count(window) == 2  # the deadline's row and the event's row
    assert f'<span class="badge badge-expected">{badge}</span>' in text
    assert '<time datetime="2031-06-05">' in text  # a known date is still a date


def test_a_followed_edition_with_no_score_yet_is_in_the_firms_feed(anon_client, alice_matches, alice, firm_a):
    """An expected edition is not scored until its dates are out, so the firm's feed only had it if followed."""
    from workspace.services import match_feedback_give, pipeline_entry_save

    expo = OpportunityFactory(
        slug="expo-next", title="Expo 2027", kind="event", expected_from=days(200), expected_until=days(260),
        expected_basis="from the last two editions",
    )  # fmt: skip
    dropped = OpportunityFactory(slug="lost-call", kind="call", closes_on=days(30))
    pipeline_entry_save(company=firm_a, opportunity=expo, by=alice)
    pipeline_entry_save(company=firm_a, opportunity=dropped, by=alice, stage="lost")
    laser = alice_matches["laser"].opportunity
    match_feedback_give(company=firm_a, opportunity=laser, reason="too_early", by=alice)
    pipeline_entry_save(company=firm_a, opportunity=laser, by=alice)  # dismissed and followed: stays out
    pipeline_entry_save(company=firm_a, opportunity=alice_matches["cyber"].opportunity, by=alice)  # scored: once

    calendar = parse(anon_client.get("/calendar/private.ics", {"token": feed_token(alice, firm_a)}))
    events = events_by_uid(calendar)

    assert len(calendar.walk("VEVENT")) == 2
    assert set(events) == {"cyber-call-deadline@kakehashi", "expo-next-event@kakehashi"}
    assert "Fit for Firm A" in str(events["cyber-call-deadline@kakehashi"]["DESCRIPTION"])
    expected = events["expo-next-event@kakehashi"]
    assert str(expected["SUMMARY"]) == "Expected: Expo 2027" and str(expected["STATUS"]) == "TENTATIVE"
    assert "In your pipeline: Watching." in str(expected["DESCRIPTION"])


def test_a_followed_record_the_firm_marked_not_relevant_stays_out_of_its_feed_once_unscored(
    anon_client, alice_matches, alice, firm_a
):
    """A dismissed match that left the firm's kept matches (a rescore pushed it below the best 50) must not come back
    into the feed as a followed record; the due date the firm set on it stays out as well."""
    from workspace.services import match_feedback_give, pipeline_entry_save

    laser = alice_matches["laser"]
    pipeline_entry_save(company=firm_a, opportunity=laser.opportunity, by=alice, due_on=days(20))
    match_feedback_give(company=firm_a, opportunity=laser.opportunity, reason="wrong_technology", by=alice)
    laser.delete()  # no longer among the firm's kept matches

    calendar = parse(anon_client.get("/calendar/private.ics", {"token": feed_token(alice, firm_a)}))

    assert set(events_by_uid(calendar)) == {"cyber-call-deadline@kakehashi"}


def test_the_firms_feed_carries_the_due_dates_set_in_its_pipeline_linking_to_each_entry(
    anon_client, alice_matches, alice, bob, firm_a, firm_b, world
):
    from workspace.services import pipeline_entry_save

    laser = pipeline_entry_save(
        company=firm_a, opportunity=world["laser"], by=alice, stage="pursuing", owner=alice, due_on=days(7)
    )
    pipeline_entry_save(company=firm_a, opportunity=world["hub"], by=alice, due_on=days(60))  # no deadline of its own
    pipeline_entry_save(company=firm_a, opportunity=world["cyber"], by=alice)  # due on its deadline: already there
    pipeline_entry_save(company=firm_a, opportunity=world["event"], by=alice, stage="no_bid", due_on=days(15))
    pipeline_entry_save(company=firm_b, opportunity=world["laser"], by=bob, due_on=days(3))  # another firm's

    calendar = parse(anon_client.get("/calendar/private.ics", {"token": feed_token(alice, firm_a)}))
    events = events_by_uid(calendar)

    hub = PipelineEntry.objects.get(company=firm_a, opportunity=world["hub"])
    due = {uid for uid in events if uid.startswith("pipeline-")}
    assert due == {f"pipeline-{laser.pk}-due@kakehashi", f"pipeline-{hub.pk}-due@kakehashi"}
    event = events[f"pipeline-{laser.pk}-due@kakehashi"]
    assert str(event["SUMMARY"]) == "Due: High-power laser call (Pursuing)"
    assert event.decoded("DTSTART") == days(7)
    assert str(event["URL"]) == "http://testserver/workspace/firm-a/pipeline/laser-call/"
    assert "Stage: Pursuing. Owner: alice." in str(event["DESCRIPTION"])
    assert "laser-call-deadline@kakehashi" in events  # the record's own deadline stays beside it
    assert len([uid for uid in events if uid.startswith("cyber-call")]) == 1
    bob_feed = events_by_uid(parse(anon_client.get("/calendar/private.ics", {"token": feed_token(bob, firm_b)})))
    assert f"pipeline-{laser.pk}-due@kakehashi" not in bob_feed
    assert len([uid for uid in bob_feed if uid.startswith("pipeline-")]) == 1


def test_a_due_date_in_the_feed_follows_the_entry_and_leaves_with_a_dismissal(
    alice_client, alice_matches, alice, firm_a, world
):
    from workspace.services import match_feedback_give, pipeline_entry_save

    entry = pipeline_entry_save(company=firm_a, opportunity=world["laser"], by=alice, due_on=days(5))
    pipeline_entry_save(company=firm_a, opportunity=world["laser"], by=alice, due_on=days(6))
    uid = f"pipeline-{entry.pk}-due@kakehashi"

    moved = events_by_uid(parse(alice_client.get("/calendar/firm-a.ics")))[uid]
    assert moved.decoded("DTSTART") == days(6)  # one entry, moved, not a second one
    match_feedback_give(company=firm_a, opportunity=world["laser"], reason="too_early", by=alice)
    assert uid not in events_by_uid(parse(alice_client.get("/calendar/firm-a.ics")))
