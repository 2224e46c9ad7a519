"""The best macro mechanism for given value maps, and the abstraction error of a coarsening.

Given the rows ``u_s = α_T∗ P_micro(T | do(S = s))`` of the micro interventions
and the macro source state ``α_S(s)`` of each, which macro mechanism
``Q(T̄ | do(S̄ = s̄))`` makes the abstraction diagram commute best? The worst-case
error ``max_s D(u_s, Q[α_S(s)])`` separates over macro source states, and for
each ``s̄`` it is the convex problem

.. math::

    \\min_{q \\in \\Delta} \\; \\max_{s \\in \\alpha_S^{-1}(\\bar s)} D(u_s, q),

the Chebyshev centre of the fibre's rows under ``D``: a linear program for total
variation (HiGHS); for the Jensen–Shannon divergence a smooth convex program,
solved by SLSQP with analytic gradients and, when that does not certify itself to
1e-9, as an exponential-cone program (cvxpy with Clarabel, imported then). This is discagg's realization view
seen from the abstraction side: a realization of ``do(s̄)`` mixes the rows of its
fibre, and the error of the best mechanism is zero exactly when every row of
every fibre is the same distribution, i.e. when ``do(s̄)`` has the same effect
whichever micro realization carries it out. Then the macro mechanism ``Q`` makes
the diagram commute for every intervention considered: the maps are an exact
transformation in the sense of Rubenstein et al. (2017), restricted to these
interventions and target marginals, with ``ω(do(S = s)) = do(S̄ = α_S(s))``.
Exactness is decided by the tolerance policy: the least worst-case total
variation over mechanisms is at most ``tolerance.equality``.

Each answer carries a lower bound on the optimum: the LP's dual bound for total
variation; for the Jensen–Shannon divergence, the larger of a Frank–Wolfe bound
at the returned point, ``Σ w_s D(u_s, q̂) + min_j g_j − g·q̂`` with
``g = Σ w_s ∇D(u_s, q̂)`` (valid for any weights on the simplex, by convexity;
the weights are chosen by a small LP to make it largest), and Pinsker's
``r² / (2 ln 2)`` from the total-variation radius ``r``.

:func:`coarsening_error` is the error of a (cause, effect) coarsening with its
best macro mechanism, for searches over coarsenings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from discagg.abstraction.metrics import check_metric, distance
from discagg.core.arrays import equal_fields, readonly_float
from discagg.errors import SolverError
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

if TYPE_CHECKING:
    from discagg.core.aggregation import Aggregation
    from discagg.core.model import CausalModel

__all__ = ["BestMechanism", "best_mechanism", "coarsening_error", "tv_center"]


@dataclass(frozen=True, eq=False)
class BestMechanism:
    """The mechanism of least worst-case error for each macro source state, with certificates.

    Attributes
    ----------
    metric : str
    kernel : (k, d) ndarray, read-only
        The mechanism: one distribution over the macro targets per macro source state.
    errors : (k,) ndarray, read-only
        Its worst-case error on each fibre, recomputed from ``kernel``.
    lower_bounds : (k,) ndarray, read-only
        A lower bound on the least worst-case error of each fibre (``errors -
        lower_bounds`` is the certified optimality gap).
    distances : (m,) ndarray, read-only
        Each micro row's distance to its macro state's mechanism.
    tv_radius : (k,) ndarray, read-only
        The least worst-case total variation of each fibre (decides exactness).
    """

    metric: str
    kernel: np.ndarray = field(repr=False)
    errors: np.ndarray = field(repr=False)
    lower_bounds: np.ndarray = field(repr=False)
    distances: np.ndarray = field(repr=False)
    tv_radius: np.ndarray = field(repr=False)
    tolerance: Tolerance = field(default=DEFAULT_TOLERANCE, repr=False)

    @property
    def value(self) -> float:
        """The worst-case error over all macro source states."""
        return float(self.errors.max())

    @property
    def lower_bound(self) -> float:
        """A lower bound on the least worst-case error (the largest per-state bound)."""
        return float(self.lower_bounds.max())

    @property
    def exact(self) -> bool:
        """Some mechanism makes every row equal to its macro state's distribution (within the tolerance)."""
        return bool((self.tv_radius <= self.tolerance.equality).all())

    def __eq__(self, other: object) -> bool:
        """Equal in every field (arrays entry by entry)."""
        if not isinstance(other, BestMechanism):
            return NotImplemented
        return equal_fields(self, other)

    __hash__ = None  # type: ignore[assignment]  # unhashable; typeshed types __hash__ as a method

    def __repr__(self) -> str:
        return (f"BestMechanism(metric={self.metric!r}, value={self.value:.6g}, lower_bound={self.lower_bound:.6g}, "
                f"exact={self.exact})")


