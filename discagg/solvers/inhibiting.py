"""Confounding-inhibiting realizations: decide, optimise, certify.

For each supported macro state ``x̄`` of the cause, an inhibiting realization
exists exactly when the observational ``P(Ȳ | x̄)`` lies in the convex hull of
``{P(Ȳ | do(X = x)) : x ∈ π⁻¹(x̄)}``. :func:`solve` decides this with the gap
LP of :mod:`discagg.solvers.gap_lp` and then, among the inhibiting realizations, returns the
one chosen by the objective:

``sparse``
    a vertex of the feasible set: at most ``|Ȳ|`` micro states;
``closest``
    least total-variation distance to the natural realization ``P(X | x̄)``;
``min-kl``
    least ``KL(q ‖ P(X | x̄))``: an exponential tilt of the natural realization
    (on the smallest face of the hull containing ``P(Ȳ | x̄)`` when that point is
    on the boundary);
``max-entropy``
    greatest entropy over the fibre;
``min-cost``
    least expected cost, for a cost per micro state.

``objective_value`` is, in that order: the number of micro states used, the TV
distance to the natural realization, the KL divergence, the entropy (nats) and
the expected cost. If every inhibiting realization puts mass where ``P(X | x̄)``
has none, the least KL divergence is infinite: ``min-kl`` then returns the
maximum-entropy inhibiting realization with ``objective_value = inf``.

When none exists the state is ``infeasible``: the result holds the realization
with the smallest gap (the irreducible macro confounding of ``x̄``) and a
certificate ``c`` with ``c · P(Ȳ | do(X = x)) < c · P(Ȳ | x̄)`` for every ``x`` in
the fibre. Every realization and certificate is re-verified against the model
before it is returned; a failed check is a :class:`~discagg.errors.SolverError`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from discagg.core.aggregation import Aggregation
from discagg.core.model import CausalModel
from discagg.errors import ModelError, SolverError
from discagg.solvers.cvx import objective_cvxpy
from discagg.solvers.entropic import tilt
from discagg.solvers.gap_lp import maximal_support, min_gap, polish, vertex
from discagg.solvers.solution import Solution, StateSolution, per_supported_state
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["OBJECTIVES", "METHODS", "solve", "solve_aggregation", "verify_solution"]

OBJECTIVES = ("sparse", "closest", "min-kl", "max-entropy", "min-cost")
METHODS = ("fast", "cvxpy")
# Newton multipliers beyond this (weights below e^-25 relative) suggest the
# target is on the boundary of the hull: the face is then identified exactly.
_BOUNDARY_MULTIPLIER = 25.0
_BOUNDARY_ITERATIONS = 25


def solve(
    model: CausalModel,
    cause: str | None = None,
    effect: str | None = None,
    *,
    objective: str = "sparse",
    cost: Sequence[float] | np.ndarray | None = None,
    method: str = "fast",
    tolerance: Tolerance = DEFAULT_TOLERANCE,
) -> Solution:
    """Find a confounding-inhibiting realization for every macro state of the cause.

    Parameters
    ----------
    model : CausalModel
    cause, effect : str, optional
        Default to the model's query.
    objective : {"sparse", "closest", "min-kl", "max-entropy", "min-cost"}
    cost : (|X|,) array-like, optional
        Cost of each micro state of the cause; required by ``min-cost`` only.
    method : {"fast", "cvxpy"}
        ``fast`` uses the structured solvers (column generation, dual Newton);
        ``cvxpy`` solves the objective stage with the plain cvxpy formulation.
        Feasibility and certificates always come from the gap LP.
    tolerance : Tolerance

    Returns
    -------
    Solution

    Raises
    ------
    ModelError
        Bad cause/effect, unknown objective or method, or a bad cost vector.
    SolverError
        A solver failed, or a result did not survive re-verification.

    Examples
    --------
    >>> from discagg.io.model_format import load_model
    >>> sol = solve(load_model("data/cholesterol.json"))
    >>> [(s.state, s.status) for s in sol.states]
    [('low', 'infeasible'), ('medium', 'inhibiting'), ('high', 'infeasible')]
    >>> len(sol.state("medium").support) <= 2          # a vertex: at most |Ȳ| states
    True
    """
    agg = Aggregation.of(model, cause, effect, tolerance=tolerance)
    return solve_aggregation(agg, objective=objective, cost=cost, method=method)


def _check_options(agg: Aggregation, objective: str, cost: object, method: str) -> np.ndarray | None:
    if objective not in OBJECTIVES:
        raise ModelError(None, "objective", f"one of {list(OBJECTIVES)}", repr(objective))
    if method not in METHODS:
        raise ModelError(None, "method", f"one of {list(METHODS)}", repr(method))
    if objective != "min-cost":
        if cost is not None:
            raise ModelError(None, "cost", "no cost unless the objective is 'min-cost'", "a cost vector")
        return None
    if cost is None:
        raise ModelError(None, "cost", "a cost per micro state of the cause for objective 'min-cost'", "none")
    array = np.asarray(cost, dtype=np.float64)
    n = agg.cause_map.n_micro
    if array.shape != (n,):
        raise ModelError(None, "cost", f"{n} costs, one per micro state of {agg.cause!r}", f"shape {array.shape}")
    if not np.isfinite(array).all():
        raise ModelError(None, "cost", "finite costs", "a non-finite value")
    return array


def solve_aggregation(
    agg: Aggregation,
    *,
    objective: str = "sparse",
    cost: Sequence[float] | np.ndarray | None = None,
    method: str = "fast",
) -> Solution:
    """:func:`solve` for an :class:`~discagg.core.aggregation.Aggregation` already built."""
    cost_vector = _check_options(agg, objective, cost, method)
    pi = agg.cause_map
    kernel = agg.macro_kernel
    natural = agg.natural_realization().weights if objective in ("closest", "min-kl") else None
    states = per_supported_state(agg, lambda k, name, probability, fibre: _solve_state(
        name, probability, fibre, kernel[fibre], agg.observational[k], objective, method,
        None if natural is None else natural[fibre],
        None if cost_vector is None else cost_vector[fibre], agg.tolerance,
    ))
    solution = Solution(agg.model.name, agg.cause, agg.effect, objective, states, pi, agg.effect_map)
    verify_solution(agg, solution)
    return solution


def _solve_state(
    name: str,
    probability: float,
    fibre: np.ndarray,
    K: np.ndarray,
    o: np.ndarray,
    objective: str,
    method: str,
    natural: np.ndarray | None,
    cost: np.ndarray | None,
    tolerance: Tolerance,
) -> StateSolution:
    if objective in ("min-kl", "max-entropy") and method == "fast":
        # A converged tilt is itself a feasible realization (gap ≤ 1e-13): the
        # gap LP is needed only when Newton fails (o outside the hull, or on its
        # boundary, or the natural support too small).
        quick = _interior_tilt(K, o, objective, natural)
        if quick is not None:
            support, weights, value = quick
            interventional = weights @ K[support]
            gap = 0.5 * float(np.abs(interventional - o).sum())
            return StateSolution(name, "inhibiting", probability, fibre[support], weights, o, interventional,
                                 gap, objective_value=value)
    lp = min_gap(K, o)
    if lp.gap > tolerance.equality:
        if lp.bound <= tolerance.equality / 2:
            raise SolverError(f"macro state {name!r}: gap {lp.gap!r} above tolerance but no certificate separating "
                              f"by more than the tolerance (bound {lp.bound!r})")
        return StateSolution(
            name, "infeasible", probability, fibre[lp.support], lp.weights, o, lp.weights @ K[lp.support],
            lp.gap, lp.certificate, 2.0 * lp.bound,
        )
    support, weights = vertex(K, lp.support, lp.weights)
    weights = polish(K, o, support, weights)
    value: float | None = float(len(support))
    if objective != "sparse":
        reached = weights @ K[support]  # in the hull exactly, and within tolerance of o
        if method == "cvxpy" or objective in ("closest", "min-cost"):
            q, value = objective_cvxpy(K, reached, objective, natural=natural, cost=cost)
            support = np.flatnonzero(q > 0)
            weights = polish(K, o, support, q[support])
        else:
            support, weights, value = _entropic(name, K, reached, objective, natural, tolerance)
        if objective == "max-entropy" and method == "cvxpy":
            value = _entropy(weights)
    weights = weights / weights.sum()
    interventional = weights @ K[support]
    gap = 0.5 * float(np.abs(interventional - o).sum())
    return StateSolution(name, "inhibiting", probability, fibre[support], weights, o, interventional, gap,
                         objective_value=value)


def _reference(K: np.ndarray, objective: str, natural: np.ndarray | None) -> np.ndarray:
    m = K.shape[0]
    return np.full(m, 1.0 / m) if objective == "max-entropy" else np.asarray(natural)


def _value(objective: str, weights: np.ndarray, reference: np.ndarray) -> float:
    if objective == "max-entropy":
        return _entropy(weights)
    # KL ≥ 0; clamp the round-off of a sum that is exactly zero at q = r.
    return max(float((weights * np.log(weights / reference)).sum()), 0.0)


def _interior_tilt(
    K: np.ndarray, o: np.ndarray, objective: str, natural: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, float] | None:
    """The tilt on the reference's support when Newton converges cleanly, else None.

    "Cleanly" excludes runs that look like a target on the hull's boundary
    (many iterations, or multipliers large enough to push weights below e^-25).
    """
    reference = _reference(K, objective, natural)
    candidates = np.flatnonzero(reference > 0)
    result = tilt(K[candidates], o, reference[candidates])
    if (not result.converged or result.iterations > _BOUNDARY_ITERATIONS
            or np.abs(result.multipliers).max() > _BOUNDARY_MULTIPLIER):
        return None
    keep = result.weights > 0
    support, weights = candidates[keep], result.weights[keep]
    return support, weights, _value(objective, weights, reference[support])


def _entropic(
    name: str, K: np.ndarray, o: np.ndarray, objective: str, natural: np.ndarray | None, tolerance: Tolerance
) -> tuple[np.ndarray, np.ndarray, float]:
    """``min-kl`` or ``max-entropy`` for a target ``o`` known to be in the hull.

    Newton on the tilt dual; when it does not converge cleanly, the smallest
    face containing ``o`` is found by one LP and Newton runs on that face.
    """
    reference = _reference(K, objective, natural)
    candidates = np.flatnonzero(reference > 0)
    if len(candidates) < K.shape[0] and min_gap(K[candidates], o).gap > tolerance.equality:
        # Every inhibiting realization leaves the natural support: KL is infinite.
        support, weights, _ = _entropic(name, K, o, "max-entropy", None, tolerance)
        return support, weights, float("inf")
    quick = _interior_tilt(K, o, objective, natural)
    if quick is not None:
        return quick
    candidates = candidates[maximal_support(K[candidates], o)]
    result = tilt(K[candidates], o, reference[candidates])
    if not result.converged:
        raise SolverError(f"macro state {name!r}: Newton's method for {objective} did not converge "
                          f"(residual {result.residual:.3g})")
    keep = result.weights > 0
    support, weights = candidates[keep], result.weights[keep]
    return support, weights, _value(objective, weights, reference[support])


def _entropy(weights: np.ndarray) -> float:
    return max(float(-(weights * np.log(weights)).sum()), 0.0)


def verify_solution(agg: Aggregation, solution: Solution) -> None:
    """Re-check a solution against the model; raise :class:`SolverError` if it fails.

    Checks that every realization is a distribution on its fibre (by building a
    validated :class:`~discagg.core.realization.RealizationFamily`), that the stated
    ``P(Ȳ | do(x̄))`` and gap are what the model gives, that inhibiting states
    have gap within ``tolerance.equality`` (and a ``sparse`` one at most
    ``|Ȳ|`` micro states), and that every certificate separates strictly.
    """
    tol = agg.tolerance
    try:
        family = solution.realization_family(tolerance=tol)
    except ModelError as exc:
        raise SolverError(f"a returned realization is invalid: {exc}") from None
    do = agg.interventional(family)
    kernel = agg.macro_kernel
    for k, s in enumerate(solution.states):
        if not s.has_realization:
            continue
        where = f"macro state {s.state!r}"
        if np.abs(do[k] - s.interventional).max() > 1e-12:
            raise SolverError(f"{where}: reported P(Ybar | do(xbar)) differs from the model's")
        gap = 0.5 * float(np.abs(do[k] - s.target).sum())
        if abs(gap - s.gap) > 1e-12:
            raise SolverError(f"{where}: reported gap {s.gap!r} differs from the model's {gap!r}")
        if s.status in ("inhibiting", "reachable"):
            if gap > tol.equality:
                raise SolverError(f"{where}: realization has gap {gap!r} above the tolerance {tol.equality}")
            if solution.objective in ("sparse", "target") and len(s.support) > kernel.shape[1]:
                raise SolverError(f"{where}: a vertex uses {len(s.support)} > |Ybar| micro states")
        if s.certificate is not None:
            scores = kernel[agg.cause_map.fibre(k)] @ s.certificate
            margin = float(s.certificate @ s.target - scores.max())
            if not margin > tol.equality:
                raise SolverError(f"{where}: the certificate does not separate (margin {margin!r})")
