"""The ``discagg`` command line: the parser and ``main``, one module per family of commands.

Data goes to stdout, diagnostics to stderr. Exit codes: 0 success, 2 bad input
(a one-line message, no traceback, nothing on stdout, nothing written), 1 solver
failure, or a ``verify`` with a failing required conclusion or a lacking witness property.
"""

from discagg.cli.program import build_parser, main

__all__ = ["build_parser", "main"]
