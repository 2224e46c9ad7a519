"""Checks of JSON-like values, from a file or given in Python, each failure one :class:`ModelError` with its key path.

Every reader of a discagg document (model files, side files, saved results)
checks the values it finds with these, so that a wrong value is reported the
same way wherever it is: ``macro_states[0].gap: expected a number, found str '0.1'``.
They need nothing of discagg but :mod:`discagg.errors` (and numpy), so that
every layer can use them; :mod:`discagg.io.json_files` reads the files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from discagg.errors import ModelError, describe, preview

__all__ = ["require_object", "check_keys", "nonempty_string", "string_list", "number", "with_source", "key_path",
           "string", "boolean", "numbers_by_name", "state_entries"]


def require_object(value: Any, path: str, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ModelError(None, path or None, what, describe(value))
    return value


def check_format(obj: Mapping[str, Any], expected: str) -> None:
    """Refuse a document whose ``format`` names another format, before its keys are checked.

    A model file given where a Gaussian spec belongs is then "format: expected
    'discagg/gaussian-v1', found 'discagg/model-v1'", not a complaint about its
    first unexpected key. A missing ``format`` is left to :func:`check_keys`.

    >>> check_format({"format": "discagg/model-v1"}, "discagg/scm-v1")
    Traceback (most recent call last):
    ...
    discagg.errors.ModelError: format: expected 'discagg/scm-v1', found str 'discagg/model-v1'
    """
    if "format" in obj and obj["format"] != expected:
        raise ModelError(None, "format", repr(expected), describe(obj["format"]))


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


def number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ModelError(None, path, "a number", describe(value))
    if not np.isfinite(value):
        raise ModelError(None, path, "a finite number", repr(value))
    return float(value)


def with_source(error: ModelError, source: str) -> ModelError:
    return error.with_source(source) if error.source is None else error


def key_path(path: str, key: str | int) -> str:
    """``path.key``, or ``path[key]`` for a list index.

    >>> key_path("macro_states", 2), key_path("macro_states[2]", "gap"), key_path("", "model")
    ('macro_states[2]', 'macro_states[2].gap', 'model')
    """
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def string(value: Any, path: str) -> str:
    """Any string (also an empty one)."""
    if not isinstance(value, str):
        raise ModelError(None, path, "a string", describe(value))
    return value


def boolean(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise ModelError(None, path, "true or false", describe(value))
    return value


def numbers_by_name(value: Any, path: str, names: Sequence[str]) -> np.ndarray:
    """``{name: number}`` giving every name of ``names`` once, as a float64 array in that order.

    >>> numbers_by_name({"b": 2, "a": 1}, "f", ("a", "b"))
    array([1., 2.])
    """
    mapping = require_object(value, path, f"an object mapping {preview(names)} to numbers")
    for key in mapping:
        if key not in names:
            raise ModelError(None, key_path(path, key), f"one of {preview(names)}", f"unknown key {key!r}")
    missing = [n for n in names if n not in mapping]
    if missing:
        raise ModelError(None, path, f"a value for every one of {preview(names)}", f"none for {preview(missing)}")
    return np.array([number(mapping[n], key_path(path, n)) for n in names], dtype=np.float64)


def state_entries(value: Any, path: str, names: Sequence[str] | None = None) -> list[Mapping[str, Any]]:
    """A list of objects; with ``names``, one per name, in order, each with ``"state"`` that name."""
    if not isinstance(value, list):
        raise ModelError(None, path, "a list of macro state entries", describe(value))
    found = [require_object(item, key_path(path, i), "an object describing one macro state")
             for i, item in enumerate(value)]
    if names is not None and [entry.get("state") for entry in found] != list(names):
        raise ModelError(None, path, f"one entry per macro state of the cause, in order {preview(names)}",
                         preview([entry.get("state") for entry in found]))
    return found
