"""Abstraction maps between a micro and a macro model, and the pairs of macro variables they are judged on.

An abstraction (in the sense of Rischel and Weichwald, and of Zennaro et al.'s
``a`` and ``alphas``) says, for each macro node ``X̄``, which micro nodes it
aggregates, ``a⁻¹(X̄)``, and how: a surjective *value map* ``α_X̄`` from the
joint states of those micro nodes (named as groups name them,
``"s0,e1"``, the last node varying fastest) to the states of ``X̄``. It is the
node-group coarsening of :mod:`discagg.core.groups` with a codomain fixed by the
macro model: the map may be given by any group specification (``sum``,
``count``, ``bins``, ``table``), and each macro state it produces must be a
state of ``X̄``.

Micro nodes outside every ``a⁻¹(X̄)`` are neither intervened on nor observed:
they are summed out. A micro node belongs to at most one macro node.

A *pair* ``(S̄, T̄)`` is a set of macro sources and a disjoint set of macro
targets; the abstraction error compares the two paths of the abstraction
diagram for every micro intervention on ``a⁻¹(S̄)``
(:mod:`discagg.abstraction.error`). :func:`default_pairs` gives Zennaro et
al.'s evaluation set for their four scenarios: every ordered pair of single
macro nodes joined by a directed path in the macro DAG.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from discagg.core.arrays import readonly
from discagg.core.groups import build_group, joint_states
from discagg.core.model import CausalModel
from discagg.errors import CoarseningWarning, ModelError, preview
from discagg.limits import check_entries

__all__ = ["VariableMap", "AbstractionMap", "AbstractionSpec", "Pair", "default_pairs", "check_pairs",
           "surjective_count"]


@dataclass(frozen=True, eq=False)
class VariableMap:
    """The value map of one macro node: micro joint states to macro states.

    Attributes
    ----------
    macro : str
        The macro node.
    nodes : tuple of str
        The micro nodes it aggregates, in the order of their joint states.
    joint_states : tuple of str, length n
        Names of the micro joint states (``"a0,b1"``; the last node varies fastest).
    states : tuple of str, length k
        The macro node's states, in the macro model's order.
    image : (n,) ndarray of int, read-only
        ``image[i]`` is the index (into ``states``) of the macro state of joint state ``i``.
    node_states : tuple of tuple of str
        The states of each micro node.
    spec : mapping
        The map specification (a group specification; saved in the map file).

    Examples
    --------
    >>> v = VariableMap.from_spec("Xbar", ["A", "B"], {"A": ["0", "1"], "B": ["0", "1"]}, ("0", "1", "2"),
    ...                           {"sum": "index"})
    >>> v.image.tolist(), v.cardinalities
    ([0, 1, 1, 2], (2, 2))
    """

    macro: str
    nodes: tuple[str, ...]
    joint_states: tuple[str, ...] = field(repr=False)
    states: tuple[str, ...]
    image: np.ndarray = field(repr=False)
    node_states: tuple[tuple[str, ...], ...] = field(repr=False)
    spec: Mapping[str, Any] = field(repr=False)

    @classmethod
    def from_spec(cls, macro: str, nodes: Sequence[str], micro_states: Mapping[str, Sequence[str]],
                  states: Sequence[str] | None, spec: Mapping[str, Any], *, path: str | None = None) -> "VariableMap":
        """Build the map of ``macro`` from a group specification and check it against the macro states.

        Parameters
        ----------
        macro : str
        nodes : sequence of str
            Micro nodes, in the order of their joint states.
        micro_states : mapping
            The states of (at least) those micro nodes.
        states : sequence of str or None
            The macro node's states; None when there is no macro model (the
            macro states are then the ones the map produces, in its order).
        spec : mapping
            A group specification (:mod:`discagg.core.groups`).
        path : str, optional
            Key path for messages (default ``"variables.<macro>"``).

        Raises
        ------
        ModelError
            A malformed specification, a macro state that is not a state of
            ``macro``, or a state of ``macro`` that no micro joint state reaches
            (the value map must be surjective).
        """
        path = path or f"variables.{macro}"
        with warnings.catch_warnings():
            # An abstraction map may well be one-to-one (an identity map), which the paper's
            # coarsenings warn about; here it is an ordinary case.
            warnings.simplefilter("ignore", CoarseningWarning)
            group = build_group(macro, nodes, micro_states, spec, path=path)
        coarsening = group.coarsening
        if states is None:  # no macro model: the states the map produces (a table's sorted, numbers numerically)
            states = coarsening.macro_states
            if "table" in spec:
                states = tuple(sorted(states, key=_state_key))
        states = tuple(states)
        index = {s: i for i, s in enumerate(states)}
        to_state = np.empty(coarsening.n_macro, dtype=np.intp)
        for k, name in enumerate(coarsening.macro_states):
            if name not in index:
                raise ModelError(None, f"{path}.map", f"macro states of node {macro!r} {preview(states)}",
                                 f"the map producing {name!r}")
            to_state[k] = index[name]
        image = to_state[coarsening.assignment]
        node_states = tuple(tuple(micro_states[n]) for n in group.nodes)
        return cls._checked(macro, group.nodes, tuple(coarsening.micro_states), states, image, node_states,
                            dict(spec), path)

    @classmethod
    def from_image(cls, macro: str, nodes: Sequence[str], micro_states: Mapping[str, Sequence[str]],
                   states: Sequence[str], image: np.ndarray | Sequence[int]) -> "VariableMap":
        """Build the map from the macro index of every micro joint state; its spec is the explicit table.

        >>> v = VariableMap.from_image("Y", ["A"], {"A": ["a", "b", "c"]}, ["lo", "hi"], [0, 0, 1])
        >>> v.to_table()
        {'a': 'lo', 'b': 'lo', 'c': 'hi'}
        """
        nodes = tuple(nodes)
        node_states = tuple(tuple(micro_states[n]) for n in nodes)
        check_entries(math.prod(len(s) for s in node_states), f"the joint states of the micro nodes of {macro!r}",
                      f"variables.{macro}")
        names = tuple(joint_states(node_states))
        states = tuple(states)
        image = np.asarray(image, dtype=np.intp).copy()
        if image.shape != (len(names),) or (image < 0).any() or (image >= len(states)).any():
            raise ModelError(None, f"variables.{macro}", f"a macro index in [0, {len(states)}) for each of the "
                             f"{len(names)} micro joint states", f"shape {image.shape}")
        table = {name: states[k] for name, k in zip(names, image.tolist())}
        return cls._checked(macro, nodes, names, states, image, node_states, {"table": table}, f"variables.{macro}")

    @classmethod
    def _checked(cls, macro: str, nodes: tuple[str, ...], names: tuple[str, ...], states: tuple[str, ...],
                 image: np.ndarray, node_states: tuple[tuple[str, ...], ...], spec: dict[str, Any], path: str
                 ) -> "VariableMap":
        reached = np.bincount(image, minlength=len(states)) > 0
        if not reached.all():
            missing = [states[k] for k in np.flatnonzero(~reached)]
            raise ModelError(None, f"{path}.map", f"a surjective map onto the states of {macro!r} (every macro "
                             "state reached by some micro joint state)", f"{preview(missing)} reached by none")
        return cls(macro, nodes, names, states, readonly(image), node_states, MappingProxyType(spec))

    @property
    def cardinalities(self) -> tuple[int, ...]:
        """The number of states of each micro node."""
        return tuple(len(s) for s in self.node_states)

    @property
    def n_micro(self) -> int:
        """Number of micro joint states."""
        return len(self.joint_states)

    @property
    def n_macro(self) -> int:
        """Number of macro states."""
        return len(self.states)

    def to_table(self) -> dict[str, str]:
        """``{micro joint state: macro state}``."""
        return {name: self.states[k] for name, k in zip(self.joint_states, self.image.tolist())}

    def matrix(self) -> np.ndarray:
        """The 0/1 matrix of the map, shape ``(k, n)``: ``A[image[i], i] = 1`` (Zennaro et al.'s ``alphas``)."""
        out = np.zeros((self.n_macro, self.n_micro))
        out[self.image, np.arange(self.n_micro)] = 1.0
        return out

    def differing(self, other: "VariableMap") -> int:
        """How many micro joint states the two maps send to different macro states."""
        if other.nodes != self.nodes or other.states != self.states:
            raise ModelError(None, f"variables.{self.macro}", f"maps over the same micro nodes {list(self.nodes)} "
                             f"and macro states {list(self.states)}", f"{list(other.nodes)} -> {list(other.states)}")
        return int((self.image != other.image).sum())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, VariableMap):
            return NotImplemented
        return (self.macro, self.nodes, self.states) == (other.macro, other.nodes, other.states) and bool(
            np.array_equal(self.image, other.image))

    __hash__ = None  # type: ignore[assignment]  # unhashable; typeshed types __hash__ as a method


