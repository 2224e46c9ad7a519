"""Validation of a causal model's parts: structure, CPTs, coarsenings, groups and query.

:class:`~discagg.core.model.CausalModel` calls these at construction; each
raises a :class:`~discagg.errors.ModelError` naming the key path of the first
problem (``nodes.Y.cpt[1][0]``, ``groups.G.nodes[2]``, ``query.cause``).
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from discagg.errors import ModelError, preview

if TYPE_CHECKING:
    from discagg.core.coarsening import Coarsening
    from discagg.core.groups import Group
    from discagg.core.model import Node, Query

__all__ = ["topological_order", "validate_structure", "validate_cpts", "validate_coarsenings", "validate_query"]


def _index_path(prefix: str, index: Sequence[int]) -> str:
    return prefix + "".join(f"[{int(i)}]" for i in index)


def topological_order(nodes: Mapping[str, Node]) -> tuple[str, ...]:
    """Node names in a topological order, ties broken by declaration order (Kahn's algorithm, O(n log n)).

    Raises
    ------
    ModelError
        Naming a cycle, e.g. ``the cycle A -> B -> C -> A``.
    """
    position = {name: i for i, name in enumerate(nodes)}
    children: dict[str, list[str]] = {name: [] for name in nodes}
    waiting = {name: 0 for name in nodes}
    for node in nodes.values():
        for parent in set(node.parents):
            if parent in children:
                children[parent].append(node.name)
                waiting[node.name] += 1
    ready = [(position[name], name) for name, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, name = heapq.heappop(ready)
        order.append(name)
        for child in children[name]:
            waiting[child] -= 1
            if waiting[child] == 0:
                heapq.heappush(ready, (position[child], child))
    if len(order) < len(position):
        raise ModelError(None, "nodes", "an acyclic graph (a DAG)", f"the cycle {_cycle(nodes, waiting)}")
    return tuple(order)


def _cycle(nodes: Mapping[str, Node], waiting: Mapping[str, int]) -> str:
    """A cycle among the nodes Kahn's algorithm could not order, as ``A -> B -> A``."""
    stuck = {name for name, count in waiting.items() if count > 0}
    start = next(name for name in nodes if name in stuck)
    path, seen = [start], {start: 0}
    while True:  # every stuck node has a stuck parent: walk parents until one repeats
        parent = next(p for p in nodes[path[-1]].parents if p in stuck)
        if parent in seen:
            cycle = path[seen[parent]:][::-1]  # parent order reversed: edges in their causal direction
            position = {name: i for i, name in enumerate(nodes)}
            first = min(range(len(cycle)), key=lambda i: position[cycle[i]])
            cycle = cycle[first:] + cycle[:first]  # start at the node declared first
            return " -> ".join(cycle + [cycle[0]])
        seen[parent] = len(path)
        path.append(parent)


_HASHED_CHECK = 1 << 12
"""From this many states on, distinctness is checked on the names' hashes first (see :func:`_distinct`)."""


def _distinct(states: tuple[str, ...]) -> bool:
    """Whether no state name occurs twice.

    For many names, their hashes are sorted as integers first: distinct hashes
    prove distinct names, in half the time a set of a million strings takes to
    build (it grows, rehashing, and misses the cache on every insertion). Only
    when two hashes coincide (equal names, or a rare collision) is the set
    consulted.

    >>> _distinct(("a", "b")), _distinct(("a", "b", "a"))
    (True, False)
    """
    if len(states) >= _HASHED_CHECK:
        hashes = np.fromiter(map(hash, states), dtype=np.int64, count=len(states))
        hashes.sort()
        if (hashes[1:] != hashes[:-1]).all():
            return True
    return len(set(states)) == len(states)


def validate_structure(nodes: Mapping[str, Node]) -> None:
    """States non-empty and distinct, parents distinct and known, and the graph acyclic.

    Raises
    ------
    ModelError
    """
    for node in nodes.values():
        where = f"nodes.{node.name}"
        if node.cardinality == 0:
            raise ModelError(None, f"{where}.states", "at least one state", "an empty list")
        if not _distinct(node.states):
            dupes = sorted({s for s in node.states if node.states.count(s) > 1})
            raise ModelError(None, f"{where}.states", "distinct state names", f"duplicates {preview(dupes)}")
        if len(set(node.parents)) != len(node.parents):
            raise ModelError(None, f"{where}.parents", "distinct parents", preview(node.parents))
        for i, parent in enumerate(node.parents):
            if parent == node.name:
                raise ModelError(None, f"{where}.parents[{i}]", "a parent other than the node itself", repr(parent))
            if parent not in nodes:
                raise ModelError(None, f"{where}.parents[{i}]", f"the name of a node of the model {preview(nodes)}",
                                 repr(parent))
    topological_order(nodes)


_BLOCK_ENTRIES = 1 << 18
"""Entries of a CPT checked at a time (2 MiB of float64): each block is read from memory once, and
its range and row sums are checked while it is in cache; temporaries stay that small whatever the
CPT's size."""


def _range_error(cpt: np.ndarray, where: str) -> ModelError:
    """The error for the first non-finite entry of ``cpt``, else its first entry outside [0, 1]."""
    bad = np.argwhere(~np.isfinite(cpt))
    if bad.size:
        idx = tuple(bad[0])
        return ModelError(None, _index_path(where, idx), "a finite probability", repr(float(cpt[idx])))
    idx = tuple(np.argwhere((cpt < 0.0) | (cpt > 1.0))[0])
    return ModelError(None, _index_path(where, idx), "a probability in [0, 1]", repr(float(cpt[idx])))


def _in_range(x: np.ndarray) -> bool:
    # min and max are reductions (no temporaries) and propagate NaN
    return x.size == 0 or (0.0 <= float(x.min()) and float(x.max()) <= 1.0)


def validate_cpts(nodes: Mapping[str, Node], normalisation: float) -> None:
    """Every CPT of the right shape, finite, in [0, 1], rows summing to 1 within ``normalisation``.

    The first non-finite entry of a CPT is reported before its first entry
    outside [0, 1], and both before any row sum.

    Raises
    ------
    ModelError
        Naming the first bad entry, e.g. ``nodes.Y.cpt[1][0]``.
    """
    for node in nodes.values():
        where = f"nodes.{node.name}.cpt"
        expected = tuple(nodes[p].cardinality for p in node.parents) + (node.cardinality,)
        if node.cpt.shape != expected:
            raise ModelError(None, where, f"an array of shape {expected} (parents {preview(node.parents)}, "
                             f"then the node's own states)", f"shape {node.cpt.shape}")
        # One pass over blocks of rows: range, then row sums by a BLAS matrix-vector product (numpy's
        # sum over a short last axis is slower over the same memory: 0.44 s against 0.31 s for 2^23
        # rows of 10). Whole-CPT temporaries would cost a third of the CPT again at 2^22 rows.
        flat = node.cpt.reshape(-1, node.cardinality)
        ones = np.ones(node.cardinality)
        rows = max(1, _BLOCK_ENTRIES // node.cardinality)
        for start in range(0, flat.shape[0], rows):
            block = flat[start:start + rows]
            if not _in_range(block):
                raise _range_error(node.cpt, where)
            deviation = block @ ones
            deviation -= 1.0
            np.abs(deviation, out=deviation)
            bad = np.flatnonzero(deviation > normalisation)
            if bad.size:
                if not _in_range(flat[start + rows:]):  # a bad entry further on is reported first
                    raise _range_error(node.cpt, where)
                row = start + int(bad[0])
                idx = tuple(int(i) for i in np.unravel_index(row, node.cpt.shape[:-1])) if node.cpt.ndim > 1 else ()
                total = float(flat[row].sum())
                raise ModelError(None, _index_path(where, idx), f"entries summing to 1 (within {normalisation:g})",
                                 f"sum {total!r}")


def validate_coarsenings(nodes: Mapping[str, Node], macro: Mapping[str, Coarsening],
                         groups: Mapping[str, Group]) -> None:
    """Single-node coarsenings match their node's states; groups have fresh names, known nodes, the right size.

    Raises
    ------
    ModelError
    """
    for node_name, coarsening in macro.items():
        if node_name not in nodes:
            raise ModelError(None, f"macro.{node_name}", f"a node of the model {preview(nodes)}", repr(node_name))
        if coarsening.node != node_name or coarsening.micro_states != nodes[node_name].states:
            raise ModelError(None, f"macro.{node_name}", f"a coarsening of the states {preview(nodes[node_name].states)}",
                             f"one of node {coarsening.node!r} with states {preview(coarsening.micro_states)}")
    for group_name, group in groups.items():
        where = f"groups.{group_name}"
        if group_name in nodes or group.name != group_name:
            raise ModelError(None, where, "a group name different from every node name", repr(group_name))
        for i, node in enumerate(group.nodes):
            if node not in nodes:
                raise ModelError(None, f"{where}.nodes[{i}]", f"a node of the model {preview(nodes)}", repr(node))
        expected = int(np.prod([nodes[n].cardinality for n in group.nodes]))
        if group.coarsening.n_micro != expected:
            raise ModelError(None, where, f"a coarsening of the {expected} joint states",
                             str(group.coarsening.n_micro))


def validate_query(nodes: Mapping[str, Node], groups: Mapping[str, Group], query: Query) -> None:
    """The query's cause and effect are distinct nodes or groups of the model.

    Raises
    ------
    ModelError
    """
    for role in ("cause", "effect"):
        value = getattr(query, role)
        if value not in nodes and value not in groups:
            raise ModelError(None, f"query.{role}", f"a node of the model {preview(nodes)}", repr(value))
    if query.cause == query.effect:
        raise ModelError(None, "query", "different cause and effect nodes", f"{query.cause!r} for both")
