"""The opportunity detail page: the full record, eligibility, sources, history, and who sees which scores."""

import datetime

from programmes.models import Opportunity
from programmes.services import opportunity_areas_set
from tests.factories import CertificationFactory, MatchFactory, OpportunityFactory, SourceFactory


def url(opportunity) -> str:
    return f"/opportunities/{opportunity.slug}/"


def test_detail_spells_out_the_record_and_its_eligibility(anon_client, world):
    laser = world["laser"]
    laser.min_trl = 6
    laser.eligible_sizes = ["startup", "sme"]
    laser.japan_presence = Opportunity.Presence.PARTNER
    laser.eligibility_notes = "Bids go through a Japanese prime."
    laser.save()
    laser.required_certifications.add(CertificationFactory(code="as9100d", name="AS9100D"))
    response = anon_client.get(url(laser))
    assert response.status_code == 200
    text = response.text
    assert "High-power laser call" in text
    assert '<span lang="ja">高出力レーザー公募</span>' in text  # the Japanese title beside the English one
    assert "Australia, Japan" in text
    assert "Start-up, SME" in text
    assert "Technology readiness level 6 or higher" in text
    assert "Japanese partner" in text
    assert "AS9100D" in text
    assert "Bids go through a Japanese prime." in text
    assert "ATLA" in text and "Directed energy" in text


def test_the_japanese_detail_names_required_certifications_in_japanese(anon_client, world):
    world["laser"].required_certifications.add(
        CertificationFactory(code="cmmc-l2", name="CMMC Level 2 (Advanced)", name_ja="CMMC レベル2（高度）")
    )
    assert "CMMC レベル2（高度）" in anon_client.get("/ja" + url(world["laser"])).text
    assert "CMMC Level 2 (Advanced)" in anon_client.get(url(world["laser"])).text


def test_detail_says_any_country_and_size_when_unrestricted(anon_client, world):
    text = anon_client.get(url(world["hub"])).text
    assert "Firms from any country" in text
    assert "Any size" in text
    assert "No minimum stated" in text


def test_sources_show_when_they_were_read_and_flag_low_confidence(anon_client, world):
    laser = world["laser"]
    SourceFactory(opportunity=laser, title="ATLA notice", accessed_on=datetime.date(2026, 5, 1), confidence="high")
    SourceFactory(opportunity=laser, title="Trade press rumour", confidence="low")
    laser.last_verified_on = datetime.date(2026, 6, 2)
    laser.save()
    text = anon_client.get(url(laser)).text
    assert "ATLA notice" in text
    assert "read 1 May 2026" in text
    assert "Last verified on 2 June 2026" in text
    rumour = text[text.index("Trade press rumour") :].split("</li>")[0]
    assert "unverified" in rumour
    official = text[text.index("ATLA notice") :].split("</li>")[0]
    assert "unverified" not in official


def test_unverified_record_is_badged(anon_client, world):
    hub = world["hub"]
    hub.confidence = "low"
    hub.last_verified_on = None
    hub.save()
    text = anon_client.get(url(hub)).text
    assert text.count("badge-unverified") >= 2
    assert "Nobody has verified this record yet." in text


def test_related_records_are_linked(anon_client, world):
    world["laser"].related.add(world["event"])
    text = anon_client.get(url(world["laser"])).text
    assert 'href="/opportunities/dsei-japan/"' in text


def test_change_history_shows_when_and_what_to_everyone_and_who_and_why_to_consultants(
    anon_client, consultant_client, world, consultant
):
    laser = world["laser"]
    laser.summary = "Updated summary."
    laser._change_reason = "ATLA moved the deadline"
    laser.save()
    history = laser.history.first()
    history.history_user = consultant
    history.save()
    public = anon_client.get(url(laser)).text
    assert "Change history" in public
    assert "<td>Changed</td><td>Summary</td>" in public
    assert "ATLA moved the deadline" not in public
    assert "<td>consultant</td>" not in public
    curated = consultant_client.get(url(laser)).text
    assert "<td>Summary</td><td>consultant</td><td>ATLA moved the deadline</td>" in curated


def test_drafts_are_not_found_for_the_public(anon_client, alice_client, consultant_client, world):
    assert anon_client.get("/opportunities/draft-record/").status_code == 404
    assert alice_client.get("/opportunities/draft-record/").status_code == 404
    assert consultant_client.get("/opportunities/draft-record/").status_code == 200


