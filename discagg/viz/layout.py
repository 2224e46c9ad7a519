"""A layered (Sugiyama-style) layout of a DAG whose nodes are boxes of given widths, in inches.

Used by :mod:`discagg.viz.draw`; pure Python and networkx, no matplotlib. The steps:

1. *Units.* Each group to be drawn together (its nodes side by side in one
   box) is contracted to one unit, unless that would make a cycle or the group
   shares a node with one placed before it; every other node is a unit of its own.
2. *Layers* from the topological order: a unit's layer is one more than its
   deepest parent's; a unit without parents sits just above its highest child.
3. *Long edges* get one waypoint per layer they cross, so that they are routed
   between the boxes instead of through them.
4. *Order* within each layer by barycentre sweeps, keeping the order with the
   fewest crossings.
5. *Positions*: each unit at the mean position of its neighbours, as nearly as
   the boxes' widths and a fixed gap allow (an isotonic regression per layer).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

__all__ = ["GAP", "LAYER_GAP", "Layout", "layered_layout"]

GAP = 0.22  # inches between neighbouring boxes of a layer
GROUP_GAP = 0.34  # inches between the nodes of a group (room for an arrow between them)
LAYER_GAP = 0.62  # inches between the bottom of one layer and the top of the next
_PAD = 0.09  # inches between a group's nodes and its frame
_ATTACH = 0.28  # inches between a node (or group frame) and its macro node
_WAYPOINT = 0.06  # width reserved for a long edge passing through a layer
_SWEEPS = 12


@dataclass(frozen=True)
class Layout:
    """Where everything goes, in inches (y grows upwards; layer 0 is at the top).

    Attributes
    ----------
    centres : dict of node to (x, y)
        The centre of every node's box, macro nodes included.
    frames : dict of str to (x0, y0, x1, y1)
        The frame around each group drawn as one unit, by its macro node.
    routes : dict of (u, v) to list of (x, y)
        Waypoints of the edges that cross layers (empty list for the others).
    layers : dict of node to int
    together : tuple of str
        The macro nodes whose groups were drawn as one unit.
    height : float
        The height of every box.
    """

    centres: dict[str, tuple[float, float]]
    frames: dict[str, tuple[float, float, float, float]]
    routes: dict[tuple[str, str], list[tuple[float, float]]]
    layers: dict[str, int]
    together: tuple[str, ...]
    height: float
    widths: dict[str, float] = field(repr=False)

    def extent(self) -> tuple[float, float, float, float]:
        """``(x0, y0, x1, y1)`` covering every box and frame."""
        xs0 = [x - self.widths[n] / 2 for n, (x, _) in self.centres.items()]
        xs1 = [x + self.widths[n] / 2 for n, (x, _) in self.centres.items()]
        ys0 = [y - self.height / 2 for _, y in self.centres.values()]
        ys1 = [y + self.height / 2 for _, y in self.centres.values()]
        for x0, y0, x1, y1 in self.frames.values():
            xs0.append(x0)
            ys0.append(y0)
            xs1.append(x1)
            ys1.append(y1)
        for x, _ in (p for route in self.routes.values() for p in route):
            xs0.append(x - _WAYPOINT)
            xs1.append(x + _WAYPOINT)
        return min(xs0), min(ys0), max(xs1), max(ys1)


def layered_layout(
    dag: nx.DiGraph[str],
    widths: Mapping[str, float],
    height: float,
    *,
    groups: Mapping[str, Sequence[str]] = {},
    attached: Mapping[str, str] = {},
) -> Layout:
    """Lay out the micro DAG ``dag`` with macro nodes beside what they aggregate.

    Parameters
    ----------
    dag : networkx.DiGraph
        The micro nodes and the edges that order them (causal edges).
    widths : mapping of node to float
        Box width of every node of ``dag`` and every macro node, in inches.
    height : float
        Box height, in inches.
    groups : mapping of macro node to sequence of nodes
        Groups to draw as one unit (in priority order): their nodes side by
        side in a frame, the macro node to its right.
    attached : mapping of node to macro node
        Single coarsened nodes: the macro node is placed to the node's right.

    Returns
    -------
    Layout

    Examples
    --------
    >>> g = nx.DiGraph([("a", "b"), ("b", "c"), ("a", "c")])
    >>> lay = layered_layout(g, {"a": 0.5, "b": 0.5, "c": 0.5}, 0.3)
    >>> lay.layers == {"a": 0, "b": 1, "c": 2}, len(lay.routes[("a", "c")])
    (True, 1)
    """
    unit_of = {n: n for n in dag}
    members: dict[str, list[str]] = {n: [n] for n in dag}
    together = []
    for macro, nodes in groups.items():
        nodes = [n for n in nodes if n in dag]
        if len(nodes) < 2 or any(len(members[unit_of[n]]) > 1 or unit_of[n] != n for n in nodes):
            continue
        trial = dict(unit_of)
        for n in nodes:
            trial[n] = macro
        if not nx.is_directed_acyclic_graph(_contract(dag, trial)):
            continue
        unit_of = trial
        for n in nodes:
            del members[n]
        members[macro] = nodes
        together.append(macro)
    units = _contract(dag, unit_of)
    layer = _layers(units)

    # unit widths: members side by side (framed if a group), then the macro node
    unit_width: dict[str, float] = {}
    for unit, nodes in members.items():
        inner = sum(widths[n] for n in nodes) + GROUP_GAP * (len(nodes) - 1)
        if len(nodes) > 1:
            inner += 2 * _PAD
            macro = unit
        else:
            macro = attached.get(nodes[0], "")
        unit_width[unit] = inner + (_ATTACH + widths[macro] if macro else 0.0)

    # long edges get waypoints (dummy units) in the layers they cross
    chains: dict[tuple[str, str], list[str]] = {}
    for u, v in dag.edges:
        a, b = unit_of[u], unit_of[v]
        if a == b:
            continue
        dummies = [f"\0{u}\0{v}\0{k}" for k in range(layer[a] + 1, layer[b])]
        for k, d in zip(range(layer[a] + 1, layer[b]), dummies):
            layer[d] = k
            unit_width[d] = _WAYPOINT
        chains[(u, v)] = dummies
    links: nx.DiGraph[str] = nx.DiGraph()
    links.add_nodes_from(layer)
    for (u, v), dummies in chains.items():
        path = [unit_of[u], *dummies, unit_of[v]]
        links.add_edges_from(zip(path, path[1:]))

    order = _order(links, layer, list(nx.topological_sort(units)))
    x = _positions(links, order, unit_width)

    centres: dict[str, tuple[float, float]] = {}
    frames: dict[str, tuple[float, float, float, float]] = {}
    step = height + LAYER_GAP + (2 * _PAD if together else 0.0)
    for unit, nodes in members.items():
        y = -step * layer[unit]
        left = x[unit] - unit_width[unit] / 2
        cursor = left + (_PAD if len(nodes) > 1 else 0.0)
        for n in nodes:
            centres[n] = (cursor + widths[n] / 2, y)
            cursor += widths[n] + GROUP_GAP
        cursor -= GROUP_GAP
        macro = unit if len(nodes) > 1 else attached.get(nodes[0], "")
        if len(nodes) > 1:
            cursor += _PAD
            frames[unit] = (left, y - height / 2 - _PAD, cursor, y + height / 2 + _PAD)
        if macro:
            centres[macro] = (cursor + _ATTACH + widths[macro] / 2, y)
    routes = {(u, v): [(x[d], -step * layer[d]) for d in dummies] for (u, v), dummies in chains.items()}
    layers = {n: layer[unit_of[n]] for n in dag}
    for macro, nodes in [*((m, members[m]) for m in together), *((a, [n]) for n, a in attached.items())]:
        if macro in centres:
            layers[macro] = layers[nodes[0]]
    return Layout(centres, frames, routes, layers, tuple(together), height, dict(widths))


def _contract(dag: nx.DiGraph[str], unit_of: Mapping[str, str]) -> nx.DiGraph[str]:
    units: nx.DiGraph[str] = nx.DiGraph()
    units.add_nodes_from(dict.fromkeys(unit_of[n] for n in dag))
    units.add_edges_from((unit_of[u], unit_of[v]) for u, v in dag.edges if unit_of[u] != unit_of[v])
    return units


def _layers(units: nx.DiGraph[str]) -> dict[str, int]:
    """Longest path from the sources; a source is then moved down to just above its highest child."""
    layer: dict[str, int] = {}
    for unit in nx.topological_sort(units):
        layer[unit] = 1 + max((layer[p] for p in units.predecessors(unit)), default=-1)
    for unit in units:
        children = list(units.successors(unit))
        if units.in_degree(unit) == 0 and children:
            layer[unit] = min(layer[c] for c in children) - 1
    return layer


def _crossings(rows: list[list[str]], links: nx.DiGraph[str]) -> int:
    total = 0
    for upper, lower in zip(rows, rows[1:]):
        where = {n: i for i, n in enumerate(lower)}
        pairs = sorted((i, where[v]) for i, u in enumerate(upper) for v in links.successors(u) if v in where)
        for k, (a, b) in enumerate(pairs):  # quadratic, fine at the sizes drawn
            total += sum(1 for (a2, b2) in pairs[k + 1:] if a2 > a and b2 < b)
    return total


def _order(links: nx.DiGraph[str], layer: Mapping[str, int], topological: list[str]) -> list[list[str]]:
    depth = max(layer.values(), default=0) + 1
    rank = {n: i for i, n in enumerate(topological)}
    rows: list[list[str]] = [[] for _ in range(depth)]
    for n in sorted(layer, key=lambda n: (rank.get(n, len(rank)), n)):
        rows[layer[n]].append(n)
    best, best_crossings = [list(r) for r in rows], _crossings(rows, links)
    for sweep in range(_SWEEPS):
        downwards = sweep % 2 == 0
        sequence = range(1, depth) if downwards else range(depth - 2, -1, -1)
        for k in sequence:
            fixed = {n: i for i, n in enumerate(rows[k - 1 if downwards else k + 1])}
            current = {n: i for i, n in enumerate(rows[k])}

            def barycentre(n: str) -> float:
                near = links.predecessors(n) if downwards else links.successors(n)
                spots = [fixed[m] for m in near if m in fixed]
                return float(np.mean(spots)) if spots else float(current[n])

            rows[k].sort(key=lambda n: (barycentre(n), current[n]))
        crossings = _crossings(rows, links)
        if crossings < best_crossings:
            best, best_crossings = [list(r) for r in rows], crossings
    return best


def _isotonic(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Weighted least-squares non-decreasing fit (pool adjacent violators)."""
    blocks: list[list[float]] = []  # [value, weight, count]
    for v, w in zip(values, weights):
        blocks.append([float(v), float(w), 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            v2, w2, c2 = blocks.pop()
            v1, w1, c1 = blocks.pop()
            blocks.append([(v1 * w1 + v2 * w2) / (w1 + w2), w1 + w2, c1 + c2])
    fitted: np.ndarray = np.repeat([b[0] for b in blocks], [int(b[2]) for b in blocks])
    return fitted


def _place(desired: np.ndarray, sizes: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Positions as near ``desired`` as the order and ``sizes`` (centre-to-centre minima) allow."""
    offsets = np.concatenate([[0.0], np.cumsum(sizes)])
    placed: np.ndarray = _isotonic(desired - offsets, weights) + offsets
    return placed


def _positions(links: nx.DiGraph[str], rows: list[list[str]], width: Mapping[str, float]) -> dict[str, float]:
    x: dict[str, float] = {}
    for row in rows:
        cursor = 0.0
        for n in row:
            x[n] = cursor + width[n] / 2
            cursor += width[n] + GAP
    for sweep in range(2 * _SWEEPS):
        sequence = list(range(len(rows))) if sweep % 2 == 0 else list(range(len(rows) - 1, -1, -1))
        for k in sequence:
            row = rows[k]
            if not row:
                continue
            desired = np.empty(len(row))
            weights = np.empty(len(row))
            for i, n in enumerate(row):
                near = [x[m] for m in (*links.predecessors(n), *links.successors(n))]
                desired[i] = float(np.mean(near)) if near else x[n]
                # waypoints of long edges pull hardest, so that long edges run straight
                weights[i] = (4.0 if n.startswith("\0") else 1.0) * max(len(near), 1)
            sizes = np.array([(width[a] + width[b]) / 2 + GAP for a, b in zip(row, row[1:])])
            for n, value in zip(row, _place(desired, sizes, weights)):
                x[n] = float(value)
    low = min(x[n] - width[n] / 2 for n in x) if x else 0.0
    return {n: v - low for n, v in x.items()}
