"""Every explanation code reads as a sentence in English and in Japanese, with names instead of slugs."""

import pytest
from django.utils import translation

from matching import messages
from matching.messages import GAPS, MOVES, REASONS, Names, detail, render

NAMES = Names(
    areas={
        "directed-energy": ("Directed energy", "指向性エネルギー"),
        "uav": ("Uncrewed aerial vehicles", "無人航空機"),
    },
    certs={
        "as9100d": (
            "AS9100D (aviation, space and defence quality management)",
            "AS9100D（航空・宇宙・防衛分野の品質マネジメントシステム）",
        ),
        "jis-q-9100": ("JIS Q 9100", ""),
    },
    titles={"atla-uav": ("ATLA: uncrewed aerial vehicles", "防衛装備庁：無人航空機"), "gcap": ("GCAP", "")},
    notices={"export-rules": ("Export rules revised", "防衛装備移転三原則の運用指針改正")},
)

# code -> (params, English, Japanese). Gaps read "what: what to do".
CASES = {
    "ticked": ({"area": "directed-energy"}, "declares Directed energy", "指向性エネルギーを自社の技術分野として登録"),
    "keywords": (
        {"area": "directed-energy", "terms": ["beam director", "adaptive optics"]},
        "Directed energy: description has words for beam director and adaptive optics",
        "指向性エネルギー：会社説明に「beam director」、「adaptive optics」に当たる記述あり",
    ),
    "lexicon": (
        {"area": "uav", "terms": ["VTOL", "loitering munition", "FPV"]},
        "uses Uncrewed aerial vehicles product terms: VTOL, loitering munition and FPV",
        "無人航空機の製品用語を使用：「VTOL」、「loitering munition」、「FPV」",
    ),
    "related_terms": (
        {"area": "uav", "terms": ["airframe"]},
        "writes about terms related to Uncrewed aerial vehicles: airframe",
        "無人航空機の関連用語に言及：「airframe」",
    ),
    "area_suggested": (
        {"area": "uav", "terms": ["VTOL", "ground control station"]},
        "Uncrewed aerial vehicles: description has words for VTOL and ground control station",
        "無人航空機：会社説明に「VTOL」、「ground control station」に当たる記述あり",
    ),
    "area_suggested_related": (
        {"area": "uav", "terms": ["airframe", "ground station"]},
        "Uncrewed aerial vehicles: description writes about related terms: airframe and ground station",
        "無人航空機：会社説明に関連用語「airframe」、「ground station」の記述あり",
    ),
    "any_technology": ({"kind": "hub"}, "the hub takes any technology", "このハブはあらゆる技術分野が対象"),
    "trl_met": ({"trl": 7, "min_trl": 6}, "TRL 7 meets the minimum TRL 6", "TRL 7は最低要件のTRL 6を満たす"),
    "certifications_held": ({"count": 2}, "holds the certifications required", "必要な認証を取得済み"),
    "open_until": ({"date": "2027-01-31"}, "open until 31 January 2027", "2027年1月31日まで募集中"),
    "takes_place": ({"date": "2027-05-12"}, "takes place from 12 May 2027", "2027年5月12日から開催"),
    "gate_country": (
        {"countries": ["AU", "JP"], "country": "US", "cap": 30},
        "open to firms from Australia or Japan; firm is in United States of America (score capped at 30): "
        "take part as a partner of a firm from an eligible country",
        "対象はオーストラリアまたは日本の企業。貴社の所在国はアメリカ合衆国（スコア上限30）："
        "対象国の企業のパートナーとして参加する",
    ),
    "gate_size": (
        {"kind": "programme", "sizes": ["large"], "size": "startup", "cap": 30},
        "the programme is for large firms; firm is a start-up (score capped at 30): "
        "take part as a partner of an eligible firm",
        "このプログラムの対象は大企業。貴社はスタートアップ（スコア上限30）：対象となる企業のパートナーとして参加する",
    ),
    "gate_age": (
        {"kind": "hub", "max_years": 10, "years": 31, "cap": 30},
        "the hub is for firms founded at most 10 years ago; firm is 31 years old (score capped at 30): "
        "take part as a partner of a younger firm",
        "このハブの対象は設立10年以内の企業。貴社は設立31年（スコア上限30）：設立年数の要件を満たす企業のパートナーとして参加する",
    ),
    "founded_unknown": (
        {"kind": "hub", "max_years": 10},
        "the hub is for firms founded at most 10 years ago; firm's founding year not stated: "
        "ask Kakehashi's consultants to add the founding year to the profile, so eligibility can be checked",
        "このハブの対象は設立10年以内の企業。貴社の設立年が未記入："
        "対象かどうか確かめられるよう、設立年をプロフィールに加えるよう架け橋のコンサルタントに依頼する",
    ),
    "gate_japanese_entity": (
        {"kind": "hub", "cap": 30},
        "in practice the hub takes Japanese entities; firm has none (score capped at 30): "
        "apply through a Japanese partner's entity or set up a Japanese entity",
        "このハブは実質的に日本法人が対象。貴社には日本法人がない（スコア上限30）："
        "日本のパートナー企業の法人を通じて応募するか、日本法人を設立する",
    ),
    "gate_japan_presence": (
        {"kind": "call", "cap": 30},
        "the call needs an office or entity in Japan; firm has none (score capped at 30): "
        "set up an office in Japan or apply through a Japanese partner's entity",
        "この公募には日本の拠点または法人が必要。貴社にはない（スコア上限30）："
        "日本に拠点を設けるか、日本のパートナー企業の法人を通じて応募する",
    ),
    "partner_needed": (
        {},
        "needs a Japanese partner or entity: find a Japanese partner firm before applying",
        "日本のパートナーまたは法人が必要：申請前に日本のパートナー企業を見つける",
    ),
    "entity_needed": (
        {},
        "needs an office or entity in Japan: set one up or apply through a Japanese partner's entity",
        "日本の拠点または法人が必要：拠点を設けるか、日本のパートナー企業の法人を通じて応募する",
    ),
    "entity_needed_has_partner": (
        {},
        "needs an office or entity in Japan; firm has a Japanese partner only: "
        "apply through the partner's Japanese entity or set up your own",
        "日本の拠点または法人が必要。貴社には日本のパートナーのみ：パートナーの日本法人を通じて応募するか、自社の日本法人を設立する",
    ),
    "trl_unknown": (
        {"min_trl": 6},
        "TRL not stated; the minimum is TRL 6: add the lead product's TRL to the profile",
        "TRLが未記入。最低要件はTRL 6：主力製品のTRLをプロフィールに記入する",
    ),
    "trl_below": (
        {"trl": 5, "min_trl": 7},
        "TRL 5 is below the minimum TRL 7: mature the product to TRL 7 first",
        "TRL 5は最低要件のTRL 7に届かない：まず製品をTRL 7まで成熟させる",
    ),
    "certifications_missing": (
        {"certifications": ["as9100d", "jis-q-9100"]},
        "no AS9100D or JIS Q 9100: obtain AS9100D or JIS Q 9100",
        "AS9100DまたはJIS Q 9100の認証なし：AS9100DまたはJIS Q 9100を取得する",
    ),
    "low_fit": (
        {"capability": 0.2, "cap": 30},
        "little technology fit (capability 0.2) caps the score at 30: "
        "if the firm works in this field, describe its products for it in the profile",
        "技術の適合度が低い（技術適合0.2）ためスコア上限は30：この分野を手がけている場合は、その製品をプロフィールに記述する",
    ),
    "closing_soon": (
        {"date": "2026-12-09", "days": 7},
        "closes on 9 December 2026: start the application now",
        "2026年12月9日に締切：今すぐ申請準備を始める",
    ),
    "notice": (
        {"notice": "export-rules", "date": "2026-04-21"},
        "affected by a rule or policy change of 21 April 2026: “Export rules revised”: "
        "check how the change bears on taking part",
        "2026年4月21日の規則・政策の変更「防衛装備移転三原則の運用指針改正」の影響あり：変更が参加にどう影響するかを確かめる",
    ),
    "notice_due": (
        {"notice": "export-rules", "date": "2026-12-31"},
        "a rule or policy change is due by 31 December 2026: “Export rules revised”: "
        "check how the change bears on taking part",
        "2026年12月31日までに規則・政策の変更「防衛装備移転三原則の運用指針改正」が予定されている：変更が参加にどう影響するかを確かめる",
    ),
    "feedback_lowered": (
        {"area": "uav", "count": 3},
        "ranked lower: you marked 3 records about Uncrewed aerial vehicles as not relevant: "
        "clear the mark in your workspace if it no longer holds",
        "順位を下げた：無人航空機に関する3件の案件を「関係なし」にしたため：当てはまらなくなった場合はワークスペースで印を外す",
    ),
    # Partner fit (issue 16): lists of names read as a plain list.
    "webhook.switched_off": ({}, "switched off by its owner", "所有者が停止しました"),
    "webhook.password_changed": (
        {},
        "switched off when its owner's password was changed",
        "所有者のパスワードが変更されたため停止しました",
    ),
    "webhook.failed_for_a_day": (
        {"error": "HTTP 503"},
        "a delivery failed for 24 hours; last error: HTTP 503",
        "配信が24時間失敗し続け、最後のエラーは「HTTP 503」",
    ),
    "webhook.rounds_failed": (
        {"count": 10, "error": "timed out"},
        "10 delivery rounds failed in a row; last error: timed out",
        "配信ラウンドが10回続けて失敗し、最後のエラーは「timed out」",
    ),
    "partner.shared_areas": (
        {"areas": ["uav", "directed-energy"]},
        "Works in the same areas as your firm: Uncrewed aerial vehicles, Directed energy.",
        "貴社と同じ分野で事業を行っています：無人航空機、指向性エネルギー。",
    ),
    "partner.complementary_role": (
        {"role": "prime"},
        "Can carry your technology into Japanese programmes as a prime contractor.",
        "プライム（主契約企業）として貴社の技術を日本のプログラムにつなげられます。",
    ),
    "partner.known_programmes": (
        {"opportunities": ["atla-uav", "gcap"]},
        "Already works on your best opportunities: ATLA: uncrewed aerial vehicles, GCAP.",
        "貴社に最も合う案件にすでに関わっています：防衛装備庁：無人航空機、GCAP。",
    ),
    "partner.foreign_partnerships": (
        {"counterparts": ["Shield AI", "RTX"]},
        "Has worked with foreign firms before: Shield AI, RTX.",
        "海外企業との協業実績があります：Shield AI、RTX。",
    ),
    "partner.same_country_partner": (
        {"country": "AU"},
        "Has a partnership with a firm or government from your country.",
        "貴社と同じ国の企業または政府と提携しています。",
    ),
    "partner.no_shared_area": (
        {},
        "shares none of your technology areas: meet it for a programme it holds, not for your technology",
        "貴社と共通する技術分野がない：技術ではなく、相手が持つプログラムのために会う",
    ),
    "partner.low_confidence": (
        {},
        "the partner record is not fully verified: check its sources before you rely on it",
        "このパートナーの記録は完全には確認されていない：頼る前に出典を確認する",
    ),
}


