"""Result objects of the realization solver, and their JSON documents."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from discagg.core.coarsening import Coarsening
from discagg.core.realization import RealizationFamily
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

if TYPE_CHECKING:
    from discagg.core.aggregation import Aggregation

__all__ = ["StateSolution", "Solution", "per_supported_state"]


def _named(names: tuple[str, ...], values: np.ndarray | None) -> dict[str, float] | None:
    return None if values is None else {n: float(v) for n, v in zip(names, values)}


@dataclass(frozen=True, eq=False)
class StateSolution:
    """The solver's answer for one macro state ``x̄`` of the cause.

    Attributes
    ----------
    state : str
    status : str
        ``"inhibiting"``, ``"infeasible"`` or ``"unsupported"`` for
        :func:`~discagg.solvers.inhibiting.solve`; ``"inducing"`` for
        :func:`~discagg.solvers.ranges.most_inducing`; ``"reachable"``,
        ``"unreachable"`` or ``"untargeted"`` for :func:`~discagg.solvers.ranges.reach`.
    probability : float
        ``P(x̄)``.
    support : (s,) ndarray of int
        Micro-state indices (of the cause) with positive weight.
    weights : (s,) ndarray
        The realization on ``support`` (sums to one). Empty when there is none.
    target : (d,) ndarray or None
        The distribution to reach: ``P(Ȳ | x̄)``, or a user's target.
    interventional : (d,) ndarray or None
        ``P(Ȳ | do(x̄))`` under the realization.
    gap : float or None
        ``TV(target, interventional)``.
    certificate : (d,) ndarray or None
        For infeasible/unreachable states: ``c`` with ``c · P(Ȳ | do(X = x)) <
        c · target`` for every ``x`` in the fibre.
    margin : float or None
        ``c · target − max_x c · P(Ȳ | do(X = x)) > 0``.
    objective_value : float or None
        The objective's value at the realization (``inf`` for ``min-kl`` when
        every inhibiting realization leaves the natural realization's support).
    """

    state: str
    status: str
    probability: float
    support: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.intp))
    weights: np.ndarray = field(default_factory=lambda: np.zeros(0))
    target: np.ndarray | None = None
    interventional: np.ndarray | None = None
    gap: float | None = None
    certificate: np.ndarray | None = None
    margin: float | None = None
    objective_value: float | None = None

    @property
    def has_realization(self) -> bool:
        return len(self.support) > 0


@dataclass(frozen=True, eq=False)
class Solution:
    """The solver's answer for every macro state of the cause.

    Attributes
    ----------
    model, cause, effect : str
    objective : str
    states : tuple of StateSolution
        One per macro state of the cause, in the coarsening's order.
    cause_map, effect_map : Coarsening
    target_key : str
        JSON key of ``StateSolution.target``: ``"observational"`` or ``"target"``.
    """

    model: str
    cause: str
    effect: str
    objective: str
    states: tuple[StateSolution, ...]
    cause_map: Coarsening = field(repr=False)
    effect_map: Coarsening = field(repr=False)
    target_key: str = "observational"

    def state(self, name: str) -> StateSolution:
        """The solution for macro state ``name``."""
        return self.states[self.cause_map.macro_index(name)]

    def realization_family(self, *, tolerance: Tolerance = DEFAULT_TOLERANCE) -> RealizationFamily:
        """The returned realizations as a validated :class:`RealizationFamily`."""
        weights = np.zeros(self.cause_map.n_micro)
        defined = np.zeros(self.cause_map.n_macro, dtype=bool)
        for k, s in enumerate(self.states):
            if s.has_realization:
                weights[s.support] = s.weights
                defined[k] = True
        return RealizationFamily.from_weights(self.cause_map, weights, defined, tolerance=tolerance)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document (see the README's contract)."""
        micro = self.cause_map.micro_states
        macro_y = self.effect_map.macro_states
        entries = []
        for s in self.states:
            entry: dict[str, Any] = {"state": s.state, "status": s.status}
            if s.status in ("unsupported", "untargeted"):
                entries.append(entry)
                continue
            entry["probability"] = s.probability
            entry["realization"] = {micro[i]: float(w) for i, w in zip(s.support, s.weights)}
            entry[self.target_key] = _named(macro_y, s.target)
            entry["interventional"] = _named(macro_y, s.interventional)
            entry["gap"] = s.gap
            if s.certificate is not None:
                entry["certificate"] = _named(macro_y, s.certificate)
                entry["certificate_margin"] = s.margin
            if s.objective_value is not None:
                entry["objective_value"] = None if not np.isfinite(s.objective_value) else s.objective_value
            entries.append(entry)
        return {"model": self.model, "cause": self.cause, "effect": self.effect, "objective": self.objective,
                "macro_states": entries}


def per_supported_state(
    agg: "Aggregation", solve_one: Callable[[int, str, float, np.ndarray], StateSolution], *,
    progress: bool = False,
) -> tuple[StateSolution, ...]:
    """Apply ``solve_one(k, name, P(x̄), fibre)`` to each supported macro state of the cause.

    Unsupported macro states (``P(x̄) = 0``) get an ``"unsupported"`` entry.
    With ``progress``, a bar counts the macro states on stderr (when it is a terminal).
    """
    from discagg.progress import progress as bar

    states = []
    names = agg.cause_map.macro_states
    for k, name in bar(enumerate(names), total=len(names), description="macro states", enabled=progress):
        probability = float(agg.p_macro[k])
        if agg.supported[k]:
            states.append(solve_one(k, name, probability, agg.cause_map.fibre(k)))
        else:
            states.append(StateSolution(name, "unsupported", probability))
    return tuple(states)
