"""JSON files: reading with one-line errors, atomic writing, and the checks every format shares.

Every reader of a discagg JSON format goes through :func:`read_json`, so that a
missing file, a directory, bad UTF-8 or bad JSON is one :class:`ModelError`
naming the file; the small validators (``require_object``, ``check_keys``,
``name``, ``string_list``, ``number``) name the key path of what they reject.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from discagg.errors import ModelError, describe

__all__ = ["read_json", "parse_json", "write_text_atomic", "require_object", "check_keys", "nonempty_string", "string_list",
           "number", "with_source"]


def read_json(path: str | os.PathLike[str]) -> Any:
    """Read a JSON file, turning every failure into a one-line :class:`ModelError`.

    Raises
    ------
    ModelError
        If the file cannot be read, is not UTF-8 or is not valid JSON (the
        message gives the line and column).
    """
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ModelError(source, None, "an existing file", "no such file") from None
    except IsADirectoryError:
        raise ModelError(source, None, "a file", "a directory") from None
    except UnicodeDecodeError as exc:
        raise ModelError(source, None, "UTF-8 text", f"an invalid byte at offset {exc.start}") from None
    except OSError as exc:
        raise ModelError(source, None, "a readable file", exc.strerror or str(exc)) from None
    return parse_json(text, source)


def parse_json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelError(source, f"line {exc.lineno} column {exc.colno}", "valid JSON", exc.msg) from None


def require_object(value: Any, path: str, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ModelError(None, path or None, what, describe(value))
    return value


def check_keys(obj: Mapping[str, Any], allowed: tuple[str, ...], required: tuple[str, ...], path: str) -> None:
    prefix = f"{path}." if path else ""
    for key in obj:
        if key not in allowed:
            raise ModelError(None, f"{prefix}{key}", f"only the keys {list(allowed)}", f"unknown key {key!r}")
    for key in required:
        if key not in obj:
            raise ModelError(None, f"{prefix}{key}", "this key to be present", "it missing")


def nonempty_string(value: Any, path: str, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise ModelError(None, path, what, describe(value))
    return value


def string_list(value: Any, path: str, what: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ModelError(None, path, f"a list of {what}", describe(value))
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item:
            raise ModelError(None, f"{path}[{i}]", "a non-empty string", describe(item))
    return tuple(value)


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` atomically: the file is complete or untouched."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ModelError(None, path, "a number", describe(value))
    if not np.isfinite(value):
        raise ModelError(None, path, "a finite number", repr(value))
    return float(value)


def with_source(error: ModelError, source: str) -> ModelError:
    return error.with_source(source) if error.source is None else error
