"""The engine's components, gates and caps on tiny arrays, each number checked by hand."""

from dataclasses import dataclass, field

import numpy as np
import pytest
import scipy.sparse as sp

from matching import engine


def f32(rows):
    return np.array(rows, dtype=np.float32)


@dataclass
class Firms:
    affinity: np.ndarray = field(default_factory=lambda: f32([[1.0, 0.0]]))
    context: np.ndarray = field(default_factory=lambda: f32([1.0]))
    text: sp.csr_matrix = field(default_factory=lambda: sp.csr_matrix(f32([[1.0, 0.0]])))
    country: np.ndarray = field(default_factory=lambda: np.array([0], dtype=np.int32))
    size: np.ndarray = field(default_factory=lambda: np.array([1], dtype=np.int8))
    trl: np.ndarray = field(default_factory=lambda: np.array([7], dtype=np.int8))
    presence: np.ndarray = field(default_factory=lambda: np.array([0], dtype=np.int8))
    certs: np.ndarray = field(default_factory=lambda: f32([[1.0, 0.0]]))
    age: np.ndarray = field(default_factory=lambda: np.array([-1], dtype=np.int16))
    japanese: np.ndarray = field(default_factory=lambda: np.array([False]))


@dataclass
class Opportunities:
    areas: np.ndarray = field(default_factory=lambda: f32([[1.0, 0.0]]))
    text_t: sp.csc_matrix = field(default_factory=lambda: sp.csc_matrix(f32([[0.0], [1.0]])))
    country_ok: np.ndarray = field(default_factory=lambda: np.ones((2, 1), dtype=np.bool_))
    size_ok: np.ndarray = field(default_factory=lambda: np.ones((3, 1), dtype=np.bool_))
    min_trl: np.ndarray = field(default_factory=lambda: np.array([0], dtype=np.int8))
    presence: np.ndarray = field(default_factory=lambda: np.array([0], dtype=np.int8))
    required: np.ndarray = field(default_factory=lambda: f32([[0.0, 0.0]]))
    timing: np.ndarray = field(default_factory=lambda: f32([0.7]))
    max_age: np.ndarray = field(default_factory=lambda: np.array([-1], dtype=np.int16))
    japanese_entity: np.ndarray = field(default_factory=lambda: np.array([False]))
    hub: np.ndarray = field(default_factory=lambda: np.array([False]))


def test_weights_add_up_to_one_so_a_perfect_fit_scores_100():
    assert sum(engine.WEIGHTS.values()) == pytest.approx(1.0)
    assert engine.COMPONENTS == ("capability", "eligibility", "readiness", "compliance", "timing")


def test_area_fit_is_a_soft_maximum_over_the_asked_areas_discounted_for_breadth():
    p, b, s = engine.AREA_POWER, engine.BREADTH, engine.SECONDARY
    # Only the first area asked: its affinity.
    assert engine.area_fit(f32([[0.6, 0.8]]), f32([[0.5, 0.0]]))[0, 0] == pytest.approx(0.6, abs=1e-5)
    # Two full-weight areas, the firm strong in one: 1.0 / 2 ** BREADTH.
    assert engine.area_fit(f32([[1.0, 0.0]]), f32([[1.0, 1.0]]))[0, 0] == pytest.approx(2**-b, abs=1e-5)
    # A secondary area counts at (its weight over the top weight) ** SECONDARY, in the fit and in the breadth.
    share = (1 / 3) ** s
    expected = (0.4**p + (0.8 * share) ** p) ** (1 / p) * (1 + share**p) ** -b
    assert engine.area_fit(f32([[0.4, 0.8]]), f32([[0.75, 0.25]]))[0, 0] == pytest.approx(expected, abs=1e-5)


def test_a_record_listing_five_areas_gains_nothing_over_the_firms_one_area_record():
    firm = f32([[0.9, 0.3, 0.3, 0.3, 0.3]])
    records = f32([[1.0, 0.0, 0.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0, 1.0]])
    focused, broad = engine.area_fit(firm, records)[0]
    assert focused == pytest.approx(0.9)
    assert broad < focused


def test_a_record_that_lists_the_firms_area_second_ranks_below_the_record_about_it():
    firm = f32([[1.0, 0.0]])  # a firm of the first area only
    own, other = engine.area_fit(firm, f32([[1.0, 0.0], [0.7, 1.0]]))[0]
    assert own == pytest.approx(1.0)
    share = 0.7**engine.SECONDARY  # its weight over the top weight, to the SECONDARY power
    assert other == pytest.approx(share * (1 + share**engine.AREA_POWER) ** -engine.BREADTH, abs=1e-5)
    assert other < 0.5


