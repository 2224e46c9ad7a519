"""The gap LP of a small fibre in exact rational arithmetic.

Every float is taken as the rational number it is (:class:`fractions.Fraction`
converts a float exactly), and the gap LP of :mod:`discagg.solvers.gap_lp`,

.. math::

    \\min\\ \\tfrac12 \\mathbf 1^\\top (u^+ + u^-) \\quad\\text{s.t.}\\quad
    K^\\top q + u^+ - u^- = o,\\ \\mathbf 1^\\top q = 1,\\ q, u^\\pm \\ge 0,

is solved by the primal simplex method with Bland's rule (which cannot cycle),
starting from the feasible basis "all mass on the micro state nearest ``o``,
the slacks take the rest". No tolerance is involved: the value is the exact
smallest gap of the floats given, the optimal basis gives an exact optimal
``q`` and the exact dual ``(y, μ)``, whose ``c = 2y`` is a certificate with
``c · K[x] ≤ c · o − 2 · gap`` for every ``x``.

It is the last resort of :func:`~discagg.solvers.gap_lp.min_gap` on small
fibres (when the float LPs' primal and dual values straddle the tolerance, or
the float solvers fail) and the independent reference of the tests. The cost
grows with the number of micro states times the number of pivots, and the size
of the rationals with ``|Ȳ|``, hence :data:`EXACT_LIMIT`.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

__all__ = ["EXACT_LIMIT", "EXACT_OBJECTIVE_LIMIT", "ExactGap", "exact_lp", "exact_min_gap", "exact_objective"]

EXACT_LIMIT = (256, 8)
"""Largest ``(micro states, |Ȳ|)`` for which :func:`exact_min_gap` is used as a fallback."""

_HALF = Fraction(1, 2)


@dataclass(frozen=True, eq=False)
class ExactGap:
    """Exact solution of the gap LP.

    Attributes
    ----------
    weights : list of Fraction
        An optimal ``q`` over the fibre (a basic solution: at most ``d + 1`` non-zeros).
    gap : Fraction
        The smallest ``½ ‖Kᵀq − o‖₁`` over distributions ``q`` on the fibre.
    certificate : list of Fraction
        ``c = 2y`` with ``‖c‖∞ ≤ 1`` and ``c · o − max_x c · K[x] = 2 · gap``.
    pivots : int
    """

    weights: list[Fraction]
    gap: Fraction
    certificate: list[Fraction]
    pivots: int


def exact_min_gap(K: np.ndarray, o: np.ndarray, *, max_pivots: int = 100_000) -> ExactGap:
    """Solve the gap LP of ``(K, o)`` exactly.

    Parameters
    ----------
    K : (m, d) array of float
    o : (d,) array of float
    max_pivots : int
        Bland's rule terminates; this only bounds the work.

    Returns
    -------
    ExactGap

    Examples
    --------
    >>> K = np.array([[1.0, 0.0], [0.5, 0.5]])
    >>> sol = exact_min_gap(K, np.array([0.25, 0.75]))
    >>> sol.gap, [str(w) for w in sol.weights]
    (Fraction(1, 4), ['0', '1'])
    """
    K = np.asarray(K, dtype=np.float64)
    o = np.asarray(o, dtype=np.float64)
    m, d = K.shape
    n = m + 2 * d  # columns: q (m), u+ (d), u- (d)
    rows = d + 1
    Kq = [[Fraction(float(v)) for v in row] for row in K]
    oq = [Fraction(float(v)) for v in o]
    cost = [Fraction(0)] * m + [_HALF] * (2 * d)

    def column(j: int) -> list[Fraction]:
        if j < m:
            return Kq[j] + [Fraction(1)]
        i = (j - m) % d
        sign = 1 if j < m + d else -1
        col = [Fraction(0)] * rows
        col[i] = Fraction(sign)
        return col

    start = int(np.abs(K - o).sum(axis=1).argmin())
    basis = [start] + [m + i if oq[i] >= Kq[start][i] else m + d + i for i in range(d)]
    # Tableau [B⁻¹A | B⁻¹ | B⁻¹b], built by Gauss-Jordan on [A | I | b] with the basis columns as pivots.
    table = [[column(j)[r] for j in range(n)] + [Fraction(int(r == s)) for s in range(rows)] + [(oq + [Fraction(1)])[r]]
             for r in range(rows)]
    width = n + rows + 1
    for r, j in enumerate(basis):
        pivot_row = next(s for s in range(r, rows) if table[s][j] != 0)
        table[r], table[pivot_row] = table[pivot_row], table[r]
        _pivot(table, r, j, width)
    pivots = 0
    while True:
        duals = [sum((cost[basis[r]] * table[r][n + s] for r in range(rows)), Fraction(0)) for s in range(rows)]
        entering = -1
        for j in range(n):
            if j in basis:
                continue
            reduced = cost[j] - sum((duals[r] * v for r, v in enumerate(column(j)) if v), Fraction(0))
            if reduced < 0:
                entering = j  # Bland: the first improving column
                break
        if entering < 0:
            break
        pivots += 1
        if pivots > max_pivots:
            raise RuntimeError("exact simplex exceeded its pivot budget")
        leave = _leaving_row(table, basis, entering)
        if leave < 0:  # cannot happen: the objective is bounded below by 0
            raise RuntimeError("exact simplex: unbounded direction in a bounded LP")
        _pivot(table, leave, entering, width)
        basis[leave] = entering
    x = [Fraction(0)] * n
    for r, j in enumerate(basis):
        x[j] = table[r][-1]
    gap = sum((cost[j] * x[j] for j in range(n)), Fraction(0))
    return ExactGap(x[:m], gap, [2 * duals[i] for i in range(d)], pivots)


def _leaving_row(table: list[list[Fraction]], basis: list[int], entering: int) -> int:
    """The ratio test: the row whose basic variable leaves when ``entering`` enters (-1 if none bounds it).

    Ties go to the smallest basic variable (Bland's rule, which with the
    entering rule of the callers rules out cycling).
    """
    best, leave = None, -1
    for r, row in enumerate(table):
        a = row[entering]
        if a > 0:
            ratio = row[-1] / a
            if best is None or ratio < best or (ratio == best and basis[r] < basis[leave]):
                best, leave = ratio, r
    return leave


def _pivot(table: list[list[Fraction]], r: int, j: int, width: int) -> None:
    """Gauss-Jordan pivot on entry (r, j)."""
    p = table[r][j]
    if p != 1:
        table[r] = [v / p for v in table[r]]
    row = table[r]
    for s, other in enumerate(table):
        if s != r and other[j] != 0:
            f = other[j]
            table[s] = [a - f * b if b else a for a, b in zip(other, row)]


def exact_lp(
    c: list[Fraction],
    A_eq: list[list[Fraction]],
    b_eq: list[Fraction],
    A_ub: list[list[Fraction]] | None = None,
    b_ub: list[Fraction] | None = None,
    *,
    max_pivots: int = 100_000,
) -> tuple[list[Fraction], Fraction]:
    """``min c·x`` s.t. ``A_eq x = b_eq``, ``A_ub x ≤ b_ub``, ``x ≥ 0``, in exact arithmetic.

    The two-phase simplex method with Bland's rule on a dense tableau: meant
    for the small LPs of one fibre (tens of rows and columns).

    Returns
    -------
    x : list of Fraction
    value : Fraction

    Raises
    ------
    ValueError
        If the LP is infeasible or unbounded (the realization LPs are neither).

    Examples
    --------
    >>> F = Fraction
    >>> x, value = exact_lp([F(1), F(2)], [[F(1), F(1)]], [F(1)], [[F(0), F(-1)]], [F(-1, 3)])  # x₂ ≥ 1/3
    >>> [str(v) for v in x], str(value)
    (['2/3', '1/3'], '4/3')
    """
    A_ub = A_ub or []
    b_ub = b_ub or []
    n = len(c)
    rows = [list(r) + [Fraction(0)] * len(A_ub) for r in A_eq]
    rows += [list(r) + [Fraction(int(i == k)) for k in range(len(A_ub))] for i, r in enumerate(A_ub)]
    rhs = list(b_eq) + list(b_ub)
    for i, value in enumerate(rhs):
        if value < 0:
            rows[i], rhs[i] = [-v for v in rows[i]], -value
    r_count, cols = len(rows), n + len(A_ub)
    width = cols + r_count + 1  # structural and slack columns, artificials, rhs
    table = [rows[i] + [Fraction(int(i == k)) for k in range(r_count)] + [rhs[i]] for i in range(r_count)]
    basis = list(range(cols, cols + r_count))
    phase1 = [Fraction(0)] * cols + [Fraction(1)] * r_count
    _simplex(table, basis, phase1, cols + r_count, width, max_pivots)
    if sum((table[i][-1] for i in range(r_count) if basis[i] >= cols), Fraction(0)) != 0:
        raise ValueError("exact_lp: infeasible")
    for i in range(r_count):  # drive zero-level artificials out of the basis where possible
        if basis[i] >= cols:
            j = next((j for j in range(cols) if table[i][j] != 0), -1)
            if j >= 0:
                _pivot(table, i, j, width)
                basis[i] = j
    cost = list(c) + [Fraction(0)] * (len(A_ub) + r_count)
    _simplex(table, basis, cost, cols, width, max_pivots)
    x = [Fraction(0)] * cols
    for i, j in enumerate(basis):
        if j < cols:
            x[j] = table[i][-1]
    return x[:n], sum((c[j] * x[j] for j in range(n)), Fraction(0))


def _simplex(table: list[list[Fraction]], basis: list[int], cost: list[Fraction], allowed: int, width: int,
             max_pivots: int) -> None:
    """Primal simplex with Bland's rule on a tableau in canonical form; columns ``>= allowed`` never enter."""
    rows = len(table)
    for _ in range(max_pivots):
        duals_cost = [cost[j] for j in basis]
        entering = -1
        for j in range(allowed):
            if j in basis:
                continue
            reduced = cost[j] - sum((duals_cost[i] * table[i][j] for i in range(rows) if table[i][j]), Fraction(0))
            if reduced < 0:
                entering = j
                break
        if entering < 0:
            return
        leave = _leaving_row(table, basis, entering)
        if leave < 0:
            raise ValueError("exact_lp: unbounded")
        _pivot(table, leave, entering, width)
        basis[leave] = entering
    raise ValueError("exact_lp: pivot budget exceeded")