def _state_key(name: str) -> tuple[int, float, str]:
    """Numbers first, in numeric order, then the other names in text order."""
    try:
        return (0, float(name), name)
    except ValueError:
        return (1, 0.0, name)


@dataclass(frozen=True)
class AbstractionSpec:
    """Which micro nodes each macro node aggregates, and (optionally) how: the content of a map file.

    Attributes
    ----------
    variables : mapping of str to (tuple of str, mapping or None)
        For each macro node: its micro nodes and its map specification (None
        when only the correspondence is given, as for ``learn-abstraction``).
    name, description : str
    """

    variables: Mapping[str, tuple[tuple[str, ...], Mapping[str, Any] | None]]
    name: str = "abstraction"
    description: str = ""

    @property
    def has_maps(self) -> bool:
        """Every macro node has a map specification."""
        return all(spec is not None for _, spec in self.variables.values())

    def check_nodes(self, micro: CausalModel, macro: CausalModel | None) -> None:
        """The micro nodes exist and are used once; with a macro model, every macro node is mapped.

        Raises
        ------
        ModelError
        """
        owner: dict[str, str] = {}
        for name, (nodes, _) in self.variables.items():
            if macro is not None and name not in macro.nodes:
                raise ModelError(None, f"variables.{name}", f"a node of the macro model {preview(macro.nodes)}",
                                 repr(name))
            if not nodes:
                raise ModelError(None, f"variables.{name}.nodes", "a non-empty list of micro nodes", "[]")
            for i, node in enumerate(nodes):
                if node not in micro.nodes:
                    raise ModelError(None, f"variables.{name}.nodes[{i}]",
                                     f"a node of the micro model {preview(micro.nodes)}", repr(node))
                if node in owner:
                    raise ModelError(None, f"variables.{name}.nodes[{i}]", "each micro node in at most one macro "
                                     "node", f"{node!r} also in {owner[node]!r}")
                owner[node] = name
        if macro is not None:
            missing = [n for n in macro.nodes if n not in self.variables]
            if missing:
                raise ModelError(None, "variables", "an entry for every node of the macro model",
                                 f"none for {preview(missing)}")

    def bind(self, micro: CausalModel, macro: CausalModel | None) -> "AbstractionMap":
        """The maps of this specification, checked against the micro and (optional) macro model.

        Raises
        ------
        ModelError
            An unknown or repeated micro node, a macro node without an entry or
            without a map, or a map that is not a surjection onto the macro states.
        """
        self.check_nodes(micro, macro)
        states = {n: micro.nodes[n].states for n in micro.nodes}
        order = list(macro.nodes) if macro is not None else list(self.variables)
        maps = {}
        for name in order:
            nodes, spec = self.variables[name]
            if spec is None:
                raise ModelError(None, f"variables.{name}.map", "a value map for every macro node", "none")
            maps[name] = VariableMap.from_spec(name, nodes, states, macro.nodes[name].states if macro else None, spec)
        return AbstractionMap(maps, name=self.name, description=self.description)


