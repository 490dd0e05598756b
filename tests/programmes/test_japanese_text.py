"""Records under /ja/: English-only text is marked, expected months read as Japanese, and search reads Japanese."""

import datetime
import re

import pytest
from django.utils import timezone

from programmes.models import Opportunity
from tests.factories import CallFactory, EventFactory, OpportunityFactory, TechnologyAreaFactory

API = "/api/v1/opportunities/"


def expected_edition(slug: str, start: datetime.date, end: datetime.date) -> Opportunity:
    return OpportunityFactory(
        slug=slug,
        kind=Opportunity.Kind.EVENT,
        title="Maritime expo",
        title_ja="海洋博",
        summary_ja="海洋技術の展示会。",
        description="A biennial maritime exhibition.\n\nThe 2027 edition is not announced yet.",
        expected_from=start,
        expected_until=end,
        expected_basis="from the 2023 and 2025 editions",
    )


@pytest.fixture
def expo(db):
    return expected_edition("expo-2027", datetime.date(2027, 1, 1), datetime.date(2027, 12, 31))


@pytest.fixture
def one_month_expo(db):
    return expected_edition("expo-november", datetime.date(2027, 11, 2), datetime.date(2027, 11, 20))


def test_the_expected_basis_and_description_are_marked_english_on_japanese_pages(anon_client, expo):
    text = anon_client.get("/ja/opportunities/expo-2027/").text

    english_basis = (
        '（<span lang="en">from the 2023 and 2025 editions</span>）</span> <span class="badge badge-english">英語'
    )
    assert english_basis in text
    assert '<h2>概要 <span class="badge badge-english">英語</span></h2>' in text
    assert '<div lang="en"><p>A biennial maritime exhibition.</p>' in text


def test_the_expected_basis_and_description_are_plain_on_english_pages(anon_client, expo):
    text = anon_client.get("/opportunities/expo-2027/").text

    assert '<span class="muted">(from the 2023 and 2025 editions)</span>' in text
    assert "<h2>About</h2>" in text
    assert "badge-english" not in text


def test_the_japanese_listing_marks_the_expected_basis_english(anon_client, expo):
    text = anon_client.get("/ja/opportunities/", {"when": "upcoming"}).text

    assert '（<span lang="en">from the 2023 and 2025 editions</span>）' in text


def test_an_expected_window_reads_year_then_month_in_japanese(anon_client, expo):
    text = anon_client.get("/ja/opportunities/expo-2027/").text

    assert "2027年1月〜2027年12月の見込み（未発表）" in text
    assert "1月 2027" not in text


def test_an_expected_window_reads_month_then_year_in_english(anon_client, expo):
    text = anon_client.get("/opportunities/expo-2027/").text

    assert "Expected January 2027 to December 2027, not announced" in text


def test_an_expected_window_within_one_month_names_it_once(anon_client, one_month_expo):
    text = anon_client.get("/opportunities/expo-november/").text

    assert "Expected November 2027, not announced" in text
    assert "November 2027 to November 2027" not in text


def test_an_expected_window_within_one_month_names_it_once_in_japanese(anon_client, one_month_expo):
    """Needs the Japanese of "Expected %(month)s, not announced" in the compiled catalogue."""
    text = anon_client.get("/ja/opportunities/expo-november/").text

    assert "2027年11月の見込み（未発表）" in text
    assert "2027年11月〜2027年11月" not in text


@pytest.fixture
def japanese_records(db):
    """Records findable in Japanese only: by a Japanese summary, a Japanese title, or an area's Japanese name."""
    quantum = TechnologyAreaFactory(slug="quantum", name="Quantum technologies", name_ja="量子技術")
    return {
        "sensing": CallFactory(slug="sensing-call", title="Sensing call", summary="Precise sensors.", areas=[quantum]),
        "comms": CallFactory(slug="comms-call", title="Secure comms call", summary_ja="量子暗号通信の提案を募集する。"),
        "swarm": CallFactory(slug="swarm-call", title="Swarm call", summary_ja="ドローンの群制御の提案を募集する。"),
        "uas": CallFactory(slug="uas-call", title="Small UAS call", title_ja="小型ドローン公募"),
        "radar": CallFactory(slug="radar-call", title="Radar call", title_ja="レーダー公募"),
    }


def listed(response) -> set[str]:
    return {opportunity.slug for opportunity in response.context["page_obj"]}


def test_the_listing_finds_records_by_their_japanese_summary_and_area_names(anon_client, japanese_records):
    assert listed(anon_client.get("/ja/opportunities/", {"q": "量子"})) == {"sensing-call", "comms-call"}
    assert listed(anon_client.get("/opportunities/", {"q": "ドローン"})) == {"swarm-call", "uas-call"}


def test_the_japanese_listing_highlights_the_word_found_in_a_japanese_summary(anon_client, japanese_records):
    text = anon_client.get("/ja/opportunities/", {"q": "ドローン"}).text

    assert '<p lang="ja"><mark>ドローン</mark>の群制御の提案を募集する。</p>' in text


