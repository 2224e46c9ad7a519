"""The parts of a Gaussian analysis print as one short line, at six significant digits."""

from __future__ import annotations

import pytest

import discagg
from discagg.io.gaussian_format import load_gaussian


def test_the_shops_parts_read_as_the_paper_states_them():
    analysis = discagg.gaussian_analysis(load_gaussian("data/gaussian/shops.json"))
    assert repr(analysis.shift) == "ShiftReport(default shift, beta=1.72, Cov(Xbar, U+N)=0, unconfounded)"
    assert repr(analysis.condition_9) == "Condition9(holds, Var(Ybar | xbar)=92.16 >= Var(N)=0, slack 92.16)"


@pytest.mark.parametrize("spec", ["shops", "hours-and-pay", "promotion"])
def test_every_part_is_one_bounded_line(spec):
    analysis = discagg.gaussian_analysis(load_gaussian(f"data/gaussian/{spec}.json"))
    for part in (analysis.shift, analysis.condition_9):
        text = repr(part)
        assert "\n" not in text and len(text) <= 100, text
        assert "000000" not in text  # no full-precision floats
