"""Learning the value maps of an abstraction exactly, with a certificate of optimality.

Given which micro nodes each macro node aggregates (Zennaro et al.'s ``a``) and
a macro model with its CPTs, :func:`learn_abstraction` finds surjective value
maps ``α_X̄`` of least overall abstraction error
(:mod:`discagg.abstraction.error`). The kernels of every pair are computed once;
the error is a maximum over pairs of a maximum over micro interventions, and
each pair only involves the maps of its own macro nodes. Two searches use this:

- **exhaustive**, when the surjections are few: every pair's error is tabulated
  over the maps of its nodes (one matrix of distances per choice of target
  maps, read at the images of the source maps), and the overall error of every
  combination is the maximum of the tables, broadcast. Every candidate is
  evaluated: that is the certificate, and the number of optimal candidates
  (ties) is reported.
- **branch and bound** otherwise: micro joint states are assigned one at a
  time, node after node. The error of a partial assignment bounds every
  completion from below: a pair whose target maps are complete is compared
  exactly on those targets (the other targets are summed out, which cannot
  increase a divergence: data processing), with each micro intervention allowed
  any macro source state its unassigned source cells leave open; a pair whose
  only target map is partly assigned is compared through intervals (the mass of
  unassigned micro states may land anywhere): the exact relaxed minimum for
  total variation, and binary coarsenings (one macro state, or the states the
  assigned mass already exceeds, against the rest) for the Jensen–Shannon
  divergence. Subtrees whose bound reaches the incumbent are pruned. When the
  search ends the incumbent is optimal (everything was explored or pruned);
  when ``time_limit`` stops it, the least bound of the open subtrees is a
  certified lower bound on the optimum.

Both searches order candidates lexicographically: least overall error first,
then, among maps within ``tolerance.equality`` of it (the overall error is a
maximum, so maps that do not reach it are often tied), least sum of the pair
errors. Maps of macro nodes in no pair do not affect the error; they get the
first surjection and are reported as undetermined.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from discagg.abstraction.error import AbstractionError, abstraction_error, resolve_inputs
from discagg.abstraction.kernels import joint_image, pair_kernels, push_rows
from discagg.abstraction.metrics import check_metric, distance
from discagg.core.abstraction import (
    AbstractionMap,
    AbstractionSpec,
    Pair,
    VariableMap,
    check_pairs,
    default_pairs,
    surjective_count,
)
from discagg.core.arrays import equal_fields
from discagg.core.model import CausalModel
from discagg.errors import ModelError, SolverError
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["LearnedAbstraction", "learn_abstraction", "surjections", "EXHAUSTIVE_LIMIT", "METHODS"]

EXHAUSTIVE_LIMIT = 200_000
"""``method="auto"`` enumerates every combination of surjections up to this many; beyond, branch and bound."""
METHODS = ("auto", "exhaustive", "branch-and-bound")
_ENUMERATION_LIMIT = 1 << 22
"""Largest ``k ** n`` whose sequences are listed to pick the surjections of one node."""


@dataclass(frozen=True, eq=False)
class LearnedAbstraction:
    """Optimal value maps and their certificate.

    Attributes
    ----------
    mapping : AbstractionMap
        The maps found (explicit tables).
    value : float
        Their overall abstraction error (the optimum when ``optimal``).
    lower_bound : float
        A certified lower bound on the optimum (equal to ``value`` when ``optimal``).
    optimal : bool
        ``value`` is certified optimal: ``lower_bound >= value - tolerance.equality``.
    stopped : bool
        ``time_limit`` ended the search before it explored or pruned every
        candidate (the value may still be certified; the choice among tied
        maps is then not settled).
    method : {"exhaustive", "branch-and-bound"}
    metric : str
    candidates : int
        The number of combinations of surjective maps.
    evaluated : int
        Complete combinations whose error was computed.
    nodes, pruned : int
        Partial assignments expanded and subtrees pruned (branch and bound).
    seconds : float
        Time of the search, kernels included.
    ties : int or None
        Optimal combinations (within ``tolerance.equality``; exhaustive search only).
    undetermined : tuple of str
        Macro nodes in no pair (any map is optimal for them).
    error : AbstractionError
        The error of ``mapping``, recomputed independently of the search.
    reference : AbstractionMap or None
    differing : dict of str to int, or None
        Per macro node, how many micro joint states ``mapping`` sends elsewhere
        than ``reference`` does.
    tie_l1 : (int, int) or None
        The least and largest L1 distance to ``reference`` over the tied optima.
    """

    mapping: AbstractionMap
    value: float
    lower_bound: float
    optimal: bool
    stopped: bool
    method: str
    metric: str
    candidates: int
    evaluated: int
    nodes: int
    pruned: int
    seconds: float
    ties: int | None
    undetermined: tuple[str, ...]
    error: AbstractionError = field(repr=False)
    reference: AbstractionMap | None = field(default=None, repr=False)
    differing: dict[str, int] | None = field(default=None, repr=False)
    tie_l1: tuple[int, int] | None = field(default=None, repr=False)

    @property
    def l1(self) -> int | None:
        """Zennaro et al.'s distance to the reference: ``Σ |A − A_ref|`` over the 0/1 map matrices (2 per difference)."""
        return None if self.differing is None else 2 * sum(self.differing.values())

    def __eq__(self, other: object) -> bool:
        """Equal in every field (maps by their tables, the error as :class:`AbstractionError` compares)."""
        if not isinstance(other, LearnedAbstraction):
            return NotImplemented
        def named(m: AbstractionMap | None) -> tuple[str, str] | None:
            return None if m is None else (m.name, m.description)

        return (equal_fields(self, other) and named(self.mapping) == named(other.mapping)
                and named(self.reference) == named(other.reference))

    __hash__ = None  # type: ignore[assignment]  # unhashable; typeshed types __hash__ as a method

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> LearnedAbstraction:
        """The result whose :meth:`to_dict` (``discagg learn-abstraction --json``) is ``document``.

        Raises
        ------
        ModelError
            Naming the key path of the first entry that is not as :meth:`to_dict` writes it.
        """
        from discagg.abstraction.saved import learned_abstraction_from_dict

        return learned_abstraction_from_dict(document)

    def to_dict(self) -> dict[str, Any]:
        """The ``--json`` document.

        Besides the search's figures: ``maps`` (the tables), ``distance`` to
        the reference, ``error`` (:meth:`AbstractionError.to_dict`),
        ``abstraction`` (the maps' ``discagg/abstraction-v1`` document),
        ``reference`` (the reference maps' document, or null), and
        ``micro_states`` / ``macro_states`` (the states of the mapped nodes, in
        their models' order), with which :meth:`from_dict` reads it back.
        """
        from discagg.io.abstraction_format import abstraction_to_dict

        return {"metric": self.metric, "base": self.error.base, "value": self.value,
                "lower_bound": self.lower_bound, "optimal": self.optimal, "stopped": self.stopped,
                "method": self.method,
                "candidates": self.candidates, "evaluated": self.evaluated, "nodes": self.nodes,
                "pruned": self.pruned, "seconds": self.seconds, "ties": self.ties,
                "undetermined": list(self.undetermined), "exact": self.error.exact,
                "maps": {m: v.to_table() for m, v in self.mapping.variables.items()},
                "distance": None if self.differing is None else {"differing": self.differing, "l1": self.l1,
                                                                  "tie_l1": self.tie_l1},
                "error": self.error.to_dict(), "abstraction": abstraction_to_dict(self.mapping),
                "reference": None if self.reference is None else abstraction_to_dict(self.reference),
                "micro_states": {n: list(states) for v in self.mapping.variables.values()
                                 for n, states in zip(v.nodes, v.node_states)},
                "macro_states": {m: list(v.states) for m, v in self.mapping.variables.items()}}

    def __str__(self) -> str:
        """The text ``discagg learn-abstraction`` prints."""
        from discagg.report.abstraction import render_learned

        return render_learned(self)

    def _repr_html_(self) -> str:
        from discagg.report.abstraction import learned_html

        return learned_html(self)

    def __repr__(self) -> str:
        return (f"LearnedAbstraction(value={self.value:.6g}, optimal={self.optimal}, stopped={self.stopped}, "
                f"method={self.method!r}, "
                f"candidates={self.candidates}, l1={self.l1})")


