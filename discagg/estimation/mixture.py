"""Maximum-likelihood mixture weights over a fibre: which realization produced the observed outcomes.

A macro experiment ``do(x̄)`` run by an unknown realization ``q`` over the fibre
``π⁻¹(x̄)`` produces outcomes ``o`` (micro or macro states of the effect) with
probability ``p(o) = Σ_x q(x) K[x, o]``, where the rows ``K[x] = P(o | do(X = x))``
are known. Given outcome counts ``c``, the log-likelihood

.. math::

    \\ell(q) = \\sum_o c_o \\log \\sum_x q(x) K[x, o]

is concave in ``q`` over the simplex. Its maximisers are characterised by the
KKT conditions: with ``g_x = Σ_o (c_o / n) K[x, o] / p̂(o)`` (the gradient per
run), ``q̂`` is optimal exactly when ``g_x <= 1`` for every ``x`` (and then
``g_x = 1`` wherever ``q̂(x) > 0``, since ``Σ_x q̂(x) g_x = 1``). Concavity turns
the residual ``max_x g_x - 1`` into a certificate: no realization has a
log-likelihood more than ``n (max_x g_x - 1)`` above ``ℓ(q̂)``.

The maximiser is found by the constrained Newton method of Wang (2007, JRSS B
69, "On fast computation of the nonparametric maximum likelihood estimate of a
mixing distribution"): a quadratic model of ``ℓ`` around ``q`` is minimised by
non-negative least squares over the current support and the micro states of
largest gradient, then a backtracking line search (with a Frank-Wolfe step to
the best micro state as a fallback). It runs until the KKT residual is at
round-off level and is accepted when it is at most ``tolerance.equality``.

The maximum-likelihood *distribution* ``p̂`` on the observed outcomes is unique
(``ℓ`` is strictly concave in it); the realization is not when the rows are
affinely dependent. The maximum-likelihood set is then the polytope
``{q ≥ 0, Σ q = 1, Σ_x q(x) K[x, o] = p̂(o) for every observed o}``, and
:func:`ml_realization` returns the point of largest entropy in it and, by one
pair of linear programs per micro state, the range of each weight over it.
Every maximiser is supported on ``{x : g_x = 1}``, so the others get ``[0, 0]``
without a program.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from discagg.core.arrays import readonly_float
from discagg.errors import SolverError
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["ImpossibleOutcome", "MixtureEstimate", "ml_weights", "ml_realization", "kkt_residual",
           "affinely_independent", "weight_ranges"]

_STOP = 1e-13
"""The Newton iterations stop when the KKT residual is this small (round-off level); acceptance is the tolerance."""
_MAX_ITERATIONS = 1000
_HEAVY = 1e4
"""Weight of the row ``Σ w = 1`` in the least-squares step, relative to the model's largest entry."""
_CANDIDATE_SLACK = 1e-6
"""Micro states with ``g_x >= 1 - this`` at the answer are kept as candidates of the maximum-likelihood set.

The true maximisers have ``g_x = 1`` exactly; the computed gradient is within
round-off of it, far inside this margin, while a micro state outside the set
(``g_x < 1``) only enlarges the linear programs if it is kept, never changes
their answer.
"""


class ImpossibleOutcome(Exception):
    """An observed outcome that no row can produce: the likelihood is zero for every realization."""

    def __init__(self, outcome: int) -> None:
        super().__init__(f"outcome {outcome} has probability 0 under every row")
        self.outcome = outcome


@dataclass(frozen=True)
class MixtureEstimate:
    """The maximum-likelihood realization over one fibre.

    Attributes
    ----------
    weights : (F,) ndarray
        A maximum-likelihood realization: the unique one, or the one of largest
        entropy among them.
    lower, upper : (F,) ndarray
        The range of each weight over all maximum-likelihood realizations.
    mixture : (m,) ndarray
        ``Σ_x weights[x] K[x]``, the fitted distribution of the outcomes.
    log_likelihood : float
        ``Σ_o c_o log mixture[o]``.
    kkt_residual : float
        ``max_x g_x - 1`` at the answer (at most ``tolerance.equality``).
    """

    weights: np.ndarray = field(repr=False)
    lower: np.ndarray = field(repr=False)
    upper: np.ndarray = field(repr=False)
    mixture: np.ndarray = field(repr=False)
    log_likelihood: float
    kkt_residual: float

    @property
    def unique(self) -> bool:
        """Every weight's range is a point (within the LP's accuracy): the data single out one realization."""
        return bool(np.all(self.upper - self.lower <= 1e-7))