def test_a_record_shared_by_three_areas_ranks_below_one_about_the_firms_area_alone():
    firm = f32([[1.0, 0.2, 0.2]])  # a space firm; the shared record is space, cyber and electronic warfare at 1.0
    alone, shared = engine.area_fit(firm, f32([[1.0, 0.0, 0.0], [1.0, 1.0, 1.0]]))[0]
    assert alone == pytest.approx(1.0)
    assert shared == pytest.approx(3**-engine.BREADTH, rel=1e-3)


def test_text_fit_scales_cosine_to_a_full_fit_at_text_full():
    firm = sp.csr_matrix(f32([[1.0, 0.0]]))
    opps = sp.csc_matrix(f32([[0.05, 0.6], [0.99875, 0.8]]))
    fit = engine.text_fit(firm, opps)
    assert fit[0, 0] == pytest.approx(0.05 / engine.TEXT_FULL)  # cosine 0.05 -> 0.2
    assert fit[0, 1] == pytest.approx(1.0)  # cosine 0.6 is past TEXT_FULL


def test_capability_blends_area_and_text_fit():
    firms = Firms(affinity=f32([[0.8, 0.0]]), text=sp.csr_matrix(f32([[1.0, 0.0]])))
    opps = Opportunities(text_t=sp.csc_matrix(f32([[0.1], [0.995]])))
    # AREA_SHARE * 0.8 + (1 - AREA_SHARE) * (0.1 / 0.25): 0.72 + 0.04 = 0.76 with AREA_SHARE 0.9.
    expected = engine.AREA_SHARE * 0.8 + (1 - engine.AREA_SHARE) * 0.4
    assert engine.capability(firms, opps)[0, 0] == pytest.approx(expected, abs=1e-5)


def test_capability_discounts_a_civilian_firms_text_similarity():
    firms = Firms(affinity=f32([[0.0, 0.0]]), context=f32([0.0]), text=sp.csr_matrix(f32([[1.0, 0.0]])))
    opps = Opportunities(text_t=sp.csc_matrix(f32([[1.0], [0.0]])))
    # Full text fit 1.0, trusted at 0.35 with no defence context: (1 - AREA_SHARE) * 1.0 * 0.35.
    assert engine.capability(firms, opps)[0, 0] == pytest.approx((1 - engine.AREA_SHARE) * 0.35, abs=1e-5)


def test_a_hub_taking_any_technology_gets_the_neutral_term_times_the_firms_best_area():
    firms = Firms(
        affinity=f32([[0.5, 0.9], [0.1, 0.0]]),
        context=f32([1.0, 1.0]),
        text=sp.csr_matrix(f32([[1.0, 0.0], [1.0, 0.0]])),
    )
    opps = Opportunities(areas=f32([[0.0, 0.0]]))
    cap = engine.capability(firms, opps)
    assert cap[0, 0] == pytest.approx(engine.ANY_TECHNOLOGY * 0.9)
    assert cap[1, 0] == pytest.approx(engine.ANY_TECHNOLOGY * 0.1)


def test_a_hub_is_a_door_to_each_of_its_topics_at_its_relative_weight_with_no_breadth_discount():
    firms = Firms(affinity=f32([[0.0, 1.0]]), text=sp.csr_matrix(f32([[1.0, 0.0]])))  # a firm of the second area
    hub = Opportunities(areas=f32([[1.0, 0.7]]), hub=np.array([True]))
    record = Opportunities(areas=f32([[1.0, 0.7]]))
    # The hub takes the firm's topic at 0.7 of its top weight; the same areas as a record count 0.7 ** SECONDARY.
    assert engine.capability(firms, hub)[0, 0] == pytest.approx(engine.AREA_SHARE * 0.7, abs=1e-5)
    assert engine.capability(firms, record)[0, 0] < engine.capability(firms, hub)[0, 0]


