"""Partner pages and introduction requests under /ja/ name areas, opportunities and partners in Japanese."""

import re

import pytest

from partners.models import Introduction
from tests.factories import CallFactory
from tests.partners.conftest import make_partner


@pytest.fixture
def usv_call(db):
    return CallFactory(slug="usv-call", title="USV call", title_ja="無人水上艇公募")


def test_the_japanese_partner_listing_offers_area_names_in_japanese(anon_client, partners):
    text = anon_client.get("/ja/partners/").text

    assert re.search(r'value="usv"[^>]*>\s*無人水上艇</label>', text)  # a tick box per area, as on /opportunities/
    assert re.search(r'value="cyber"[^>]*>\s*サイバー</label>', text)
    assert "Uncrewed surface vessels" not in text


def test_the_japanese_partner_count_uses_a_counter_that_fits_research_bodies_too(anon_client, partners):
    make_partner("tohoku-university", role="research", areas={}, name_ja="東北大学")

    assert '<p class="meta">4件のパートナー</p>' in anon_client.get("/ja/partners/").text
    assert '<p class="meta">4 partners</p>' in anon_client.get("/partners/").text


def test_the_english_partner_listing_keeps_english_area_names(anon_client, partners):
    text = anon_client.get("/partners/").text

    assert re.search(r'value="usv"[^>]*>\s*Uncrewed surface vessels</label>', text)
    assert re.search(r'type="checkbox" name="role" value="prime"', text)
    assert '<a href="/partners/">Clear all</a>' in text


def test_the_introduction_form_lists_opportunities_by_their_japanese_titles(alice_client, partners, usv_call):
    text = alice_client.get("/ja/partners/shipyard-kk/").text

    assert '<option value="usv-call">無人水上艇公募</option>' in text
    assert "<title>造船" in text
    assert '<option value="usv-call">USV call</option>' in alice_client.get("/partners/shipyard-kk/").text


def test_my_introductions_name_the_partner_and_opportunity_in_japanese(alice_client, alice, firm_a, partners, usv_call):
    introduction = Introduction.objects.create(
        company=firm_a, partner=partners["shipyard"], opportunity=usv_call, message="Hello.", requested_by=alice
    )

    listing = alice_client.get("/ja/my/introductions/").text
    detail = alice_client.get(f"/ja/my/introductions/{introduction.pk}/").text

    assert f'<a href="/ja/my/introductions/{introduction.pk}/">造船</a>' in listing
    assert "<td>無人水上艇公募</td>" in listing
    assert "Shipyard Kk" not in listing and "USV call" not in listing
    assert "造船" in detail and "無人水上艇公募</a>" in detail
    assert "Shipyard Kk" not in detail
    english = alice_client.get("/my/introductions/").text
    assert ">Shipyard Kk</a>" in english and "<td>USV call</td>" in english


def test_capabilities_written_only_in_english_are_marked_so_on_the_japanese_page(anon_client, partners):
    text = anon_client.get("/ja/partners/drone-startup/").text
    assert '<span lang="en">Long-range drones for surveillance.</span> <span class="badge badge-english">' in text
    assert '<span lang="en">Long-range' not in anon_client.get("/partners/drone-startup/").text


def test_the_japanese_introduction_form_orders_opportunities_by_the_titles_it_shows(alice_client, partners):
    CallFactory(slug="alpha-call", title="Alpha call", title_ja="無人機公募")
    CallFactory(slug="zulu-call", title="Zulu call", title_ja="サイバー公募")

    japanese = alice_client.get("/ja/partners/shipyard-kk/").text
    english = alice_client.get("/partners/shipyard-kk/").text

    assert japanese.index('value="zulu-call"') < japanese.index('value="alpha-call"')
    assert english.index('value="alpha-call"') < english.index('value="zulu-call"')


def test_english_partnership_summaries_and_source_titles_are_marked_and_dates_read_japanese(anon_client, partners):
    text = anon_client.get("/ja/partners/shipyard-kk/").text

    assert '<span lang="en">Frigates.</span> <span class="badge badge-english">' in text
    assert 'rel="noopener" lang="en">About shipyard-kk</a>' in text
    assert "2026年12月2日" in text
    assert "2026-12-02" not in text


def test_a_partners_city_reads_in_japanese_on_japanese_pages(anon_client, partners):
    shipyard = partners["shipyard"]
    shipyard.city_ja = "横浜"
    shipyard.save()

    japanese = [anon_client.get(url).text for url in ("/ja/partners/", "/ja/partners/shipyard-kk/")]
    english = [anon_client.get(url).text for url in ("/partners/", "/partners/shipyard-kk/")]

    assert all("<span>横浜</span>" in text and "<span>Yokohama</span>" not in text for text in japanese)
    assert all("<span>Yokohama</span>" in text and "横浜" not in text for text in english)
    assert [p["slug"] for p in anon_client.get("/api/v1/partners/", {"q": "横浜"}).json()["results"]] == ["shipyard-kk"]
    assert '<span lang="en">Tokyo</span>' in japanese[0]  # a city with no Japanese name is marked English there


def test_every_curated_partner_city_has_its_japanese_name(db):
    import yaml
    from django.conf import settings

    records = yaml.safe_load((settings.BASE_DIR / "fixtures" / "partners.yaml").read_text(encoding="utf-8"))
    records = records["records"]
    missing = [r["slug"] for r in records if r.get("city") and not r.get("city_ja")]
    assert missing == []


def test_a_partner_page_names_it_once_in_each_language_and_labels_weights_and_confidence(anon_client, partners):
    japanese = anon_client.get("/ja/partners/shipyard-kk/").text
    english = anon_client.get("/partners/shipyard-kk/").text

    assert japanese.count("造船") == 2  # the <title> and the heading; the line below gives the English name
    assert '<span lang="en">Shipyard Kk</span>' in japanese
    assert '<span lang="ja">造船</span>' in english
    assert "確度：" in japanese and "confidence: " in english
    assert "(weight 0.8)" in english and "（比重 0.8）" in japanese


def test_lists_of_names_are_joined_with_the_japanese_comma_under_ja(anon_client, partners):
    japanese = anon_client.get("/ja/partners/").text
    english = anon_client.get("/partners/").text

    assert "無人水上艇、無人潜水艇" in japanese or "無人潜水艇、無人水上艇" in japanese
    assert "Uncrewed surface vessels, Uncrewed underwater vehicles" in english or (
        "Uncrewed underwater vehicles, Uncrewed surface vessels" in english
    )


def test_a_partner_without_a_contact_page_says_so_instead_of_linking_elsewhere(anon_client, partners):
    partner = partners["drones"]
    partner.contact_url = ""
    partner.save()

    english = anon_client.get("/partners/drone-startup/").text
    japanese = anon_client.get("/ja/partners/drone-startup/").text

    assert "No public contact page is on record" in english
    assert "公開の問い合わせ先は記録にありません" in japanese


def test_a_partner_whose_japanese_name_is_its_english_one_is_named_once(anon_client, areas):
    make_partner("acsl", role="startup", areas={areas["uav"]: 1.0}, name="ACSL", name_ja="ACSL")

    for prefix in ("", "/ja"):
        text = anon_client.get(f"{prefix}/partners/acsl/").text
        meta = re.search(r'<p class="meta">(.*?)</p>', text, re.S).group(1)
        assert "ACSL" not in meta  # the heading names it; the line below does not repeat it
