"""Result objects of the realization solver, and their JSON documents.

A :class:`Solution` prints as the table ``discagg solve`` prints (``str``), as
an HTML table in a notebook (``_repr_html_``) and as one short line (``repr``);
:meth:`Solution.to_dict` is the ``--json`` document and :meth:`Solution.from_dict`
(or :func:`discagg.load_solution`) reads it back into an equal Solution.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from discagg.core.arrays import equal_values
from discagg.core.coarsening import Coarsening
from discagg.core.realization import RealizationFamily
from discagg.report.short import compact, fit, plain, quoted, tally
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

if TYPE_CHECKING:
    import pandas as pd

    from discagg.core.aggregation import Aggregation

__all__ = ["StateSolution", "Solution", "per_supported_state"]


def _named(names: tuple[str, ...], values: np.ndarray | None) -> dict[str, float] | None:
    return None if values is None else {n: float(v) for n, v in zip(names, values)}


def _coarsening_document(pi: Coarsening) -> dict[str, Any]:
    return {"micro_states": list(pi.micro_states), "macro": pi.to_mapping()}


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
    cause_states : tuple of str
        The names of the cause's micro states (what ``support`` indexes), and
    effect_states : tuple of str
        of the effect's macro states (the entries of ``target``,
        ``interventional`` and ``certificate``). A :class:`Solution` fills both
        in; they give the ``*_by_state`` mappings.

    Examples
    --------
    >>> from discagg import load_model, solve
    >>> low = solve(load_model("example:cholesterol")).state("low")
    >>> low
    StateSolution(state='low', infeasible, P=0.21, gap=0.04714, 1 micro state)
    >>> low.realization_by_state
    {'LDLlo_HDLlo': 1.0}
    >>> {y: round(c, 3) for y, c in low.certificate_by_state.items()}
    {'no': 1.0, 'yes': -1.0}
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
    cause_states: tuple[str, ...] = field(default=(), repr=False)
    effect_states: tuple[str, ...] = field(default=(), repr=False)

    @property
    def has_realization(self) -> bool:
        return len(self.support) > 0

    def __repr__(self) -> str:
        rest = [plain(self.status, 16), f"P={compact(self.probability)}"]
        if self.gap is not None:
            rest.append(f"gap={compact(self.gap)}")
        if self.has_realization:
            n = len(self.support)
            rest.append(f"{n} micro state" + ("" if n == 1 else "s"))
        return fit(lambda w: f"StateSolution(state={quoted(self.state, w)}, {', '.join(rest)})")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StateSolution):
            return NotImplemented
        return all(equal_values(getattr(self, name), getattr(other, name)) for name in _STATE_FIELDS)

    __hash__ = None  # type: ignore[assignment]  # unhashable; typeshed types __hash__ as a method

    def _names(self, names: tuple[str, ...], size: int, what: str) -> tuple[str, ...]:
        if len(names) < size:
            raise ValueError(f"this StateSolution carries no names of the {what} (a Solution fills them in; "
                             "StateSolutions from solve_fibre have fibre-local indices)")
        return names

    def _by_effect_state(self, values: np.ndarray | None) -> dict[str, float] | None:
        if values is None:
            return None
        names = self._names(self.effect_states, len(values), "effect's macro states")
        return {y: float(v) for y, v in zip(names, values)}

    @property
    def realization_by_state(self) -> dict[str, float]:
        """The realization as ``{micro state of the cause: weight}`` (empty when there is none)."""
        if not self.has_realization:
            return {}
        names = self._names(self.cause_states, int(np.max(self.support)) + 1, "cause's micro states")
        return {names[i]: float(w) for i, w in zip(self.support.tolist(), self.weights)}

    @property
    def target_by_state(self) -> dict[str, float] | None:
        """``target`` (``P(Ȳ | x̄)`` or the user's target) as ``{macro state of the effect: p}``."""
        return self._by_effect_state(self.target)

    @property
    def interventional_by_state(self) -> dict[str, float] | None:
        """``P(Ȳ | do(x̄))`` under the realization, as ``{macro state of the effect: p}``."""
        return self._by_effect_state(self.interventional)

    @property
    def certificate_by_state(self) -> dict[str, float] | None:
        """The certificate ``c`` as ``{macro state of the effect: coefficient}`` (None unless infeasible)."""
        return self._by_effect_state(self.certificate)


_STATE_FIELDS = ("state", "status", "probability", "support", "weights", "target", "interventional", "gap",
                 "certificate", "margin", "objective_value", "cause_states", "effect_states")


@dataclass(frozen=True, eq=False)
class Solution:
    """The solver's answer for every macro state of the cause.

    ``print(solution)`` shows the table ``discagg solve`` prints; in a notebook
    it is an HTML table; :meth:`to_frame` gives a pandas DataFrame.

    Attributes
    ----------
    model, cause, effect : str
    objective : str
    states : tuple of StateSolution
        One per macro state of the cause, in the coarsening's order.
    cause_map, effect_map : Coarsening
    target_key : str
        JSON key of ``StateSolution.target``: ``"observational"`` or ``"target"``.

    Examples
    --------
    >>> from discagg import load_model, solve
    >>> solve(load_model("example:cholesterol"))
    Solution(model='cholesterol', Lipids -> HeartDisease, objective sparse: 2 infeasible, 1 inhibiting)
    """

    model: str
    cause: str
    effect: str
    objective: str
    states: tuple[StateSolution, ...]
    cause_map: Coarsening = field(repr=False)
    effect_map: Coarsening = field(repr=False)
    target_key: str = "observational"

    def __post_init__(self) -> None:
        micro, ys = self.cause_map.micro_states, self.effect_map.macro_states
        states = tuple(s if s.cause_states is micro and s.effect_states is ys
                       else replace(s, cause_states=micro, effect_states=ys) for s in self.states)
        object.__setattr__(self, "states", states)

    def __repr__(self) -> str:
        statuses = tally(s.status for s in self.states)
        return fit(lambda w: f"Solution(model={quoted(self.model, w)}, {plain(self.cause, w)} -> "
                   f"{plain(self.effect, w)}, objective {plain(self.objective, 16)}: {statuses})")

    def __str__(self) -> str:
        from discagg.report.tables import as_text, solution_table

        return as_text(solution_table(self))

    def _repr_html_(self) -> str:
        from discagg.report.tables import as_html, solution_table

        return as_html(solution_table(self))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Solution):
            return NotImplemented
        return (self.model == other.model and self.cause == other.cause and self.effect == other.effect
                and self.objective == other.objective and self.target_key == other.target_key
                and self.cause_map == other.cause_map and self.effect_map == other.effect_map
                and self.states == other.states)

    __hash__ = None  # type: ignore[assignment]  # unhashable; typeshed types __hash__ as a method

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
        """The JSON document (see the README's contract); :meth:`from_dict` reads it back."""
        micro = self.cause_map.micro_states
        macro_y = self.effect_map.macro_states
        entries = []
        for s in self.states:
            entry: dict[str, Any] = {"state": s.state, "status": s.status, "probability": s.probability}
            if s.status in ("unsupported", "untargeted"):
                entries.append(entry)
                continue
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
                "macro_states": entries, "cause_map": _coarsening_document(self.cause_map),
                "effect_map": _coarsening_document(self.effect_map)}

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Solution:
        """The Solution whose :meth:`to_dict` (``discagg solve --json``) is ``document``.

        Raises
        ------
        ModelError
            Naming the key path of the first entry that is not as :meth:`to_dict` writes it.

        Examples
        --------
        >>> from discagg import load_model, solve
        >>> sol = solve(load_model("example:cholesterol"))
        >>> Solution.from_dict(sol.to_dict()) == sol
        True
        """
        from discagg.solvers.saved import solution_from_dict

        return solution_from_dict(document)

    def to_frame(self) -> pd.DataFrame:
        """One row per macro state of the cause, as a pandas DataFrame (pandas is needed here only).

        Columns: ``status``, ``probability``, ``gap``, ``objective_value``,
        ``certificate_margin``, then ``observational[ȳ]`` (``target[ȳ]`` for
        :func:`~discagg.solvers.ranges.reach`), ``interventional[ȳ]`` and
        ``certificate[ȳ]`` for each macro state ȳ of the effect (NaN where
        undefined), and ``realization`` (``{micro state: weight}``).

        Raises
        ------
        ImportError
            If pandas is not installed.
        """
        from discagg.report.frames import solution_frame

        return solution_frame(self)


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
