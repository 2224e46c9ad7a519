"""A HiGHS instance that never writes to stdout.

``highspy.Highs()`` (highspy ≥ 1.8) registers its Python callback machinery in
the constructor. That is a HiGHS call made while the option ``output_flag``
still has its default ``true``, so HiGHS prints its two-line banner
("Running HiGHS ... / Includes third-party software ...") on file descriptor 1
before the caller can switch logging off, and ``discagg solve --json | jq``
breaks. HiGHS writes that banner only from the first call other than
``setOptionValue`` while ``output_flag`` is true (its maintainers' rule:
"output_flag must be set to false before calling a HiGHS method"), so
:func:`quiet_highs` constructs the bare compiled class ``highspy._Highs``
(which makes no call in its constructor), and sets ``output_flag`` and
``log_to_console`` first. discagg never uses the callbacks, which are all the
Python subclass adds.

For a highspy without that class, the constructor runs with file descriptor 1
pointed at file descriptor 2 (under a lock, and only for the constructor), so
the banner becomes a diagnostic on stderr instead of corrupting the data on
stdout.

The other routes to HiGHS that discagg uses do not print: ``scipy.optimize``
bundles its own HiGHS with output off, and the cvxpy formulations
(:mod:`discagg.solvers.cvx`) solve their linear programs with cvxpy's ``SCIPY``
interface (that same bundled HiGHS) rather than cvxpy's ``HIGHS`` interface,
which constructs ``highspy.Highs()`` itself.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from typing import Any

import highspy

__all__ = ["quiet_highs", "stdout_to_stderr"]

_REDIRECT = threading.Lock()


@contextlib.contextmanager
def stdout_to_stderr() -> Iterator[None]:
    """Point file descriptor 1 at file descriptor 2 for the duration (C-level output included).

    Holding a module lock, so that two threads cannot interleave their
    redirections; Python's own ``sys.stdout`` buffer is flushed first so that
    nothing already written moves.
    """
    with _REDIRECT:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
        saved = os.dup(1)
        try:
            os.dup2(2, 1)
            yield
        finally:
            os.dup2(saved, 1)
            os.close(saved)


def quiet_highs() -> Any:
    """A fresh HiGHS instance with all output off, having written nothing.

    Returns
    -------
    highspy._Highs or highspy.Highs
        Supports the compiled API (``addRows``, ``addCols``, ``run``,
        ``getSolution``, ``setOptionValue``, ...).
    """
    core = getattr(highspy, "_Highs", None)
    if core is not None:
        h = core()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("log_to_console", False)
        return h
    with stdout_to_stderr():  # pragma: no cover - highspy without the bare class
        h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("log_to_console", False)
    return h
