"""Every linear-Gaussian closed form against Monte Carlo sampled from the SCM (seeded, with computed error bars).

Observational quantities come from samples of (X, N) ~ N((mean, noise_mean), [[cov, noise_cov], [noise_cov',
noise_var]]) with Ybar = alpha'X + N, Xbar = w'X; interventional ones from the mutilated SCM: X drawn from the
realization at xbar, N independently from its own marginal (it is not a descendant of X). Each estimate is
compared with its closed form within Z standard errors, the standard errors computed from the sample (Gaussian
formulas: a mean's sd/sqrt(n), a variance's var sqrt(2/(n-1)), an OLS slope's sd_res/sqrt(Sxx)).
"""

from __future__ import annotations

import numpy as np
import pytest

from discagg import GaussianModel, gaussian_analysis, load_gaussian

Z = 5.0          # agreement within 5 standard errors
SAMPLES = 200_000


def hand_model() -> GaussianModel:
    return GaussianModel([1.0, 2.0], [[2.0, 1.0], [1.0, 3.0]], alpha=[1.0, -1.0], noise_mean=0.5, noise_var=4.0,
                         noise_cov=[1.0, 0.0], w=[1.0, 2.0])


MODELS = {name: (lambda name=name: load_gaussian(f"example:{name}")) for name in ("shops", "hours-and-pay",
                                                                                    "promotion")}
MODELS["hand"] = hand_model


def sample_scm(m: GaussianModel, rng: np.random.Generator, size: int = SAMPLES) -> tuple[np.ndarray, np.ndarray]:
    """(X, N) from the observational SCM: shape (size, n) and (size,)."""
    joint = np.block([[m.cov, m.x_noise_cov[:, None]], [m.x_noise_cov[None, :], np.array([[m.noise_var]])]])
    draws = rng.multivariate_normal(np.append(m.mean, m.noise_mean), joint, size=size, method="eigh")
    return draws[:, :-1], draws[:, -1]


def gaussian_draws(mean: np.ndarray, cov: np.ndarray, rng: np.random.Generator, size: int) -> np.ndarray:
    """N(mean, cov) for a singular cov: eigenvalues below 1e-12 of the largest are rounding, and taken as 0.

    (numpy's own eigh method takes the square root of their absolute values, which puts samples 1e-6 off
    the fibre w'x = xbar for a covariance whose kernel is w only up to rounding.)
    """
    values, vectors = np.linalg.eigh(cov)
    values = np.where(values > 1e-12 * max(values.max(), 0.0), values, 0.0)
    return mean + (rng.standard_normal((size, mean.size)) * np.sqrt(values)) @ vectors.T


def sample_do(m: GaussianModel, realization, xbar: float, rng: np.random.Generator, size: int = SAMPLES):
    """X from the realization at xbar, N independent from its marginal; returns (X, Ybar)."""
    x = gaussian_draws(realization.mean(xbar), realization.cov, rng, size)
    noise = m.noise_mean + np.sqrt(m.noise_var) * rng.standard_normal(size)
    return x, x @ m.alpha + noise


def within(estimate: float, exact: float, se: float, what: str) -> None:
    assert abs(estimate - exact) <= Z * se + 1e-12 * max(1.0, abs(exact)), (
        f"{what}: Monte Carlo {estimate:.6g} vs closed form {exact:.6g} ({abs(estimate - exact) / se:.1f} SE)")


