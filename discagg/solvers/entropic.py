"""Minimum-KL and maximum-entropy realizations by Newton's method in the dual.

Given the rows ``K`` (shape ``(m, d)``) of ``P(Ȳ | do(X = x))`` over a fibre, a
target ``o`` in their convex hull and a reference distribution ``r`` over the
fibre, the realization closest to ``r`` in KL divergence,

.. math::

    \\min_q\\ \\mathrm{KL}(q \\,\\|\\, r) \\quad\\text{s.t.}\\quad K^\\top q = o,\\ q \\ge 0,

is an exponential tilt ``q_x ∝ r_x exp(K[x] · λ)``, where ``λ ∈ R^d`` minimises
the smooth convex dual ``log Σ_x r_x exp(K[x] · λ) − o · λ``: a problem with
``d`` variables however large the fibre. Its gradient is ``Kᵀq − o`` (the
constraint residual) and its Hessian the covariance of ``K`` under ``q``.
Maximum entropy is the case ``r`` uniform.

The dual attains its minimum only when ``o`` lies in the relative interior of
the hull of the rows that ``r`` supports. On the boundary, the optimal ``q``
vanishes off the smallest face containing ``o``; :func:`tilt` reports that it
did not converge and the caller restricts the problem to that face
(:func:`discagg.solvers.gap_lp.maximal_support`) and calls it again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["TiltResult", "tilt"]

_RESIDUAL = 1e-13  # stop when ‖Kᵀq − o‖₁ is this small
_MAX_ITER = 100


@dataclass(frozen=True, eq=False)
class TiltResult:
    """Outcome of :func:`tilt`.

    Attributes
    ----------
    weights : (m,) ndarray
        The tilted distribution ``q``.
    multipliers : (d,) ndarray
        The dual variables ``λ``.
    residual : float
        ``‖Kᵀq − o‖₁``.
    converged : bool
        Residual below the stopping threshold.
    iterations : int
    """

    weights: np.ndarray
    multipliers: np.ndarray
    residual: float
    converged: bool
    iterations: int


def _tilted(log_r: np.ndarray, K: np.ndarray, lam: np.ndarray) -> tuple[float, np.ndarray]:
    """``log Σ r exp(Kλ)`` and the tilted distribution, in three passes over the fibre."""
    a = K @ lam
    a += log_r
    top = a.max()
    a -= top
    np.exp(a, out=a)
    total = a.sum()
    a /= total
    return float(top + np.log(total)), a


def tilt(K: np.ndarray, o: np.ndarray, reference: np.ndarray) -> TiltResult:
    """Minimise ``KL(q ‖ reference)`` subject to ``Kᵀq = o`` by damped Newton steps.

    Parameters
    ----------
    K : (m, d) ndarray
        Rows are distributions over Ȳ.
    o : (d,) ndarray
        Target, assumed to lie in the hull of the rows where ``reference > 0``.
    reference : (m,) ndarray
        Strictly positive weights (need not be normalised).

    Returns
    -------
    TiltResult

    Examples
    --------
    >>> K = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    >>> res = tilt(K, np.array([0.5, 0.5]), np.ones(3))   # maximum entropy
    >>> res.converged, res.weights.round(10).tolist()
    (True, [0.3333333333, 0.3333333333, 0.3333333333])
    """
    K = np.asarray(K, dtype=np.float64)
    o = np.asarray(o, dtype=np.float64)
    log_r = np.log(np.asarray(reference, dtype=np.float64))
    lam = np.zeros(K.shape[1])
    log_z, q = _tilted(log_r, K, lam)
    dual = log_z - o @ lam
    iterations = 0
    for iterations in range(1, _MAX_ITER + 1):
        mean = q @ K
        grad = mean - o
        if np.abs(grad).sum() <= _RESIDUAL:
            return TiltResult(q, lam, float(np.abs(grad).sum()), True, iterations - 1)
        hessian = (K.T * q) @ K - np.outer(mean, mean)  # Cov_q(K), one temporary
        values, vectors = np.linalg.eigh(hessian)
        keep = values > 1e-14 * max(values[-1], 1e-300)
        step = -(vectors[:, keep] @ ((vectors[:, keep].T @ grad) / values[keep]))
        slope = grad @ step
        if not slope < 0:
            break
        # Accept a step that satisfies Armijo on the dual, or that shrinks the
        # residual: near the optimum the dual's decrease (~‖grad‖²) drops below
        # the float resolution of its value long before the residual does.
        norm = np.abs(grad).sum()
        t = 1.0
        while t > 1e-12:
            new_log_z, new_q = _tilted(log_r, K, lam + t * step)
            new_dual = new_log_z - o @ (lam + t * step)
            if new_dual <= dual + 0.25 * t * slope or np.abs(new_q @ K - o).sum() < 0.5 * norm:
                break
            t *= 0.5
        else:
            break
        lam, q, dual = lam + t * step, new_q, new_dual
    residual = float(np.abs(q @ K - o).sum())
    return TiltResult(q, lam, residual, residual <= _RESIDUAL, iterations)