# "What moved" in a match (issue 15): component deltas and the record change behind them.
CASES |= {
    "moved_component": (
        {"component": "capability", "old": 41.0, "new": 58.5},
        "capability 41 → 58.5 points",
        "技術適合 41 → 58.5 点",
    ),
    "record_lists_area": (
        {"area": "uav"},
        "the record now lists Uncrewed aerial vehicles",
        "記録に無人航空機が加わりました",
    ),
    "record_drops_area": (
        {"area": "uav"},
        "the record no longer lists Uncrewed aerial vehicles",
        "記録から無人航空機が外れました",
    ),
    "record_min_trl": (
        {"old": 7, "new": 5},
        "the minimum TRL is now 5 (was 7)",
        "最低 TRL が 5 になりました（以前は 7）",
    ),
    "record_min_trl_set": ({"new": 6}, "the record now asks for TRL 6", "記録が TRL 6 以上を求めるようになりました"),
    "record_min_trl_dropped": (
        {},
        "the record no longer asks for a minimum TRL",
        "記録が最低 TRL を求めなくなりました",
    ),
    "record_fields_changed": (
        {"fields": ["closes_on", "expected_from", "expected_until", "venue"]},
        "the record changed: closing date, expected window and venue",
        "記録の変更：締切日、予定期間、会場",
    ),
}


