"""Which realization did a macro experiment use? Maximum likelihood over the fibre, and a test of inhibition.

A macro experiment sets ``do(X̄ = x̄)`` in each run by some micro
implementation ``q`` (a realization) that nobody wrote down. Its outcomes follow
the mixture ``Σ_x q(x) P(O | do(X = x))`` with components known from the model,
where ``O`` is what the experiment records: the effect's micro state (its node,
or every node of its group) or its macro state. Per macro state, :func:`identify`
reports

- ``realization``: the maximum-likelihood ``q`` (:mod:`~discagg.estimation.mixture`;
  the one of largest entropy when several are);
- ``identified``: whether the experiment determines ``q`` at all: the fibre's
  rows ``P(O | do(X = x))`` are affinely independent (a property of the model
  and of what is recorded; with enough runs the maximum-likelihood ``q`` is then
  unique);
- ``ranges``: each weight's smallest and largest value over all
  maximum-likelihood realizations (points when the data single ``q`` out);
- ``interventional``: ``P(Ȳ | do(x̄))`` under that ``q``, and ``observational``,
  the model's ``P(Ȳ | x̄)``;
- ``inhibiting_test``: the likelihood-ratio (G) test of "the experiment's
  ``P(Ȳ | do(x̄))`` equals ``P(Ȳ | x̄)``" (the realization was
  confounding-inhibiting), against any distribution of ``Ȳ``:
  ``G = 2 Σ_ȳ c_ȳ log(c_ȳ / (n P(ȳ | x̄)))``, asymptotically χ² with (number
  of ȳ with ``P(ȳ | x̄) > 0``) − 1 degrees of freedom under the hypothesis. The
  model is taken as known.

When the experiment also records the cause's micro state, the realization is
observed directly: ``q`` is the runs' frequency of each micro state.

The experiment's data (CSV, Parquet or a DataFrame, read as in
:mod:`~discagg.estimation.datasets`) have a column named after the cause (its
node or group name; ``A+B`` for a group written inline as ``A,B:MAP``) holding
the macro state of each run, and either the effect's micro columns or one
column named after the effect holding macro states. For a single-node cause,
its one column is read as macro states, or as micro states (the realization
observed) when every value is one and some value is not a macro state. For a
single-node effect, its column is read as micro states when every value is one,
else as macro states. Other columns are ignored (with a warning).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from discagg.core.aggregation import Aggregation, as_aggregation
from discagg.core.model import CausalModel
from discagg.errors import ModelError, preview
from discagg.estimation.datasets import DataTable, read_table
from discagg.estimation.mixture import ImpossibleOutcome, affinely_independent, ml_realization
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["InhibitingTest", "StateIdentification", "Identification", "Experiment", "identify", "read_experiment",
           "g_test", "g_statistics"]


@dataclass(frozen=True)
class InhibitingTest:
    """The likelihood-ratio test of ``P(Ȳ | do(x̄)) = P(Ȳ | x̄)`` on an experiment's runs.

    Attributes
    ----------
    statistic : float
        ``G``; ``inf`` when a run shows a ``ȳ`` with ``P(ȳ | x̄) = 0``.
    df : int
    p_value : float
    """

    statistic: float
    df: int
    p_value: float

    def to_dict(self) -> dict[str, Any]:
        """``{"statistic", "df", "p_value"}`` (an infinite statistic is ``null``)."""
        return {"statistic": self.statistic if math.isfinite(self.statistic) else None, "df": self.df,
                "p_value": self.p_value}


def g_statistics(counts: np.ndarray, observational: np.ndarray, support: float = DEFAULT_TOLERANCE.support
                 ) -> tuple[np.ndarray, int]:
    """The G statistics of many count vectors against one distribution, and the degrees of freedom.

    Parameters
    ----------
    counts : (..., d) array-like
        Counts of the macro states of the effect (one experiment per row).
    observational : (d,) array-like
        ``P(Ȳ | x̄)``.
    support : float
        Probabilities at or below it count as zero.

    Returns
    -------
    statistics : (...) ndarray
        ``inf`` where a count falls on a zero-probability state.
    df : int

    Examples
    --------
    >>> g, df = g_statistics(np.array([[50, 50], [60, 40]]), np.array([0.5, 0.5]))
    >>> g.round(4).tolist(), df
    ([0.0, 4.0271], 1)
    """
    counts = np.asarray(counts, dtype=np.float64)
    o = np.asarray(observational, dtype=np.float64)
    possible = o > support
    n = counts.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(counts > 0, counts * np.log(counts / (n * np.where(possible, o, 1.0))), 0.0)
    statistics = 2.0 * terms.sum(axis=-1)
    statistics = np.where(((counts > 0) & ~possible).any(axis=-1), np.inf, np.maximum(statistics, 0.0))
    return statistics, int(possible.sum()) - 1


def g_test(counts: np.ndarray, observational: np.ndarray, support: float = DEFAULT_TOLERANCE.support
           ) -> InhibitingTest:
    """The G test of one experiment's macro effect counts against ``P(Ȳ | x̄)``.

    Examples
    --------
    >>> t = g_test(np.array([60, 40]), np.array([0.5, 0.5]))
    >>> round(t.statistic, 4), t.df, round(t.p_value, 4)
    (4.0271, 1, 0.0448)
    """
    from scipy.special import chdtrc  # the χ² survival function (what scipy.stats.chi2.sf computes)

    statistics, df = g_statistics(counts, observational, support)
    statistic = float(statistics)
    if not math.isfinite(statistic):
        return InhibitingTest(statistic, df, 0.0)
    return InhibitingTest(statistic, df, 1.0 if df == 0 else float(chdtrc(df, statistic)))


@dataclass(frozen=True)
class StateIdentification:
    """What an experiment tells about one macro state of the cause.

    Attributes
    ----------
    state : str
    samples : int
        Runs of the experiment with this macro state.
    realization : mapping of str to float, or None
        The maximum-likelihood (or observed) realization, micro states of
        positive weight only; None without runs.
    identified : bool
        The experiment's records determine the realization (affinely independent
        rows ``P(O | do(X = x))`` over the fibre; always true when the cause's
        micro state is recorded).
    ranges : mapping of str to (float, float), or None
        Every micro state's weight range over all maximum-likelihood realizations.
    interventional, observational : mapping of str to float, or None
        ``P(Ȳ | do(x̄))`` under the realization; the model's ``P(Ȳ | x̄)`` (None
        when ``P(x̄) = 0``).
    inhibiting_test : InhibitingTest or None
    observed : bool
        The realization was read from the cause's micro columns.
    kkt_residual : float or None
        ``max_x g_x - 1`` of the maximum-likelihood answer (see
        :mod:`~discagg.estimation.mixture`).
    """

    state: str
    samples: int
    realization: Mapping[str, float] | None
    identified: bool
    ranges: Mapping[str, tuple[float, float]] | None
    interventional: Mapping[str, float] | None
    observational: Mapping[str, float] | None
    inhibiting_test: InhibitingTest | None
    observed: bool = False
    kkt_residual: float | None = None

    def __eq__(self, other: object) -> bool:
        """Equal in every field but ``kkt_residual`` (a diagnostic of the solver, not in the ``--json`` entry)."""
        if not isinstance(other, StateIdentification):
            return NotImplemented
        compared = ("state", "samples", "realization", "identified", "ranges", "interventional", "observational",
                    "inhibiting_test", "observed")
        return all(getattr(self, name) == getattr(other, name) for name in compared)

    def __hash__(self) -> int:
        """Of the fields that are hashable (and compared by ``==``)."""
        return hash((self.state, self.samples, self.identified, self.observed))

    def to_dict(self) -> dict[str, Any]:
        """The JSON entry of this macro state."""
        return {"state": self.state, "samples": self.samples,
                "realization": None if self.realization is None else dict(self.realization),
                "identified": self.identified,
                "ranges": None if self.ranges is None else {x: [lo, hi] for x, (lo, hi) in self.ranges.items()},
                "interventional": None if self.interventional is None else dict(self.interventional),
                "observational": None if self.observational is None else dict(self.observational),
                "inhibiting_test": None if self.inhibiting_test is None else self.inhibiting_test.to_dict()}


@dataclass(frozen=True)
class Identification:
    """The result of :func:`identify`.

    Attributes
    ----------
    model, cause, effect, experiment : str
    records : str
        What the runs record: ``"micro effect"`` or ``"macro effect"``, and
        ``" and micro cause"`` when the realization is observed.
    level : float
        The test's decisions in the table are at significance ``1 - level``.
    states : tuple of StateIdentification
    effect_macro : tuple of str
    """

    model: str
    cause: str
    effect: str
    experiment: str
    records: str
    level: float
    states: tuple[StateIdentification, ...]
    effect_macro: tuple[str, ...]

    def __repr__(self) -> str:
        return (f"Identification(model={self.model!r}, cause={self.cause!r}, effect={self.effect!r}, "
                f"experiment={self.experiment!r}, states={[s.state for s in self.states]})")

    def state(self, name: str) -> StateIdentification:
        """The entry of macro state ``name``."""
        for s in self.states:
            if s.state == name:
                return s
        raise KeyError(name)

    def __str__(self) -> str:
        """The table ``discagg identify`` prints."""
        from discagg.report.identification import render_identification

        return render_identification(self)

    def _repr_html_(self) -> str:
        from discagg.report.identification import identification_html

        return identification_html(self)

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Identification:
        """The Identification whose :meth:`to_dict` (``discagg identify --json``) is ``document``.

        ``kkt_residual`` is not in the document and reads back as None.

        Raises
        ------
        ModelError
            Naming the key path of the first entry that is not as :meth:`to_dict` writes it.
        """
        from discagg.estimation.saved import identification_from_dict

        return identification_from_dict(document)

    def to_dict(self) -> dict[str, Any]:
        """The ``discagg identify --json`` document."""
        return {"model": self.model, "cause": self.cause, "effect": self.effect, "experiment": self.experiment,
                "records": self.records, "level": self.level, "macro_states": [s.to_dict() for s in self.states]}


@dataclass(frozen=True, eq=False)
class Experiment:
    """An experiment's runs as codes.

    Attributes
    ----------
    macro : (n,) ndarray of intp
        The cause's macro state in every run.
    outcome : (n,) ndarray of intp
        The recorded effect state (micro or macro) in every run.
    micro_effect : bool
    micro_cause : (n,) ndarray of intp or None
        The cause's micro state, when recorded.
    """

    macro: np.ndarray
    outcome: np.ndarray
    micro_effect: bool
    micro_cause: np.ndarray | None


def _joint_codes(table: DataTable, agg: Aggregation, members: tuple[str, ...]) -> np.ndarray:
    model = agg.model
    codes = [table.codes(m, model.nodes[m].states, f"node {m!r}") for m in members]
    return np.ravel_multi_index(tuple(codes), tuple(model.cardinality(m) for m in members)).astype(np.intp)


def _single_column(table: DataTable, column: str, first: tuple[str, ...], second: tuple[str, ...],
                   what: tuple[str, str]) -> tuple[np.ndarray, int]:
    """Codes of a node's one column read as ``first`` states, or else as ``second`` (which = 0 or 1)."""
    codes = table.try_codes(column, first)
    if (codes >= 0).all():
        return codes, 0
    other = table.try_codes(column, second)
    if (other >= 0).all():
        return other, 1
    i = int(np.argmax(codes < 0))
    raise table.error(i, column, f"{what[0]} {preview(first)} (or, in every row, {what[1]} {preview(second)})",
                      table.describe_value(i, column))


