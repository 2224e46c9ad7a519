"""Files in and out: only regular files are read, and every output appears whole or not at all.

Reading refuses what is not a regular file (a directory, ``/dev/zero``, a FIFO,
a socket) and files larger than :data:`MAX_INPUT_BYTES`, before reading.
Writing goes to a temporary file in the target's directory, which is renamed
over the target only once it is complete; the file gets the permissions a newly
created file gets (``0o666`` less the umask, or the mode of the file it
replaces); nothing but a regular file or a new name is ever replaced, and the
temporary file is removed on any failure or interruption.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import signal
import stat
import tempfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TypeVar

from discagg.errors import ModelError

_PathT = TypeVar("_PathT", bound="str | os.PathLike[str]")
"""A path as callers hold it (``str`` or ``Path``), so that a ``dict[Path, str]`` of files is accepted."""

__all__ = ["MAX_INPUT_BYTES", "read_input_bytes", "check_output_path", "atomic_output", "write_text_atomic",
           "write_texts_atomic"]

MAX_INPUT_BYTES = 2**30  # 1 GiB: larger inputs (or decompressed inputs) are refused before reading

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"))


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_input_bytes(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a regular input file (decompressed when it ends in ``.gz``).

    Raises
    ------
    ModelError
        Naming the file: missing, not a regular file, unreadable, or larger than
        :data:`MAX_INPUT_BYTES` (also once decompressed).
    """
    source = str(path)
    if not source:
        raise ModelError(None, None, "an input file name", "an empty path")
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise ModelError(source, None, "an existing file", "no such file") from None
    except OSError as exc:
        raise ModelError(source, None, "a readable file", exc.strerror or str(exc)) from None
    if not stat.S_ISREG(info.st_mode):
        raise ModelError(source, None, "a file", _kind(info.st_mode))
    if info.st_size > MAX_INPUT_BYTES:
        raise ModelError(source, None, f"a file of at most {MAX_INPUT_BYTES} bytes", f"{info.st_size} bytes")
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
        if source.endswith(".gz"):
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as unzipped:
                data = unzipped.read(MAX_INPUT_BYTES + 1)
    except (OSError, EOFError) as exc:
        raise ModelError(source, None, "a readable file" + (" (gzip)" if source.endswith(".gz") else ""),
                         getattr(exc, "strerror", None) or str(exc) or type(exc).__name__) from None
    if len(data) > MAX_INPUT_BYTES:
        raise ModelError(source, None, f"a file of at most {MAX_INPUT_BYTES} bytes", "more once decompressed")
    return data


def check_output_path(path: str | os.PathLike[str], option: str) -> Path:
    """Check, before any work, that ``path`` can receive an output file.

    Parameters
    ----------
    path : path-like
    option : str
        The option or argument that named it, for messages (e.g. ``"--out"``).

    Returns
    -------
    Path
        Where the file will be written: ``path``, or the file a symbolic link
        at ``path`` names (the link is kept).

    Raises
    ------
    ModelError
        An empty path, a missing directory, or an existing target that is not
        a regular file (a directory, a device, a FIFO).
    """
    if not str(path):
        raise ModelError(None, option, "a file name", "an empty path")
    target = Path(path)
    if target.is_symlink():
        # Written through, as a shell redirection would: the file the link names is replaced, the link stays.
        target = Path(os.path.realpath(target))
    parent = target.parent
    if not parent.is_dir():
        raise ModelError(str(path), option, "a file in an existing directory", f"no directory {str(parent)!r}")
    try:
        info = os.stat(target)
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise ModelError(str(path), option, "a writable file name", exc.strerror or str(exc)) from None
    if not stat.S_ISREG(info.st_mode):
        raise ModelError(str(path), option, "a regular file or a new file name to write", _kind(info.st_mode))
    return target


def _new_file_mode(target: Path) -> int:
    """The mode the output gets: the replaced file's, or 0o666 less the umask."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM while renaming, so that an interruption cannot split a set of outputs."""
    held = {signal.SIGINT, signal.SIGTERM}
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, OSError, ValueError):  # no signal masks on this platform or thread
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str], option: str = "output") -> Iterator[Path]:
    """Yield a temporary path next to ``path``; on success it is renamed over ``path``.

    Whatever the body writes to the temporary path (e.g. matplotlib's
    ``savefig``) becomes ``path`` only when the body returns; on an exception
    or an interruption the temporary file is removed and ``path`` is untouched.

    Raises
    ------
    ModelError
        As :func:`check_output_path`, or when the directory cannot be written.
    """
    with _staged({path: None}, option) as temporaries:
        yield temporaries[0]


@contextlib.contextmanager
def _staged(targets: Mapping[_PathT, Callable[[Path], None] | None], option: str
            ) -> Iterator[list[Path]]:
    checked = [check_output_path(path, option) for path in targets]
    temporaries: list[Path] = []
    try:
        for target in checked:
            try:
                handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix,
                                                dir=str(target.parent))
            except OSError as exc:
                raise ModelError(str(target), option, "a file in a writable directory",
                                 exc.strerror or str(exc)) from None
            os.close(handle)
            temporaries.append(Path(name))
        for temporary, write in zip(temporaries, targets.values()):
            if write is not None:
                write(temporary)
        yield temporaries
        modes = [_new_file_mode(target) for target in checked]
        with _signals_held():
            for temporary, target, mode in zip(temporaries, checked, modes):
                os.chmod(temporary, mode)
                os.replace(temporary, target)
    except OSError as exc:
        raise ModelError(", ".join(str(target) for target in checked), option, "an output file that can be written", exc.strerror or str(exc)) from None
    finally:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)


def _text_writer(text: str) -> Callable[[Path], None]:
    def write(temporary: Path) -> None:
        temporary.write_text(text, encoding="utf-8")
    return write


def write_text_atomic(path: str | os.PathLike[str], text: str, option: str = "output") -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically, with a new file's permissions.

    Raises
    ------
    ModelError
        A path that cannot receive the file (see :func:`check_output_path`), or
        a write that fails (a full disk, a read-only directory).
    """
    write_texts_atomic({path: text}, option)


def write_texts_atomic(files: Mapping[_PathT, str], option: str = "output") -> None:
    """Write several files so that either all of them appear, complete, or none does.

    Every file is written to a temporary first; the renames happen together,
    with SIGINT and SIGTERM held, once all are complete.
    """
    with _staged({path: _text_writer(text) for path, text in files.items()}, option):
        pass