def test_every_code_has_a_case_here():
    assert set(CASES) == set(REASONS) | set(GAPS) | set(MOVES)


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_code_reads_in_english_and_in_japanese(code):
    params, english, japanese = CASES[code]
    item = {"code": code, "params": params}
    with translation.override("en"):
        assert render(item, NAMES) == english
    with translation.override("ja"):
        assert render(item, NAMES) == japanese


@pytest.mark.parametrize("code", sorted(GAPS))
def test_every_gap_says_what_to_do(code):
    with translation.override("en"):
        what, todo = messages.render_parts({"code": code, "params": CASES[code][0]}, NAMES)
    assert what and todo


def test_one_record_and_one_certification_read_in_the_singular():
    with translation.override("en"):
        one = render({"code": "feedback_lowered", "params": {"area": "uav", "count": 1}}, NAMES)
        held = render({"code": "certifications_held", "params": {"count": 1}}, NAMES)
    assert one.startswith("ranked lower: you marked 1 record about Uncrewed aerial vehicles as not relevant")
    assert held == "holds the certification required"


def test_known_partners_are_named_in_what_to_do():
    item = {"code": "partner_needed", "params": {"partners": ["Mitsubishi Heavy Industries", "NEC"]}}
    with translation.override("en"):
        assert render(item, NAMES) == (
            "needs a Japanese partner or entity: talk to Mitsubishi Heavy Industries and NEC "
            "or another Japanese partner before applying"
        )


def test_a_term_inside_a_longer_one_is_not_listed_again():
    item = {"code": "area_suggested", "params": {"area": "uav", "terms": ["Blue UAS", "UAS", "drone", "uas", "Drone"]}}
    with translation.override("en"):
        assert render(item, NAMES) == "Uncrewed aerial vehicles: description has words for Blue UAS and drone"
    with translation.override("ja"):
        assert render(item, NAMES) == "無人航空機：会社説明に「Blue UAS」、「drone」に当たる記述あり"