def test_staff_see_their_firms_breakdown_and_gaps(alice_client, alice_matches):
    response = alice_client.get(url(alice_matches["laser"].opportunity))
    text = response.text
    assert "How Firm A fits" in text
    assert '<span class="score-number">81.5</span>' in text
    assert '<rect class="seg-capability" x="0.000" y="0" width="45.000"' in text
    assert "Capability</strong> 45.0" in text
    assert "no AS9100D or JIS Q 9100" in text
    assert "declares Directed energy" in text and "declares directed-energy" not in text


def test_bob_never_sees_alices_score_on_the_detail_page(bob_client, alice_matches):
    response = bob_client.get(url(alice_matches["laser"].opportunity))
    assert response.status_code == 200
    assert response.context["match"] is None
    assert "Firm A" not in response.text
    assert "score-number" not in response.text
    assert response.context["top_matches"] == []


def test_consultants_see_the_best_fitting_firms(consultant_client, alice_matches, firm_b):
    MatchFactory(company=firm_b, opportunity=alice_matches["laser"].opportunity, score=40)
    response = consultant_client.get(url(alice_matches["laser"].opportunity))
    assert [m.company.name for m in response.context["top_matches"]] == ["Firm A", "Firm B"]
    assert "Best-fitting firms" in response.text


def test_event_shows_its_dates_and_venue(anon_client, world):
    text = anon_client.get(url(world["event"])).text
    assert "Makuhari Messe, Chiba" in text
    assert "starts in 20 days" in text


def test_the_japanese_page_shows_the_japanese_summary(anon_client, world):
    laser = world["laser"]
    laser.summary_ja = "高出力レーザーの公募。"
    laser.save()
    text = anon_client.get(f"/ja{url(laser)}").text
    assert "<h1>高出力レーザー公募</h1>" in text
    assert '<p class="lede" lang="ja">高出力レーザーの公募。</p>' in text
    assert '<span class="badge badge-english">' not in text


def test_where_japanese_text_is_missing_the_english_shows_marked_as_english(anon_client, world):
    hub = world["hub"]
    hub.title_ja, hub.summary_ja = "", ""
    hub.save()
    text = anon_client.get(f"/ja{url(hub)}").text
    assert f'<h1><span lang="en">{hub.title}</span> <span class="badge badge-english">英語</span></h1>' in text
    assert f'<span lang="en">{hub.summary}</span> <span class="badge badge-english">英語</span>' in text
    # English readers see no marker.
    assert "badge-english" not in anon_client.get(url(hub)).text


def test_a_sources_english_note_is_marked_as_english_on_the_japanese_page(anon_client, world):
    laser = world["laser"]
    SourceFactory(opportunity=laser, url="https://example.org/basis", note="Basis of the expected window.")
    SourceFactory(opportunity=laser, url="https://example.org/ja-note", note="公募要領の第3版。")
    text = anon_client.get(f"/ja{url(laser)}").text
    note = '<span class="muted" lang="en">Basis of the expected window.</span>'
    english = f'{note} <span class="badge badge-english">英語</span>'
    assert english in text
    assert '<span class="muted" lang="ja">公募要領の第3版。</span></li>' in text
    assert "badge-english" not in anon_client.get(url(laser)).text.split("Basis of the expected window.")[1][:80]


def test_a_firms_english_description_is_marked_as_english_on_its_japanese_page(alice_client, firm_a):
    firm_a.description = "We build small satellites."
    firm_a.save()
    text = alice_client.get(f"/ja/companies/{firm_a.slug}/").text
    assert '<p class="lede" lang="en">We build small satellites.' in text and "badge-english" in text
    assert "badge-english" not in alice_client.get(f"/companies/{firm_a.slug}/").text


def test_a_change_of_area_weights_alone_is_listed_in_the_history(anon_client, world, consultant):
    from programmes.services import opportunity_update

    laser = world["laser"]
    weights = {link.technology_area: link.weight for link in laser.area_links.select_related("technology_area")}
    area = next(iter(weights))
    before = weights[area]
    weights[area] = 0.4 if weights[area] != 0.4 else 0.6

    opportunity_update(opportunity=laser, data={"areas": weights}, by=consultant, reason="ATLA narrowed the call")

    new, old = laser.history.all()[:2]
    assert new.diff_against(old).changed_fields == ["technology_areas"]
    said = f"{area.name}, weight {before:g} → {weights[area]:g}"
    assert f"<td>Changed</td><td>Technology areas (changed: {said})</td>" in anon_client.get(url(laser)).text


