"""``discagg plot``: the P(Ybar | do(xbar)) that micro-realizations reach, drawn to a file."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from discagg.cli.arguments import add_common, dump, input_file
from discagg.cli.posterior import add_data_options, aggregation_from, posterior_for
from discagg.errors import DiscaggError, ModelError
from discagg.solvers.objectives import OBJECTIVES

if TYPE_CHECKING:
    from discagg.estimation.posterior import Posterior

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the subcommands of this module to ``commands``."""
    plot = commands.add_parser(
        "plot",
        help="draw, per macro state of the cause, the P(Ybar | do(xbar)) that micro-realizations reach",
        description="For each macro state xbar of the cause, draw the set of P(Ybar | do(xbar)) reachable by "
                    "micro-realizations (the convex hull of the fibre's P(Ybar | do(X = x))) with the observational "
                    "P(Ybar | xbar), the natural realization's and the solved realization's points, the micro "
                    "states' points and, where no realization is confounding-inhibiting, the certificate's "
                    "separating line and the irreducible gap. |Ybar| = 2: an interval per macro state; |Ybar| = 3: "
                    "a ternary plot per macro state; more: the plane of two directions given by --project. Writes "
                    "a .png, .svg or .pdf file. With --data, the CPTs are fitted from DATA; --posterior N adds, "
                    "per macro state, the credible region of P(Ybar | xbar) at --level over N posterior draws of "
                    "the CPTs (on an interval the equal-tailed interval; in a ternary plot or plane the hull of the "
                    "deepest draws by convex-hull peeling), the draws as faint dots, and in how many draws an inhibiting "
                    "realization exists. Needs matplotlib (pip install 'discagg[plot]').",
    )
    add_common(plot)
    plot.add_argument("--objective", choices=OBJECTIVES, default="sparse",
                      help="which inhibiting realization to draw as the solved one (default: sparse)")
    plot.add_argument("--cost", metavar="FILE", type=input_file,
                      help="JSON {micro state: cost} for every micro state of the cause (--objective min-cost)")
    plot.add_argument("--state", metavar="XBAR", nargs="+", action="extend",
                      help="the macro states of the cause to draw, in this order (default: all)")
    plot.add_argument("--project", metavar="P", type=input_file,
                      help="what to draw: ybar (the interval of P(Ybar = ybar)), ybar,ybar (the plane of two "
                           "probabilities), or a JSON file {label: {ybar: value}} of one or two directions; needed "
                           "when |Ybar| > 3")
    plot.add_argument("--out", metavar="FILE", required=True, help="output file: .png, .svg or .pdf")
    add_data_options(plot)
    plot.add_argument("--no-draws", action="store_true",
                      help="with --posterior: leave out the dots of the draws' P(Ybar | xbar) (the region stays)")
    plot.set_defaults(run=_run_plot)


def _run_plot(args: argparse.Namespace) -> str:
    from discagg.viz.backend import check_image_path, save_figure

    check_image_path(args.out, "--out")  # before loading anything
    from discagg.io.side_files import load_values
    from discagg.solvers.inhibiting import solve_aggregation
    from discagg.viz.panels import choose_states
    from discagg.viz.projection import project_argument, projection_for
    from discagg.viz.reachable import reachable

    if args.cost and args.objective != "min-cost":
        raise ModelError(None, "--cost", "--cost together with --objective min-cost", f"--objective {args.objective}")
    if args.no_draws and args.posterior is None:
        raise ModelError(None, "--no-draws", "--no-draws together with --posterior N", "--no-draws alone")
    agg, fitted = aggregation_from(args)
    states = agg.effect_map.macro_states
    projection = project_argument(args.project, states) if args.project else projection_for(states, None,
                                                                                            option="--project")
    chosen = choose_states(agg.cause_map.macro_states, args.state, cause=repr(agg.cause))
    cost = None
    if args.objective == "min-cost":
        if not args.cost:
            raise ModelError(None, "--cost", "a cost file (--cost FILE) for --objective min-cost", "none")
        cost = load_values(args.cost, agg.cause_map.micro_states, f"micro state of {agg.cause!r}")
    solution = solve_aggregation(agg, objective=args.objective, cost=cost)
    post = posterior_for(args, agg, fitted, "solve")
    names = [agg.cause_map.macro_states[k] for k in chosen]
    try:
        figure = reachable(solution, agg, states=names, project=projection, posterior=post,
                           show_draws=not args.no_draws)
    except DiscaggError as exc:
        if isinstance(exc, ModelError):
            raise
        raise ModelError(None, "plot", "matplotlib installed to draw", str(exc)) from None
    save_figure(figure, args.out, "--out")
    if args.json:
        doc = {"wrote": args.out, "model": agg.model.name, "cause": agg.cause, "effect": agg.effect,
               "objective": args.objective, "picture": projection.kind,
               "axes": [label.replace("Ȳ", "Ybar").replace("·", ".") for label in projection.labels],
               "states": [{"state": n, "status": solution.state(n).status} for n in names]}
        if post is not None:
            for entry in doc["states"]:
                entry["posterior"] = _posterior_entry(post, agg.cause_map.macro_index(entry["state"]),
                                                      projection.kind)
            doc["posterior"] = post.settings()
        return dump(doc)
    return f"wrote {args.out}"


def _posterior_entry(post: Posterior, k: int, picture: str) -> dict[str, Any]:
    """What the picture of macro state ``k`` says of the posterior: the feasible draws and what the region is."""
    counted = post.inhibiting_draws(k)
    return {"draws": None if counted is None else counted[1], "feasible": None if counted is None else counted[0],
            "p_inhibiting": post.p_inhibiting(k), "level": post.level,
            "region": "equal-tailed interval" if picture == "interval" else "hull of the deepest draws (convex-hull "
                                                                             "peeling)"}
