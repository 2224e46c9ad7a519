"""The linear-Gaussian closed forms against values computed by hand, on a confounded 2-d model and the shops.

The 2-d model: X ~ N((1, 2), [[2, 1], [1, 3]]), Ybar = X1 - X2 + N, N ~ N(1/2, 4),
Cov(X, N) = (1, 0), Xbar = X1 + 2 X2. By hand (fractions): Var(Xbar) = 18, Cov(Ybar, Xbar) = -3 + 1 = -2,
Var(Ybar) = 3 + 2 + 4 = 9; the natural realization has slope Sigma w / 18 = (2/9, 7/18) and
cov [[10/9, -5/9], [-5/9, 5/18]]; and so on below.
"""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest

from discagg import GaussianModel, gaussian_analysis
from discagg.errors import ModelError
from discagg.theory.gaussian_constructions import lemma14_matrix

EXACT = 1e-12  # closed forms in float64 against fractions: a few ulps of numbers of order 10


@pytest.fixture
def hand() -> GaussianModel:
    return GaussianModel([1.0, 2.0], [[2.0, 1.0], [1.0, 3.0]], alpha=[1.0, -1.0], noise_mean=0.5, noise_var=4.0,
                         noise_cov=[1.0, 0.0], w=[1.0, 2.0])


def close(value, fraction):
    return value == pytest.approx(float(fraction), abs=EXACT)


def test_observational_and_natural_by_hand(hand):
    a = gaussian_analysis(hand)
    assert (hand.var_xbar, hand.cov_ybar_xbar, hand.var_ybar) == (18.0, -2.0, 9.0)
    obs = a.observational
    assert close(obs.slope, F(-1, 9)) and close(obs.intercept, F(1, 18)) and close(obs.var, F(79, 9))
    nat = a.natural.realization
    assert np.allclose(nat.slope, [2 / 9, 7 / 18], rtol=0, atol=EXACT)
    assert np.allclose(nat.intercept, [-1 / 9, 1 / 18], rtol=0, atol=EXACT)
    assert np.allclose(nat.cov, [[10 / 9, -5 / 9], [-5 / 9, 5 / 18]], rtol=0, atol=EXACT)
    i = a.natural.interventional
    assert close(i.slope, F(-1, 6)) and close(i.intercept, F(1, 3)) and close(i.var, F(13, 2))
    assert not a.natural.inhibiting and "confounded" in a.natural.reason


def test_shop_b_deterministic_and_shift_by_hand(hand):
    a = gaussian_analysis(hand)
    # (3) with k = 2: X1 ~ N(1, 2), X2 = (xbar - X1)/2, so Ybar = 1.5 X1 - xbar/2 + N
    i = a.absorbing.interventional
    assert close(i.slope, F(-1, 2)) and close(i.intercept, F(2)) and close(i.var, F(17, 2))
    # (33): X = (xbar, 0), Ybar = xbar + N
    d = a.appendix_d.report.interventional
    assert (d.intercept, d.slope, d.var) == (0.5, 1.0, 4.0)
    assert not a.appendix_d.no_macro_model and "does not apply" in a.appendix_d.statement   # Var(N) = 4 > 0
    # default shift Sigma w / 18; beta = -1/6; Cov(Xbar, U_beta + N) = -2 + 3 = Cov(N, Xbar) = 1
    assert np.allclose(a.shift.delta, [2 / 9, 7 / 18], rtol=0, atol=EXACT)
    assert close(a.shift.beta, F(-1, 6)) and close(a.shift.noise_cov_with_xbar, F(1))
    assert not a.shift.unconfounded
    assert a.shift.h[0].tolist() == [1.0, 2.0]
    assert np.allclose(a.shift.h @ a.shift.h_inverse, np.eye(2), rtol=0, atol=EXACT)


def test_condition_9_inhibiting_family_and_beta_by_hand(hand):
    a = gaussian_analysis(hand, beta=2.0)
    c9 = a.condition_9
    assert c9.holds and close(c9.var_y_given_xbar, F(79, 9)) and c9.var_noise == 4.0
    assert close(c9.slack, F(43, 9))
    # P alpha = (6/5, -3/5), |P alpha|^2 = 9/5; cov = (43/9)/(9/5) (I - w w'/5)
    fam = a.inhibiting.realization
    assert np.allclose(fam.cov, 215 / 81 * np.array([[0.8, -0.4], [-0.4, 0.2]]), rtol=0, atol=EXACT)
    assert np.allclose(fam.slope, [7 / 27, 10 / 27], rtol=0, atol=EXACT)
    assert np.allclose(fam.intercept, [-8 / 27, 4 / 27], rtol=0, atol=EXACT)
    assert a.inhibiting.inhibiting
    # Lemma 14 with beta = 2: Delta = w/5 + (2 + 1/5)/(9/5) P alpha = (5/3, -1/3)
    assert a.beta.exists and np.allclose(a.beta.delta, [5 / 3, -1 / 3], rtol=0, atol=EXACT)
    assert close(float(hand.alpha @ a.beta.h_inverse[:, 0]), F(2))