def test_the_history_costs_the_same_queries_for_one_row_naming_areas_or_five(anon_client, world, areas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    laser = world["laser"]

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert anon_client.get(url(laser)).status_code == 200
        return len(queries)

    for n in range(5):  # the record's first rows (and their links) out of the five shown
        laser.summary = f"Change {n}."
        laser.save()
    opportunity_areas_set(opportunity=laser, weights={areas["laser"]: 0.9}, by=None)
    one = page_queries()  # one row names an area, four name the summary
    for weight in (0.8, 0.7, 0.6, 0.5):
        opportunity_areas_set(opportunity=laser, weights={areas["laser"]: weight}, by=None)
    assert page_queries() == one  # five rows name areas: the names are read once for the page


def test_change_history_names_the_areas_a_change_added_and_reweighted(anon_client, world, areas):
    laser = world["laser"]
    opportunity_areas_set(opportunity=laser, weights={areas["laser"]: 1.0, areas["cyber"]: 0.5}, by=None)
    opportunity_areas_set(opportunity=laser, weights={areas["laser"]: 0.8, areas["cyber"]: 0.5}, by=None)

    english = anon_client.get(url(laser)).text
    japanese = anon_client.get(f"/ja{url(laser)}").text

    assert "<td>Technology areas (added: Cyber)</td>" in english
    assert "<td>Technology areas (changed: Directed energy, weight 1 → 0.8)</td>" in english
    assert "追加：サイバー" in japanese and "変更：指向性エネルギー（重み 1 → 0.8）" in japanese


def test_a_change_of_a_sources_note_alone_names_the_sources_in_the_public_history(
    anon_client, consultant_client, consultant, world
):
    from django.urls import reverse

    from tests.programmes.test_admin import _form_data

    laser = world["laser"]
    source = SourceFactory(opportunity=laser, title="ATLA notice")
    admin_page = reverse("admin:programmes_opportunity_change", args=[laser.pk])
    data = _form_data(consultant_client.get(admin_page))
    row = next(key[: -len("-id")] for key, value in data.items() if key.endswith("-id") and value == str(source.pk))
    data |= {f"{row}-note": "Page reorganised; same call."}
    assert consultant_client.post(admin_page, data).status_code == 302
    assert laser.history.first().history_change_reason == "Edited in the admin: changed source “ATLA notice”"

    english = anon_client.get(url(laser)).text
    japanese = anon_client.get(f"/ja{url(laser)}").text
    consultants = consultant_client.get(url(laser)).text

    assert "<td>Changed</td><td>Sources (changed: ATLA notice)</td>" in english
    assert "<td>Changed</td><td>—</td>" not in english
    assert "出典（変更：ATLA notice）" in japanese
    assert "<td>Sources (changed: ATLA notice)</td><td>consultant</td>" in consultants


def test_one_save_that_reweights_an_area_and_adds_a_source_names_both_in_the_history(
    anon_client, consultant_client, world
):
    from django.urls import reverse

    from tests.programmes.test_admin import _form_data

    laser = world["laser"]
    admin_page = reverse("admin:programmes_opportunity_change", args=[laser.pk])
    data = _form_data(consultant_client.get(admin_page))
    source_row = data["sources-INITIAL_FORMS"]
    data |= {
        "area_links-0-weight": "0.5",
        f"sources-{source_row}-url": "https://www.mod.go.jp/atla/laser-update.html",
        f"sources-{source_row}-title": "ATLA laser update",
        f"sources-{source_row}-publisher": "ATLA",
        f"sources-{source_row}-confidence": "high",
        "change_reason": "Rechecked with ATLA",
    }
    assert consultant_client.post(admin_page, data).status_code == 302

    public = anon_client.get(url(laser)).text
    admin_history = consultant_client.get(reverse("admin:programmes_opportunity_history", args=[laser.pk])).text

    assert "Technology areas (changed: Directed energy, weight 1 → 0.5)" in public
    assert "Sources (added: ATLA laser update)" in public
    assert "Sources (added: ATLA laser update)" in admin_history


def test_a_record_verified_again_the_same_day_shows_the_public_no_empty_row(
    anon_client, consultant_client, consultant, world
):
    from programmes.services import opportunity_verify

    laser = world["laser"]
    opportunity_verify(opportunity=laser, by=consultant)
    opportunity_verify(opportunity=laser, by=consultant)  # the same day: a row that changes no field

    public = anon_client.get(url(laser)).text.split('id="history"')[1]
    assert "<td>Changed</td><td>—</td>" not in public
    assert public.count("<td>Changed</td><td>Last verified by</td>") == 1  # the first verification is listed
    curated = consultant_client.get(url(laser)).text.split('id="history"')[1]
    assert "<td>—</td><td>consultant</td><td>Verified against its sources</td>" in curated


def test_the_public_still_sees_five_history_rows_after_same_day_verifications(anon_client, world, consultant):
    from programmes.services import opportunity_verify

    laser = world["laser"]
    for n in range(4):
        laser.summary = f"Summary {n}."
        laser.save()
    for _ in range(4):
        opportunity_verify(opportunity=laser, by=consultant)  # the first names a field, the other three none

    public = anon_client.get(url(laser)).text.split('id="history"')[1].split("</table>")[0]
    assert public.count("<tr><td>") == 5
    assert "<td>Changed</td><td>—</td>" not in public


def test_a_firm_is_told_why_a_record_has_no_score_for_it(alice_client, firm_a):
    """An expected edition, an undated event, a past call and a record not yet scored each say why in their words."""
    today = datetime.date.today()
    year = datetime.timedelta(days=365)
    expected = OpportunityFactory(
        slug="expo-next", kind=Opportunity.Kind.EVENT, expected_from=today + year, expected_until=today + 2 * year,
        expected_basis="from the last two editions",
    )  # fmt: skip
    undated = OpportunityFactory(slug="industry-day-next", kind=Opportunity.Kind.EVENT)
    closed = OpportunityFactory(slug="old-call", kind=Opportunity.Kind.CALL, closes_on=today - year, status="archived")
    waiting = OpportunityFactory(slug="new-programme")

    def said(record) -> str:
        return alice_client.get(url(record)).context["unscored_because"]

    assert [said(r) for r in (expected, undated, closed, waiting)] == ["expected", "undated", "past", None]
    text = alice_client.get(url(expected)).text
    assert "its dates are not announced. It is scored once they are; follow it to hear when." in text
    assert "it may be closed" not in text
    assert "no firm is scored against it any more" in alice_client.get(url(closed)).text
    assert "the next scoring run has not reached it" in alice_client.get(url(waiting)).text
    japanese = alice_client.get("/ja" + url(expected)).text
    assert "この回の日程がまだ発表されていないため" in japanese

    for n in range(50):  # the firm now keeps its 50 best matches: a record without one fell below them
        MatchFactory(company=firm_a, opportunity=OpportunityFactory(slug=f"kept-{n}"), score=40.0 + n / 10)
    assert said(waiting) == "below_kept"
    assert "below its 50 best matches, which are the ones kept" in alice_client.get(url(waiting)).text


def test_a_source_edited_alone_weeks_after_a_title_edit_is_its_own_entry_in_the_history(
    anon_client, consultant_client, world
):
    from django.db.models import F
    from django.urls import reverse

    from tests.programmes.test_admin import _form_data

    laser = world["laser"]
    source = SourceFactory(opportunity=laser, title="ATLA notice")
    admin_page = reverse("admin:programmes_opportunity_change", args=[laser.pk])
    data = _form_data(consultant_client.get(admin_page)) | {"title": "High-power laser call (2027)"}
    assert consultant_client.post(admin_page, data).status_code == 302
    twenty_days = datetime.timedelta(days=20)  # all of it happened 20 days before the source's edit
    laser.history.update(history_date=F("history_date") - twenty_days)
    source.history.update(history_date=F("history_date") - twenty_days)
    source_page = reverse("admin:programmes_source_change", args=[source.pk])  # same default reason, same person
    source_data = _form_data(consultant_client.get(source_page)) | {"note": "Page moved; same call."}
    assert consultant_client.post(source_page, source_data).status_code == 302

    public = anon_client.get(url(laser)).text
    admin_history = consultant_client.get(reverse("admin:programmes_opportunity_history", args=[laser.pk])).text

    assert "<td>Changed</td><td>Sources (changed: ATLA notice)</td>" in public  # an entry of its own
    assert "<td>Changed</td><td>Title</td>" in public  # the title edit names only the title
    # The admin's history lists it too, as an entry of its own above the title edit, never as part of that edit.
    rows = admin_history.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    (alone,) = [row for row in rows if "Sources (changed: ATLA notice)" in row]
    (title_edit,) = [row for row in rows if "High-power laser call (2027)" in row]
    assert rows.index(alone) < rows.index(title_edit) and "Title" not in alone
    assert f'<a href="/admin/programmes/source/{source.pk}/history/">ATLA notice</a>' in alone
    assert "Edited in the admin" in alone and "consultant" in alone
    assert f"{len(rows)} entries" in admin_history
