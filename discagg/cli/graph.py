"""``discagg graph``: the amalgamated and macro-intervention graphs, drawn to a file."""

from __future__ import annotations

import argparse

from discagg.cli.arguments import MODEL_HELP, dump, input_file, naming, output_path
from discagg.errors import DiscaggError, ModelError

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the subcommands of this module to ``commands``."""
    graph = commands.add_parser(
        "graph",
        help="draw the amalgamated graph (or, with --intervene, the macro-intervention graph)",
        description="Draw the amalgamated graph of Definition 3 (micro DAG plus aggregation edges), or with "
                    "--intervene X the macro-intervention graph of Definition 5, to a .png, .svg or .pdf file. "
                    "Needs matplotlib (pip install 'discagg[plot]').",
    )
    graph.add_argument("model", metavar="MODEL", type=input_file, help=MODEL_HELP)
    graph.add_argument("--intervene", metavar="X", help="a coarsened node to intervene on")
    graph.add_argument("--out", metavar="FILE", required=True, help="output file: .png, .svg or .pdf")
    graph.add_argument("--json", action="store_true", help="print what was drawn and written as JSON")
    graph.set_defaults(run=_run_graph)


def _run_graph(args: argparse.Namespace) -> str:
    from discagg.io.loading import load_model
    from discagg.theory.graphs import amalgamated_graph, macro_intervention_graph
    from discagg.viz.draw import draw_graph

    output_path(args.out, "--out")
    model = load_model(args.model)
    with naming(args.model):
        if args.intervene:
            drawn = macro_intervention_graph(model, args.intervene)
            kind, title = "macro-intervention", f"{model.name}: macro intervention on {args.intervene} (Definition 5)"
        else:
            drawn = amalgamated_graph(model)
            kind, title = "amalgamated", f"{model.name}: amalgamated graph (Definition 3)"
    try:
        draw_graph(drawn, args.out, title=title, layout=amalgamated_graph(model))
    except DiscaggError as exc:
        if isinstance(exc, ModelError):
            raise
        raise ModelError(None, "graph", "matplotlib installed to draw", str(exc)) from None
    if args.json:
        return dump({"wrote": args.out, "graph": kind, "intervene": args.intervene,
                     "nodes": drawn.number_of_nodes(), "edges": drawn.number_of_edges()})
    return f"wrote {args.out}"