def _log_likelihood(A: np.ndarray, f: np.ndarray, q: np.ndarray) -> float:
    with np.errstate(divide="ignore"):
        return float(f @ np.log(A.T @ q))


def kkt_residual(K: np.ndarray, counts: np.ndarray, weights: np.ndarray) -> float:
    """``max_x g_x - 1`` for the realization ``weights``: at most 0 exactly at a maximum of the likelihood.

    Parameters
    ----------
    K : (F, m) ndarray
    counts : (m,) ndarray
    weights : (F,) ndarray

    Examples
    --------
    >>> K = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> kkt_residual(K, np.array([3.0, 1.0]), np.array([0.75, 0.25]))
    0.0
    >>> kkt_residual(K, np.array([3.0, 1.0]), np.array([0.5, 0.5])) > 0
    True
    """
    seen = counts > 0
    f = counts[seen] / counts.sum()
    A = K[:, seen]
    return float((A @ (f / (A.T @ weights))).max() - 1.0)


def ml_weights(K: np.ndarray, counts: np.ndarray, tolerance: Tolerance = DEFAULT_TOLERANCE) -> tuple[np.ndarray, float]:
    """A maximum-likelihood realization (constrained Newton), and its KKT residual.

    Parameters
    ----------
    K : (F, m) ndarray
        Row ``x`` is the distribution of the outcomes under ``do(X = x)``.
    counts : (m,) ndarray
        How often each outcome was observed (not all zero).
    tolerance : Tolerance
        An outcome whose probability is at most ``support`` under every row is
        impossible; the residual must end at most ``equality``.

    Returns
    -------
    weights : (F,) ndarray
    residual : float

    Raises
    ------
    ImpossibleOutcome
        An observed outcome that no row gives positive probability.
    SolverError
        The iterations did not reach a KKT residual within the tolerance.

    Examples
    --------
    >>> K = np.array([[0.9, 0.1], [0.2, 0.8]])
    >>> q, residual = ml_weights(K, np.array([55.0, 45.0]))   # 0.55 = 0.5 * 0.9 + 0.5 * 0.2
    >>> q.round(10).tolist(), residual <= 1e-9
    ([0.5, 0.5], True)
    """
    K = np.ascontiguousarray(K, dtype=np.float64)
    counts = np.asarray(counts, dtype=np.float64)
    seen = np.flatnonzero(counts > 0)
    A = K[:, seen]
    impossible = np.flatnonzero(A.max(axis=0) <= tolerance.support)
    if impossible.size:
        raise ImpossibleOutcome(int(seen[impossible[0]]))
    F = K.shape[0]
    if F == 1:
        return np.ones(1), kkt_residual(K, counts, np.ones(1))
    f = counts[seen] / counts.sum()
    q = _constrained_newton(A, f)
    residual = float((A @ (f / (A.T @ q))).max() - 1.0)
    if not residual <= tolerance.equality:
        raise SolverError(f"maximum-likelihood realization: the KKT residual stayed at {residual!r}, above the "
                          f"tolerance {tolerance.equality!r}")
    return q, residual


def _constrained_newton(A: np.ndarray, f: np.ndarray) -> np.ndarray:
    """Maximise ``Σ f log(Aᵀ q)`` over the simplex (Wang's constrained Newton method with a line search)."""
    from scipy.optimize import nnls

    F, s = A.shape
    q = np.zeros(F)
    start = np.unique(A.argmax(axis=0))  # every observed outcome gets positive probability from the start
    q[start] = 1.0 / len(start)
    root_f = np.sqrt(f)
    for _ in range(_MAX_ITERATIONS):
        p = A.T @ q
        g = A @ (f / p)
        best = int(np.argmax(g))
        if g[best] - 1.0 <= _STOP:
            break
        top = np.argpartition(-g, min(s, F - 1))[: s + 1] if F > s + 1 else np.arange(F)
        candidates = np.union1d(np.flatnonzero(q > 0), top)
        D = (root_f / p)[:, None] * A[candidates].T
        # the quadratic model over the simplex: the sum constraint as a heavily weighted row (Lawson and Hanson)
        heavy = _HEAVY * max(1.0, float(np.abs(D).max()))
        w, _ = nnls(np.vstack([D, np.full(len(candidates), heavy)]), np.append(2.0 * root_f, heavy),
                    maxiter=50 * len(candidates))
        direction = -q
        if w.sum() > 0:
            direction = direction.copy()
            direction[candidates] += w / w.sum()
        moved = _line_search(A, f, q, direction) if float(g @ direction) > 0 else q
        if np.array_equal(moved, q):  # the Newton model gave no ascent: a Frank-Wolfe step to the best micro state
            direction = -q.copy()
            direction[best] += 1.0
            moved = _line_search(A, f, q, direction)
        if np.array_equal(moved, q):
            break  # no representable progress (round-off level): the residual check decides
        q = moved
    return q


