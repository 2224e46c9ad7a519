"""Drawing the paper's graphs (matplotlib, an optional extra: ``pip install 'discagg[plot]'``).

:func:`draw` returns the amalgamated graph of Definition 3 (or, with
``intervene``, the macro-intervention graph of Definition 5) as a matplotlib
Figure: micro nodes in layers from the DAG's topological order (parents above
children), boxes as wide as their labels, each macro node beside what it
aggregates, a group's nodes side by side in a frame, and a legend for the kinds
of nodes and edges. Sizes are in inches and text in points, so that a picture
is as legible at 37 nodes as at 3: the figure grows instead.

A model of more than ``max_nodes`` (default :data:`MAX_NODES`) nodes is drawn
as the ancestral subgraph of its cause and effect (they and their ancestors),
which must then itself have at most ``max_nodes`` nodes.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from discagg.core.aggregation import Aggregation
from discagg.core.model import CausalModel
from discagg.errors import ModelError
from discagg.viz.backend import LEGEND_STYLE, fit_legend, fit_title, new_figure, save_figure, text_width
from discagg.viz.layout import Layout, layered_layout

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["MAX_NODES", "default_title", "draw", "draw_graph", "graph_to_draw", "render_graph"]

MAX_NODES = 60  # micro nodes drawn legibly; beyond, only the ancestral subgraph of cause and effect

FONT = 9.0  # points, node labels
_BOX_PAD = 0.07  # inches of box around a label
_MARGIN = 0.2  # inches around the drawing
_PORTS = 0.7  # the middle part of a box's top (bottom) side where edges arrive (leave)
_COLOURS = {"causal": "black", "aggregation": "#1f63b4", "intervention": "#c8102e"}
_STYLES: dict[str, Any] = {"causal": "solid", "aggregation": (0, (4, 2)), "intervention": "solid"}
_FILL = {"micro": "white", "macro": "#d9d9d9", "cause": "#fde4bf", "effect": "#d4edcf", "frame": "#eaf1fb"}
_MATHTEXT_SPECIAL = {"\\": r"\backslash{}", "{": r"\{", "}": r"\}", "$": r"\$", "%": r"\%", "#": r"\#",
                     "&": r"\&", "_": r"\_", "^": r"\^{}", "~": r"\sim{}", " ": r"\ "}


def _label(node: str, level: str) -> tuple[str, bool]:
    r"""The label text and whether it is mathtext: macro nodes get an overline, every special character escaped.

    >>> _label("Growth%", "micro")
    ('Growth%', False)
    >>> _label("bar(a}b)", "macro")
    ('$\\overline{\\mathrm{a\\}b}}$', True)
    """
    if level != "macro":
        return node, False
    name = "".join(_MATHTEXT_SPECIAL.get(ch, ch) for ch in node[len("bar("):-1])
    return rf"$\overline{{\mathrm{{{name}}}}}$", True


def graph_to_draw(
    model: CausalModel | Aggregation,
    cause: str | None = None,
    effect: str | None = None,
    *,
    intervene: str | None = None,
    max_nodes: int = MAX_NODES,
) -> tuple[nx.DiGraph[str], nx.DiGraph[str], dict[str, str]]:
    """The graph :func:`draw` draws, the graph that lays it out, and what is highlighted.

    Returns
    -------
    drawn : networkx.DiGraph
        The amalgamated graph, or the macro-intervention graph on ``intervene``,
        cut to the ancestral subgraph of cause and effect when the model has more
        than ``max_nodes`` nodes (``drawn.graph["cut"]`` then says so).
    layout : networkx.DiGraph
        The amalgamated graph on the same nodes (both pictures of a model share
        one layout).
    roles : dict of str to str
        ``"cause"`` or ``"effect"`` for the nodes of the cause and the effect.

    Raises
    ------
    ModelError
        An unknown cause, effect or ``intervene``; a graph too large to draw
        legibly (see the module docstring); a ``max_nodes`` below 1.
    """
    from discagg.core.selection import select, select_one
    from discagg.theory.graphs import amalgamated_graph, macro_intervention_graph

    if isinstance(model, Aggregation):
        if cause is not None or effect is not None:
            raise ModelError(None, None, "cause and effect with a model, not with an Aggregation (which fixes both)",
                             f"cause={cause!r}, effect={effect!r}")
        cause, effect, model = model.cause, model.effect, model.model
    elif cause is not None or effect is not None or model.query is not None:
        model, cause, effect = select(model, cause, effect, labels=("--cause", "--effect"))
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ModelError(None, "--max-nodes", "a positive whole number of nodes", repr(max_nodes))
    if intervene is not None:
        model, intervene = select_one(model, intervene, label="--intervene")
    roles: dict[str, str] = {}
    for role, name in (("cause", cause), ("effect", effect)):
        if name is not None:
            roles.update(dict.fromkeys(model.members(name), role))
    layout = amalgamated_graph(model)
    drawn = layout if intervene is None else macro_intervention_graph(model, intervene)
    if intervene is not None:
        drawn.graph["intervene"] = intervene
    micro = [n for n, level in ((n, str(d["level"])) for n, d in layout.nodes(data=True)) if level == "micro"]
    if len(micro) > max_nodes:
        focus = [*model.members(cause), *model.members(effect)] if cause and effect else []
        if not focus:
            raise ModelError(None, "--cause, --effect", f"a cause and an effect (or a model query) to cut the graph "
                             f"of {len(micro)} nodes, more than the {max_nodes} drawn legibly, to their ancestors "
                             f"(or --max-nodes {len(micro)} to draw it all)", "none")
        keep = set(focus).union(*(nx.ancestors(model.graph, n) for n in focus))
        if intervene is not None:
            keep.update(model.members(intervene))
        if len(keep) > max_nodes:
            raise ModelError(None, "--max-nodes", f"at most {max_nodes} nodes to draw legibly (raise --max-nodes to "
                             f"draw more)", f"{len(keep)} in the ancestral subgraph of {cause!r} and {effect!r}, "
                             f"of {len(micro)} nodes")
        kept = keep | {m for m, members in ((n, d.get("members")) for n, d in layout.nodes(data=True)) if members and set(members) <= keep}
        cut = f"{len(keep)} of {len(micro)} nodes: {cause} and {effect} and their ancestors"
        layout, drawn = layout.subgraph(kept).copy(), drawn.subgraph(kept).copy()
        drawn.graph["cut"] = layout.graph["cut"] = cut
    return drawn, layout, roles


def draw(
    model: CausalModel | Aggregation,
    cause: str | None = None,
    effect: str | None = None,
    *,
    intervene: str | None = None,
    max_nodes: int = MAX_NODES,
    title: str | None = None,
) -> "Figure":
    """Draw the amalgamated graph (Definition 3), or the macro-intervention graph (Definition 5).

    Parameters
    ----------
    model : CausalModel or Aggregation
        With an Aggregation, its cause and effect are highlighted.
    cause, effect : str, optional
        Nodes or groups as :meth:`Aggregation.of <discagg.core.aggregation.Aggregation.of>`
        takes them (``"Raf,Mek:sum"`` adds and draws that group); default: the
        model's query, if any. Their nodes are highlighted.
    intervene : str, optional
        A coarsened node or a group (same syntax) to intervene on: draws the
        macro-intervention graph, in the amalgamated graph's layout.
    max_nodes : int
        The most micro nodes drawn; a larger model is cut to the ancestral
        subgraph of cause and effect.
    title : str, optional
        Default: the model's name and the graph's definition.

    Returns
    -------
    matplotlib.figure.Figure
        Not registered with pyplot; ``figure.savefig`` writes it.

    Raises
    ------
    ModelError
        See :func:`graph_to_draw`.
    DiscaggError
        When matplotlib is not installed.

    Examples
    --------
    >>> from discagg import load_model
    >>> figure = draw(load_model("example:cholesterol"), intervene="Lipids")   # doctest: +SKIP
    >>> figure.savefig("cholesterol-do.png")                                  # doctest: +SKIP
    """
    drawn, layout, roles = graph_to_draw(model, cause, effect, intervene=intervene, max_nodes=max_nodes)
    name = model.model.name if isinstance(model, Aggregation) else model.name
    return render_graph(drawn, layout, title=default_title(name, drawn) if title is None else title, roles=roles)


def default_title(name: str, drawn: nx.DiGraph[str]) -> str:
    """The model's name, the graph's definition, and what was left out (see :func:`graph_to_draw`)."""
    if "intervene" in drawn.graph:
        title = f"{name}: macro intervention on {drawn.graph['intervene']} (Definition 5)"
    else:
        title = f"{name}: amalgamated graph (Definition 3)"
    if "cut" in drawn.graph:
        title += f"\nonly {drawn.graph['cut']}"
    return title


def draw_graph(graph: nx.DiGraph[str], path: str | os.PathLike[str], *, title: str = "",
               layout: nx.DiGraph[str] | None = None) -> None:
    """Draw a graph of :mod:`discagg.theory.graphs` to ``path`` (.png, .svg or .pdf).

    ``layout`` (default: ``graph``) is the graph whose topological order places
    the nodes, so that a macro-intervention graph can be drawn in the
    amalgamated graph's layout.

    Raises
    ------
    ModelError
        For an unsupported file extension or a path that cannot be written.
    DiscaggError
        When matplotlib is not installed.
    """
    from discagg.viz.backend import check_image_path

    check_image_path(path, "--out")
    save_figure(render_graph(graph, graph if layout is None else layout, title=title), path, "--out")


def _measure(texts: Mapping[str, tuple[str, bool]]) -> dict[str, float]:
    """Label widths in inches."""
    return {node: text_width(text, FONT, math=math) for node, (text, math) in texts.items()}


def micro_nodes(graph: nx.DiGraph[str]) -> list[str]:
    """The nodes of ``graph`` whose ``level`` is ``"micro"``."""
    return [n for n, level in ((n, str(d["level"])) for n, d in graph.nodes(data=True)) if level == "micro"]


def render_graph(graph: nx.DiGraph[str], layout_graph: nx.DiGraph[str], *, title: str = "",
                 roles: Mapping[str, str] | None = None) -> "Figure":
    """The Figure of ``graph`` (nodes with ``level``, edges with ``kind``) laid out by ``layout_graph``."""
    roles = dict(roles or {})
    new_figure(1, 1)  # raises the missing-matplotlib error before any work
    levels = {n: str(d["level"]) for n, d in layout_graph.nodes(data=True)}
    levels.update({n: str(d["level"]) for n, d in graph.nodes(data=True)})
    texts = {n: _label(n, levels[n]) for n in levels}
    widths = {n: w + 2 * _BOX_PAD for n, w in _measure(texts).items()}
    for n in micro_nodes(layout_graph):  # room on the box's sides for one arrow per 0.1 inch
        degree = max(layout_graph.in_degree(n), layout_graph.out_degree(n))
        widths[n] = max(widths[n], (0.1 * degree + 0.1) / _PORTS)
    height = FONT / 72.0 * 1.45 + 2 * _BOX_PAD * 0.6
    micro = [n for n in layout_graph if levels[n] == "micro"]
    dag: nx.DiGraph[str] = nx.DiGraph()
    dag.add_nodes_from(micro)
    dag.add_edges_from((u, v) for u, v, k in ((a, b, str(d["kind"])) for a, b, d in layout_graph.edges(data=True)) if k == "causal")
    members = {n: tuple(m) for n, m in ((n, d.get("members")) for n, d in layout_graph.nodes(data=True)) if m}
    for node in layout_graph:  # graphs built without the members attribute: from the aggregation edges
        if levels[node] == "macro" and node not in members:
            members[node] = tuple(u for u, v, k in ((a, b, str(d["kind"])) for a, b, d in layout_graph.in_edges(node, data=True)) if k == "aggregation")
            members[node] = members[node] or tuple(graph.successors(node))
    priority = sorted((m for m in members if len(members[m]) > 1),
                      key=lambda m: (not any(roles.get(n) for n in members[m]), m))
    lay = layered_layout(dag, widths, height, groups={m: members[m] for m in priority},
                         attached={members[m][0]: m for m in members if len(members[m]) == 1})
    # a macro node of a group that could not be drawn as one unit sits right of its last node's row
    lay = _place_leftovers(lay, members, widths)

    x0, y0, x1, y1 = lay.extent()
    graph_width, graph_height = x1 - x0 + 2 * _MARGIN, y1 - y0 + 2 * _MARGIN
    figure = new_figure(graph_width, graph_height)
    handles = _legend_handles(graph, lay, roles)
    columns, (legend_width, legend_height) = fit_legend(figure, handles, max(graph_width, 5.0) - 0.2)
    width = max(graph_width, legend_width + 0.3)
    title = fit_title(title, width - 0.3, 10)
    title_height = 0.34 + 0.17 * title.count("\n")
    height = title_height + graph_height + legend_height + 0.1
    figure.set_size_inches(width, height)
    axes = figure.add_axes((0.5 - graph_width / width / 2, (legend_height + 0.1) / height, graph_width / width,
                            graph_height / height))
    axes.set_xlim(x0 - _MARGIN, x1 + _MARGIN)
    axes.set_ylim(y0 - _MARGIN, y1 + _MARGIN)
    axes.set_axis_off()
    _draw_frames(axes, graph, lay, members)
    _draw_edges(axes, graph, lay, members, widths)
    _draw_nodes(axes, graph, lay, texts, widths, levels, roles)
    figure.text(0.5, 1 - 0.12 / height, title, ha="center", va="top", fontsize=10, parse_math=False)
    figure.legend(handles=handles, loc="lower center", ncol=columns, frameon=False, **LEGEND_STYLE)
    return figure


def _place_leftovers(lay: Layout, members: Mapping[str, tuple[str, ...]], widths: Mapping[str, float]) -> Layout:
    centres = dict(lay.centres)
    for macro, nodes in members.items():
        if macro in centres or not all(n in centres for n in nodes):
            continue
        last = max(nodes, key=lambda n: (lay.layers[n], centres[n][0]))
        y = centres[last][1]
        right = max(x + widths[n] / 2 for n, (x, yy) in centres.items() if abs(yy - y) < 1e-9)
        centres[macro] = (right + 0.3 + widths[macro] / 2, y)
    return Layout(centres, lay.frames, lay.routes, lay.layers, lay.together, lay.height, lay.widths)


def _draw_frames(axes: "Axes", graph: nx.DiGraph[str], lay: Layout, members: Mapping[str, tuple[str, ...]]) -> None:
    from matplotlib.patches import FancyBboxPatch

    for macro, (x0, y0, x1, y1) in lay.frames.items():
        intervened = any(graph.edges[e].get("kind") == "intervention" for e in graph.out_edges(macro)) \
            if macro in graph else False
        kind = "intervention" if intervened else "aggregation"
        axes.add_patch(FancyBboxPatch((x0, y0), x1 - x0, y1 - y0, boxstyle="round,pad=0,rounding_size=0.08",
                                      facecolor=_FILL["frame"], edgecolor=_COLOURS[kind], linestyle=_STYLES[kind],
                                      linewidth=1.1, zorder=1, gid=f"frame:{macro}"))


def _draw_nodes(axes: "Axes", graph: nx.DiGraph[str], lay: Layout, texts: Mapping[str, tuple[str, bool]],
                widths: Mapping[str, float], levels: Mapping[str, str], roles: Mapping[str, str]) -> None:
    from matplotlib.patches import FancyBboxPatch

    for node in graph:
        x, y = lay.centres[node]
        w, h = widths[node], lay.height
        fill = _FILL[roles.get(node, levels[node])]
        axes.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0,rounding_size=0.05",
                                      facecolor=fill, edgecolor="black", linewidth=0.9, zorder=3,
                                      gid=f"node:{node}"))
        text, math = texts[node]
        axes.text(x, y, text, ha="center", va="center_baseline", fontsize=FONT, parse_math=math, zorder=4,
                  gid=f"label:{node}")


def _bezier(points: Sequence[tuple[float, float]]) -> tuple[list[tuple[float, float]], list[int]]:
    """A smooth path through ``points``: vertical at both ends, along the neighbours' chord at waypoints."""
    from matplotlib.path import Path

    p = np.asarray(points, dtype=np.float64)
    tangents = np.zeros_like(p)
    tangents[1:-1] = (p[2:] - p[:-2]) / 2
    tangents[0] = (0.0, p[1, 1] - p[0, 1])
    tangents[-1] = (0.0, p[-1, 1] - p[-2, 1])
    vertices: list[tuple[float, float]] = [(float(p[0, 0]), float(p[0, 1]))]
    codes = [int(Path.MOVETO)]
    for i in range(len(p) - 1):
        for q in (p[i] + tangents[i] / 3, p[i + 1] - tangents[i + 1] / 3, p[i + 1]):
            vertices.append((float(q[0]), float(q[1])))
        codes += [int(Path.CURVE4)] * 3
    return vertices, codes


