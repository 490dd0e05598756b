"""On /ja/ partners are listed by the reading of their Japanese names (あいうえお順), and found by it."""

import re

import pytest
from django.core.exceptions import ValidationError

from partners.models import Partner
from partners.services import partner_save
from tests.partners.conftest import make_partner


@pytest.fixture
def three(areas):
    make_partner("fujitsu", role="prime", areas={}, name="Fujitsu", name_ja="富士通", name_kana="ふじつう")
    make_partner("nec", role="prime", areas={}, name="NEC", name_ja="日本電気", name_kana="にっぽんでんき")
    make_partner("toray", role="supplier", areas={}, name="Toray", name_ja="東レ", name_kana="とうれ")
    make_partner("unread", role="startup", areas={}, name="Aardvark Robotics", name_ja="アードバーク")
    make_partner("zeta", role="startup", areas={}, name="Zeta Systems")


def listed(text: str) -> list[str]:
    return re.findall(r'<h2 class="h3"><a href="[^"]+">([^<]+)</a>', text)


def test_the_japanese_listing_follows_the_readings_and_puts_a_partner_without_one_last(anon_client, three):
    assert listed(anon_client.get("/ja/partners/").text) == [
        "東レ",
        "日本電気",
        "富士通",
        "アードバーク",
        "Zeta Systems",
    ]


def test_the_english_listing_keeps_english_alphabetical_order(anon_client, three):
    assert listed(anon_client.get("/partners/").text) == [
        "Aardvark Robotics",
        "Fujitsu",
        "NEC",
        "Toray",
        "Zeta Systems",
    ]


def test_voiced_kana_and_the_long_mark_sort_as_a_dictionary_does(anon_client, areas):
    # Code-point order would give えかき, えーす, かうんと, がいど, きく, ゔぇが: ー after every kana, が after か,
    # ゔ after ん. A dictionary reads ゔ as う, ー as the vowel before it and が as か.
    for slug, name_kana in [
        ("a", "えーす"),
        ("b", "えかき"),
        ("c", "がいど"),
        ("d", "かうんと"),
        ("e", "ゔぇが"),
        ("f", "きく"),
    ]:
        make_partner(slug, role="startup", areas={}, name=slug.upper(), name_ja=name_kana, name_kana=name_kana)

    assert listed(anon_client.get("/ja/partners/").text) == ["ゔぇが", "えーす", "えかき", "がいど", "かうんと", "きく"]


@pytest.mark.parametrize("typed", ["にっぽん", "ニッポン", "ﾆｯﾎﾟﾝ", "ＮＥＣ", "にっぽん でんき"])
def test_a_reading_finds_the_partner_in_hiragana_or_katakana(anon_client, three, typed):
    assert listed(anon_client.get("/ja/partners/", {"q": typed}).text) == ["日本電気"]


def test_a_reading_is_found_without_its_middle_dot_or_spaces(anon_client, areas):
    make_partner("terra-labo", role="startup", areas={}, name="Terra Labo", name_ja="テラ・ラボ", name_kana="てら らぼ")

    assert listed(anon_client.get("/ja/partners/", {"q": "てららぼ"}).text) == ["テラ・ラボ"]


def test_the_admin_search_finds_a_partner_by_its_reading_in_katakana(consultant_client, three):
    response = consultant_client.get("/admin/partners/partner/", {"q": "ミツビシ ふじつう"})
    assert [p.slug for p in response.context["cl"].result_list] == []
    response = consultant_client.get("/admin/partners/partner/", {"q": "フジツウ"})
    assert [p.slug for p in response.context["cl"].result_list] == ["fujitsu"]


def test_english_names_are_listed_letter_case_aside(anon_client, areas):
    for slug, name in [("irspec", "IRspec"), ("innophys", "Innophys"), ("kddi", "KDDI"), ("kawasaki", "Kawasaki")]:
        make_partner(slug, role="startup", areas={}, name=name)

    assert listed(anon_client.get("/partners/").text) == ["Innophys", "IRspec", "Kawasaki", "KDDI"]


def test_a_reading_typed_in_katakana_is_kept_in_hiragana(areas):
    partner = make_partner("subaru", role="prime", areas={}, name_ja="SUBARU")
    partner.name_kana = "ｽﾊﾞﾙ  エアロ"  # half-width katakana, two spaces

    partner_save(partner=partner, by=None)

    partner.refresh_from_db()
    assert partner.name_kana == "すばる えあろ"


