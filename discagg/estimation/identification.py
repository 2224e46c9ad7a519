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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from discagg.core.aggregation import Aggregation, as_aggregation
from discagg.core.model import CausalModel
from discagg.errors import ModelError, preview
from discagg.estimation.datasets import DataTable, read_table, require_pandas
from discagg.estimation.mixture import ImpossibleOutcome, affinely_independent, ml_realization
from discagg.report.short import fit, plain, quoted
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["InhibitingTest", "StateIdentification", "Identification", "Identifications", "Experiment", "identify",
           "identify_experiments", "read_experiment", "g_test", "g_statistics", "CHUNKS"]


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
        :mod:`~discagg.estimation.mixture`); None when no maximum-likelihood
        problem was solved (no runs, or the realization observed).
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

    def __hash__(self) -> int:
        """Of the fields that are hashable (``==`` compares every field)."""
        return hash((self.state, self.samples, self.identified, self.observed))

    def __repr__(self) -> str:
        """One line: the state, its runs, whether the realization is identified (or observed), the test's p-value.

        Its length does not grow with the fibre or the effect's states.

        >>> StateIdentification("low", 40, {"a": 1.0}, True, None, None, {"no": 1.0}, InhibitingTest(5.2, 1, 0.0226))
        StateIdentification(state='low', 40 runs, identified, inhibiting test p=0.0226)
        >>> StateIdentification("high", 0, None, False, None, None, None, None)
        StateIdentification(state='high', no runs, not identified, no test (P(xbar) = 0))
        """
        runs = "no runs" if not self.samples else f"{self.samples} run{'' if self.samples == 1 else 's'}"
        known = "observed" if self.observed else "identified" if self.identified else "not identified"
        if self.inhibiting_test is not None:
            test = f"inhibiting test p={self.inhibiting_test.p_value:.4g}"
        elif self.observational is None:
            test = "no test (P(xbar) = 0)"
        else:
            test = "no test"
        return fit(lambda width: f"StateIdentification(state={quoted(self.state, width)}, {runs}, {known}, {test})")

    def to_dict(self) -> dict[str, Any]:
        """The JSON entry of this macro state."""
        return {"state": self.state, "samples": self.samples,
                "realization": None if self.realization is None else dict(self.realization),
                "identified": self.identified,
                "ranges": None if self.ranges is None else {x: [lo, hi] for x, (lo, hi) in self.ranges.items()},
                "interventional": None if self.interventional is None else dict(self.interventional),
                "observational": None if self.observational is None else dict(self.observational),
                "inhibiting_test": None if self.inhibiting_test is None else self.inhibiting_test.to_dict(),
                "kkt_residual": self.kkt_residual}


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
    by : (str, str) or None
        The column and the value that picked this experiment's runs out of
        ``experiment`` (:func:`identify_experiments` with ``by``).
    """

    model: str
    cause: str
    effect: str
    experiment: str
    records: str
    level: float
    states: tuple[StateIdentification, ...]
    effect_macro: tuple[str, ...]
    by: tuple[str, str] | None = None

    def __repr__(self) -> str:
        """One line: the query, the experiment, how many macro states are identified and how many reject inhibition.

        >>> from discagg.estimation.identification import InhibitingTest as T, StateIdentification as S
        >>> Identification("cholesterol", "Lipids", "HeartDisease", "runs.csv", "macro effect", 0.95,
        ...                (S("low", 40, {"a": 1.0}, True, None, None, {"no": 1.0}, T(5.2, 1, 0.02)),
        ...                 S("high", 0, None, True, None, None, {"no": 1.0}, None)), ("no",))
        Identification(model='cholesterol', Lipids -> HeartDisease, experiment 'runs.csv': 2 macro states, 1 with runs, 1 identified, inhibition rejected for 1 at 0.05)
        """
        where = "" if self.by is None else f" ({self.by[0]} = {self.by[1]!r})"
        run = [s for s in self.states if s.samples]
        known = sum(1 for s in run if s.identified or s.observed)
        alpha = 1 - self.level
        rejected = sum(1 for s in run if s.inhibiting_test is not None and s.inhibiting_test.p_value < alpha)
        return (f"Identification(model={self.model!r}, {self.cause} -> {self.effect}, experiment "
                f"{self.experiment!r}{where}: {len(self.states)} macro state{'s' if len(self.states) != 1 else ''}, "
                f"{len(run)} with runs, {known} identified, inhibition rejected for {rejected} at {alpha:.3g})")

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

        A document without ``kkt_residual`` entries (written before they were
        added) reads back with ``kkt_residual`` None.

        Raises
        ------
        ModelError
            Naming the key path of the first entry that is not as :meth:`to_dict` writes it.
        """
        from discagg.estimation.saved import identification_from_dict

        return identification_from_dict(document)

    def to_dict(self) -> dict[str, Any]:
        """The ``discagg identify --json`` document.

        It has ``"by": {"column", "value"}`` after ``"experiment"`` when the
        runs were picked by a column.
        """
        doc: dict[str, Any] = {"model": self.model, "cause": self.cause, "effect": self.effect,
                               "experiment": self.experiment}
        if self.by is not None:
            doc["by"] = {"column": self.by[0], "value": self.by[1]}
        doc.update({"records": self.records, "level": self.level,
                    "macro_states": [s.to_dict() for s in self.states]})
        return doc


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

    def subset(self, rows: np.ndarray) -> Experiment:
        """The runs selected by a boolean mask."""
        return Experiment(self.macro[rows], self.outcome[rows], self.micro_effect,
                          None if self.micro_cause is None else self.micro_cause[rows])


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


