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
"""

from __future__ import annotations

from dataclasses import dataclass

import highspy
import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from discagg.errors import SolverError

__all__ = ["GapSolution", "min_gap", "min_gap_full", "vertex", "polish", "maximal_support"]

_INF = highspy.kHighsInf
# HiGHS's own feasibility tolerances, and the pricing threshold for adding a
# column. They bound the LP's optimality error, which min_gap then measures.
_LP_TOL = 1e-10
_PRICE_TOL = 1e-11
_MAX_ROUNDS = 1000
# Fibres up to this size go to HiGHS whole; larger ones by column generation.
_WHOLE = 256


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
        Column-generation rounds (1 when the fibre was solved whole).
    """

    support: np.ndarray
    weights: np.ndarray
    gap: float
    bound: float
    certificate: np.ndarray
    rounds: int

    def dense(self, m: int) -> np.ndarray:
        """The weights as a dense vector over the ``m`` micro states of the fibre."""
        q = np.zeros(m)
        q[self.support] = self.weights
        return q


def _initial_columns(K: np.ndarray, o: np.ndarray) -> np.ndarray:
    """Extreme micro states along each coordinate, plus the one closest to ``o``."""
    picks = [K.argmax(axis=0), K.argmin(axis=0), [int(np.abs(K - o).sum(axis=1).argmin())]]
    return np.unique(np.concatenate(picks))


class _Master:
    """The restricted primal, kept in one warm-started HiGHS instance."""

    def __init__(self, o: np.ndarray) -> None:
        d = o.shape[0]
        self.d = d
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("primal_feasibility_tolerance", _LP_TOL)
        h.setOptionValue("dual_feasibility_tolerance", _LP_TOL)
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


def min_gap(K: np.ndarray, o: np.ndarray) -> GapSolution:
    """Smallest total-variation gap between ``o`` and the hull of the rows of ``K``.

    Parameters
    ----------
    K : (m, d) ndarray
        Rows are distributions over Ȳ (one per micro state of the fibre).
    o : (d,) ndarray
        Target distribution over Ȳ.

    Returns
    -------
    GapSolution
        A basic optimal solution (at most ``d + 1`` micro states, at most ``d``
        when the gap is zero) and the certificate.

    Raises
    ------
    SolverError
        If HiGHS fails, column generation does not finish, or the primal and
        dual values it returns disagree (strong duality violated).

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
        score = K @ y + mu  # minus the reduced cost of every micro state
        score[in_master] = -np.inf
        if score.max() <= _PRICE_TOL:
            break
        top = np.argpartition(-score, min(batch, m) - 1)[:batch]
        top = top[score[top] > _PRICE_TOL]
        master.add(K, top)
        in_master[top] = True
    else:
        raise SolverError(f"column generation did not converge in {_MAX_ROUNDS} rounds")
    columns = np.asarray(master.columns)
    q = np.clip(q_master, 0.0, None)
    keep = q > 0
    support, weights = columns[keep], q[keep] / q[keep].sum()
    gap = 0.5 * float(np.abs(weights @ K[support] - o).sum())
    c = 2.0 * np.clip(y, -0.5, 0.5)
    bound = 0.5 * float(c @ o - (K @ c).max())
    if not (bound <= gap + 1e-9 and gap - bound <= 1e-7 * max(1.0, gap)):
        raise SolverError(f"gap LP: primal value {gap!r} and dual bound {bound!r} disagree")
    order = np.argsort(support)
    return GapSolution(support[order], weights[order], gap, bound, c, rounds)


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
    m, d = K.shape
    # variables: q (m), u⁺ (d), u⁻ (d)
    eye = sp.identity(d, format="csr")
    A = sp.vstack([sp.hstack([sp.csr_matrix(K.T), eye, -eye]),
                   sp.hstack([sp.csr_matrix(np.ones((1, m))), sp.csr_matrix((1, 2 * d))])], format="csr")
    cost = np.concatenate([np.zeros(m), np.full(2 * d, 0.5)])
    res = linprog(cost, A_eq=A, b_eq=np.concatenate([o, [1.0]]), bounds=(0, None), method="highs")
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

    Returns
    -------
    support, weights : ndarray
    """
    support = np.asarray(support)
    weights = np.asarray(weights, dtype=np.float64).copy()
    while len(support) > 1:
        rows = np.vstack([K[support].T, np.ones(len(support))])
        _, s, vt = np.linalg.svd(rows)
        rank = int((s > 1e-12 * max(s[0], 1.0)).sum())
        if rank >= len(support):
            break
        direction = vt[-1]  # a null direction: moving along it keeps Kᵀq and Σq
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

    The minimum-norm correction on the support is applied when it keeps every
    weight non-negative; otherwise the weights are returned unchanged.
    """
    rows = np.vstack([K[support].T, np.ones(len(support))])
    residual = np.concatenate([o, [1.0]]) - rows @ weights
    delta = np.linalg.lstsq(rows, residual, rcond=None)[0]
    corrected = weights + delta
    if (corrected >= 0).all() and np.abs(rows @ corrected - np.concatenate([o, [1.0]])).max() <= np.abs(
            residual).max():
        return corrected
    return weights


def maximal_support(K: np.ndarray, o: np.ndarray) -> np.ndarray:
    """Micro states that carry positive weight in *some* ``q`` with ``Kᵀq = o``.

    One LP over the homogenised feasible cone: maximise ``Σ t`` subject to
    ``Kᵀq = s·o``, ``Σ q = s``, ``0 ≤ t ≤ q``, ``t ≤ 1``; any micro state that
    some feasible ``q`` uses gets ``t = 1``. The minimum-KL and maximum-entropy
    realizations are supported exactly there (the smallest face of the hull
    that contains ``o``).

    Returns
    -------
    (m,) ndarray of bool
    """
    K = np.asarray(K, dtype=np.float64)
    m, d = K.shape
    # variables: q (m), t (m), s (1)
    A_eq = sp.vstack([
        sp.hstack([sp.csr_matrix(K.T), sp.csr_matrix((d, m)), sp.csr_matrix(-o.reshape(d, 1))]),
        sp.hstack([sp.csr_matrix(np.ones((1, m))), sp.csr_matrix((1, m)), sp.csr_matrix([[-1.0]])]),
    ], format="csr")
    A_ub = sp.hstack([-sp.identity(m), sp.identity(m), sp.csr_matrix((m, 1))], format="csr")
    cost = np.concatenate([np.zeros(m), -np.ones(m), [0.0]])
    bounds = [(0, None)] * m + [(0, 1)] * m + [(0, None)]
    res = linprog(cost, A_ub=A_ub, b_ub=np.zeros(m), A_eq=A_eq, b_eq=np.zeros(d + 1), bounds=bounds,
                  method="highs")
    if res.status != 0:
        raise SolverError(f"HiGHS (scipy) did not solve the maximal-support LP: {res.message}")
    return res.x[m:2 * m] > 0.5
