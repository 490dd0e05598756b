"""The parts JSON of a million match rows is written from tables of rounded numbers. It must read exactly as the
number-by-number formatting it replaced ("%.4f", which an f-string's ":.4f" equals), for every value a score can
hold and for the odd values it should never hold."""

import math

import numpy as np
import pytest

from matching.scoring import rounded_table, rounded_texts, rows_as_text

VALUES = rounded_table(4, 1, "%.4f".__mod__)
POINTS = rounded_table(2, 100, "%.2f".__mod__)


@pytest.mark.parametrize(
    "value",
    [0.0, 1.0, 0.5, 0.12345, 0.12355, 0.99995, 0.00005, 1e-9, 0.3 + 1e-12, 0.123449999, 0.6],
)
def test_a_value_reads_as_percent_formatting_writes_it(value):
    texts, exact = rounded_texts(np.array([value]), 4, VALUES)
    assert (texts[0] if exact[0] else f"{value:.4f}") == f"{value:.4f}"


def test_values_the_tables_must_not_answer_are_left_to_the_caller():
    odd = np.array([-0.0, -0.25, math.nan, math.inf, 1.00006, 0.00005, 0.00015])
    _texts, exact = rounded_texts(odd, 4, VALUES)
    # -0.0 keeps its sign in "%.4f"; negative, NaN, infinite and beyond-the-table values have no entry; 0.00005 and
    # 0.00015 sit on a half step, where the float error of scaling could pick the wrong neighbour.
    assert exact.tolist() == [False] * len(odd)


def test_random_points_agree_with_percent_formatting():
    rng = np.random.default_rng(12)
    points = np.concatenate([rng.uniform(0, 100, 20000), np.round(rng.uniform(0, 100, 2000), 3)])
    texts, exact = rounded_texts(points, 2, POINTS)
    written = [t if ok else f"{v:.2f}" for t, ok, v in zip(texts, exact.tolist(), points.tolist(), strict=True)]
    assert written == [f"{v:.2f}" for v in points.tolist()]
    assert exact.mean() > 0.99  # the tables answer nearly every value: that is the point of them


def test_rows_as_text_fills_the_template_and_falls_back_per_row():
    rows = np.array([[0.5, 35.0], [-0.0, 0.0], [0.12345, 12.345]])
    out = rows_as_text(
        rows, template="v=%s p=%s", tables=((4, VALUES), (2, POINTS)), fallback=lambda r: f"v={r[0]:.4f} p={r[1]:.2f}"
    )
    assert out == [f"v={a:.4f} p={b:.2f}" for a, b in rows.tolist()]
    assert out[1] == "v=-0.0000 p=0.00"
