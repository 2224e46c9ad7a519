"""The paper's linear-Gaussian constructions, in closed form.

Every function takes a validated :class:`~discagg.core.gaussian.GaussianModel`
(micro causes ``X ~ N(μ, Σ)``, ``Ȳ = αᵀX + N``, ``X̄ = wᵀX``, ``s = wᵀΣw > 0``):

- :func:`observational`: ``P(Ȳ | X̄ = x̄)`` by Gaussian conditioning; its slope
  is ``Cov(Ȳ, X̄) / Var(X̄)``, equation (2) when ``w = 1`` and the ``X_i`` are
  independent and unconfounded.
- :func:`natural_realization`: ``P(X | X̄ = x̄) = N(μ + Σw (x̄ − wᵀμ)/s,
  Σ − Σw wᵀΣ/s)`` (Definition 8).
- :func:`absorbing_realization`: equation (3), shop B's realization: all but
  one product keep their distribution, the last absorbs the rest of ``x̄``.
- :func:`deterministic_realization`: equation (33), all of ``x̄`` on one product.
- :func:`inhibiting_family`: the construction after (10) when (9) holds and α is
  not parallel to w.
- :func:`lemma14_matrix` and :func:`delta_for_beta`: Lemma 14's change of
  coordinates ``H`` (first row ``wᵀ``, first column of ``H⁻¹`` a given Δ with
  ``wᵀΔ = 1``), and the Δ giving a requested ``β = αᵀΔ``.

The paper writes these for the sum (``w = 1``); with weights, "Σ Δ_i = 1"
becomes ``wᵀΔ = 1`` and "α not parallel to 1" becomes "α not parallel to w".
"""

from __future__ import annotations

import numpy as np

from discagg.core.gaussian import GaussianModel, GaussianRealization, LinearGaussian

__all__ = ["observational", "natural_realization", "absorbing_realization", "deterministic_realization",
           "inhibiting_family", "orthogonal_part", "parallel_to_weights", "lemma14_matrix", "delta_for_beta", "natural_delta"]


def observational(model: GaussianModel) -> LinearGaussian:
    """``P(Ȳ | X̄ = x̄)``: slope ``Cov(Ȳ, X̄)/Var(X̄)``, variance ``Var(Ȳ) − Cov(Ȳ, X̄)²/Var(X̄)``.

    Examples
    --------
    >>> m = GaussianModel([0.0, 0.0], np.diag([1.0, 3.0]), alpha=[1.0, 2.0])
    >>> observational(m)        # equation (2): (1*1 + 2*3)/(1 + 3) = 1.75
    LinearGaussian(intercept=0, slope=1.75, var=0.75)
    """
    slope = model.cov_ybar_xbar / model.var_xbar
    var = model.var_ybar - model.cov_ybar_xbar ** 2 / model.var_xbar
    return LinearGaussian(model.mean_ybar - slope * model.mean_xbar, slope, max(var, 0.0))


def natural_delta(model: GaussianModel) -> np.ndarray:
    """``Σw / wᵀΣw``: the natural realization's mean slope, and the default shift (appendix C.1).

    For independent ``X_i`` and ``w = 1`` it is the paper's
    ``(Var X_1, ..., Var X_n) / Σ_n Var X_n``.

    >>> natural_delta(GaussianModel([0.0, 0.0], np.diag([1.0, 3.0]), alpha=[1.0, 2.0]))
    array([0.25, 0.75])
    """
    delta: np.ndarray = model.cov @ model.weights / model.var_xbar
    return delta


def natural_realization(model: GaussianModel) -> GaussianRealization:
    """The natural realization ``P(X | X̄ = x̄)`` (Definition 8), by Gaussian conditioning.

    Examples
    --------
    >>> r = natural_realization(GaussianModel([1.0, 2.0], np.diag([1.0, 3.0]), alpha=[1.0, 2.0]))
    >>> r.mean(7.0)          # (1, 2) + (1, 3)/4 * (7 - 3)
    array([2., 5.])
    >>> r.cov
    array([[ 0.75, -0.75],
           [-0.75,  0.75]])
    """
    slope = natural_delta(model)
    sw = model.cov @ model.weights
    cov = model.cov - np.outer(sw, sw) / model.var_xbar
    return GaussianRealization(model.mean - slope * model.mean_xbar, slope, (cov + cov.T) / 2.0)


