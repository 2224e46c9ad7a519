"""The ``discagg`` command line.

Data goes to stdout, diagnostics to stderr. Exit codes: 0 success, 2 bad input
(a one-line message, no traceback, nothing on stdout, nothing written), 1 solver
failure, or a ``verify`` with a failing required conclusion or a lacking witness property.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import warnings
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, NoReturn, TextIO

from discagg import __version__
from discagg.cli import abstraction, coarsen, data, gaussian, graph, identify, networks, plot, realizations, theory
from discagg.cli.arguments import CommandFailed
from discagg.errors import ModelError, SolverError, printable

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

__all__ = ["main", "build_parser"]


class _UsageError(Exception):
    """A command line argparse rejects, reported as one line."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (``discagg: error: ...``), not a usage block."""

    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{self.prog}: {message} (see '{self.prog} --help')")

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        # argparse swallows write errors here; let a closed pipe or a full disk reach main()
        if message:
            (file or sys.stderr).write(message)


class _Terminated(BaseException):
    """SIGTERM, turned into an exception so that temporary files are removed on the way out."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``discagg``."""
    parser = _Parser(
        prog="discagg",
        description="Causal aggregation of discrete models: macro interventions, their micro-realizations "
                    "and macro confounding.",
    )
    parser.add_argument("--version", action="version", version=f"discagg {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    realizations.register(commands)
    theory.register(commands)
    graph.register(commands)
    plot.register(commands)
    networks.register(commands)
    gaussian.register(commands)
    abstraction.register(commands)
    data.register(commands)
    identify.register(commands)
    coarsen.register(commands)
    return parser


def _silence(stream: TextIO) -> None:
    """Point a real stream's file descriptor at /dev/null, so that nothing is flushed into a dead pipe at exit."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


_CHUNK = 1 << 16
"""Characters of output written (and flushed) at a time: one large write into a pipe whose reader has
gone ends in a partial write that the buffered stream does not report, and the command would exit 0."""


def _emit(text: str | None, out: TextIO, err: TextIO, failure: OSError | None = None) -> int:
    """Write (or only flush) the command's output; a closed pipe or a full disk is one line and exit 1."""
    try:
        if failure is not None:
            raise failure
        if text is not None:
            text += "\n"
            for start in range(0, len(text), _CHUNK):
                out.write(text[start:start + _CHUNK])
                out.flush()
        out.flush()
    except BrokenPipeError:
        _silence(out)
        print("discagg: error: output stopped: the reader closed the pipe before the output ended", file=err)
        return 1
    except OSError as exc:
        _silence(out)
        print(f"discagg: error: cannot write the output: {exc.strerror or exc}", file=err)
        return 1
    return 0


def _emit_or_interrupted(text: str | None, out: TextIO, err: TextIO) -> int:
    """:func:`_emit`, with Ctrl-C or SIGTERM during the writing one line and exit 1 (the output is then cut short)."""
    try:
        return _emit(text, out, err)
    except (KeyboardInterrupt, _Terminated):
        _silence(out)  # what is still buffered goes nowhere at exit (a reader that is not reading would block it)
        print("discagg: interrupted while writing the output; it is incomplete", file=err)
        return 1


@contextlib.contextmanager
def _terminate_cleanly() -> Iterator[None]:
    """Turn SIGTERM into an exception while a command runs (in the main thread), so that cleanup runs."""
    def raise_terminated(signum: int, frame: object) -> None:
        raise _Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, raise_terminated)
    except (ValueError, OSError):  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def main(argv: Sequence[str] | None = None, *, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run ``discagg`` with ``argv`` (default: ``sys.argv[1:]``) and return the exit code.

    Exit codes: 0 success; 2 bad input or usage (one line on stderr, nothing on
    stdout, nothing written); 1 a solver failure, a negative ``verify``, an
    output that could not be written, or an interruption.
    """
    out = stdout if stdout is not None else sys.stdout
    err = stderr if stderr is not None else sys.stderr
    for stream in (out, err):  # names may hold lone surrogates: print them escaped, as valid text, never fail
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        print(f"discagg: error: {printable(str(exc))}", file=err)
        return 2
    except SystemExit as exc:  # --help and --version (argparse printed them to sys.stdout)
        return (int(exc.code) if isinstance(exc.code, int) else 0) or _emit(None, sys.stdout, err)
    except OSError as exc:  # --help into a closed pipe
        return _emit(None, sys.stdout, err, exc)

    # Warnings are held until the command's outcome is known: a bad input (exit 2) or an interruption
    # ends with its one line alone, and an answer is preceded by what was noticed on the way.
    noticed: list[str] = []

    def hold_warning(message: Warning | str, category: type[Warning], *_: object, **__: object) -> None:
        line = f"discagg: warning: {printable(str(message))}"
        if line not in noticed:
            noticed.append(line)

    def show_warnings() -> None:
        for line in noticed:
            print(line, file=err)

    with warnings.catch_warnings(), _terminate_cleanly():
        warnings.simplefilter("always")
        warnings.showwarning = hold_warning  # restored on leaving the block
        try:
            text = args.run(args)
        except ModelError as exc:
            print(f"discagg: error: {exc}", file=err)
            return 2
        except SolverError as exc:
            show_warnings()
            print(f"discagg: solver error: {printable(str(exc))}", file=err)
            return 1
        except CommandFailed as failed:
            show_warnings()
            return _emit_or_interrupted(failed.text, out, err) or 1
        except (KeyboardInterrupt, _Terminated):
            print("discagg: interrupted; nothing was written", file=err)
            return 1
        show_warnings()
        return _emit_or_interrupted(text, out, err)  # SIGTERM is still an exception while the output is written
