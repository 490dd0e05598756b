"""Company pages under /ja/ name technology areas in Japanese, in the listing, its filter and the profile."""

import pytest

from tests.factories import CertificationFactory, TechnologyAreaFactory


@pytest.fixture
def usv(firm_a):
    area = TechnologyAreaFactory(slug="usv", name="Uncrewed surface vessels", name_ja="無人水上艇")
    firm_a.technology_areas.add(area)
    return area


def test_my_company_lists_the_firms_areas_in_japanese(alice_client, usv):
    text = alice_client.get("/ja/companies/").text

    assert '<p class="meta">無人水上艇</p>' in text
    assert "Uncrewed surface vessels" not in text


def test_the_consultants_firm_filter_offers_areas_in_japanese(consultant_client, usv):
    text = consultant_client.get("/ja/companies/").text

    assert '<option value="usv">無人水上艇</option>' in text
    assert "Uncrewed surface vessels" not in text
    assert '<option value="usv">Uncrewed surface vessels</option>' in consultant_client.get("/companies/").text


def test_a_firms_profile_names_its_areas_in_japanese(alice_client, usv):
    text = alice_client.get("/ja/companies/firm-a/").text

    assert "<dd>無人水上艇</dd>" in text
    assert "Uncrewed surface vessels" not in text
    assert "<dd>Uncrewed surface vessels</dd>" in alice_client.get("/companies/firm-a/").text


@pytest.fixture
def named_in_both(db):
    """Areas and certifications whose English and Japanese names sort differently."""
    for slug, name, name_ja in [
        ("uav", "Uncrewed aerial vehicles", "無人航空機"),
        ("ai-autonomy", "AI and autonomy", "AI・無人化・自律化"),
        ("cyber", "Cyber", "サイバー領域"),
        ("space", "Space", ""),  # no Japanese name yet: shown, and sorted, by its English one
    ]:
        TechnologyAreaFactory(slug=slug, name=name, name_ja=name_ja)
    for code, name, name_ja in [
        ("iso-9001", "ISO 9001", "ISO 9001（品質マネジメントシステム）"),
        ("japan-dics", "Defense Industry Cybersecurity Standard", "防衛産業サイバーセキュリティ基準"),
        ("cmmc-l2", "CMMC level 2", "CMMC レベル2（高度）"),
        ("zz-unified", "Unified qualification", "全省庁統一資格"),
    ]:
        CertificationFactory(code=code, name=name, name_ja=name_ja)


def _choices(response, field: str) -> list[str]:
    form = response.context["form"] if field == "technology_areas" else response.context["formset"].forms[0]
    return [str(label) for value, label in form.fields[field].choices if value != ""]


def test_the_profile_form_offers_areas_and_certifications_in_japanese_order_on_ja(alice_client, named_in_both):
    response = alice_client.get("/ja/companies/firm-a/edit/")

    # The Japanese name shown, code point by code point (Latin, then kana, then kanji), the same on every database.
    assert _choices(response, "technology_areas") == ["AI・無人化・自律化", "Space", "サイバー領域", "無人航空機"]
    assert _choices(response, "certification") == [
        "CMMC レベル2（高度）",
        "ISO 9001（品質マネジメントシステム）",
        "全省庁統一資格",
        "防衛産業サイバーセキュリティ基準",
    ]


def test_the_profile_form_keeps_english_order_in_english(alice_client, named_in_both):
    response = alice_client.get("/companies/firm-a/edit/")

    assert _choices(response, "technology_areas") == ["AI and autonomy", "Cyber", "Space", "Uncrewed aerial vehicles"]
    assert _choices(response, "certification") == [
        "CMMC level 2",
        "Defense Industry Cybersecurity Standard",
        "ISO 9001",
        "Unified qualification",
    ]
