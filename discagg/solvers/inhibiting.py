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
the expected cost, always recomputed from the returned realization. If every
inhibiting realization puts mass where ``P(X | x̄)`` has none, the least KL
divergence is infinite: ``min-kl`` then returns the maximum-entropy inhibiting
realization with ``objective_value = inf``.

The objectives optimise over the realizations of smallest gap: those with
``P(Ȳ | do(x̄)) = P(Ȳ | x̄)`` when ``P(Ȳ | x̄)`` is in the hull, and the
gap-minimising ones when it lies outside by less than the equality tolerance
(as float rounding can put it). Each objective has a chain of solvers (for
``closest`` and ``min-cost``: the LP in HiGHS, then the cvxpy formulation; for
``min-kl`` and ``max-entropy``: Newton's method, on the smallest face found by
LP, then the exponential-cone formulation), tried in turn until one returns a
realization that passes the tolerance policy; only when all fail is a
:class:`~discagg.errors.SolverError` raised.

When none exists the state is ``infeasible``: the result holds the realization
with the smallest gap (the irreducible macro confounding of ``x̄``) and a
certificate ``c`` with ``c · P(Ȳ | do(X = x)) < c · P(Ȳ | x̄)`` for every ``x`` in
the fibre. Every realization and certificate is re-verified against the model
before it is returned; a failed check is a :class:`~discagg.errors.SolverError`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

import numpy as np

from discagg.core.aggregation import Aggregation
from discagg.core.model import CausalModel
from discagg.errors import ModelError, SolverError
from discagg.solvers.cvx import objective_cvxpy
from discagg.solvers.entropic import TiltResult, fit_multipliers, tilt
from discagg.solvers.exact_lp import EXACT_OBJECTIVE_LIMIT, exact_objective
from discagg.solvers.gap_lp import (
    LP_RESOLUTION,
    GapSolution,
    inhibiting_vertex,
    maximal_support,
    min_gap,
    mixture,
    objective_lp,
    polish,
    tv_gap,
)
from discagg.solvers.objectives import METHODS, OBJECTIVES
from discagg.solvers.solution import Solution, StateSolution, per_supported_state
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["OBJECTIVES", "METHODS", "solve", "solve_aggregation", "solve_fibre", "verify_solution"]

_LINEAR = ("closest", "min-cost")
_ENTROPIC = ("min-kl", "max-entropy")
# A tilt that pushes some weight below e^-25 of its reference weight, or needs
# more than 25 Newton iterations, suggests a target on the boundary of the
# hull: the face is then identified exactly, so that weights off it are
# exactly zero rather than e^-25 small.
_BOUNDARY_LOG_RATIO = -25.0
_BOUNDARY_ITERATIONS = 25

_Candidate = tuple[np.ndarray, np.ndarray]  # fibre-local support and weights


