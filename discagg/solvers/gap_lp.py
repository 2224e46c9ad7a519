"""Linear programs over one fibre: the confounding gap, its certificate, vertices.

For a fibre with ``m`` micro states, let ``K`` (shape ``(m, d)``) hold the rows
``P(Ȳ | do(X = x))`` and ``o`` (shape ``(d,)``) a target distribution over Ȳ
(the observational ``P(Ȳ | x̄)``, or a user's target). The achievable
``P(Ȳ | do(x̄))`` form the convex hull of the rows of ``K``. The *gap LP*

.. math::

    \\min_{q \\ge 0,\\ \\mathbf 1^\\top q = 1} \\tfrac12 \\lVert K^\\top q - o \\rVert_1

always has a solution; its value is the smallest total-variation gap any
realization achieves (zero exactly when ``o`` is in the hull). Its LP dual is

.. math::

    \\max_{y,\\,\\mu}\\ o^\\top y + \\mu \\quad\\text{s.t.}\\quad K y + \\mu \\mathbf 1 \\le 0,
    \\ \\lVert y \\rVert_\\infty \\le \\tfrac12,

with only ``d + 1`` variables however large the fibre, so :func:`min_gap` solves
it by column generation: HiGHS solves the primal restricted to a working set
of micro states (warm-started after each addition), and the row duals price
every micro state at once with one matrix-vector product. At the optimum
``c = 2y`` satisfies ``c · K[x] < c · o`` for every ``x`` whenever the gap is
positive: a **certificate** that no mixture reaches ``o``, whose margin
``c · o - max_x c · K[x]`` equals twice the gap (strong duality), which
:func:`min_gap` checks.

Because the gap LP always has an optimal solution, a solver status other than
"optimal" (HiGHS's presolve has declared near-degenerate instances
"infeasible") is a solver failure, never an answer: :func:`min_gap` then tries
the next formulation (column generation, the whole LP in scipy's HiGHS, and
exact rational arithmetic on small fibres, :mod:`discagg.solvers.exact_lp`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import highspy
import numpy as np
import scipy.sparse as sp
from scipy.optimize import OptimizeResult, linprog

from discagg.errors import SolverError
from discagg.solvers.exact_lp import EXACT_LIMIT, exact_min_gap
from discagg.solvers.highs import quiet_highs
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["LP_RESOLUTION", "GapSolution", "min_gap", "min_gap_full", "vertex", "polish", "maximal_support",
           "inhibiting_vertex", "objective_lp", "mixture", "tv_gap"]

_INF = 1e30  # HiGHS treats bounds of 1e20 and beyond as infinite
# HiGHS's own feasibility tolerances, and the pricing threshold for adding a
# column. Tighter than the equality tolerance on purpose: they bound the LP's
# optimality error, which min_gap then measures (primal minus dual value) and
# which must leave the equality tolerance to the decision it serves.
_LP_TOL = 1e-10
LP_RESOLUTION = _LP_TOL
_PRICE_TOL = 1e-11
_MAX_ROUNDS = 1000
# Fibres up to this size go to HiGHS whole; larger ones by column generation.
_WHOLE = 256
# Iterative refinement of the whole LP (see _scipy_gap): at most this many
# correction rounds, and the residuals are scaled up by at most 1 / _REFINE_FLOOR
# (beyond that the correction is below float64 resolution of the solution).
_REFINE_ROUNDS = 3
_REFINE_FLOOR = 1e-14
# and by at most this factor more each round than the round before (the first from 1): scaled by
# the full 1 / 1e-10 at once, the correction LP has costs of 1e9 and HiGHS ends in "solve error".
_REFINE_GROWTH = 1e6
# Directions whose singular value is below this fraction of the largest are
# numerically null (sqrt of the float64 epsilon): solving along them amplifies
# rounding by more than the float resolution can support.
_RCOND = float(np.sqrt(np.finfo(np.float64).eps))


@dataclass(frozen=True, eq=False)
class GapSolution:
    """Solution of the gap LP on one fibre.

    Attributes
    ----------
    support : (s,) ndarray of int
        Fibre-local indices of the micro states with positive weight.
    weights : (s,) ndarray
        Their weights (non-negative, summing to one).
    gap : float
        ``½ ‖Kᵀq − o‖₁`` of the returned ``q`` (the primal value, recomputed).
    bound : float
        Half the certificate margin, ``½ (c · o − max_x c · K[x])``: a lower
        bound on the smallest achievable gap (the dual value, recomputed).
    certificate : (d,) ndarray
        ``c = 2y`` with ``‖c‖∞ ≤ 1``.
    rounds : int
        Column-generation rounds (1 when the fibre was solved whole, 0 when
        solved in exact arithmetic).
    method : str
        ``"highs"`` (column generation), ``"scipy"`` (the whole LP) or ``"exact"``.
    """

    support: np.ndarray
    weights: np.ndarray
    gap: float
    bound: float
    certificate: np.ndarray
    rounds: int
    method: str = "highs"

    def dense(self, m: int) -> np.ndarray:
        """The weights as a dense vector over the ``m`` micro states of the fibre."""
        q = np.zeros(m)
        q[self.support] = self.weights
        return q


def mixture(K: np.ndarray, support: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``Σ_x q_x K[x]``: ``P(Ȳ | do(x̄))`` of the realization ``weights`` on ``support`` (fibre-local indices).

    Summed in micro-state order with ``np.add.reduceat``, as
    :meth:`discagg.core.aggregation.Aggregation.interventional` sums the whole
    fibre, so that the gap computed here is bitwise the gap the re-verification
    computes: a realization within a rounding error of the tolerance gets the
    same verdict in both. Only the support's rows are read: a micro state of
    weight zero adds ``+0.0`` to the running sum (``K ≥ 0``), which changes no
    bit, so skipping it gives the same sum in a pass over ``|support|`` rows
    instead of the fibre.
    """
    support = np.asarray(support, dtype=np.intp)
    if support.size == 0:
        return np.zeros(K.shape[1])
    weights = np.asarray(weights, dtype=np.float64)
    if support.size > 1 and (np.diff(support) < 0).any():  # supports from the LPs come sorted: no sort then
        order = np.argsort(support, kind="stable")
        support, weights = support[order], weights[order]
    summed: np.ndarray = np.add.reduceat(weights[:, None] * K[support], [0], axis=0)[0]
    return summed


