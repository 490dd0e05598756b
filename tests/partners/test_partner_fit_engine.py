"""partners.fit on hand-made arrays: each component does what its docstring says."""

import numpy as np
import scipy.sparse as sp

from partners import fit


def block(**overrides) -> tuple[fit.FirmBlock, fit.PartnerBlock]:
    # Areas: 0 = usv, 1 = cyber. Partners: 0 = a usv prime with an AU tie, 1 = a cyber prime, 2 = a cyber lab.
    partners = fit.PartnerBlock(
        areas=np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.3]], dtype=np.float32),
        role=np.array([fit.ROLES.index("prime"), fit.ROLES.index("prime"), fit.ROLES.index("research")], np.int8),
        programmes=sp.csr_matrix(np.array([[1.0], [0.0], [0.0]], dtype=np.float32)),
        ties=np.array([1.0, 0.0, 0.0], dtype=np.float32),
        tie_countries=np.array([[True], [False], [False]]),
    )
    firms = fit.FirmBlock(
        affinity=np.array([[0.9, 0.0], [0.0, 0.8]], dtype=np.float32),
        size=np.array([0, 1], dtype=np.int8),
        best=sp.csr_matrix(np.array([[1.0], [0.0]], dtype=np.float32)),
        country=np.array([0, -1], dtype=np.int32),
    )
    return firms, partners


def test_each_firm_ranks_the_partner_in_its_own_area_first():
    firms, partners = block()

    result = fit.score(firms, partners)

    assert result.score.shape == (2, 3)
    assert result.score[0].argmax() == 0
    assert result.score[1].argmax() == 1


def test_a_partner_strong_in_the_area_beats_one_with_a_side_line_in_it():
    firms, partners = block()

    result = fit.score(firms, partners)

    assert result.components[1, 1, 0] > result.components[1, 2, 0]


def test_known_programmes_and_same_country_ties_count():
    firms, partners = block()

    parts = fit.score(firms, partners).components

    assert parts[0, 0, 2] == 1.0  # the firm's best opportunity is the partner's programme
    assert parts[0, 0, 3] == np.float32(0.5 * 0.5 + 0.5)  # one tie of two for full, and it is with the firm's country


def test_unrelated_partners_get_no_role_or_ties_credit():
    firms, partners = block()

    parts = fit.score(firms, partners).components

    assert parts[1, 0, 0] == 0.0 and parts[1, 0, 1] == 0.0 and parts[1, 0, 3] == 0.0


def test_keep_returns_each_firms_top_k():
    scores = np.array([[10, 30, 20], [5, 1, 7]], dtype=np.float32)

    rows, cols = fit.keep(scores, top_k=2)

    assert sorted(zip(rows.tolist(), cols.tolist(), strict=True)) == [(0, 1), (0, 2), (1, 0), (1, 2)]


def test_the_rescore_task_replaces_a_firms_fits(firm_a, partners):
    from partners.models import PartnerFit
    from partners.tasks import rescore_fits_task

    stored = rescore_fits_task.apply(args=([firm_a.pk],)).get()

    assert stored == 3 == PartnerFit.objects.filter(company=firm_a).count()
    assert rescore_fits_task.apply(args=([firm_a.pk],)).get() == 3  # a second run replaces, never adds
    assert PartnerFit.objects.count() == 3


def test_a_shipbuilder_whose_core_is_the_firms_area_beats_a_specialist_that_builds_it_on_the_side():
    # Areas: usv, uuv and six other lines of a large shipbuilder. The firm builds uncrewed surface vessels and a
    # little undersea work; the shipbuilder's core includes surface vessels among much else; the specialist builds
    # undersea vehicles and surface ones only on the side.
    shipbuilder = [1.0, 0.0] + [0.8] * 6
    specialist = [0.3, 1.0] + [0.0] * 6
    partners = fit.PartnerBlock(
        areas=np.array([shipbuilder, specialist], dtype=np.float32),
        role=np.array([fit.ROLES.index("supplier")] * 2, np.int8),
        programmes=sp.csr_matrix((2, 1), dtype=np.float32),
        ties=np.zeros(2, dtype=np.float32),
        tie_countries=np.zeros((2, 1), dtype=bool),
    )
    firms = fit.FirmBlock(
        affinity=np.array([[1.0, 0.3] + [0.0] * 6], dtype=np.float32),
        size=np.array([0], dtype=np.int8),
        best=sp.csr_matrix((1, 1), dtype=np.float32),
        country=np.array([-1], dtype=np.int32),
    )

    result = fit.score(firms, partners)

    assert result.score[0, 0] > result.score[0, 1]
    assert result.components[0, 0, 0] == 1.0  # its best shared area: the firm's core, the shipbuilder's core
    assert result.components[0, 1, 0] == np.float32(0.3)