def test_the_api_finds_records_by_their_japanese_text_as_the_listing_does(anon_client, japanese_records):
    drones = anon_client.get(API, {"q": "ドローン"}).json()["results"]
    quantum = anon_client.get(API, {"q": "量子 暗号"}).json()["results"]

    assert {record["slug"] for record in drones} == {"swarm-call", "uas-call"}
    assert [record["slug"] for record in quantum] == ["comms-call"]


def test_eligibility_notes_are_marked_english_on_japanese_pages(anon_client, db):
    CallFactory(slug="notes-call", title="Notes call", eligibility_notes="Only through a Japanese prime.")
    text = anon_client.get("/ja/opportunities/notes-call/").text
    assert '<dd lang="en">Only through a Japanese prime.</dd>' in text


def test_a_record_with_no_japanese_title_is_marked_english_in_the_japanese_listing(anon_client, db):
    CallFactory(slug="usv-call-2027", title="USV call 2027", title_ja="")
    CallFactory(slug="uuv-call-2027", title="UUV call 2027", title_ja="無人潜水機公募")

    japanese = anon_client.get("/ja/opportunities/").text
    english = anon_client.get("/opportunities/").text

    marked = '<a href="/ja/opportunities/usv-call-2027/" lang="en">USV call 2027</a> <span class="badge badge-english">'
    assert marked in japanese
    assert '<a href="/ja/opportunities/uuv-call-2027/">無人潜水機公募</a></h3>' in japanese
    assert '<a href="/opportunities/usv-call-2027/">USV call 2027</a></h3>' in english


def test_q_finds_a_record_by_a_japanese_keyword(anon_client, db):
    CallFactory(slug="quantum-call", title="Quantum sensing call", keywords=["量子センシング", "quantum"])
    CallFactory(slug="other-call", title="Other call", keywords=["radar"])

    found = anon_client.get("/api/v1/opportunities/", {"q": "量子センシング"}).json()["results"]

    assert [record["slug"] for record in found] == ["quantum-call"]


def test_the_verified_line_ends_with_a_japanese_full_stop_under_ja(anon_client, expo):
    expo.last_verified_on = datetime.date(2026, 11, 24)
    expo.save()
    japanese = anon_client.get(f"/ja/opportunities/{expo.slug}/").text
    english = anon_client.get(f"/opportunities/{expo.slug}/").text

    assert "最終確認日：2026年11月24日。" in japanese
    assert re.search(r"Last verified on [^<.]+\.\s", english)


def test_a_search_with_a_null_character_says_what_is_wrong_in_japanese(anon_client, db):
    english = anon_client.get("/opportunities/", {"q": "\x00"}).text
    japanese = anon_client.get("/ja/opportunities/", {"q": "\x00"}).text

    assert "Null characters are not allowed." in english
    assert "ヌル文字（NUL）は使えません。" in japanese
    assert "何か文字を入力してください" not in japanese


ENGLISH_BADGE = '<span class="badge badge-english" lang="ja">英語</span>'


@pytest.fixture
def venues(db):
    """An event whose venue is written only in English, and one whose venue is in Japanese."""
    soon = timezone.localdate() + datetime.timedelta(days=30)
    english = EventFactory(slug="expo-en", title_ja="展示会", venue="Makuhari Messe, Chiba", starts_on=soon)
    japanese = EventFactory(slug="expo-ja", title_ja="展示会2", venue="東京ビッグサイト", starts_on=soon)
    return english, japanese


@pytest.mark.parametrize("page", ["/ja/opportunities/expo-en/", "/ja/", "/ja/calendar/"])
def test_an_english_venue_is_marked_english_on_japanese_pages(anon_client, venues, page):
    text = anon_client.get(page).text

    assert f'lang="en">Makuhari Messe, Chiba {ENGLISH_BADGE}</span>' in text


def test_an_english_venue_is_marked_english_in_the_japanese_event_brief(alice_client, firm_a, venues):
    text = alice_client.get("/ja/my/briefs/expo-en/").text

    assert f'lang="en">Makuhari Messe, Chiba {ENGLISH_BADGE}</span>' in text


@pytest.mark.parametrize("page", ["/ja/opportunities/expo-ja/", "/ja/", "/ja/calendar/"])
def test_a_japanese_venue_has_no_english_badge(anon_client, venues, page):
    text = anon_client.get(page).text

    assert 'lang="ja">東京ビッグサイト</span>' in text
    assert "東京ビッグサイト <span" not in text


@pytest.mark.parametrize("page", ["/opportunities/expo-en/", "/", "/calendar/"])
def test_a_venue_has_no_badge_on_english_pages(anon_client, venues, page):
    text = anon_client.get(page).text

    assert 'lang="en">Makuhari Messe, Chiba</span>' in text and "badge-english" not in text
