"""Discrete causal models: a DAG of categorical nodes with CPTs, plus coarsenings.

CPT axis convention (the same in memory and in the ``discagg/model-v1`` file
format): the axes of a node's CPT are its parents, in the listed order, followed
by the node's own states; the last axis sums to one. For ``Y`` with parents
``(X, Z)``, ``cpt[i, j, k] = P(Y = y_k | X = x_i, Z = z_j)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from discagg.core.coarsening import Coarsening
from discagg.core.groups import Group
from discagg.core.validation import (
    topological_order,
    validate_coarsenings,
    validate_cpts,
    validate_query,
    validate_structure,
)
from discagg.errors import ModelError, preview
from discagg.report.short import fit, listing, plain, quoted
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Node", "Query", "CausalModel"]


def _frozen_all_the_way(array: np.ndarray) -> bool:
    """Nothing can write to ``array``: it is read-only, and so is every array it is a view of."""
    base: object = array
    while isinstance(base, np.ndarray):
        if base.flags.writeable:
            return False
        base = base.base
    return True


def _owned_cpt(values: object) -> np.ndarray:
    """The CPT the node keeps: the caller's array itself when it is handed over read-only, else a read-only copy.

    The ownership rule: a float64, C-contiguous array that nothing can write to
    any more (``array.setflags(write=False)`` on an array that owns its data) is
    kept as it is, without a copy; anything else (lists, other dtypes, arrays
    the caller could still change) is copied once, so that no later change by
    the caller reaches the model.
    """
    if (isinstance(values, np.ndarray) and values.dtype == np.float64 and values.flags.c_contiguous
            and _frozen_all_the_way(values)):
        return values
    cpt = np.array(values, dtype=np.float64, copy=True)
    cpt.setflags(write=False)
    return cpt


@dataclass(frozen=True, eq=False, init=False)
class Node:
    """A categorical node: named states, ordered parents and a CPT.

    Attributes
    ----------
    name : str
    states : tuple of str
        The node's states, in order (the CPT's last axis).
    parents : tuple of str
        Parent names, in the order of the CPT's leading axes.
    cpt : ndarray, float64, read-only
        Shape ``(|pa_1|, ..., |pa_k|, |states|)``; the last axis sums to one.
        An array handed over read-only (float64, C-contiguous, not writeable,
        nor a view of a writeable array) is kept without a copy; anything else
        is copied once. To hand a large CPT over without doubling memory, call
        ``cpt.setflags(write=False)`` before building the node.

    Examples
    --------
    >>> z = Node("Z", ("lean", "fatty"), (), np.array([0.4, 0.6]))
    >>> z.cardinality
    2
    >>> Node("X", ("x0", "x1"), ("Z",), [[0.9, 0.1], [0.2, 0.8]])
    Node(name='X', 2 states, parents Z)
    """

    name: str
    states: tuple[str, ...]
    parents: tuple[str, ...]
    cpt: np.ndarray = field(repr=False)

    def __init__(self, name: str, states: Iterable[str], parents: Iterable[str], cpt: ArrayLike) -> None:
        # Any iterables in, tuples and a read-only float64 CPT kept: the attributes have the narrow types.
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "states", tuple(states))
        object.__setattr__(self, "parents", tuple(parents))
        object.__setattr__(self, "cpt", _owned_cpt(cpt))

    @property
    def cardinality(self) -> int:
        """Number of states."""
        return len(self.states)

    def __repr__(self) -> str:
        def make(width: int) -> str:
            parents = f"parents {listing(self.parents, 2 * width)}" if self.parents else "no parents"
            return f"Node(name={quoted(self.name, width)}, {self.cardinality} states, {parents})"

        return fit(make)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Node):
            return NotImplemented
        return (
            self.name == other.name
            and self.states == other.states
            and self.parents == other.parents
            and self.cpt.shape == other.cpt.shape
            and bool(np.array_equal(self.cpt, other.cpt))
        )

    __hash__ = None  # type: ignore[assignment]  # unhashable; typeshed types __hash__ as a method


@dataclass(frozen=True)
class Query:
    """The default (cause, effect) pair of a model."""

    cause: str
    effect: str


@dataclass(frozen=True, eq=False, init=False)
class CausalModel:
    """A discrete causal Bayesian network with optional coarsenings.

    Construction validates everything: parent names, acyclicity, CPT shapes and
    values (finite, in [0, 1], last axis summing to one within
    ``tolerance.normalisation``), coarsenings and the query. Errors are
    :class:`~discagg.errors.ModelError` with a key path such as
    ``nodes.Y.cpt[1][0]``.

    Parameters
    ----------
    nodes : iterable of Node, or mapping of str to Node
        In any order (the declaration order is kept for saving); a mapping's
        values are taken (its keys are the nodes' names anyway). The attribute
        ``nodes`` is a read-only mapping by name.
    macro : mapping of str to Coarsening, optional
        Coarsenings by node name.
    name, description : str
    query : Query, optional
        Default cause and effect (nodes or groups).
    tolerance : Tolerance
        Used only to validate normalisation at construction.
    groups : mapping of str to Group, optional
        Macro variables over several nodes (:mod:`discagg.core.groups`).

    Examples
    --------
    >>> z = Node("Z", ["z0", "z1"], [], [0.5, 0.5])
    >>> x = Node("X", ["x0", "x1"], ["Z"], [[0.9, 0.1], [0.2, 0.8]])
    >>> m = CausalModel([z, x], name="tiny")
    >>> m.topological_order
    ('Z', 'X')
    >>> m.cardinality("X")
    2
    >>> CausalModel([z, x], name="tiny", query=Query("Z", "X"))
    CausalModel(name='tiny', 2 nodes, query Z -> X)
    """

    nodes: Mapping[str, Node]
    macro: Mapping[str, Coarsening] = field(default_factory=dict)
    name: str = "model"
    description: str = ""
    query: Query | None = None
    tolerance: Tolerance = field(default=DEFAULT_TOLERANCE, repr=False)
    groups: Mapping[str, Group] = field(default_factory=dict)

    def __init__(
        self,
        nodes: Iterable[Node] | Mapping[str, Node],
        macro: Mapping[str, Coarsening] | None = None,
        name: str = "model",
        description: str = "",
        query: Query | None = None,
        tolerance: Tolerance = DEFAULT_TOLERANCE,
        groups: Mapping[str, Group] | None = None,
    ) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "description", description)
        object.__setattr__(self, "query", query)
        object.__setattr__(self, "tolerance", tolerance)
        self._validate(nodes.values() if isinstance(nodes, Mapping) else nodes, macro or {}, groups or {})

    def _validate(self, nodes: Iterable[Node], macro_in: Mapping[str, Coarsening], groups_in: Mapping[str, Group]
                  ) -> None:
        by_name: dict[str, Node] = {}
        for node in nodes:
            if not isinstance(node, Node):
                raise TypeError(f"CausalModel nodes must be Node objects, got {type(node).__name__}")
            if node.name in by_name:
                raise ModelError(None, f"nodes.{node.name}", "unique node names", "a duplicate")
            by_name[node.name] = node
        if not by_name:
            raise ModelError(None, "nodes", "at least one node", "none")
        object.__setattr__(self, "nodes", MappingProxyType(by_name))
        validate_structure(self.nodes)
        validate_cpts(self.nodes, self.tolerance.normalisation)
        macro, groups = dict(macro_in), dict(groups_in)
        validate_coarsenings(self.nodes, macro, groups)
        object.__setattr__(self, "macro", MappingProxyType(macro))
        object.__setattr__(self, "groups", MappingProxyType(groups))
        if self.query is not None:
            validate_query(self.nodes, groups, self.query)

    def __repr__(self) -> str:
        def make(width: int) -> str:
            parts = [f"name={quoted(self.name, width)}", f"{len(self.nodes)} nodes"]
            if self.groups:
                parts.append(f"{len(self.groups)} group" + ("" if len(self.groups) == 1 else "s"))
            if self.query is not None:
                parts.append(f"query {plain(self.query.cause, width)} -> {plain(self.query.effect, width)}")
            return f"CausalModel({', '.join(parts)})"

        return fit(make)

    # -- structure ----------------------------------------------------------------------

    @cached_property
    def graph(self) -> nx.DiGraph[str]:
        """The DAG as a frozen :class:`networkx.DiGraph` (read-only; networkx is imported on first use)."""
        import networkx as nx

        graph: nx.DiGraph[str] = nx.DiGraph()
        graph.add_nodes_from(self.nodes)
        for node in self.nodes.values():
            graph.add_edges_from((parent, node.name) for parent in node.parents if parent in self.nodes)
        nx.freeze(graph)  # in place: graph is now read-only
        return graph

    @cached_property
    def topological_order(self) -> tuple[str, ...]:
        """Node names in a topological order (ties broken by declaration order)."""
        return topological_order(self.nodes)

    def node(self, name: str) -> Node:
        """The node called ``name``; raises :class:`ModelError` if there is none."""
        try:
            return self.nodes[name]
        except KeyError:
            raise ModelError(None, None, f"a node of model {self.name!r} {preview(self.nodes)}", repr(name)) from None

    def cardinality(self, name: str) -> int:
        """Number of states of node ``name``."""
        return self.node(name).cardinality

    def ancestors(self, names: Iterable[str], *, cut_incoming: Iterable[str] = ()) -> set[str]:
        """The nodes ``names`` and all their ancestors.

        Parameters
        ----------
        names : iterable of str
        cut_incoming : iterable of str
            Nodes whose incoming edges are removed first (the mutilated graph of
            an intervention on them).
        """
        cut = set(cut_incoming)
        result: set[str] = set()
        stack = list(names)
        while stack:
            name = stack.pop()
            if name in result:
                continue
            result.add(self.node(name).name)
            if name not in cut:
                stack.extend(self.nodes[name].parents)
        return result

    def members(self, name: str) -> tuple[str, ...]:
        """The nodes of a group, or ``(name,)`` for a node; raises :class:`ModelError` if unknown."""
        if name in self.groups:
            return self.groups[name].nodes
        return (self.node(name).name,)

    def coarsening(self, name: str) -> Coarsening:
        """The coarsening of node or group ``name``; raises :class:`ModelError` if it has none."""
        if name in self.groups:
            return self.groups[name].coarsening
        self.node(name)
        try:
            return self.macro[name]
        except KeyError:
            raise ModelError(None, f"macro.{name}", f"a coarsening (macro map) of node {name!r}",
                             f"none (the model coarsens {sorted(self.macro) or 'no node'})") from None

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, CausalModel):
            return NotImplemented
        return (
            self.name == other.name
            and self.description == other.description
            and self.query == other.query
            and list(self.nodes) == list(other.nodes)
            and all(self.nodes[n] == other.nodes[n] for n in self.nodes)
            and list(self.macro) == list(other.macro)
            and all(self.macro[n] == other.macro[n] for n in self.macro)
            and list(self.groups) == list(other.groups)
            and all(self.groups[g] == other.groups[g] for g in self.groups)
        )

    __hash__ = None  # type: ignore[assignment]  # unhashable; typeshed types __hash__ as a method
