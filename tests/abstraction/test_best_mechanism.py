"""The best macro mechanism: the centre of each fibre's rows, against independent solutions."""

from __future__ import annotations

import math

import numpy as np
import pytest
from abstraction_reference import jsd_bits
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import rel_entr

from discagg import Aggregation, ModelError, coarsening_error, load_model
from discagg.abstraction.mechanism import best_mechanism, tv_center


def _ternary(f, lo: float, hi: float, steps: int = 100) -> float:
    """The minimum of a convex function on [lo, hi] (golden-section style ternary search)."""
    for _ in range(steps):
        a, b = lo + (hi - lo) / 3, hi - (hi - lo) / 3
        if f(a) <= f(b):
            hi = b
        else:
            lo = a
    return f((lo + hi) / 2)


def _worst(metric, U, q):
    if metric == "tv":
        return float(0.5 * np.abs(U - q).sum(axis=1).max())
    m = 0.5 * (U + q)
    return float((0.5 * rel_entr(U, m).sum(axis=1) + 0.5 * rel_entr(q, m).sum(axis=1)).max() / math.log(2))


def _reference_radius(metric: str, U: np.ndarray) -> float:
    """min over the simplex of max_i D(U_i, q), by nested ternary search (d = 2 or 3; the objective is convex)."""
    d = U.shape[1]
    if d == 2:
        return _ternary(lambda a: _worst(metric, U, np.array([a, 1 - a])), 0.0, 1.0)
    return _ternary(lambda a: _ternary(lambda b: _worst(metric, U, np.array([a, b * (1 - a), (1 - b) * (1 - a)])),
                                       0.0, 1.0, 60), 0.0, 1.0, 60)


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 3), st.integers(2, 5), st.sampled_from(["tv", "jsd"]))
def test_centre_against_a_search_over_the_simplex(seed, d, m, metric):
    rng = np.random.default_rng(seed)
    U = rng.dirichlet(np.full(d, 0.7), size=m)
    best = best_mechanism(U, np.zeros(m, dtype=int), 1, metric)
    reference = _reference_radius(metric, U)
    assert best.value == pytest.approx(reference, abs=2e-6)
    assert best.lower_bound <= best.value + 1e-15
    assert best.lower_bound <= reference + 1e-9          # a certified bound stays below the true optimum
    assert best.value - best.lower_bound <= 1e-8
    assert best.value == pytest.approx(_worst(metric, U, best.kernel[0]), abs=1e-12)  # recomputed, not reported


def test_tv_centre_of_two_states_in_closed_form():
    # with two macro target states the TV centre is the midpoint of the extreme rows
    U = np.array([[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]])
    q, value, bound = tv_center(U)
    assert q == pytest.approx([0.55, 0.45]) and value == pytest.approx(0.35) and bound == pytest.approx(0.35)


def test_fibres_are_separate_problems():
    rows = np.array([[1.0, 0.0], [0.0, 1.0], [0.3, 0.7]])
    best = best_mechanism(rows, np.array([0, 0, 1]), 2, "jsd")
    assert best.kernel[0] == pytest.approx([0.5, 0.5], abs=1e-6) and best.kernel[1] == pytest.approx([0.3, 0.7])
    assert best.errors[1] == 0.0 and best.errors[0] == pytest.approx(jsd_bits([1, 0], [0.5, 0.5]), abs=1e-7)
    assert best.distances.shape == (3,) and best.distances[2] == 0.0


@pytest.mark.parametrize("metric", ["tv", "jsd"])
def test_exact_exactly_when_every_fibre_is_one_distribution(metric):
    rows = np.array([[0.2, 0.8], [0.2, 0.8], [0.6, 0.4]])
    assert best_mechanism(rows, np.array([0, 0, 1]), 2, metric).exact
    rows[1] = [0.2 + 1e-6, 0.8 - 1e-6]
    assert not best_mechanism(rows, np.array([0, 0, 1]), 2, metric).exact
    rows[1] = [0.2 + 1e-12, 0.8 - 1e-12]  # within the equality tolerance
    assert best_mechanism(rows, np.array([0, 0, 1]), 2, metric).exact


def test_coarsening_error_of_a_shipped_example():
    agg = Aggregation.of(load_model("example:cholesterol"))
    tv = coarsening_error(agg, metric="tv")
    # two macro effect states: per fibre, half the spread of P(Ybar = no | do(x)) over the fibre
    no = agg.macro_kernel[:, 0]
    expected = [(no[f].max() - no[f].min()) / 2 for f in (agg.cause_map.fibre(k) for k in range(agg.cause_map.n_macro))]
    assert tv.errors == pytest.approx(expected, abs=1e-9)
    jsd = coarsening_error(agg)
    assert jsd.metric == "jsd" and 0 < jsd.value < 1 and not jsd.exact
    assert jsd.value >= tv.value ** 2 / (2 * math.log(2)) - 1e-12  # Pinsker


def test_bad_inputs():
    with pytest.raises(ModelError, match="metric"):
        best_mechanism(np.eye(2), np.array([0, 1]), 2, "kl")
    with pytest.raises(ModelError, match="none for state 1"):
        best_mechanism(np.eye(2), np.array([0, 0]), 2, "tv")
