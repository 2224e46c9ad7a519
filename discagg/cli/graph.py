"""``discagg graph``: the amalgamated and macro-intervention graphs, drawn to a file."""

from __future__ import annotations

import argparse
from typing import Any

from discagg.cli.arguments import MODEL_HELP, dump, input_file, naming
from discagg.errors import DiscaggError, ModelError

__all__ = ["register"]


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number of nodes, found {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number of nodes, found {value}")
    return value


def register(commands: argparse._SubParsersAction[Any]) -> None:  # any parser class
    """Add the subcommands of this module to ``commands``."""

    graph = commands.add_parser(
        "graph",
        help="draw the amalgamated graph (or, with --intervene, the macro-intervention graph)",
        description="Draw the amalgamated graph of Definition 3 (micro DAG plus aggregation edges), or with "
                    "--intervene X the macro-intervention graph of Definition 5, to a .png, .svg or .pdf file: "
                    "layers from the topological order, each macro node beside what it aggregates, a group's "
                    "nodes framed together, the cause and effect highlighted. A model of more than --max-nodes "
                    "nodes is drawn as the ancestral subgraph of the cause and effect. Needs matplotlib "
                    "(pip install 'discagg[plot]').",
    )
    graph.add_argument("model", metavar="MODEL", type=input_file, help=MODEL_HELP)
    graph.add_argument("--cause", metavar="X", help="cause to highlight: a node or group of the model, NODE,NODE:MAP "
                       "or NODE:MAP (a group is drawn as its macro node over its nodes); default: the model's query")
    graph.add_argument("--effect", metavar="Y", help="effect, as --cause")
    graph.add_argument("--intervene", metavar="X", help="a coarsened node or a group (as --cause) to intervene on")
    graph.add_argument("--max-nodes", metavar="N", type=_count, default=None,
                       help="draw at most N micro nodes; a larger model is cut to the ancestral subgraph of the "
                            "cause and effect (default: 60, legible at the default sizes)")
    graph.add_argument("--out", metavar="FILE", required=True, help="output file: .png, .svg or .pdf")
    graph.add_argument("--json", action="store_true", help="print what was drawn and written as JSON")
    graph.set_defaults(run=_run_graph)


def _run_graph(args: argparse.Namespace) -> str:
    from discagg.viz.backend import check_image_path, save_figure

    check_image_path(args.out, "--out")  # before loading anything
    from discagg.io.loading import load_model
    from discagg.viz.draw import MAX_NODES, default_title, graph_to_draw, render_graph

    model = load_model(args.model)
    with naming(args.model):
        drawn, layout, roles = graph_to_draw(model, args.cause, args.effect, intervene=args.intervene,
                                             max_nodes=MAX_NODES if args.max_nodes is None else args.max_nodes)
    try:
        figure = render_graph(drawn, layout, title=default_title(model.name, drawn), roles=roles)
    except DiscaggError as exc:
        if isinstance(exc, ModelError):
            raise
        raise ModelError(None, "graph", "matplotlib installed to draw", str(exc)) from None
    save_figure(figure, args.out, "--out")
    if args.json:
        return dump({"wrote": args.out, "graph": "amalgamated" if args.intervene is None else "macro-intervention",
                     "intervene": drawn.graph.get("intervene"), "nodes": drawn.number_of_nodes(),
                     "edges": drawn.number_of_edges(), "cut": drawn.graph.get("cut"),
                     "cause": sorted(n for n, r in roles.items() if r == "cause") or None,
                     "effect": sorted(n for n, r in roles.items() if r == "effect") or None})
    return f"wrote {args.out}"
