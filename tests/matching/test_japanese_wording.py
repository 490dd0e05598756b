"""Japanese pages use one word for each thing: technology fit, the notice link, the gap plan's count column."""

from django.utils import translation
from django.utils.translation import gettext

from matching.messages import render


def test_the_low_fit_gap_calls_capability_what_the_score_breakdown_calls_it():
    with translation.override("ja"):
        breakdown = gettext("Capability")
        gap = render({"code": "low_fit", "params": {"capability": 0.2, "cap": 20}})
    assert breakdown == "技術適合"
    assert f"（{breakdown}0.2）" in gap and "能力値" not in gap


def test_the_notice_link_reads_the_same_on_cards_and_in_the_gap_plan():
    with translation.override("ja"):
        assert gettext("read the notice") == "通知を読む"  # the one wording both use, in English as in Japanese


def test_the_gap_plans_count_column_is_not_a_literal_unlock():
    with translation.override("ja"):
        heading = gettext("Top matches it would unlock")
    assert heading == "該当する上位マッチ数" and "開ける" not in heading
