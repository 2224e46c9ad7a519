"""What the picture of the reachable set shows for each macro state, in picture coordinates (no matplotlib).

For a macro state ``x̄`` with fibre ``π⁻¹(x̄)``, the distributions
``P(Ȳ | do(x̄))`` that micro-realizations reach form the convex hull of the
fibre's rows ``P(Ȳ | do(X = x))``. A :class:`ReachablePanel` holds that hull
and the points drawn on it, projected by a
:class:`~discagg.viz.projection.Projection`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from discagg.core.aggregation import Aggregation
from discagg.errors import ModelError, preview
from discagg.solvers.solution import Solution
from discagg.viz.projection import Projection, clip_line, convex_hull

__all__ = ["ReachablePanel", "reachable_panels", "choose_states"]


@dataclass(frozen=True, eq=False)
class ReachablePanel:
    """One macro state of the cause, as drawn.

    Attributes
    ----------
    state : str
        The macro state ``x̄``.
    probability : float
        ``P(x̄)``.
    status : str
        The solution's status (``"inhibiting"``, ``"infeasible"``, ``"unsupported"``, ...).
    micro_states : tuple of str
        The fibre's micro states.
    points : (m, k) ndarray
        Their ``P(Ȳ | do(X = x))``, projected.
    hull : (h, k) ndarray
        The vertices of the points' convex hull: the reachable ``P(Ȳ | do(x̄))``.
    observational : (k,) ndarray or None
        ``P(Ȳ | x̄)``, projected (None when unsupported).
    natural : (k,) ndarray or None
        ``P(Ȳ | do(x̄))`` under the natural realization ``P(X | x̄)``.
    solved : (k,) ndarray or None
        ``P(Ȳ | do(x̄))`` under the solution's realization.
    target : (k,) ndarray or None
        The solution's target when it is not ``P(Ȳ | x̄)`` (:func:`~discagg.solvers.ranges.reach`).
    separating : (2, k) ndarray or None
        The certificate's separating line ``c · p = c · P(Ȳ | x̄)`` within the
        image of the simplex (for an interval: the point, twice); None when
        there is no certificate or the line has no image in this projection.
    certificate : (d,) ndarray or None
        The certificate ``c`` itself.
    gap : float or None
        The TV gap of the solved realization (irreducible when infeasible).
    draws : (n, k) ndarray or None
        With a posterior (:mod:`discagg.viz.credible`): every draw's ``P(Ȳ | x̄)``,
        projected (the draws where ``P(x̄) > 0``).
    credible : (h, k) ndarray or None
        Their credible region at ``level``: ``[[lower], [upper]]`` for an
        interval, else the vertices of a polygon (one or two rows if degenerate).
    held : int or None
        How many of the draws the region holds.
    feasible : (int, int) or None
        ``(i, n)``: an inhibiting realization exists in ``i`` of ``n`` draws.
    level : float or None
        The credible level.
    """

    state: str
    probability: float
    status: str
    micro_states: tuple[str, ...] = field(repr=False)
    points: np.ndarray = field(repr=False)
    hull: np.ndarray = field(repr=False)
    observational: np.ndarray | None = field(default=None, repr=False)
    natural: np.ndarray | None = field(default=None, repr=False)
    solved: np.ndarray | None = field(default=None, repr=False)
    target: np.ndarray | None = field(default=None, repr=False)
    separating: np.ndarray | None = field(default=None, repr=False)
    certificate: np.ndarray | None = field(default=None, repr=False)
    gap: float | None = None
    draws: np.ndarray | None = field(default=None, repr=False)
    credible: np.ndarray | None = field(default=None, repr=False)
    held: int | None = None
    feasible: tuple[int, int] | None = None
    level: float | None = None


def choose_states(names: Sequence[str], wanted: Sequence[str] | None, *, option: str = "--state",
                  cause: str = "the cause") -> list[int]:
    """Indices of the macro states ``wanted`` (all, when None), in the order given, without repeats.

    >>> choose_states(("low", "medium", "high"), ["high", "low", "high"])
    [2, 0]
    """
    if wanted is None:
        return list(range(len(names)))
    if isinstance(wanted, str):
        wanted = [wanted]
    chosen: list[int] = []
    for name in wanted:
        if name not in names:
            raise ModelError(None, option, f"a macro state of {cause} {preview(names)}", repr(name))
        if names.index(name) not in chosen:
            chosen.append(names.index(name))
    if not chosen:
        raise ModelError(None, option, f"at least one macro state of {cause}", "none")
    return chosen


def reachable_panels(agg: Aggregation, solution: Solution, projection: Projection,
                     states: Sequence[str] | None = None) -> tuple[ReachablePanel, ...]:
    """The panels of the macro states ``states`` (default: all) of ``agg``'s cause.

    Raises
    ------
    ModelError
        An unknown state, or a solution of another cause or effect.

    Examples
    --------
    >>> from discagg import load_model, solve
    >>> from discagg.viz.projection import projection_for
    >>> agg = Aggregation.of(load_model("example:cholesterol"))
    >>> panels = reachable_panels(agg, solve(agg.model), projection_for(agg.effect_map.macro_states))
    >>> medium = panels[1]
    >>> medium.hull.ravel().round(3).tolist(), medium.observational.round(3).tolist()
    ([0.13, 0.44], [0.286])
    """
    check_solution(agg, solution)
    pi = agg.cause_map
    natural = agg.interventional(agg.natural_realization())
    region = projection.region()
    panels = []
    for k in choose_states(pi.macro_states, states, cause=repr(agg.cause)):
        fibre = pi.fibre(k)
        s = solution.states[k]
        points = projection.coordinates(agg.macro_kernel[fibre])
        observational = projection.coordinates(agg.observational[k]) if agg.supported[k] else None
        target = None
        if solution.target_key != "observational" and s.target is not None:
            target = projection.coordinates(s.target)
        separating = None
        if s.certificate is not None and s.target is not None:
            line = projection.line(s.certificate, s.target, tolerance=agg.tolerance)
            if line is not None:
                normal, offset = line
                if projection.dimension == 1:
                    separating = np.full((2, 1), offset / normal[0])
                else:
                    separating = clip_line(normal, offset, region)
        panels.append(ReachablePanel(
            state=pi.macro_states[k], probability=float(agg.p_macro[k]), status=s.status,
            micro_states=tuple(pi.micro_states[i] for i in fibre), points=points, hull=convex_hull(points),
            observational=observational,
            natural=projection.coordinates(natural[k]) if agg.supported[k] else None,
            solved=None if s.interventional is None else projection.coordinates(s.interventional),
            target=target, separating=separating, certificate=s.certificate, gap=s.gap))
    return tuple(panels)


def check_solution(agg: Aggregation, solution: Solution) -> None:
    """Refuse a solution of another pair than ``agg``'s (its points would be drawn on the wrong hulls)."""
    if (solution.cause, solution.effect) != (agg.cause, agg.effect) or solution.cause_map != agg.cause_map or \
            solution.effect_map != agg.effect_map:
        raise ModelError(None, "solution", f"a solution for cause {agg.cause!r} and effect {agg.effect!r} with "
                         "their coarsenings", f"one for {solution.cause!r} and {solution.effect!r}")