def read_experiment(table: DataTable, agg: Aggregation, also_used: Iterable[str] = ()) -> Experiment:
    """Read an experiment's runs for ``agg``'s cause and effect (see the module docstring for the columns).

    ``also_used`` are columns read elsewhere (not warned about as ignored).

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
    table.warn_unused({agg.cause, agg.effect, *cause_nodes, *effect_nodes, *also_used},
                      "are neither the cause nor the effect")
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
    scheduler: str | None = None,
    chunk_size: int | None = None,
    progress: bool = False,
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
    scheduler : str, optional
        Where the macro states are worked on (:func:`discagg.parallel.map_chunks`):
        ``None``/``"local"``, ``"sequential"`` or a ``dask.distributed`` address.
        The answer does not depend on it.
    chunk_size : int, optional
        Macro states per unit of work (default: the work in about
        :data:`CHUNKS` chunks). The answer does not depend on it.
    progress : bool
        A bar over the chunks on stderr, when it is a terminal.

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
    _check_level(level)
    agg = as_aggregation(model, cause, effect, tolerance=tolerance)
    table = read_table(experiment)
    runs = read_experiment(table, agg)
    (result,) = _identify_all(agg, [(runs, table.source, None)], float(level), scheduler, chunk_size, progress)
    return result


@dataclass(frozen=True)
class Identifications:
    """The result of :func:`identify_experiments`: one :class:`Identification` per experiment, in order.

    Attributes
    ----------
    model, cause, effect : str
    level : float
    experiments : tuple of Identification
        In the order given (and, within a file split ``by`` a column, in the
        order in which its values first appear).
    """

    model: str
    cause: str
    effect: str
    level: float
    experiments: tuple[Identification, ...]

    def __repr__(self) -> str:
        """One line: the query, how many experiments, and in how many of the tests (one per experiment and
        macro state with runs and ``P(x̄) > 0``) inhibition is rejected.

        >>> from discagg.estimation.identification import InhibitingTest as T, StateIdentification as S
        >>> one = Identification("cholesterol", "Lipids", "HeartDisease", "runs.csv", "macro effect", 0.95,
        ...                      (S("low", 40, {"a": 1.0}, True, None, None, {"no": 1.0}, T(5.2, 1, 0.02)),), ("no",))
        >>> Identifications("cholesterol", "Lipids", "HeartDisease", 0.95, (one, one))
        Identifications(model='cholesterol', Lipids -> HeartDisease, 2 experiments, inhibition rejected in 2 of 2 at 0.05)
        """
        alpha = 1 - self.level
        tests = [s.inhibiting_test for e in self.experiments for s in e.states if s.inhibiting_test is not None]
        tested, rejected = len(tests), sum(1 for t in tests if t.p_value < alpha)
        n = len(self.experiments)

        def make(width: int) -> str:
            return (f"Identifications(model={quoted(self.model, width)}, {plain(self.cause, width)} -> "
                    f"{plain(self.effect, width)}, {n} experiment{'' if n == 1 else 's'}, inhibition rejected in "
                    f"{rejected} of {tested} at {alpha:.3g})")

        return fit(make)

    def __str__(self) -> str:
        """The table ``discagg identify`` prints for several experiments."""
        from discagg.report.identification import render_identifications

        return render_identifications(self)

    def _repr_html_(self) -> str:
        from discagg.report.identification import identifications_html

        return identifications_html(self)

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Identifications:
        """The Identifications whose :meth:`to_dict` (``discagg identify --json`` of several experiments) is ``document``.

        Raises
        ------
        ModelError
            Naming the key path of the first entry that is not as :meth:`to_dict`
            writes it (``experiments[1].macro_states[0].samples``, ...).
        """
        from discagg.estimation.saved import identifications_from_dict

        return identifications_from_dict(document)

    def __len__(self) -> int:
        return len(self.experiments)

    def __iter__(self) -> Iterator[Identification]:
        return iter(self.experiments)

    def __getitem__(self, index: int) -> Identification:
        return self.experiments[index]

    def to_dict(self) -> dict[str, Any]:
        """The ``discagg identify --json`` document of several experiments."""
        return {"model": self.model, "cause": self.cause, "effect": self.effect, "level": self.level,
                "experiments": [e.to_dict() for e in self.experiments]}


def identify_experiments(
    model: CausalModel | Aggregation,
    experiments: str | os.PathLike[str] | pd.DataFrame | Sequence[str | os.PathLike[str] | pd.DataFrame]
    | Mapping[str, str | os.PathLike[str] | pd.DataFrame],
    *,
    by: str | None = None,
    cause: str | None = None,
    effect: str | None = None,
    level: float = 0.95,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
    scheduler: str | None = None,
    chunk_size: int | None = None,
    progress: bool = False,
) -> Identifications:
    """:func:`identify` for many experiments at once: several files, or one file's runs split by a column.

    Every experiment is identified on its own (its own realization per macro
    state and its own test), against the same model. The work, one unit per
    experiment and macro state, runs through :func:`discagg.parallel.map_chunks`.

    Parameters
    ----------
    model : CausalModel or Aggregation
    experiments : path-like, DataFrame, or a sequence or mapping of them
        The experiments' runs; a mapping names each DataFrame by its key
        (a sequence of DataFrames names them ``DataFrame 1``, ``DataFrame 2``...).
    by : str, optional
        A column that says which experiment each run belongs to (a store, a
        region, a repetition): each file is split by its values, in order of
        first appearance. Every run needs a value.
    cause, effect : str, optional
        As :func:`identify`.
    level : float
        As :func:`identify`.
    tolerance : Tolerance
        As :func:`identify`.
    scheduler : str, optional
        As :func:`identify`: where the experiments' macro states run.
    chunk_size : int, optional
        As :func:`identify`.
    progress : bool
        As :func:`identify`.

    Returns
    -------
    Identifications

    Examples
    --------
    >>> import discagg, pandas as pd
    >>> m = discagg.load_model("example:cholesterol")
    >>> runs = pd.DataFrame({"store": ["a", "a", "b"], "Lipids": ["medium"] * 3,
    ...                      "HeartDisease": ["no", "yes", "no"]})
    >>> result = identify_experiments(m, runs, by="store")
    >>> [(e.by, e.state("medium").samples) for e in result]
    [(('store', 'a'), 2), (('store', 'b'), 1)]
    """
    pd = require_pandas()
    _check_level(level)
    agg = as_aggregation(model, cause, effect, tolerance=tolerance)
    if isinstance(experiments, (str, os.PathLike, pd.DataFrame)):
        named: list[tuple[str | None, Any]] = [(None, experiments)]
    elif isinstance(experiments, Mapping):
        named = [(str(label), data) for label, data in experiments.items()]
    else:
        items = list(experiments)
        frames = sum(isinstance(data, pd.DataFrame) for data in items)
        named = [(f"DataFrame {i + 1}" if frames > 1 and isinstance(data, pd.DataFrame) else None, data)
                 for i, data in enumerate(items)]
    if not named:
        raise ModelError(None, "experiments", "at least one experiment", "none")
    parts: list[tuple[Experiment, str, tuple[str, str] | None]] = []
    for label, data in named:
        table = read_table(data, label=label)
        if by is not None:
            table.require([by], f"a column {by!r} naming the experiment of each run (by)")
        runs = read_experiment(table, agg, also_used=() if by is None else (by,))
        if by is None:
            parts.append((runs, table.source, None))
            continue
        values, groups = _groups(table, by)
        for g, value in enumerate(values):
            parts.append((runs.subset(groups == g), table.source, (by, value)))
    results = _identify_all(agg, parts, float(level), scheduler, chunk_size, progress)
    return Identifications(agg.model.name, agg.cause, agg.effect, float(level), tuple(results))


def _groups(table: DataTable, column: str) -> tuple[list[str], np.ndarray]:
    """The distinct values of ``column`` as text, in order of first appearance, and every row's group index."""
    missing = table.missing(column)
    if missing.any():
        i = int(np.argmax(missing))
        raise table.error(i, column, "a value naming the run's experiment", table.describe_value(i, column))
    text = table.frame[column].astype("string").to_numpy(dtype=object)
    order: dict[str, int] = {}
    groups = np.array([order.setdefault(str(v), len(order)) for v in text], dtype=np.intp)
    return list(order), groups


