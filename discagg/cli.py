"""The ``discagg`` command line.

Data goes to stdout, diagnostics to stderr. Exit codes: 0 success, 2 bad input
(a one-line message, no traceback, nothing on stdout, nothing written), 1 solver
failure, or a ``verify`` whose required conclusions do not all hold.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from discagg import __version__
from discagg.draw import draw_graph
from discagg.errors import DiscaggError, ModelError, SolverError
from discagg.graphs import amalgamated_graph, macro_intervention_graph
from discagg.aggregation import Aggregation
from discagg.checks import CHECKS, verify
from discagg.model import CausalModel
from discagg.networks import load_any
from discagg.groups import build_group, parse_group
from discagg.io import (load_realization, load_targets, load_values, read_json, save_model,
                        save_realization)
from discagg.paradox import CounterexampleNotFound, HypothesisError, generate_counterexample
from discagg.ranges import effect_bounds, most_inducing, reach
from discagg.render import format_table, render_bounds, render_inspection, render_solution
from discagg.report import inspect_model
from discagg.solver import METHODS, OBJECTIVES, solve_aggregation

__all__ = ["main", "build_parser"]


_MODEL_HELP = ("a discagg/model-v1 JSON file, a .bif or .xml (XMLBIF) network, or net:NAME for a shipped "
               "network (sachs, asia, alarm, child, win95pts)")


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

    verify_cmd = commands.add_parser(
        "verify",
        help="check the hypotheses and conclusions of the paper's results on a model",
        description="Print each hypothesis and conclusion of the named results with its numeric residual. "
                    "Exit 0 when every conclusion that should hold does hold, 1 otherwise. Checks: "
                    f"{', '.join(CHECKS)}; by default theorem-3.1, plus theorem-3.2 with --realization.",
    )
    _common(verify_cmd)
    verify_cmd.add_argument("--realization", metavar="FILE", help="a discagg/realization-v1 file")
    verify_cmd.add_argument("--check", metavar="NAME", action="append", choices=CHECKS,
                            help=f"a result to check ({', '.join(CHECKS)}); repeatable")
    verify_cmd.add_argument("--exact", action="store_true",
                            help="also redo every check in rational arithmetic and report which hold exactly")
    verify_cmd.set_defaults(run=_run_verify)

    counter = commands.add_parser(
        "counterexample",
        help="generate a Theorem 3.2 paradoxical model and its realization family",
        description="Build a micro model Z -> X, Z -> Y, X -> Y in which (X, Y) and (X, Ybar) are confounded "
                    "while a given (or seeded random) realization family is confounding-inhibiting for every "
                    "macro state. Writes DIR/model.json and DIR/realization.json.",
    )
    for flag in ("--x-states", "--z-states", "--y-states", "--x-macro", "--y-macro"):
        counter.add_argument(flag, type=int, required=True, metavar="N")
    counter.add_argument("--macro", metavar="FILE",
                         help='explicit coarsenings {"X": {xbar: [x, ...]}, "Y": {...}} over x0.., y0..')
    counter.add_argument("--realization", metavar="FILE", help="a discagg/realization-v1 file for X")
    counter.add_argument("--seed", type=int, default=0)
    counter.add_argument("--margin", type=float, default=0.05, help="least (X, Ybar) confounding (TV)")
    counter.add_argument("--split", choices=("uniform", "random"), default="uniform",
                         help="how P(Ybar | X, Z) is lifted to P(Y | X, Z)")
    counter.add_argument("--exact", action="store_true",
                         help="build a model whose stored floats satisfy the inhibiting equation exactly "
                              "(certifiable with verify --exact)")
    counter.add_argument("--out", metavar="DIR", required=True)
    counter.set_defaults(run=_run_counterexample)

    graph = commands.add_parser(
        "graph",
        help="draw the amalgamated graph (or, with --intervene, the macro-intervention graph)",
        description="Draw the amalgamated graph of Definition 3 (micro DAG plus aggregation edges), or with "
                    "--intervene X the macro-intervention graph of Definition 5, to a .png, .svg or .pdf file. "
                    "Needs matplotlib (pip install 'discagg[plot]').",
    )
    graph.add_argument("model", metavar="MODEL", help=_MODEL_HELP)
    graph.add_argument("--intervene", metavar="X", help="a coarsened node to intervene on")
    graph.add_argument("--out", metavar="FILE", required=True, help="output file: .png, .svg or .pdf")
    graph.set_defaults(run=_run_graph)
    return parser


def _common(command: argparse.ArgumentParser) -> None:
    command.add_argument("model", metavar="MODEL", help=_MODEL_HELP)
    command.add_argument("--cause", metavar="X", help="cause: a node or group of the model, or NODE,NODE:MAP "
                         "(MAP: sum, value-sum, count=STATE, optionally >=K or @E1,E2); default: the model's query")
    command.add_argument("--effect", metavar="Y", help="effect, as --cause")
    command.add_argument("--json", action="store_true", help="print one JSON document instead of a table")


@contextmanager
def _naming(source: str) -> Iterator[None]:
    """Let errors about the model's content (e.g. a bad --cause) name the model file."""
    try:
        yield
    except ModelError as exc:
        raise (exc.with_source(source) if exc.source is None else exc) from None


def _with_groups(model: CausalModel, args: argparse.Namespace) -> tuple[CausalModel, str | None, str | None]:
    """Add the groups written as --cause/--effect NODE,NODE:MAP to the model."""
    names: list[str | None] = []
    added = dict(model.groups)
    states = {n: node.states for n, node in model.nodes.items()}
    for option, value in (("--cause", args.cause), ("--effect", args.effect)):
        if value is None or value in model.nodes or value in model.groups or not set(",:") & set(value):
            names.append(value)
            continue
        name, nodes, spec = parse_group(value, states, option=option)
        if spec is not None:
            added[name] = build_group(name, nodes, states, spec, path=option)
        names.append(name)
    if len(added) > len(model.groups):
        model = replace(model, groups=added)
    return model, names[0], names[1]


