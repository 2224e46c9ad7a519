"""Inducing realizations and the range of a macro effect.

Over the realizations of ``x̄``, ``P(Ȳ | do(x̄))`` ranges over the convex hull of
the rows ``P(Ȳ | do(X = x))``, ``x ∈ π⁻¹(x̄)``. Hence, exactly:

* the largest gap ``TV(P(Ȳ | x̄), P(Ȳ | do(x̄)))`` is convex in the realization,
  so it is attained at a point mass (:func:`most_inducing`);
* bounds on ``P(Ȳ = ȳ | do(x̄))`` and on ``E[f(Ȳ) | do(x̄)]`` are linear, so they
  are the smallest and largest values over the fibre's micro states
  (:func:`effect_bounds`);
* a target distribution is reachable exactly when the gap LP to it is zero
  (:func:`reach`), with a certificate otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from discagg.core.aggregation import Aggregation, as_aggregation
from discagg.core.arrays import equal_values
from discagg.core.model import CausalModel
from discagg.errors import ModelError, SolverError
from discagg.report.short import compact, fit, plain, quoted
from discagg.solvers.gap_lp import inhibiting_vertex, min_gap, mixture
from discagg.solvers.inhibiting import verify_solution
from discagg.solvers.solution import Solution, StateSolution, per_supported_state
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["most_inducing", "reach", "effect_bounds", "StateBounds", "EffectBounds"]


def most_inducing(
    source: Aggregation | CausalModel,
    *,
    cause: str | None = None,
    effect: str | None = None,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
) -> Solution:
    """For each supported ``x̄``, the realization with the largest confounding gap.

    The status is ``"inducing"`` when that gap exceeds the tolerance, and
    ``"inhibiting"`` when every realization is inhibiting (all micro states of
    the fibre have ``P(Ȳ | do(X = x)) = P(Ȳ | x̄)``).

    Parameters
    ----------
    source : Aggregation or CausalModel
        The pair to work on; a model is paired by ``cause`` and ``effect``.
    cause, effect : str, optional
        With a model only: nodes or groups as :meth:`Aggregation.of` takes them
        (the CLI's syntax, e.g. ``"tub,lung:count=yes"``); default: the model's query.
    tolerance : Tolerance
        With a model only.

    Returns
    -------
    Solution

    Examples
    --------
    >>> from discagg import load_model
    >>> sol = most_inducing(Aggregation.of(load_model("data/shops.json")))
    >>> [(s.state, s.status, round(s.gap, 3)) for s in sol.states]
    [('0', 'inhibiting', 0.0), ('1', 'inducing', 0.526), ('2', 'inducing', 0.882), ('3', 'inducing', 0.806), ('4', 'inhibiting', 0.0)]
    """
    agg = as_aggregation(source, cause, effect, tolerance=tolerance)

    def largest_gap(k: int, name: str, probability: float, fibre: np.ndarray) -> StateSolution:
        K, o = agg.macro_kernel[fibre], agg.observational[k]
        gaps = 0.5 * np.abs(K - o).sum(axis=1)
        j = int(np.argmax(gaps))
        status = "inducing" if gaps[j] > agg.tolerance.equality else "inhibiting"
        return StateSolution(name, status, probability, fibre[[j]], np.ones(1), o, K[j].copy(), float(gaps[j]),
                             objective_value=float(gaps[j]))

    pi = agg.cause_map
    states = per_supported_state(agg, largest_gap)
    solution = Solution(agg.model.name, agg.cause, agg.effect, "max-gap", states, pi, agg.effect_map)
    verify_solution(agg, solution)
    return solution


def reach(
    source: Aggregation | CausalModel,
    targets: Mapping[str, np.ndarray | Sequence[float] | Mapping[str, float]],
    *,
    cause: str | None = None,
    effect: str | None = None,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
    progress: bool = False,
) -> Solution:
    """Realizations producing given ``P(Ȳ | do(x̄))``, or certificates that none does.

    Parameters
    ----------
    source : Aggregation or CausalModel
        The pair to work on; a model is paired by ``cause`` and ``effect``.
    targets : mapping of macro state to ``(|Ȳ|,)`` array-like or to mapping of str to float
        Target distributions over Ȳ, as arrays or, like a ``--target`` file, as
        ``{ȳ: p}`` (macro states of Ȳ left out get 0; checked as the file is:
        known states, non-negative, summing to one). Macro states left out are
        ``"untargeted"``; unsupported macro states may be targeted (an
        intervention needs no observational support).
    cause, effect : str, optional
        With a model only: nodes or groups as :meth:`Aggregation.of` takes them
        (the CLI's syntax, e.g. ``"tub,lung:count=yes"``); default: the model's query.
    tolerance : Tolerance
        With a model only.
    progress : bool
        Show a bar over the macro states on stderr when it is a terminal.

    Returns
    -------
    Solution
        Status ``"reachable"`` (a vertex realization with gap within tolerance)
        or ``"unreachable"`` (the realization closest to the target in TV, and a
        certificate); the JSON key of the target is ``"target"``.

    Examples
    --------
    >>> from discagg import load_model
    >>> sol = reach(load_model("example:cholesterol"), {"medium": {"no": 0.8, "yes": 0.2}})
    >>> [(s.state, s.status) for s in sol.states]
    [('low', 'untargeted'), ('medium', 'reachable'), ('high', 'untargeted')]
    """
    agg = as_aggregation(source, cause, effect, tolerance=tolerance)
    pi = agg.cause_map
    d = agg.effect_map.n_macro
    given: dict[str, Any] = dict(targets)
    named = {name: t for name, t in given.items() if isinstance(t, Mapping)}
    if named:  # keyed by name, as a --target file: the same check, the same messages
        from discagg.io.side_files import targets_from_mapping

        given.update(targets_from_mapping(named, pi.macro_states, agg.effect_map.macro_states,
                                          tolerance=agg.tolerance))
    for name, target in given.items():
        pi.macro_index(name)
        if np.shape(target) != (d,):
            raise ModelError(None, f"target.{name}", f"a distribution over the {d} macro states of "
                             f"{agg.effect!r}", f"shape {np.shape(target)}")
    from discagg.progress import progress as bar

    states = []
    for k, name in bar(enumerate(pi.macro_states), total=pi.n_macro, description="macro states", enabled=progress):
        probability = float(agg.p_macro[k])
        if name not in given:
            states.append(StateSolution(name, "untargeted", probability))
            continue
        fibre = pi.fibre(k)
        K, t = agg.macro_kernel[fibre], np.asarray(given[name], dtype=np.float64)
        lp = min_gap(K, t, agg.tolerance)
        if lp.gap > agg.tolerance.equality:
            if not 2.0 * lp.bound > agg.tolerance.equality:
                raise SolverError(f"macro state {name!r}: target gap {lp.gap!r} but no certificate separating by "
                                  f"more than the tolerance (bound {lp.bound!r})")
            states.append(StateSolution(name, "unreachable", probability, fibre[lp.support], lp.weights, t,
                                        mixture(K, lp.support, lp.weights), lp.gap, lp.certificate, 2.0 * lp.bound))
            continue
        support, weights = inhibiting_vertex(K, t, lp)
        reached = mixture(K, support, weights)
        states.append(StateSolution(name, "reachable", probability, fibre[support], weights, t, reached,
                                    0.5 * float(np.abs(reached - t).sum())))
    solution = Solution(agg.model.name, agg.cause, agg.effect, "target", tuple(states), pi, agg.effect_map,
                        target_key="target")
    verify_solution(agg, solution)
    return solution


@dataclass(frozen=True, eq=False)
class StateBounds:
    """Range of the macro effect of one ``x̄`` over all its realizations.

    Attributes
    ----------
    state : str
    probability : float
    observational : (d,) ndarray or None
        ``P(Ȳ | x̄)`` (None when unsupported).
    lower, upper : (d,) ndarray
        Bounds on ``P(Ȳ = ȳ | do(x̄))``.
    lower_at, upper_at : (d,) ndarray of int
        Micro states (indices of the cause) attaining them as point masses.
    expectation : tuple of float or None
        ``(lower, upper)`` of ``E[f(Ȳ) | do(x̄)]`` when ``f`` is given.
    expectation_at : tuple of int or None
    observational_expectation : float or None
        ``E[f(Ȳ) | x̄]``.
    cause_states, effect_states : tuple of str
        The names of the cause's micro states (what ``lower_at``, ``upper_at``
        and ``expectation_at`` index) and of the effect's macro states (the
        entries of ``lower`` and ``upper``); :class:`EffectBounds` fills them in.

    Examples
    --------
    >>> from discagg import load_model
    >>> medium = effect_bounds(load_model("example:cholesterol"), f={"no": 0.0, "yes": 1.0}).states[1]
    >>> medium
    StateBounds(state='medium', P=0.545, widest 0.31, E[f] in [0.13, 0.44])
    >>> [round(p, 3) for p in medium.bounds_by_state["yes"]]
    [0.13, 0.44]
    >>> medium.attained_by_state["yes"]
    ('LDLlo_HDLhi', 'LDLhi_HDLlo')
    """

    state: str
    probability: float
    observational: np.ndarray | None
    lower: np.ndarray
    upper: np.ndarray
    lower_at: np.ndarray
    upper_at: np.ndarray
    expectation: tuple[float, float] | None = None
    expectation_at: tuple[int, int] | None = None
    observational_expectation: float | None = None
    cause_states: tuple[str, ...] = field(default=(), repr=False)
    effect_states: tuple[str, ...] = field(default=(), repr=False)

    def __repr__(self) -> str:
        rest = [f"P={compact(self.probability)}"]
        if len(self.lower):
            rest.append(f"widest {compact(float(np.max(self.upper - self.lower)))}")
        if self.expectation is not None:
            rest.append(f"E[f] in [{compact(self.expectation[0])}, {compact(self.expectation[1])}]")
        return fit(lambda w: f"StateBounds(state={quoted(self.state, w)}, {', '.join(rest)})")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StateBounds):
            return NotImplemented
        return all(equal_values(getattr(self, name), getattr(other, name)) for name in _BOUNDS_FIELDS)

    __hash__ = None  # type: ignore[assignment]  # unhashable; typeshed types __hash__ as a method

    def _check_names(self) -> None:
        if len(self.effect_states) != len(self.lower) or not self.cause_states:
            raise ValueError("these StateBounds carry no state names (an EffectBounds fills them in)")

    @property
    def bounds_by_state(self) -> dict[str, tuple[float, float]]:
        """``{ȳ: (lower, upper)}``: the range of ``P(Ȳ = ȳ | do(x̄))`` over the realizations."""
        self._check_names()
        return {y: (float(lo), float(hi)) for y, lo, hi in zip(self.effect_states, self.lower, self.upper)}

    @property
    def attained_by_state(self) -> dict[str, tuple[str, str]]:
        """``{ȳ: (micro state, micro state)}``: the point masses attaining the lower and upper bound."""
        self._check_names()
        x = self.cause_states
        return {y: (x[int(i)], x[int(j)]) for y, i, j in zip(self.effect_states, self.lower_at, self.upper_at)}

    @property
    def observational_by_state(self) -> dict[str, float] | None:
        """``P(Ȳ | x̄)`` as ``{ȳ: p}`` (None when ``x̄`` is unsupported)."""
        if self.observational is None:
            return None
        self._check_names()
        return {y: float(p) for y, p in zip(self.effect_states, self.observational)}

    @property
    def expectation_attained(self) -> tuple[str, str] | None:
        """The micro states attaining the bounds on ``E[f(Ȳ) | do(x̄)]`` (None without ``f``)."""
        if self.expectation_at is None:
            return None
        self._check_names()
        return self.cause_states[self.expectation_at[0]], self.cause_states[self.expectation_at[1]]


_BOUNDS_FIELDS = ("state", "probability", "observational", "lower", "upper", "lower_at", "upper_at", "expectation",
                  "expectation_at", "observational_expectation", "cause_states", "effect_states")


@dataclass(frozen=True, eq=False)
class EffectBounds:
    """Ambiguity intervals of the macro causal effect, per macro state of the cause.

    ``print(bounds)`` shows the table ``discagg bounds`` prints; in a notebook it
    is an HTML table; :meth:`to_frame` gives a pandas DataFrame.

    Attributes
    ----------
    model, cause, effect : str
    states : tuple of StateBounds
        One per macro state of the cause, in the coarsening's order.
    micro_states : tuple of str
        The cause's micro states.
    effect_macro : tuple of str
        The effect's macro states.
    f : ``(|Ȳ|,)`` ndarray or None
        The values whose expectation is bounded.

    Examples
    --------
    >>> from discagg import load_model
    >>> effect_bounds(load_model("example:cholesterol"), f=[0.0, 1.0])
    EffectBounds(model='cholesterol', Lipids -> HeartDisease, 3 macro states, with f)
    """

    model: str
    cause: str
    effect: str
    states: tuple[StateBounds, ...]
    micro_states: tuple[str, ...] = field(repr=False)
    effect_macro: tuple[str, ...] = field(repr=False)
    f: np.ndarray | None = None

    def __post_init__(self) -> None:
        x, y = self.micro_states, self.effect_macro
        states = tuple(s if s.cause_states is x and s.effect_states is y
                       else replace(s, cause_states=x, effect_states=y) for s in self.states)
        object.__setattr__(self, "states", states)

    def __repr__(self) -> str:
        end = f"{len(self.states)} macro states" + (", with f)" if self.f is not None else ")")
        return fit(lambda w: f"EffectBounds(model={quoted(self.model, w)}, {plain(self.cause, w)} -> "
                   f"{plain(self.effect, w)}, {end}")

    def __str__(self) -> str:
        from discagg.report.tables import as_text, bounds_table

        return as_text(bounds_table(self))

    def _repr_html_(self) -> str:
        from discagg.report.tables import as_html, bounds_table

        return as_html(bounds_table(self))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EffectBounds):
            return NotImplemented
        return (self.model == other.model and self.cause == other.cause and self.effect == other.effect
                and self.micro_states == other.micro_states and self.effect_macro == other.effect_macro
                and equal_values(self.f, other.f) and self.states == other.states)

    __hash__ = None  # type: ignore[assignment]  # unhashable; typeshed types __hash__ as a method

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> EffectBounds:
        """The EffectBounds whose :meth:`to_dict` (``discagg bounds --json``) is ``document``.

        Raises
        ------
        ModelError
            Naming the key path of the first entry that is not as :meth:`to_dict` writes it.
        """
        from discagg.solvers.saved import bounds_from_dict

        return bounds_from_dict(document)

    def to_frame(self) -> pd.DataFrame:
        """The table of ``discagg bounds`` as a pandas DataFrame (pandas is needed here only).

        Rows indexed by ``(xbar, quantity)``, ``quantity`` being ``P(ȳ)`` for
        each macro state of the effect and ``E[f]`` when ``f`` was given;
        columns ``probability`` (``P(x̄)``), ``lower``, ``upper``, ``width``,
        ``observational``, ``lower_at``, ``upper_at`` (micro states).

        Raises
        ------
        ImportError
            If pandas is not installed.
        """
        from discagg.report.frames import bounds_frame

        return bounds_frame(self)

    def to_dict(self) -> dict[str, Any]:
        """The ``discagg bounds --json`` document."""
        micro, ys = self.micro_states, self.effect_macro
        entries = []
        for s in self.states:
            entry: dict[str, Any] = {"state": s.state, "probability": s.probability}
            if s.observational is not None:
                entry["observational"] = {y: float(v) for y, v in zip(ys, s.observational)}
            entry["bounds"] = {
                y: {"lower": float(s.lower[j]), "upper": float(s.upper[j]),
                    "lower_at": micro[s.lower_at[j]], "upper_at": micro[s.upper_at[j]]}
                for j, y in enumerate(ys)
            }
            if s.expectation is not None and s.expectation_at is not None:
                entry["expectation"] = {
                    "lower": s.expectation[0], "upper": s.expectation[1],
                    "lower_at": micro[s.expectation_at[0]], "upper_at": micro[s.expectation_at[1]],
                    "observational": s.observational_expectation,
                }
            entries.append(entry)
        return {"model": self.model, "cause": self.cause, "effect": self.effect,
                "f": None if self.f is None else {y: float(v) for y, v in zip(ys, self.f)},
                "macro_states": entries, "cause_micro_states": list(micro), "effect_macro_states": list(ys)}


def effect_bounds(
    source: Aggregation | CausalModel,
    f: Sequence[float] | np.ndarray | Mapping[str, float] | None = None,
    *,
    cause: str | None = None,
    effect: str | None = None,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
) -> EffectBounds:
    """Bounds, over all realizations, on ``P(Ȳ = ȳ | do(x̄))`` and ``E[f(Ȳ) | do(x̄)]``.

    Parameters
    ----------
    source : Aggregation or CausalModel
        The pair to work on; a model is paired by ``cause`` and ``effect``.
    f : ``(|Ȳ|,)`` array-like or mapping of str to float, optional
        A value for each macro state of the effect; as a mapping, keyed by the
        macro states' names like an ``--f`` file, and checked as one is.
    cause, effect : str, optional
        With a model only: nodes or groups as :meth:`Aggregation.of` takes them
        (the CLI's syntax, e.g. ``"tub,lung:count=yes"``); default: the model's query.
    tolerance : Tolerance
        With a model only.

    Returns
    -------
    EffectBounds
        Every macro state of the cause, supported or not.

    Examples
    --------
    >>> from discagg import load_model
    >>> b = effect_bounds(Aggregation.of(load_model("data/cholesterol.json")), f=[0.0, 1.0])
    >>> medium = b.states[1]
    >>> [round(v, 3) for v in medium.expectation]     # P(disease | do(medium)) over realizations
    [0.13, 0.44]
    >>> effect_bounds(load_model("net:asia"), cause="smoke", effect="dysp").states[0].probability
    0.5
    """
    agg = as_aggregation(source, cause, effect, tolerance=tolerance)
    pi = agg.cause_map
    d = agg.effect_map.n_macro
    values = None
    if isinstance(f, Mapping):  # keyed by name, as an --f file: the same check, the same messages
        from discagg.io.side_files import values_from_mapping

        values = values_from_mapping(f, agg.effect_map.macro_states, f"macro state of {agg.effect!r}")
    elif f is not None:
        values = np.asarray(f, dtype=np.float64)
        if values.shape != (d,) or not np.isfinite(values).all():
            raise ModelError(None, "f", f"{d} finite numbers, one per macro state of {agg.effect!r}",
                             f"shape {values.shape}")
    states = []
    for k, name in enumerate(pi.macro_states):
        fibre = pi.fibre(k)
        K = agg.macro_kernel[fibre]
        lo, hi = K.argmin(axis=0), K.argmax(axis=0)
        cols = np.arange(d)
        observational = agg.observational[k].copy() if agg.supported[k] else None
        expectation = expectation_at = observed_value = None
        if values is not None:
            scores = K @ values
            i, j = int(scores.argmin()), int(scores.argmax())
            expectation = (float(scores[i]), float(scores[j]))
            expectation_at = (int(fibre[i]), int(fibre[j]))
            observed_value = None if observational is None else float(observational @ values)
        states.append(StateBounds(name, float(agg.p_macro[k]), observational, K[lo, cols].copy(),
                                  K[hi, cols].copy(), fibre[lo], fibre[hi], expectation, expectation_at,
                                  observed_value))
    return EffectBounds(agg.model.name, agg.cause, agg.effect, tuple(states), pi.micro_states,
                        agg.effect_map.macro_states, values)