def surjections(n: int, k: int) -> np.ndarray:
    """Every surjection from ``n`` elements onto ``k`` values, in lexicographic order, shape ``(k! S(n, k), n)``.

    >>> surjections(3, 2).tolist()
    [[0, 0, 1], [0, 1, 0], [0, 1, 1], [1, 0, 0], [1, 0, 1], [1, 1, 0]]
    """
    if k ** n > _ENUMERATION_LIMIT:
        raise ModelError(None, None, f"at most {_ENUMERATION_LIMIT} maps to enumerate for one macro node",
                         f"{k}^{n} = {k ** n}")
    codes = np.arange(k ** n, dtype=np.int64)
    digits = (codes[:, None] // (k ** np.arange(n - 1, -1, -1, dtype=np.int64))[None, :]) % k
    onto = np.ones(len(codes), dtype=bool)
    for v in range(k):
        onto &= (digits == v).any(axis=1)
    return digits[onto].astype(np.intp)


@dataclass
class _Problem:
    """What both searches read: the macro nodes, their sizes, and the pairs' kernels."""

    names: tuple[str, ...]          # macro nodes, macro model order
    n: tuple[int, ...]              # micro joint states of each
    k: tuple[int, ...]              # macro states of each
    pairs: list[tuple[tuple[int, ...], tuple[int, ...], np.ndarray, np.ndarray]]  # sources, targets, K0, K1
    metric: str


def _pair_table(problem: _Problem, p: int, maps: Mapping[int, np.ndarray]) -> tuple[tuple[int, ...], np.ndarray]:
    """The error of pair ``p`` for every combination of its nodes' maps: (its nodes, table)."""
    sources, targets, k0, k1 = problem.pairs[p]
    n_s = k0.shape[0]
    tgt_k = [problem.k[j] for j in targets]
    src_k = [problem.k[j] for j in sources]
    # macro source state of every micro intervention, for every combination of source maps
    src_combos = np.stack(np.meshgrid(*[np.arange(len(maps[j])) for j in sources], indexing="ij"),
                          axis=-1).reshape(-1, len(sources))
    src_images = np.stack([joint_image([maps[j][c] for j, c in zip(sources, combo)], src_k)
                           for combo in src_combos]) if len(src_combos) else np.zeros((0, n_s), dtype=np.intp)
    tgt_shape = tuple(len(maps[j]) for j in targets)
    table = np.empty((len(src_combos),) + tgt_shape)
    rows = np.arange(n_s)[None, :]
    for tgt_combo in np.ndindex(*tgt_shape):
        image = joint_image([maps[j][c] for j, c in zip(targets, tgt_combo)], tgt_k)
        upper = push_rows(k0, image, int(np.prod(tgt_k)))
        dist = distance(problem.metric, upper[:, None, :], k1[None, :, :])   # (n_s, n_s̄)
        table[(slice(None),) + tgt_combo] = dist[rows, src_images].max(axis=1)
    return sources + targets, table.reshape(tuple(len(maps[j]) for j in sources) + tgt_shape)


def _exhaustive(problem: _Problem, active: list[int], maps: dict[int, np.ndarray], tolerance: Tolerance
                ) -> tuple[dict[int, np.ndarray], float, int, np.ndarray]:
    """Every combination of surjections of the active nodes: the best maps, the optimum, #ties, the grid.

    Among the combinations within ``tolerance.equality`` of the least overall
    error, the one with the least sum of pair errors (then the first).
    """
    axis = {j: a for a, j in enumerate(active)}
    grid = np.zeros(tuple(len(maps[j]) for j in active))
    total = np.zeros(grid.shape)
    for p in range(len(problem.pairs)):
        nodes, table = _pair_table(problem, p, maps)
        order = sorted(range(len(nodes)), key=lambda i: axis[nodes[i]])
        table = np.transpose(table, order)
        shape = [1] * len(active)
        for i in order:
            shape[axis[nodes[i]]] = table.shape[order.index(i)]
        np.maximum(grid, table.reshape(shape), out=grid)
        total += table.reshape(shape)
    value = float(grid.min())
    tied = grid <= value + tolerance.equality
    ties = int(tied.sum())
    best = int(np.where(tied, total, np.inf).argmin())  # among the tied optima, the least sum of pair errors
    value = float(grid.flat[best])
    index = np.unravel_index(best, grid.shape)
    return {j: maps[j][int(i)] for j, i in zip(active, index)}, value, ties, grid


class _BranchAndBound:
    """Depth-first branch and bound over the cells (micro joint states) of the active nodes."""

    def __init__(self, problem: _Problem, active: list[int], deadline: float | None, tie: float) -> None:
        self.problem = problem
        self.tie = tie
        self.order = sorted(active, key=lambda j: (problem.n[j], j))
        self.cells = [(j, i) for j in self.order for i in range(problem.n[j])]
        self.deadline = deadline
        self.involves = {j: [p for p, (s, t, _, _) in enumerate(problem.pairs) if j in s or j in t]
                         for j in active}
        self.nodes = self.pruned = self.evaluated = 0
        self.stopped = False

    # -- bounds -------------------------------------------------------------------------------------

    def _pair_bound(self, p: int, images: dict[int, np.ndarray], complete: set[int]) -> float:
        problem = self.problem
        sources, targets, k0, k1 = problem.pairs[p]
        n_s = k0.shape[0]
        done = [j for j in targets if j in complete]
        if done:
            # the complete targets, the others summed out (k = 1, image 0)
            image = joint_image([images[j] if j in complete else np.zeros(problem.n[j], dtype=np.intp)
                                 for j in targets], [problem.k[j] if j in complete else 1 for j in targets])
            upper = push_rows(k0, image, math.prod(problem.k[j] for j in done))
            macro = k1.reshape((k1.shape[0],) + tuple(problem.k[j] for j in targets))
            macro = macro.sum(axis=tuple(1 + i for i, j in enumerate(targets) if j not in complete))
            dist = distance(problem.metric, upper[:, None, :], macro.reshape(k1.shape[0], -1)[None, :, :])
        else:
            partial = [j for j in targets if (images[j] >= 0).any()]
            if not partial:
                return 0.0
            j = partial[0]
            assigned = images[j] >= 0
            image = joint_image([np.where(assigned, images[j], 0) if t == j else np.zeros(problem.n[t], np.intp)
                                 for t in targets], [problem.k[t] if t == j else 1 for t in targets])
            mask = joint_image([assigned.astype(np.intp) if t == j else np.zeros(problem.n[t], np.intp)
                                for t in targets], [2 if t == j else 1 for t in targets]).astype(bool)
            known = push_rows(k0 * mask[None, :], image, problem.k[j])
            macro = k1.reshape((k1.shape[0],) + tuple(problem.k[t] for t in targets))
            macro = macro.sum(axis=tuple(1 + i for i, t in enumerate(targets) if t != j))
            dist = _interval_bound(problem.metric, known, macro)
        # sources: a cell not yet assigned may take any macro state
        shape = (n_s,) + tuple(problem.k[j] for j in sources)
        dist = dist.reshape(shape)
        cells = np.unravel_index(np.arange(n_s), tuple(problem.n[j] for j in sources))
        for a, j in enumerate(sources):
            value = images[j][cells[a]]                       # (n_s,), -1 where open
            allowed = (value[:, None] < 0) | (value[:, None] == np.arange(problem.k[j])[None, :])
            view = [1] * len(shape)
            view[0], view[1 + a] = n_s, problem.k[j]
            dist = np.where(allowed.reshape(view), dist, np.inf)
        return float(dist.reshape(n_s, -1).min(axis=1).max())

    # -- search -------------------------------------------------------------------------------------

    def run(self) -> tuple[dict[int, np.ndarray] | None, float, float]:
        """Search; returns the best maps (None if stopped before any), their error and a lower bound on the optimum.

        The order is lexicographic: least overall error, then (among maps
        within ``tolerance.equality`` of it) least sum of pair errors. A
        subtree is pruned when its bounds cannot beat the incumbent in that
        order.
        """
        problem = self.problem
        pairs = len(problem.pairs)
        tie = self.tie
        images0 = {j: np.full(problem.n[j], -1, dtype=np.intp) for j in self.order}
        best: dict[int, np.ndarray] | None = None
        incumbent, incumbent_sum = math.inf, math.inf

        tied_floor = math.inf  # the least bound of a subtree pruned on the sum alone (its error may tie)

        def hopeless(bound: float, total: float) -> bool:
            nonlocal tied_floor
            if bound > incumbent + tie:
                return True
            if bound >= incumbent - tie and total >= incumbent_sum:
                tied_floor = min(tied_floor, bound)
                return True
            return False

        # stack entries: (bound, sum of pair bounds, depth, images, pair bounds)
        stack: list[tuple[float, float, int, dict[int, np.ndarray], np.ndarray]] = [
            (0.0, 0.0, 0, images0, np.zeros(pairs))]
        while stack:
            # the first dive (at most one expansion per cell) always ends at a complete assignment
            if best is not None and self.deadline is not None and time.perf_counter() > self.deadline:
                self.stopped = True
                break
            bound, total, depth, images, pair_bounds = stack.pop()
            if hopeless(bound, total):
                self.pruned += 1
                continue
            if depth == len(self.cells):  # a complete assignment: its bounds are its exact errors
                self.evaluated += 1
                incumbent, incumbent_sum, best = bound, total, images
                continue
            self.nodes += 1
            j, i = self.cells[depth]
            k = problem.k[j]
            children = []
            for v in range(k):
                image = images[j].copy()
                image[i] = v
                if k - np.unique(image[:i + 1]).size > problem.n[j] - i - 1:  # too few cells left to be onto
                    continue
                child = dict(images)
                child[j] = image
                complete = {t for t in self.order if (child[t] >= 0).all()}
                child_bounds = pair_bounds.copy()
                for p in self.involves[j]:
                    child_bounds[p] = max(child_bounds[p], self._pair_bound(p, child, complete))
                value = float(child_bounds.max()) if pairs else 0.0
                child_total = float(child_bounds.sum())
                if hopeless(value, child_total):
                    self.pruned += 1
                    continue
                children.append((value, child_total, depth + 1, child, child_bounds))
            children.sort(key=lambda c: (-c[0], -c[1]))  # the most promising child is popped first
            stack.extend(children)
        lower = min([incumbent, tied_floor] + [entry[0] for entry in stack])
        return best, incumbent, lower


def _interval_bound(metric: str, known: np.ndarray, macro: np.ndarray) -> np.ndarray:
    """A lower bound on ``D(p, q)`` over every ``p >= known`` with ``Σ p = 1``, for each row and macro state.

    Parameters
    ----------
    known : (n_s, k)
        Mass already assigned to each macro state; ``1 - Σ known`` is free.
    macro : (n_s̄, k)

    Returns
    -------
    (n_s, n_s̄) ndarray
        Total variation: the exact minimum ``Σ (known − q)⁺``. Jensen–Shannon:
        the largest binary bound, over each single macro state and the set of
        states where ``known`` exceeds ``q``, of ``JSD`` between the two-point
        coarsenings, with ``p(B)`` clamped to its attainable interval.
    """
    excess = np.clip(known[:, None, :] - macro[None, :, :], 0.0, None)
    if metric == "tv":
        total: np.ndarray = excess.sum(axis=2)
        return total
    free = np.clip(1.0 - known.sum(axis=1), 0.0, None)[:, None, None]
    q_single = np.broadcast_to(macro[None, :, :], excess.shape)
    lo_single = np.broadcast_to(known[:, None, :], excess.shape)
    over = known[:, None, :] > macro[None, :, :]
    q_set = np.where(over, macro[None, :, :], 0.0).sum(axis=2, keepdims=True)
    lo_set = np.where(over, known[:, None, :], 0.0).sum(axis=2, keepdims=True)
    q_all = np.concatenate([q_single, q_set], axis=2)
    lo_all = np.concatenate([lo_single, lo_set], axis=2)
    p_all = np.clip(q_all, lo_all, lo_all + free)
    two = np.stack([p_all, 1.0 - p_all], axis=-1)
    ref = np.stack([q_all, 1.0 - q_all], axis=-1)
    worst: np.ndarray = distance("jsd", np.clip(two, 0.0, 1.0), np.clip(ref, 0.0, 1.0)).max(axis=2)
    return worst


def learn_abstraction(micro: CausalModel | str | os.PathLike[str], macro: CausalModel | str | os.PathLike[str],
                      variables: AbstractionSpec | AbstractionMap | str | os.PathLike[str],
                      pairs: Sequence[Pair] | None = None, metric: str = "jsd", *,
                      reference: AbstractionMap | AbstractionSpec | str | os.PathLike[str] | None = None,
                      method: str = "auto", time_limit: float | None = None,
                      tolerance: Tolerance = DEFAULT_TOLERANCE) -> LearnedAbstraction:
    """The surjective value maps of least overall abstraction error, with a certificate of optimality.

    Parameters
    ----------
    micro, macro : CausalModel or str
        The models (any MODEL form, or ``scenario:NAME``); the macro model's
        CPTs are the macro mechanisms.
    variables : AbstractionSpec, AbstractionMap or str
        Which micro nodes each macro node aggregates (a ``discagg/abstraction-v1``
        file whose ``map`` entries may be left out). Maps given there are the
        default ``reference``.
    pairs : sequence of Pair, optional
        Default: every ordered pair of macro nodes joined by a directed path.
    metric : {"jsd", "tv"}
    reference : optional
        Maps to report the distance to (Zennaro et al.'s "true" maps).
    method : {"auto", "exhaustive", "branch-and-bound"}
        ``auto``: exhaustive up to :data:`EXHAUSTIVE_LIMIT` combinations.
    time_limit : float, optional
        Seconds after which branch and bound stops with the best maps found and
        a certified lower bound on the optimum (``stopped`` is then True, and
        ``optimal`` tells whether the bound already meets the value).
    tolerance : Tolerance
        Ties (exhaustive) and exactness.

    Returns
    -------
    LearnedAbstraction

    Raises
    ------
    ModelError
        Bad inputs, or a macro node with fewer micro joint states than macro
        states (no surjective map).

    Examples
    --------
    >>> found = learn_abstraction("scenario:extended", "scenario:extended", "scenario:extended")
    >>> found.value < 1e-12, found.optimal, found.candidates, found.l1
    (True, True, 432, 0)
    """
    check_metric(metric)
    if method not in METHODS:
        raise ModelError(None, "method", f"one of {list(METHODS)}", repr(method))
    if time_limit is not None and not time_limit > 0:
        raise ModelError(None, "time_limit", "a positive number of seconds", repr(time_limit))
    start = time.perf_counter()
    micro, macro_model, spec = resolve_inputs(micro, macro, variables, require_maps=False)
    if macro_model is None:
        raise ModelError(None, "macro", "a macro model with CPTs", "none")
    ref = None
    if reference is not None:
        ref = resolve_inputs(micro, macro_model, reference)[2].bind(micro, macro_model)
    elif spec.has_maps:
        ref = spec.bind(micro, macro_model)
    names = tuple(macro_model.nodes)
    groups = {m: spec.variables[m][0] for m in names}
    n = tuple(math.prod(micro.cardinality(x) for x in groups[m]) for m in names)
    k = tuple(macro_model.cardinality(m) for m in names)
    for m, a, b in zip(names, n, k):
        if a < b:
            raise ModelError(None, f"variables.{m}.nodes", f"at least {b} micro joint states for the {b} states of "
                             f"{m!r} (a surjective map)", f"{a}")
    pairs = check_pairs(pairs, names) if pairs is not None else default_pairs(spec, macro_model, micro)
    index = {m: j for j, m in enumerate(names)}
    problem = _Problem(names, n, k, [], metric)
    for pair in pairs:
        kern = pair_kernels(micro, macro_model, groups, pair)
        problem.pairs.append((tuple(index[m] for m in pair.sources), tuple(index[m] for m in pair.targets),
                              np.asarray(kern.micro), np.asarray(kern.macro)))
    used = sorted({j for s, t, _, _ in problem.pairs for j in s + t})
    free = [j for j in range(len(names)) if j not in used]
    candidates = math.prod(surjective_count(a, b) for a, b in zip(n, k))
    active_count = math.prod(surjective_count(n[j], k[j]) for j in used)
    if method == "auto":
        small = active_count <= EXHAUSTIVE_LIMIT and _table_work(problem, n, k) <= _TABLE_WORK_LIMIT
        method = "exhaustive" if small else "branch-and-bound"
    images: dict[int, np.ndarray]
    ties = tie_l1 = None
    nodes = pruned = 0
    if method == "exhaustive":
        if active_count > 50 * EXHAUSTIVE_LIMIT:
            raise ModelError(None, "method", f"at most {50 * EXHAUSTIVE_LIMIT} combinations for an exhaustive search",
                             f"{active_count}")
        maps = {j: surjections(n[j], k[j]) for j in used}
        images, value, ties, grid = _exhaustive(problem, used, maps, tolerance)
        lower, stopped, evaluated = value, False, active_count
        if ref is not None:
            tie_l1 = _tie_l1(grid, value, tolerance, used, maps, ref, names)
    else:
        deadline = None if time_limit is None else start + time_limit
        search = _BranchAndBound(problem, used, deadline, tolerance.equality)
        found, value, lower = search.run()
        assert found is not None  # the time limit is only checked once a complete assignment was found
        images, stopped = found, search.stopped
        evaluated, nodes, pruned = search.evaluated, search.nodes, search.pruned
    for j in free:
        images[j] = _first_surjection(n[j], k[j])
    states = {x: micro.nodes[x].states for x in micro.nodes}
    learned = AbstractionMap({m: VariableMap.from_image(m, groups[m], states, macro_model.nodes[m].states, images[j])
                              for j, m in enumerate(names)}, name=f"{spec.name}-learned",
                             description=f"value maps learned by discagg ({method}, metric {metric})")
    error = abstraction_error(micro, macro_model, learned, pairs, metric, tolerance=tolerance)
    if abs(error.overall - value) > 1e-9:
        raise SolverError(f"the search's value {value!r} and the recomputed error {error.overall!r} of its maps "
                          "disagree")
    value = error.overall
    lower = min(lower, value)
    optimal = lower >= value - tolerance.equality
    differing = None if ref is None else {m: learned.variables[m].differing(ref.variables[m]) for m in names}
    return LearnedAbstraction(learned, value, lower, optimal, stopped, method, metric, candidates, evaluated,
                              nodes, pruned, time.perf_counter() - start, ties, tuple(names[j] for j in free), error,
                              ref, differing, tie_l1)


_TABLE_WORK_LIMIT = 5 * 10**7
"""``method="auto"`` also leaves exhaustive search when its pair tables would touch more entries than this."""


def _table_work(problem: _Problem, n: tuple[int, ...], k: tuple[int, ...]) -> int:
    """Entries the exhaustive pair tables touch: source images, and distance matrices per choice of target maps."""
    work = 0
    for sources, targets, k0, k1 in problem.pairs:
        n_s = k0.shape[0]
        src = math.prod(surjective_count(n[j], k[j]) for j in sources)
        tgt = math.prod(surjective_count(n[j], k[j]) for j in targets)
        work += src * n_s + tgt * (n_s * k1.size + src * n_s)
    return work


def _first_surjection(n: int, k: int) -> np.ndarray:
    """The lexicographically first surjection: ``0, ..., 0, 1, 2, ..., k - 1``."""
    return np.maximum(np.arange(n) - (n - k), 0).astype(np.intp)


def _tie_l1(grid: np.ndarray, value: float, tolerance: Tolerance, used: list[int], maps: dict[int, np.ndarray],
            ref: AbstractionMap, names: tuple[str, ...]) -> tuple[int, int]:
    """The least and largest L1 distance to the reference over every tied optimum (exhaustive search)."""
    per_node = [2 * (maps[j] != ref.variables[names[j]].image[None, :]).sum(axis=1) for j in used]
    total = np.zeros(grid.shape, dtype=np.int64)
    for a, d in enumerate(per_node):
        shape = [1] * grid.ndim
        shape[a] = len(d)
        total = total + d.reshape(shape)
    tied = total[grid <= value + tolerance.equality]
    return int(tied.min()), int(tied.max())