def tv_center(U: np.ndarray) -> tuple[np.ndarray, float, float]:
    """The distribution ``q`` minimising ``max_i TV(U_i, q)``, by one LP (scipy's HiGHS).

    ``min t`` over ``(q, t, f)`` subject to ``f_ij >= U_ij - q_j``, ``f >= 0``,
    ``Σ_j f_ij <= t`` and ``q`` in the simplex (``TV(u, q) = Σ_j (u_j - q_j)⁺``
    for two distributions).

    Returns
    -------
    q : (d,) ndarray
    value : float
        ``max_i TV(U_i, q)``, recomputed from ``q``.
    lower_bound : float
        The LP's dual objective (at most ``value``).

    Raises
    ------
    SolverError
        If HiGHS does not report an optimum.

    >>> q, value, bound = tv_center(np.array([[1.0, 0.0], [0.0, 1.0]]))
    >>> q.round(6).tolist(), round(value, 6), round(bound, 6)
    ([0.5, 0.5], 0.5, 0.5)
    """
    import scipy.sparse as sp
    from scipy.optimize import OptimizeResult, linprog

    m, d = U.shape
    n = d + 1 + m * d  # q, t, f
    rows_f = np.arange(m * d)
    # -q_j - f_ij <= -U_ij
    a1 = sp.coo_matrix((np.concatenate([-np.ones(m * d), -np.ones(m * d)]),
                        (np.concatenate([rows_f, rows_f]),
                         np.concatenate([np.tile(np.arange(d), m), d + 1 + rows_f]))), shape=(m * d, n))
    # Σ_j f_ij - t <= 0
    a2 = sp.coo_matrix((np.concatenate([np.ones(m * d), -np.ones(m)]),
                        (np.concatenate([np.repeat(np.arange(m), d), np.arange(m)]),
                         np.concatenate([d + 1 + rows_f, np.full(m, d)]))), shape=(m, n))
    a_ub = sp.vstack([a1, a2]).tocsr()
    b_ub = np.concatenate([-U.ravel(), np.zeros(m)])
    a_eq = sp.csr_matrix((np.ones(d), (np.zeros(d, dtype=np.intp), np.arange(d))), shape=(1, n))
    c = np.zeros(n)
    c[d] = 1.0
    # scipy-stubs type A_ub and A_eq as dense arrays only; HiGHS takes sparse matrices
    result: OptimizeResult = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=[1.0], bounds=(0, None),  # type: ignore[call-overload]
                                     method="highs")
    if result.status != 0:
        raise SolverError(f"HiGHS did not solve the total-variation centre LP: {result.message}")
    q = np.clip(result.x[:d], 0.0, None)
    q /= q.sum()
    value = float(distance("tv", U, q).max())
    dual = float(b_ub @ result.ineqlin.marginals + result.eqlin.marginals[0])
    return q, value, min(max(dual, 0.0), value)


def _jsd_center(U: np.ndarray, tv_bound: float) -> tuple[np.ndarray, float, float]:
    """The Jensen–Shannon centre (bits) of the rows of ``U``, its value and a certified lower bound.

    SLSQP on the epigraph form, from the mean of the rows, with analytic
    gradients; its answer is certified by :func:`_certified_bound`. Only when
    that leaves a gap above :data:`_JSD_GAP` is the exponential-cone program
    solved (cvxpy, imported then) and its answer polished the same way.
    """
    support = U.max(axis=0) > 0  # a state no row reaches gets no mass at the optimum (it would add to every JSD)
    V = U[:, support]
    q = _polish(V, V.mean(axis=0))
    value, bound = _certified_bound(V, q)
    if value - bound > _JSD_GAP:
        from discagg.solvers.cvx import jsd_center_cvxpy

        start, _ = jsd_center_cvxpy(V)
        candidate = _polish(V, start)
        other_value, other_bound = _certified_bound(V, candidate)
        bound = max(bound, other_bound)
        if other_value < value:
            q, value = candidate, other_value
    full = np.zeros(U.shape[1])
    full[support] = q
    pinsker = tv_bound ** 2 / (2.0 * math.log(2.0))
    return full, value, min(max(bound, pinsker, 0.0), value)


_JSD_GAP = 1e-9
"""Largest certified optimality gap (bits) accepted from the first solve of a Jensen–Shannon centre."""


