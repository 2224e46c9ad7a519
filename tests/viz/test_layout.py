"""The layered layout on its own (no matplotlib): layers, no overlaps, routed long edges, groups."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from discagg.viz.layout import GAP, layered_layout


@st.composite
def dags(draw):
    n = draw(st.integers(2, 14))
    edges = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=30))
    graph = nx.DiGraph()
    graph.add_nodes_from(f"n{i}" for i in range(n))
    graph.add_edges_from((f"n{a}", f"n{b}") for a, b in edges if a < b)  # forward edges only: acyclic
    widths = {node: draw(st.floats(0.2, 1.5)) for node in graph}
    return graph, widths


@settings(max_examples=40, deadline=None)
@given(dags(), st.data())
def test_layers_follow_edges_and_boxes_never_overlap(case, data):
    graph, widths = case
    nodes = sorted(graph)
    group = data.draw(st.lists(st.sampled_from(nodes), min_size=2, max_size=3, unique=True))
    widths = {**widths, "bar(g)": 0.6}
    lay = layered_layout(graph, widths, 0.3, groups={"bar(g)": group})
    for u, v in graph.edges:
        if {u, v} <= set(group) and "bar(g)" in lay.together:
            continue  # inside the group: one row
        assert lay.layers[u] < lay.layers[v]
        assert len(lay.routes[(u, v)]) == lay.layers[v] - lay.layers[u] - 1  # a waypoint per crossed layer
    rows: dict[float, list[tuple[float, float]]] = {}
    for node, (x, y) in lay.centres.items():
        rows.setdefault(round(y, 9), []).append((x - widths[node] / 2, x + widths[node] / 2))
    for spans in rows.values():
        spans.sort()
        for (a0, a1), (b0, b1) in zip(spans, spans[1:]):
            assert b0 - a1 >= min(GAP, 0.3) - 1e-9  # neighbours keep their gap
    if "bar(g)" in lay.together:  # drawn as one unit: one row, inside the frame, the macro node to its right
        x0, y0, x1, y1 = lay.frames["bar(g)"]
        assert len({lay.layers[n] for n in group}) == 1
        for n in group:
            x, y = lay.centres[n]
            assert x0 <= x - widths[n] / 2 and x + widths[n] / 2 <= x1 and y0 < y < y1
        assert lay.centres["bar(g)"][0] - 0.3 > x1


def test_a_group_whose_contraction_would_make_a_cycle_is_not_drawn_as_one_unit():
    graph = nx.DiGraph([("a", "b"), ("b", "c")])
    widths = {"a": 0.5, "b": 0.5, "c": 0.5, "bar(a+c)": 0.8}
    lay = layered_layout(graph, widths, 0.3, groups={"bar(a+c)": ["a", "c"]})  # a -> b -> c: not one row
    assert lay.together == () and lay.layers == {"a": 0, "b": 1, "c": 2}
