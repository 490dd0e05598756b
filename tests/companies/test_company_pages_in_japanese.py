"""Company pages under /ja/ name technology areas in Japanese, in the listing, its filter and the profile."""

import pytest

from tests.factories import TechnologyAreaFactory


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