EXACT_OBJECTIVE_LIMIT = (24, 8)
"""Largest ``(micro states, |Ȳ|)`` for which :func:`exact_objective` is used as a fallback."""


def exact_objective(
    K: np.ndarray,
    o: np.ndarray,
    objective: str,
    *,
    natural: np.ndarray | None = None,
    cost: np.ndarray | None = None,
    slack: float = 0.0,
    cap: float | None = None,
) -> list[Fraction]:
    """``closest`` or ``min-cost`` over the realizations of smallest gap, in exact arithmetic.

    The smallest gap ``g*`` comes from :func:`exact_min_gap`; then the LP of
    :func:`discagg.solvers.gap_lp.objective_lp` with budget ``g* + slack``
    (at most ``cap``, when given, and never below ``g*``) is solved by
    :func:`exact_lp`. No tolerance is involved, so this settles the cases where
    ``g*`` is within the float LP's resolution of the equality tolerance.

    Returns
    -------
    list of Fraction
        The optimal ``q`` over the fibre.
    """
    K = np.asarray(K, dtype=np.float64)
    o = np.asarray(o, dtype=np.float64)
    m, d = K.shape
    floor = exact_min_gap(K, o).gap
    budget = floor + Fraction(slack)
    if cap is not None:
        budget = max(floor, min(budget, Fraction(cap)))
    zero, one = Fraction(0), Fraction(1)
    Kq = [[Fraction(float(v)) for v in row] for row in K]
    extra = m if objective == "closest" else 0
    n = m + 2 * d + extra

    def row(entries: dict[int, Fraction]) -> list[Fraction]:
        r = [zero] * n
        for j, v in entries.items():
            r[j] = v
        return r

    A_eq = [row({**{x: Kq[x][i] for x in range(m)}, m + i: one, m + d + i: -one}) for i in range(d)]
    A_eq.append(row({x: one for x in range(m)}))
    b_eq = [Fraction(float(v)) for v in o] + [one]
    A_ub = [row({j: _HALF for j in range(m, m + 2 * d)})]
    b_ub = [budget]
    if objective == "closest":
        if natural is None:
            raise ValueError("closest needs the natural realization")
        for x in range(m):  # w_x ≥ n_x − q_x
            A_ub.append(row({x: -one, m + 2 * d + x: -one}))
            b_ub.append(-Fraction(float(natural[x])))
        c = [zero] * (m + 2 * d) + [one] * m
    elif objective == "min-cost":
        if cost is None:
            raise ValueError("min-cost needs a cost vector")
        c = [Fraction(float(v)) for v in cost] + [zero] * (2 * d)
    else:
        raise ValueError(f"exact_objective solves closest and min-cost, not {objective!r}")
    solution, _ = exact_lp(c, A_eq, b_eq, A_ub, b_ub)
    return solution[:m]