def tv_gap(K: np.ndarray, o: np.ndarray, support: np.ndarray, weights: np.ndarray) -> float:
    """``½ ‖Σ_x q_x K[x] − o‖₁``, computed as the re-verification computes it (see :func:`mixture`)."""
    return 0.5 * float(np.abs(mixture(K, support, weights) - o).sum())


_SCAN_ROWS = 1 << 13  # rows of K scanned at once by _initial_columns (320 KiB at |Ybar| = 5: cache-sized)


def _initial_columns(K: np.ndarray, o: np.ndarray) -> np.ndarray:
    """Extreme micro states along each coordinate, plus the one closest to ``o`` (L1; the first on ties).

    Scanned in cache-sized blocks of rows, each block transposed once into a
    ``(d, rows)`` scratch array (a reduction along contiguous memory is several
    times faster than down the columns of a narrow ``(rows, d)`` block) and read
    there for all three picks, with the first occurrence kept on ties, as
    ``argmax``/``argmin`` over the whole fibre would.
    """
    m, d = K.shape
    coordinates = np.arange(d)
    top, top_at = np.full(d, -np.inf), np.zeros(d, dtype=np.intp)
    low, low_at = np.full(d, np.inf), np.zeros(d, dtype=np.intp)
    near, near_at = np.inf, 0
    scratch = np.empty((d, min(m, _SCAN_ROWS)))
    for start in range(0, m, _SCAN_ROWS):
        block = K[start:start + _SCAN_ROWS]
        rows = scratch[:, :block.shape[0]]
        np.copyto(rows, block.T)
        i = rows.argmax(axis=1)
        value = rows[coordinates, i]
        better = value > top
        top[better], top_at[better] = value[better], start + i[better]
        i = rows.argmin(axis=1)
        value = rows[coordinates, i]
        better = value < low
        low[better], low_at[better] = value[better], start + i[better]
        rows -= o[:, None]
        np.abs(rows, out=rows)
        distance = rows.sum(axis=0)  # coordinate by coordinate, in order: the row sums of |block - o|
        j = int(distance.argmin())
        if distance[j] < near:
            near, near_at = float(distance[j]), start + j
    return np.unique(np.concatenate([top_at, low_at, [near_at]]))


