"""Technology areas and certifications carry the reading of their Japanese names (`name_kana`), as partners do."""

import re

import pytest
import yaml
from django.conf import settings
from django.core.exceptions import ValidationError

from programmes.models import Certification, Organisation, TechnologyArea
from programmes.reference_services import reference_record_save
from tests.factories import CertificationFactory, TechnologyAreaFactory

REFUSAL = "Write the reading in hiragana or katakana only (for example みつびしじゅうこうぎょう)."


@pytest.mark.django_db
def test_a_reading_typed_in_katakana_is_kept_in_hiragana_with_its_sort_key():
    area = TechnologyAreaFactory(slug="railgun", name="Railgun", name_ja="レールガン", keywords=["railgun"])
    area.name_kana = "ﾚｰﾙ  ガン"  # half-width katakana, two spaces

    reference_record_save(record=area, by=None)

    area.refresh_from_db()
    assert (area.name_kana, area.name_sort) == ("れーる がん", "れえるかん")
    assert not hasattr(area.history.first(), "name_sort")  # derived: not a change a reader of the history sees


@pytest.mark.django_db
@pytest.mark.parametrize("reading", ["半導体", "semiconductor"])
def test_a_reading_in_kanji_or_latin_letters_is_refused_naming_the_field(reading):
    certification = CertificationFactory(code="unified", name="Unified", name_ja="全省庁統一資格")
    certification.name_kana = reading

    with pytest.raises(ValidationError) as refused:
        reference_record_save(record=certification, by=None)

    assert refused.value.message_dict == {"name_kana": [REFUSAL]}
    assert Certification.objects.get(code="unified").name_kana == ""


def test_the_admin_shows_the_refusal_beside_the_areas_reading(consultant_client):
    from tests.programmes.test_admin import _form_data

    area = TechnologyAreaFactory(
        slug="semiconductors", name="Semiconductors", name_ja="半導体", name_kana="はんどうたい"
    )
    url = f"/admin/programmes/technologyarea/{area.pk}/change/"
    page = consultant_client.get(url)
    assert "Japanese lists are sorted by it" in page.text  # the field and its help text are on the form

    response = consultant_client.post(url, _form_data(page) | {"name_kana": "半導体"})

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["name_kana"] == [REFUSAL]
    area.refresh_from_db()
    assert area.name_kana == "はんどうたい"


@pytest.mark.parametrize("name", ["technology_areas", "certifications"])
def test_every_curated_name_in_japanese_script_has_a_reading_in_hiragana(name):
    records = yaml.safe_load((settings.BASE_DIR / "fixtures" / f"{name}.yaml").read_text())
    japanese = [r for r in records if not re.match(r"[A-Za-z]", r["name_ja"])]
    missing = [r["name_ja"] for r in japanese if not re.fullmatch(r"[\u3041-\u3096\u30fc]+", r.get("name_kana") or "")]
    assert missing == []
    assert len(japanese) == (20 if name == "technology_areas" else 2)  # AI・無人化・自律化 starts with Latin letters
    if name == "technology_areas":
        assert all(r.get("name_kana") for r in records)  # all 21, AI (えーあい) included


@pytest.fixture
def curated_organisations(db):
    """The curated organisations, names and readings as fixtures/organisations.yaml has them."""
    import datetime

    from portal.curation import LoadContext
    from programmes.curated import organisations_load

    directory = settings.BASE_DIR / "fixtures"
    ctx = LoadContext(directory=directory, today=datetime.date.today())
    organisations_load(ctx, yaml.safe_load((directory / "organisations.yaml").read_text()))
    assert ctx.errors == []


