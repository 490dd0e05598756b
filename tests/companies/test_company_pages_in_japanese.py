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


@pytest.fixture
def curated(db):
    """The curated technology areas and certifications, names and readings as fixtures/ has them, loaded by the
    curated loader."""
    import datetime

    import yaml
    from django.conf import settings

    from portal.curation import LoadContext
    from programmes.curated import certifications_load, technology_areas_load

    directory = settings.BASE_DIR / "fixtures"
    ctx = LoadContext(directory=directory, today=datetime.date.today())
    technology_areas_load(ctx, yaml.safe_load((directory / "technology_areas.yaml").read_text()))
    certifications_load(ctx, yaml.safe_load((directory / "certifications.yaml").read_text()))
    assert ctx.errors == []


# あいうえお順 as a dictionary reads: voiced marks aside (じき as しき), ー as the vowel before it.
CURATED_AREAS_IN_READING_ORDER = [
    "宇宙領域",  # うちゅうりょういき
    "AI・無人化・自律化",  # えーあいむじんかじりつか
    "極超音速兵器への対処",  # ごくちょうおんそくへいきへのたいしょ
    "サイバー領域",  # さいばーりょういき
    "次期戦闘機",  # じきせんとうき
    "指揮統制・情報関連機能",  # しきとうせいじょうほうかんれんきのう
    "指向性エネルギー（高出力レーザー・高出力マイクロ波）",  # しこうせいえねるぎー
    "持続性・強靱性",  # じぞくせいきょうじんせい
    "重要鉱物・レアアース",  # じゅうようこうぶつれああーす
    "新機能素材・先進製造",  # しんきのうそざいせんしんせいぞう
    "スタンド・オフ防衛能力",  # すたんどおふぼうえいのうりょく
    "対無人機（対ドローン）",  # たいむじんき
    "電磁波領域（電子戦）",  # でんじはりょういき
    "統合防空ミサイル防衛",  # とうごうぼうくうみさいるぼうえい
    "半導体",  # はんどうたい
    "無人航空機",  # むじんこうくうき
    "無人水上艇（USV）",  # むじんすいじょうてい
    "無人水中航走体（UUV）",  # むじんすいちゅうこうそうたい
    "無人地上車両（UGV）",  # むじんちじょうしゃりょう
    "量子技術",  # りょうしぎじゅつ
    "レールガン",  # れーるがん
]


def test_the_profile_form_offers_the_curated_areas_and_certifications_by_reading_on_ja(alice_client, curated):
    response = alice_client.get("/ja/companies/firm-a/edit/")

    # あいうえお順 of the readings: 宇宙 (うちゅう) before 半導体 (はんどうたい), as a Japanese reader looks them up.
    areas = _choices(response, "technology_areas")
    assert areas.index("宇宙領域") < areas.index("半導体")
    assert areas == CURATED_AREAS_IN_READING_ORDER
    # Names with a reading first (ぜんしょう, ぼうえい), then those in Latin letters, which have none, by code point.
    certifications = _choices(response, "certification")
    assert certifications[:2] == ["全省庁統一資格", "防衛産業サイバーセキュリティ基準"]
    assert certifications[2:] == sorted(certifications[2:])
    assert certifications[2].startswith("AS9100D")


def test_the_opportunity_listings_area_filter_follows_the_same_reading_order_on_ja(anon_client, curated):
    response = anon_client.get("/ja/opportunities/")

    offered = [label for value, label in response.context["form"].fields["technology_area"].widget.choices]
    assert offered == CURATED_AREAS_IN_READING_ORDER


def test_the_opportunity_listings_area_filter_keeps_english_order_in_english(anon_client, curated):
    response = anon_client.get("/opportunities/")

    offered = [label for value, label in response.context["form"].fields["technology_area"].widget.choices]
    from programmes.models import TechnologyArea

    # By English name, letter case aside: "Advanced manufacturing…" before "AI and autonomy".
    assert offered == sorted(
        TechnologyArea.objects.values_list("name", flat=True), key=lambda name: (name.lower(), name)
    )
    assert offered.index("Counter-hypersonic") < offered.index(
        "Counter-UAS (detect, track, defeat small drones and swarms)"
    )


def test_the_matches_area_filter_follows_the_reading_order_on_ja(curated):
    from django.utils import translation

    from matching.filters import MatchFilterSet
    from matching.models import Match

    with translation.override("ja"):
        offered = [
            area.name_ja
            for area in MatchFilterSet(queryset=Match.objects.none()).filters["technology_area"].get_queryset(None)
        ]
    assert offered == CURATED_AREAS_IN_READING_ORDER


def test_names_without_a_reading_follow_those_with_one_by_the_name_shown(alice_client, named_in_both):
    response = alice_client.get("/ja/companies/firm-a/edit/")

    # No reading recorded here: the Japanese name shown, else the English one, code point by code point.
    assert _choices(response, "technology_areas") == ["AI・無人化・自律化", "Space", "サイバー領域", "無人航空機"]


def test_the_profile_form_keeps_english_order_in_english(alice_client, named_in_both):
    response = alice_client.get("/companies/firm-a/edit/")

    assert _choices(response, "technology_areas") == ["AI and autonomy", "Cyber", "Space", "Uncrewed aerial vehicles"]
    assert _choices(response, "certification") == [
        "CMMC level 2",
        "Defense Industry Cybersecurity Standard",
        "ISO 9001",
        "Unified qualification",
    ]


def test_an_english_export_control_note_is_marked_english_like_the_description(consultant_client, firm_a):
    firm_a.description = "Uncrewed aircraft for maritime patrol."
    firm_a.export_control_notes = "MQ-9B is a US defence article under the ITAR."
    firm_a.save()
    text = consultant_client.get("/ja/companies/firm-a/").text
    badge = '<span class="badge badge-english" lang="ja">英語</span>'
    assert f'<p lang="en">MQ-9B is a US defence article under the ITAR. {badge}</p>' in text
    assert text.count(badge) == 2  # the description's and the note's
