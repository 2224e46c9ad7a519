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
did not converge (or converged only with huge multipliers) and the caller
restricts the problem to that face
(:func:`discagg.solvers.gap_lp.maximal_support`) and calls it again.

Newton runs until the residual ``‖Kᵀq − o‖₁`` reaches the float resolution
(a quadratically convergent method gets there in one or two more iterations)
or stops improving; whether that is *converged* is decided by the tolerance
policy: ``½ ‖Kᵀq − o‖₁ ≤ tolerance.equality``. On a fibre of 65536 micro
states the rounding of ``Kᵀq`` alone is about 1e-13.

Near faces the optimal multipliers reach 1e4 to 1e6 while some weights must
move by hundreds of orders of magnitude, so the steps are damped twice: by a
trust radius on the change of any log-weight (grown while steps are accepted
whole) and by Armijo's rule on the dual, whose rounding is that of ``o · λ``.
Rows equal up to the support tolerance are merged for the tilt (they keep the
reference's proportions), and directions in which all rows agree to it are
left out, so that Newton never chases a residual at the rounding level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["TiltResult", "fit_multipliers", "tilt"]

# Newton's aim: stop early when ‖Kᵀq − o‖₁ is this small. Tighter than the
# policy on purpose (Newton converges quadratically, so reaching the float
# resolution costs an iteration or two and leaves the whole tolerance to the
# target's own distance from the hull); convergence itself is judged by the
# policy's equality tolerance, so a run that stalls at the rounding level of a
# large fibre (1.15e-13 at 65536 states) is converged.
_RESIDUAL = 1e-13
_MAX_ITER = 100
# A plain run is taken as it is when it reaches the aim within this many iterations and with
# multipliers below this bound: shifting a log-ratio by O(10) with multipliers of 1e6 takes rows that
# differ by 1e-5, so larger ones are the symptom of Newton separating rows that agree to rounding.
_CLEAN_ITERATIONS = 25
_GROUP_MULTIPLIER = 1e6
_MAX_LOG_STEP = 50.0  # nats: the initial trust radius, the most a first Newton step may change a log-weight
_EPS = float(np.finfo(np.float64).eps)


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
        ``½ residual ≤ tolerance.equality`` (the tolerance policy).
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


def _resolved_directions(K: np.ndarray, support: float) -> np.ndarray:
    """An orthonormal basis (columns) of the directions in which the rows of ``K`` differ by more than ``support``.

    Along the others every row agrees with the mean row to within ``support``
    (1e-12: rows equal up to rounding, or duplicated): no realization moves
    ``Kᵀq`` there by more than that, and a Newton step chasing a residual there
    would take multipliers of 1e10 and more. Decided from the rows themselves
    (their centred singular values bound every row's deviation), not from the
    weighted covariance, whose eigenvalues are also tiny where the weights are.
    """
    centred = K - K.mean(axis=0)
    _, s, vt = np.linalg.svd(centred.T @ centred)  # d × d: eigenvalues σ² of the centred rows
    spanned: np.ndarray = vt[np.sqrt(np.clip(s, 0.0, None)) > support].T
    return spanned


def tilt(K: np.ndarray, o: np.ndarray, reference: np.ndarray, tolerance: Tolerance = DEFAULT_TOLERANCE, *,
         stop: float | None = None, start: np.ndarray | None = None) -> TiltResult:
    """Minimise ``KL(q ‖ reference)`` subject to ``Kᵀq = o`` by damped Newton steps.

    Parameters
    ----------
    K : (m, d) ndarray
        Rows are distributions over Ȳ.
    o : (d,) ndarray
        Target, assumed to lie in the hull of the rows where ``reference > 0``.
    reference : (m,) ndarray
        Strictly positive weights (need not be normalised).
    tolerance : Tolerance
        ``equality`` decides convergence.
    stop : float, optional
        Stop as soon as ``½ ‖Kᵀq − o‖₁ ≤ stop`` (default: Newton's aim, half of
        1e-13). Every iterate is the exact tilt towards the point it reaches,
        so stopping early returns the minimum-KL realization for a target
        within ``stop`` of ``o``, with the multipliers that needs: not
        chasing a residual along directions in which the rows differ by
        rounding-level amounts (which takes multipliers of 1e13).
    start : (d,) ndarray, optional
        Initial multipliers (default zero, i.e. ``q = reference``): e.g. fitted
        to an interior-point solution, from which Newton converges
        quadratically where from zero it would need thousands of damped steps.

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
    if K.shape[0] == 0:
        return TiltResult(np.zeros(0), np.zeros(K.shape[1]), float("inf"), False, 0)
    reference = np.asarray(reference, dtype=np.float64)
    plain = _tilt(K, o, reference, tolerance, stop, start)
    aim = _RESIDUAL if stop is None else 2.0 * stop
    if plain.residual <= aim and plain.iterations <= _CLEAN_ITERATIONS and \
            np.abs(plain.multipliers).max() <= _GROUP_MULTIPLIER:
        return plain
    # Rows equal up to the support tolerance (duplicates, or equal up to rounding) are one row for the
    # tilt: their weights keep the reference's proportions, as they do exactly for equal rows. Left
    # apart, Newton separates them with multipliers of 1e12 along their 1e-14 difference, or stalls.
    # (Looked for only when the plain run was not clean: sorting the rows costs more than a solve.)
    keys = np.round(K / max(tolerance.support, 1e-300))
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    if len(first) == K.shape[0]:
        return plain
    totals = np.bincount(inverse, weights=reference, minlength=len(first))
    rows = np.zeros((len(first), K.shape[1]))
    np.add.at(rows, inverse, K * reference[:, None])
    rows /= totals[:, None]
    grouped = _tilt(rows, o, totals, tolerance, stop, start)
    q = grouped.weights[inverse] * reference / totals[inverse]
    residual = float(np.abs(q @ K - o).sum())
    if not 0.5 * residual <= tolerance.equality and plain.converged:
        return plain
    return TiltResult(q, grouped.multipliers, residual, 0.5 * residual <= tolerance.equality, grouped.iterations)


def _tilt(K: np.ndarray, o: np.ndarray, reference: np.ndarray, tolerance: Tolerance, stop: float | None,
          start: np.ndarray | None) -> TiltResult:
    """:func:`tilt` on rows that are pairwise distinct (beyond the support tolerance)."""
    aim = _RESIDUAL if stop is None else 2.0 * stop  # in ‖·‖₁
    log_r = np.log(np.asarray(reference, dtype=np.float64))
    resolved = _resolved_directions(K, tolerance.support)
    lam = np.zeros(K.shape[1]) if start is None else np.asarray(start, dtype=np.float64).copy()
    log_z, q = _tilted(log_r, K, lam)
    dual = log_z - o @ lam
    radius = _MAX_LOG_STEP
    iterations = 0
    for iterations in range(1, _MAX_ITER + 1):
        mean = q @ K
        grad = mean - o
        norm = float(np.abs(grad).sum())
        if norm <= aim:
            return TiltResult(q, lam, norm, 0.5 * norm <= tolerance.equality, iterations - 1)
        # Multipliers that separate o from the hull by more than the tolerance (c = λ / ‖λ‖∞ has
        # c · o − maxₓ c · K[x] > 2 · equality, so every realization's gap exceeds it) prove that no
        # tilt reaches o: the dual is unbounded along them. Stop, rather than follow it for the
        # rest of the iterations (seconds on a fibre of thousands of states).
        scale = float(np.abs(lam).max())
        if scale > 0 and float(o @ lam - (K @ lam).max()) > 2.0 * tolerance.equality * scale:
            break
        # Cov_q(K) from the centred rows, one temporary: E[KKᵀ] − mean meanᵀ would cancel
        # catastrophically, leaving eigenvalues of rounding noise (1e-17) along directions in which
        # the rows agree, and Newton would step along them with multipliers of 1e10.
        if resolved.shape[1] == 0:
            break  # every row agrees within the support tolerance: nothing to tilt
        centred = K - mean
        centred *= np.sqrt(q)[:, None]
        hessian = resolved.T @ (centred.T @ centred) @ resolved  # in the resolved directions only
        del centred
        values, vectors = np.linalg.eigh(hessian)
        # Curvature below the eigensolver's resolution (1e-14 of the largest) is raised to it rather
        # than dropped: along such a direction the weights that would respond are tiny (1e-245 after
        # an overshoot), and only a step along it can bring them back (the trust radius bounds it).
        values = np.maximum(values, max(1e-14 * values[-1], 1e-300))
        vectors = resolved @ vectors
        step = -(vectors @ ((vectors.T @ grad) / values))
        slope = grad @ step
        if not slope < 0:
            break
        # Armijo on the dual. Near the optimum the predicted decrease (~‖grad‖²)
        # drops below the float resolution of the dual's value long before the
        # residual does, and Armijo can no longer be decided: only there is a
        # step that halves the residual accepted instead. (Far from it, a full
        # Newton step can overshoot to the opposite side of the hull: the
        # residual halves while the dual explodes and the weights underflow to
        # exact zeros, after which the Hessian is singular and Newton is stuck.)
        # The dual is a difference of terms of size |o · λ| (1e5 and more near a face): its rounding.
        resolution = 16 * _EPS * max(1.0, abs(float(dual)), abs(float(o @ lam)))
        # Start the line search with a step that changes no log-weight by more than ``radius`` nats
        # (relative to the mean), a trust radius that grows while steps are accepted whole and shrinks
        # to what was accepted otherwise. Far from the optimum the quadratic model's full step can
        # rescale some weight by e^1000 and Armijo would backtrack twenty times per iteration; a fixed
        # radius, however, would crawl where the optimum needs multipliers of 1e4 and more.
        spread = float(np.abs(K @ step - mean @ step).max())
        first = t = min(1.0, radius / spread) if spread > 0 else 1.0
        while t > 1e-12:
            new_log_z, new_q = _tilted(log_r, K, lam + t * step)
            new_dual = new_log_z - o @ (lam + t * step)
            if new_dual <= dual + 0.25 * t * slope:
                break
            if -0.25 * t * slope <= resolution and np.abs(new_q @ K - o).sum() < 0.5 * norm:
                break
            t *= 0.5
        else:
            break
        radius = 8.0 * radius if t == first else max(t * spread, 1.0)
        lam, q, dual = lam + t * step, new_q, new_dual
    residual = float(np.abs(q @ K - o).sum())
    return TiltResult(q, lam, residual, 0.5 * residual <= tolerance.equality, iterations)


def fit_multipliers(K: np.ndarray, weights: np.ndarray, reference: np.ndarray, floor: float) -> np.ndarray:
    """Multipliers ``λ`` with ``log(q / r) ≈ K λ + c``, fitted by least squares on the weights above ``floor``.

    A starting point for :func:`tilt` from an approximate solution (an
    interior-point one, whose smallest weights are noise and are left out).
    """
    heavy = weights > floor
    if not heavy.any():
        return np.zeros(K.shape[1])
    A = np.hstack([K[heavy], np.ones((int(heavy.sum()), 1))])
    logs = np.log(weights[heavy] / reference[heavy])
    # Directions in which rows agree to ``floor`` are not fitted: there the approximate solution's
    # ratios are its own noise, and fitting them takes multipliers of 1e12 that Newton then keeps.
    fitted: np.ndarray = np.linalg.lstsq(A, logs, rcond=floor)[0]
    return fitted[:-1]