def test_a_firm_without_the_presence_a_hub_asks_for_ranks_its_own_area_record_above_the_hub():
    both = dict(
        areas=f32([[1.0, 0.0], [1.0, 0.0]]),
        text_t=sp.csc_matrix(f32([[0.0, 0.0], [1.0, 1.0]])),
        presence=np.array([1, 1], dtype=np.int8),  # both ask for a Japanese partner
        hub=np.array([False, True]),
        country_ok=np.ones((2, 2), dtype=np.bool_),
        size_ok=np.ones((3, 2), dtype=np.bool_),
        min_trl=np.zeros(2, dtype=np.int8),
        required=f32([[0.0, 0.0], [0.0, 0.0]]),
        timing=f32([0.7, 0.7]),
        max_age=np.array([-1, -1], dtype=np.int16),
        japanese_entity=np.array([False, False]),
    )
    alone = engine.score(Firms(presence=np.array([0], dtype=np.int8)), Opportunities(**both)).score[0]
    assert alone[0] > alone[1]  # the record about its area first; the hub it cannot use yet below
    assert alone[1] == pytest.approx(alone[0] * (1 - engine.HUB_DOOR * 0.5), rel=1e-5)
    partnered = engine.score(Firms(presence=np.array([1], dtype=np.int8)), Opportunities(**both)).score[0]
    assert partnered[1] == pytest.approx(partnered[0])  # with a partner the door is open: level


def test_eligibility_country_gate_fails_for_a_firm_from_elsewhere():
    # Country table: [JP, US] plus "elsewhere"; opportunity 0 admits JP only, opportunity 1 admits anyone.
    opps = Opportunities(
        country_ok=np.array([[True, True], [False, True], [False, True]]),
        size_ok=np.ones((3, 2), dtype=np.bool_),
        presence=np.array([0, 0], dtype=np.int8),
    )
    firms = Firms(country=np.array([2], dtype=np.int32))  # an Australian firm: "elsewhere"
    value, gates = engine.eligibility(firms, opps)
    assert value.tolist() == [[0.0, 1.0]]
    assert gates.tolist() == [[engine.GATE_COUNTRY, 0]]


def test_eligibility_size_gate_and_presence_in_japan():
    opps = Opportunities(
        country_ok=np.ones((1, 3), dtype=np.bool_),
        size_ok=np.array([[True, True, True], [False, True, True], [False, True, True]]),  # opp 0: start-ups only
        presence=np.array([0, 1, 2], dtype=np.int8),  # none / partner / office required
    )
    firms = Firms(
        country=np.array([0], dtype=np.int32), size=np.array([2], dtype=np.int8), presence=np.array([0], dtype=np.int8)
    )
    value, gates = engine.eligibility(firms, opps)
    assert gates.tolist() == [[engine.GATE_SIZE, 0, 0]]
    assert value.tolist() == [[0.0, 0.5, 0.25]]  # size fails; partner needed: 0.5; office needed: 0.25


@pytest.mark.parametrize(
    ("trl", "minimum", "expected"),
    [(7, 0, 1.0), (0, 0, 1.0), (6, 6, 1.0), (9, 6, 1.0), (4, 6, 0.5), (5, 6, 0.75), (1, 9, 0.0), (0, 6, 0.5)],
)
def test_readiness_against_the_minimum_trl(trl, minimum, expected):
    value = engine.readiness(np.array([trl], dtype=np.int8), np.array([minimum], dtype=np.int8))
    assert value[0, 0] == pytest.approx(expected)


