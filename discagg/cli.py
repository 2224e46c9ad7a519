"""The ``discagg`` command line.

Data goes to stdout, diagnostics to stderr. Exit codes: 0 success, 2 bad input
(a one-line message, no traceback, nothing on stdout), 1 solver or internal
failure.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from discagg import __version__
from discagg.errors import ModelError, SolverError
from discagg.aggregation import Aggregation
from discagg.io import load_model, load_targets, load_values, save_realization
from discagg.ranges import effect_bounds, most_inducing, reach
from discagg.render import render_bounds, render_inspection, render_solution
from discagg.report import inspect_model
from discagg.solver import METHODS, OBJECTIVES, solve_aggregation

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``discagg``."""
    parser = argparse.ArgumentParser(
        prog="discagg",
        description="Causal aggregation of discrete models: macro interventions, their micro-realizations "
                    "and macro confounding.",
    )
    parser.add_argument("--version", action="version", version=f"discagg {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    inspect = commands.add_parser(
        "inspect",
        help="print P(xbar), P(Ybar | xbar), the natural realization, P(Ybar | do(xbar)) and the gap",
        description="For each macro state xbar of the cause: P(xbar), the observational P(Ybar | xbar), "
                    "the natural realization P(X | xbar), the interventional P(Ybar | do(xbar)) under it, "
                    "the total-variation gap, and whether the micro model is confounded.",
    )
    _common(inspect)
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
    _common(solve)
    solve.add_argument("--objective", choices=OBJECTIVES, default=None,
                       help="which inhibiting realization to return (default: sparse)")
    solve.add_argument("--cost", metavar="FILE",
                       help="JSON {micro state: cost} for every micro state of the cause (--objective min-cost)")
    solve.add_argument("--method", choices=METHODS, default="fast",
                       help="fast structured solvers (default) or the plain cvxpy formulations")
    solve.add_argument("--induce", action="store_true",
                       help="return the realization with the largest gap (the most confounding inducible)")
    solve.add_argument("--target", metavar="FILE",
                       help="with --induce: JSON {xbar: {ybar: p}} of target P(Ybar | do(xbar)) to reach")
    solve.add_argument("--save-realization", metavar="FILE",
                       help="also write the returned realizations as a discagg/realization-v1 file")
    solve.set_defaults(run=_run_solve)

    bounds = commands.add_parser(
        "bounds",
        help="range of P(Ybar | do(xbar)) and of E[f(Ybar) | do(xbar)] over all realizations",
        description="The ambiguity interval of each macro effect: bounds on P(Ybar = ybar | do(xbar)) and, "
                    "with --f, on E[f(Ybar) | do(xbar)], over every micro-realization of xbar, with the micro "
                    "states (point masses) attaining them.",
    )
    _common(bounds)
    bounds.add_argument("--f", metavar="FILE", help="JSON {ybar: value} for every macro state of the effect")
    bounds.set_defaults(run=_run_bounds)
    return parser


def _common(command: argparse.ArgumentParser) -> None:
    command.add_argument("model", metavar="MODEL", help="a discagg/model-v1 JSON file")
    command.add_argument("--cause", metavar="X", help="cause node (default: the model's query)")
    command.add_argument("--effect", metavar="Y", help="effect node (default: the model's query)")
    command.add_argument("--json", action="store_true", help="print one JSON document instead of a table")


@contextmanager
def _naming(source: str) -> Iterator[None]:
    """Let errors about the model's content (e.g. a bad --cause) name the model file."""
    try:
        yield
    except ModelError as exc:
        raise (exc.with_source(source) if exc.source is None else exc) from None


def _aggregation(args: argparse.Namespace) -> Aggregation:
    model = load_model(args.model)
    with _naming(args.model):
        return Aggregation.of(model, args.cause, args.effect)


def _run_solve(args: argparse.Namespace) -> str:
    if args.target and not args.induce:
        raise ModelError(None, "--target", "--target together with --induce", "--target alone")
    if args.induce and (args.objective or args.cost):
        raise ModelError(None, "--induce", "no --objective or --cost with --induce", "both")
    if args.cost and args.objective != "min-cost":
        raise ModelError(None, "--cost", "--cost together with --objective min-cost",
                         f"--objective {args.objective or 'sparse'}")
    agg = _aggregation(args)
    if args.induce:
        if args.target:
            targets = load_targets(args.target, agg.cause_map.macro_states, agg.effect_map.macro_states,
                                   tolerance=agg.tolerance)
            solution = reach(agg, targets)
        else:
            solution = most_inducing(agg)
    else:
        cost = None
        if args.objective == "min-cost":
            if not args.cost:
                raise ModelError(None, "--cost", "a cost file (--cost FILE) for --objective min-cost", "none")
            cost = load_values(args.cost, agg.cause_map.micro_states, f"micro state of {agg.cause!r}")
        solution = solve_aggregation(agg, objective=args.objective or "sparse", cost=cost, method=args.method)
    text = _dump(solution.to_dict()) if args.json else render_solution(solution)
    if args.save_realization:
        save_realization(solution.realization_family(tolerance=agg.tolerance), args.save_realization)
    return text


def _run_bounds(args: argparse.Namespace) -> str:
    agg = _aggregation(args)
    f = None
    if args.f:
        f = load_values(args.f, agg.effect_map.macro_states, f"macro state of {agg.effect!r}")
    result = effect_bounds(agg, f)
    return _dump(result.to_dict()) if args.json else render_bounds(result)


def _run_inspect(args: argparse.Namespace) -> str:
    model = load_model(args.model)
    with _naming(args.model):
        report = inspect_model(model, args.cause, args.effect)
    if args.json:
        return _dump(report.to_dict())
    return render_inspection(report)


def _dump(document: Any) -> str:
    return json.dumps(document, indent=2, allow_nan=False)


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run ``discagg`` with ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: usage errors exit 2, --help/--version exit 0
        return int(exc.code) if isinstance(exc.code, int) else 2

    def show_warning(message: Warning | str, category: type[Warning], *_: object, **__: object) -> None:
        print(f"discagg: warning: {message}", file=err)

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = show_warning  # restored on leaving the block
        try:
            text = args.run(args)
        except ModelError as exc:
            print(f"discagg: error: {exc}", file=err)
            return 2
        except SolverError as exc:
            print(f"discagg: solver error: {exc}", file=err)
            return 1
    print(text, file=out)
    return 0