def _check_level(level: object) -> None:
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise ModelError(None, "level", "a number in (0, 1)", repr(level))


CHUNKS = 32
"""Without a ``chunk_size``, the (experiment, macro state) units are cut into about this many chunks."""


@dataclass(frozen=True, eq=False)
class _StateWork:
    """What the identification of one macro state of one experiment needs: arrays only (it pickles)."""

    name: str
    micro: tuple[str, ...]
    effect_macro: tuple[str, ...]
    kernel: np.ndarray            # (F, m): P(O | do(X = x)) over the fibre, O as recorded
    macro_kernel: np.ndarray      # (F, |Ȳ|)
    counts: np.ndarray            # (m,)
    macro_counts: np.ndarray      # (|Ȳ|,)
    samples: int
    micro_counts: np.ndarray | None  # (F,) when the cause's micro state is recorded
    observational: np.ndarray | None  # (|Ȳ|,), None when P(x̄) = 0
    tolerance: Tolerance


@dataclass(frozen=True)
class _Impossible:
    """A run's outcome that no micro state of the fibre can produce (the error is raised by the caller)."""

    outcome: int


def _identify_state(work: _StateWork) -> StateIdentification | _Impossible:
    tolerance = work.tolerance
    observed = work.micro_counts is not None
    observational = None if work.observational is None else _named(work.effect_macro, work.observational)
    identified = observed or affinely_independent(work.kernel, tolerance.equality)
    if work.samples == 0:
        return StateIdentification(work.name, 0, None, identified, None, None, observational, None, observed=observed)
    residual = None
    if work.micro_counts is not None:
        weights = work.micro_counts / work.samples
        lower = upper = weights
    else:
        try:
            estimate = ml_realization(work.kernel, work.counts, tolerance)
        except ImpossibleOutcome as exc:
            return _Impossible(exc.outcome)
        weights, lower, upper, residual = estimate.weights, estimate.lower, estimate.upper, estimate.kkt_residual
    realization = {x: float(w) for x, w in zip(work.micro, weights) if w > tolerance.support}
    ranges = {x: (float(lo), float(hi)) for x, lo, hi in zip(work.micro, lower, upper)}
    interventional = _named(work.effect_macro, weights @ work.macro_kernel)
    test = None if work.observational is None else g_test(work.macro_counts, work.observational, tolerance.support)
    return StateIdentification(work.name, work.samples, realization, identified, ranges, interventional,
                               observational, test, observed=observed, kkt_residual=residual)


