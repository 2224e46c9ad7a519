"""Macro variables over groups of nodes.

A *group* aggregates several nodes at once: its micro state is the joint state
of its nodes (named by joining the nodes' state names with commas, in the
group's node order, the last node varying fastest) and its coarsening maps
joint states to macro states. The map is given by a specification:

``{"sum": "index"}``
    the sum of the nodes' state indices (0, 1, ...);
``{"sum": "value"}``
    the sum of the nodes' numeric state names (e.g. states "0", "1", "2.5");
``{"count": STATE}``
    how many of the nodes are in the named state;
``"bins": [e_1, ..., e_m]``
    (with any of the above) macro states ``<e_1``, ``[e_1,e_2)``, ..., ``>=e_m``;
    one edge is a threshold;
``{"table": {joint state: macro state}}``
    an explicit table listing every joint state once.

Without bins the macro states are the attained values, in increasing order.
On the command line (and as ``cause=``/``effect=`` in Python) a group is
``NODE,NODE[:MAP]`` with MAP one of ``sum``, ``value-sum``, ``count=STATE``,
optionally followed by ``>=K`` (a threshold) or ``@E1,E2,...`` (bins): e.g.
``Raf,Mek:sum`` or ``Erk,Akt:sum>=2``; bins alone bin the sum of state indices.
A single node with a map, ``smoke:count=yes`` or ``Age:@2,4``, coarsens that
node (see :mod:`discagg.core.selection`).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from discagg.core.coarsening import Coarsening
from discagg.errors import ModelError, describe, preview
from discagg.limits import check_entries

__all__ = ["Group", "build_group", "parse_group", "GROUPS_VERSION"]

GROUPS_VERSION = 1


@dataclass(frozen=True, eq=False)
class Group:
    """A macro variable over several nodes.

    Attributes
    ----------
    name : str
        The group's name, used as a cause or effect in queries.
    nodes : tuple of str
    spec : dict
        The map specification (saved in the model file).
    coarsening : Coarsening
        Over the joint states of ``nodes``.
    """

    name: str
    nodes: tuple[str, ...]
    spec: Mapping[str, Any] = field(repr=False)
    coarsening: Coarsening = field(repr=False)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Group):
            return NotImplemented
        return (self.name, self.nodes, dict(self.spec), self.coarsening) == (
            other.name, other.nodes, dict(other.spec), other.coarsening)

    __hash__ = None  # type: ignore[assignment]  # unhashable; typeshed types __hash__ as a method


def joint_states(states: Sequence[Sequence[str]]) -> list[str]:
    """Names of the joint states, last node varying fastest: ``["a0,b0", "a0,b1", ...]``."""
    return [",".join(combo) for combo in itertools.product(*states)]


def _label(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def build_group(name: str, nodes: Sequence[str], states: Mapping[str, Sequence[str]], spec: Mapping[str, Any],
                *, path: str | None = None) -> Group:
    """Validate a group specification and build its coarsening.

    Parameters
    ----------
    name : str
    nodes : sequence of str
        Distinct node names (at least one).
    states : mapping
        The states of each node.
    spec : mapping
        The map specification (see the module docstring).
    path : str, optional
        Key path for error messages (default ``"groups.<name>"``).

    Raises
    ------
    ModelError

    Examples
    --------
    >>> g = build_group("AB", ["A", "B"], {"A": ["lo", "hi"], "B": ["lo", "hi"]}, {"sum": "index"})
    >>> g.coarsening.macro_states, g.coarsening.assignment.tolist()
    (('0', '1', '2'), [0, 1, 1, 2])
    >>> build_group("AB", ["A", "B"], {"A": ["lo", "hi"], "B": ["lo", "hi"]},
    ...             {"count": "hi", "bins": [2]}).coarsening.to_mapping()
    {'<2': ['lo,lo', 'lo,hi', 'hi,lo'], '>=2': ['hi,hi']}
    """
    path = path or f"groups.{name}"
    nodes = tuple(nodes)
    if not nodes or len(set(nodes)) != len(nodes):
        raise ModelError(None, f"{path}.nodes", "a non-empty list of distinct nodes", repr(list(nodes)))
    for i, node in enumerate(nodes):
        if node not in states:
            raise ModelError(None, f"{path}.nodes[{i}]", f"a node of the model {list(states)}", repr(node))
    if not isinstance(spec, Mapping):
        raise ModelError(None, f"{path}.map", "an object such as {\"sum\": \"index\"}", describe(spec))
    cards = [len(states[n]) for n in nodes]
    check_entries(math.prod(cards), f"the joint states of the {len(nodes)} nodes of group {name!r}", f"{path}.nodes")
    names = joint_states([states[n] for n in nodes])
    if "table" in spec:
        extra = set(spec) - {"table"}
        if extra:
            raise ModelError(None, f"{path}.map", "only 'table' with an explicit table", f"also {sorted(extra)}")
        table = spec["table"]
        if not isinstance(table, Mapping):
            raise ModelError(None, f"{path}.map.table", "an object mapping joint states to macro states",
                             describe(table))
        mapping: dict[str, list[str]] = {}
        for joint, macro in table.items():
            if not isinstance(macro, str) or not macro:
                raise ModelError(None, f"{path}.map.table.{joint}", "a macro state name", describe(macro))
            mapping.setdefault(macro, []).append(joint)
        coarsening = Coarsening.from_mapping(name, names, mapping, path=f"{path}.map.table")
        return Group(name, nodes, dict(spec), coarsening)
    kinds = [k for k in ("sum", "count") if k in spec]
    if len(kinds) != 1 or set(spec) - {"sum", "count", "bins"}:
        raise ModelError(None, f"{path}.map", "one of 'sum' or 'count' (optionally with 'bins'), or 'table'",
                         repr(dict(spec)))
    per_node: list[np.ndarray] = []
    if "sum" in spec:
        if spec["sum"] == "index":
            per_node = [np.arange(c, dtype=np.float64) for c in cards]
        elif spec["sum"] == "value":
            for n in nodes:
                try:
                    per_node.append(np.array([float(s) for s in states[n]]))
                except ValueError:
                    raise ModelError(None, f"{path}.map.sum", f"numeric state names of node {n!r} for a value "
                                     "sum", repr(list(states[n]))) from None
        else:
            raise ModelError(None, f"{path}.map.sum", "'index' or 'value'", repr(spec["sum"]))
    else:
        target = spec["count"]
        if not any(target in states[n] for n in nodes):
            raise ModelError(None, f"{path}.map.count", "a state name of at least one of the nodes", repr(target))
        per_node = [np.array([1.0 if s == target else 0.0 for s in states[n]]) for n in nodes]
    score = np.zeros(cards)
    for axis, values in enumerate(per_node):
        shape = [1] * len(cards)
        shape[axis] = cards[axis]
        score = score + values.reshape(shape)
    score = score.ravel()
    if "bins" in spec:
        edges = spec["bins"]
        if (not isinstance(edges, list) or not edges or any(isinstance(e, bool) or not isinstance(e, (int, float))
                                                            for e in edges) or sorted(edges) != edges
                or len(set(edges)) != len(edges)):
            raise ModelError(None, f"{path}.map.bins", "a non-empty increasing list of numbers", describe(edges))
        assignment = np.searchsorted(np.asarray(edges, dtype=np.float64), score, side="right")
        labels = [f"<{_label(edges[0])}"] + [f"[{_label(a)},{_label(b)})" for a, b in zip(edges, edges[1:])] + [
            f">={_label(edges[-1])}"]
        used = np.unique(assignment)
        if len(used) < len(labels):
            empty = [labels[k] for k in range(len(labels)) if k not in used]
            raise ModelError(None, f"{path}.map.bins", "bins that every contain some joint state",
                             f"{empty} empty")
    else:
        values, assignment = np.unique(score, return_inverse=True)
        labels = [_label(v) for v in values]
    coarsening = Coarsening.from_assignment(name, names, labels, assignment)
    return Group(name, nodes, dict(spec), coarsening)


_MAP = re.compile(r"^(?P<kind>sum|value-sum|count=(?P<state>[^>@]+))?(?:>=(?P<threshold>-?[\d.]+)|@(?P<bins>[-\d.,]+))?$")


def parse_group(text: str, states: Mapping[str, Sequence[str]], *, option: str = "--cause") -> tuple[str, tuple[str, ...], dict[str, Any] | None]:
    """Parse ``NODE,NODE[:MAP]`` from the command line into (name, nodes, spec).

    ``spec`` is None when no map is given (a single node keeps its own macro map).

    Examples
    --------
    >>> parse_group("Erk,Akt:sum>=2", {"Erk": ["a"], "Akt": ["b"]})
    ('Erk+Akt', ('Erk', 'Akt'), {'sum': 'index', 'bins': [2]})
    """
    nodes_text, _, map_text = text.partition(":")
    nodes = tuple(n.strip() for n in nodes_text.split(",") if n.strip())
    if not nodes:
        raise ModelError(None, option, "NODE[,NODE...][:MAP]", repr(text))
    for node in nodes:
        if node not in states:
            raise ModelError(None, option, f"nodes of the model {preview(sorted(states))}", repr(node))
    if not map_text:
        if len(nodes) > 1:
            raise ModelError(None, option, "a map for a group of nodes (e.g. ':sum', ':sum>=2', ':count=HIGH')",
                             repr(text))
        return nodes[0], nodes, None
    match = _MAP.match(map_text)
    if match is None:
        raise ModelError(None, option, "a map sum, value-sum or count=STATE, optionally followed by >=K or "
                         "@E1,E2,...", repr(map_text))
    kind = match["kind"] or "sum"  # bins alone (``Age:@2,4``) bin the state index
    spec: dict[str, Any] = ({"sum": "index"} if kind == "sum" else {"sum": "value"} if kind == "value-sum"
                            else {"count": match["state"]})

    def number(value: str) -> int | float:
        try:
            result = float(value)
        except ValueError:
            raise ModelError(None, option, "numeric bin edges", repr(value[:40])) from None
        if not math.isfinite(result):
            shown = value if len(value) <= 20 else f"{value[:20]}... ({len(value)} characters)"
            raise ModelError(None, option, "bin edges within float64's finite range", shown)
        return int(result) if result.is_integer() else result

    if match["threshold"] is not None:
        spec["bins"] = [number(match["threshold"])]
    elif match["bins"] is not None:
        spec["bins"] = [number(v) for v in match["bins"].split(",") if v]
    return "+".join(nodes), nodes, spec
