"""Invariants of the linear-Gaussian constructions on random models (hypothesis).

Random models: (X, N) with joint covariance B B' (B of random rank, so singular covariances occur), random
weights w (some zero), random alpha (sometimes parallel to w), random means.
"""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

from discagg import GaussianModel, gaussian_analysis
from discagg.theory.gaussian import conditionals_equal
from discagg.theory.gaussian_constructions import lemma14_matrix


@st.composite
def models(draw, confounded=None) -> GaussianModel:
    seed = draw(st.integers(0, 2**32 - 1))
    n = draw(st.integers(2, 5))
    rng = np.random.default_rng(seed)
    rank = draw(st.integers(1, n + 1))
    b = rng.normal(size=(n + 1, rank)) * rng.uniform(0.1, 10.0)
    joint = b @ b.T
    if confounded is None:
        confounded = draw(st.booleans())
    if not confounded:
        joint[:n, n] = joint[n, :n] = 0.0
    w = rng.normal(size=n)
    w[rng.random(n) < 0.3] = 0.0
    assume(np.any(w))
    alpha = rng.normal(size=n) * 3.0
    if draw(st.integers(0, 4)) == 0:
        alpha = w * rng.normal()
    cov = joint[:n, :n]
    assume(w @ cov @ w > 1e-6 * np.abs(cov).max() * (w @ w))
    return GaussianModel(rng.normal(size=n) * 10.0, cov, alpha, noise_mean=float(rng.normal()),
                         noise_var=float(joint[n, n]), noise_cov=joint[:n, n], w=w)


def psd_with_kernel(cov: np.ndarray, m: GaussianModel) -> bool:
    """PSD with w in the kernel, up to rounding relative to the larger of cov's and the model's scale."""
    w = m.weights
    values = np.linalg.eigvalsh(cov)
    top = max(float(np.abs(values).max()), float(np.abs(m.cov).max()))
    return bool(values[0] >= -1e-9 * top and np.linalg.norm(cov @ w) <= 1e-9 * top * np.linalg.norm(w))


@given(models(), st.floats(-100, 100))
def test_every_realization_lives_on_the_fibre(m, xbar):
    """w'mean(xbar) = xbar and cov w = 0, cov PSD, for every realization family the analysis returns."""
    a = gaussian_analysis(m)
    for name, report in a.realizations().items():
        r = report.realization
        scale = np.abs(m.weights) @ (np.abs(r.intercept) + np.abs(r.slope) * abs(xbar)) + abs(xbar)
        assert abs(m.weights @ r.mean(xbar) - xbar) <= 1e-9 * max(scale, 1.0), name
        assert psd_with_kernel(r.cov, m), name


@given(models(confounded=False))
def test_theorem_3_1_natural_realization_inhibits_when_unconfounded(m):
    a = gaussian_analysis(m)
    assert a.natural.inhibiting and "Theorem 3.1" in a.natural.reason
    assert a.condition_9.holds                   # Var(Ybar | xbar) = alpha' S alpha + Var(N) >= Var(N)
    assert a.shift.unconfounded                  # appendix C.1: the default shift gives the natural coefficient
    assert abs(a.shift.beta - a.observational.slope) <= 1e-9 * max(1.0, abs(a.observational.slope),
                                                                    np.linalg.norm(m.alpha))


@given(models())
def test_inhibiting_family_exists_exactly_when_condition_9_holds_and_alpha_is_not_parallel(m):
    a = gaussian_analysis(m)
    u = m.alpha - m.weights * (m.weights @ m.alpha) / (m.weights @ m.weights)
    parallel = np.linalg.norm(u) <= 1e-9 * np.linalg.norm(m.alpha)
    assert (a.inhibiting is not None) == (a.condition_9.holds and not parallel)
    if a.inhibiting is not None:
        fam = a.inhibiting
        assert fam.inhibiting
        assert conditionals_equal(fam.interventional, a.observational, m)   # slope, intercept (11), variance
        assert psd_with_kernel(fam.realization.cov, m)
    elif not a.condition_9.holds:
        # (8): no realization gets below Var(N); the natural one, in particular, does not inhibit
        assert not a.natural.inhibiting
        assert a.natural.interventional.var >= m.noise_var - 1e-9 * max(m.var_ybar, m.noise_var)


@given(models(), st.floats(-50, 50))
def test_lemma_14_for_the_default_shift_and_a_requested_beta(m, beta):
    a = gaussian_analysis(m, beta=beta)
    s = a.shift
    assert abs(m.weights @ s.delta - 1.0) <= 1e-9 * max(1.0, np.abs(m.weights) @ np.abs(s.delta))
    for delta, h, inverse in [(s.delta, s.h, s.h_inverse)] + (
            [(a.beta.delta, a.beta.h, a.beta.h_inverse)] if a.beta.exists else []):
        assert np.array_equal(h[0], m.weights)
        assert np.allclose(inverse[:, 0], delta, rtol=0, atol=0)
        assert np.allclose(h @ inverse, np.eye(m.n), rtol=0, atol=1e-9 * max(1.0, np.abs(h).max()
                                                                            * np.abs(inverse).max()))
    u = m.alpha - m.weights * (m.weights @ m.alpha) / (m.weights @ m.weights)
    if np.linalg.norm(u) > 1e-9 * np.linalg.norm(m.alpha):
        assert a.beta.exists
        got = m.alpha @ a.beta.h_inverse[:, 0]
        assert abs(got - beta) <= 1e-9 * max(1.0, abs(beta), np.abs(m.alpha) @ np.abs(a.beta.delta))


@given(models(), st.floats(-100, 100))
def test_deterministic_and_absorbing_realizations(m, xbar):
    """(33) is a point mass on the fibre; (3) keeps all micro causes but one at their marginal."""
    a = gaussian_analysis(m, xbar=[xbar])
    det = a.appendix_d.report.realization
    assert not det.cov.any()
    assert np.count_nonzero(det.mean(xbar)) <= 1
    absorbing = a.absorbing.realization
    k = int(np.flatnonzero(m.weights)[-1])
    keep = [i for i in range(m.n) if i != k]
    assert np.allclose(absorbing.cov[np.ix_(keep, keep)], m.cov[np.ix_(keep, keep)], rtol=0, atol=0)
    assert np.allclose(absorbing.mean(xbar)[keep], m.mean[keep], rtol=0, atol=0)
    (ev,) = a.evaluations
    assert set(ev.realizations) == set(a.realizations())


def test_lemma14_matrix_inverse_is_closed_form():
    h, inverse = lemma14_matrix(np.array([2.0, 0.0, -1.0]), np.array([0.5, 7.0, 0.0]))
    assert np.allclose(h @ inverse, np.eye(3), rtol=0, atol=1e-12)
    assert np.allclose(inverse @ h, np.eye(3), rtol=0, atol=1e-12)