@pytest.mark.parametrize("reading", ["日立 Hitachi", "ひたちヶ"])
def test_a_reading_in_kanji_or_latin_letters_is_refused_naming_the_field(areas, reading):
    partner = make_partner("hitachi", role="prime", areas={}, name_ja="日立製作所", name_kana="ひたち")
    partner.name_kana = reading

    with pytest.raises(ValidationError) as refused:
        partner_save(partner=partner, by=None)

    assert refused.value.message_dict == {
        "name_kana": ["Write the reading in hiragana or katakana only (for example みつびしじゅうこうぎょう)."]
    }
    assert Partner.objects.get(slug="hitachi").name_kana == "ひたち"


def test_the_admin_shows_the_refusal_beside_the_reading(consultant_client, three):
    partner = Partner.objects.get(slug="nec")
    url = f"/admin/partners/partner/{partner.pk}/change/"
    from tests.programmes.test_admin import _form_data

    response = consultant_client.post(url, _form_data(consultant_client.get(url)) | {"name_kana": "NEC"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name_kana"] == [
        "Write the reading in hiragana or katakana only (for example みつびしじゅうこうぎょう)."
    ]
    partner.refresh_from_db()
    assert partner.name_kana == "にっぽんでんき"


def test_every_curated_partner_has_a_reading_in_hiragana():
    import yaml
    from django.conf import settings

    records = yaml.safe_load((settings.BASE_DIR / "fixtures" / "partners.yaml").read_text())["records"]
    missing = [r["slug"] for r in records if not re.fullmatch(r"[\u3041-\u3096\u30fc]+", r.get("name_kana") or "")]
    assert missing == []


@pytest.fixture
def filter_areas(db):
    from tests.factories import TechnologyAreaFactory

    for slug, name, name_ja, kana in [
        ("uav", "Uncrewed aerial vehicles", "無人航空機", "むじんこうくうき"),
        ("space", "Space", "宇宙領域", "うちゅうりょういき"),
        ("counter-uas", "Counter-UAS", "対無人機", "たいむじんき"),
        ("counter-hypersonic", "Counter-hypersonic", "極超音速兵器への対処", "ごくちょうおんそくへいきへのたいしょ"),
        ("manufacturing", "Advanced manufacturing", "先進製造", "せんしんせいぞう"),
        ("ai-autonomy", "AI and autonomy", "AI・無人化・自律化", "えーあいむじんかじりつか"),
    ]:
        TechnologyAreaFactory(slug=slug, name=name, name_ja=name_ja, name_kana=kana)


# The filter areas in each reader's order: English names with letter case aside, Japanese by their reading.
AREAS_IN_READERS_ORDER = [
    ("", ["manufacturing", "ai-autonomy", "counter-hypersonic", "counter-uas", "space", "uav"]),
    ("/ja", ["space", "ai-autonomy", "counter-hypersonic", "manufacturing", "counter-uas", "uav"]),
]


def area_options(text: str, name: str) -> list[str]:
    """The slugs of the filter's technology-area tick boxes, in the order the page lists them."""
    return re.findall(rf'<input type="checkbox" name="{name}" value="([^"]+)"', text)


@pytest.mark.parametrize(("prefix", "expected"), AREAS_IN_READERS_ORDER)
def test_a_reader_finds_the_partner_listings_technology_areas_in_the_order_of_the_opportunity_listing(
    anon_client, filter_areas, prefix, expected
):
    """The area filter read the areas by English name code point by code point ("AI" before "Advanced"), and on /ja/
    in that English order under Japanese names; the opportunity listing and the profile form use the reader's order."""
    partners = area_options(anon_client.get(f"{prefix}/partners/").text, "area")
    opportunities = area_options(anon_client.get(f"{prefix}/opportunities/").text, "technology_area")

    assert partners == opportunities == expected


@pytest.mark.parametrize(("prefix", "expected"), AREAS_IN_READERS_ORDER)
def test_a_consultant_finds_the_firm_listings_technology_areas_in_the_readers_order(
    consultant_client, filter_areas, prefix, expected
):
    text = consultant_client.get(f"{prefix}/companies/").text
    select = re.search(r'<select name="technology_area".*?</select>', text, re.S).group(0)
    assert re.findall(r'<option value="([^"]+)"', select) == expected