def test_shops_section_3_1():
    m = GaussianModel([60.0, 40.0], np.diag([64.0, 36.0]), alpha=[1.0, 3.0])
    a = gaussian_analysis(m, xbar=[120.0])
    assert a.observational.slope == pytest.approx(1.72, abs=EXACT)              # equation (2)
    assert a.natural.inhibiting and "Theorem 3.1" in a.natural.reason
    assert a.absorbing.interventional.slope == 3.0 and not a.absorbing.inhibiting  # (3), (4): alpha_2
    assert a.absorbing.interventional.var == 4.0 * 64.0                           # Var((alpha1 - alpha2) X1)
    assert np.allclose(a.absorbing.realization.cov, 64.0 * np.array([[1, -1], [-1, 1]]), rtol=0, atol=0)
    assert a.shift.beta == pytest.approx(1.72, abs=EXACT) and a.shift.unconfounded   # appendix C.1
    assert a.appendix_d.no_macro_model                                            # alpha_1 != alpha_2
    (ev,) = a.evaluations
    assert ev.observational[0] == pytest.approx(8.0 + 1.72 * 120.0, abs=1e-9)
    assert np.allclose(ev.realizations["natural"][0], [60 + 0.64 * 20, 40 + 0.36 * 20], rtol=0, atol=1e-12)


def test_equal_prices_trivial_case():
    """alpha parallel to 1: appendix D says nothing (Ybar | Xbar deterministic); no family is constructed."""
    a = gaussian_analysis(GaussianModel([60.0, 40.0], np.diag([64.0, 36.0]), alpha=[2.0, 2.0]))
    assert a.observational.var == pytest.approx(0.0, abs=1e-9) and a.natural.inhibiting
    assert a.inhibiting is None and "parallel" in a.inhibiting_reason and "inhibiting" in a.inhibiting_reason
    assert not a.appendix_d.no_macro_model
    assert a.absorbing.inhibiting       # every realization gives Ybar = 2 xbar


def test_confounded_equal_prices_fail_condition_9():
    """Section 3.2.1: with alpha proportional to 1, (10) fails since N and Xbar are not perpendicular."""
    m = GaussianModel([50.0, 30.0], np.diag([49.0, 25.0]), alpha=[3.0, 3.0], noise_mean=0.0,
                      noise_var=1.5 ** 2 * 49 + 1.5 ** 2 * 25, noise_cov=[1.5 * 49, 1.5 * 25])
    a = gaussian_analysis(m, beta=1.0)
    assert not a.condition_9.holds and a.condition_9.slack < 0
    assert a.inhibiting is None and "(9) fails" in a.inhibiting_reason
    assert not a.beta.exists and a.beta.h is None and "parallel" in a.beta.reason
    assert gaussian_analysis(m, beta=3.0).beta.exists       # the one coefficient every shift gives


def test_lemma14_matrix_for_random_deltas():
    rng = np.random.default_rng(3)
    for n in range(2, 7):
        w = rng.normal(size=n)
        delta = rng.normal(size=n)
        delta /= w @ delta
        h, inverse = lemma14_matrix(w, delta)
        assert np.array_equal(h[0], w)
        assert np.allclose(h @ inverse, np.eye(n), rtol=0, atol=1e-10 * np.abs(h).max() * np.abs(inverse).max())
        assert np.allclose(inverse[:, 0], delta, rtol=0, atol=0)


def test_analysis_argument_errors(hand):
    with pytest.raises(ModelError, match=r"^shift: expected 2 numbers"):
        gaussian_analysis(hand, shift=[1.0])
    with pytest.raises(ModelError, match=r"^shift: expected a shift with w'Δ"):
        gaussian_analysis(hand, shift=[0.5, 0.5])       # w'Δ = 1.5
    with pytest.raises(ModelError, match=r"^xbar\[1\]: expected a finite number"):
        gaussian_analysis(hand, xbar=[1.0, float("nan")])
    with pytest.raises(ModelError, match=r"^beta: expected a finite number"):
        gaussian_analysis(hand, beta=float("inf"))
    given = gaussian_analysis(hand, shift=[1.0, 0.0])   # w'Δ = 1: all of the shift on X1
    assert not given.shift.default and given.shift.beta == 1.0