def read_experiment(table: DataTable, agg: Aggregation) -> Experiment:
    """Read an experiment's runs for ``agg``'s cause and effect (see the module docstring for the columns).

    Raises
    ------
    ModelError
        A missing column, a missing or unknown value, micro and macro columns
        that disagree, or no runs; naming the file, row, column and value.
    """
    model = agg.model
    pi_x, pi_y = agg.cause_map, agg.effect_map
    cause_nodes, effect_nodes = model.members(agg.cause), model.members(agg.effect)
    columns = set(table.columns)
    if table.n_rows == 0:
        raise ModelError(table.source, None, "at least one run (data row)", "only the header")
    micro_cause = None
    if agg.cause in model.nodes:
        table.require([agg.cause], f"a column {agg.cause!r} with the macro state of the cause in each run")
        codes, which = _single_column(table, agg.cause, pi_x.macro_states, pi_x.micro_states,
                                      (f"a macro state of the cause {agg.cause!r}", "a micro state"))
        if which == 0:
            macro = codes
        else:
            micro_cause, macro = codes, pi_x.assignment[codes]
    else:
        have = [m for m in cause_nodes if m in columns]
        if have and len(have) != len(cause_nodes):
            raise ModelError(table.source, "columns", f"every node of the cause group {list(cause_nodes)} or none",
                             f"only {have}")
        if have:
            micro_cause = _joint_codes(table, agg, cause_nodes)
        if agg.cause in columns or micro_cause is None:
            table.require([agg.cause], f"a column {agg.cause!r} with the macro state of the cause in each run")
            macro = table.codes(agg.cause, pi_x.macro_states, f"the cause {agg.cause!r}")
            if micro_cause is not None:
                _agree(table, agg.cause, macro, pi_x.assignment[micro_cause], pi_x.macro_states, cause_nodes)
        else:
            macro = pi_x.assignment[micro_cause]
    if agg.effect in model.nodes:
        table.require([agg.effect], f"a column {agg.effect!r} with the effect's state in each run")
        outcome, which = _single_column(table, agg.effect, pi_y.micro_states, pi_y.macro_states,
                                        (f"a state of the effect {agg.effect!r}", "a macro state"))
        micro_effect = which == 0
    elif all(m in columns for m in effect_nodes):
        outcome, micro_effect = _joint_codes(table, agg, effect_nodes), True
        if agg.effect in columns:
            stated = table.codes(agg.effect, pi_y.macro_states, f"the effect {agg.effect!r}")
            _agree(table, agg.effect, stated, pi_y.assignment[outcome], pi_y.macro_states, effect_nodes)
    else:
        table.require([agg.effect], f"the effect's columns: every node of {list(effect_nodes)}, or a column "
                                    f"{agg.effect!r} of its macro states")
        outcome = table.codes(agg.effect, pi_y.macro_states, f"the effect {agg.effect!r}")
        micro_effect = False
    table.warn_unused({agg.cause, agg.effect, *cause_nodes, *effect_nodes}, "are neither the cause nor the effect")
    return Experiment(macro, outcome, micro_effect, micro_cause)