@dataclass(frozen=True, eq=False)
class AbstractionMap:
    """The value maps of every macro node (Zennaro et al.'s ``a`` and ``alphas`` together).

    Attributes
    ----------
    variables : mapping of str to VariableMap
        By macro node, in the macro model's order.
    name, description : str
    """

    variables: Mapping[str, VariableMap]
    name: str = "abstraction"
    description: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "variables", MappingProxyType(dict(self.variables)))

    def micro_nodes(self, macro_nodes: Sequence[str]) -> tuple[str, ...]:
        """``a⁻¹`` of ``macro_nodes``: their micro nodes, in that order (the order of the joint states)."""
        return tuple(n for m in macro_nodes for n in self.variables[m].nodes)

    def spec(self) -> AbstractionSpec:
        """The specification this map saves as."""
        return AbstractionSpec({m: (v.nodes, dict(v.spec)) for m, v in self.variables.items()}, self.name,
                               self.description)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AbstractionMap):
            return NotImplemented
        return list(self.variables) == list(other.variables) and all(
            self.variables[m] == other.variables[m] for m in self.variables)

    __hash__ = None  # type: ignore[assignment]  # unhashable; typeshed types __hash__ as a method


@dataclass(frozen=True)
class Pair:
    """Macro sources and targets whose abstraction diagram is compared.

    >>> Pair(("Smoking_",), ("Cancer_",))
    Pair(sources=('Smoking_',), targets=('Cancer_',))
    """

    sources: tuple[str, ...]
    targets: tuple[str, ...]

    def to_dict(self) -> dict[str, list[str]]:
        return {"sources": list(self.sources), "targets": list(self.targets)}


