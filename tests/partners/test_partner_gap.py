"""A match that needs a Japanese partner is offered the three best partners for that opportunity."""

import datetime

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partners.models import Partner, PartnerFit
from partners.selectors import partners_for_gap
from tests.factories import CallFactory, MatchFactory, OpportunityFactory
from tests.partners.conftest import make_partner


def test_partners_on_the_programme_come_first_then_the_firms_best_fits_in_its_areas(firm_a, areas, partners):
    call = CallFactory(slug="usv-call", areas=[areas["usv"]])
    on_it = make_partner("yard-on-the-call", role="supplier", areas={areas["cyber"]: 1.0})
    on_it.programmes.add(call)
    second_yard = make_partner("second-yard", role="prime", areas={areas["usv"]: 0.5})
    now = timezone.make_aware(datetime.datetime(2026, 12, 2))
    PartnerFit.objects.create(company=firm_a, partner=partners["shipyard"], score=40.0, computed_at=now)
    PartnerFit.objects.create(company=firm_a, partner=second_yard, score=60.0, computed_at=now)
    PartnerFit.objects.create(company=firm_a, partner=partners["it_prime"], score=90.0, computed_at=now)

    offered = partners_for_gap(company_id=firm_a.pk, opportunity=call)

    # The IT prime fits the firm best overall, but works neither on the call nor in its area.
    assert [p.slug for p in offered] == ["yard-on-the-call", "second-yard", "shipyard-kk"]


def test_the_matches_api_lists_three_partners_on_a_partner_gap_and_none_elsewhere(
    alice_client, firm_a, areas, partners
):
    call = CallFactory(slug="usv-call", areas=[areas["usv"]])
    other = CallFactory(slug="cyber-call", areas=[areas["cyber"]])
    on_it = make_partner("yard-on-the-call", role="supplier", areas={areas["cyber"]: 1.0})
    on_it.programmes.add(call)
    now = timezone.make_aware(datetime.datetime(2026, 12, 2))
    PartnerFit.objects.create(company=firm_a, partner=partners["shipyard"], score=40.0, computed_at=now)
    partner_gap = {"code": "partner_needed", "params": {}}
    MatchFactory(company=firm_a, opportunity=call, score=60.0, gaps=[partner_gap])
    trl_gap = {"code": "trl_unknown", "params": {"min_trl": 4}}
    MatchFactory(company=firm_a, opportunity=other, score=50.0, gaps=[trl_gap])

    response = alice_client.get("/api/v1/companies/firm-a/matches/")

    assert response.status_code == 200
    rows = {row["opportunity"]["slug"]: row for row in response.json()["results"]}
    gap = rows["usv-call"]["gaps_detail"][0]
    assert gap["code"] == "partner_needed"
    assert [p["slug"] for p in gap["partners"]] == ["yard-on-the-call", "shipyard-kk"]
    assert gap["partners"][1] == {
        "slug": "shipyard-kk",
        "name": "Shipyard Kk",
        "name_ja": "造船",
        "name_kana": "ぞうせん",
        "role": "prime",
    }
    assert "partners" not in rows["cyber-call"]["gaps_detail"][0]


def test_the_partners_on_a_gap_are_read_once_per_page(alice_client, firm_a, areas, partners):
    def page_queries(count: int) -> int:
        for i in range(count):
            call = CallFactory(slug=f"usv-call-{count}-{i}", areas=[areas["usv"]])
            MatchFactory(company=firm_a, opportunity=call, gaps=[{"code": "entity_needed", "params": {}}])
        with CaptureQueriesContext(connection) as queries:
            response = alice_client.get("/api/v1/companies/firm-a/matches/?page_size=50")
        results = response.json()["results"]
        assert len(results) == MatchFactory._meta.model.objects.filter(company=firm_a).count()
        assert all([p["slug"] for p in r["gaps_detail"][0]["partners"]] == ["shipyard-kk"] for r in results)
        return len(queries)

    assert page_queries(2) == page_queries(18)