def absorbing_realization(model: GaussianModel) -> GaussianRealization:
    """Equation (3), shop B's realization: every ``X_i`` but the last keeps its marginal, the last absorbs ``x̄``.

    With ``k`` the last index with ``w_k ≠ 0``: ``X_i ~ P(X_i)`` jointly for
    ``i ≠ k`` and ``X_k = (x̄ − Σ_{i≠k} w_i X_i) / w_k``. Then ``Ȳ = (α_k/w_k) x̄
    + Ñ`` with ``Ñ = Σ_{i≠k} (α_i − α_k w_i/w_k) X_i + N``: equation (4).

    Examples
    --------
    >>> r = absorbing_realization(GaussianModel([1.0, 2.0], np.diag([4.0, 9.0]), alpha=[1.0, 3.0]))
    >>> r.mean(10.0), r.cov.tolist()      # equation (3): mean (μ1, x̄ − μ1), cov σ1² [[1, -1], [-1, 1]]
    (array([1., 9.]), [[4.0, -4.0], [-4.0, 4.0]])
    """
    w = model.weights
    k = int(np.flatnonzero(w)[-1])
    transform = np.eye(model.n)
    transform[k] = -w / w[k]
    transform[k, k] = 0.0
    intercept = transform @ model.mean
    slope = np.zeros(model.n)
    slope[k] = 1.0 / w[k]
    cov = transform @ model.cov @ transform.T
    return GaussianRealization(intercept, slope, (cov + cov.T) / 2.0)


def deterministic_realization(model: GaussianModel) -> GaussianRealization:
    """Equation (33): ``X = (x̄ / w_k) e_k`` with zero covariance, ``k`` the first index with ``w_k ≠ 0``.

    >>> deterministic_realization(GaussianModel([1.0, 2.0], np.eye(2), alpha=[1.0, 3.0])).mean(4.0)
    array([4., 0.])
    """
    w = model.weights
    k = int(np.flatnonzero(w)[0])
    slope = np.zeros(model.n)
    slope[k] = 1.0 / w[k]
    return GaussianRealization(np.zeros(model.n), slope, np.zeros((model.n, model.n)))


def orthogonal_part(model: GaussianModel) -> np.ndarray:
    """``Pα``: the part of α orthogonal to w (``P = I − wwᵀ/wᵀw``); zero when α is parallel to w.

    >>> orthogonal_part(GaussianModel([0.0, 0.0], np.eye(2), alpha=[1.0, 3.0]))
    array([-1.,  1.])
    """
    w = model.weights
    part: np.ndarray = model.alpha - w * (w @ model.alpha) / (w @ w)
    return part


def inhibiting_family(model: GaussianModel, target: LinearGaussian, slack: float) -> GaussianRealization:
    """A Gaussian realization family with ``P(Ȳ | do(x̄)) = target`` (the construction after (10)).

    Requires α not parallel to w (``u = Pα ≠ 0``) and ``slack = target.var −
    Var(N) >= 0`` (condition (9)). The covariance is the paper's: w an
    eigenvector with eigenvalue 0, every other eigenvalue ``slack / |u|²``, so
    ``cov = (slack/|u|²) P`` and ``αᵀ cov α = slack``: equation (8) gives
    ``Var(Ȳ | do(x̄)) = target.var``. The mean (which the paper leaves free
    under ``wᵀmean(x̄) = x̄``) is the point nearest the natural realization's
    mean with ``αᵀmean(x̄) + E[N] = target.mean(x̄)``: the natural mean moved
    along u, which keeps ``wᵀmean(x̄) = x̄`` since ``wᵀu = 0`` (equation (11)).

    Parameters
    ----------
    model : GaussianModel
    target : LinearGaussian
        ``P(Ȳ | X̄ = x̄)``, usually.
    slack : float
        ``target.var − Var(N)``, clipped at 0 by the caller.

    Returns
    -------
    GaussianRealization
        Not verified here: :func:`discagg.theory.gaussian.gaussian_analysis`
        verifies it before returning it.

    Examples
    --------
    >>> m = GaussianModel([0.0, 0.0], np.eye(2), alpha=[1.0, 3.0], noise_var=1.0, noise_cov=[0.5, 0.0])
    >>> obs = observational(m)
    >>> obs
    LinearGaussian(intercept=0, slope=2.25, var=1.875)
    >>> fam = inhibiting_family(m, obs, obs.var - m.noise_var)
    >>> fam.interventional(m)           # equal to P(Ȳ | X̄ = x̄): inhibiting
    LinearGaussian(intercept=0, slope=2.25, var=1.875)
    >>> fam.slope, fam.cov @ m.weights  # wᵀslope = 1, w in the kernel of cov
    (array([0.375, 0.625]), array([0., 0.]))
    """
    u = orthogonal_part(model)
    norm2 = float(u @ u)
    natural = natural_realization(model)
    alpha = model.alpha
    intercept = natural.intercept + u * (target.intercept - model.noise_mean - alpha @ natural.intercept) / norm2
    slope = natural.slope + u * (target.slope - alpha @ natural.slope) / norm2
    w = model.weights
    projector = np.eye(model.n) - np.outer(w, w) / (w @ w)
    cov = (slack / norm2) * projector
    return GaussianRealization(intercept, slope, (cov + cov.T) / 2.0)


