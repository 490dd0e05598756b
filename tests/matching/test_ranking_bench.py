"""The measuring parts of bench/ranking.py (issue #12): nDCG, the CI slice and the CSV the import takes."""

import pytest
import yaml

from bench import ranking
from companies.importing import companies_import_check
from companies.models import Company


def test_a_perfect_order_scores_one_and_a_reversed_one_less():
    assert ranking.ndcg([(9.0, 3), (8.0, 2), (7.0, 0), (6.0, 0)]) == pytest.approx(1.0)
    assert ranking.ndcg([(9.0, 0), (8.0, 0), (7.0, 2), (6.0, 3)]) < 0.6


def test_tied_scores_share_their_mean_gain_whatever_their_order():
    ahead = ranking.ndcg([(5.0, 3), (5.0, 0), (1.0, 0)])
    behind = ranking.ndcg([(5.0, 0), (5.0, 3), (1.0, 0)])
    assert ahead == behind
    assert ranking.ndcg([(5.0, 3), (4.0, 0), (1.0, 0)]) > ahead


def test_only_the_first_five_count():
    assert ranking.ndcg([(10.0 - i, 0) for i in range(5)] + [(1.0, 3)]) == 0.0


def test_a_firm_with_no_relevant_item_has_no_figure():
    assert ranking.ndcg([(5.0, 0), (1.0, 0)]) is None


def test_the_ci_slice_takes_firms_from_every_group():
    firms = ranking.firms_load()
    picked = ranking.firms_select(firms, half="test", slice_n=8)
    assert len(picked) == 8
    assert {f.group for f in picked} == set(ranking.GROUPS)
    assert len(ranking.firms_select(firms, half="test")) == 80


def test_the_fresh_figures_cover_only_the_latest_extensions_test_firms():
    firms = ranking.firms_load()
    test = ranking.firms_select(firms, half="test")
    fresh = ranking.firms_fresh(test)
    added = set(yaml.safe_load((ranking.RANKING / "split.yaml").read_text())["extensions"][-1]["firms"])
    assert {f.slug for f in fresh} == added & {f.slug for f in test}
    assert 0 < len(fresh) < len(test)
    assert {f.group for f in fresh} == set(ranking.GROUPS)


def test_the_csv_the_bench_writes_passes_the_import_check(curated_areas):
    firms = list(ranking.firms_load().values())
    rows = companies_import_check(data=ranking.firms_csv(firms))
    assert len(rows) == len(firms) == 160


@pytest.mark.django_db(transaction=True)
def test_a_set_firm_named_like_a_curated_demo_firm_is_scored_under_its_own_slug():
    firms = ranking.firms_load()
    chosen = [firms["ocius-technology"], firms["lynas-rare-earths"], firms["q-ctrl"]]

    ranking.database_prepare(chosen)

    scores = ranking.scorer_read(chosen, ranking.catalogue_read())
    assert all(scores[f.slug].opportunities for f in chosen)
    assert Company.objects.get(slug="ocius-technology").japan_presence == firms["ocius-technology"].japan_presence


def test_the_bootstrap_interval_holds_the_figure_and_narrows_with_more_firms():
    mixed = [(0.9, 0.8), (0.5, 0.6), (0.8, 0.7), (0.6, 0.6)]
    few = ranking.bootstrap("test", mixed)
    many = ranking.bootstrap("test", mixed * 20)
    assert few["ndcg5_test_ci_low"] <= 0.7 <= few["ndcg5_test_ci_high"]  # the mean of the scorer's figures
    assert few["ndcg5_test_peer_ratio_ci_low"] <= 0.7 / 0.675 <= few["ndcg5_test_peer_ratio_ci_high"]
    assert many["ndcg5_test_ci_high"] - many["ndcg5_test_ci_low"] < few["ndcg5_test_ci_high"] - few["ndcg5_test_ci_low"]
    assert ranking.bootstrap("test", mixed) == few  # a fixed seed: the same scores print the same interval
    assert ranking.bootstrap("test", mixed[:1]) == {}


def test_a_peer_that_finds_nothing_gives_no_ratio_rather_than_infinity():
    assert set(ranking.bootstrap("test", [(0.5, 0.0), (0.7, 0.0)])) == {"ndcg5_test_ci_low", "ndcg5_test_ci_high"}


def _labelled(**labels: int) -> ranking.Firm:
    return ranking.Firm(
        slug="f", name="F", group="tagged", country="AU", size="sme", founded=2010, website="", japan_presence="none",
        areas=(), description="", labels=labels,
    )  # fmt: skip


def test_a_partner_is_graded_by_the_firms_label_in_its_areas_scaled_by_how_core_they_are_to_it():
    firm = _labelled(uav=3, space=1, cyber=0)
    assert ranking.partner_grade(firm, {"uav": 1.0, "cyber": 0.9}) == 3  # its core area is the firm's core
    assert ranking.partner_grade(firm, {"cyber": 1.0, "uav": 0.5}) == 2  # a side line: half the grade, rounded up
    assert ranking.partner_grade(firm, {"cyber": 1.0, "uav": 0.3}) == 1
    assert ranking.partner_grade(firm, {"cyber": 1.0, "space": 0.4}) == 0
    assert ranking.partner_grade(firm, {}) == 0


def test_partners_out_of_a_firms_stored_twenty_rank_last():
    firm = _labelled(uav=3)
    partners = {"drones": {"uav": 1.0}, "ships": {"usv": 1.0}, "radar": {"c2-isr": 1.0}}
    assert ranking.partner_ndcg(firm, partners, {"drones": 40.0, "ships": 60.0}) < 1.0
    assert ranking.partner_ndcg(firm, partners, {"drones": 60.0}) == pytest.approx(1.0)
    assert ranking.partner_ndcg(_labelled(cyber=3), partners, {"drones": 60.0}) is None


@pytest.mark.django_db(transaction=True)
def test_the_partner_figures_read_the_fits_the_rescore_stored():
    firms = ranking.firms_load()
    chosen = [firms["ocius-technology"], firms["q-ctrl"]]
    ranking.database_prepare(chosen)
    cat = ranking.catalogue_read()
    partners = ranking.partners_read()
    assert len(partners) > 20

    out = ranking.partner_figures("test", chosen, partners, ranking.peer_scores(chosen, cat))

    assert set(out) == {"partner_ndcg5_test", "partner_areas_ndcg5_test", "peer_partner_ndcg5_test"}
    assert all(0.0 < value <= 1.0 for value in out.values())
    fits, shared = ranking.fits_read(chosen)
    assert len(fits["q-ctrl"]) == 20 and set(shared["q-ctrl"]) == set(fits["q-ctrl"])