def solve(
    model: CausalModel,
    cause: str | None = None,
    effect: str | None = None,
    *,
    objective: str = "sparse",
    cost: Sequence[float] | np.ndarray | Mapping[str, float] | None = None,
    method: str = "fast",
    tolerance: Tolerance = DEFAULT_TOLERANCE,
    progress: bool = False,
) -> Solution:
    """Find a confounding-inhibiting realization for every macro state of the cause.

    Parameters
    ----------
    model : CausalModel
    cause, effect : str, optional
        Default to the model's query.
    objective : {"sparse", "closest", "min-kl", "max-entropy", "min-cost"}
    cost : ``(|X|,)`` array-like or mapping of str to float, optional
        Cost of each micro state of the cause; required by ``min-cost`` only.
        Any finite numbers (they are rescaled for the solver; the reported
        expected cost is in the given units). As a mapping, keyed by the
        micro states' names like a ``--cost`` file, and checked as one is
        (every micro state once, no other key, finite numbers).
    method : {"fast", "cvxpy"}
        ``fast`` uses the structured solvers (column generation, dual Newton);
        ``cvxpy`` solves the objective stage with the plain cvxpy formulation.
        Feasibility and certificates always come from the gap LP. Either falls
        back to the other when its solvers fail.
    tolerance : Tolerance
    progress : bool
        Show a bar over the macro states on stderr when it is a terminal
        (:mod:`discagg.progress`).

    Returns
    -------
    Solution

    Raises
    ------
    ModelError
        Bad cause/effect, unknown objective or method, or a bad cost vector.
    SolverError
        Every solver failed, or a result did not survive re-verification.

    Examples
    --------
    >>> from discagg import load_model
    >>> sol = solve(load_model("data/cholesterol.json"))
    >>> [(s.state, s.status) for s in sol.states]
    [('low', 'infeasible'), ('medium', 'inhibiting'), ('high', 'infeasible')]
    >>> len(sol.state("medium").support) <= 2          # a vertex: at most |Ȳ| states
    True
    >>> cost = {"LDLlo_HDLlo": 0, "LDLlo_HDLhi": 1, "LDLhi_HDLlo": 2, "LDLhi_HDLhi": 3}
    >>> medium = solve(load_model("data/cholesterol.json"), objective="min-cost", cost=cost).state("medium")
    >>> {x: round(w, 3) for x, w in medium.realization_by_state.items()}
    {'LDLlo_HDLhi': 0.498, 'LDLhi_HDLlo': 0.502}
    """
    agg = Aggregation.of(model, cause, effect, tolerance=tolerance)
    return solve_aggregation(agg, objective=objective, cost=cost, method=method, progress=progress)


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
    if isinstance(cost, Mapping):  # keyed by name, as a --cost file: the same check, the same messages
        from discagg.io.side_files import values_from_mapping

        return values_from_mapping(cost, agg.cause_map.micro_states, f"micro state of {agg.cause!r}")
    try:
        array = np.asarray(cost, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise ModelError(None, "cost", "finite numbers, one per micro state", "a value that is not a number") from None
    n = agg.cause_map.n_micro
    if array.shape != (n,):
        raise ModelError(None, "cost", f"{n} costs, one per micro state of {agg.cause!r}", f"shape {array.shape}")
    if not np.isfinite(array).all():
        raise ModelError(None, "cost", "finite costs", "a non-finite value")
    return array


def scaled_cost(cost: np.ndarray) -> np.ndarray:
    """``cost`` mapped affinely onto ``[0, 1]`` without overflow: the same minimisers over distributions.

    HiGHS treats coefficients of 1e20 and beyond as infinite, and products of
    costs near 1e308 overflow; an expected cost is affine in the costs, so
    minimising ``(cost − min) / (max − min)`` is the same problem. The first
    division is by a power of two (exact).
    """
    cost = np.asarray(cost, dtype=np.float64)
    if cost.size == 0:
        return cost.copy()
    top = float(np.abs(cost).max())
    if top == 0.0:
        return np.zeros_like(cost)
    scaled = np.ldexp(cost, -int(np.frexp(top)[1]))  # in (-1, 1): a power-of-two scale, no overflow
    scaled = scaled - scaled.min()
    span = float(scaled.max())
    unit: np.ndarray = scaled / span if span > 0 else scaled
    return unit


def solve_aggregation(
    agg: Aggregation,
    *,
    objective: str = "sparse",
    cost: Sequence[float] | np.ndarray | Mapping[str, float] | None = None,
    method: str = "fast",
    progress: bool = False,
) -> Solution:
    """:func:`solve` for an :class:`~discagg.core.aggregation.Aggregation` already built."""
    cost_vector = _check_options(agg, objective, cost, method)
    pi = agg.cause_map
    kernel = agg.macro_kernel
    natural = agg.natural_realization().weights if objective in ("closest", "min-kl") else None

    def one(k: int, name: str, probability: float, fibre: np.ndarray) -> StateSolution:
        local = solve_fibre(np.take(kernel, fibre, axis=0), agg.observational[k], objective=objective, method=method,
                            natural=None if natural is None else natural[fibre],
                            cost=None if cost_vector is None else cost_vector[fibre], tolerance=agg.tolerance,
                            name=name, probability=probability)
        return replace(local, support=fibre[local.support])

    states = per_supported_state(agg, one, progress=progress)
    solution = Solution(agg.model.name, agg.cause, agg.effect, objective, states, pi, agg.effect_map)
    verify_solution(agg, solution)
    return solution


def solve_fibre(
    K: np.ndarray,
    o: np.ndarray,
    *,
    objective: str = "sparse",
    natural: np.ndarray | None = None,
    cost: np.ndarray | None = None,
    method: str = "fast",
    tolerance: Tolerance = DEFAULT_TOLERANCE,
    name: str = "fibre",
    probability: float = 1.0,
) -> StateSolution:
    """Decide and optimise on one fibre: the work :func:`solve` does per macro state.

    Parameters
    ----------
    K : (m, d) ndarray
        The rows ``P(Ȳ | do(X = x))`` of the fibre's micro states.
    o : (d,) ndarray
        The observational ``P(Ȳ | x̄)``.
    natural : (m,) ndarray, optional
        ``P(X | x̄)`` on the fibre; needed by ``closest`` and ``min-kl``.
    cost : (m,) ndarray, optional
        Needed by ``min-cost``.
    name, probability
        Copied into the result.

    Returns
    -------
    StateSolution
        With fibre-local ``support`` indices (``0 .. m-1``).
    """
    K = np.ascontiguousarray(K, dtype=np.float64)
    o = np.asarray(o, dtype=np.float64)
    if objective not in OBJECTIVES:
        raise ModelError(None, "objective", f"one of {list(OBJECTIVES)}", repr(objective))
    if objective in ("closest", "min-kl") and natural is None:
        raise ValueError(f"objective {objective!r} needs the natural realization")
    if objective == "min-cost" and cost is None:
        raise ValueError("objective 'min-cost' needs a cost vector")
    equality = tolerance.equality
    quick = None
    if objective in _ENTROPIC and method == "fast":
        # A converged tilt is itself a feasible realization: the gap LP is
        # needed only when Newton fails (o outside the hull, or on its
        # boundary, or the natural support too small).
        reference = _reference(K, objective, natural)
        quick = _tilt_candidates(K, o, reference, tolerance)
        if quick is not None and _clean(quick, reference) and _gap(K, o, *quick[:2]) <= equality:
            return _inhibiting(name, probability, K, o, quick[0], quick[1], objective, natural, cost)
    lp = _min_gap(K, o, tolerance)
    if lp.gap > equality:
        if not 2.0 * lp.bound > equality:
            raise SolverError(f"macro state {name!r}: gap {lp.gap!r} above tolerance but no certificate separating "
                              f"by more than the tolerance (bound {lp.bound!r})")
        return StateSolution(name, "infeasible", probability, lp.support, lp.weights, o,
                             mixture(K, lp.support, lp.weights), lp.gap, lp.certificate, 2.0 * lp.bound)
    support, weights = inhibiting_vertex(K, o, lp)
    if objective != "sparse":
        support, weights = _optimise(name, K, o, objective, method, natural, cost, (support, weights), quick,
                                     tolerance)
    return _inhibiting(name, probability, K, o, support, weights, objective, natural, cost)


def _min_gap(K: np.ndarray, o: np.ndarray, tolerance: Tolerance) -> GapSolution:
    # The two-argument call under the default policy keeps ``min_gap(K, o)`` the
    # interface that callers (and tests simulating a failing solver) replace.
    return min_gap(K, o) if tolerance == DEFAULT_TOLERANCE else min_gap(K, o, tolerance)


def _gap(K: np.ndarray, o: np.ndarray, support: np.ndarray, weights: np.ndarray) -> float:
    return tv_gap(K, o, support, weights)


def _inhibiting(name: str, probability: float, K: np.ndarray, o: np.ndarray, support: np.ndarray,
                weights: np.ndarray, objective: str, natural: np.ndarray | None,
                cost: np.ndarray | None) -> StateSolution:
    order = np.argsort(support)
    support, weights = support[order], weights[order]  # normalised by every producer: no arithmetic here
    interventional = mixture(K, support, weights)
    gap = 0.5 * float(np.abs(interventional - o).sum())
    value = objective_value(objective, K.shape[0], support, weights, natural=natural, cost=cost)
    return StateSolution(name, "inhibiting", probability, support, weights, o, interventional, gap,
                         objective_value=value)


def objective_value(objective: str, m: int, support: np.ndarray, weights: np.ndarray, *,
                    natural: np.ndarray | None = None, cost: np.ndarray | None = None) -> float:
    """The objective at the realization ``weights`` on ``support`` (fibre-local, ``m`` micro states)."""
    if objective == "sparse":
        return float(len(support))
    if objective == "closest":
        q = np.zeros(m)
        q[support] = weights
        return 0.5 * float(np.abs(q - np.asarray(natural)).sum())
    if objective == "min-kl":
        reference = np.asarray(natural)[support]
        if (reference <= 0).any():
            return float("inf")
        # KL ≥ 0; clamp the round-off of a sum that is exactly zero at q = r.
        kl = float((weights * np.log(weights / reference)).sum())
        return kl if kl > 0 else 0.0
    if objective == "max-entropy":
        entropy = float(-(weights * np.log(weights)).sum())
        return entropy if entropy > 0 else 0.0
    if objective == "min-cost":
        return float(weights @ np.asarray(cost)[support])
    raise ValueError(f"unknown objective {objective!r}")


def _reference(K: np.ndarray, objective: str, natural: np.ndarray | None) -> np.ndarray:
    m = K.shape[0]
    return np.full(m, 1.0 / m) if objective == "max-entropy" else np.asarray(natural, dtype=np.float64)


def _tilt_candidates(K: np.ndarray, target: np.ndarray, reference: np.ndarray,
                     tolerance: Tolerance, within: np.ndarray | None = None,
                     start: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, TiltResult] | None:
    """The tilt of ``reference`` towards ``target`` on the micro states ``within`` (default: its support)."""
    candidates = np.flatnonzero(reference > 0) if within is None else within
    if candidates.size == 0:
        return None
    result = tilt(K[candidates], target, reference[candidates], tolerance, stop=tolerance.support, start=start)
    if not result.converged:
        return None
    keep = result.weights > 0
    if not keep.any():
        return None
    return candidates[keep], result.weights[keep], result


def _clean(found: tuple[np.ndarray, np.ndarray, TiltResult], reference: np.ndarray) -> bool:
    """A tilt that does not look like a target on the hull's boundary (see ``_BOUNDARY_LOG_RATIO``)."""
    support, weights, result = found
    if result.iterations > _BOUNDARY_ITERATIONS or len(support) < len(result.weights):
        return False
    r = reference[support] / reference[support].sum()
    return bool(np.log(weights / r).min() >= _BOUNDARY_LOG_RATIO)


def _optimise(
    name: str,
    K: np.ndarray,
    o: np.ndarray,
    objective: str,
    method: str,
    natural: np.ndarray | None,
    cost: np.ndarray | None,
    start: _Candidate,
    quick: tuple[np.ndarray, np.ndarray, TiltResult] | None,
    tolerance: Tolerance,
) -> _Candidate:
    """The objective's realization among those of smallest gap; ``start`` is a vertex of that set.

    The strategies are tried in turn; the first whose realization passes the
    tolerance policy (after :func:`_repair`) is returned.
    """
    equality = tolerance.equality
    floor = _gap(K, o, *start)  # the smallest gap (≤ the equality tolerance)
    reached = start[1] @ K[start[0]]  # a point of the hull, within ``floor`` of o
    strategies: list[tuple[str, Callable[[], _Candidate | None]]]
    if objective in _LINEAR:
        c = None
        if objective == "min-cost":
            if cost is None:
                raise ValueError("min-cost needs a cost vector")
            c = scaled_cost(cost)

        def lp(budget: float) -> _Candidate:
            q = objective_lp(K, o, budget, objective, natural=natural, cost=c)
            return np.flatnonzero(q > 0), q[q > 0]

        def conic(budget: float) -> _Candidate:
            q, _ = objective_cvxpy(K, o, objective, natural=natural, cost=c, budget=budget)
            return np.flatnonzero(q > 0), q[q > 0]

        def exact() -> _Candidate | None:
            if K.shape[0] > EXACT_OBJECTIVE_LIMIT[0] or K.shape[1] > EXACT_OBJECTIVE_LIMIT[1]:
                return None
            exact_q = exact_objective(K, o, objective, natural=natural, cost=c, slack=tolerance.support, cap=equality)
            q = np.array([float(v) for v in exact_q])
            return np.flatnonzero(q > 0), q[q > 0]

        # The smallest gap (plus the resolution), then exactly (small fibres),
        # then halfway to the tolerance, should the LP solver find the smallest
        # gap numerically infeasible.
        budget = min(floor + tolerance.support, equality)
        relaxed = 0.5 * (floor + equality)
        fast: list[tuple[str, Callable[[], _Candidate | None]]] = [
            ("HiGHS LP", lambda: lp(budget)), ("exact LP", exact), ("HiGHS LP (relaxed)", lambda: lp(relaxed))]
        plain: list[tuple[str, Callable[[], _Candidate | None]]] = [
            ("cvxpy", lambda: conic(budget)), ("cvxpy (relaxed)", lambda: conic(relaxed))]
        strategies = fast + plain if method == "fast" else plain + fast
    else:
        strategies = _entropic_strategies(K, o, reached, objective, method, natural, quick, tolerance)
    failures: list[str] = []
    found_all: list[_Candidate] = []
    for label, strategy in strategies:
        try:
            found = strategy()
        except (SolverError, ValueError) as exc:
            failures.append(f"{label}: {exc}")
            continue
        if found is None:
            failures.append(f"{label}: not applicable or did not converge")
            continue
        repaired = _repair(K, o, found, start, equality)
        if repaired is not None:
            return repaired
        failures.append(f"{label}: realization with gap {_gap(K, o, *found)!r} above the tolerance")
        found_all.append(found)
    if equality - floor <= (K.shape[1] + 1) * LP_RESOLUTION:
        # The smallest gap is within the solvers' resolution of the tolerance:
        # the realizations that pass the policy form a sliver thinner than
        # that resolution (and than the rounding of the model's own numbers
        # moves it), so the optimum over it is not determined at that
        # resolution. The first solver's answer, moved just far enough towards
        # the vertex to pass, is then the answer.
        for found in found_all:
            repaired = _repair(K, o, found, start, equality, bounded=False)
            if repaired is not None:
                return repaired
    raise SolverError(f"macro state {name!r}: no solver found the {objective} realization: " + "; ".join(failures))


def _entropic_strategies(
    K: np.ndarray,
    o: np.ndarray,
    reached: np.ndarray,
    objective: str,
    method: str,
    natural: np.ndarray | None,
    quick: tuple[np.ndarray, np.ndarray, TiltResult] | None,
    tolerance: Tolerance,
) -> list[tuple[str, Callable[[], _Candidate | None]]]:
    """Solvers for ``min-kl`` / ``max-entropy`` towards a target known to be within tolerance of the hull."""
    m = K.shape[0]
    reference = _reference(K, objective, natural)
    candidates = np.flatnonzero(reference > 0)
    if len(candidates) < m:
        sub = _min_gap(K[candidates], o, tolerance)
        if sub.gap > tolerance.equality:
            # Every inhibiting realization leaves the natural support: KL is
            # infinite, and the maximum-entropy realization is returned.
            return _entropic_strategies(K, o, reached, "max-entropy", method, None, None, tolerance)
        # The target must be a point of the hull of the natural support's rows.
        support, weights = inhibiting_vertex(K[candidates], o, sub)
        reached = weights @ K[candidates][support]

    def face() -> _Candidate | None:
        on_face = candidates[maximal_support(K[candidates], reached, tolerance)]
        found = _tilt_candidates(K, reached, reference, tolerance, within=on_face)
        return None if found is None else found[:2]

    def interior(target: np.ndarray) -> _Candidate | None:
        found = _tilt_candidates(K, target, reference, tolerance, within=candidates)
        return None if found is None else found[:2]

    solved: list[np.ndarray] = []

    def conic() -> _Candidate | None:
        if not solved:
            r = reference[candidates]
            solved.append(objective_cvxpy(K[candidates], reached, objective, natural=r / r.sum())[0])
        q = solved[0]
        return candidates[q > 0], q[q > 0]

    def newton_from_conic() -> _Candidate | None:
        # The interior-point solution is close to the optimum, where Newton converges quadratically;
        # from the reference, targets a hair inside a face need thousands of damped steps.
        conic()
        start = fit_multipliers(K[candidates], solved[0], reference[candidates], tolerance.support)
        found = _tilt_candidates(K, reached, reference, tolerance, within=candidates, start=start)
        return None if found is None else found[:2]

    newton: list[tuple[str, Callable[[], _Candidate | None]]] = [("Newton on the face", face)]
    if quick is not None:
        newton.append(("Newton", lambda: quick[:2]))
    else:
        newton.append(("Newton", lambda: interior(o)))
    newton.append(("Newton towards the hull point", lambda: interior(reached)))
    plain = [("exponential cone (Clarabel) then Newton", newton_from_conic), ("exponential cone (Clarabel)", conic)]
    return newton + plain if method == "fast" else plain + newton


def _repair(K: np.ndarray, o: np.ndarray, found: _Candidate, start: _Candidate, equality: float, *,
            bounded: bool = True) -> _Candidate | None:
    """``found`` if its gap is within the tolerance; else polished, or moved towards ``start``.

    The move towards the vertex ``start`` (whose gap is within the tolerance)
    relies on the gap being convex along the segment; it aims halfway between
    the vertex's gap and the tolerance. When ``bounded`` it is taken only if
    it shifts at most ``equality`` of probability mass, so that the
    realization stays the solver's answer within the tolerance policy.
    """
    support, weights = found
    weights = weights / weights.sum()
    high = _gap(K, o, support, weights)
    if high <= equality:
        return support, weights
    polished = polish(K, o, support, weights)
    polished = polished / polished.sum()
    if _gap(K, o, support, polished) <= equality:
        return support, polished
    low = _gap(K, o, *start)
    if not low < equality:
        return None
    m = K.shape[0]
    q, v = np.zeros(m), np.zeros(m)
    q[support], v[start[0]] = weights, start[1]
    t = min(1.0, (high - 0.5 * (equality + low)) / (high - low))
    if bounded and t * 0.5 * float(np.abs(q - v).sum()) > equality:
        return None
    for _ in range(60):
        mixed = (1 - t) * q + t * v
        keep = np.flatnonzero(mixed > 0)
        mixed = mixed[keep] / mixed[keep].sum()
        if _gap(K, o, keep, mixed) <= equality:
            return keep, mixed
        if t >= 1.0:
            return None
        t = min(1.0, 2 * t)
    return None


def verify_solution(agg: Aggregation, solution: Solution) -> None:
    """Re-check a solution against the model; raise :class:`SolverError` if it fails.

    Checks that every realization is a distribution on its fibre (by building a
    validated :class:`~discagg.core.realization.RealizationFamily`), that the stated
    ``P(Ȳ | do(x̄))`` and gap are what the model gives, that inhibiting states
    have gap within ``tolerance.equality`` (and a ``sparse`` one at most
    ``|Ȳ|`` micro states), that the stated objective value is the objective at
    the returned realization (for every objective but ``min-cost``, whose
    costs the solution does not hold), and that every certificate separates
    strictly.
    """
    tol = agg.tolerance
    try:
        family = solution.realization_family(tolerance=tol)
    except ModelError as exc:
        raise SolverError(f"a returned realization is invalid: {exc}") from None
    do = agg.interventional(family)
    kernel = agg.macro_kernel
    natural = None
    if solution.objective in ("closest", "min-kl"):
        natural = agg.natural_realization().weights
    for k, s in enumerate(solution.states):
        if not s.has_realization:
            continue
        where = f"macro state {s.state!r}"
        if np.abs(do[k] - s.interventional).max() > 1e-12:
            raise SolverError(f"{where}: reported P(Ybar | do(xbar)) differs from the model's")
        gap = 0.5 * float(np.abs(do[k] - s.target).sum())
        if s.gap is None or abs(gap - s.gap) > 1e-12:
            raise SolverError(f"{where}: reported gap {s.gap!r} differs from the model's {gap!r}")
        if s.status in ("inhibiting", "reachable"):
            if gap > tol.equality:
                raise SolverError(f"{where}: realization has gap {gap!r} above the tolerance {tol.equality}")
            if solution.objective in ("sparse", "target") and len(s.support) > kernel.shape[1]:
                raise SolverError(f"{where}: a vertex uses {len(s.support)} > |Ybar| micro states")
            if solution.objective in OBJECTIVES and solution.objective != "min-cost":
                fibre = agg.cause_map.fibre(k)
                local = np.searchsorted(fibre, s.support)
                value = objective_value(solution.objective, len(fibre), local, s.weights,
                                        natural=None if natural is None else natural[fibre])
                stated = s.objective_value
                if stated is None or not (value == stated or abs(value - stated) <= 1e-12 * max(1.0, abs(value))):
                    raise SolverError(f"{where}: reported {solution.objective} value {stated!r} is not the value "
                                      f"{value!r} of the returned realization")
        if s.certificate is not None:
            scores = kernel[agg.cause_map.fibre(k)] @ s.certificate
            margin = float(s.certificate @ s.target - scores.max())
            if not margin > tol.equality:
                raise SolverError(f"{where}: the certificate does not separate (margin {margin!r})")
