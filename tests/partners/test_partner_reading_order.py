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


def listed(text: str) -> list[str]:
    return re.findall(r'<h2 class="h3"><a href="[^"]+">([^<]+)</a>', text)


def test_the_japanese_listing_follows_the_readings_and_puts_a_partner_without_one_last(anon_client, three):
    assert listed(anon_client.get("/ja/partners/").text) == ["東レ", "日本電気", "富士通", "アードバーク"]


def test_the_english_listing_keeps_english_alphabetical_order(anon_client, three):
    assert listed(anon_client.get("/partners/").text) == ["Aardvark Robotics", "Fujitsu", "NEC", "Toray"]


@pytest.mark.parametrize("typed", ["にっぽん", "ニッポン"])
def test_a_reading_finds_the_partner_in_hiragana_or_katakana(anon_client, three, typed):
    assert listed(anon_client.get("/ja/partners/", {"q": typed}).text) == ["日本電気"]


def test_a_reading_typed_in_katakana_is_kept_in_hiragana(areas):
    partner = make_partner("subaru", role="prime", areas={}, name_ja="SUBARU")
    partner.name_kana = "スバル  エアロ"

    partner_save(partner=partner, by=None)

    partner.refresh_from_db()
    assert partner.name_kana == "すばる えあろ"


def test_a_reading_in_kanji_or_latin_letters_is_refused_naming_the_field(areas):
    partner = make_partner("hitachi", role="prime", areas={}, name_ja="日立製作所", name_kana="ひたち")
    partner.name_kana = "日立 Hitachi"

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
