"""The plain cvxpy formulations of every realization problem on one fibre.

cvxpy is the modelling layer for the general objectives (``closest`` and
``min-cost`` use it in production) and the reference against which the fast
paths of :mod:`discagg.solvers.gap_lp` and :mod:`discagg.solvers.entropic` are tested. Shapes:
``K`` is ``(m, d)`` (rows ``P(Ȳ | do(X = x))`` over the fibre), ``o`` is ``(d,)``.
Any status other than optimal raises :class:`~discagg.errors.SolverError`.
"""

from __future__ import annotations

import cvxpy as cp
import numpy as np

from discagg.errors import SolverError

__all__ = ["gap_cvxpy", "objective_cvxpy"]


def _solve(problem: cp.Problem, solver: str, what: str) -> None:
    try:
        problem.solve(solver=solver)
    except cp.error.SolverError as exc:
        raise SolverError(f"{solver} failed on the {what} problem: {exc}") from None
    if problem.status != cp.OPTIMAL:
        raise SolverError(f"{solver} did not solve the {what} problem: status {problem.status}")


def gap_cvxpy(K: np.ndarray, o: np.ndarray, *, solver: str = "HIGHS") -> tuple[np.ndarray, float]:
    """``min ½‖Kᵀq − o‖₁`` over the simplex; returns ``(q, gap)``."""
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
) -> tuple[np.ndarray, float]:
    """Optimise one objective over the inhibiting realizations ``{q ≥ 0 : Kᵀq = o, Σq = 1}``.

    Parameters
    ----------
    objective : {"sparse", "closest", "min-kl", "max-entropy", "min-cost"}
        ``sparse`` is a feasibility LP (HiGHS returns a vertex); ``closest``
        minimises ``½‖q − natural‖₁``; ``min-kl`` minimises ``KL(q ‖ natural)``
        (micro states outside the natural support are fixed at zero);
        ``max-entropy`` maximises ``H(q)``; ``min-cost`` minimises ``cost · q``.

    Returns
    -------
    q : (m,) ndarray
    value : float
        The objective value (entropy for ``max-entropy``).
    """
    m = K.shape[0]
    q = cp.Variable(m, nonneg=True)
    constraints = [K.T @ q == o, cp.sum(q) == 1]
    solver = "HIGHS"
    if objective == "sparse":
        expr = cp.Minimize(0)
    elif objective == "closest":
        expr = cp.Minimize(0.5 * cp.norm1(q - natural))
    elif objective == "min-cost":
        expr = cp.Minimize(cost @ q)
    elif objective == "min-kl":
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
    value = np.clip(np.asarray(q.value, dtype=np.float64), 0.0, None)
    return value / value.sum(), float(problem.value)
