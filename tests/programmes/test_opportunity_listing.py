"""The opportunity listing: every filter through the page, sorting, paging, empty states, scores, CSV, query counts."""

import csv
import io

import pytest

from tests.factories import CallFactory, MatchFactory, OpportunityFactory, TechnologyAreaFactory
from tests.pages import days, listing_titles

LIST = "/opportunities/"


def test_first_visit_lists_open_published_records_soonest_deadline_first(anon_client, world):
    response = anon_client.get(LIST)
    assert response.status_code == 200
    # Calls and events by deadline, then standing records (no deadline) last; no closed call, no draft.
    assert listing_titles(response) == ["High-power laser call", "DSEI Japan", "Cyber defence call", "Start-up hub"]
    assert "Draft record" not in response.text


def test_open_any_includes_closed_calls(anon_client, world):
    response = anon_client.get(LIST, {"open": ""})
    assert "Closed sensor call" in listing_titles(response)
    assert "closed" in response.text


def test_open_false_lists_only_closed_or_past_records(anon_client, world):
    assert listing_titles(anon_client.get(LIST, {"open": "false"})) == ["Closed sensor call"]


def test_an_expected_edition_is_neither_open_nor_closed(anon_client, world):
    """It is ahead of everyone, so "Closed or past" leaves it out as "Open now" does; "Upcoming" and the first visit
    ("Open now or upcoming") list it."""
    OpportunityFactory(
        slug="expo-next", title="Expo 2027", kind="event", expected_from=days(200), expected_until=days(260),
        expected_basis="from the last two editions",
    )  # fmt: skip
    assert "Expo 2027" not in listing_titles(anon_client.get(LIST, {"open": "false"}))
    assert "Expo 2027" not in listing_titles(anon_client.get(LIST, {"open": "true"}))
    assert "Expo 2027" in listing_titles(anon_client.get(LIST, {"open": "upcoming"}))
    assert "Expo 2027" in listing_titles(anon_client.get(LIST))
    assert "Expo 2027" in listing_titles(anon_client.get(LIST, {"open": "", "when": "upcoming"}))


def test_kind_filter(anon_client, world):
    assert listing_titles(anon_client.get(LIST, {"kind": "event"})) == ["DSEI Japan"]
    assert set(listing_titles(anon_client.get(LIST, {"kind": ["event", "hub"]}))) == {"DSEI Japan", "Start-up hub"}


def test_technology_area_filter(anon_client, world):
    assert listing_titles(anon_client.get(LIST, {"technology_area": "cyber"})) == ["Cyber defence call"]


def test_organisation_filter(anon_client, world):
    assert listing_titles(anon_client.get(LIST, {"organisation": "atla", "open": ""})) == [
        "Closed sensor call",
        "High-power laser call",
    ]


def test_eligible_country_filter_keeps_records_open_to_any_country(anon_client, world):
    response = anon_client.get(LIST, {"eligible_country": "US", "open": ""})
    assert "High-power laser call" not in listing_titles(response)  # AU and JP only
    assert {"Closed sensor call", "Cyber defence call", "Start-up hub"} <= set(listing_titles(response))


def test_a_country_code_in_small_letters_filters_as_in_capitals_on_the_page_and_the_api(anon_client, world):
    page = anon_client.get(LIST, {"eligible_country": "us", "open": ""})
    api = anon_client.get("/api/v1/opportunities/", {"eligible_country": "us"})

    assert page.context["form"].errors == {} and api.status_code == 200
    assert listing_titles(page) == listing_titles(anon_client.get(LIST, {"eligible_country": "US", "open": ""}))
    assert "High-power laser call" not in listing_titles(page)
    capitals = anon_client.get("/api/v1/opportunities/", {"eligible_country": "US"}).json()["results"]
    slugs = [row["slug"] for row in api.json()["results"]]
    assert slugs == [row["slug"] for row in capitals] and slugs and "laser-call" not in slugs


def test_deadline_range_filters(anon_client, world):
    assert listing_titles(anon_client.get(LIST, {"closes_before": days(15).isoformat()})) == [
        "Closed sensor call",
        "High-power laser call",
    ]
    later = anon_client.get(LIST, {"closes_after": days(15).isoformat()})
    assert listing_titles(later) == ["DSEI Japan", "Cyber defence call"]
    after_yesterday = {"closes_after": days(-1).isoformat(), "closes_before": days(15).isoformat()}
    assert listing_titles(anon_client.get(LIST, after_yesterday)) == ["High-power laser call"]