def _line_search(A: np.ndarray, f: np.ndarray, q: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """The maximum of the (concave) log-likelihood on the segment from ``q`` to ``q + direction``.

    Along the segment the outcome distribution is ``p + t Δ`` (``Δ = Aᵀ direction``),
    so the derivative ``Σ f Δ / (p + t Δ)`` costs one pass over the observed
    outcomes; the maximum is where it changes sign, found by bisection. Signs of
    derivatives stay exact where differences of log-likelihoods are below
    round-off, and a step whose end has a non-negative derivative never lowers
    the likelihood (concavity): the iteration is monotone to the last digit.
    """
    p, delta = A.T @ q, A.T @ direction

    def rising(t: float) -> bool:
        with np.errstate(divide="ignore", invalid="ignore"):
            value = float(f @ (delta / (p + t * delta)))
        return bool(np.isfinite(value) and value >= 0)  # an observed outcome losing all mass: not rising

    step = 1.0
    if not rising(1.0):
        low, high = 0.0, 1.0
        for _ in range(60):
            middle = 0.5 * (low + high)
            low, high = (middle, high) if rising(middle) else (low, middle)
        step = low
    trial = q + step * direction
    trial[trial < 0] = 0.0  # round-off below zero on the support being left
    normalised: np.ndarray = trial / trial.sum()
    return normalised


def affinely_independent(K: np.ndarray, threshold: float) -> bool:
    """Whether the rows of ``K`` are affinely independent (no two mixtures of them give the same distribution).

    Decided by the smallest singular value of the row differences ``K[x] - K[0]``:
    independent when it exceeds ``threshold``. A unit direction ``d`` between two
    realizations with ``‖Kᵀd‖ <= threshold`` moves the outcome distribution by no
    more than the tolerance counts as equal, so such rows are treated as dependent.

    Examples
    --------
    >>> affinely_independent(np.array([[1.0, 0.0], [0.0, 1.0]]), 1e-9)
    True
    >>> affinely_independent(np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]), 1e-9)   # 3 points on a line
    False
    """
    F, m = K.shape
    if F == 1:
        return True
    if F > m:  # rows summing to one lie in an (m - 1)-dimensional affine space
        return False
    singular = np.linalg.svd(K[1:] - K[0], compute_uv=False)
    return bool(singular.min() > threshold)


def weight_ranges(A: np.ndarray, target: np.ndarray, candidates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The smallest and largest weight of each candidate over ``{q >= 0 on candidates, Σq = 1, Aᵀq = target}``.

    Two linear programs per candidate, in one HiGHS instance whose basis
    carries over from one to the next (only the objective changes).

    Parameters
    ----------
    A : (F, s) ndarray
    target : (s,) ndarray
    candidates : (T,) ndarray of int
        The micro states that may carry weight (the others are fixed at 0).

    Returns
    -------
    lower, upper : (F,) ndarray
        Zero outside the candidates.

    Raises
    ------
    SolverError
        A linear program that HiGHS does not solve to optimality.

    Examples
    --------
    >>> A = np.array([[1.0], [0.5], [0.0]])                 # P(first outcome) under each micro state
    >>> lower, upper = weight_ranges(A, np.array([0.3]), np.arange(3))
    >>> lower.round(9).tolist(), upper.round(9).tolist()
    ([0.0, 0.0, 0.4], [0.3, 0.6, 0.7])
    """
    import highspy

    from discagg.solvers.highs import quiet_highs

    F, s = A.shape
    T = len(candidates)
    h = quiet_highs()
    h.setOptionValue("presolve", "off")  # s + 1 rows: nothing to gain, as for the gap LP's master
    rhs = np.append(np.asarray(target, dtype=np.float64), 1.0)
    h.addRows(s + 1, rhs, rhs, 0, np.zeros(s + 1, dtype=np.int32), np.zeros(0, dtype=np.int32), np.zeros(0))
    block = np.concatenate([A[candidates], np.ones((T, 1))], axis=1)
    h.addCols(T, np.zeros(T), np.zeros(T), np.full(T, highspy.kHighsInf), T * (s + 1),
              np.arange(T, dtype=np.int32) * (s + 1), np.tile(np.arange(s + 1, dtype=np.int32), T), block.ravel())
    lower, upper = np.zeros(F), np.zeros(F)
    for i, x in enumerate(candidates):
        for sign, out in ((1.0, lower), (-1.0, upper)):
            h.changeColCost(i, sign)
            h.run()
            status = h.getModelStatus()
            if status != highspy.HighsModelStatus.kOptimal:
                raise SolverError(f"range of a maximum-likelihood weight: HiGHS {h.modelStatusToString(status)}")
            out[x] = min(max(sign * h.getInfo().objective_function_value, 0.0), 1.0)
        h.changeColCost(i, 0.0)
    return lower, upper


def ml_realization(K: np.ndarray, counts: np.ndarray, tolerance: Tolerance = DEFAULT_TOLERANCE) -> MixtureEstimate:
    """The maximum-likelihood realization of one fibre, its ranges and its fit.

    Parameters
    ----------
    K : (F, m) ndarray
        Rows: distributions of the outcomes under each ``do(X = x)``.
    counts : (m,) ndarray
        Outcome counts of the experiment's runs (at least one run).
    tolerance : Tolerance

    Returns
    -------
    MixtureEstimate

    Raises
    ------
    ImpossibleOutcome, SolverError
        As :func:`ml_weights`; SolverError also when the largest-entropy point
        of the maximum-likelihood set cannot be found.

    Examples
    --------
    Three micro states, two outcomes: the rows are affinely dependent, and only
    the mixture is determined.

    >>> K = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    >>> est = ml_realization(K, np.array([50.0, 50.0]))
    >>> est.mixture.round(9).tolist(), est.unique
    ([0.5, 0.5], False)
    >>> est.lower.round(9).tolist(), est.upper.round(9).tolist()
    ([0.0, 0.0, 0.0], [0.5, 1.0, 0.5])
    """
    K = np.ascontiguousarray(K, dtype=np.float64)
    counts = np.asarray(counts, dtype=np.float64)
    q, residual = ml_weights(K, counts, tolerance)
    seen = counts > 0
    A = K[:, seen]
    f = counts[seen] / counts.sum()
    g = A @ (f / (A.T @ q))
    candidates = np.flatnonzero(g >= 1.0 - _CANDIDATE_SLACK)
    # the maximum-likelihood set in the outcome space that matters: the observed outcomes, the others merged
    merged = np.column_stack([A, np.clip(1.0 - A.sum(axis=1), 0.0, None)]) if not seen.all() else A
    target = merged.T @ q
    if len(candidates) == 1 or affinely_independent(merged[candidates], tolerance.equality):
        weights = q.copy()
        lower = upper = weights
    else:
        weights = _largest_entropy(merged, target, candidates, tolerance)
        inside = q[candidates] / q[candidates].sum()  # the answer's point of the set, on the candidates only
        lower, upper = weight_ranges(A, A[candidates].T @ inside, candidates)
        lower, upper = np.minimum(lower, weights), np.maximum(upper, weights)
    mixture = K.T @ weights
    with np.errstate(divide="ignore"):
        ll = float(counts[seen] @ np.log(mixture[seen]))
    return MixtureEstimate(readonly_float(weights), readonly_float(lower), readonly_float(upper),
                           readonly_float(mixture), ll, residual)


def _largest_entropy(merged: np.ndarray, target: np.ndarray, candidates: np.ndarray, tolerance: Tolerance
                     ) -> np.ndarray:
    """The realization of largest entropy with ``mergedᵀ q = target``, supported on the candidates."""
    from discagg.solvers.inhibiting import solve_fibre

    local = solve_fibre(merged[candidates], target, objective="max-entropy", tolerance=tolerance)
    if local.status != "inhibiting":
        raise SolverError(f"the largest-entropy maximum-likelihood realization: status {local.status!r}, "
                          f"gap {local.gap!r}")
    weights = np.zeros(merged.shape[0])
    weights[candidates[local.support]] = local.weights
    return weights