def test_compliance_is_the_share_of_required_certification_classes_held():
    certs = f32([[1.0, 0.0, 0.0]])
    required = f32([[1.0, 1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    assert engine.compliance(certs, required).tolist() == [[0.5, 1.0, 0.0]]


def test_score_is_capability_times_the_weighted_sum_when_no_gate_fails():
    scores = engine.score(Firms(affinity=f32([[0.8, 0.0]])), Opportunities())
    # capability c = AREA_SHARE * 0.8 (no text fit) = 0.72; score = 100 * c * (0.70 + 0.12 + 0.06 + 0.06 + 0.042).
    c = engine.AREA_SHARE * 0.8
    assert scores.components[:, 0, 0].tolist() == pytest.approx([c, 1.0, 1.0, 1.0, 0.7])
    assert scores.score[0, 0] == pytest.approx(100 * c * 0.982, abs=1e-3)
    assert scores.gates[0, 0] == 0
    parts = engine.contributions(scores.components[:, 0, 0], scores.raw[0, 0], scores.score[0, 0])
    assert parts.tolist() == pytest.approx([70 * c, 12 * c, 6 * c, 6 * c, 4.2 * c], abs=1e-3)
    assert parts.sum() == pytest.approx(scores.score[0, 0], abs=1e-3)


def test_a_failed_country_gate_caps_the_score_and_contributions_still_add_up():
    firms = Firms(country=np.array([1], dtype=np.int32))
    opps = Opportunities(country_ok=np.array([[True], [False]]))
    scores = engine.score(firms, opps)
    # capability c = AREA_SHARE: raw = 100 * c * (0.70 + 0 + 0.06 + 0.06 + 0.042) = 77.58; gated: 40 % of it,
    # at most 30.
    c = engine.AREA_SHARE
    assert scores.raw[0, 0] == pytest.approx(100 * c * 0.862, abs=1e-3)
    assert scores.score[0, 0] == pytest.approx(engine.INELIGIBLE_CAP)
    assert not scores.eligible[0, 0]
    parts = engine.contributions(scores.components[:, 0, 0], scores.raw[0, 0], scores.score[0, 0])
    assert parts.sum() == pytest.approx(30.0, abs=1e-4)
    assert parts[0] == pytest.approx(70 * c * 30 / (100 * c * 0.862), abs=1e-3)


def test_little_technology_fit_keeps_the_score_low_and_is_flagged():
    scores = engine.score(Firms(affinity=f32([[0.1, 0.0]])), Opportunities())
    # capability c = AREA_SHARE * 0.1: 100 * c * 0.982, whatever the other components say.
    c = engine.AREA_SHARE * 0.1
    assert scores.score[0, 0] == pytest.approx(100 * c * 0.982, abs=1e-4)
    assert scores.score[0, 0] <= engine.FIT_SLOPE * c
    assert scores.gates[0, 0] & engine.GATE_FIT
    assert scores.eligible[0, 0]


def test_other_components_never_lift_a_weak_fit_above_a_strong_one():
    # Record 0: the firm's strong area, but an office in Japan, TRL 9 and a certificate it lacks are asked, and it
    # opens in a year. Record 1: its weak area, with everything else met.
    firms = Firms(affinity=f32([[0.8, 0.5]]), trl=np.array([3], dtype=np.int8), certs=f32([[0.0, 0.0]]))
    opps = Opportunities(
        areas=f32([[1.0, 0.0], [0.0, 1.0]]),
        text_t=sp.csc_matrix(f32([[0.0, 0.0], [1.0, 1.0]])),
        country_ok=np.ones((2, 2), dtype=np.bool_),
        size_ok=np.ones((3, 2), dtype=np.bool_),
        min_trl=np.array([9, 0], dtype=np.int8),
        presence=np.array([2, 0], dtype=np.int8),
        required=f32([[1.0, 0.0], [0.0, 0.0]]),
        timing=f32([0.4, 1.0]),
        max_age=np.array([-1, -1], dtype=np.int16),
        japanese_entity=np.array([False, False]),
    )
    scores = engine.score(firms, opps)
    assert scores.components[0, 0].tolist() == pytest.approx([engine.AREA_SHARE * 0.8, engine.AREA_SHARE * 0.5])
    assert scores.score[0, 0] > scores.score[0, 1]


def test_a_firm_older_than_the_age_limit_is_gated_and_capped():
    firms = Firms(age=np.array([30], dtype=np.int16))
    opps = Opportunities(max_age=np.array([10], dtype=np.int16))
    scores = engine.score(firms, opps)
    assert scores.gates[0, 0] & engine.GATE_AGE
    assert not scores.eligible[0, 0]
    assert scores.score[0, 0] == pytest.approx(engine.INELIGIBLE_CAP)
    young = engine.score(Firms(age=np.array([4], dtype=np.int16)), opps)
    assert young.eligible[0, 0] and young.score[0, 0] > engine.INELIGIBLE_CAP


def test_a_japanese_entity_rule_gates_firms_abroad_without_an_office_in_japan():
    opps = Opportunities(japanese_entity=np.array([True]))
    abroad = engine.score(Firms(), opps)
    assert abroad.gates[0, 0] & engine.GATE_ENTITY
    assert abroad.score[0, 0] == pytest.approx(engine.INELIGIBLE_CAP)
    with_office = engine.score(Firms(japanese=np.array([True])), opps)
    assert with_office.eligible[0, 0]


def test_keep_stores_each_firms_best_k_and_everything_above_the_floor():
    score = f32([[10, 90, 20, 30, 60], [5, 4, 3, 2, 1]])
    rows, cols = engine.keep(score, top_k=2, floor=50.0)
    kept = set(zip(rows.tolist(), cols.tolist(), strict=True))
    assert kept == {(0, 1), (0, 4), (1, 0), (1, 1)}
    rows, cols = engine.keep(score, top_k=1, floor=25.0)
    assert set(zip(rows.tolist(), cols.tolist(), strict=True)) == {(0, 1), (0, 3), (0, 4), (1, 0)}
