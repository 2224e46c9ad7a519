"""Solvers: inhibiting and inducing realizations, reachable targets and effect bounds, with certificates.

:func:`solve` (module :mod:`~discagg.solvers.inhibiting`) decides, per macro
state, whether a confounding-inhibiting realization exists and returns the one
an objective picks; :mod:`~discagg.solvers.ranges` gives the most inducing
realization, reachability of a target and the bounds of a macro effect. The
numerical work is in :mod:`~discagg.solvers.gap_lp` (the gap LP by column
generation, certificates, vertices), :mod:`~discagg.solvers.entropic` (dual
Newton for min-KL / max-entropy) and :mod:`~discagg.solvers.cvx` (the plain cvxpy
formulations); results are :class:`Solution` and :class:`EffectBounds`.
"""

from typing import TYPE_CHECKING

from discagg._lazy import lazy_exports

_EXPORTS = {
    "METHODS": "discagg.solvers.inhibiting",
    "OBJECTIVES": "discagg.solvers.inhibiting",
    "solve": "discagg.solvers.inhibiting",
    "solve_aggregation": "discagg.solvers.inhibiting",
    "verify_solution": "discagg.solvers.inhibiting",
    "EffectBounds": "discagg.solvers.ranges",
    "StateBounds": "discagg.solvers.ranges",
    "effect_bounds": "discagg.solvers.ranges",
    "most_inducing": "discagg.solvers.ranges",
    "reach": "discagg.solvers.ranges",
    "Solution": "discagg.solvers.solution",
    "StateSolution": "discagg.solvers.solution",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # the names as a type checker sees them
    from discagg.solvers.inhibiting import METHODS, OBJECTIVES, solve, solve_aggregation, verify_solution
    from discagg.solvers.ranges import EffectBounds, StateBounds, effect_bounds, most_inducing, reach
    from discagg.solvers.solution import Solution, StateSolution

__all__ = ["EffectBounds", "METHODS", "OBJECTIVES", "Solution", "StateBounds", "StateSolution", "effect_bounds",
           "most_inducing", "reach", "solve", "solve_aggregation", "verify_solution"]