def _aggregation(args: argparse.Namespace) -> Aggregation:
    model = load_any(args.model)
    with _naming(args.model):
        model, cause, effect = _with_groups(model, args)
        return Aggregation.of(model, cause, effect)


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
    model = load_any(args.model)
    with _naming(args.model):
        model, cause, effect = _with_groups(model, args)
        report = inspect_model(model, cause, effect)
    if args.json:
        return _dump(report.to_dict())
    return render_inspection(report)


def _run_verify(args: argparse.Namespace) -> str:
    agg = _aggregation(args)
    family = load_realization(args.realization, agg.model) if args.realization else None
    if family is not None and family.coarsening != agg.cause_map:
        raise ModelError(args.realization, "cause", f"a realization for the cause {agg.cause!r}",
                         repr(family.coarsening.node))
    result = verify(agg, tuple(args.check) if args.check else None, family, exact=args.exact)
    if args.json:
        text = _dump(result.to_dict())
    else:
        header = ["result", "kind", "verdict", "residual"] + (["exactly"] if args.exact else []) + ["statement"]
        rows = [[c.result, c.kind, "holds" if c.holds else ("FAILS" if c.failed else "does not hold"),
                 f"{c.residual:.3g}"] + (["yes" if c.holds_exactly else "no"] if args.exact else []) + [c.statement]
                for c in result.checks]
        text = (f"model {result.model}\n\n" + format_table(header, rows)
                + "\n\n" + ("every required conclusion holds" if result.ok
                             else "a conclusion that should hold does not"))
        if args.exact:
            within = [c for c in result.checks if c.holds and not c.holds_exactly]
            text += ("; every statement that holds also holds exactly (rational arithmetic)" if not within else
                     f"; {len(within)} statement(s) hold only within the tolerance, not exactly")
    if not result.ok:
        raise _Failed(text)
    return text


class _Failed(Exception):
    """A completed command whose answer is negative: print it, exit 1."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _run_counterexample(args: argparse.Namespace) -> str:
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ModelError(None, "--out", "a directory", f"the file {args.out}")
    if not 0 <= args.margin < 1:
        raise ModelError(None, "--margin", "a number in [0, 1)", repr(args.margin))
    for flag, value in (("--x-states", args.x_states), ("--z-states", args.z_states), ("--y-states", args.y_states)):
        if value < 1:
            raise ModelError(None, flag, "a positive number of states", repr(value))
    for flag, value, limit in (("--x-macro", args.x_macro, args.x_states), ("--y-macro", args.y_macro, args.y_states)):
        if not 1 <= value <= limit:
            raise ModelError(None, flag, f"a number of macro states in [1, {limit}]", repr(value))
    x_macro = y_macro = None
    if args.macro:
        with _naming(args.macro):
            macro = read_json(args.macro)
            if not isinstance(macro, dict) or set(macro) != {"X", "Y"}:
                raise ModelError(None, None, 'an object {"X": {...}, "Y": {...}}', repr(macro)[:60])
            x_macro, y_macro = macro["X"], macro["Y"]
    realization = None
    if args.realization:
        with _naming(args.realization):
            doc = read_json(args.realization)
            if not isinstance(doc, dict) or doc.get("format") != "discagg/realization-v1" or doc.get("cause") != "X":
                raise ModelError(None, None, "a discagg/realization-v1 document for cause 'X'", repr(doc)[:60])
            realization = doc["realization"]
    source = args.realization or args.macro
    try:
        result = generate_counterexample(
            args.x_states, args.z_states, args.y_states, args.x_macro, args.y_macro, x_macro=x_macro,
            y_macro=y_macro, realization=realization, seed=args.seed, margin=args.margin, split=args.split,
            exact=args.exact)
    except ModelError as exc:
        raise (exc.with_source(source) if exc.source is None and source else exc) from None
    except (CounterexampleNotFound, HypothesisError) as exc:
        raise ModelError(None, None, "inputs that admit a paradoxical model", str(exc)) from None
    out.mkdir(parents=True, exist_ok=True)
    save_model(result.model, out / "model.json")
    save_realization(result.realization, out / "realization.json")
    lines = [f"hypothesis {h.name}: {'holds' if h.holds else 'does NOT hold'} ({h.detail})" for h in result.hypotheses]
    lines.append(f"(X, Ybar) confounding (max TV): {result.confounding:.4f}")
    lines.append(f"wrote {out / 'model.json'} and {out / 'realization.json'}; "
                 f"check with: discagg verify {out / 'model.json'} --realization {out / 'realization.json'}")
    return "\n".join(lines)


def _run_graph(args: argparse.Namespace) -> str:
    model = load_any(args.model)
    with _naming(args.model):
        if args.intervene:
            drawn = macro_intervention_graph(model, args.intervene)
            title = f"{model.name}: macro intervention on {args.intervene} (Definition 5)"
        else:
            drawn = amalgamated_graph(model)
            title = f"{model.name}: amalgamated graph (Definition 3)"
    try:
        draw_graph(drawn, args.out, title=title, layout=amalgamated_graph(model))
    except DiscaggError as exc:
        if isinstance(exc, ModelError):
            raise
        raise ModelError(None, "graph", "matplotlib installed", str(exc)) from None
    return f"wrote {args.out}"


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
        except _Failed as failed:
            print(failed.text, file=out)
            return 1
    print(text, file=out)
    return 0