class _Master:
    """The restricted primal, kept in one warm-started HiGHS instance."""

    def __init__(self, o: np.ndarray) -> None:
        d = o.shape[0]
        self.d = d
        h = quiet_highs()
        h.setOptionValue("primal_feasibility_tolerance", _LP_TOL)
        h.setOptionValue("dual_feasibility_tolerance", _LP_TOL)
        # The master has d + 1 rows: presolve has nothing to gain, and HiGHS's
        # presolve has declared this always-feasible LP "infeasible" on
        # near-degenerate data.
        h.setOptionValue("presolve", "off")
        # rows 0..d-1: Kᵀq + u⁺ − u⁻ = o;  row d: Σ q = 1
        rhs = np.concatenate([o, [1.0]])
        h.addRows(d + 1, rhs, rhs, 0, np.zeros(d + 1, dtype=np.int32), np.zeros(0, dtype=np.int32),
                  np.zeros(0))
        # slack columns u⁺ (d) and u⁻ (d), cost ½ each
        idx = np.concatenate([np.arange(d), np.arange(d)]).astype(np.int32)
        vals = np.concatenate([np.ones(d), -np.ones(d)])
        h.addCols(2 * d, np.full(2 * d, 0.5), np.zeros(2 * d), np.full(2 * d, _INF), 2 * d,
                  np.arange(2 * d, dtype=np.int32), idx, vals)
        self.h = h
        self.columns: list[int] = []

    def add(self, K: np.ndarray, columns: np.ndarray) -> None:
        n = len(columns)
        if n == 0:
            return
        block = np.concatenate([K[columns], np.ones((n, 1))], axis=1)  # (n, d + 1)
        rows = np.tile(np.arange(self.d + 1, dtype=np.int32), n)
        starts = np.arange(n, dtype=np.int32) * (self.d + 1)
        self.h.addCols(n, np.zeros(n), np.zeros(n), np.full(n, _INF), n * (self.d + 1), starts, rows,
                       block.ravel())
        self.columns.extend(int(c) for c in columns)

    def solve(self) -> tuple[np.ndarray, np.ndarray]:
        self.h.run()
        status = self.h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise SolverError(f"HiGHS did not solve the gap LP: {self.h.modelStatusToString(status)}")
        solution = self.h.getSolution()
        q = np.asarray(solution.col_value)[2 * self.d:]
        return q, np.asarray(solution.row_dual)


def _finish(K: np.ndarray, o: np.ndarray, q: np.ndarray, y: np.ndarray, rounds: int, method: str,
            columns: np.ndarray | None = None) -> GapSolution:
    """A GapSolution from a primal ``q`` and dual ``y``, with both values recomputed.

    ``q`` is dense over the fibre, or, with ``columns``, the weights of those
    micro states only (every other weight is zero): a column-generation master
    holds a few dozen of a fibre's possibly millions of micro states.
    """
    q = np.clip(np.nan_to_num(np.asarray(q, dtype=np.float64)), 0.0, None)
    total = q.sum()
    if not total > 0:
        raise SolverError(f"{method}: the gap LP returned no weight")
    positive = np.flatnonzero(q > 0)
    if columns is None:
        keep = positive
    else:
        order = np.argsort(columns[positive], kind="stable")
        keep, positive = columns[positive][order], positive[order]
    weights = q[positive] / total
    gap = tv_gap(K, o, keep, weights)
    c = 2.0 * np.clip(np.nan_to_num(np.asarray(y, dtype=np.float64)), -0.5, 0.5)
    bound = 0.5 * float(c @ o - (K @ c).max())
    return GapSolution(keep, weights, gap, bound, c, rounds, method)


