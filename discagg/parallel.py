"""Independent parts of a long computation, run through Dask: locally by default, or on a running cluster.

:func:`map_chunks` applies a function to each of a list of *chunks* (independent
pieces of work: a block of fibres to evaluate, one restart of a local search)
and returns the results **in chunk order**. Where the work runs is the
``scheduler``:

``None`` or ``"local"`` (default)
    Dask's local threaded scheduler, in this process: nothing to set up and
    nothing started beyond a thread pool that ends with the call. Without Dask
    installed, the chunks run one after the other in this process.
``"sequential"``
    The chunks run one after the other in this process, without Dask.
an address (``"tcp://10.0.0.5:8786"``, or a ``LocalCluster``'s ``scheduler_address``)
    A running ``dask.distributed`` scheduler: the chunks are submitted to its
    workers and gathered; the client is closed afterwards (the cluster keeps
    running).

A chunk's result depends only on the chunk (a randomised chunk carries its own
seed, see :func:`spawn_seeds`), never on where or in which order it ran, so the
results are the same whatever the scheduler and however the work is cut into
chunks. Dask is the optional extra ``parallel`` (``pip install
'discagg[parallel]'``, which brings ``dask[distributed]``) and is imported only
here, when a call needs it.

>>> map_chunks(sum, [[1, 2], [3], []], scheduler="sequential")
[3, 3, 0]
>>> spawn_seeds(0, 3) == spawn_seeds(0, 5)[:3]
True
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from discagg.errors import ModelError
from discagg.progress import progress as progress_bar

__all__ = ["LOCAL", "SEQUENTIAL", "map_chunks", "spawn_seeds", "dask_available"]

C = TypeVar("C")
R = TypeVar("R")

LOCAL = "local"
SEQUENTIAL = "sequential"
INSTALL_HINT = "pip install 'discagg[parallel]' (dask[distributed])"


class _Opaque:
    """A chunk handed to Dask as one value (Dask looks into tuples, lists and dicts for tasks; not into this)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


def _apply(function: Callable[[Any], Any], chunk: _Opaque) -> Any:
    return function(chunk.value)


def dask_available() -> bool:
    """Whether ``dask`` can be imported (the local path then uses its threaded scheduler)."""
    try:
        import dask  # noqa: F401
    except ImportError:
        return False
    return True


def spawn_seeds(seed: int, count: int) -> list[int]:
    """``count`` independent seeds derived from ``seed``: the ``i``-th depends on ``seed`` and ``i`` only.

    Parameters
    ----------
    seed : int
        A non-negative integer.
    count : int

    Returns
    -------
    list of int
        Each a 64-bit seed for :func:`numpy.random.default_rng`.

    Examples
    --------
    >>> len(set(spawn_seeds(7, 4)))
    4
    """
    import numpy as np

    return [int(s.generate_state(1, np.uint64)[0]) for s in np.random.SeedSequence(seed).spawn(count)]


def map_chunks(function: Callable[[C], R], chunks: Sequence[C], *, scheduler: str | None = None,
               progress: bool = False, description: str = "chunks") -> list[R]:
    """``[function(chunk) for chunk in chunks]``, run through Dask, in chunk order.

    Parameters
    ----------
    function : callable
        Applied to each chunk. For a distributed scheduler it and the chunks must
        be picklable (a module-level function, arrays, tuples, frozen dataclasses).
    chunks : sequence
        The independent pieces of work.
    scheduler : str, optional
        ``None``/``"local"``, ``"sequential"`` or the address of a running
        ``dask.distributed`` scheduler (see the module docstring).
    progress : bool
        A bar over the chunks on stderr when it is a terminal.
    description : str
        What the bar counts.

    Returns
    -------
    list
        The results, ``results[i] = function(chunks[i])``.

    Raises
    ------
    ModelError
        An address given without ``distributed`` installed, or one where no
        scheduler answers (on the command line, ``--scheduler``).
    Exception
        Whatever ``function`` raises on a chunk.

    Examples
    --------
    >>> map_chunks(len, ["ab", "", "c"])
    [2, 0, 1]
    """
    chunks = list(chunks)
    if not chunks:
        return []
    if scheduler is None or scheduler == LOCAL:
        if not dask_available():
            return _sequential(function, chunks, progress, description)
        return _local(function, chunks, progress, description)
    if scheduler == SEQUENTIAL:
        return _sequential(function, chunks, progress, description)
    if not isinstance(scheduler, str) or not scheduler.strip():
        raise ModelError(None, "--scheduler", f"'{LOCAL}', '{SEQUENTIAL}' or the address of a running dask.distributed "
                         "scheduler", repr(scheduler))
    return _distributed(function, chunks, scheduler, progress, description)


def _sequential(function: Callable[[C], R], chunks: list[C], progress: bool, description: str) -> list[R]:
    return [function(chunk) for chunk in progress_bar(chunks, total=len(chunks), description=description,
                                                      enabled=progress)]


def _local(function: Callable[[C], R], chunks: list[C], progress: bool, description: str) -> list[R]:
    import dask
    from dask.callbacks import Callback

    tasks = [dask.delayed(_apply, pure=False)(function, _Opaque(chunk)) for chunk in chunks]
    ticks = progress_bar(iter(range(len(chunks))), total=len(chunks), description=description, enabled=progress)

    def finished(key: object, result: object, dsk: object, state: object, worker_id: object) -> None:
        next(ticks, None)  # called in this thread by the local scheduler, once per finished task

    with Callback(posttask=finished):
        results = dask.compute(*tasks, scheduler="threads", num_workers=min(len(chunks), os.cpu_count() or 1))
    for _ in ticks:  # let the bar finish and clear itself
        pass
    return list(results)


def _probe(address: str) -> None:
    """Refuse an address that is malformed, or a TCP address where nothing listens, at once (not after a timeout)."""
    import socket

    from distributed.comm.addressing import parse_address, parse_host_port
    from distributed.comm.registry import backends

    expected = "the address of a running dask.distributed scheduler (e.g. tcp://HOST:8786)"
    try:
        scheme, location = parse_address(address)
        if scheme not in backends:
            raise ValueError(f"unknown scheme {scheme!r}; known: {', '.join(sorted(backends))}")
        if scheme not in ("tcp", "tls"):
            return
        host, port = parse_host_port(location)
    except (ValueError, TypeError) as exc:
        raise ModelError(None, "--scheduler", expected, f"{address!r} ({exc})") from None
    try:
        socket.create_connection((host, int(port)), timeout=5.0).close()
    except OSError as exc:
        raise ModelError(None, "--scheduler", expected,
                         f"{address!r}, where nothing answers ({exc.strerror or type(exc).__name__})") from None


def _distributed(function: Callable[[C], R], chunks: list[C], address: str, progress: bool,
                 description: str) -> list[R]:
    try:
        from distributed import Client
    except ImportError:
        raise ModelError(None, "--scheduler", f"dask.distributed installed for a scheduler address ({INSTALL_HINT})",
                         repr(address)) from None
    _probe(address)
    try:
        client = Client(address, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ModelError(None, "--scheduler", "the address of a running dask.distributed scheduler",
                         f"{address!r} ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else 'no answer'})"
                         ) from None
    try:
        futures = client.map(_apply, [function] * len(chunks), [_Opaque(chunk) for chunk in chunks], pure=False)
        # every chunk is running or queued on the cluster; collect them in order (the bar counts collected ones)
        return [future.result() for future in progress_bar(futures, total=len(futures), description=description,
                                                            enabled=progress)]
    finally:
        client.close()
