"""Posterior uncertainty: the answers of inspect, solve and bounds over Dirichlet posterior draws of the CPTs.

With a Dirichlet prior (``bdeu`` or ``k2``) and multinomial sampling, each CPT
row has the posterior ``Dirichlet(α + N_ij·)`` (:mod:`~discagg.estimation.counting`).
A *draw* is one complete set of CPTs, every row drawn independently from its
posterior (normalised Gamma variates). For each draw the quantities the commands
report are computed exactly, per macro state of the cause:

- ``inspect``: ``P(Ȳ | x̄)`` and the gap of the natural realization ``P(X | x̄)``;
- ``solve``: whether an inhibiting realization exists, and the irreducible gap
  (the gap LP of :mod:`discagg.solvers.gap_lp`);
- ``bounds``: the smallest and largest ``P(ȳ | do(x̄))`` over all realizations.

Only the CPTs of the cause's and effect's ancestors are drawn (the others cannot
change these quantities). The tables of a batch of draws are one contraction
with a batch axis (the observational joint and the interventional kernel of all
of them at once, :func:`batched_tables`); only the gap LPs of ``solve`` run per
draw and macro state.

**Seeding.** Draw ``i`` uses its own generator, seeded by child ``i`` of
``numpy.random.SeedSequence(seed)``: a draw's CPTs depend only on the seed and
on ``i``, never on how the draws are batched or where a batch runs, so
:func:`posterior_chunk`, the unit of work, can be handed to any worker and the
result is the same.

**Batches and chunks.** The draws are computed in fixed batches of
:func:`batch_size` draws (draws ``[j·B, (j+1)·B)``), and whole batches are
grouped into the chunks that :func:`discagg.parallel.map_chunks` runs, locally
or on a ``dask.distributed`` cluster. A batch is the same arrays whatever the
chunking, so the answers are the same to the last bit for every scheduler and
chunk size (a contraction over a batch of a different size may round
differently: its order of products is planned from the sizes).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from discagg.core.aggregation import Aggregation
from discagg.core.contraction import contract
from discagg.core.model import CausalModel
from discagg.errors import ModelError
from discagg.estimation.counting import pseudo_count
from discagg.limits import check_entries
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

if TYPE_CHECKING:
    import pandas as pd

    from discagg.estimation.summary import PosteriorSummary

__all__ = ["QUESTIONS", "BATCH", "DEFAULT_CHUNK", "Interval", "Posterior", "posterior", "posterior_of_fit",
           "posterior_chunk", "dirichlet_parameters", "draw_cpts", "batched_tables", "batch_size", "chunk_batches",
           "check_chunk_size", "check_posterior_options", "interval"]

QUESTIONS = ("inspect", "solve", "bounds")
_DRAW = "\x00draw"  # the batch variable of the contractions (no node can be called this: names are printable)
_BATCH_ENTRIES = 1 << 22
"""A batch holds at most this many entries of its largest table (draws x cause states x effect states)."""
BATCH = 100
"""Draws computed together (one contraction per table); fewer when the tables are large (:func:`batch_size`)."""
DEFAULT_CHUNK = 100
"""Draws per unit of work handed to the scheduler, unless ``chunk_size`` says otherwise."""


@dataclass(frozen=True)
class Interval:
    """A posterior mean and an equal-tailed credible interval."""

    mean: float
    lower: float
    upper: float

    def to_dict(self) -> dict[str, float]:
        """``{"mean", "lower", "upper"}``."""
        return {"mean": self.mean, "lower": self.lower, "upper": self.upper}


def interval(values: np.ndarray, level: float) -> Interval:
    """The mean and the equal-tailed interval at ``level`` of a sample of draws.

    >>> interval(np.arange(101.0), 0.9)
    Interval(mean=50.0, lower=5.0, upper=95.0)
    """
    lower, upper = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
    return Interval(float(np.mean(values)), float(lower), float(upper))


def check_posterior_options(draws: object, prior: str, level: object) -> None:
    """Raise a :class:`ModelError` for a number of draws, prior or level a posterior cannot use."""
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 1:
        raise ModelError(None, "posterior", "a positive whole number of draws", repr(draws))
    if prior not in ("bdeu", "k2"):
        raise ModelError(None, "prior", "a proper Dirichlet prior for posterior draws ('bdeu' or 'k2'; 'none' "
                         "leaves unseen parent configurations without a posterior)", repr(prior))
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise ModelError(None, "level", "a number in (0, 1)", repr(level))


def dirichlet_parameters(structure: CausalModel, counts: Mapping[str, np.ndarray], prior: str, ess: float,
                         nodes: Sequence[str] | None = None) -> dict[str, np.ndarray]:
    """The posterior Dirichlet parameters ``α + N`` of every CPT row, per node (each of its CPT's shape).

    >>> from discagg.core.model import Node
    >>> m = CausalModel([Node("A", "ab", [], [0.5, 0.5])])
    >>> dirichlet_parameters(m, {"A": np.array([3.0, 1.0])}, "k2", 1.0)["A"].tolist()
    [4.0, 2.0]
    """
    names = tuple(structure.nodes) if nodes is None else tuple(nodes)
    return {name: counts[name] + pseudo_count(prior, ess, counts[name].shape) for name in names}


def draw_cpts(parameters: Mapping[str, np.ndarray], seeds: Sequence[np.random.SeedSequence]) -> dict[str, np.ndarray]:
    """One set of CPTs per seed: every row Dirichlet with the given parameters.

    Parameters
    ----------
    parameters : mapping of str to ndarray
        ``α + N`` per node, in the order the draws take them.
    seeds : sequence of SeedSequence
        One per draw; draw ``i`` depends on ``seeds[i]`` only.

    Returns
    -------
    dict of str to ndarray, shape ``(len(seeds), *cpt.shape)``
    """
    names = tuple(parameters)
    # All of a draw's Gamma variates come from one call on the concatenated parameters: the same numbers, in the
    # same order, as one call per node would give (the generator consumes its stream element by element).
    flat = np.concatenate([np.asarray(parameters[name], dtype=np.float64).ravel() for name in names])
    gamma = np.empty((len(seeds), flat.size))
    for i, seed in enumerate(seeds):
        gamma[i] = np.random.default_rng(seed).standard_gamma(flat)
    out, offset = {}, 0
    for name in names:
        shape = np.shape(parameters[name])
        size = int(np.prod(shape))
        block = gamma[:, offset:offset + size].reshape((len(seeds),) + shape)
        out[name] = block / block.sum(axis=-1, keepdims=True)
        offset += size
    return out


def batched_tables(agg: Aggregation, cpts: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The observational joint and the interventional kernel of a batch of CPT sets, by one contraction each.

    As :meth:`Aggregation.tables <discagg.core.aggregation.Aggregation.tables>`,
    with a leading batch axis on every CPT and on the results.

    Parameters
    ----------
    agg : Aggregation
        Gives the structure, the cause and the effect (its CPTs are not used).
    cpts : mapping of str to ndarray
        ``(B, *cpt.shape)`` for every ancestor of the cause and the effect.

    Returns
    -------
    joint, kernel : ndarray, shape ``(B, |X|, |Y|)``
    """
    model = agg.model
    causes, effects = model.members(agg.cause), model.members(agg.effect)
    B = next(iter(cpts.values())).shape[0]
    n_x, n_y = agg.cause_map.n_micro, agg.effect_map.n_micro
    check_entries(B * n_x * n_y, f"{B} draws of the {n_x} x {n_y} table of cause and effect micro states",
                  "posterior")
    cards = {name: node.cardinality for name, node in model.nodes.items()}
    cards[_DRAW] = B

    def factors(names: set[str], skip: tuple[str, ...] = ()) -> list[tuple[np.ndarray, tuple[str, ...]]]:
        return [(cpts[n], (_DRAW,) + model.nodes[n].parents + (n,)) for n in model.topological_order
                if n in names and n not in skip]

    joint = contract(factors(model.ancestors(causes + effects)), (_DRAW,) + causes + effects, cards)
    truncated = factors(model.ancestors(effects, cut_incoming=causes) | set(causes), skip=causes)
    mentioned = {v for _, scope in truncated for v in scope}
    present = tuple(c for c in causes if c in mentioned)
    compact = contract(truncated, (_DRAW,) + present + effects, cards)
    effect_axes = tuple(range(1 + len(present), compact.ndim))
    compact = compact / compact.sum(axis=effect_axes, keepdims=True)  # rows normalised, as Aggregation.tables
    kernel = np.empty((B, n_x, n_y))
    axes = (slice(None),) + tuple(slice(None) if c in present else None for c in causes) + (slice(None),) * len(
        effects)
    kernel.reshape((B,) + tuple(cards[c] for c in causes) + compact.shape[1 + len(present):])[...] = compact[axes]
    return joint.reshape(B, n_x, n_y), kernel


def posterior_chunk(agg: Aggregation, parameters: Mapping[str, np.ndarray],
                    seeds: Sequence[np.random.SeedSequence], questions: Sequence[str]) -> dict[str, np.ndarray]:
    """The per-draw quantities of a chunk of draws: the unit of posterior work.

    Parameters
    ----------
    agg : Aggregation
    parameters : mapping of str to ndarray
        Posterior Dirichlet parameters of the cause's and effect's ancestors.
    seeds : sequence of SeedSequence
        One per draw.
    questions : sequence of {"inspect", "solve", "bounds"}

    Returns
    -------
    dict of str to ndarray
        ``"observational"`` ``(B, |X̄|, |Ȳ|)`` (NaN rows where ``P(x̄) = 0``) and, per
        question: ``"gap"`` ``(B, |X̄|)`` (inspect: the natural realization's);
        ``"min_gap"`` ``(B, |X̄|)`` (solve: the irreducible gap); ``"lower"``,
        ``"upper"`` ``(B, |X̄|, |Ȳ|)`` (bounds).
    """
    from discagg.solvers.gap_lp import min_gap

    tolerance = agg.tolerance
    pi_x, pi_y = agg.cause_map, agg.effect_map
    joint, kernel = batched_tables(agg, draw_cpts(parameters, seeds))
    macro_joint = pi_x.push_forward(pi_y.push_forward(joint, axis=2), axis=1)
    p_macro = macro_joint.sum(axis=2)
    supported = p_macro > tolerance.support
    observational = np.full(macro_joint.shape, np.nan)
    observational[supported] = macro_joint[supported] / p_macro[supported][:, None]
    macro_kernel = pi_y.push_forward(kernel, axis=2)
    out: dict[str, np.ndarray] = {"observational": observational}
    if "inspect" in questions:
        p_cause = joint.sum(axis=2)
        fibre_mass = p_macro[:, pi_x.assignment]
        natural = np.divide(p_cause, fibre_mass, out=np.zeros_like(p_cause), where=fibre_mass > tolerance.support)
        interventional = pi_x.push_forward(natural[:, :, None] * macro_kernel, axis=1)
        out["gap"] = np.where(supported, 0.5 * np.abs(observational - interventional).sum(axis=2), np.nan)
    if "bounds" in questions:
        out["lower"] = np.stack([macro_kernel[:, pi_x.fibre(k)].min(axis=1) for k in range(pi_x.n_macro)], axis=1)
        out["upper"] = np.stack([macro_kernel[:, pi_x.fibre(k)].max(axis=1) for k in range(pi_x.n_macro)], axis=1)
    if "solve" in questions:
        gaps = np.full(p_macro.shape, np.nan)
        for k in range(pi_x.n_macro):
            fibre = pi_x.fibre(k)
            for b in np.flatnonzero(supported[:, k]):
                K, o = macro_kernel[b, fibre], observational[b, k]
                gaps[b, k] = 0.5 * float(np.abs(K[0] - o).sum()) if len(fibre) == 1 else min_gap(K, o, tolerance).gap
        out["min_gap"] = gaps
    return out


class PosteriorAnswers(Protocol):
    """What a ``"posterior"`` JSON object is made of: a :class:`Posterior`, or a summary read back."""

    @property
    def draws(self) -> int: ...

    @property
    def level(self) -> float: ...

    def gap(self, k: int) -> Interval | None: ...

    def irreducible_gap(self, k: int) -> Interval | None: ...

    def p_inhibiting(self, k: int) -> float | None: ...

    def observational(self, k: int) -> Mapping[str, Interval | None]: ...

    def bounds(self, k: int) -> Mapping[str, tuple[Interval | None, Interval | None]]: ...


def posterior_entry(answers: PosteriorAnswers, k: int, question: str) -> dict[str, Any]:
    """The ``"posterior"`` object of macro state ``k`` in the ``--json`` output of ``question``."""
    def named(value: Interval | None) -> dict[str, float] | None:
        return None if value is None else value.to_dict()

    doc: dict[str, Any] = {"draws": answers.draws, "level": answers.level}
    if question == "bounds":
        doc["bounds"] = {y: {"lower": named(lo), "upper": named(hi)} for y, (lo, hi) in answers.bounds(k).items()}
        return doc
    if question == "solve":
        doc["p_inhibiting"] = answers.p_inhibiting(k)
        doc["gap"] = named(answers.irreducible_gap(k))
    else:
        doc["gap"] = named(answers.gap(k))
    doc["observational"] = {y: named(v) for y, v in answers.observational(k).items()}
    return doc


@dataclass(frozen=True, eq=False)
class Posterior:
    """Posterior draws of the quantities of inspect, solve and bounds, per macro state of the cause.

    Attributes
    ----------
    model, cause, effect : str
    draws : int
    level : float
    seed : int
        The seed of the draws (``SeedSequence(seed).spawn(draws)``).
    prior : str
    ess : float
    rows : int
        Data rows behind the posterior.
    cause_macro, effect_macro : tuple of str
    values : mapping of str to ndarray
        Per draw (first axis): ``observational``, and ``gap``, ``min_gap``,
        ``lower``, ``upper`` for the questions asked (see :func:`posterior_chunk`).
    tolerance : Tolerance
    """

    model: str
    cause: str
    effect: str
    draws: int
    level: float
    seed: int
    prior: str
    ess: float
    rows: int
    cause_macro: tuple[str, ...]
    effect_macro: tuple[str, ...]
    values: Mapping[str, np.ndarray] = field(repr=False)
    tolerance: Tolerance = field(default=DEFAULT_TOLERANCE, repr=False)

    def _interval(self, key: str, *index: int) -> Interval | None:
        where: tuple[slice | int, ...] = (slice(None), *index)
        column = self.values[key][where]
        column = column[~np.isnan(column)]
        return interval(column, self.level) if column.size else None

    def gap(self, k: int) -> Interval | None:
        """The natural realization's gap of macro state ``k`` (inspect)."""
        return self._interval("gap", k)

    def irreducible_gap(self, k: int) -> Interval | None:
        """The smallest gap over all realizations of macro state ``k`` (solve)."""
        return self._interval("min_gap", k)

    def inhibiting_draws(self, k: int) -> tuple[int, int] | None:
        """``(i, n)``: in ``i`` of the ``n`` draws where ``P(x̄) > 0`` an inhibiting realization of ``k`` exists.

        None when no draw supports ``k``. Needs the ``solve`` question.
        """
        gaps = self.values["min_gap"][:, k]
        gaps = gaps[~np.isnan(gaps)]
        return (int(np.count_nonzero(gaps <= self.tolerance.equality)), int(gaps.size)) if gaps.size else None

    def p_inhibiting(self, k: int) -> float | None:
        """The fraction of draws in which an inhibiting realization of macro state ``k`` exists."""
        counted = self.inhibiting_draws(k)
        return None if counted is None else counted[0] / counted[1]

    def observational(self, k: int) -> dict[str, Interval | None]:
        """``P(ȳ | x̄)`` for every ``ȳ``."""
        return {y: self._interval("observational", k, j) for j, y in enumerate(self.effect_macro)}

    def bounds(self, k: int) -> dict[str, tuple[Interval | None, Interval | None]]:
        """For every ``ȳ``: the lower and the upper bound of ``P(ȳ | do(x̄))`` over all realizations."""
        return {y: (self._interval("lower", k, j), self._interval("upper", k, j))
                for j, y in enumerate(self.effect_macro)}

    def entry(self, k: int, question: str) -> dict[str, Any]:
        """The ``"posterior"`` object of macro state ``k`` in the ``--json`` output of ``question``."""
        return posterior_entry(self, k, question)

    def settings(self) -> dict[str, Any]:
        """The top-level ``"posterior"`` object: how the draws were made."""
        return {"draws": self.draws, "level": self.level, "seed": self.seed, "prior": self.prior,
                "ess": self.ess if self.prior == "bdeu" else None, "rows": self.rows}

    @property
    def questions(self) -> tuple[str, ...]:
        """The questions the draws answer (some of ``"inspect"``, ``"solve"``, ``"bounds"``, in that order)."""
        keys = {"inspect": "gap", "solve": "min_gap", "bounds": "lower"}
        return tuple(q for q in QUESTIONS if keys[q] in self.values)

    def __repr__(self) -> str:
        from discagg.report.short import fit, plain, quoted

        return fit(lambda w: f"Posterior(model={quoted(self.model, w)}, {plain(self.cause, w)} -> "
                   f"{plain(self.effect, w)}, {self.draws} draws, level {self.level:g}, "
                   f"questions {'+'.join(self.questions)})")

    def __str__(self) -> str:
        """The posterior tables the commands print (for one question, exactly what the command appends)."""
        from discagg.report.posterior import posterior_text

        return posterior_text(self)

    def _repr_html_(self) -> str:
        from discagg.report.posterior import posterior_html

        return posterior_html(self)

    def summary(self) -> PosteriorSummary:
        """The means and credible intervals of the draws, as a :class:`~discagg.estimation.summary.PosteriorSummary`."""
        from discagg.estimation.summary import PosteriorSummary

        return PosteriorSummary.of(self)

    def to_dict(self) -> dict[str, Any]:
        """The summary of the draws as JSON (:meth:`PosteriorSummary.to_dict`), not the draws.

        A Posterior does not round-trip through JSON: it holds ``draws`` numbers
        per quantity, and its JSON, as the commands print it, holds their means
        and intervals. :meth:`PosteriorSummary.from_dict
        <discagg.estimation.summary.PosteriorSummary.from_dict>` reads this
        document back, equal to :meth:`summary`.
        """
        return self.summary().to_dict()


def batch_size(agg: Aggregation) -> int:
    """How many draws are computed together: :data:`BATCH`, or fewer when a batch's tables would be large.

    It depends on the problem only (never on the chunking), and every batch is
    the same draws whatever the chunks are (see :func:`chunk_batches`).

    >>> import discagg
    >>> batch_size(discagg.Aggregation.of(discagg.load_model("example:cholesterol")))
    100
    """
    return max(1, min(BATCH, _BATCH_ENTRIES // max(1, agg.cause_map.n_micro * agg.effect_map.n_micro)))


def chunk_batches(draws: int, batch: int, chunk_size: int) -> list[list[tuple[int, int]]]:
    """The draws cut into batches ``[j·batch, (j+1)·batch)``, and the batches grouped into chunks.

    A chunk holds ``ceil(chunk_size / batch)`` whole batches, so that each batch
    is computed as the same arrays however the work is chunked: its draws, and
    their numbers to the last bit, do not depend on ``chunk_size``.

    >>> chunk_batches(250, 100, 150)
    [[(0, 100), (100, 200)], [(200, 250)]]
    >>> chunk_batches(250, 100, 1)
    [[(0, 100)], [(100, 200)], [(200, 250)]]
    """
    batches = [(start, min(start + batch, draws)) for start in range(0, draws, batch)]
    per_chunk = max(1, -(-chunk_size // batch))
    return [batches[i:i + per_chunk] for i in range(0, len(batches), per_chunk)]


def _posterior_task(chunk: tuple[Any, Mapping[str, np.ndarray], list[list[np.random.SeedSequence]], tuple[str, ...]]
                    ) -> dict[str, np.ndarray]:
    """One chunk of draws: its batches one after the other (a module-level function, so that it pickles)."""
    from discagg.estimation.portable import unpack

    carried, parameters, batches, questions = chunk
    agg = unpack(carried)
    parts = [posterior_chunk(agg, parameters, seeds, questions) for seeds in batches]
    return {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}


def check_chunk_size(chunk_size: object, option: str = "chunk_size") -> int:
    """``chunk_size`` as an int (None: :data:`DEFAULT_CHUNK`); a :class:`ModelError` unless it is positive."""
    if chunk_size is None:
        return DEFAULT_CHUNK
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        raise ModelError(None, option, "a positive whole number of draws per chunk", repr(chunk_size))
    return int(chunk_size)


def posterior_of_fit(agg: Aggregation, counts: Mapping[str, np.ndarray], rows: int, *, draws: int,
                     prior: str = "bdeu", ess: float = 1.0, seed: int | None = None, level: float = 0.95,
                     questions: Sequence[str] = QUESTIONS, scheduler: str | None = None,
                     chunk_size: int | None = None, progress: bool = False) -> Posterior:
    """:func:`posterior` from family counts already computed (``agg`` gives the structure, cause and effect).

    The draws run through :func:`discagg.parallel.map_chunks` in chunks of
    ``chunk_size`` draws (rounded up to whole batches, :func:`chunk_batches`),
    on ``scheduler``; the result is the same for every scheduler and chunk size.
    """
    from discagg.estimation.portable import carry
    from discagg.parallel import map_chunks

    check_posterior_options(draws, prior, level)
    size = check_chunk_size(chunk_size)
    unknown = [q for q in questions if q not in QUESTIONS]
    if unknown:
        raise ModelError(None, "questions", f"some of {list(QUESTIONS)}", repr(unknown))
    model = agg.model
    relevant = model.ancestors(model.members(agg.cause) + model.members(agg.effect))
    parameters = dirichlet_parameters(model, counts, prior, ess, [n for n in model.topological_order if n in relevant])
    if seed is None:
        entropy = np.random.SeedSequence().entropy  # a fresh SeedSequence draws 128 bits: an int
        assert isinstance(entropy, int)
        seed = entropy
    seed = int(seed)
    seeds = np.random.SeedSequence(seed).spawn(int(draws))
    batch = batch_size(agg)
    check_entries(batch * agg.cause_map.n_micro * agg.effect_map.n_micro,
                  f"{batch} draws of the {agg.cause_map.n_micro} x {agg.effect_map.n_micro} table of cause and "
                  "effect micro states", "posterior")
    carried, asked = carry(agg, scheduler), tuple(questions)
    chunks = [(carried, parameters, [seeds[a:b] for a, b in batches], asked)
              for batches in chunk_batches(int(draws), batch, size)]
    parts = map_chunks(_posterior_task, chunks, scheduler=scheduler, progress=progress,
                       description=f"posterior draws ({len(chunks)} chunks)")
    values = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    for array in values.values():
        array.setflags(write=False)
    return Posterior(model.name, agg.cause, agg.effect, int(draws), float(level), seed, prior, float(ess), rows,
                     agg.cause_map.macro_states, agg.effect_map.macro_states, values, agg.tolerance)


def posterior(
    data: str | os.PathLike[str] | pd.DataFrame,
    structure: CausalModel | str | os.PathLike[str],
    *,
    cause: str | None = None,
    effect: str | None = None,
    draws: int = 1000,
    prior: str = "bdeu",
    ess: float = 1.0,
    seed: int | None = None,
    level: float = 0.95,
    questions: Sequence[str] = QUESTIONS,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
    scheduler: str | None = None,
    chunk_size: int | None = None,
    progress: bool = False,
) -> Posterior:
    """Posterior draws of what inspect, solve and bounds answer, from data and a structure.

    Parameters
    ----------
    data : path-like or pandas.DataFrame
        As :func:`discagg.fit` takes it.
    structure : CausalModel or str
        The DAG, states, coarsenings, groups and query (CPTs not used).
    cause, effect : str, optional
        Default: the structure's query.
    draws : int
        Number of posterior draws of the CPTs.
    prior : {"bdeu", "k2"}
    ess : float
        Equivalent sample size of ``bdeu``.
    seed : int, optional
        Fixes the draws (default: fresh entropy, recorded in the result).
    level : float
        Of the equal-tailed intervals.
    questions : sequence of {"inspect", "solve", "bounds"}
        What to compute per draw (``solve`` runs a gap LP per draw and macro state).
    tolerance : Tolerance
    scheduler : str, optional
        Where the draws run (:func:`discagg.parallel.map_chunks`): ``None`` or
        ``"local"`` (Dask's threads in this process), ``"sequential"``, or the
        address of a running ``dask.distributed`` scheduler. The answer does
        not depend on it.
    chunk_size : int, optional
        Draws per unit of work (default :data:`DEFAULT_CHUNK`; rounded up to
        whole batches of :func:`batch_size` draws). The answer does not depend
        on it.
    progress : bool
        A bar over the chunks on stderr, when it is a terminal.

    Returns
    -------
    Posterior

    Examples
    --------
    >>> import discagg
    >>> truth = discagg.load_model("example:cholesterol")
    >>> post = posterior(discagg.sample(truth, 2000, seed=0), truth, draws=200, seed=1, questions=["inspect"])
    >>> post.gap(1).lower <= post.gap(1).mean <= post.gap(1).upper
    True
    """
    from discagg.estimation.datasets import read_table
    from discagg.estimation.fitting import fit_table, structure_of

    check_posterior_options(draws, prior, level)
    fitted = fit_table(read_table(data), structure_of(structure), prior, ess)
    agg = Aggregation.of(fitted.model, cause, effect, tolerance=tolerance)
    return posterior_of_fit(agg, fitted.counts, fitted.rows, draws=draws, prior=prior, ess=ess, seed=seed,
                            level=level, questions=questions, scheduler=scheduler, chunk_size=chunk_size,
                            progress=progress)