def _draw_edges(axes: "Axes", graph: nx.DiGraph[str], lay: Layout, members: Mapping[str, tuple[str, ...]],
                widths: Mapping[str, float]) -> None:
    from matplotlib.patches import FancyArrowPatch
    from matplotlib.path import Path

    h = lay.height
    c = lay.centres
    kinds = dict(((u, v), k) for u, v, k in ((a, b, str(d["kind"])) for a, b, d in graph.edges(data=True)))
    vertical = [(u, v) for (u, v), k in kinds.items() if k == "causal" and lay.layers[u] != lay.layers[v]]
    # ports: the edges leaving a box share its bottom side, those entering its top, ordered by where they go
    first = {e: (lay.routes.get(e) or [c[e[1]]])[0][0] for e in vertical}
    last = {e: (lay.routes.get(e) or [c[e[0]]])[-1][0] for e in vertical}
    start: dict[tuple[str, str], float] = {}
    end: dict[tuple[str, str], float] = {}
    for node in graph:
        for side, edges, towards, spots in (("out", [e for e in vertical if e[0] == node], first, start),
                                            ("in", [e for e in vertical if e[1] == node], last, end)):
            edges.sort(key=lambda e: towards[e])
            span = _PORTS * widths[node]
            for i, e in enumerate(edges):
                offset = 0.0 if len(edges) == 1 else span * (i / (len(edges) - 1) - 0.5)
                spots[e] = c[node][0] + offset

    def arrow(vertices: list[tuple[float, float]], codes: list[int], kind: str, gid: str) -> None:
        axes.add_patch(FancyArrowPatch(path=Path(vertices, codes), arrowstyle="-|>", mutation_scale=9,
                                       color=_COLOURS[kind], linestyle=_STYLES[kind], linewidth=1.0,
                                       shrinkA=0, shrinkB=0, zorder=2, gid=gid))

    for (u, v), kind in kinds.items():
        gid = f"edge:{kind}:{u}->{v}"
        if (u, v) in start:
            points = [(start[u, v], c[u][1] - h / 2), *lay.routes.get((u, v), []), (end[u, v], c[v][1] + h / 2)]
            arrow(*_bezier(points), kind, gid)
            continue
        # same row: a macro node beside its node or group frame, or an edge inside a group
        frame_of = lay.frames
        macro = u if graph.nodes[u].get("level") == "macro" else v
        other = v if macro == u else u
        if kind in ("aggregation", "intervention") and macro in frame_of:
            if other != members[macro][0]:
                continue  # one arrow between the frame and its macro node stands for all its nodes
            x0, y0, x1, y1 = frame_of[macro]
            a, b = (x1, (y0 + y1) / 2), (c[macro][0] - widths[macro] / 2, c[macro][1])
            arrow([a, b] if kind == "aggregation" else [b, a], [int(Path.MOVETO), int(Path.LINETO)], kind, gid)
            continue
        (xu, yu), (xv, yv) = c[u], c[v]
        if abs(yu - yv) < 1e-9 and _adjacent(lay, u, v, widths):
            left, right = (u, v) if xu < xv else (v, u)
            a = (c[left][0] + widths[left] / 2, yu)
            b = (c[right][0] - widths[right] / 2, yu)
            arrow([a, b] if left == u else [b, a], [int(Path.MOVETO), int(Path.LINETO)], kind, gid)
            continue
        # an arc above the row (inside a group), or a curve between rows (a group not drawn as one unit)
        if abs(yu - yv) < 1e-9:
            rise = 0.55 * h
            a, b = (xu, yu + h / 2), (xv, yv + h / 2)
            arrow([a, (xu, yu + h / 2 + rise), (xv, yv + h / 2 + rise), b], [int(Path.MOVETO)] + [int(Path.CURVE4)] * 3,
                  kind, gid)
        else:
            upper, lower = ((u, v) if yu > yv else (v, u))
            a, b = (c[upper][0], c[upper][1] - h / 2), (c[lower][0], c[lower][1] + h / 2)
            vertices, codes = _bezier([a, b])
            arrow(vertices if upper == u else vertices[::-1], codes, kind, gid)