@pytest.mark.parametrize(
    ("terms", "english"),
    [
        (["sonar", "Radar", "SONAR"], "sonar and Radar"),  # the first spelling, in its place
        (["Blue UAS", "", "  ", "drone"], "Blue UAS and drone"),
        ("drone", "drone"),  # one term stored as a string, not spelt out letter by letter
    ],
)
def test_terms_are_listed_once_in_the_order_met_without_blanks(terms, english):
    item = {"code": "keywords", "params": {"area": "uav", "terms": terms}}
    with translation.override("en"):
        assert render(item, NAMES) == f"Uncrewed aerial vehicles: description has words for {english}"


def test_a_term_that_is_only_part_of_a_word_stays():
    item = {"code": "keywords", "params": {"area": "uav", "terms": ["UAS", "UASIS"]}}
    with translation.override("en"):
        assert render(item, NAMES) == "Uncrewed aerial vehicles: description has words for UAS and UASIS"


@pytest.mark.parametrize(
    ("item", "english", "japanese"),
    [
        ({"code": "from_a_newer_engine", "params": {"x": 1}}, "another factor (from_a_newer_engine)", "その他の要因"),
        ("declares uav (stored before explanations were data)", "declares uav (stored", "declares uav (stored"),
        ({"text": "a reason kept as a dict of text"}, "a reason kept as a dict of text", "a reason kept"),
        ({"code": "trl_below", "params": {"trl": 5}}, "(details missing)", "（詳細不明）"),
        ({"code": "keywords", "params": "not a dict"}, "(details missing)", "（詳細不明）"),
        ({"code": "keywords", "params": {"area": "uav", "terms": 5}}, "(details missing)", "（詳細不明）"),
        (None, "None", "None"),
    ],
)
def test_unknown_codes_old_text_and_broken_params_render_safely(item, english, japanese):
    with translation.override("en"):
        assert english in render(item, NAMES)
    with translation.override("ja"):
        assert japanese in render(item, NAMES)


def test_an_area_missing_from_the_catalogue_reads_as_words_not_a_slug():
    with translation.override("ja"):
        assert render({"code": "ticked", "params": {"area": "space-domain"}}, NAMES).startswith("space domain")


def test_an_area_without_a_japanese_name_falls_back_to_its_english_name():
    names = Names(areas={"cyber": ("Cyber", "")}, certs={})
    with translation.override("ja"):
        assert render({"code": "ticked", "params": {"area": "cyber"}}, names) == "Cyberを自社の技術分野として登録"


def test_a_certification_reads_by_its_japanese_short_name_in_japanese_and_its_english_one_in_english():
    names = Names(certs={"cmmc-l2": ("CMMC Level 2 (Advanced)", "CMMC レベル2（高度）"), "iso-9001": ("ISO 9001", "")})
    item = {"code": "certifications_missing", "params": {"certifications": ["cmmc-l2"]}}
    with translation.override("ja"):
        assert render(item, names) == "CMMC レベル2の認証なし：CMMC レベル2を取得する"
        assert render({**item, "params": {"certifications": ["iso-9001"]}}, names).startswith("ISO 9001の認証なし")
    with translation.override("en"):
        assert render(item, names) == "no CMMC Level 2: obtain CMMC Level 2"


def test_names_are_read_from_the_catalogue_once(db, django_assert_num_queries):
    from tests.factories import TechnologyAreaFactory

    TechnologyAreaFactory(slug="uav", name="UAV", name_ja="無人機")
    names = Names()
    items = [{"code": "ticked", "params": {"area": "uav"}}] * 5
    with django_assert_num_queries(1), translation.override("ja"):
        assert [render(item, names) for item in items] == ["無人機を自社の技術分野として登録"] * 5


def test_detail_lists_code_params_and_text():
    items = [{"code": "trl_met", "params": {"trl": 7, "min_trl": 6}}, "old words"]
    with translation.override("ja"):
        assert detail(items, NAMES) == [
            {"code": "trl_met", "params": {"trl": 7, "min_trl": 6}, "text": "TRL 7は最低要件のTRL 6を満たす"},
            {"code": "text", "params": {}, "text": "old words"},
        ]


@pytest.mark.parametrize(
    ("role", "english"),
    [("sme", "as an SME."), ("industry_body", "as an industry body."), ("trading_house", "as a trading house.")],
)
def test_a_partners_role_reads_in_lower_case_with_its_article_inside_the_sentence(role, english):
    item = {"code": "partner.complementary_role", "params": {"role": role}}
    with translation.override("en"):
        assert render(item, NAMES) == f"Can carry your technology into Japanese programmes {english}"
