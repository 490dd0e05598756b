"""The low-fit gap never shows the threshold it is given below, and never caps the score below itself."""

import numpy as np
import pytest

from matching.explain import Explainer
from matching.messages import render


@pytest.mark.parametrize(
    ("capability", "text"),
    [
        (0.3499, "little technology fit (capability 0.34) caps the score at 35"),
        (0.3199, "little technology fit (capability 0.31) caps the score at 32"),
        (0.29, "little technology fit (capability 0.29) caps the score at 29"),
        (0.2, "little technology fit (capability 0.2) caps the score at 20"),
    ],
)
def test_low_fit_gap_reads_below_the_threshold_and_at_or_above_the_score(capability, text):
    fit = np.float32(capability)  # the engine's components are float32
    gap = Explainer.fit_gap(float(fit), float(np.float32(100.0) * fit))
    assert render(gap).startswith(text + ":")


def test_a_score_of_31_93_is_not_said_to_be_capped_by_a_capability_of_0_35():
    fit = np.float32(0.34996)
    gap = Explainer.fit_gap(float(fit), float(np.float32(100.0) * fit))
    assert "capability 0.35" not in render(gap)
    assert gap["params"]["cap"] >= 31.93
