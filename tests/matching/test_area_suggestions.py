"""My matches suggests the areas a firm's own words read as but it does not tick, and an editor ticks one there."""

import pytest

from matching.models import MatchRun
from programmes.models import Opportunity
from tests.factories import OpportunityFactory

PAGE = "/my/matches/"
PROFILE = "/companies/firm-a/"
TICK = "/my/matches/tick-area/"
UAV = "Uncrewed aerial vehicles (ISR, attack, ship-based, HAPS)"
# What every save that has the firm rescored says (companies.confirmations), to its staff and to a consultant.
STAFF_NOTE = "Your matches will be updated shortly: until the rescore finishes, My matches shows the scores from before"
CONSULTANT_NOTE = "Its matches will be updated shortly: until the rescore finishes, they show the scores from before"


def suggested(response) -> list[str]:
    return [entry["area"] for entry in response.context["area_suggestions"]]


def test_a_firm_that_ticks_nothing_is_offered_its_area_with_the_words_why(alice_client, drone_firm):
    response = alice_client.get(PAGE)

    assert suggested(response)[0] == "uav"
    text = response.text
    assert "Areas your description suggests" in text
    assert f"{UAV}: description has words for" in text
    assert f"Tick {UAV}</button>" in text
    # Above the list of matches, where a firm that ticks nothing sees it without paging through them.
    assert text.index("Areas your description suggests") < text.index('id="matches-heading"')


def test_an_editor_ticks_a_suggested_area_and_the_firm_is_rescored(alice_client, drone_firm, curated_areas):
    drone_firm.technology_areas.add(curated_areas["ai-autonomy"])

    response = alice_client.post(TICK, {"company": "firm-a", "area": "uav"})

    assert response.status_code == 302 and response["Location"] == "/my/matches/?company=firm-a"
    assert sorted(drone_firm.technology_areas.values_list("slug", flat=True)) == ["ai-autonomy", "uav"]
    assert drone_firm.history.latest().history_change_reason == "Ticked a suggested area on My matches"
    assert MatchRun.objects.filter(scope="company", company=drone_firm).exists()  # its rescore is recorded
    page = alice_client.get(PAGE)
    assert "uav" not in suggested(page)
    assert f"{UAV} is now ticked on your profile." in page.text


def test_a_viewer_sees_the_suggestions_but_cannot_tick(viewer_client, drone_firm):
    client = viewer_client
    page = client.get(PAGE)

    assert suggested(page)[0] == "uav"
    assert "Tick Uncrewed" not in page.text and "Your firm's editors can tick them here or on its profile." in page.text
    assert client.post(TICK, {"company": "firm-a", "area": "uav"}).status_code == 403
    assert not drone_firm.technology_areas.exists()


def test_another_firms_profile_cannot_be_ticked(bob_client, drone_firm):
    assert bob_client.post(TICK, {"company": "firm-a", "area": "uav"}).status_code == 404
    assert not drone_firm.technology_areas.exists()


def test_an_unknown_area_is_refused_with_a_message_and_nothing_ticked(alice_client, drone_firm):
    response = alice_client.post(TICK, {"company": "firm-a", "area": "warp-drive"}, follow=True)

    assert "No such technology area: nothing was ticked." in response.text
    assert not drone_firm.technology_areas.exists()


def test_a_firm_writing_about_farms_is_suggested_nothing(alice_client, firm_a, curated_areas):
    firm_a.description = "Autonomous tractors and weeding robots for broadacre farms, with crop-mapping software."
    firm_a.save()

    response = alice_client.get(PAGE)

    assert suggested(response) == []
    assert "Areas your description suggests" not in response.text


@pytest.mark.parametrize(
    ("reader", "path", "lede"),
    [
        ("alice_client", PAGE, "会社説明から読み取れる技術分野"),  # the firm's editor, on her matches
        ("consultant_client", PROFILE, "Firm Aの会社説明は次の技術分野に当たると読み取れます"),  # on the profile
    ],
)
def test_the_suggestions_read_in_japanese_on_the_japanese_pages(request, drone_firm, curated_areas, reader, path, lede):
    curated_areas["uav"].name_ja = "無人航空機"
    curated_areas["uav"].save()

    text = request.getfixturevalue(reader).get(f"/ja{path}").text

    assert "会社説明から読み取れる技術分野" in text and lede in text
    assert "無人航空機：会社説明に" in text
    assert "無人航空機を選択</button>" in text