def test_the_gap_plan_links_the_partners_to_talk_to_in_english_and_japanese(alice_client, firm_a, areas, partners):
    call = CallFactory(slug="usv-call", areas=[areas["usv"]])
    MatchFactory(company=firm_a, opportunity=call, score=60.0, gaps=[{"code": "partner_needed", "params": {}}])

    english = alice_client.get("/my/matches/")
    japanese = alice_client.get("/ja/my/matches/")

    assert english.status_code == 200 and japanese.status_code == 200
    # Each link names the record the partner was offered for, which the partner's request form then preselects.
    link = '<a href="/partners/shipyard-kk/?opportunity=usv-call">'
    assert "Partners to talk to:" in english.content.decode()
    assert f"{link}Shipyard Kk</a>" in english.content.decode()
    assert "相談できるパートナー：" in japanese.content.decode()
    assert '<a href="/ja/partners/shipyard-kk/?opportunity=usv-call">造船</a>' in japanese.content.decode()
    # The IT prime works neither on the call nor in its area.
    assert "/partners/it-prime/" not in english.content.decode()


def test_a_plan_without_partner_gaps_offers_no_partners(alice_client, firm_a, areas, partners):
    call = CallFactory(slug="usv-call", areas=[areas["usv"]])
    MatchFactory(company=firm_a, opportunity=call, gaps=[{"code": "trl_unknown", "params": {"min_trl": 4}}])

    response = alice_client.get("/my/matches/")

    assert response.status_code == 200
    assert "Partners to talk to:" not in response.content.decode()


def test_a_record_taking_any_technology_offers_the_firms_best_fitting_partners_on_its_partner_gap(
    alice_client, firm_a, areas, partners
):
    hub = CallFactory(slug="any-door", areas=[])  # no areas and no partner on it: nothing to pick partners by
    now = timezone.make_aware(datetime.datetime(2026, 12, 2))
    PartnerFit.objects.create(company=firm_a, partner=partners["shipyard"], score=40.0, computed_at=now)
    PartnerFit.objects.create(company=firm_a, partner=partners["it_prime"], score=90.0, computed_at=now)
    MatchFactory(company=firm_a, opportunity=hub, score=30.0, gaps=[{"code": "gate_japanese_entity", "params": {}}])

    response = alice_client.get("/api/v1/companies/firm-a/matches/")

    gap = response.json()["results"][0]["gaps_detail"][0]
    assert [p["slug"] for p in gap["partners"]] == [partners["it_prime"].slug, "shipyard-kk"]
    assert [p.slug for p in partners_for_gap(company_id=firm_a.pk, opportunity=hub)] == [
        partners["it_prime"].slug,
        "shipyard-kk",
    ]


def test_a_hub_offers_the_firms_best_fits_in_its_topics_before_the_partners_seen_at_it(firm_a, areas, partners):
    hub = OpportunityFactory(slug="startup-door", kind="hub", areas=[areas["usv"], areas["uav"], areas["cyber"]])
    # Start-ups that presented at the hub, in its topics but far from a USV maker's field.
    for slug in ("lidar-startup", "suit-startup", "pitching-drones"):
        make_partner(slug, role="startup", size="startup", areas={areas["uav"]: 0.4}).programmes.add(hub)
    second_yard = make_partner("second-yard", role="prime", areas={areas["usv"]: 0.5})
    now = timezone.make_aware(datetime.datetime(2026, 12, 2))
    PartnerFit.objects.create(company=firm_a, partner=partners["shipyard"], score=59.0, computed_at=now)
    PartnerFit.objects.create(company=firm_a, partner=second_yard, score=51.0, computed_at=now)
    PartnerFit.objects.create(company=firm_a, partner=partners["it_prime"], score=45.0, computed_at=now)
    lidar = Partner.objects.get(slug="lidar-startup")
    PartnerFit.objects.create(company=firm_a, partner=lidar, score=24.0, computed_at=now)

    offered = partners_for_gap(company_id=firm_a.pk, opportunity=hub)

    # The firm's own fit decides on a hub: the shipyards, then the IT prime (cyber is one of the hub's topics).
    assert [p.slug for p in offered] == ["shipyard-kk", "second-yard", "it-prime"]


