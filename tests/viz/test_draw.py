"""Graphs people can read: layers, boxes that fit their labels, groups, legends, the size limit."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest

pytest.importorskip("matplotlib")

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402

from discagg import Aggregation, ModelError, load_model  # noqa: E402
from discagg.plot import draw  # noqa: E402
from discagg.theory.graphs import amalgamated_graph  # noqa: E402
from discagg.viz.draw import FONT, MAX_NODES, graph_to_draw  # noqa: E402


def named(figure, prefix):
    return {str(a.get_gid())[len(prefix):]: a for a in figure.findobj(lambda a: str(a.get_gid()).startswith(prefix))}


def boxes(figure):
    """Node name -> its box's (x0, y0, x1, y1) in pixels."""
    renderer = FigureCanvasAgg(figure).get_renderer()
    return {name: tuple(patch.get_window_extent(renderer).extents) for name, patch in named(figure, "node:").items()}


def check_readable(figure, graph):
    """Every node a box around its whole label, no two boxes overlapping, labels at least FONT points."""
    renderer = FigureCanvasAgg(figure).get_renderer()
    drawn = boxes(figure)
    assert set(drawn) == set(graph)
    labels = named(figure, "label:")
    for name, (x0, y0, x1, y1) in drawn.items():
        text = labels[name].get_window_extent(renderer)
        assert x0 <= text.x0 and text.x1 <= x1 and y0 <= text.y0 and text.y1 <= y1, name
        assert labels[name].get_fontsize() >= FONT
    for (a, p), (b, q) in itertools.combinations(drawn.items(), 2):
        apart = p[2] <= q[0] or q[2] <= p[0] or p[3] <= q[1] or q[3] <= p[1]
        assert apart, (a, b)
    bounds = figure.bbox.extents  # nothing drawn off the figure
    for x0, y0, x1, y1 in drawn.values():
        assert bounds[0] <= x0 and x1 <= bounds[2] and bounds[1] <= y0 and y1 <= bounds[3]
    return drawn


def test_alarm_is_readable_in_layers_with_a_legend():
    model = load_model("net:alarm")
    figure = draw(model)
    graph = amalgamated_graph(model)
    drawn = check_readable(figure, graph)
    centre = {n: ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2) for n, b in drawn.items()}
    for u, v in graph.edges:  # parents above children: the layers follow the topological order
        assert centre[u][1] > centre[v][1], (u, v)
    edges = named(figure, "edge:")
    assert set(edges) == {f"causal:{u}->{v}" for u, v in graph.edges}
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert legend == ["micro node", "micro edge"]


def test_a_grouped_query_frames_each_group_beside_its_macro_node():
    model = load_model("net:alarm")
    figure = draw(model, "LVEDVOLUME,STROKEVOLUME:sum", "CVP,PCWP:sum@2,3")
    drawn, layout, roles = graph_to_draw(model, "LVEDVOLUME,STROKEVOLUME:sum", "CVP,PCWP:sum@2,3")
    check_readable(figure, drawn)
    assert roles == {"LVEDVOLUME": "cause", "STROKEVOLUME": "cause", "CVP": "effect", "PCWP": "effect"}
    renderer = FigureCanvasAgg(figure).get_renderer()
    frames = {name: patch.get_window_extent(renderer) for name, patch in named(figure, "frame:").items()}
    assert set(frames) == {"bar(LVEDVOLUME+STROKEVOLUME)", "bar(CVP+PCWP)"}
    placed = boxes(figure)
    for macro, members in (("bar(LVEDVOLUME+STROKEVOLUME)", ("LVEDVOLUME", "STROKEVOLUME")),
                           ("bar(CVP+PCWP)", ("CVP", "PCWP"))):
        frame = frames[macro]
        for m in members:  # the members inside the frame, side by side, the macro node just right of it
            x0, y0, x1, y1 = placed[m]
            assert frame.x0 <= x0 and x1 <= frame.x1 and frame.y0 <= y0 and y1 <= frame.y1
        assert placed[macro][0] >= frame.x1 and abs((placed[macro][1] + placed[macro][3]) / 2
                                                    - (frame.y0 + frame.y1) / 2) < 1
        # one aggregation arrow from the frame stands for the edge from each member
        assert sum(1 for e in named(figure, "edge:aggregation:") if e.endswith(f"->{macro}")) == 1
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert {"cause", "effect", "aggregation edge", "macro node"} <= set(legend)
    assert any(t.startswith("group") for t in legend)


def test_a_macro_intervention_on_a_group_cuts_its_parents_and_adds_red_edges():
    model = load_model("net:sachs")
    figure = draw(model, "Raf,Mek:sum", "Erk,Akt:sum", intervene="Raf,Mek:sum")
    edges = named(figure, "edge:")
    assert not any(e.endswith("->Raf") or e.endswith("->Mek") for e in edges if not e.startswith("intervention"))
    assert "intervention:bar(Raf+Mek)->Raf" in edges  # one arrow into the frame for the group
    assert edges["intervention:bar(Raf+Mek)->Raf"].get_edgecolor()[:3] != edges["causal:Mek->Erk"].get_edgecolor()[:3]
    assert "intervention edge (new)" in [t.get_text() for t in figure.legends[0].get_texts()]
    assert "macro intervention on Raf+Mek (Definition 5)" in figure.texts[0].get_text()


def test_cholesterol_with_an_aggregation_and_a_single_node_intervention():
    model = load_model("example:cholesterol")
    figure = draw(Aggregation.of(model), intervene="Lipids")
    edges = named(figure, "edge:")
    assert set(edges) == {"causal:Diet->HeartDisease", "causal:Lipids->HeartDisease",
                          "aggregation:HeartDisease->bar(HeartDisease)", "intervention:bar(Lipids)->Lipids"}


def test_beyond_the_limit_only_the_ancestral_subgraph_of_cause_and_effect_is_drawn():
    model = load_model("net:win95pts")
    assert len(model.nodes) > MAX_NODES
    with pytest.raises(ModelError, match="a cause and an effect .* to cut the graph of 76 nodes"):
        draw(model)
    drawn, _, _ = graph_to_draw(model, "Problem1", "Problem2")
    keep = {"Problem1", "Problem2"} | nx.ancestors(model.graph, "Problem1") | nx.ancestors(model.graph, "Problem2")
    assert {n for n, level in drawn.nodes(data="level") if level == "micro"} == keep
    assert drawn.graph["cut"].startswith(f"{len(keep)} of 76 nodes")
    figure = draw(model, "Problem1", "Problem2")
    check_readable(figure, drawn)
    assert "only" in figure.texts[0].get_text()
    with pytest.raises(ModelError, match="at most 10 nodes to draw legibly"):
        draw(model, "Problem1", "Problem2", max_nodes=10)
    assert graph_to_draw(model, max_nodes=76)[0].number_of_nodes() == 76  # raised: all of it


def test_bad_names_are_model_errors():
    model = load_model("net:sachs")
    with pytest.raises(ModelError, match="--intervene: expected a node or group of the model"):
        draw(model, intervene="Nope")
    with pytest.raises(ModelError, match="--cause: expected a node or group"):
        draw(model, "Nope", "Erk")
    with pytest.raises(ModelError, match="--max-nodes: expected a positive whole number"):
        draw(model, max_nodes=0)
