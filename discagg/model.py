"""Discrete causal models: a DAG of categorical nodes with CPTs, plus coarsenings.

CPT axis convention (the same in memory and in the ``discagg/model-v1`` file
format): the axes of a node's CPT are its parents, in the listed order, followed
by the node's own states; the last axis sums to one. For ``Y`` with parents
``(X, Z)``, ``cpt[i, j, k] = P(Y = y_k | X = x_i, Z = z_j)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType

import networkx as nx
import numpy as np

from discagg.coarsening import Coarsening
from discagg.errors import ModelError
from discagg.groups import Group
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["Node", "Query", "CausalModel"]


def _index_path(prefix: str, index: Sequence[int]) -> str:
    return prefix + "".join(f"[{int(i)}]" for i in index)


@dataclass(frozen=True, eq=False)
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

    Examples
    --------
    >>> z = Node("Z", ("lean", "fatty"), (), np.array([0.4, 0.6]))
    >>> z.cardinality
    2
    """

    name: str
    states: tuple[str, ...]
    parents: tuple[str, ...]
    cpt: np.ndarray = field(repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "states", tuple(self.states))
        object.__setattr__(self, "parents", tuple(self.parents))
        cpt = np.array(self.cpt, dtype=np.float64, copy=True)
        cpt.setflags(write=False)
        object.__setattr__(self, "cpt", cpt)

    @property
    def cardinality(self) -> int:
        """Number of states."""
        return len(self.states)

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

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Query:
    """The default (cause, effect) pair of a model."""

    cause: str
    effect: str