def _gradients(U: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``dJSD(U_i, q)/dq_j = ½ log2(2 q_j / (U_ij + q_j))`` in bits (``½`` where ``U_ij = 0``, the limit)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return 0.5 * np.log2(np.where(U > 0, 2.0 * q / (U + q), 2.0))


def _polish(U: np.ndarray, start: np.ndarray) -> np.ndarray:
    """``min t`` subject to ``JSD(U_i, q) <= t`` and ``q`` in the simplex, by SLSQP from ``start``."""
    from scipy.optimize import minimize

    m, d = U.shape
    floor = 1e-15

    def rows(x: np.ndarray) -> np.ndarray:
        slack: np.ndarray = x[d] - distance("jsd", U, x[:d])
        return slack

    def rows_jacobian(x: np.ndarray) -> np.ndarray:
        return np.hstack([-_gradients(U, np.maximum(x[:d], floor)), np.ones((m, 1))])

    start = np.clip(start, floor, None)
    start = start / start.sum()
    x0 = np.concatenate([start, [float(distance("jsd", U, start).max())]])
    objective = np.concatenate([np.zeros(d), [1.0]])
    mass = np.concatenate([np.ones(d), [0.0]])

    def height(x: np.ndarray) -> float:
        return float(x[d])

    def height_gradient(x: np.ndarray) -> np.ndarray:
        return objective

    def excess_mass(x: np.ndarray) -> float:
        return float(x[:d].sum() - 1.0)

    def excess_mass_gradient(x: np.ndarray) -> np.ndarray:
        return mass

    bounds: list[tuple[float, float | None]] = [(floor, 1.0)] * d + [(0.0, None)]
    # scipy-stubs want a constraint's fun to return a scalar; SLSQP takes vector-valued ones (rows: m of them).
    result = minimize(height, x0, jac=height_gradient, method="SLSQP", bounds=bounds,  # type: ignore[call-overload]
                      constraints=[{"type": "ineq", "fun": rows, "jac": rows_jacobian},
                                   {"type": "eq", "fun": excess_mass, "jac": excess_mass_gradient}],
                      options={"ftol": 1e-15, "maxiter": 200})
    q = np.clip(np.nan_to_num(result.x[:d]), 0.0, None)
    if not q.sum() > 0:
        return start
    q = q / q.sum()
    # SLSQP may stop anywhere: keep whichever of its point and the start is better (both are certified after)
    return q if distance("jsd", U, q).max() <= distance("jsd", U, start).max() else start


def _certified_bound(U: np.ndarray, q: np.ndarray) -> tuple[float, float]:
    """``max_i JSD(U_i, q)`` and a lower bound on ``min_q max_i JSD(U_i, q)`` from the point ``q``."""
    values = distance("jsd", U, q)
    grad = _gradients(U, q)
    finite = np.isfinite(grad).all(axis=1)
    bound = 0.0
    if finite.any():
        bound = _frank_wolfe_bound(values[finite], grad[finite], q, _best_weights(values[finite], grad[finite], q))
    return float(values.max()), bound


def _frank_wolfe_bound(values: np.ndarray, grad: np.ndarray, q: np.ndarray, w: np.ndarray) -> float:
    """``F(q̂) + min_j g_j − g·q̂`` for ``F = Σ w_i D_i`` and ``g = ∇F(q̂)``: at most ``min_q F <= min_q max_i D_i``.

    Valid for any weights ``w`` on the simplex, since ``F`` is convex.
    """
    w = np.clip(w, 0.0, None)
    w = w / w.sum()
    g = w @ grad
    return float(w @ values + g.min() - g @ q)


def _best_weights(values: np.ndarray, grad: np.ndarray, q: np.ndarray) -> np.ndarray:
    """The weights maximising the Frank–Wolfe bound at ``q̂`` (one small LP; any answer is still a valid bound)."""
    from scipy.optimize import linprog

    m, d = grad.shape
    # max Σ w_i (v_i − ∇_i·q̂) + z  s.t.  z <= Σ_i w_i ∇_ij for every j,  w in the simplex
    c = -np.concatenate([values - grad @ q, [1.0]])
    a_ub = np.hstack([-grad.T, np.ones((d, 1))])
    a_eq = np.concatenate([np.ones(m), [0.0]])[None, :]
    result = linprog(c, A_ub=a_ub, b_ub=np.zeros(d), A_eq=a_eq, b_eq=[1.0],
                     bounds=[(0, None)] * m + [(None, None)], method="highs")
    if result.status != 0 or result.x is None:
        return np.full(m, 1.0 / m)
    return np.clip(result.x[:m], 0.0, None)


def best_mechanism(rows: np.ndarray, assignment: np.ndarray, k: int, metric: str = "jsd", *,
                   tolerance: Tolerance = DEFAULT_TOLERANCE) -> BestMechanism:
    """The macro mechanism minimising the worst-case error, one convex problem per macro source state.

    This is the reusable core of the abstraction error with the best mechanism:
    :func:`coarsening_error` calls it on a coarsened (cause, effect) pair, and
    :func:`~discagg.abstraction.error.abstraction_error` on each pair of an
    abstraction when no macro CPTs are given.

    Parameters
    ----------
    rows : (m, d) ndarray
        Distributions over the ``d`` macro target states, one per micro
        intervention: ``α_T∗ P(T | do(S = s))``.
    assignment : (m,) int ndarray
        The macro source state ``α_S(s)`` of each row, in ``[0, k)``.
    k : int
        Number of macro source states (each must have at least one row).
    metric : {"jsd", "tv"}
    tolerance : Tolerance
        Decides exactness (``tolerance.equality`` on the total-variation radius).

    Returns
    -------
    BestMechanism

    Raises
    ------
    ModelError
        An unknown metric, or a macro state without rows.
    SolverError
        If a solver fails.

    Examples
    --------
    >>> rows = np.array([[0.9, 0.1], [0.7, 0.3], [0.2, 0.8]])
    >>> best = best_mechanism(rows, np.array([0, 0, 1]), 2, "tv")
    >>> best.kernel.round(6).tolist(), round(best.value, 6), best.exact
    ([[0.8, 0.2], [0.2, 0.8]], 0.1, False)
    >>> best_mechanism(rows[[0, 0, 2]], np.array([0, 0, 1]), 2, "jsd").exact
    True
    """
    from discagg.errors import ModelError

    check_metric(metric)
    rows = np.asarray(rows, dtype=np.float64)
    assignment = np.asarray(assignment, dtype=np.intp)
    m, d = rows.shape
    kernel = np.empty((k, d))
    errors, bounds, radius = np.zeros(k), np.zeros(k), np.zeros(k)
    for j in range(k):
        U = rows[assignment == j]
        if U.shape[0] == 0:
            raise ModelError(None, None, f"at least one micro intervention for each of the {k} macro source states",
                             f"none for state {j}")
        if (U == U[0]).all():  # one distribution: it is its own centre, at distance zero
            kernel[j] = U[0]
            continue
        q, radius[j], tv_bound = tv_center(U)
        if metric == "tv":
            kernel[j], errors[j], bounds[j] = q, radius[j], tv_bound
        else:
            kernel[j], errors[j], bounds[j] = _jsd_center(U, tv_bound)
    distances = distance(metric, rows, kernel[assignment])
    return BestMechanism(metric, readonly_float(kernel), readonly_float(errors), readonly_float(bounds),
                         readonly_float(distances), readonly_float(radius), tolerance)


def coarsening_error(source: CausalModel | Aggregation, cause: str | None = None, effect: str | None = None, metric: str = "jsd", *,
                     tolerance: Tolerance = DEFAULT_TOLERANCE) -> BestMechanism:
    """The abstraction error of a (cause, effect) coarsening with its best macro mechanism.

    The rows are ``P(Ȳ | do(X = x))`` for every micro state ``x`` of the cause,
    grouped by their macro state ``π_X(x)``: the worst-case distance, over each
    fibre, to the best single distribution for the fibre. Zero (``exact``)
    exactly when every macro intervention ``do(x̄)`` has the same effect on
    ``Ȳ`` whatever realizes it.

    Parameters
    ----------
    source : CausalModel or Aggregation
        As :func:`~discagg.core.aggregation.as_aggregation` takes it.
    cause, effect : str, optional
    metric : {"jsd", "tv"}

    Returns
    -------
    BestMechanism
        ``kernel[x̄]`` is the best ``P(Ȳ | do(x̄))``.

    Examples
    --------
    >>> from discagg import load_model
    >>> err = coarsening_error(load_model("example:cholesterol"), metric="tv")
    >>> round(err.value, 4), err.exact
    (0.155, False)
    """
    from discagg.core.aggregation import as_aggregation

    agg = as_aggregation(source, cause, effect, tolerance=tolerance)
    return best_mechanism(agg.macro_kernel, agg.cause_map.assignment, agg.cause_map.n_macro, metric,
                          tolerance=agg.tolerance)