def _identify_task(chunk: list[_StateWork]) -> list[StateIdentification | _Impossible]:
    return [_identify_state(work) for work in chunk]


def _works(agg: Aggregation, runs: Experiment) -> list[_StateWork]:
    pi_x, pi_y = agg.cause_map, agg.effect_map
    kernel = agg.kernel if runs.micro_effect else agg.macro_kernel
    m, k_macro = kernel.shape[1], pi_x.n_macro
    samples = np.bincount(runs.macro, minlength=k_macro)
    counts = np.bincount(runs.macro * m + runs.outcome, minlength=k_macro * m).reshape(k_macro, m).astype(float)
    macro_counts = pi_y.push_forward(counts, axis=1) if runs.micro_effect else counts
    micro_counts = None if runs.micro_cause is None else np.bincount(runs.micro_cause, minlength=pi_x.n_micro)
    works = []
    for k, name in enumerate(pi_x.macro_states):
        fibre = pi_x.fibre(k)
        works.append(_StateWork(name, tuple(pi_x.micro_states[x] for x in fibre), pi_y.macro_states, kernel[fibre],
                                agg.macro_kernel[fibre], counts[k], macro_counts[k], int(samples[k]),
                                None if micro_counts is None else micro_counts[fibre],
                                agg.observational[k] if agg.supported[k] else None, agg.tolerance))
    return works