def _adjacent(lay: Layout, u: str, v: str, widths: Mapping[str, float]) -> bool:
    """Nothing lies between the boxes of ``u`` and ``v`` in their row."""
    (xu, y), (xv, _) = lay.centres[u], lay.centres[v]
    lo, hi = min(xu, xv), max(xu, xv)
    return not any(lo < x < hi and abs(yy - y) < 1e-9 for n, (x, yy) in lay.centres.items() if n not in (u, v))


def _legend_handles(graph: nx.DiGraph[str], lay: Layout, roles: Mapping[str, str]) -> list[object]:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    kinds = {k for _, _, k in ((a, b, str(d["kind"])) for a, b, d in graph.edges(data=True))}
    levels = {lvl for _, lvl in ((n, str(d["level"])) for n, d in graph.nodes(data=True))}
    handles: list[object] = [Patch(facecolor=_FILL["micro"], edgecolor="black", label="micro node")]
    if "macro" in levels:
        handles.append(Patch(facecolor=_FILL["macro"], edgecolor="black", label="macro node"))
    if lay.frames:
        handles.append(Patch(facecolor=_FILL["frame"], edgecolor=_COLOURS["aggregation"], linestyle="--",
                             label="group (a macro node over several nodes)"))
    for role in ("cause", "effect"):
        if role in roles.values():
            handles.append(Patch(facecolor=_FILL[role], edgecolor="black", label=role))
    names = {"causal": "micro edge", "aggregation": "aggregation edge",
             "intervention": "intervention edge (new)"}
    for kind in ("causal", "aggregation", "intervention"):
        if kind in kinds:
            handles.append(Line2D([], [], color=_COLOURS[kind], linestyle=_STYLES[kind], label=names[kind]))
    return handles
