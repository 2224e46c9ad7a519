"""``discagg inspect``, ``solve`` and ``bounds``: the realization questions, one macro state at a time."""

from __future__ import annotations

import argparse
from typing import Any

from discagg.cli.arguments import add_common, dump, input_file, naming, output_path, select_pair
from discagg.cli.posterior import (
    add_data_options,
    aggregation_from,
    attach,
    model_from,
    posterior_for,
    render_posterior,
)
from discagg.errors import ModelError
from discagg.solvers.objectives import METHODS, OBJECTIVES

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[Any]) -> None:  # any parser class
    """Add the subcommands of this module to ``commands``."""
    inspect = commands.add_parser(
        "inspect",
        help="print P(xbar), P(Ybar | xbar), the natural realization, P(Ybar | do(xbar)) and the gap",
        description="For each macro state xbar of the cause: P(xbar), the observational P(Ybar | xbar), "
                    "the natural realization P(X | xbar), the interventional P(Ybar | do(xbar)) under it, "
                    "the total-variation gap, and whether the micro model is confounded.",
    )
    add_common(inspect)
    add_data_options(inspect)
    inspect.set_defaults(run=_run_inspect)

    solve = commands.add_parser(
        "solve",
        help="find confounding-inhibiting (or, with --induce, inducing) micro-realizations",
        description="For each macro state of the cause, decide whether a confounding-inhibiting "
                    "realization exists and return the one chosen by --objective; for the others, the "
                    "realization with the smallest gap and a certificate that none inhibits. With --induce, "
                    "the realization with the largest gap instead, or with --target a realization producing "
                    "given P(Ybar | do(xbar)).",
    )
    add_common(solve)
    solve.add_argument("--objective", choices=OBJECTIVES, default=None,
                       help="which inhibiting realization to return (default: sparse)")
    solve.add_argument("--cost", metavar="FILE", type=input_file,
                       help="JSON {micro state: cost} for every micro state of the cause (--objective min-cost)")
    solve.add_argument("--method", choices=METHODS, default="fast",
                       help="fast structured solvers (default) or the plain cvxpy formulations")
    solve.add_argument("--induce", action="store_true",
                       help="return the realization with the largest gap (the most confounding inducible)")
    solve.add_argument("--target", metavar="FILE", type=input_file,
                       help="with --induce: JSON {xbar: {ybar: p}} of target P(Ybar | do(xbar)) to reach")
    solve.add_argument("--save-realization", metavar="FILE",
                       help="also write the returned realizations as a discagg/realization-v1 file")
    add_data_options(solve)
    solve.set_defaults(run=_run_solve)

    bounds = commands.add_parser(
        "bounds",
        help="range of P(Ybar | do(xbar)) and of E[f(Ybar) | do(xbar)] over all realizations",
        description="The ambiguity interval of each macro effect: bounds on P(Ybar = ybar | do(xbar)) and, "
                    "with --f, on E[f(Ybar) | do(xbar)], over every micro-realization of xbar, with the micro "
                    "states (point masses) attaining them.",
    )
    add_common(bounds)
    bounds.add_argument("--f", metavar="FILE", type=input_file, help="JSON {ybar: value} for every macro state of the effect")
    add_data_options(bounds)
    bounds.set_defaults(run=_run_bounds)


def _run_solve(args: argparse.Namespace) -> str:
    from discagg.cli.tables import render_solution
    from discagg.io.side_files import load_targets, load_values, save_realization
    from discagg.solvers.inhibiting import solve_aggregation
    from discagg.solvers.ranges import most_inducing, reach

    if args.target and not args.induce:
        raise ModelError(None, "--target", "--target together with --induce", "--target alone")
    if args.induce and (args.objective or args.cost):
        raise ModelError(None, "--induce", "no --objective or --cost with --induce", "both")
    if args.cost and args.objective != "min-cost":
        raise ModelError(None, "--cost", "--cost together with --objective min-cost",
                         f"--objective {args.objective or 'sparse'}")
    if args.posterior is not None and args.induce:
        raise ModelError(None, "--posterior", "--posterior without --induce (its posterior is of the inhibiting "
                         "question)", "--induce")
    output_path(args.save_realization, "--save-realization")
    agg, fitted = aggregation_from(args)
    if args.induce:
        if args.target:
            targets = load_targets(args.target, agg.cause_map.macro_states, agg.effect_map.macro_states,
                                   tolerance=agg.tolerance)
            solution = reach(agg, targets, progress=not args.quiet)
        else:
            solution = most_inducing(agg)
    else:
        cost = None
        if args.objective == "min-cost":
            if not args.cost:
                raise ModelError(None, "--cost", "a cost file (--cost FILE) for --objective min-cost", "none")
            cost = load_values(args.cost, agg.cause_map.micro_states, f"micro state of {agg.cause!r}")
        solution = solve_aggregation(agg, objective=args.objective or "sparse", cost=cost, method=args.method,
                                     progress=not args.quiet)
    post = posterior_for(args, agg, fitted, "solve")
    text = (dump(attach(solution.to_dict(), post, "solve")) if args.json
            else render_solution(solution) + render_posterior(post, "solve"))
    if args.save_realization:
        save_realization(solution.realization_family(tolerance=agg.tolerance), args.save_realization,
                         option="--save-realization")
    return text


def _run_bounds(args: argparse.Namespace) -> str:
    from discagg.cli.tables import render_bounds
    from discagg.io.side_files import load_values
    from discagg.solvers.ranges import effect_bounds

    agg, fitted = aggregation_from(args)
    f = None
    if args.f:
        f = load_values(args.f, agg.effect_map.macro_states, f"macro state of {agg.effect!r}")
    result = effect_bounds(agg, f)
    post = posterior_for(args, agg, fitted, "bounds")
    return (dump(attach(result.to_dict(), post, "bounds")) if args.json
            else render_bounds(result) + render_posterior(post, "bounds"))


def _run_inspect(args: argparse.Namespace) -> str:
    from discagg.cli.tables import render_inspection
    from discagg.core.aggregation import Aggregation
    from discagg.core.inspection import inspect_model

    model, fitted = model_from(args)
    with naming(args.model):
        model, cause, effect = select_pair(model, args)
        report = inspect_model(model, cause, effect)
    post = posterior_for(args, Aggregation.of(model, cause, effect), fitted, "inspect")
    if args.json:
        return dump(attach(report.to_dict(), post, "inspect"))
    return render_inspection(report) + render_posterior(post, "inspect")