def _identify_all(agg: Aggregation, parts: Sequence[tuple[Experiment, str, tuple[str, str] | None]], level: float,
                  scheduler: str | None, chunk_size: int | None, progress: bool) -> list[Identification]:
    """Every experiment's identification, its macro states run through :func:`discagg.parallel.map_chunks`."""
    from discagg.parallel import map_chunks

    if chunk_size is not None and (isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer))
                                   or chunk_size < 1):
        raise ModelError(None, "chunk_size", "a positive whole number of macro states per chunk", repr(chunk_size))
    works = [_works(agg, runs) for runs, _, _ in parts]
    flat = [work for group in works for work in group]
    size = int(chunk_size) if chunk_size is not None else max(1, -(-len(flat) // CHUNKS))
    chunks = [flat[i:i + size] for i in range(0, len(flat), size)]
    done = [state for chunk in map_chunks(_identify_task, chunks, scheduler=scheduler, progress=progress,
                                          description="experiments' macro states") for state in chunk]
    pi_x, pi_y = agg.cause_map, agg.effect_map
    results, position = [], 0
    for (runs, source, by), group in zip(parts, works):
        states = done[position:position + len(group)]
        position += len(group)
        for k, state in enumerate(states):
            if isinstance(state, _Impossible):
                outcomes = pi_y.micro_states if runs.micro_effect else pi_y.macro_states
                name = pi_x.macro_states[k]
                where = f"runs with {agg.cause} = {name}" + ("" if by is None else f" and {by[0]} = {by[1]}")
                raise ModelError(source, where,
                                 f"outcomes that some micro state of {name!r} can produce under the model",
                                 f"{agg.effect} = {outcomes[state.outcome]!r}, which has probability 0 under "
                                 f"do({agg.cause} = x) for every x in the fibre {preview(group[k].micro)}")
        records = ("micro effect" if runs.micro_effect else "macro effect") + (
            " and micro cause" if runs.micro_cause is not None else "")
        results.append(Identification(agg.model.name, agg.cause, agg.effect, source, records, level,
                                      tuple(states), pi_y.macro_states, by))  # type: ignore[arg-type]
    return results
