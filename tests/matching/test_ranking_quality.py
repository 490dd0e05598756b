"""The ranking on firms nobody tuned for (issue #12): nDCG@5 on the test half, against the bar and a TF-IDF peer.

Part of the default run since the reference firms took the test half above 0.80 (docs/matching.md, "The twelfth
round"). Marked `ranking`, so `pytest -m ranking` runs it alone (about 25 s).
"""

import pytest

from bench import ranking

pytestmark = [pytest.mark.ranking, pytest.mark.django_db(transaction=True)]


def test_the_test_half_ranks_each_firms_own_areas_first_and_beats_the_peer():
    firms = ranking.firms_select(ranking.firms_load(), half="test")
    figures = ranking.measure({"test": firms})
    shown = ", ".join(f"{k}={v:.3f}" for k, v in figures.items() if k.startswith(("ndcg5_test", "peer_ndcg5_test")))
    assert figures["firms_test"] == len(firms) >= 50
    assert figures["ndcg5_test"] >= 0.80, shown
    assert figures["ndcg5_test"] >= figures["peer_ndcg5_test"], shown