def _reaches(parents: Mapping[str, Sequence[str]], order: Sequence[str]) -> dict[str, set[str]]:
    """For each node, the nodes it reaches by a directed path of one or more edges."""
    children: dict[str, list[str]] = {n: [] for n in order}
    for node in order:
        for p in parents[node]:
            children[p].append(node)
    reach: dict[str, set[str]] = {}
    for node in reversed(order):
        below: set[str] = set()
        for child in children[node]:
            below.add(child)
            below |= reach[child]
        reach[node] = below
    return reach


def default_pairs(mapping: AbstractionMap | AbstractionSpec, macro: CausalModel | None,
                  micro: CausalModel | None = None) -> tuple[Pair, ...]:
    """Every ordered pair of single macro nodes ``(s̄, t̄)`` with a directed path ``s̄ → ... → t̄``.

    The path is taken in the macro DAG; without a macro model, in the micro DAG
    (from some node of ``a⁻¹(s̄)`` to some node of ``a⁻¹(t̄)``). Pairs are listed
    by source, then target, in the macro model's (or the map's) topological order.
    For Zennaro et al.'s four lung-cancer scenarios this is exactly their
    evaluation set ``J``.

    Raises
    ------
    ModelError
        If no pair has a path (nothing to compare).
    """
    if macro is not None:
        order = list(macro.topological_order)
        reach = _reaches({n: macro.nodes[n].parents for n in order}, order)
        linked = {(s, t) for s in order for t in reach[s]}
    else:
        if micro is None:
            raise ModelError(None, None, "a macro or a micro model to take pairs from", "neither")
        micro_order = list(micro.topological_order)
        reach = _reaches({n: micro.nodes[n].parents for n in micro_order}, micro_order)
        groups = {m: nodes for m, (nodes, _) in (
            mapping.variables.items() if isinstance(mapping, AbstractionSpec)
            else ((m, (v.nodes, None)) for m, v in mapping.variables.items()))}
        position = {n: i for i, n in enumerate(micro_order)}
        order = sorted(groups, key=lambda m: min(position[n] for n in groups[m]))
        linked = {(s, t) for s in order for t in order if s != t
                  and any(reach[a] & set(groups[t]) for a in groups[s])}
    pairs = tuple(Pair((s,), (t,)) for s in order for t in order if (s, t) in linked)
    if not pairs:
        raise ModelError(None, None, "macro nodes joined by a directed path (the pairs to compare)", "none")
    return pairs


def check_pairs(pairs: Sequence[Pair], macro_nodes: Sequence[str], *, path: str = "pairs") -> tuple[Pair, ...]:
    """Each pair's sources and targets are non-empty, distinct, disjoint macro nodes.

    Raises
    ------
    ModelError
    """
    known = set(macro_nodes)
    pairs = tuple(pairs)
    if not pairs:
        raise ModelError(None, path, "at least one pair", "none")
    for i, pair in enumerate(pairs):
        for role in ("sources", "targets"):
            names = getattr(pair, role)
            if not names:
                raise ModelError(None, f"{path}[{i}].{role}", "a non-empty list of macro nodes", "[]")
            for j, name in enumerate(names):
                if name not in known:
                    raise ModelError(None, f"{path}[{i}].{role}[{j}]", f"a macro node {preview(macro_nodes)}",
                                     repr(name))
            if len(set(names)) != len(names):
                raise ModelError(None, f"{path}[{i}].{role}", "distinct macro nodes", repr(list(names)))
        shared = set(pair.sources) & set(pair.targets)
        if shared:
            raise ModelError(None, f"{path}[{i}]", "sources and targets without common nodes",
                             f"{sorted(shared)} in both")
    return pairs


def surjective_count(n: int, k: int) -> int:
    """The number of surjections from ``n`` elements onto ``k``: ``k! S(n, k)`` (inclusion-exclusion).

    >>> surjective_count(4, 2), surjective_count(3, 3), surjective_count(2, 3)
    (14, 6, 0)
    """
    return sum((-1) ** j * math.comb(k, j) * (k - j) ** n for j in range(k + 1))