def test_on_a_hub_working_on_it_breaks_a_tie_of_fit(firm_a, areas, partners):
    hub = OpportunityFactory(slug="startup-door", kind="hub", areas=[areas["uav"]])
    seen_there = make_partner("zz-seen-there", role="startup", size="startup", areas={areas["uav"]: 1.0})
    seen_there.programmes.add(hub)
    now = timezone.make_aware(datetime.datetime(2026, 12, 2))
    PartnerFit.objects.create(company=firm_a, partner=partners["drones"], score=40.0, computed_at=now)
    PartnerFit.objects.create(company=firm_a, partner=seen_there, score=40.0, computed_at=now)

    offered = partners_for_gap(company_id=firm_a.pk, opportunity=hub)

    assert [p.slug for p in offered] == ["zz-seen-there", "drone-startup"]


def test_the_record_page_names_the_partners_to_talk_to_on_the_firms_partner_gap(alice_client, firm_a, areas, partners):
    call = CallFactory(slug="usv-call", areas=[areas["usv"]])
    second_yard = make_partner("second-yard", role="prime", areas={areas["usv"]: 0.5}, name_ja="第二造船")
    now = timezone.make_aware(datetime.datetime(2026, 12, 2))
    PartnerFit.objects.create(company=firm_a, partner=partners["shipyard"], score=40.0, computed_at=now)
    PartnerFit.objects.create(company=firm_a, partner=second_yard, score=60.0, computed_at=now)
    MatchFactory(company=firm_a, opportunity=call, score=60.0, gaps=[{"code": "partner_needed", "params": {}}])

    english = alice_client.get("/opportunities/usv-call/").content.decode()
    japanese = alice_client.get("/ja/opportunities/usv-call/").content.decode()

    # The same partners, in the same order, as the API's gaps_detail and the gap plan.
    api = alice_client.get("/api/v1/companies/firm-a/matches/").json()["results"][0]["gaps_detail"][0]
    assert [p["slug"] for p in api["partners"]] == ["second-yard", "shipyard-kk"]
    assert (
        "Partners to talk to: "
        '<a href="/partners/second-yard/?opportunity=usv-call">Second Yard</a>, '
        '<a href="/partners/shipyard-kk/?opportunity=usv-call">Shipyard Kk</a>'
    ) in english
    assert '<a href="/ja/partners/second-yard/?opportunity=usv-call">第二造船</a>' in japanese
    assert "/partners/it-prime/" not in english


def test_the_record_page_names_no_partners_without_a_partner_gap_nor_to_another_firm(
    alice_client, bob_client, firm_a, firm_b, areas, partners
):
    call = CallFactory(slug="usv-call", areas=[areas["usv"]])
    MatchFactory(company=firm_a, opportunity=call, score=60.0, gaps=[{"code": "partner_needed", "params": {}}])
    MatchFactory(company=firm_b, opportunity=call, score=50.0, gaps=[{"code": "trl_unknown", "params": {"min_trl": 4}}])

    bobs = bob_client.get("/opportunities/usv-call/")
    anons = Client().get("/opportunities/usv-call/")

    assert bobs.status_code == 200 and anons.status_code == 200
    assert "Partners to talk to:" not in bobs.content.decode()
    assert "Partners to talk to:" not in anons.content.decode()
    assert "Partners to talk to:" in alice_client.get("/opportunities/usv-call/").content.decode()


def test_a_partner_link_from_a_gap_preselects_its_opportunity_in_the_request_form(alice_client, areas, partners):
    CallFactory(slug="usv-call", title="USV call", areas=[areas["usv"]])
    CallFactory(slug="draft-call", status="draft")

    linked = alice_client.get("/partners/shipyard-kk/?opportunity=usv-call").content.decode()
    unknown = alice_client.get("/partners/shipyard-kk/?opportunity=no-such-record").content.decode()
    draft = alice_client.get("/partners/shipyard-kk/?opportunity=draft-call").content.decode()

    assert '<option value="usv-call" selected>USV call</option>' in linked
    for page in (unknown, draft):
        assert '<option value="usv-call">USV call</option>' in page
        assert '<option value="" selected>' in page
        assert '<option value="draft-call"' not in page
