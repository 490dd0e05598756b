"""CompanyFilterSet: each filter once, over the firms a consultant may see."""

import pytest

from companies.filters import CompanyFilterSet
from companies.models import Company
from tests.factories import CompanyFactory, TechnologyAreaFactory


@pytest.fixture
def firms(db):
    uav = TechnologyAreaFactory(slug="uav")
    return {
        "kestrel": CompanyFactory(slug="kestrel", country="US", size="startup", description="Drones", areas=[uav]),
        "photon": CompanyFactory(
            slug="photon", country="AU", size="sme", description="Lasers", japan_presence="office"
        ),
        "harbour": CompanyFactory(slug="harbour", country="AU", size="large", description="Ships and drone hangars"),
    }


def slugs(params: dict) -> list[str]:
    return sorted(CompanyFilterSet(params, queryset=Company.objects.all()).qs.values_list("slug", flat=True))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "drone"}, ["harbour", "kestrel"]),
        ({"q": "drone hangars"}, ["harbour"]),
        ({"country": "AU"}, ["harbour", "photon"]),
        ({"size": "startup"}, ["kestrel"]),
        ({"technology_area": "uav"}, ["kestrel"]),
        ({"japan_presence": "office"}, ["photon"]),
    ],
)
def test_each_filter_narrows_the_firms(firms, params, expected):
    assert slugs(params) == expected


def test_the_search_finds_an_acronym_as_a_word_not_inside_others(db):
    CompanyFactory(slug="targeting", description="AI targeting for counter-drone systems")
    CompanyFactory(slug="airframes", description="Airframes and air defence radars")
    CompanyFactory(slug="kobe-ai", name="神戸AI", description="量子技術の研究")

    assert slugs({"q": "AI"}) == ["kobe-ai", "targeting"]
    assert slugs({"q": "ＡＩ"}) == ["kobe-ai", "targeting"]  # full-width, as a Japanese keyboard types it
    assert slugs({"q": "air"}) == ["airframes"]
    assert slugs({"q": "量子"}) == ["kobe-ai"]  # Japanese is matched anywhere


@pytest.mark.parametrize("query", ["[", "-", "、"])
def test_a_consultant_searching_firms_for_no_word_finds_none_and_is_told_why(firms, consultant_client, query):
    page = consultant_client.get("/companies/", {"q": query}).content.decode()
    japanese = consultant_client.get("/ja/companies/", {"q": query}).content.decode()
    api = consultant_client.get("/api/v1/companies/", {"q": query}).json()

    assert slugs({"q": query}) == []  # every firm was listed, as if nothing had been typed
    assert api["count"] == 0
    assert f"The search “{query}” has no letter or digit, so it has no word to find: type a word." in page
    assert f"検索語「{query}」には文字も数字もないため、探す語がありません。語を入力してください。" in japanese