def _column_generation(K: np.ndarray, o: np.ndarray) -> GapSolution:
    m, d = K.shape
    master = _Master(o)
    master.add(K, np.arange(m) if m <= _WHOLE else _initial_columns(K, o))
    in_master = np.zeros(m, dtype=bool)
    in_master[master.columns] = True
    batch = max(2 * d, 8)
    for rounds in range(1, _MAX_ROUNDS + 1):
        q_master, dual = master.solve()
        y, mu = dual[:d], dual[d]
        if in_master.all():
            break
        score = K @ y  # plus mu: minus the reduced cost of every micro state
        score += mu
        score[in_master] = -np.inf
        top = np.flatnonzero(score > _PRICE_TOL)
        if top.size == 0:
            break
        if top.size > batch:  # the batch best-priced of the candidates
            top = top[np.argpartition(-score[top], batch - 1)[:batch]]
        master.add(K, top)
        in_master[top] = True
    else:
        raise SolverError(f"column generation did not converge in {_MAX_ROUNDS} rounds")
    return _finish(K, o, q_master, y, rounds, "highs", columns=np.asarray(master.columns, dtype=np.intp))


def _gap_lp_data(K: np.ndarray, o: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """The whole gap LP in standard form ``min cᵀx, Ax = b, x ≥ 0`` over ``x = (q, u⁺, u⁻)``."""
    m, d = K.shape
    eye = sp.identity(d, format="csr")
    A = sp.vstack([sp.hstack([sp.csr_matrix(K.T), eye, -eye]),
                   sp.hstack([sp.csr_matrix(np.ones((1, m))), sp.csr_matrix((1, 2 * d))])], format="csr")
    return A, np.concatenate([o, [1.0]]), np.concatenate([np.zeros(m), np.full(2 * d, 0.5)])


def _linprog(cost: np.ndarray, A: sp.csr_matrix, b: np.ndarray, lower: np.ndarray | float = 0.0) -> OptimizeResult:
    """``min costᵀx, Ax = b, x ≥ lower`` by scipy's HiGHS dual simplex (presolve off, then on); scipy's result."""
    bounds = (lower, None) if np.isscalar(lower) else np.column_stack([lower, np.full(len(cost), np.inf)])
    for options in ({"presolve": False}, {}):
        # scipy-stubs type A_ub and A_eq as dense arrays only; HiGHS takes sparse matrices
        res: OptimizeResult = linprog(cost, A_eq=A, b_eq=b, bounds=bounds, method="highs-ds",  # type: ignore[call-overload]
                                      options={"primal_feasibility_tolerance": _LP_TOL,
                                               "dual_feasibility_tolerance": _LP_TOL, **options})
        if res.status == 0:
            break
    return res


def _full_lp(K: np.ndarray, o: np.ndarray) -> OptimizeResult:
    """The whole gap LP in one scipy (HiGHS) call; returns scipy's result."""
    A, b, cost = _gap_lp_data(K, o)
    return _linprog(cost, A, b)


def _rank(sol: GapSolution, equality: float) -> int:
    """How far a solution settles the decision: 2 decided, 1 window, 0 not at all."""
    return {"decided": 2, "window": 1}.get(_judge(sol, equality), 0)


def _scipy_gap(K: np.ndarray, o: np.ndarray, equality: float | None = None) -> GapSolution:
    """The whole LP in scipy's HiGHS; with ``equality``, refined until it settles the decision.

    HiGHS's feasibility tolerances (at least ``1e-10`` each) allow a residual of
    that size in every one of the ``d + 1`` rows, so the recomputed gap of its
    ``q`` can exceed the LP's own value by about ``d · 1e-10 / 2``: more than the
    equality tolerance when ``|Ȳ|`` is in the tens (mildew's yield has 86
    states). When the solution does not settle the decision, up to
    :data:`_REFINE_ROUNDS` rounds of *iterative refinement* (Gleixner, Steffy and
    Wolter, "Iterative refinement for linear programming", INFORMS J. Comput.
    28(3), 2016) solve the same LP for the scaled primal residual and
    reduced-cost violation and add the correction; the scale grows by at most
    :data:`_REFINE_GROWTH` a round, as that paper limits it. The best solution (decided, else in the
    window, else the last) is returned.
    """
    m, d = K.shape
    A, b, cost = _gap_lp_data(K, o)
    res = _linprog(cost, A, b)
    if res.status != 0:
        raise SolverError(f"HiGHS (scipy) did not solve the gap LP: {res.message}")
    x, y = res.x, res.eqlin.marginals
    best = _finish(K, o, x[:m], y[:d], 1, "scipy")
    if equality is None:
        return best
    scale_p = scale_d = 1.0
    for _ in range(_REFINE_ROUNDS):
        if _rank(best, equality) == 2:
            break
        residual = b - A @ x
        reduced = cost - A.T @ y
        primal_error = max(float(np.abs(residual).max()), float(-np.minimum(x, 0.0).min()))
        dual_error = float(-np.minimum(reduced, 0.0).min())
        scale_p = min(1.0 / max(primal_error, _REFINE_FLOOR), _REFINE_GROWTH * scale_p)
        scale_d = min(1.0 / max(dual_error, _REFINE_FLOOR), _REFINE_GROWTH * scale_d)
        correction = _linprog(scale_d * reduced, A, scale_p * residual, lower=-scale_p * x)
        if correction.status != 0:
            break  # the correction LP failed: keep the best solution so far
        x = x + correction.x / scale_p
        y = y + correction.eqlin.marginals / scale_d
        refined = _finish(K, o, x[:m], y[:d], 1, "scipy")
        if _rank(refined, equality) >= _rank(best, equality):
            best = refined
    return best


def _exact_gap(K: np.ndarray, o: np.ndarray) -> GapSolution:
    exact = exact_min_gap(K, o)
    q = np.array([float(w) for w in exact.weights])
    return _finish(K, o, q, 0.5 * np.array([float(c) for c in exact.certificate]), 0, "exact")


def _small(K: np.ndarray) -> bool:
    rows, columns = K.shape
    return bool(rows <= EXACT_LIMIT[0] and columns <= EXACT_LIMIT[1])


def _judge(sol: GapSolution, equality: float) -> str:
    """``decided``, ``window`` (a valid certificate, but the decision may be off) or a failure reason.

    The returned ``q`` decides "inhibiting" when its gap is within the
    tolerance; the certificate decides "infeasible" when its bound exceeds the
    tolerance. Between the two, the status is settled only by a more accurate
    solve; a bound above half the tolerance still gives a certificate the
    policy accepts (margin above the tolerance).
    """
    # The bound is a lower bound on every gap by construction; beyond rounding it cannot exceed one.
    if sol.bound > sol.gap + 64 * np.finfo(np.float64).eps:
        return f"{sol.method}: dual bound {sol.bound!r} above the primal value {sol.gap!r}"
    if sol.gap <= equality:
        return "decided"
    if sol.gap - sol.bound > equality:
        return f"{sol.method}: primal value {sol.gap!r} and dual bound {sol.bound!r} disagree"
    if sol.bound > equality:
        return "decided"
    if sol.bound > equality / 2:
        return "window"
    return (f"{sol.method}: gap {sol.gap!r} above the tolerance but no certificate separating by more than the "
            f"tolerance (bound {sol.bound!r})")


def min_gap(K: np.ndarray, o: np.ndarray, tolerance: Tolerance = DEFAULT_TOLERANCE) -> GapSolution:
    """Smallest total-variation gap between ``o`` and the hull of the rows of ``K``.

    Parameters
    ----------
    K : (m, d) ndarray
        Rows are distributions over Ȳ (one per micro state of the fibre).
    o : (d,) ndarray
        Target distribution over Ȳ.
    tolerance : Tolerance
        Its ``equality`` is the decision the answer must settle: either the
        returned ``q`` has gap at most ``equality`` or the certificate's bound
        exceeds ``equality / 2`` (and the primal and dual values agree within
        ``equality``).

    Returns
    -------
    GapSolution
        A basic optimal solution (at most ``d + 1`` micro states, at most ``d``
        when the gap is zero) and the certificate.

    Raises
    ------
    SolverError
        If every formulation fails (HiGHS column generation, the whole LP in
        scipy's HiGHS, and exact arithmetic when the fibre is small).

    Examples
    --------
    >>> K = np.array([[1.0, 0.0], [0.6, 0.4]])
    >>> sol = min_gap(K, np.array([0.8, 0.2]))        # the midpoint: reachable
    >>> round(sol.gap, 12), sol.dense(2).round(12).tolist()
    (0.0, [0.5, 0.5])
    >>> sol = min_gap(K, np.array([0.3, 0.7]))        # beyond the hull
    >>> round(sol.gap, 12), bool(sol.certificate @ np.array([0.3, 0.7]) > (K @ sol.certificate).max())
    (0.3, True)
    """
    K = np.ascontiguousarray(K, dtype=np.float64)
    o = np.asarray(o, dtype=np.float64)
    equality = tolerance.equality
    failures: list[str] = []
    window: GapSolution | None = None
    attempts: tuple[Callable[[np.ndarray, np.ndarray], GapSolution], ...] = (
        _column_generation, partial(_scipy_gap, equality=equality))
    for attempt in attempts:
        try:
            sol = attempt(K, o)
        except SolverError as exc:
            failures.append(str(exc))
            continue
        verdict = _judge(sol, equality)
        if verdict == "decided":
            return sol
        if verdict == "window":
            # The float LPs agree to their accuracy; only exact arithmetic settles the status.
            window = sol
            break
        failures.append(verdict)
    if _small(K):
        sol = _exact_gap(K, o)
        if _judge(sol, equality) in ("decided", "window"):
            return sol
        failures.append(_judge(sol, equality))
    if window is not None:
        return window
    raise SolverError("the gap LP failed: " + "; ".join(failures))


def min_gap_full(K: np.ndarray, o: np.ndarray) -> tuple[np.ndarray, float]:
    """The gap LP on the whole fibre in one ``scipy.optimize.linprog`` (HiGHS) call.

    The plain formulation, used as a baseline and as an independent check.

    Returns
    -------
    q : (m,) ndarray
    gap : float
    """
    K = np.asarray(K, dtype=np.float64)
    o = np.asarray(o, dtype=np.float64)
    m = K.shape[0]
    res = _full_lp(K, o)
    if res.status != 0:
        raise SolverError(f"HiGHS (scipy) did not solve the gap LP: {res.message}")
    q = np.clip(res.x[:m], 0.0, None)
    q /= q.sum()
    return q, 0.5 * float(np.abs(q @ K - o).sum())


def vertex(K: np.ndarray, support: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Reduce a realization to a basic one (a vertex of ``{q ≥ 0 : Kᵀq = Kᵀw}``).

    Moves along null-space directions of ``K[support]ᵀ`` (which also keep
    ``Σ q`` fixed, as the rows of ``K`` sum to one) until the support's rows are
    linearly independent, i.e. at most ``rank(K) ≤ d`` micro states remain.
    A singular value below ``1e-12`` of the largest counts as zero: moving one
    unit of mass along its direction changes ``Kᵀq`` by less than that, far
    inside the equality tolerance.

    Returns
    -------
    support, weights : ndarray
    """
    support = np.asarray(support)
    weights = np.asarray(weights, dtype=np.float64).copy()
    d = K.shape[1]
    while len(support) > 1:
        # d + 2 columns of the (d + 1)-row system always have a null direction: work on the first
        # d + 2 only (a small SVD), until at most d + 1 remain and independence is checked on all.
        block = min(len(support), d + 2)
        rows = np.vstack([K[support[:block]].T, np.ones(block)])
        _, s, vt = np.linalg.svd(rows)
        rank = int((s > 1e-12 * max(s[0], 1.0)).sum())
        if rank >= block:
            break
        direction = np.zeros(len(support))
        direction[:block] = vt[-1]  # a null direction: moving along it keeps Kᵀq and Σq
        if not (direction > 0).any():
            direction = -direction
        ratios = np.full(len(support), np.inf)
        positive = direction > 0
        ratios[positive] = weights[positive] / direction[positive]
        j = int(np.argmin(ratios))  # the first weight to reach zero
        weights = weights - ratios[j] * direction
        weights[j] = 0.0
        keep = weights > 1e-15
        support, weights = support[keep], np.clip(weights[keep], 0.0, None)
        weights /= weights.sum()
    return support, weights




def polish(K: np.ndarray, o: np.ndarray, support: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Correct ``weights`` on ``support`` so that ``Kᵀq = o`` and ``Σ q = 1`` to machine precision.

    The minimum-norm correction on the support, over the numerically
    non-singular directions of ``[K[support]ᵀ; 1]`` only, is applied when it
    keeps every weight non-negative and does not increase the gap; otherwise
    the weights are returned unchanged. (Along a direction whose singular value
    is at rounding level, e.g. two rows equal up to 1e-14, the least-squares
    correction would move the realization arbitrarily far to fix a residual
    that is itself rounding.)
    """
    rows = np.vstack([K[support].T, np.ones(len(support))])
    target = np.concatenate([o, [1.0]])
    residual = target - rows @ weights
    delta = np.linalg.lstsq(rows, residual, rcond=_RCOND)[0]
    corrected = weights + delta
    if not (corrected >= 0).all():
        return weights
    before = np.abs(residual).sum()
    after = np.abs(rows @ corrected - target).sum()
    return corrected if after <= before else weights


def inhibiting_vertex(K: np.ndarray, o: np.ndarray, lp: GapSolution) -> tuple[np.ndarray, np.ndarray]:
    """A vertex realization (at most ``rank ≤ d`` micro states) from a gap-LP solution, polished.

    The vertex reduction and the polish never make the gap worse than the LP's
    own solution: if they would, the LP's support and weights are returned.
    """
    support, weights = vertex(K, lp.support, lp.weights)
    weights = polish(K, o, support, weights)
    weights = weights / weights.sum()
    if tv_gap(K, o, support, weights) > lp.gap:  # lp.gap is the LP solution's own gap, computed the same way
        return lp.support, lp.weights
    return support, weights


def maximal_support(K: np.ndarray, o: np.ndarray, tolerance: Tolerance = DEFAULT_TOLERANCE) -> np.ndarray:
    """Micro states that carry positive weight in *some* ``q`` with ``Kᵀq = o``.

    The minimum-KL and maximum-entropy realizations are supported exactly there
    (the smallest face of the hull that contains ``o``). Found by a few LPs
    over the (well-scaled) feasible set ``{q ≥ 0 : Kᵀq = o, Σq = 1}``: each
    maximises ``Σ_x min(q_x, τ)`` over the micro states not yet known to be on
    the face, so that one LP typically spreads weight over all of them; every
    state given weight above ``tolerance.support`` is on the face; when an LP
    gives none, the rest are not. (A single homogenised LP, ``max Σ t`` with
    ``t ≤ q``, ``t ≤ 1`` and ``Kᵀq = s·o``, needs ``s = 1/w`` for a micro state
    whose largest weight is ``w``: for ``w = 1e-8`` its improving direction has
    a reduced cost of 1e-8, below HiGHS's dual tolerance, and HiGHS stops with
    ``t = 0`` everywhere, an empty face.)

    Returns
    -------
    (m,) ndarray of bool

    Raises
    ------
    SolverError
        If an LP fails, or returns a ``q`` that does not reach ``o``.
    """
    K = np.asarray(K, dtype=np.float64)
    o = np.asarray(o, dtype=np.float64)
    m, d = K.shape
    on_face = np.zeros(m, dtype=bool)
    tau = 1.0 / m
    for _ in range(4 * (d + 1) + 16):
        unknown = np.flatnonzero(~on_face)
        if unknown.size == 0:
            break
        u = unknown.size
        # variables: q (m), t (u); maximise Σ t;  t ≤ q[unknown], 0 ≤ t ≤ τ;  Kᵀq = o, Σq = 1
        A_eq = sp.hstack([sp.csr_matrix(np.vstack([K.T, np.ones((1, m))])), sp.csr_matrix((d + 1, u))],
                         format="csr")
        pick = sp.csr_matrix((np.ones(u), (np.arange(u), unknown)), shape=(u, m))
        A_ub = sp.hstack([-pick, sp.identity(u)], format="csr")
        cost = np.concatenate([np.zeros(m), -np.ones(u)])
        bounds = [(0, None)] * m + [(0, tau)] * u
        q = None
        for options in ({}, {"presolve": False}):
            # scipy-stubs type A_ub and A_eq as dense arrays only; HiGHS takes sparse matrices
            res = linprog(cost, A_ub=A_ub, b_ub=np.zeros(u), A_eq=A_eq, b_eq=np.concatenate([o, [1.0]]),  # type: ignore[call-overload]
                          bounds=bounds, method="highs-ds",
                          options={"primal_feasibility_tolerance": _LP_TOL, "dual_feasibility_tolerance": _LP_TOL,
                                   **options})
            if res.status == 0:
                candidate = np.clip(res.x[:m], 0.0, None)
                if 0.5 * np.abs(candidate @ K - o).sum() <= tolerance.equality:
                    q = candidate
                    break
        if q is None:
            raise SolverError("the maximal-support LP failed to reach the target")
        new = (q > tolerance.support) & ~on_face
        if not new.any():
            return on_face
        on_face |= new
        tau /= 1024.0  # the states still unknown carry little weight: spread less
    if (~on_face).any():
        raise SolverError("the maximal-support LPs did not settle the face")
    return on_face


def objective_lp(
    K: np.ndarray,
    o: np.ndarray,
    budget: float,
    objective: str,
    *,
    natural: np.ndarray | None = None,
    cost: np.ndarray | None = None,
) -> np.ndarray:
    """Optimise ``closest`` or ``min-cost`` over the realizations with gap at most ``budget``.

    ``min ½‖q − natural‖₁`` or ``min cost · q`` subject to ``q ≥ 0``,
    ``Σq = 1`` and ``½‖Kᵀq − o‖₁ ≤ budget`` (slack columns ``u⁺ − u⁻ = o − Kᵀq``).
    With ``budget`` the smallest gap, these are the inhibiting realizations
    (``Kᵀq = o``) when ``o`` is in the hull. ``½‖q − n‖₁ = Σ_x (n_x − q_x)⁺``
    because both sum to one, so ``closest`` needs one extra column per micro state.

    Returns
    -------
    (m,) ndarray
        A distribution over the fibre (clipped at zero and normalised).

    Raises
    ------
    SolverError
        If no HiGHS method (dual simplex with and without presolve, interior
        point with crossover) solves it.
    """
    K = np.asarray(K, dtype=np.float64)
    o = np.asarray(o, dtype=np.float64)
    m, d = K.shape
    eye = sp.identity(d, format="csr")
    blocks_eq = [sp.csr_matrix(K.T), eye, -eye]
    blocks_sum = [sp.csr_matrix(np.ones((1, m))), sp.csr_matrix((1, 2 * d))]
    budget_row = [sp.csr_matrix((1, m)), sp.csr_matrix(np.full((1, 2 * d), 0.5))]
    if objective == "closest":
        if natural is None:
            raise ValueError("closest needs the natural realization")
        # extra columns w ≥ n − q:  −q − w ≤ −n
        blocks_eq.append(sp.csr_matrix((d, m)))
        blocks_sum.append(sp.csr_matrix((1, m)))
        budget_row.append(sp.csr_matrix((1, m)))
        A_ub = sp.vstack([sp.hstack(budget_row),
                          sp.hstack([-sp.identity(m), sp.csr_matrix((m, 2 * d)), -sp.identity(m)])], format="csr")
        b_ub = np.concatenate([[budget], -np.asarray(natural, dtype=np.float64)])
        c = np.concatenate([np.zeros(m + 2 * d), np.ones(m)])
    elif objective == "min-cost":
        if cost is None:
            raise ValueError("min-cost needs a cost vector")
        A_ub = sp.hstack(budget_row, format="csr")
        b_ub = np.array([budget])
        c = np.concatenate([np.asarray(cost, dtype=np.float64), np.zeros(2 * d)])
    else:
        raise ValueError(f"objective_lp solves closest and min-cost, not {objective!r}")
    A_eq = sp.vstack([sp.hstack(blocks_eq), sp.hstack(blocks_sum)], format="csr")
    b_eq = np.concatenate([o, [1.0]])
    tolerances = {"primal_feasibility_tolerance": _LP_TOL, "dual_feasibility_tolerance": _LP_TOL}
    messages = []
    for method, options in (("highs-ds", {}), ("highs-ds", {"presolve": False}), ("highs-ipm", {})):
        # scipy-stubs type A_ub and A_eq as dense arrays only; HiGHS takes sparse matrices
        res: OptimizeResult = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=b_eq, bounds=(0, None),  # type: ignore[call-overload]
                                      method=method, options={**tolerances, **options})
        if res.status == 0:
            q: np.ndarray = np.clip(res.x[:m], 0.0, None)
            if q.sum() > 0:
                normalised: np.ndarray = q / q.sum()
                return normalised
        messages.append(f"{method}: {res.message}")
    raise SolverError(f"HiGHS (scipy) did not solve the {objective} LP: " + "; ".join(messages))
