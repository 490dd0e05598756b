"""A firm's editors (and consultants) dismiss a wrong suggested area ("Not our field"), and undo that on the profile."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from matching.models import AreaDismissal, MatchRun

PAGE = "/my/matches/"
PROFILE = "/companies/firm-a/"
TICK = "/my/matches/tick-area/"
DISMISS = "/my/matches/dismiss-area/"
UNDO = "/my/matches/undo-dismiss-area/"
USV = "Uncrewed surface vessels"
# The demo's GA-ASI: a UAV maker whose words (maritime, surface, patrol) also read as uncrewed surface vessels.
GA_ASI = (
    "GA-ASI builds the Predator family of remotely piloted aircraft. MQ-9B SeaGuardian is a medium-altitude, "
    "long-endurance RPA for maritime wide-area search: a multi-mode maritime surface-search radar, AIS receiver, "
    "EO/IR camera and more than 30 hours on station, designed to be certified to fly in civil airspace. Operators "
    "use it for anti-submarine and surface surveillance, search and rescue and border patrol."
)


@pytest.fixture
def uav_maker(drone_firm, curated_areas):
    """Firm A as GA-ASI: it ticks UAVs and C2/ISR, and is suggested uncrewed surface vessels."""
    drone_firm.description = GA_ASI
    drone_firm.save()
    drone_firm.technology_areas.add(curated_areas["uav"], curated_areas["c2-isr"])
    return drone_firm


def suggested(response) -> list[str]:
    return [entry["area"] for entry in response.context["area_suggestions"]]


def dismissed(response) -> list[str]:
    return [entry["area"] for entry in response.context["dismissed_areas"]]


def test_an_editor_offered_a_wrong_area_sees_a_not_our_field_button(alice_client, uav_maker):
    page = alice_client.get(PAGE)

    assert suggested(page) == ["usv"]
    assert f'aria-label="Not our field: {USV}">Not our field</button>' in page.text
    assert "changes no score; to lower a match, mark it not relevant below." in page.text
    assert "mark it not relevant in My matches." in alice_client.get(PROFILE).text  # said where the list is not


def test_dismissing_on_my_matches_hides_the_area_on_both_pages_and_changes_no_score(alice, alice_client, uav_maker):
    response = alice_client.post(DISMISS, {"company": "firm-a", "area": "usv"}, follow=True)

    assert response.redirect_chain == [("/my/matches/?company=firm-a", 302)]
    assert f"{USV} will no longer be suggested for Firm A. The firm’s profile lists it, with a button to undo." in (
        response.text
    )
    assert suggested(response) == [] and "Not our field</button>" not in response.text
    profile = alice_client.get(PROFILE)
    assert suggested(profile) == [] and dismissed(profile) == ["usv"]
    dismissal = AreaDismissal.objects.get(company=uav_maker)
    assert (dismissal.technology_area.slug, dismissal.dismissed_by) == ("usv", alice)
    row = dismissal.history.get()
    assert (row.history_type, row.history_user, row.history_change_reason) == (
        "+",
        alice,
        "Dismissed a suggested area on My matches",
    )
    assert not MatchRun.objects.exists()  # nothing is rescored: the firm's matches stay as they were
    assert sorted(uav_maker.technology_areas.values_list("slug", flat=True)) == ["c2-isr", "uav"]


def test_dismissing_on_the_profile_hides_it_on_both_pages_and_lists_it_with_undo(alice_client, uav_maker):
    profile = alice_client.get(PROFILE)
    assert "Not our field</button>" in profile.text

    response = alice_client.post(DISMISS, {"company": "firm-a", "area": "usv", "from": "profile"}, follow=True)

    assert response.redirect_chain == [(PROFILE, 302)]
    assert suggested(response) == [] and dismissed(response) == ["usv"]
    assert "Dismissed suggestions" in response.text
    assert f'aria-label="Undo dismissing {USV}">Undo</button>' in response.text
    assert suggested(alice_client.get(PAGE)) == []
    assert AreaDismissal.objects.get().history.get().history_change_reason == (
        "Dismissed a suggested area on the firm's profile"
    )


def test_undo_on_the_profile_brings_the_suggestion_back(alice, alice_client, uav_maker):
    alice_client.post(DISMISS, {"company": "firm-a", "area": "usv"})

    response = alice_client.post(UNDO, {"company": "firm-a", "area": "usv", "from": "profile"}, follow=True)

    assert response.redirect_chain == [(PROFILE, 302)]
    assert f"{USV} may be suggested again for Firm A." in response.text
    assert suggested(response) == ["usv"] and dismissed(response) == []
    assert "Dismissed suggestions" not in response.text
    assert suggested(alice_client.get(PAGE)) == ["usv"]
    assert not AreaDismissal.objects.exists()
    undone = AreaDismissal.history.latest()
    assert (undone.history_type, undone.history_user, undone.history_change_reason) == (
        "-",
        alice,
        "Undid a dismissed suggestion on the firm's profile",
    )


def test_a_viewer_has_no_button_and_her_posts_are_refused(viewer_client, alice_client, uav_maker):
    page = viewer_client.get(PAGE)
    assert suggested(page) == ["usv"] and "Not our field" not in page.text
    assert viewer_client.post(DISMISS, {"company": "firm-a", "area": "usv"}).status_code == 403
    assert not AreaDismissal.objects.exists()

    alice_client.post(DISMISS, {"company": "firm-a", "area": "usv"})
    profile = viewer_client.get(PROFILE)

    assert dismissed(profile) == ["usv"] and "Undo</button>" not in profile.text  # read-only for viewers
    assert viewer_client.post(UNDO, {"company": "firm-a", "area": "usv", "from": "profile"}).status_code == 403
    assert AreaDismissal.objects.count() == 1


def test_another_firms_staff_get_a_404_and_nothing_is_written(bob_client, alice_client, uav_maker):
    assert bob_client.post(DISMISS, {"company": "firm-a", "area": "usv"}).status_code == 404
    assert not AreaDismissal.objects.exists()

    alice_client.post(DISMISS, {"company": "firm-a", "area": "usv"})

    assert bob_client.post(UNDO, {"company": "firm-a", "area": "usv", "from": "profile"}).status_code == 404
    assert AreaDismissal.objects.count() == 1


def test_a_consultant_dismisses_for_a_firm_and_consultants_see_who_did(
    consultant, consultant_client, alice_client, uav_maker
):
    response = consultant_client.post(DISMISS, {"company": "firm-a", "area": "usv"}, follow=True)

    assert response.redirect_chain == [(PROFILE, 302)]  # a consultant has no matches page for the firm
    assert f"{USV} will no longer be suggested for Firm A." in response.text
    assert dismissed(response) == ["usv"]
    assert f"dismissed by {consultant.username} on" in response.text
    staff_view = alice_client.get(PROFILE)  # who is for consultants, as in the firm's history
    assert "dismissed on" in staff_view.text and "dismissed by" not in staff_view.text
    assert AreaDismissal.objects.get().dismissed_by == consultant


def test_an_unknown_area_is_refused_with_a_message_and_nothing_written(alice_client, uav_maker):
    response = alice_client.post(DISMISS, {"company": "firm-a", "area": "warp-drive"}, follow=True)

    assert "No such technology area: nothing was dismissed." in response.text
    assert not AreaDismissal.objects.exists() and not AreaDismissal.history.exists()
    undo = alice_client.post(UNDO, {"company": "firm-a", "area": "warp-drive", "from": "profile"}, follow=True)
    assert "No such technology area: nothing was changed." in undo.text


def test_dismissing_twice_keeps_one_dismissal_and_one_history_row(alice_client, uav_maker):
    for _ in range(2):
        response = alice_client.post(DISMISS, {"company": "firm-a", "area": "usv"}, follow=True)
        assert f"{USV} will no longer be suggested for Firm A." in response.text

    assert AreaDismissal.objects.count() == 1
    assert AreaDismissal.history.count() == 1


def test_ticking_a_dismissed_area_ticks_it_and_clears_the_dismissal(alice, alice_client, uav_maker):
    alice_client.post(DISMISS, {"company": "firm-a", "area": "usv"})

    response = alice_client.post(TICK, {"company": "firm-a", "area": "usv", "from": "profile"}, follow=True)

    assert f"{USV} is now ticked on your profile." in response.text
    assert "usv" in uav_maker.technology_areas.values_list("slug", flat=True)
    assert not AreaDismissal.objects.exists() and dismissed(response) == []
    cleared = AreaDismissal.history.latest()
    assert (cleared.history_type, cleared.history_user, cleared.history_change_reason) == (
        "-",
        alice,
        "Ticked the dismissed area",
    )
    assert MatchRun.objects.filter(scope="company", company=uav_maker).exists()  # the tick's rescore


def test_the_japanese_pages_offer_the_button_and_answer_in_japanese(alice_client, uav_maker, curated_areas):
    curated_areas["usv"].name_ja = "無人水上艇"
    curated_areas["usv"].save()
    page = alice_client.get("/ja/my/matches/")
    assert 'aria-label="無人水上艇は自社の分野ではない">自社の分野ではない</button>' in page.text

    response = alice_client.post("/ja/my/matches/dismiss-area/", {"company": "firm-a", "area": "usv"}, follow=True)

    # No space between the two sentences, as Japanese writes them.
    assert "Firm Aに無人水上艇を今後提案しません。企業プロフィールの「除外した提案」に" in response.text
    profile = alice_client.get("/ja/companies/firm-a/")
    assert "除外した提案" in profile.text and "無人水上艇の除外を取り消す" in profile.text
    undo = alice_client.post("/ja/my/matches/undo-dismiss-area/", {"company": "firm-a", "area": "usv"}, follow=True)
    assert "Firm Aに無人水上艇を再び提案することがあります。" in undo.text
    assert undo.redirect_chain == [("/ja/companies/firm-a/", 302)]  # back to the profile, where the button is
    assert AreaDismissal.history.latest().history_change_reason == "Undid a dismissed suggestion on the firm's profile"


def test_an_area_ticked_elsewhere_after_its_dismissal_is_no_longer_listed_as_dismissed(
    alice_client, uav_maker, curated_areas
):
    alice_client.post(DISMISS, {"company": "firm-a", "area": "usv", "from": "profile"})
    uav_maker.technology_areas.add(curated_areas["usv"])  # through the profile form, the admin, the API or an import

    response = alice_client.get(PROFILE)

    assert dismissed(response) == [] and "Dismissed suggestions" not in response.text


def test_the_dismissals_history_in_the_admin_reads_japanese(alice_client, consultant_client, uav_maker, curated_areas):
    curated_areas["usv"].name_ja = "無人水上艇"
    curated_areas["usv"].save()
    alice_client.post(DISMISS, {"company": "firm-a", "area": "usv"})

    page = consultant_client.get("/ja/admin/matching/historicalareadismissal/").text

    assert "提案された分野の除外の履歴" in page and "Historical" not in page
    for header in ("日時", "企業", "技術分野", "変更者", "理由"):
        assert header in page
    assert "無人水上艇" in page and "自社のマッチで提案された分野を除外" in page


def test_an_area_the_firm_ticks_cannot_be_dismissed_and_the_firm_is_told_where_to_untick_it(alice_client, uav_maker):
    # A second tab's stale button, or a hand-made POST: the firm ticks uav.
    response = alice_client.post(DISMISS, {"company": "firm-a", "area": "uav"}, follow=True)

    assert response.redirect_chain == [("/my/matches/?company=firm-a", 302)]
    assert "is ticked on the firm’s profile: untick it there to say it is not the firm’s field." in response.text
    assert "will no longer be suggested" not in response.text
    assert not AreaDismissal.objects.exists()
    japanese = alice_client.post("/ja/my/matches/dismiss-area/", {"company": "firm-a", "area": "uav"}, follow=True)
    assert "は企業プロフィールでチェックされています。" in japanese.text


def test_the_profile_reads_the_same_number_of_queries_for_one_dismissal_or_four(
    alice, alice_client, uav_maker, curated_areas
):
    from matching.services import area_dismissal_add

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert alice_client.get(PROFILE).status_code == 200
        return len(captured)

    area_dismissal_add(company=uav_maker, area=curated_areas["usv"], by=alice, reason="")
    queries()  # the first visit fits the suggestions' corpus and fills the caches
    one = queries()
    for slug in ("uuv", "space", "cyber"):
        area_dismissal_add(company=uav_maker, area=curated_areas[slug], by=alice, reason="")
    page = alice_client.get(PROFILE)
    assert len(dismissed(page)) == 4
    assert queries() == one


def test_two_dismissals_of_the_same_area_at_once_keep_one_and_answer_both(alice, uav_maker, curated_areas):
    """Without row locks (SQLite) both requests can pass the 'already dismissed?' read; the second insert then
    meets the unique constraint, and its request answers as for a repeat, not with a 500."""
    from unittest import mock

    from matching.services import area_dismissal_add

    usv = curated_areas["usv"]
    assert area_dismissal_add(company=uav_maker, area=usv, by=alice, reason="first")
    from django.db.models.query import QuerySet

    read = QuerySet.exists

    def twin_read(queryset):  # what the twin request read just before the first one's insert
        return False if queryset.model is AreaDismissal else read(queryset)

    with mock.patch.object(QuerySet, "exists", autospec=True, side_effect=twin_read):
        again = area_dismissal_add(company=uav_maker, area=usv, by=alice, reason="second")

    assert again is False
    assert AreaDismissal.objects.filter(company=uav_maker).count() == 1
    assert AreaDismissal.history.count() == 1


def _dismissal_reads(client, url: str) -> tuple[object, int]:
    """The page at URL and how many of its queries read the firm's dismissals (the scorer's corpus is warm)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, sum('FROM "matching_areadismissal"' in query["sql"] for query in queries.captured_queries)


