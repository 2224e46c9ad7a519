"""Discrete structural causal models in response-function form (canonical SCMs).

Every node ``V`` of a discrete SCM is a deterministic function of its parents and of its
exogenous noise; since ``V`` and its parents are finite, the noise can always be taken to be
the *response function* it selects (Balke and Pearl's canonical form):

.. math::

    V := f_V(\\mathrm{pa}(V)), \\qquad f_V \\sim q_V \\ \\text{over the maps}\\
    \\mathcal{X}_{\\mathrm{pa}(V)} \\to \\mathcal{X}_V .

A :class:`ResponseBlock` is a set of nodes whose response functions are drawn jointly, from
a distribution over tuples of functions; different blocks are independent. One block per node
is exogenous independence (a Markovian SCM, the default of ``discagg/scm-v1``); a block of
several nodes correlates their noises.

A :class:`StructuralModel` is bound to a :class:`~discagg.core.model.CausalModel` and is
*compatible* with it: same DAG, its response functions reproduce the CPTs,
``P(f_V(c) = v) = P(V = v | pa(V) = c)``, and every interventional distribution
``P(V \\ S | do(S = s))`` (the observational one is ``S = ∅``) equals the model's truncated
factorisation. One block per node is compatible by construction; a block of several nodes is
compatible exactly when, for every subset ``T`` of its nodes and every setting ``w`` of the
other parents of ``T``, ``P(T | do(everything else = w))`` computed from the block's joint
responses is the product of the CPTs (the correlation is then visible in no intervention, only
in counterfactuals: it is the freedom conditions (14) and (15) of the paper depend on).

Response tables: ``tables[k][r, c]`` is the state index of ``nodes[k]`` under response ``r``
at parent configuration ``c``, configurations in the CPT's order (the last parent varying
fastest; one configuration for a root).
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike

from discagg.core.model import CausalModel
from discagg.errors import ModelError, preview
from discagg.report.short import fit, listing, plain, quoted

__all__ = ["ENUMERATION_LIMIT", "ResponseBlock", "StructuralModel", "comonotone_responses", "configuration_count",
           "response_marginal"]

ENUMERATION_LIMIT = 2**20
"""Most joint response assignments :meth:`StructuralModel.responses` enumerates (the product of
the numbers of responses of the blocks involved)."""


def configuration_count(model: CausalModel, node: str) -> int:
    """Number of parent configurations of ``node`` (1 for a root).

    >>> from discagg.core.model import Node
    >>> m = CausalModel([Node("A", ["a0", "a1"], [], [0.5, 0.5]),
    ...                  Node("B", ["b0", "b1", "b2"], ["A"], [[1, 0, 0], [0, 0.5, 0.5]])])
    >>> configuration_count(m, "B"), configuration_count(m, "A")
    (2, 1)
    """
    return math.prod(model.cardinality(p) for p in model.node(node).parents)


def _fraction(value: Fraction | float | str) -> Fraction:
    return value if isinstance(value, Fraction) else Fraction(value)


@dataclass(frozen=True, eq=False, init=False)
class ResponseBlock:
    """Nodes whose response functions are drawn jointly.

    Attributes
    ----------
    nodes : tuple of str
    tables : tuple of (r, c_k) ndarray of int, read-only
        One per node: ``tables[k][i, c]`` is the state index of ``nodes[k]`` under response
        ``i`` at parent configuration ``c``.
    probabilities : tuple of Fraction, length r
        The probability of each joint response (floats are taken as the rationals they are).

    Examples
    --------
    >>> b = ResponseBlock(("X",), (np.array([[0], [1]]),), (0.25, 0.75))
    >>> b.size, b.weights.tolist()
    (2, [0.25, 0.75])
    >>> b
    ResponseBlock(nodes X, 2 responses)
    """

    nodes: tuple[str, ...]
    tables: tuple[np.ndarray, ...] = field(repr=False)
    probabilities: tuple[Fraction, ...] = field(repr=False)

    def __init__(self, nodes: Iterable[str], tables: Iterable[ArrayLike],
                 probabilities: Iterable[Fraction | float | str]) -> None:
        # Any iterables in (floats taken as the rationals they are); tuples, read-only int tables and Fractions kept.
        object.__setattr__(self, "nodes", tuple(nodes))
        owned = []
        for table in tables:
            array = np.array(table, dtype=np.intp, copy=True)
            array.setflags(write=False)
            owned.append(array)
        object.__setattr__(self, "tables", tuple(owned))
        object.__setattr__(self, "probabilities", tuple(_fraction(p) for p in probabilities))
        if len(self.tables) != len(self.nodes):
            raise ValueError(f"ResponseBlock: {len(self.nodes)} nodes but {len(self.tables)} tables")
        for table in self.tables:
            if table.ndim != 2 or table.shape[0] != len(self.probabilities):
                raise ValueError(f"ResponseBlock: a table of shape {table.shape} for {len(self.probabilities)} responses")

    def __repr__(self) -> str:
        """One line: the nodes (as many as fit) and the number of joint responses."""
        count = f"{self.size} response" + ("" if self.size == 1 else "s")
        return fit(lambda width: f"ResponseBlock(nodes {listing(self.nodes, 2 * width)}, {count})")

    @property
    def size(self) -> int:
        """Number of (joint) responses."""
        return len(self.probabilities)

    @cached_property
    def weights(self) -> np.ndarray:
        """The probabilities as float64, shape ``(r,)``, read-only."""
        weights = np.array([float(p) for p in self.probabilities], dtype=np.float64)
        weights.setflags(write=False)
        return weights

    def exact_weights(self) -> np.ndarray:
        """The probabilities as an object array of Fractions, shape ``(r,)``."""
        out = np.empty(self.size, dtype=object)
        out[:] = list(self.probabilities)
        return out


@dataclass(frozen=True, eq=False)
class StructuralModel:
    """A discrete SCM in response-function form, compatible with a causal model.

    Construction checks that the blocks partition the model's nodes, that every table fits its
    node (shape, states), that each block's probabilities sum to one within
    ``model.tolerance.normalisation``, that the response functions reproduce the model's CPTs
    (total-variation distance at most ``model.tolerance.equality`` in every row, both rows
    normalised), and that every block of several nodes is compatible (module docstring). Error
    paths name ``nodes.V`` for a node's own block and ``joint[i]`` for the ``i``-th block of
    several nodes, as in ``discagg/scm-v1``.

    Attributes
    ----------
    model : CausalModel
        The CPTs, macro maps, groups and query.
    blocks : tuple of ResponseBlock

    Examples
    --------
    >>> from discagg.core.model import Node
    >>> m = CausalModel([Node("X", ["x0", "x1"], [], [0.5, 0.5]),
    ...                  Node("Y", ["y0", "y1"], ["X"], [[0.75, 0.25], [0.25, 0.75]])])
    >>> scm = StructuralModel.markov(m)
    >>> [b.size for b in scm.blocks]  # X: two constants; Y: three functions (comonotone)
    [2, 3]
    >>> choice, weights = scm.responses()
    >>> values = scm.values(choice, ["Y"], do={"X": 1})
    >>> float(weights[values["Y"] == 1].sum())  # P(Y = y1 | do(X = x1))
    0.75
    >>> scm
    StructuralModel(model='model', 2 nodes, 2 blocks)
    """

    model: CausalModel
    blocks: tuple[ResponseBlock, ...]

    def __repr__(self) -> str:
        """One line: the model's name, its nodes and the blocks (how many draw several nodes jointly), the query."""
        joint = sum(1 for b in self.blocks if len(b.nodes) > 1)
        blocks = f"{len(self.blocks)} block" + ("" if len(self.blocks) == 1 else "s") + (
            f" ({joint} joint)" if joint else "")

        def make(width: int) -> str:
            parts = [f"model={quoted(self.model.name, width)}", f"{len(self.model.nodes)} nodes", blocks]
            query = self.model.query
            if query is not None:
                parts.append(f"query {plain(query.cause, width)} -> {plain(query.effect, width)}")
            return f"StructuralModel({', '.join(parts)})"

        return fit(make)

    def __post_init__(self) -> None:
        object.__setattr__(self, "blocks", tuple(self.blocks))
        seen: dict[str, str] = {}
        joint = 0
        paths = []
        for block in self.blocks:
            path = f"nodes.{block.nodes[0]}" if len(block.nodes) == 1 else f"joint[{joint}]"
            joint += len(block.nodes) > 1
            paths.append(path)
            for name in block.nodes:
                if name not in self.model.nodes:
                    raise ModelError(None, path, f"nodes of the model {preview(self.model.nodes)}", repr(name))
                if name in seen:
                    raise ModelError(None, path, "each node's response function drawn in one block only",
                                     f"{name!r} also in {seen[name]}")
                seen[name] = path
        missing = [n for n in self.model.nodes if n not in seen]
        if missing:
            raise ModelError(None, "nodes", "response functions for every node of the model", f"none for {missing}")
        tolerance = self.model.tolerance
        for block, path in zip(self.blocks, paths):
            if any(p < 0 for p in block.probabilities):
                raise ModelError(None, path, "non-negative response probabilities", "a negative one")
            total = float(sum(block.probabilities, Fraction(0)))
            if abs(total - 1.0) > tolerance.normalisation:
                raise ModelError(None, path, f"response probabilities summing to 1 (within {tolerance.normalisation:g})",
                                 f"sum {total!r}")
            for name, table in zip(block.nodes, block.tables):
                n_cfg, card = configuration_count(self.model, name), self.model.cardinality(name)
                if table.shape[1] != n_cfg:
                    raise ModelError(None, path, f"a response table of {name!r} over its {n_cfg} parent configurations",
                                     f"{table.shape[1]} columns")
                if table.size and (table.min() < 0 or table.max() >= card):
                    raise ModelError(None, path, f"response values among the {card} states of {name!r}",
                                     f"state index {int(table.max() if table.max() >= card else table.min())}")
                self._check_cpt(name, path)
            if len(block.nodes) > 1:
                self._check_block(block, path)

    # -- structure --------------------------------------------------------------------------

    @cached_property
    def _where(self) -> dict[str, tuple[int, int]]:
        """Node -> (block index, position in the block)."""
        return {name: (b, k) for b, block in enumerate(self.blocks) for k, name in enumerate(block.nodes)}

    def table(self, node: str) -> np.ndarray:
        """The response table of ``node``, shape ``(responses of its block, parent configurations)``."""
        b, k = self._where[self.model.node(node).name]
        return self.blocks[b].tables[k]

    def _strides(self, node: str) -> list[tuple[str, int]]:
        parents = self.model.nodes[node].parents
        cards = [self.model.cardinality(p) for p in parents]
        strides = [math.prod(cards[i + 1:]) for i in range(len(parents))]
        return list(zip(parents, strides))

    def derived_cpt(self, node: str) -> np.ndarray:
        """``P(f_V(c) = v)`` from the response functions, shape ``(|pa_1|, ..., |pa_k|, |V|)`` (float64).

        A row sums to the block's total probability (1 within the normalisation tolerance).
        """
        b, k = self._where[self.model.node(node).name]
        return response_marginal(self.blocks[b].tables[k], self.blocks[b].weights,
                                 [self.model.cardinality(p) for p in self.model.nodes[node].parents],
                                 self.model.cardinality(node))

    def _check_cpt(self, node: str, path: str) -> None:
        derived = self.derived_cpt(node)
        card = self.model.cardinality(node)
        mine = derived.reshape(-1, card)
        theirs = self.model.nodes[node].cpt.reshape(-1, card)
        tv = np.abs(mine / mine.sum(axis=1, keepdims=True) - theirs / theirs.sum(axis=1, keepdims=True)).sum(axis=1) / 2
        worst = int(np.argmax(tv))
        if tv[worst] > self.model.tolerance.equality:
            raise ModelError(None, path, f"response functions of {node!r} that reproduce the model's CPT (TV at most "
                             f"{self.model.tolerance.equality:g} in every row)",
                             f"TV {float(tv[worst]):.3g} at parent configuration {self._describe(node, worst)}")

    def _describe(self, node: str, config: int) -> str:
        parents = self.model.nodes[node].parents
        if not parents:
            return "() (a root)"
        cards = [self.model.cardinality(p) for p in parents]
        index = np.unravel_index(config, cards)
        return ", ".join(f"{p}={self.model.nodes[p].states[int(i)]}" for p, i in zip(parents, index))

    def _check_block(self, block: ResponseBlock, path: str) -> None:
        """Every P(T | do(rest)) of the block equals the product of its CPTs (module docstring)."""
        order = [n for n in self.model.topological_order if n in block.nodes]
        weights = block.weights / block.weights.sum()
        cpts = {n: _normalised_rows(self.derived_cpt(n), self.model.cardinality(n)) for n in order}
        rows = np.arange(block.size)
        for size in range(2, len(order) + 1):
            for subset in itertools.combinations(order, size):
                inside = set(subset)
                free = [p for p in self.model.topological_order
                        if p not in inside and any(p in self.model.nodes[v].parents for v in subset)]
                cards = [self.model.cardinality(v) for v in subset]
                grid = np.unravel_index(np.arange(math.prod(cards)), cards)
                for setting in itertools.product(*(range(self.model.cardinality(p)) for p in free)):
                    fixed = dict(zip(free, setting))
                    got_values: dict[str, np.ndarray] = {}
                    expected = np.ones(math.prod(cards))
                    for i, v in enumerate(subset):
                        cfg = sum((got_values[p] if p in inside else fixed[p]) * s for p, s in self._strides(v))
                        got_values[v] = self.table(v)[rows, cfg] if np.ndim(cfg) else self.table(v)[:, int(cfg)]
                        t_cfg = sum((grid[subset.index(p)] if p in inside else fixed[p]) * s for p, s in self._strides(v))
                        expected = expected * cpts[v][t_cfg, grid[i]]
                    ids = np.ravel_multi_index([got_values[v] for v in subset], cards)
                    got = np.bincount(ids, weights=weights, minlength=len(expected))
                    tv = float(np.abs(got - expected).sum() / 2)
                    if tv > self.model.tolerance.equality:
                        where = ", ".join(f"{p}={self.model.nodes[p].states[w]}" for p, w in fixed.items()) or "nothing"
                        raise ModelError(None, path, "response functions whose correlation no intervention shows: "
                                         f"P(T | do(the rest)) equal to the product of the CPTs for every subset T of "
                                         f"the block (TV at most {self.model.tolerance.equality:g})",
                                         f"TV {tv:.3g} for T = {list(subset)} with {where} set")

    # -- enumeration ------------------------------------------------------------------------

    def size(self, nodes: Iterable[str] | None = None) -> int:
        """Number of joint response assignments of the blocks the ancestors of ``nodes`` (default: all) are in."""
        return math.prod(block.size for block in self._blocks_for(nodes))

    def _blocks_for(self, nodes: Iterable[str] | None) -> list[ResponseBlock]:
        needed = set(self.model.nodes) if nodes is None else self.model.ancestors(nodes)
        return [block for block in self.blocks if needed & set(block.nodes)]

    def responses(self, nodes: Iterable[str] | None = None, *, exact: bool = False, limit: int = ENUMERATION_LIMIT
                  ) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Every joint choice of responses of the blocks that the ancestors of ``nodes`` are in.

        Parameters
        ----------
        nodes : iterable of str, optional
            Default: every node.
        exact : bool
            Weights as an object array of Fractions instead of float64.
        limit : int
            Most assignments enumerated.

        Returns
        -------
        choice : dict of str to (N,) ndarray of int
            For each node of those blocks, the index of its response in each assignment.
        weights : (N,) ndarray
            The probability of each assignment (the product over the blocks).

        Raises
        ------
        ModelError
            If there are more than ``limit`` assignments.
        """
        blocks = self._blocks_for(nodes)
        total = math.prod(block.size for block in blocks)
        if total > limit:
            raise ModelError(None, None, f"an SCM with at most {limit} joint response assignments to enumerate (the "
                             "product of the numbers of responses of its blocks)", f"{total}")
        grids = np.unravel_index(np.arange(total), [block.size for block in blocks])
        choice = {name: grid for block, grid in zip(blocks, grids) for name in block.nodes}
        if exact:
            weights = np.empty(total, dtype=object)
            weights[:] = Fraction(1)
            for block, grid in zip(blocks, grids):
                weights = weights * block.exact_weights()[grid]
        else:
            weights = np.ones(total)
            for block, grid in zip(blocks, grids):
                weights = weights * block.weights[grid]
        return choice, weights

    def values(self, choice: Mapping[str, np.ndarray], nodes: Iterable[str], do: Mapping[str, int] | None = None
               ) -> dict[str, np.ndarray]:
        """The values of ``nodes`` (and of their ancestors) in every assignment of ``choice``, under ``do``.

        Parameters
        ----------
        choice : dict of str to (N,) ndarray of int
            From :meth:`responses` for (at least) these nodes.
        nodes : iterable of str
        do : mapping of str to int, optional
            Intervened nodes and their state indices.

        Returns
        -------
        dict of str to (N,) ndarray of int
            State indices, for ``nodes``, their ancestors in the mutilated graph and the intervened nodes.
        """
        do = dict(do or {})
        needed = self.model.ancestors(nodes, cut_incoming=do) | set(do)
        size = len(next(iter(choice.values()))) if choice else 1
        out: dict[str, np.ndarray] = {}
        for name in self.model.topological_order:
            if name not in needed:
                continue
            if name in do:
                out[name] = np.full(size, do[name], dtype=np.intp)
                continue
            cfg = np.zeros(size, dtype=np.intp)
            for parent, stride in self._strides(name):
                cfg = cfg + out[parent] * stride
            out[name] = self.table(name)[choice[name], cfg]
        return out

    # -- construction ------------------------------------------------------------------------

    @classmethod
    def markov(cls, model: CausalModel, *, exact: bool = False, blocks: Sequence[ResponseBlock] = ()
               ) -> "StructuralModel":
        """A Markovian SCM with ``model``'s CPTs: one block per node, its comonotone responses.

        Parameters
        ----------
        model : CausalModel
        exact : bool
            Response probabilities as exact rationals of the normalised CPT rows (each float
            entry taken as the rational it is); otherwise rounded to floats.
        blocks : sequence of ResponseBlock
            Blocks to keep as they are; only the nodes they leave out get Markovian blocks.

        Returns
        -------
        StructuralModel
            Every Markovian SCM with these CPTs has the same interventional distributions and the same
            single-world counterfactuals (those of one intervention, jointly with the factual
            non-descendants); this one draws few responses per node (see
            :func:`comonotone_responses`).
        """
        covered = {name for block in blocks for name in block.nodes}
        made = list(blocks)
        for name in model.topological_order:
            if name in covered:
                continue
            card = model.cardinality(name)
            table, probabilities = comonotone_responses(model.nodes[name].cpt.reshape(-1, card), exact=exact)
            made.append(ResponseBlock((name,), (table,), probabilities))
        return cls(model, tuple(made))


def _normalised_rows(cpt: np.ndarray, card: int) -> np.ndarray:
    rows = cpt.reshape(-1, card)
    normalised: np.ndarray = rows / rows.sum(axis=1, keepdims=True)
    return normalised


def response_marginal(table: np.ndarray, weights: np.ndarray, parent_cards: Sequence[int], card: int) -> np.ndarray:
    """The CPT ``P(f(c) = v) = Σ_r weights[r] [table[r, c] = v]`` of a response distribution.

    Parameters
    ----------
    table : (R, C) array of int
    weights : (R,) array of float
    parent_cards : sequence of int
        The parents' cardinalities (their product is ``C``).
    card : int

    Returns
    -------
    ndarray, shape ``(*parent_cards, card)``

    >>> response_marginal(np.array([[0, 1], [1, 1]]), np.array([0.25, 0.75]), [2], 2).tolist()
    [[0.25, 0.75], [0.0, 1.0]]
    """
    n_cfg = table.shape[1]
    index = np.arange(n_cfg)[None, :] * card + table
    flat = np.bincount(index.ravel(), weights=np.broadcast_to(weights[:, None], table.shape).ravel(),
                       minlength=n_cfg * card)
    return flat.reshape(tuple(parent_cards) + (card,))


def comonotone_responses(rows: np.ndarray, *, exact: bool = False) -> tuple[np.ndarray, list[Fraction]]:
    """Few response functions whose marginals are the given rows: one uniform draw read through every row's quantiles.

    For each row ``c`` (a distribution over states) the unit interval is cut at the row's
    cumulative sums; every piece between two consecutive cuts of any row is one response, mapping
    each ``c`` to the state whose part of row ``c`` contains the piece. Then ``P(f(c) = v)`` is row
    ``c``'s entry ``v``, with at most ``Σ_c (|V| − 1) + 1`` responses.

    Parameters
    ----------
    rows : (C, S) array of float, or object array of Fractions
        Each row is normalised first (exactly, as rationals).
    exact : bool
        Probabilities as exact Fractions; otherwise each rounded to the nearest float.

    Returns
    -------
    table : (R, C) ndarray of int
    probabilities : list of Fraction, length R

    Examples
    --------
    >>> table, p = comonotone_responses(np.array([[0.5, 0.5], [0.25, 0.75]]), exact=True)
    >>> table.tolist(), [str(v) for v in p]
    ([[0, 0], [0, 1], [1, 1]], ['1/4', '1/4', '1/2'])
    """
    rows = np.asarray(rows)
    cumulative = []
    for row in rows:
        values = [v if isinstance(v, Fraction) else Fraction(float(v)) for v in row.tolist()]
        total = sum(values, Fraction(0))
        running, cuts = Fraction(0), []
        for v in values:
            running += v / total
            cuts.append(running)
        cuts[-1] = Fraction(1)
        cumulative.append(cuts)
    points = sorted({Fraction(0)} | {c for cuts in cumulative for c in cuts})
    table, probabilities = [], []
    for a, b in zip(points, points[1:]):
        if b <= a:
            continue
        table.append([min(bisect.bisect_right(cuts, a), len(cuts) - 1) for cuts in cumulative])
        probabilities.append(b - a if exact else Fraction(float(b - a)))
    return np.array(table, dtype=np.intp).reshape(len(table), len(cumulative)), probabilities
