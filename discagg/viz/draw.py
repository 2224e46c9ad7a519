"""Drawing the paper's graphs (matplotlib, an optional extra: ``pip install 'discagg[plot]'``)."""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx

from discagg.errors import DiscaggError, ModelError
from discagg.io.files import atomic_output, check_output_path

__all__ = ["draw_graph"]

_FORMATS = (".png", ".svg", ".pdf")
_STYLE = {"causal": ("black", "solid"), "aggregation": ("tab:blue", "dashed"),
          "intervention": ("tab:red", "solid")}


def _layout(graph: nx.DiGraph, layout: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """Micro nodes in topological layers of ``layout`` from top to bottom; macro nodes to their right."""
    micro = layout.subgraph([n for n, level in layout.nodes(data="level") if level == "micro"])
    pos: dict[str, tuple[float, float]] = {}
    for y, layer in enumerate(nx.topological_generations(micro)):
        for x, node in enumerate(sorted(layer)):
            pos[node] = (3.0 * x, -2.0 * y)
    for node, level in graph.nodes(data="level"):
        if level == "macro":
            source = node[len("bar("):-1]
            pos[node] = (pos[source][0] + 1.4, pos[source][1] - 0.3)
    return pos


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


def draw_graph(graph: nx.DiGraph, path: str | os.PathLike[str], *, title: str = "",
               layout: nx.DiGraph | None = None) -> None:
    """Draw an amalgamated or macro-intervention graph to ``path`` (.png, .svg or .pdf).

    Causal edges are black, aggregation edges dashed blue, the intervention
    edge ``X̄ → X`` red; macro nodes are shaded. ``layout`` (default: ``graph``)
    is the graph whose topological order places the nodes, so that a
    macro-intervention graph can be drawn in the amalgamated graph's layout.

    Raises
    ------
    ModelError
        For an unsupported file extension.
    DiscaggError
        When matplotlib is not installed.
    """
    target = check_output_path(path, "--out")
    # The format is the one the given name asks for (a symbolic link named g.png is written through as a PNG,
    # whatever the name of the file it points to).
    image_format = Path(path).suffix.lower()
    if image_format not in _FORMATS:
        raise ModelError(None, "--out", f"a file name ending in one of {list(_FORMATS)}", repr(str(path)))
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise DiscaggError("no module named matplotlib (pip install 'discagg[plot]')") from None
    pos = _layout(graph, graph if layout is None else layout)
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    figure, axes = plt.subplots(figsize=(2.5 + 0.9 * (max(xs) - min(xs)), 2.0 + 0.9 * (max(ys) - min(ys))))
    try:
        levels = dict(graph.nodes(data="level"))
        for level, colour in (("micro", "white"), ("macro", "lightgrey")):
            nodes = [n for n in graph if levels[n] == level]
            nx.draw_networkx_nodes(graph, pos, nodelist=nodes, node_color=colour, edgecolors="black",
                                   node_size=2000, ax=axes)
        for node in graph:  # plain text for micro names: '$' or '%' in a name is not markup
            text, math = _label(node, levels[node])
            axes.text(*pos[node], text, fontsize=6, ha="center", va="center", parse_math=math)
        for kind, (colour, style) in _STYLE.items():
            edges = [(u, v) for u, v, k in graph.edges(data="kind") if k == kind]
            # edges that skip a layer bend around the nodes in between
            long = [(u, v) for u, v in edges if abs(pos[u][1] - pos[v][1]) > 2.5]
            for group, bend in (([e for e in edges if e not in long], 0.0), (long, 0.4)):
                nx.draw_networkx_edges(graph, pos, edgelist=group, edge_color=colour, style=style, arrows=True,
                                       arrowsize=15, node_size=2000, ax=axes, connectionstyle=f"arc3,rad={bend}")
        axes.set_title(title, fontsize=9, parse_math=False)
        axes.set_axis_off()
        axes.margins(0.15)
        figure.tight_layout()
        with atomic_output(target, "--out") as temporary:  # a killed run leaves no partial image
            figure.savefig(temporary, format=image_format.lstrip("."))
    finally:
        plt.close(figure)