def lemma14_matrix(w: np.ndarray, delta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lemma 14's ``H`` with first row ``wᵀ`` and ``H⁻¹[:, 0] = Δ``, and its inverse in closed form.

    The proof's construction: ``u_1 = w``, ``v_1 = Δ`` (``wᵀΔ = 1``), rows
    ``u_2, ..., u_n`` an orthonormal basis of ``Δ^⊥``. Then ``H⁻¹ = [Δ, (I −
    Δwᵀ) U]`` with ``U = [u_2, ..., u_n]``: ``H Δ = e_1`` and, for ``j >= 2``,
    ``H (I − Δwᵀ) u_j = e_j``.

    Parameters
    ----------
    w, delta : (n,) ndarray
        With ``wᵀΔ = 1`` (the caller normalises).

    Returns
    -------
    H, H_inverse : (n, n) ndarray

    Examples
    --------
    >>> H, Hinv = lemma14_matrix(np.ones(2), np.array([0.25, 0.75]))
    >>> H[0].tolist(), Hinv[:, 0].tolist()
    ([1.0, 1.0], [0.25, 0.75])
    >>> bool(np.allclose(H @ Hinv, np.eye(2)))
    True
    """
    n = w.shape[0]
    _, _, vt = np.linalg.svd(delta[None, :])
    basis = vt[1:]                                   # (n-1, n): orthonormal rows spanning Δ^⊥
    h = np.vstack([w[None, :], basis])
    inverse = np.empty((n, n))
    inverse[:, 0] = delta
    inverse[:, 1:] = basis.T - np.outer(delta, w @ basis.T)
    return h, inverse


def delta_for_beta(model: GaussianModel, beta: float) -> np.ndarray | None:
    """Lemma 14's first statement: a Δ with ``wᵀΔ = 1`` and ``αᵀΔ = β``, or None when α ∥ w and β is not ``αᵀw/wᵀw``.

    The proof's construction: ``v_1⁰ = w/wᵀw`` (so ``wᵀv_1⁰ = 1``), ``d = αᵀv_1⁰``,
    and, when ``d ≠ β``, ``v_1 = v_1⁰ + (β − d)/(αᵀv) v`` with ``v = Pα`` (in
    ``w^⊥``, not in ``α^⊥``: it exists since α is not parallel to w).

    >>> m = GaussianModel([0.0, 0.0], np.eye(2), alpha=[1.0, 3.0])
    >>> delta_for_beta(m, 10.0).tolist()       # wᵀΔ = 1 and αᵀΔ = -3.5 + 13.5 = 10
    [-3.5, 4.5]
    """
    w, alpha = model.weights, model.alpha
    start = w / (w @ w)
    d = float(alpha @ start)
    if parallel_to_weights(model):    # every Δ with wᵀΔ = 1 gives αᵀΔ = d
        tol = model.tolerance.equality
        return start if abs(beta - d) <= tol * max(abs(beta), abs(d)) else None
    v = orthogonal_part(model)
    shift: np.ndarray = start + (beta - d) / float(v @ v) * v
    return shift


def parallel_to_weights(model: GaussianModel) -> bool:
    """α is parallel to w (α = 0 included): ``|Pα| <= tolerance.equality * |α|``, the sine of their angle.

    >>> parallel_to_weights(GaussianModel([0.0, 0.0], np.eye(2), alpha=[2.0, 2.0]))
    True
    """
    u = orthogonal_part(model)
    return bool(np.linalg.norm(u) <= model.tolerance.equality * np.linalg.norm(model.alpha))
