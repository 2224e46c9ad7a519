"""Progress bars on stderr for work that takes more than a moment.

A bar is drawn only when it is asked for (``enabled``), the stream is a
terminal, and the work is still running after ``delay`` seconds; otherwise the
iterable is passed through untouched. Bars are drawn by tqdm, imported only when
one is drawn. Library functions take ``progress=False`` by default; the command
line turns it on unless ``--quiet`` is given.

>>> list(progress(range(3), total=3, description="states", enabled=True))  # doctest's stderr is no terminal
[0, 1, 2]
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

__all__ = ["progress", "DELAY"]

T = TypeVar("T")

DELAY = 1.0
"""Seconds of work before a bar appears (quick commands never show one)."""


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (OSError, ValueError):  # a closed stream
        return False


def progress(iterable: Iterable[T], *, total: int | None, description: str, enabled: bool,
             stream: TextIO | None = None, delay: float = DELAY) -> Iterator[T]:
    """Iterate over ``iterable``, with a bar on ``stream`` (default: stderr) when that is a terminal.

    Parameters
    ----------
    iterable : iterable
    total : int or None
        Number of items, for the bar's percentage.
    description : str
        What is counted, e.g. ``"macro states"``.
    enabled : bool
        False (``--quiet``, or a library call) draws nothing.
    stream : text stream, optional
        Where the bar goes; default ``sys.stderr``.
    delay : float
        Seconds before the bar first appears.

    Yields
    ------
    The items of ``iterable``, unchanged.
    """
    out = sys.stderr if stream is None else stream
    if not enabled or not _is_terminal(out):
        yield from iterable
        return
    try:
        from tqdm import tqdm
    except ImportError:  # tqdm is a dependency; a broken install still gets its answer, without a bar
        yield from iterable
        return
    # A terminal of unknown size (0 x 0, e.g. a bare pty) gets 80 x 24: tqdm draws nothing on 0 rows.
    sized = _columns(out) > 0
    with tqdm(iterable, total=total, desc=description, file=out, delay=delay, leave=False, dynamic_ncols=sized,
              ncols=None if sized else 80, nrows=None if sized else 24, unit="") as bar:
        yield from bar


def _columns(stream: TextIO) -> int:
    import os

    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return 0
