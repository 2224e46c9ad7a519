"""The ``discagg`` command line.

Data goes to stdout, diagnostics to stderr. Exit codes: 0 success, 2 bad input
(a one-line message, no traceback, nothing on stdout, nothing written), 1 solver
failure, or a ``verify`` whose required conclusions do not all hold.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Sequence
from typing import TextIO

from discagg import __version__
from discagg.cli import graph, realizations, theory
from discagg.cli.arguments import CommandFailed
from discagg.errors import ModelError, SolverError

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

    realizations.register(commands)
    theory.register(commands)
    graph.register(commands)
    return parser


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
        except CommandFailed as failed:
            print(failed.text, file=out)
            return 1
    print(text, file=out)
    return 0