def test_with_the_cache_down_the_corpus_is_fitted_once_a_minute_not_for_every_page(
    alice_client, drone_firm, monkeypatch
):
    from matching import suggestions
    from portal import generations

    monkeypatch.setattr(generations, "_read", lambda families: None)  # what an unreachable Redis answers
    fits = []
    real = suggestions.build_corpus
    monkeypatch.setattr(suggestions, "build_corpus", lambda *args: fits.append(1) or real(*args))
    suggestions._corpus.clear()

    for _ in range(3):
        assert suggested(alice_client.get(PAGE))[0] == "uav"
    assert len(fits) == 1

    later = suggestions._corpus["fitted"] + suggestions.UNCACHED_FOR + 1
    monkeypatch.setattr(suggestions.time, "monotonic", lambda: later)
    alice_client.get(PAGE)
    assert len(fits) == 2


def test_a_consultant_ticks_for_a_firm_and_lands_on_its_profile(consultant_client, drone_firm):
    response = consultant_client.post(TICK, {"company": "firm-a", "area": "uav"}, follow=True)

    assert response.redirect_chain[-1][0] == "/companies/firm-a/"
    firm = drone_firm.name
    assert response.status_code == 200 and f"{UAV} is now ticked on {firm}&#x27;s profile." in response.text
    assert list(drone_firm.technology_areas.values_list("slug", flat=True)) == ["uav"]


def test_ticking_an_area_already_ticked_says_so(alice_client, drone_firm, curated_areas):
    drone_firm.technology_areas.add(curated_areas["uav"])
    rows = drone_firm.history.count()

    response = alice_client.post(TICK, {"company": "firm-a", "area": "uav"}, follow=True)

    assert f"{UAV} was already ticked on your profile." in response.text
    assert drone_firm.history.count() == rows


def test_a_tick_made_on_a_japanese_page_reads_in_each_readers_language_in_the_history(
    alice_client, consultant_client, drone_firm
):
    alice_client.post(f"/ja{TICK}", {"company": "firm-a", "area": "uav"})

    assert drone_firm.history.latest().history_change_reason == "Ticked a suggested area on My matches"  # stored
    assert "Ticked a suggested area on My matches" in consultant_client.get("/companies/firm-a/").text
    assert "自社のマッチで提案された分野を選択" in consultant_client.get("/ja/companies/firm-a/").text


def test_ticking_one_suggestion_leaves_the_others_offered(alice_client, firm_a, curated_areas, monkeypatch):
    # A ticked area's affinity rises (0.82 to 0.96 here) and its neighbour's falls (0.80 to 0.70). At this bar (the
    # demo's full corpus puts the neighbour just under the real one) the bar set by the ticked area hid the other.
    monkeypatch.setattr("matching.suggestions.SHARE", 0.75)
    firm_a.description = (  # the demo's Skydio, which reads as aerial vehicles and as AI and autonomy
        "Skydio makes the autonomous drones that inspectors, first responders and soldiers trust. Our X10 and the "
        "defence variant X10D see the world with on-board computer vision, avoid obstacles by themselves and keep "
        "flying close to structures where GPS is poor; thermal and zoom cameras, night flight and a secure data link "
        "come standard. Skydio Dock lets a drone live on site and fly remote missions, 24/7. X10D is on the US Blue "
        "UAS list."
    )
    firm_a.save()
    before = suggested(alice_client.get(PAGE))
    assert len(before) >= 2, before

    alice_client.post(TICK, {"company": "firm-a", "area": before[0]})

    assert suggested(alice_client.get(PAGE)) == before[1:]


