"""The plain cvxpy formulations of every realization problem on one fibre.

cvxpy is the modelling layer of ``--method cvxpy`` and the reference against
which the fast paths of :mod:`discagg.solvers.gap_lp` and
:mod:`discagg.solvers.entropic` are tested. Shapes: ``K`` is ``(m, d)`` (rows
``P(Ȳ | do(X = x))`` over the fibre), ``o`` is ``(d,)``. Any status other than
optimal raises :class:`~discagg.errors.SolverError`.

Linear programs go to cvxpy's ``SCIPY`` interface with scipy's HiGHS (dual
simplex), not to its ``HIGHS`` interface: that one constructs
``highspy.Highs()``, which writes HiGHS's banner to stdout before any option
can switch it off (see :mod:`discagg.solvers.highs`). The exponential-cone
problems (``min-kl``, ``max-entropy``) go to Clarabel, silent unless verbose.

cvxpy is imported when a formulation is built, not with this module: it takes
longer to import (about 0.7 s) than most solves, and only ``--method cvxpy`` and
the fallbacks need it.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from discagg.errors import SolverError

if TYPE_CHECKING:
    import cvxpy as cp

__all__ = ["LP_SOLVER", "gap_cvxpy", "objective_cvxpy", "jsd_center_cvxpy"]

LP_SOLVER = "SCIPY"
# Tighter than the equality tolerance on purpose: the LP's own feasibility
# error must leave the equality tolerance to the decision it serves.
_LP_OPTIONS: dict[str, Any] = {"scipy_options": {"method": "highs-ds", "primal_feasibility_tolerance": 1e-10,
                                                 "dual_feasibility_tolerance": 1e-10}}


def _solve(problem: cp.Problem, solver: str, what: str) -> None:
    import cvxpy as cp

    options = _LP_OPTIONS if solver == LP_SOLVER else {}
    try:
        with warnings.catch_warnings():
            # An inaccurate solution is reported by its status, which is refused below (and the caller falls back).
            warnings.filterwarnings("ignore", message="Solution may be inaccurate")
            problem.solve(solver=solver, **options)
    except (cp.error.SolverError, ValueError, ArithmeticError) as exc:
        raise SolverError(f"{solver} failed on the {what} problem: {exc}") from None
    if problem.status != cp.OPTIMAL:
        raise SolverError(f"{solver} did not solve the {what} problem: status {problem.status}")


def gap_cvxpy(K: np.ndarray, o: np.ndarray, *, solver: str = LP_SOLVER) -> tuple[np.ndarray, float]:
    """``min ½‖Kᵀq − o‖₁`` over the simplex; returns ``(q, gap)``."""
    import cvxpy as cp

    q = cp.Variable(K.shape[0], nonneg=True)
    problem = cp.Problem(cp.Minimize(0.5 * cp.norm1(K.T @ q - o)), [cp.sum(q) == 1])
    _solve(problem, solver, "gap")
    return np.asarray(q.value), float(problem.value)


def objective_cvxpy(
    K: np.ndarray,
    o: np.ndarray,
    objective: str,
    *,
    natural: np.ndarray | None = None,
    cost: np.ndarray | None = None,
    budget: float | None = None,
) -> tuple[np.ndarray, float]:
    """Optimise one objective over the inhibiting realizations ``{q ≥ 0 : Kᵀq = o, Σq = 1}``.

    Parameters
    ----------
    objective : {"sparse", "closest", "min-kl", "max-entropy", "min-cost"}
        ``sparse`` is a feasibility LP (the dual simplex returns a vertex);
        ``closest`` minimises ``½‖q − natural‖₁``; ``min-kl`` minimises
        ``KL(q ‖ natural)`` (micro states outside the natural support are fixed
        at zero); ``max-entropy`` maximises ``H(q)``; ``min-cost`` minimises
        ``cost · q``.
    budget : float, optional
        For the linear objectives: relax ``Kᵀq = o`` to ``½‖Kᵀq − o‖₁ ≤ budget``
        (the smallest gap, when ``o`` lies outside the hull by less than the
        tolerance).

    Returns
    -------
    q : (m,) ndarray
    value : float
        The objective value as the solver reports it (entropy for ``max-entropy``).
    """
    import cvxpy as cp

    m = K.shape[0]
    q = cp.Variable(m, nonneg=True)
    linear = objective in ("sparse", "closest", "min-cost")
    if linear and budget is not None:
        constraints = [0.5 * cp.norm1(K.T @ q - o) <= budget, cp.sum(q) == 1]
    else:
        # Kᵀq = o has one redundant row (every row of K and o sum to one, as Σq = 1 does);
        # the rank-deficient system stalls Clarabel at "almost solved", so its last row is dropped.
        constraints = [cp.sum(q) == 1]
        if K.shape[1] > 1:
            constraints.append(K[:, :-1].T @ q == o[:-1])
    solver = LP_SOLVER
    expr: cp.Minimize | cp.Maximize
    if objective == "sparse":
        expr = cp.Minimize(0)
    elif objective == "closest":
        expr = cp.Minimize(0.5 * cp.norm1(q - natural))
    elif objective == "min-cost":
        expr = cp.Minimize(cost @ q)
    elif objective == "min-kl":
        if natural is None:
            raise ValueError("objective 'min-kl' needs the natural realization")
        support = natural > 0
        if (~support).any():
            constraints.append(q[~support] == 0)
        expr = cp.Minimize(cp.sum(cp.rel_entr(q[support], natural[support])))
        solver = "CLARABEL"
    elif objective == "max-entropy":
        expr = cp.Maximize(cp.sum(cp.entr(q)))
        solver = "CLARABEL"
    else:
        raise ValueError(f"unknown objective {objective!r}")
    problem = cp.Problem(expr, constraints)
    _solve(problem, solver, objective)
    if q.value is None:
        raise SolverError(f"{solver} returned no solution for the {objective} problem")
    value = np.clip(np.nan_to_num(np.asarray(q.value, dtype=np.float64)), 0.0, None)
    if not value.sum() > 0:
        raise SolverError(f"{solver} returned no weight for the {objective} problem")
    return value / value.sum(), float(problem.value)


def jsd_center_cvxpy(U: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distribution ``q`` minimising ``max_i JSD(U_i, q)`` (the abstraction's best macro mechanism).

    ``min t`` subject to ``½ Σ_j rel_entr(U_ij, m_ij) + ½ Σ_j rel_entr(q_j, m_ij) <= t``
    with ``m_i = (U_i + q) / 2``: each Jensen–Shannon divergence (nats) is
    jointly convex, so this is an exponential-cone program, solved by Clarabel.

    Parameters
    ----------
    U : (m, d) ndarray
        Rows that are distributions.

    Returns
    -------
    q : (d,) ndarray
        The minimiser, clipped and renormalised.
    weights : (m,) ndarray
        The normalised dual multipliers of the rows' constraints (a
        distribution over the rows, for a lower bound by duality).

    Raises
    ------
    SolverError
        If neither Clarabel nor SCS (the fallback) reaches an optimal or
        optimal-inaccurate status.
    """
    import cvxpy as cp

    m, d = U.shape
    q = cp.Variable(d, nonneg=True)
    t = cp.Variable()
    rows = []
    for i in range(m):
        mid = 0.5 * (U[i] + q)
        rows.append(0.5 * cp.sum(cp.rel_entr(U[i], mid)) + 0.5 * cp.sum(cp.rel_entr(q, mid)) <= t)
    problem = cp.Problem(cp.Minimize(t), [cp.sum(q) == 1, *rows])
    # "optimal_inaccurate" is accepted here, unlike in _solve: the caller recomputes the error of the
    # returned q exactly and certifies a lower bound of its own, so the solver's accuracy only widens
    # the reported gap (Clarabel stops at that status on some well-posed instances, a few 1e-9 away).
    for solver in ("CLARABEL", "SCS"):
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="Solution may be inaccurate")
                problem.solve(solver=solver)
        except (cp.error.SolverError, ValueError, ArithmeticError):
            continue
        if problem.status in (cp.OPTIMAL, cp.OPTIMAL_INACCURATE) and q.value is not None:
            break
    else:
        raise SolverError(f"neither Clarabel nor SCS solved the Jensen-Shannon centre problem: status {problem.status}")
    if q.value is None:
        raise SolverError("CLARABEL returned no solution for the Jensen-Shannon centre problem")
    value = np.clip(np.nan_to_num(np.asarray(q.value, dtype=np.float64)), 0.0, None)
    if not value.sum() > 0:
        raise SolverError("CLARABEL returned no weight for the Jensen-Shannon centre problem")
    duals = np.array([float(np.nan_to_num(c.dual_value)) for c in rows])
    duals = np.clip(duals, 0.0, None)
    weights = duals / duals.sum() if duals.sum() > 0 else np.full(m, 1.0 / m)
    return value / value.sum(), weights