@dataclass(frozen=True, eq=False)
class CausalModel:
    """A discrete causal Bayesian network with optional coarsenings.

    Construction validates everything: parent names, acyclicity, CPT shapes and
    values (finite, in [0, 1], last axis summing to one within
    ``tolerance.normalisation``), coarsenings and the query. Errors are
    :class:`~discagg.errors.ModelError` with a key path such as
    ``nodes.Y.cpt[1][0]``.

    Parameters
    ----------
    nodes : sequence of Node
        In any order (the declaration order is kept for saving).
    macro : mapping of str to Coarsening, optional
        Coarsenings by node name.
    name, description : str
    query : Query, optional
        Default cause and effect (nodes or groups).
    tolerance : Tolerance
        Used only to validate normalisation at construction.
    groups : mapping of str to Group, optional
        Macro variables over several nodes (:mod:`discagg.groups`).

    Examples
    --------
    >>> z = Node("Z", ["z0", "z1"], [], [0.5, 0.5])
    >>> x = Node("X", ["x0", "x1"], ["Z"], [[0.9, 0.1], [0.2, 0.8]])
    >>> m = CausalModel([z, x], name="tiny")
    >>> m.topological_order
    ('Z', 'X')
    >>> m.cardinality("X")
    2
    """

    nodes: Mapping[str, Node]
    macro: Mapping[str, Coarsening] = field(default_factory=dict)
    name: str = "model"
    description: str = ""
    query: Query | None = None
    tolerance: Tolerance = field(default=DEFAULT_TOLERANCE, repr=False)
    groups: Mapping[str, Group] = field(default_factory=dict)

    def __post_init__(self) -> None:
        nodes = self.nodes
        if isinstance(nodes, Mapping):
            nodes = list(nodes.values())
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
        self._validate_structure()
        self._validate_cpts()
        macro = dict(self.macro)
        for node_name, coarsening in macro.items():
            if node_name not in by_name:
                raise ModelError(None, f"macro.{node_name}", f"a node of the model {list(by_name)}",
                                 repr(node_name))
            if coarsening.node != node_name or coarsening.micro_states != by_name[node_name].states:
                raise ModelError(None, f"macro.{node_name}",
                                 f"a coarsening of the states {list(by_name[node_name].states)}",
                                 f"one of node {coarsening.node!r} with states {list(coarsening.micro_states)}")
        object.__setattr__(self, "macro", MappingProxyType(macro))
        groups = dict(self.groups)
        for group_name, group in groups.items():
            where = f"groups.{group_name}"
            if group_name in by_name or group.name != group_name:
                raise ModelError(None, where, "a group name different from every node name", repr(group_name))
            for i, node in enumerate(group.nodes):
                if node not in by_name:
                    raise ModelError(None, f"{where}.nodes[{i}]", f"a node of the model {list(by_name)}", repr(node))
            expected = int(np.prod([by_name[n].cardinality for n in group.nodes]))
            if group.coarsening.n_micro != expected:
                raise ModelError(None, where, f"a coarsening of the {expected} joint states", str(
                    group.coarsening.n_micro))
        object.__setattr__(self, "groups", MappingProxyType(groups))
        if self.query is not None:
            for role in ("cause", "effect"):
                value = getattr(self.query, role)
                if value not in by_name and value not in groups:
                    raise ModelError(None, f"query.{role}", f"a node of the model {list(by_name)}", repr(value))
            if self.query.cause == self.query.effect:
                raise ModelError(None, "query", "different cause and effect nodes",
                                 f"{self.query.cause!r} for both")

    # -- validation -----------------------------------------------------------------

    def _validate_structure(self) -> None:
        for node in self.nodes.values():
            where = f"nodes.{node.name}"
            if node.cardinality == 0:
                raise ModelError(None, f"{where}.states", "at least one state", "an empty list")
            if len(set(node.states)) != node.cardinality:
                dupes = sorted({s for s in node.states if node.states.count(s) > 1})
                raise ModelError(None, f"{where}.states", "distinct state names", f"duplicates {dupes}")
            if len(set(node.parents)) != len(node.parents):
                raise ModelError(None, f"{where}.parents", "distinct parents", repr(list(node.parents)))
            for i, parent in enumerate(node.parents):
                if parent == node.name:
                    raise ModelError(None, f"{where}.parents[{i}]", "a parent other than the node itself",
                                     repr(parent))
                if parent not in self.nodes:
                    raise ModelError(None, f"{where}.parents[{i}]",
                                     f"the name of a node of the model {list(self.nodes)}", repr(parent))
        graph = self.graph
        if not nx.is_directed_acyclic_graph(graph):
            cycle = nx.find_cycle(graph)
            text = " -> ".join([u for u, _ in cycle] + [cycle[0][0]])
            raise ModelError(None, "nodes", "an acyclic graph (a DAG)", f"the cycle {text}")

    def _validate_cpts(self) -> None:
        tol = self.tolerance.normalisation
        for node in self.nodes.values():
            where = f"nodes.{node.name}.cpt"
            expected = tuple(self.nodes[p].cardinality for p in node.parents) + (node.cardinality,)
            if node.cpt.shape != expected:
                raise ModelError(None, where, f"an array of shape {expected} (parents {list(node.parents)}, "
                                 f"then the node's own states)", f"shape {node.cpt.shape}")
            bad = np.argwhere(~np.isfinite(node.cpt))
            if bad.size:
                idx = tuple(bad[0])
                raise ModelError(None, _index_path(where, idx), "a finite probability", repr(float(node.cpt[idx])))
            bad = np.argwhere((node.cpt < 0.0) | (node.cpt > 1.0))
            if bad.size:
                idx = tuple(bad[0])
                raise ModelError(None, _index_path(where, idx), "a probability in [0, 1]",
                                 repr(float(node.cpt[idx])))
            sums = node.cpt.sum(axis=-1)
            # np.argwhere sees nothing in a 0-d array (a root node's single row),
            # so compare on an explicitly shaped view and map the index back.
            bad = np.argwhere(np.reshape(np.abs(sums - 1.0) > tol, sums.shape or (1,)))
            if bad.size:
                idx = tuple(bad[0])[: sums.ndim]
                raise ModelError(None, _index_path(where, idx), f"entries summing to 1 (within {tol:g})",
                                 f"sum {float(sums[idx])!r}")

    # -- structure ----------------------------------------------------------------------

    @cached_property
    def graph(self) -> nx.DiGraph:
        """The DAG as a frozen :class:`networkx.DiGraph` (read-only)."""
        graph = nx.DiGraph()
        graph.add_nodes_from(self.nodes)
        for node in self.nodes.values():
            graph.add_edges_from((parent, node.name) for parent in node.parents if parent in self.nodes)
        return nx.freeze(graph)

    @cached_property
    def topological_order(self) -> tuple[str, ...]:
        """Node names in a topological order (ties broken by declaration order)."""
        position = {name: i for i, name in enumerate(self.nodes)}
        return tuple(nx.lexicographical_topological_sort(self.graph, key=position.__getitem__))

    def node(self, name: str) -> Node:
        """The node called ``name``; raises :class:`ModelError` if there is none."""
        try:
            return self.nodes[name]
        except KeyError:
            raise ModelError(None, None, f"a node of model {self.name!r} {list(self.nodes)}", repr(name)) from None

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

    __hash__ = None  # type: ignore[assignment]