def test_text_search_highlights_the_matched_words(anon_client, world):
    response = anon_client.get(LIST, {"q": "LASER beam"})
    assert listing_titles(response) == ["High-power laser call"]
    assert "High-power <mark>laser</mark> call" in response.text
    assert "<mark>beam</mark> directors" in response.text


def test_an_acronym_finds_whole_words_not_letters_inside_words(anon_client, db):
    CallFactory(title="AI targeting call", summary="Machine learning for AIs.")
    CallFactory(title="Air training call", summary="A new railgun against crewed craft.")
    CallFactory(title="Drone swarms call", summary="Swarming drones.")
    response = anon_client.get(LIST, {"q": "ai", "open": ""})
    assert listing_titles(response) == ["AI targeting call"]
    assert "<mark>AI</mark> targeting call" in response.text and "learning for <mark>AIs</mark>." in response.text
    assert listing_titles(anon_client.get(LIST, {"q": "ew", "open": ""})) == []  # not "new" nor "crewed"
    # A longer word matches where a word starts (drones, swarms), not inside one.
    assert listing_titles(anon_client.get(LIST, {"q": "drone swarm", "open": ""})) == ["Drone swarms call"]
    assert listing_titles(anon_client.get(LIST, {"q": "rone", "open": ""})) == []
    assert listing_titles(anon_client.get("/ja/opportunities/", {"q": "ai", "open": ""})) == ["AI targeting call"]


def test_an_acronym_finds_the_records_of_the_area_whose_lexicon_lists_it(anon_client, db):
    ew = TechnologyAreaFactory(slug="ew", name="Electronic warfare", keywords=["electronic attack", "EW"])
    call = CallFactory(title="Spectrum call", summary="Jamming.")
    call.area_links.create(technology_area=ew, weight=1)
    CallFactory(title="New crewed call")
    assert listing_titles(anon_client.get(LIST, {"q": "EW", "open": ""})) == ["Spectrum call"]


def test_japanese_words_still_match_inside_japanese_text(anon_client, db):
    CallFactory(title="Quantum call", title_ja="量子技術の公募", summary_ja="AI技術を含む")
    response = anon_client.get("/ja/opportunities/", {"q": "技術 ai", "open": ""})
    assert listing_titles(response) == ["Quantum call"]
    assert "量子<mark>技術</mark>の公募" in response.text and "<mark>AI</mark><mark>技術</mark>を含む" in response.text


def test_highlighting_escapes_the_record_before_marking(anon_client, db):
    CallFactory(title="Radar <script>alert(1)</script> call")
    response = anon_client.get(LIST, {"q": "script"})
    assert "Radar &lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; call" in response.text
    assert "<script>alert" not in response.text


def test_invalid_filter_value_is_reported_not_crashing(anon_client, world):
    response = anon_client.get(LIST, {"technology_area": "no-such-area"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text


def test_no_results_suggests_what_to_try(anon_client, world):
    response = anon_client.get(LIST, {"q": "submarine", "kind": "event"})
    assert list(response.context["opportunities"]) == []
    assert "No opportunities match these filters." in response.text
    assert "fewer or more general search words" in response.text
    # Each filter in use can be removed on its own.
    assert 'href="?kind=event"' in response.text
    assert 'href="?q=submarine"' in response.text


def test_the_open_now_filter_reads_once(anon_client, world):
    response = anon_client.get(LIST)  # open now or upcoming is the default
    assert "<strong>Open now or upcoming</strong>" in response.text
    assert "Open, upcoming or closed: Open now" not in response.text
    assert "<strong>Open now</strong>" in anon_client.get(LIST, {"open": "1"}).text  # however it is spelt


def test_best_fit_signed_out_says_how_to_get_it(anon_client, world):
    response = anon_client.get(LIST, {"ordering": "fit"})
    assert response.status_code == 200
    assert "sign in as a member of a firm" in response.text


def test_an_unknown_ordering_is_still_named_as_such(anon_client, world):
    response = anon_client.get(LIST, {"ordering": "zzz"})
    assert "Select a valid choice" in response.text
    assert "sign in as a member of a firm" not in response.text


def test_active_filters_name_the_area_not_its_slug(anon_client, world):
    response = anon_client.get(LIST, {"technology_area": "directed-energy"})
    assert "Technology area: <strong>Directed energy</strong>" in response.text


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("deadline", ["High-power laser call", "DSEI Japan", "Cyber defence call", "Start-up hub"]),
        ("-deadline", ["Cyber defence call", "DSEI Japan", "High-power laser call", "Start-up hub"]),
        ("title", ["Cyber defence call", "DSEI Japan", "High-power laser call", "Start-up hub"]),
    ],
)
def test_sorting(anon_client, world, ordering, expected):
    assert listing_titles(anon_client.get(LIST, {"ordering": ordering, "open": "true"})) == expected