def _agree(table: DataTable, column: str, stated: np.ndarray, derived: np.ndarray, names: tuple[str, ...],
           nodes: tuple[str, ...]) -> None:
    wrong = stated != derived
    if wrong.any():
        i = int(np.argmax(wrong))
        raise table.error(i, column, f"the macro state {names[derived[i]]!r} of the micro state in the columns "
                          f"{list(nodes)}", table.describe_value(i, column))


def _named(names: tuple[str, ...], values: np.ndarray) -> dict[str, float]:
    return {name: float(v) for name, v in zip(names, values)}


def identify(
    model: CausalModel | Aggregation,
    experiment: str | os.PathLike[str] | pd.DataFrame,
    *,
    cause: str | None = None,
    effect: str | None = None,
    level: float = 0.95,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
) -> Identification:
    """Infer, per macro state of the cause, the realization a macro experiment used.

    Parameters
    ----------
    model : CausalModel or Aggregation
        The model (fitted or given) whose ``P(O | do(X = x))`` are the mixture's
        components.
    experiment : path-like or pandas.DataFrame
        The runs (see the module docstring for the columns).
    cause, effect : str, optional
        As :meth:`Aggregation.of <discagg.core.aggregation.Aggregation.of>`
        takes them; default: the model's query.
    level : float
        In (0, 1); the table's test decisions are at significance ``1 - level``.
    tolerance : Tolerance

    Returns
    -------
    Identification

    Raises
    ------
    ModelError
        Bad columns or values in the experiment (naming the file, row, column
        and value), an outcome the model makes impossible under every micro
        state of its macro state, or a bad ``level``.
    SolverError
        The maximum-likelihood solver did not reach its KKT certificate.

    Examples
    --------
    >>> import discagg, pandas as pd
    >>> m = discagg.load_model("example:cholesterol")
    >>> runs = pd.DataFrame({"Lipids": ["medium"] * 4, "HeartDisease": ["no", "yes", "no", "no"]})
    >>> result = identify(m, runs)
    >>> s = result.state("medium")
    >>> s.samples, s.identified, round(s.interventional["yes"], 6)
    (4, True, 0.25)
    """
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise ModelError(None, "level", "a number in (0, 1)", repr(level))
    agg = as_aggregation(model, cause, effect, tolerance=tolerance)
    table = read_table(experiment)
    runs = read_experiment(table, agg)
    return _identify(agg, runs, table.source, float(level))