def test_a_consultant_sees_a_firms_suggested_areas_with_the_words_why_on_its_profile(consultant_client, drone_firm):
    response = consultant_client.get(PROFILE)

    assert suggested(response)[0] == "uav"
    text = response.text
    assert "Areas the firm's description suggests" in text
    assert "The description of Firm A reads as these technology areas" in text
    assert f"{UAV}: description has words for" in text  # the same item, rendered as on my matches
    assert f"Tick {UAV}</button>" in text
    assert '<input type="hidden" name="from" value="profile">' in text


def test_a_consultant_ticks_a_suggested_area_on_the_profile_and_stays_there(consultant_client, drone_firm):
    response = consultant_client.post(TICK, {"company": "firm-a", "area": "uav", "from": "profile"}, follow=True)

    assert response.redirect_chain == [(PROFILE, 302)]
    assert f"{UAV} is now ticked on Firm A&#x27;s profile. {CONSULTANT_NOTE}" in response.text
    assert "uav" not in suggested(response)
    assert list(drone_firm.technology_areas.values_list("slug", flat=True)) == ["uav"]
    assert drone_firm.history.latest().history_change_reason == "Ticked a suggested area on the firm's profile"
    assert MatchRun.objects.filter(scope="company", company=drone_firm).exists()


def test_an_editor_ticking_on_her_profile_comes_back_to_it(alice_client, drone_firm):
    page = alice_client.get(PROFILE)
    assert suggested(page)[0] == "uav" and f"Tick {UAV}</button>" in page.text

    response = alice_client.post(TICK, {"company": "firm-a", "area": "uav", "from": "profile"}, follow=True)

    assert response.redirect_chain == [(PROFILE, 302)]
    assert f"{UAV} is now ticked on your profile. {STAFF_NOTE}" in response.text


def test_a_viewer_sees_the_suggestions_on_the_profile_without_a_tick_button(viewer_client):
    page = viewer_client.get(PROFILE)

    assert suggested(page)[0] == "uav"
    assert "Tick Uncrewed" not in page.text and "The firm's editors can tick them." in page.text


def test_another_firms_member_gets_a_404_and_no_suggestions(bob_client, drone_firm):
    response = bob_client.get(PROFILE)

    assert response.status_code == 404
    assert UAV not in response.text
    assert bob_client.post(TICK, {"company": "firm-a", "area": "uav", "from": "profile"}).status_code == 404
    assert not drone_firm.technology_areas.exists()


def test_a_profile_with_nothing_to_suggest_shows_no_suggestions(consultant_client, firm_a, curated_areas):
    firm_a.description = "Autonomous tractors and weeding robots for broadacre farms, with crop-mapping software."
    firm_a.save()

    response = consultant_client.get(PROFILE)

    assert response.status_code == 200 and suggested(response) == []
    assert "description suggests" not in response.text


def test_the_profiles_history_names_the_area_a_tick_added(alice_client, consultant_client, drone_firm, curated_areas):
    curated_areas["uav"].name_ja = "無人航空機"
    curated_areas["uav"].save()
    alice_client.post(TICK, {"company": "firm-a", "area": "uav"})

    assert f"Technology areas (added: {UAV})" in consultant_client.get("/companies/firm-a/").text
    assert "技術分野（追加：無人航空機）" in consultant_client.get("/ja/companies/firm-a/").text


def test_an_area_reached_through_related_words_says_so_not_that_they_are_its_keywords(
    alice_client, firm_a, curated_areas
):
    OpportunityFactory(
        slug="atla-uuv",
        kind=Opportunity.Kind.PRIORITY_AREA,
        title="Undersea vehicles",
        summary="Torpedo-shaped vehicles that survey the seafloor and guard undersea cables.",
        areas=[curated_areas["uuv"]],
    )
    firm_a.description = "Our torpedo-shaped robots survey the seafloor for the navy."
    firm_a.save()

    response = alice_client.get(PAGE)

    entry = next(e for e in response.context["area_suggestions"] if e["area"] == "uuv")
    assert "description writes about related terms: " in entry["text"] and "seafloor" in entry["text"]
    assert "has words for" not in entry["text"]