def test_newest_first(anon_client, world):
    newest = CallFactory(title="Brand new call", closes_on=days(300))
    assert listing_titles(anon_client.get(LIST, {"ordering": "newest"}))[0] == newest.title


def test_best_fit_sort_is_offered_to_staff_and_orders_by_their_score(alice_client, anon_client, alice_matches):
    assert 'value="fit"' not in anon_client.get(LIST).text
    response = alice_client.get(LIST, {"ordering": "fit"})
    assert 'value="fit"' in response.text
    assert listing_titles(response)[:2] == ["High-power laser call", "Cyber defence call"]


def test_staff_see_their_firms_score_on_each_row(alice_client, alice_matches):
    response = alice_client.get(LIST)
    assert "Scores are for Firm A" in response.text
    assert response.context["scores"][alice_matches["laser"].opportunity_id].score == 81.5
    assert '<span class="score-number">82</span>' in response.text


def test_bob_never_sees_alices_scores(bob_client, alice_matches):
    response = bob_client.get(LIST, {"ordering": "fit"})
    assert response.context["scores"] == {}
    assert "Firm A" not in response.text
    assert "score-number" not in response.text


def test_pagination_keeps_the_filters(anon_client, db):
    for n in range(25):
        CallFactory(title=f"Call {n:02}", closes_on=days(n + 1))
    first = anon_client.get(LIST, {"kind": "call"})
    assert len(first.context["opportunities"]) == 20
    assert "kind=call&amp;page=2" in first.text
    second = anon_client.get(LIST, {"kind": "call", "page": 2})
    assert listing_titles(second) == [f"Call {n:02}" for n in range(20, 25)]


@pytest.mark.parametrize(
    ("page", "first_title"), [("abc", "Call 00"), ("0", "Call 00"), ("99", "Call 20"), ("last", "Call 20")]
)
def test_a_wrong_page_number_shows_the_nearest_page_not_an_error(anon_client, db, page, first_title):
    for n in range(25):
        CallFactory(title=f"Call {n:02}", closes_on=days(n + 1))
    response = anon_client.get(LIST, {"kind": "call", "page": page})
    assert response.status_code == 200
    assert listing_titles(response)[0] == first_title


def test_csv_export_is_the_filtered_listing(anon_client, world):
    response = anon_client.get("/opportunities/export.csv", {"kind": "call", "open": ""})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["slug"] for row in rows] == ["closed-call", "laser-call", "cyber-call"]
    laser = rows[1]
    assert laser["title_ja"] == "高出力レーザー公募"
    assert laser["organisations"] == "atla"
    assert laser["technology_areas"] == "directed-energy"
    assert laser["deadline"] == days(10).isoformat()
    assert "score" not in laser


def test_csv_export_carries_the_firms_score_for_its_staff_only(alice_client, bob_client, alice_matches):
    rows = list(csv.DictReader(io.StringIO(alice_client.get("/opportunities/export.csv").content.decode("utf-8-sig"))))
    assert {row["slug"]: row["score"] for row in rows}["laser-call"] == "81.5"
    bob_rows = list(
        csv.DictReader(io.StringIO(bob_client.get("/opportunities/export.csv").content.decode("utf-8-sig")))
    )
    assert all(row["score"] == "" for row in bob_rows)