def _identify(agg: Aggregation, runs: Experiment, source: str, level: float) -> Identification:
    pi_x, pi_y = agg.cause_map, agg.effect_map
    tolerance = agg.tolerance
    kernel = agg.kernel if runs.micro_effect else agg.macro_kernel
    outcomes = pi_y.micro_states if runs.micro_effect else pi_y.macro_states
    m, k_macro = kernel.shape[1], pi_x.n_macro
    samples = np.bincount(runs.macro, minlength=k_macro)
    counts = np.bincount(runs.macro * m + runs.outcome, minlength=k_macro * m).reshape(k_macro, m).astype(float)
    macro_counts = pi_y.push_forward(counts, axis=1) if runs.micro_effect else counts
    micro_counts = None if runs.micro_cause is None else np.bincount(runs.micro_cause, minlength=pi_x.n_micro)
    states = []
    for k, name in enumerate(pi_x.macro_states):
        fibre = pi_x.fibre(k)
        micro = [pi_x.micro_states[x] for x in fibre]
        observational = _named(pi_y.macro_states, agg.observational[k]) if agg.supported[k] else None
        identified = micro_counts is not None or affinely_independent(kernel[fibre], tolerance.equality)
        if samples[k] == 0:
            states.append(StateIdentification(name, 0, None, identified, None, None, observational, None,
                                              observed=micro_counts is not None))
            continue
        residual = None
        if micro_counts is not None:
            weights = micro_counts[fibre] / samples[k]
            lower = upper = weights
        else:
            try:
                estimate = ml_realization(kernel[fibre], counts[k], tolerance)
            except ImpossibleOutcome as exc:
                raise ModelError(source, f"runs with {agg.cause} = {name}",
                                 f"outcomes that some micro state of {name!r} can produce under the model",
                                 f"{agg.effect} = {outcomes[exc.outcome]!r}, which has probability 0 under "
                                 f"do({agg.cause} = x) for every x in the fibre {preview(micro)}") from None
            weights, lower, upper, residual = estimate.weights, estimate.lower, estimate.upper, estimate.kkt_residual
        realization = {x: float(w) for x, w in zip(micro, weights) if w > tolerance.support}
        ranges = {x: (float(lo), float(hi)) for x, lo, hi in zip(micro, lower, upper)}
        interventional = _named(pi_y.macro_states, weights @ agg.macro_kernel[fibre])
        test = g_test(macro_counts[k], agg.observational[k], tolerance.support) if agg.supported[k] else None
        states.append(StateIdentification(name, int(samples[k]), realization, identified, ranges, interventional,
                                          observational, test, observed=micro_counts is not None,
                                          kkt_residual=residual))
    records = ("micro effect" if runs.micro_effect else "macro effect") + (
        " and micro cause" if runs.micro_cause is not None else "")
    return Identification(agg.model.name, agg.cause, agg.effect, source, records, level, tuple(states),
                          pi_y.macro_states)
