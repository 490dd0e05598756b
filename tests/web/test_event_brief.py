"""/my/briefs/<event>/: a firm's printable brief for one event, in English and Japanese, for its own staff only."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from matching.models import Match
from partners.models import PartnerFit
from tests.factories import CallFactory, EventFactory, MatchFactory, MembershipFactory, UserFactory
from tests.partners.conftest import make_partner

URL = "/my/briefs/maritime-expo-2027/"


def section(html: str, heading_id: str) -> str:
    """The HTML of one brief section, from its heading to the next section."""
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    return html[start:end]


def test_the_brief_lists_linked_opportunities_by_shared_area_then_score(alice_client, brief_world):
    html = alice_client.get(URL).content.decode()
    rows = section(html, "opportunities-heading")

    assert rows.index("USV call") < rows.index("MOD cyber programme")  # shares an area, though it scores lower
    assert "Uncrewed surface vessels" in rows and "<td>MOD</td>" in rows  # why each is linked
    assert "Cyber-only call" not in rows  # neither area nor organisation in common, however high it scores
    assert "Maritime Expo 2027</a>" not in rows  # the event itself is not an opportunity linked to itself


def test_the_brief_names_partners_to_meet_with_why(alice_client, brief_world):
    html = alice_client.get(URL).content.decode()
    partners = section(html, "partners-heading")

    assert "Shipyard KK" in partners
    assert "Works in the same areas as your firm: Uncrewed surface vessels." in partners
    assert "IT Prime" not in partners  # a better fit, but in none of the event's areas or records


def test_the_brief_shows_gaps_with_what_to_do_organisations_and_notices(alice_client, brief_world):
    html = alice_client.get(URL).content.decode()
    gaps = section(html, "gaps-heading")
    notices = section(html, "notices-heading")

    assert "Reach TRL 7" in gaps
    assert "find a Japanese partner firm before applying" in gaps and "Shipyard KK" in gaps
    assert "MOD" in section(html, "organisations-heading") and "(Ministry of Defense)" in html
    assert "USV export rule" in notices
    assert "US-only rule" not in notices  # alice's firm is Australian
    assert "Draft rule" not in notices


def test_the_brief_shows_dates_venue_ics_and_the_chart(alice_client, brief_world):
    event = brief_world["event"]
    html = alice_client.get(URL).content.decode()
    when = section(html, "when-heading")
    chart = section(html, "chart-heading")

    assert event.starts_on.strftime("%Y-%m-%d") in when and "Makuhari Messe, Chiba" in when
    assert f"{URL}event.ics" in when
    assert "<svg" in chart
    # usv: the event's weight 60 and alice's best score 71 (a declared area); uuv: weight 40, no match
    assert "Uncrewed surface vessels ✓" in chart and ">60<" in chart and ">71<" in chart
    assert "Uncrewed underwater vehicles<" in chart and ">40<" in chart and "no match in this area" in chart


def test_the_brief_reads_in_japanese(alice_client, brief_world):
    response = alice_client.get(f"/ja{URL}")
    html = response.content.decode()

    assert response.status_code == 200
    assert '<html lang="ja">' in html
    assert "海洋博2027" in html and "無人水上艇公募" in html
    assert "貴社と同じ分野で事業を行っています：無人水上艇。" in section(html, "partners-heading")
    assert "造船所" in html
    assert "無人水上艇の輸出規則" in html


def test_an_expected_edition_says_expected_and_its_ics_is_tentative(alice_client, brief_world):
    EventFactory(
        slug="maritime-expo-2029", title="Maritime Expo 2029 (expected)", starts_on=None, ends_on=None, venue="",
        expected_from=datetime.date(2029, 5, 1), expected_until=datetime.date(2029, 6, 30),
        expected_basis="from the 2025 and 2027 editions", areas=[(brief_world["usv"], 0.5)],
    )  # fmt: skip
    html = alice_client.get("/my/briefs/maritime-expo-2029/").content.decode()
    ics = Calendar.from_ical(alice_client.get("/my/briefs/maritime-expo-2029/event.ics").content)
    entry = ics.walk("VEVENT")[0]

    assert "expected</span>" in html and "Expected May 2029 to June 2029, not announced" in html
    assert "Not announced" in section(html, "when-heading")  # no venue yet
    assert "USV call" in section(html, "opportunities-heading")
    assert str(entry["STATUS"]) == "TENTATIVE" and entry.decoded("DTSTART") == datetime.date(2029, 5, 1)


def test_an_expected_edition_without_areas_borrows_its_previous_editions(alice_client, brief_world):
    nxt = EventFactory(
        slug="maritime-expo-next", title="Maritime Expo (next)", starts_on=None, ends_on=None,
        expected_from=datetime.date(2029, 5, 1), expected_until=datetime.date(2029, 6, 30), expected_basis="pattern",
    )  # fmt: skip
    nxt.related.add(brief_world["event"])
    html = alice_client.get("/my/briefs/maritime-expo-next/").content.decode()

    assert "they are taken from" in html and "Maritime Expo 2027" in section(html, "chart-heading")
    assert "USV call" in section(html, "opportunities-heading")


def test_the_japanese_brief_says_the_areas_come_from_the_linked_edition_not_the_next_one(alice_client, brief_world):
    nxt = EventFactory(
        slug="maritime-expo-next", title="Maritime Expo (next)", starts_on=None, ends_on=None,
        expected_from=datetime.date(2029, 5, 1), expected_until=datetime.date(2029, 6, 30), expected_basis="pattern",
    )  # fmt: skip
    nxt.related.add(brief_world["event"])  # the 2027 edition: an earlier one
    html = alice_client.get("/ja/my/briefs/maritime-expo-next/").content.decode()

    assert "この回の分野はまだ記載されていないため、関連する回から引用しています：海洋博2027。" in html
    assert "次の回" not in html


def test_the_event_ics_has_the_dates_and_the_venue(alice_client, brief_world):
    response = alice_client.get(f"{URL}event.ics")
    entry = Calendar.from_ical(response.content).walk("VEVENT")[0]

    assert response["Content-Type"].startswith("text/calendar")
    assert entry.decoded("DTSTART") == brief_world["event"].starts_on
    assert str(entry["LOCATION"]) == "Makuhari Messe, Chiba"


def test_bob_never_sees_alices_brief(bob_client, brief_world):
    assert bob_client.get(f"{URL}?company=firm-a").status_code == 404
    own = bob_client.get(URL)
    html = own.content.decode()

    assert own.status_code == 200 and "Firm B" in html
    assert "71" not in section(html, "opportunities-heading")  # alice's score on the shared call
    assert "33" in section(html, "opportunities-heading")


def test_unknown_and_non_event_slugs_are_404(alice_client, brief_world):
    assert alice_client.get("/my/briefs/no-such-event/").status_code == 404
    assert alice_client.get("/my/briefs/usv-call/").status_code == 404  # a call, not an event
    assert alice_client.get("/my/briefs/usv-call/event.ics").status_code == 404


def test_a_draft_event_is_404_to_staff(alice_client, brief_world):
    EventFactory(slug="secret-expo", status="draft")
    assert alice_client.get("/my/briefs/secret-expo/").status_code == 404


def test_signing_in_is_needed_and_a_user_without_a_firm_gets_404(anon_client, client, brief_world):
    response = anon_client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory(username="nobody"))
    assert client.get(URL).status_code == 404


def test_a_member_of_two_firms_picks_one(brief_world, firm_b, client):
    both = UserFactory(username="both")
    MembershipFactory(user=both, company=brief_world["usv_call"].matches.get(company__slug="firm-a").company)
    MembershipFactory(user=both, company=firm_b)
    client.force_login(both)

    assert "Firm B" in client.get(f"{URL}?company=firm-b").content.decode()
    assert client.get(f"{URL}?company=other").status_code == 404


def test_the_event_page_and_my_matches_link_to_the_brief(alice_client, brief_world):
    assert URL in alice_client.get("/opportunities/maritime-expo-2027/").content.decode()
    assert URL in alice_client.get("/my/matches/").content.decode()
    assert "/ja" + URL in alice_client.get("/ja/opportunities/maritime-expo-2027/").content.decode()


def queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL).status_code == 200
    return len(captured)


def test_the_brief_costs_the_same_queries_at_2_and_20_rows(alice_client, firm_a, brief_world):
    def add(n: int, prefix: str) -> None:
        now = timezone.now()
        for i in range(n):
            call = CallFactory(slug=f"{prefix}-call-{i}", title=f"{prefix} call {i}", areas=[brief_world["usv"]])
            MatchFactory(
                company=firm_a, opportunity=call, score=40.0 + i,
                reasons=[{"code": "ticked", "params": {"area": "usv"}}],
                gaps=[{"code": "partner_needed", "params": {}}],
            )  # fmt: skip
            partner = make_partner(f"{prefix}-partner-{i}", role="sme", areas={brief_world["usv"]: 0.5})
            partner.programmes.add(call)
            PartnerFit.objects.create(
                company=firm_a, partner=partner, score=20.0 + i, computed_at=now,
                reasons=[{"code": "partner.known_programmes", "params": {"opportunities": [call.slug]}}],
            )  # fmt: skip

    add(1, "first")  # with the fixture's: 2 linked opportunities and 2 partners
    alice_client.get(URL)  # fits the suggestions' corpus, kept until a curated record changes
    at_2 = queries(alice_client)
    add(18, "more")  # 20 and 20 (the page shows 10 of each)

    # session and user; the firm; the event, its areas, its organisations; the linked matches with their
    # organisations and areas; the chart's best scores and the firm's declared areas; the partners to meet;
    # the gap plan's partners (five); the notices and their sources; area and record names for the text; the
    # firm's words for its suggested areas
    assert queries(alice_client) == at_2


def little_fit_records(client) -> list[str]:
    """The records the brief's "little technology fit" row counts, once the USV call and the MOD cyber programme
    (linked through MOD) both carry the gap."""
    low_fit = {"code": "low_fit", "params": {"capability": 0.2, "cap": 20}}
    Match.objects.filter(opportunity__slug__in=["usv-call", "mod-cyber"]).update(gaps=[low_fit])
    rows = [item for _c, _l, items in client.get(URL).context["brief"].gap_plan for item in items]
    (row,) = [item for item in rows if item.text == "little technology fit"]
    return [m.opportunity.slug for m in row.matches]


def test_the_brief_counts_little_technology_fit_only_on_records_in_the_firms_field(alice_client, brief_world):
    """The firm ticks uncrewed surface vessels: little fit on the USV call asks it to describe those products, while
    little fit on the MOD cyber programme (outside the firm's field) is the plain answer."""
    assert little_fit_records(alice_client) == ["usv-call"]


def test_the_brief_counts_little_fit_on_records_in_an_area_the_firms_words_suggest(
    alice_client, firm_a, brief_world, monkeypatch
):
    """A firm that ticks nothing, whose words suggest cyber (the rule is matching's, tested there)."""
    firm_a.technology_areas.clear()
    monkeypatch.setattr("web.briefs.suggested_area_slugs", lambda company: ["cyber"])
    assert little_fit_records(alice_client) == ["mod-cyber"]


def test_the_chart_reads_each_area_from_the_records_about_it_not_those_naming_it_in_passing(alice_client, brief_world):
    """A USV call that also lists underwater vehicles at a fifth of its weight is not the firm's fit in that area."""
    usv_call = brief_world["usv_call"]
    uuv = brief_world["event"].area_links.get(technology_area__slug="uuv").technology_area
    usv_call.area_links.create(technology_area=uuv, weight=0.2)
    chart = section(alice_client.get(URL).content.decode(), "chart-heading")
    assert "Uncrewed underwater vehicles<" in chart and "no match in this area" in chart  # not 71, the USV call's

    uuv_call = CallFactory(slug="uuv-call", title="UUV call", areas=[uuv])
    MatchFactory(company=usv_call.matches.get(score=71.0).company, opportunity=uuv_call, score=48.0)
    chart = section(alice_client.get(URL).content.decode(), "chart-heading")
    assert ">48<" in chart and "no match in this area" not in chart


def past_editions(firm_a, usv) -> list:
    """A published event that ended last week and an archived edition from last year, both matched for firm A."""
    today = timezone.localdate()
    ended = EventFactory(
        slug="maritime-expo-2025", title="Maritime Expo 2025", areas=[usv],
        starts_on=today - datetime.timedelta(days=10), ends_on=today - datetime.timedelta(days=8),
    )  # fmt: skip
    archived = EventFactory(
        slug="maritime-expo-2024", title="Maritime Expo 2024", areas=[usv], status="archived",
        starts_on=today - datetime.timedelta(days=400), ends_on=today - datetime.timedelta(days=398),
    )  # fmt: skip
    for event in (ended, archived):
        MatchFactory(company=firm_a, opportunity=event, score=50.0, reasons=[], gaps=[])
    return [ended, archived]


def test_a_past_event_offers_no_brief_on_its_page_or_on_my_matches(alice_client, firm_a, brief_world):
    events = past_editions(firm_a, brief_world["usv"])
    my_matches = alice_client.get("/my/matches/", {"kind": "event"}).content.decode()

    for event in events:
        page = alice_client.get(f"/opportunities/{event.slug}/").content.decode()
        assert "past edition" in page
        assert f"/my/briefs/{event.slug}/" not in page and "Event brief for Firm A" not in page
        assert event.title in my_matches and f"/my/briefs/{event.slug}/" not in my_matches
    assert URL in my_matches  # the event still ahead keeps its brief


def test_a_past_events_brief_reached_directly_says_the_event_is_over(alice_client, firm_a, brief_world):
    ended, archived = past_editions(firm_a, brief_world["usv"])

    for event in (ended, archived):
        response = alice_client.get(f"/my/briefs/{event.slug}/")
        assert response.status_code == 200
        assert "This event is over" in response.content.decode()
    assert "This event is over" not in alice_client.get(URL).content.decode()
    assert "このイベントは終了しました" in alice_client.get(f"/ja/my/briefs/{ended.slug}/").content.decode()