# あいうえお順 of the readings (voicing marks aside, ー as the vowel before it), then the three with no certain reading
# by the name shown, code point by code point.
CURATED_ORGANISATIONS_IN_READING_ORDER = [
    "オーストラリア国防省",  # おーすとらりあこくぼうしょう
    "オーストラリア大使館（東京）",  # おーすとらりあたいしかん
    "オーストラリア貿易投資促進庁（オーストレード）",  # おーすとらりあぼうえき…
    "クラリオン・ディフェンス・アンド・セキュリティ（クラリオン・イベンツ）",  # くらりおん
    "経済産業省",  # けいざいさんぎょうしょう
    "経済産業省 製造産業局 航空機武器産業課",  # けいざいさんぎょうしょう せいぞう…
    "国防イノベーション・ユニット（米国防総省）",  # こくぼういのべーしょん
    "スカイゲートテクノロジズ",  # すかいげーと
    "デジタル庁",  # でじたるちょう
    "内閣府",  # ないかくふ
    "米国防総省",  # べいこくぼうそうしょう
    "防衛省",  # ぼうえいしょう
    "防衛省 整備計画局",  # ぼうえいしょう せいび…
    "防衛装備庁",  # ぼうえいそうびちょう
    "AMDA財団",  # no reading from here on
    "一般社団法人日本航空宇宙工業会",
    "防衛イノベーション科学技術研究所",
]


def _organisations_offered(client, path: str, *, by: str = "label") -> list[str]:
    form = client.get(path).context["form"]
    return [str(label if by == "label" else value) for value, label in form.fields["organisation"].widget.choices]


def test_the_opportunity_listings_organisation_filter_follows_the_reading_order_on_ja(
    anon_client, curated_organisations
):
    offered = _organisations_offered(anon_client, "/ja/opportunities/")

    # 内閣府 (ないかくふ) before 防衛省 (ぼうえいしょう), though 防 comes before 内 nowhere a reader looks it up.
    assert offered.index("内閣府") < offered.index("防衛省")
    assert offered == CURATED_ORGANISATIONS_IN_READING_ORDER


def test_the_opportunity_listings_organisation_filter_keeps_english_order_in_english(
    anon_client, curated_organisations
):
    offered = _organisations_offered(anon_client, "/opportunities/", by="slug")

    # By English name, case ignored (the tick boxes show the acronym where there is one).
    by_name = sorted(Organisation.objects.all(), key=lambda org: (org.name.lower(), org.name, org.pk))
    assert offered == [org.slug for org in by_name]
    assert offered.index("atla") < offered.index("cabinet-office") < offered.index("digital-agency")


def test_every_curated_organisation_reading_is_in_hiragana_and_only_the_uncertain_ones_are_left_out():
    records = yaml.safe_load((settings.BASE_DIR / "fixtures" / "organisations.yaml").read_text())
    readings = {r["slug"]: r.get("name_kana") or "" for r in records}

    assert [slug for slug, reading in readings.items() if not reading] == ["disti", "amda-foundation", "sjac"]
    assert all(re.fullmatch(r"[\u3041-\u3096\u30fc ]*", reading) for reading in readings.values())


@pytest.mark.django_db
def test_english_lists_of_areas_and_organisations_ignore_the_case_of_the_names(anon_client):
    names = ["Counter-UAS", "AI and autonomy", "Counter-hypersonic", "Advanced manufacturing"]
    for index, name in enumerate(names):
        TechnologyAreaFactory(slug=f"area-{index}", name=name)
        Organisation.objects.create(slug=f"org-{index}", name=name)
    in_order = ["Advanced manufacturing", "AI and autonomy", "Counter-hypersonic", "Counter-UAS"]

    areas_api = [row["name"] for row in anon_client.get("/api/v1/technology-areas/").json()["results"]]
    organisations_api = [row["name"] for row in anon_client.get("/api/v1/organisations/").json()["results"]]
    offered = _organisations_offered(anon_client, "/opportunities/", by="slug")

    assert [area.name for area in TechnologyArea.objects.in_reading_order(japanese=False)] == in_order
    assert areas_api == in_order and organisations_api == in_order
    assert offered == ["org-3", "org-1", "org-2", "org-0"]