def ols(x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """OLS of y on x with the standard errors of slope, intercept, the mean at a point and the residual variance."""
    n, mx = x.size, x.mean()
    sxx = float(((x - mx) ** 2).sum())
    slope = float(((x - mx) * (y - y.mean())).sum() / sxx)
    intercept = float(y.mean() - slope * mx)
    res = y - intercept - slope * x
    var = float(res @ res / (n - 2))
    return {"slope": slope, "intercept": intercept, "var": var, "mx": mx, "sxx": sxx, "n": n,
            "se_slope": np.sqrt(var / sxx), "se_var": var * np.sqrt(2.0 / (n - 2))}


def ols_mean_at(fit: dict[str, float], xbar: float) -> tuple[float, float]:
    """The fitted mean at xbar and its standard error."""
    mean = fit["intercept"] + fit["slope"] * xbar
    return mean, float(np.sqrt(fit["var"] * (1.0 / fit["n"] + (xbar - fit["mx"]) ** 2 / fit["sxx"])))


@pytest.fixture(params=sorted(MODELS))
def case(request):
    m = MODELS[request.param]()
    rng = np.random.default_rng(sorted(MODELS).index(request.param) + 12)
    x, noise = sample_scm(m, rng)
    return m, gaussian_analysis(m), rng, x, noise


def test_observational_regression_and_condition_9(case):
    m, a, _, x, noise = case
    xbar, ybar = x @ m.weights, x @ m.alpha + noise
    fit = ols(xbar, ybar)
    within(fit["slope"], a.observational.slope, fit["se_slope"], "slope of P(Ybar | Xbar), equation (2)")
    mean, se = ols_mean_at(fit, m.mean_xbar)
    within(mean, a.observational.mean(m.mean_xbar), se, "E[Ybar | Xbar = E[Xbar]]")
    within(fit["var"], a.observational.var, fit["se_var"], "Var(Ybar | Xbar) (condition (9), left)")
    if m.noise_var > 0:
        v = float(noise.var(ddof=1))
        within(v, a.condition_9.var_noise, v * np.sqrt(2.0 / (noise.size - 1)), "Var(N) (condition (9), right)")


def test_natural_realization_is_the_conditional_of_x_given_xbar(case):
    """Regress each X_i on Xbar: slopes, intercepts and the residual covariance are P(X | xbar)'s."""
    m, a, _, x, _ = case
    xbar = x @ m.weights
    nat = a.natural.realization
    residuals = np.empty_like(x)
    for i in range(m.n):
        fit = ols(xbar, x[:, i])
        within(fit["slope"], nat.slope[i], fit["se_slope"], f"natural slope[{i}]")
        mean, se = ols_mean_at(fit, m.mean_xbar)
        within(mean, nat.mean(m.mean_xbar)[i], se, f"natural mean[{i}] at E[Xbar]")
        residuals[:, i] = x[:, i] - fit["intercept"] - fit["slope"] * xbar
    s = residuals.T @ residuals / (x.shape[0] - 2)
    for i in range(m.n):
        for j in range(i, m.n):
            se = np.sqrt((s[i, i] * s[j, j] + s[i, j] ** 2) / x.shape[0])
            within(float(s[i, j]), nat.cov[i, j], se, f"natural cov[{i}][{j}]")


@pytest.mark.parametrize("xbar_sds", [-1.5, 0.0, 2.0])
def test_interventional_distributions_match_equation_8(case, xbar_sds):
    """Under every realization: X lies in the fibre, and E, Var of Ybar | do(xbar) are the closed forms."""
    m, a, rng, x, noise = case
    xbar = m.mean_xbar + xbar_sds * np.sqrt(m.var_xbar)
    fit = ols(x @ m.weights, x @ m.alpha + noise)
    obs_mean, obs_se = ols_mean_at(fit, xbar)
    for name, report in a.realizations().items():
        xs, ys = sample_do(m, report.realization, xbar, rng, size=SAMPLES // 4)
        scale = np.abs(xs).max() * np.abs(m.weights).sum()
        assert np.allclose(xs @ m.weights, xbar, rtol=0, atol=1e-9 * max(scale, 1.0)), f"{name}: w'X != xbar"
        mean, var = float(ys.mean()), float(ys.var(ddof=1))
        se_mean, se_var = np.sqrt(var / ys.size), var * np.sqrt(2.0 / (ys.size - 1))
        closed = report.interventional
        within(mean, closed.mean(xbar), se_mean, f"{name}: E[Ybar | do(xbar)]")
        if closed.var > 0:
            within(var, closed.var, se_var, f"{name}: Var(Ybar | do(xbar)), equation (8)")
        else:
            assert var <= 1e-18 * max(1.0, mean ** 2), f"{name}: Ybar | do(xbar) should be deterministic"
        # Inhibiting or not, seen from two independent samples: do-SCM against the observational regression.
        distance = abs(mean - obs_mean) / np.hypot(se_mean, obs_se)
        var_distance = abs(var - fit["var"]) / np.hypot(se_var, fit["se_var"]) if var > 0 else np.inf
        if report.inhibiting:
            assert distance <= Z and var_distance <= Z, f"{name}: claimed inhibiting, Monte Carlo disagrees"
        else:
            gap = report.gap
            visible = (abs(closed.mean(xbar) - a.observational.mean(xbar)) > 10 * np.hypot(se_mean, obs_se)
                       or abs(gap["var"]) > 10 * np.hypot(se_var, fit["se_var"]))
            if visible:  # a gap large enough for this sample size must show
                assert distance > Z or var_distance > Z, f"{name}: claimed inducing, Monte Carlo sees no gap"


def test_shift_intervention_moves_xbar_by_delta_and_ybar_by_beta(case):
    """Appendices B, C: X -> X + d Delta moves Xbar by d and Ybar by d beta; Cov(Xbar, Ybar - beta Xbar)."""
    m, a, _, x, noise = case
    s = a.shift
    d = 3.5
    shifted = x + d * s.delta
    assert np.allclose(shifted @ m.weights - x @ m.weights, d, rtol=0, atol=1e-9 * np.abs(x).max())
    y, y_shifted = x @ m.alpha + noise, shifted @ m.alpha + noise
    assert np.allclose(y_shifted - y, d * s.beta, rtol=0, atol=1e-9 * np.abs(y).max())
    # Lemma 14's coordinates: the first is Xbar, and Ybar = beta Xbar + U_beta + N with U_beta from the rest
    coords = x[:1000] @ s.h.T
    assert np.allclose(coords[:, 0], x[:1000] @ m.weights, rtol=0, atol=1e-9 * np.abs(x).max())
    rest = coords[:, 1:] @ (m.alpha @ s.h_inverse)[1:]
    assert np.allclose(rest, x[:1000] @ m.alpha - s.beta * coords[:, 0], rtol=0, atol=1e-8 * np.abs(y).max())
    # Definition 13: after the shift, P(Ybar^d | Xbar^d = v) = N(a + b v + d (beta - b), V)
    fit_shifted = ols(shifted @ m.weights, y_shifted)
    v = m.mean_xbar + d
    mean, se = ols_mean_at(fit_shifted, v)
    within(mean, a.observational.mean(v) + d * (s.beta - a.observational.slope), se, "E[Ybar^d | Xbar^d = v]")
    within(fit_shifted["slope"], a.observational.slope, fit_shifted["se_slope"], "slope after the shift")
    # the default shift gives the natural coefficient, the observational slope exactly when Cov(N, Xbar) = 0,
    # which for these four models is when they are unconfounded
    assert s.unconfounded == (not m.confounded)
    xbar, u = x @ m.weights, y - s.beta * x @ m.weights
    c = float(np.cov(xbar, u)[0, 1])
    se = np.sqrt((xbar.var() * u.var() + c ** 2) / xbar.size)
    within(c, s.noise_cov_with_xbar, se, "Cov(Xbar, U_beta + N)")


def test_deterministic_realization_of_appendix_d_on_the_shops():
    m = load_gaussian("example:shops")
    a = gaussian_analysis(m)
    rng = np.random.default_rng(7)
    _, ys = sample_do(m, a.appendix_d.report.realization, 100.0, rng, size=1000)
    assert np.array_equal(ys, np.full(1000, 100.0 * m.alpha[0]))       # equation (34): Ybar = alpha_1 xbar
    x, noise = sample_scm(m, rng, size=SAMPLES)
    fit = ols(x @ m.weights, x @ m.alpha + noise)
    assert fit["var"] > 50 * fit["se_var"]                             # while Ybar | Xbar is not deterministic
    assert a.appendix_d.no_macro_model
