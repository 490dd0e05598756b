"""A record's venue and the basis of its expected dates read in Japanese on /ja/ pages and in the Japanese calendar
feed, where the record has them in Japanese; English left in the Japanese feed is labelled, as the pages badge it."""

import datetime

import pytest
from icalendar import Calendar

from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

BASIS = "from the 2023 and 2025 editions, two years apart; the organiser has announced no date"
BASIS_JA = "2023年と2025年の回（2年おき）から。主催者は日程を発表していない"


@pytest.fixture
def editions():
    expected = EventFactory(
        slug="expo-next", title="Expo next", title_ja="次回エキスポ", summary_ja="次回の日程は未発表。",
        starts_on=None, ends_on=None, venue="Sydney (expected)", venue_ja="シドニー（見込み）",
        expected_from=datetime.date(2031, 1, 1), expected_until=datetime.date(2031, 12, 31),
        expected_basis=BASIS, expected_basis_ja=BASIS_JA,
    )  # fmt: skip
    dated = EventFactory(
        slug="expo-dated", title="Expo dated", title_ja="エキスポ", summary_ja="東京で開かれる。",
        starts_on=datetime.date(2031, 3, 1), ends_on=datetime.date(2031, 3, 2), venue="Tokyo", venue_ja="東京",
    )  # fmt: skip
    return expected, dated


def _feed(client, prefix: str) -> dict:
    calendar = Calendar.from_ical(client.get(f"{prefix}/calendar.ics").content)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_japanese_pages_give_the_venue_and_the_basis_in_japanese(anon_client, editions):
    for path in ("/ja/calendar/", "/ja/opportunities/expo-next/", "/ja/opportunities/expo-dated/"):
        text = anon_client.get(path).text
        assert "Sydney (expected)" not in text and BASIS not in text and ">Tokyo<" not in text, path
    assert BASIS_JA in anon_client.get("/ja/calendar/").text
    assert "東京" in anon_client.get("/ja/opportunities/expo-dated/").text
    english = anon_client.get("/calendar/").text
    assert BASIS in english and BASIS_JA not in english


def test_the_japanese_feed_says_the_basis_and_venue_in_japanese(anon_client, editions):
    feed = _feed(anon_client, "/ja")
    assert str(feed["expo-next-event@kakehashi"]["DESCRIPTION"]).startswith(
        f"日程は未発表です。見込みの時期の根拠：{BASIS_JA}。\n\n次回の日程は未発表。"
    )
    assert str(feed["expo-dated-event@kakehashi"]["LOCATION"]) == "東京"
    assert str(_feed(anon_client, "")["expo-dated-event@kakehashi"]["LOCATION"]) == "Tokyo"


def test_an_expected_edition_has_its_venue_in_both_feeds_as_the_calendar_page_says(anon_client, editions):
    assert str(_feed(anon_client, "")["expo-next-event@kakehashi"]["LOCATION"]) == "Sydney (expected)"
    assert str(_feed(anon_client, "/ja")["expo-next-event@kakehashi"]["LOCATION"]) == "シドニー（見込み）"
    assert "Sydney (expected)" in anon_client.get("/calendar/").text


def test_english_left_in_the_japanese_feed_is_labelled(anon_client, editions):
    expected, dated = editions
    type(expected).objects.filter(pk=expected.pk).update(expected_basis_ja="", summary_ja="")
    type(dated).objects.filter(pk=dated.pk).update(venue_ja="")

    feed = _feed(anon_client, "/ja")

    assert f"見込みの時期の根拠：{BASIS}（英語）。" in str(feed["expo-next-event@kakehashi"]["DESCRIPTION"])
    assert "A curated opportunity.（英語）" in str(feed["expo-next-event@kakehashi"]["DESCRIPTION"])
    assert str(feed["expo-dated-event@kakehashi"]["LOCATION"]) == "Tokyo（英語）"
