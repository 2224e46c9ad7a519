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
from collections.abc import Sequence
from typing import Any, TextIO

from discagg import __version__
from discagg.errors import ModelError, SolverError
from discagg.io import load_model
from discagg.render import render_inspection
from discagg.report import inspect_model

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
    inspect.add_argument("model", metavar="MODEL", help="a discagg/model-v1 JSON file")
    inspect.add_argument("--cause", metavar="X", help="cause node (default: the model's query)")
    inspect.add_argument("--effect", metavar="Y", help="effect node (default: the model's query)")
    inspect.add_argument("--json", action="store_true", help="print one JSON document instead of a table")
    inspect.set_defaults(run=_run_inspect)
    return parser


def _run_inspect(args: argparse.Namespace) -> str:
    model = load_model(args.model)
    try:
        report = inspect_model(model, args.cause, args.effect)
    except ModelError as exc:
        raise exc.with_source(args.model) if exc.source is None else exc
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
