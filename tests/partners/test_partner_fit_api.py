"""GET /api/v1/companies/{slug}/partners/: a firm's partners ranked, paginated, explained in en and ja."""

import datetime

import pytest
from django.utils import timezone

from partners.models import PartnerFit
from tests.api.conftest import assert_golden


@pytest.fixture
def fits(firm_a, firm_b, partners):
    now = timezone.make_aware(datetime.datetime(2026, 12, 2, 6, 0))
    parts = {"shared_areas": {"value": 0.9, "weight": 0.6, "contribution": 54.0}}
    PartnerFit.objects.create(
        company=firm_a, partner=partners["shipyard"], score=54.0, components=parts, computed_at=now,
        reasons=[
            {"code": "partner.shared_areas", "params": {"areas": ["usv", "uuv"]}},
            {"code": "partner.complementary_role", "params": {"role": "prime"}},
        ],
        gaps=[{"code": "partner.low_confidence", "params": {}}],
    )  # fmt: skip
    PartnerFit.objects.create(
        company=firm_a, partner=partners["drones"], score=12.5, computed_at=now,
        gaps=[{"code": "partner.no_shared_area", "params": {}}],
    )  # fmt: skip
    PartnerFit.objects.create(company=firm_b, partner=partners["it_prime"], score=70.0, computed_at=now)


def test_alice_sees_her_firms_partners_best_first_with_reasons_in_words(alice_client, fits):
    response = alice_client.get("/api/v1/companies/firm-a/partners/")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["partner"]["slug"] for row in rows] == ["shipyard-kk", "drone-startup"]
    assert rows[0]["partner"] == {
        "slug": "shipyard-kk",
        "name": "Shipyard Kk",
        "name_ja": "造船",
        "name_kana": "ぞうせん",
        "role": "prime",
    }
    assert rows[0]["reasons_detail"][0]["text"] == (
        "Works in the same areas as your firm: Uncrewed surface vessels, Uncrewed underwater vehicles."
    )
    assert rows[1]["gaps_detail"][0]["code"] == "partner.no_shared_area"
    assert_golden(response, "companies-partners-list")


def test_the_reasons_come_in_japanese_when_asked(alice_client, fits):
    response = alice_client.get("/api/v1/companies/firm-a/partners/?lang=ja")

    text = response.json()["results"][0]["reasons_detail"][0]["text"]
    assert "無人水上艇" in text and "Works in" not in text


def test_the_reasons_follow_accept_language_and_a_bad_lang_is_refused_like_matches(alice_client, fits):
    japanese = alice_client.get("/api/v1/companies/firm-a/partners/", headers={"accept-language": "ja"})
    french = alice_client.get("/api/v1/companies/firm-a/partners/?lang=fr")

    assert japanese["Content-Language"] == "ja"
    assert "無人水上艇" in japanese.json()["results"][0]["reasons_detail"][0]["text"]
    assert french.status_code == 400
    assert french.json() == {"lang": ["Choose one of: en, ja."]}


def test_the_list_is_paginated_like_matches(alice_client, fits):
    response = alice_client.get("/api/v1/companies/firm-a/partners/?page_size=1")

    body = response.json()
    assert body["count"] == 2 and len(body["results"]) == 1 and body["next"].endswith("page=2&page_size=1")


def test_bob_and_anonymous_callers_get_nothing(bob_client, anon_client, fits):
    assert bob_client.get("/api/v1/companies/firm-a/partners/").status_code == 404
    assert anon_client.get("/api/v1/companies/firm-a/partners/").status_code in (401, 403)


def test_the_query_count_is_the_same_at_2_and_20_rows(alice_client, fits, partners, firm_a, django_assert_num_queries):
    from tests.partners.conftest import make_partner

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert alice_client.get("/api/v1/companies/firm-a/partners/").status_code == 200
        return len(queries)

    at_2 = count()
    for n in range(18):
        partner = make_partner(f"extra-{n}", role="sme", areas={})
        PartnerFit.objects.create(company=firm_a, partner=partner, score=1.0, computed_at=timezone.now())
    at_20 = count()

    # session, user, the firm check, count, the page of fits with their partners, area and opportunity labels
    assert at_2 == at_20