@pytest.mark.parametrize("url", [PAGE, PROFILE])
def test_each_page_reads_the_firms_dismissals_once_and_still_hides_and_lists_them(alice_client, uav_maker, url):
    alice_client.post(DISMISS, {"company": "firm-a", "area": "usv"})

    response, reads = _dismissal_reads(alice_client, url)

    # Once for both what is no longer suggested and (on the profile) the list with its Undo buttons.
    assert reads == 1
    assert suggested(response) == []
    if url == PROFILE:
        assert dismissed(response) == ["usv"] and f"Undo dismissing {USV}" in response.text


def test_a_dismissals_admin_page_names_it_with_the_date_in_japan_time(alice_client, consultant_client, uav_maker):
    alice_client.post(DISMISS, {"company": "firm-a", "area": "usv"})
    row = AreaDismissal.history.get()
    row.history_date = datetime.datetime(2026, 12, 4, 23, 30, tzinfo=datetime.UTC)  # 08:30 on the 5th in Tokyo
    row.save()
    url = f"/admin/matching/historicalareadismissal/{row.pk}/change/"

    english, japanese = consultant_client.get(url).text, consultant_client.get(f"/ja{url}").text

    assert f"<h2>Firm A: {USV} dismissed on 5 December 2026, 8:30</h2>" in english
    assert f"&rsaquo; Firm A: {USV} dismissed on 5 December 2026, 8:30\n</div>" in english
    assert f"<h2>Firm A：{USV}（2026年12月5日8:30 除外済み）</h2>" in japanese
    assert "+00:00" not in english + japanese