def test_csv_export_under_ja_has_japanese_headers_and_words_and_both_titles(alice_client, alice_matches):
    response = alice_client.get("/ja/opportunities/export.csv", {"kind": "call"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    laser = next(row for row in rows if row["案件ID"] == "laser-call")
    assert laser["日本語タイトル"] == "高出力レーザー公募"
    assert laser["英語タイトル"] == "High-power laser call"
    assert laser["種類"] == "公募" and laser["状態"] == "公開" and laser["確度"] == "高"
    assert laser["機関"] == "防衛装備庁" and laser["技術分野"] == "指向性エネルギー"  # names a Japanese reader can use
    assert laser["締切"] == days(10).isoformat()
    assert laser["スコア"] == "81.5"


def _rows(n: int, areas, orgs, company=None) -> None:
    for _ in range(n):
        opportunity = CallFactory(areas=[areas["laser"], areas["cyber"]])
        opportunity.organisations.add(orgs["atla"], orgs["meti"])
        if company is not None:
            MatchFactory(company=company, opportunity=opportunity)


@pytest.mark.parametrize("rows", [2, 20])
def test_listing_query_count_is_constant_for_anonymous_visitors(
    anon_client, areas, orgs, rows, django_assert_num_queries
):
    _rows(rows, areas, orgs)
    # 1 technology areas for the filter's tick boxes, 2 organisations for the tick boxes,
    # 3 count of matching records (paginator), 4 the page of records,
    # 5 their organisations (prefetch), 6 their area links with areas (prefetch)
    with django_assert_num_queries(6):
        response = anon_client.get(LIST, {"open": "true"})
    assert len(response.context["opportunities"]) == rows


@pytest.mark.parametrize("rows", [2, 20])
def test_listing_query_count_is_constant_for_staff(alice_client, firm_a, areas, orgs, rows, django_assert_num_queries):
    _rows(rows, areas, orgs, company=firm_a)
    # 1 session, 2 user, 3 the user's firms, 4 consultant group check (visible_to),
    # 5 technology areas (tick boxes), 6 organisations (tick boxes), 7 paginator count, 8 the page,
    # 9 organisations (prefetch), 10 area links (prefetch), 11 the firm's matches for the page's records,
    # 12 the firm's pipeline stages for the page's records, 13 whether the user edits the firm's workspace (#14),
    # 14 whether the user saved this query (alerts, #15)
    with django_assert_num_queries(14):
        response = alice_client.get(LIST)
    assert len(response.context["scores"]) == rows


def test_drafts_are_listed_for_consultants_with_a_badge(consultant_client, world):
    response = consultant_client.get(LIST, {"q": "Draft"})
    assert listing_titles(response) == ["Draft record"]
    assert 'badge-draft">Draft' in response.text


def test_low_confidence_records_are_flagged_unverified(anon_client, db):
    OpportunityFactory(title="Rumoured programme", confidence="low")
    assert "unverified" in anon_client.get(LIST, {"q": "Rumoured"}).text


def test_staff_get_a_shortcut_to_records_open_to_their_country(alice_client, alice_matches):
    response = alice_client.get(LIST)
    assert (
        'href="?open=now_or_upcoming&amp;eligible_country=AU">Only those open to firms from Australia</a>'
    ) in response.text
    narrowed = alice_client.get(LIST, {"eligible_country": "AU", "open": "true"})
    assert "Only those open to firms from" not in narrowed.text


def test_shortcut_links_keep_the_filters_in_use_and_drop_the_page(alice_client, alice_matches):
    response = alice_client.get(LIST, {"q": "drone", "open": "true", "kind": "priority_area", "page": "2"})
    assert 'href="?q=drone&amp;open=&amp;kind=priority_area">Include closed</a>' in response.text
    assert (
        'href="?q=drone&amp;open=true&amp;kind=priority_area&amp;eligible_country=AU">'
        "Only those open to firms from Australia</a>"
    ) in response.text


@pytest.fixture
def unpublished_open(world):
    """A draft call and an archived call whose dates are still open, and an archived hub: open to nobody."""
    CallFactory(slug="draft-call", title="Draft laser call", closes_on=days(15), status="draft")
    CallFactory(slug="withdrawn-call", title="Withdrawn call", closes_on=days(25), status="archived")
    OpportunityFactory(slug="old-hub", kind="hub", title="Closed-down hub", status="archived")


OPEN_NOW = ["High-power laser call", "DSEI Japan", "Cyber defence call", "Start-up hub"]


def test_open_now_lists_only_published_records_for_consultants_too(consultant_client, unpublished_open):
    first_visit = consultant_client.get(LIST)  # "open now" by default
    chosen = consultant_client.get(LIST, {"open": "true"})
    api = consultant_client.get("/api/v1/opportunities/", {"open": "true"})

    assert listing_titles(first_visit) == listing_titles(chosen) == OPEN_NOW
    assert [row["title"] for row in api.json()["results"]] == OPEN_NOW
    for draft_or_archived in ("Draft record", "Draft laser call", "Withdrawn call", "Closed-down hub"):
        assert draft_or_archived not in chosen.text
    # "Any" still shows a consultant every record, drafts and archived ones included.
    every = listing_titles(consultant_client.get(LIST, {"open": ""}))
    assert {"Draft record", "Draft laser call", "Withdrawn call"} <= set(every)


def test_open_now_is_unchanged_for_the_public(anon_client, unpublished_open):
    assert listing_titles(anon_client.get(LIST, {"open": "true"})) == OPEN_NOW
    assert listing_titles(anon_client.get(LIST, {"open": "false"})) == ["Closed sensor call"]
