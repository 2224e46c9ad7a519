"""JSON documents: reading with one-line errors, and the checks every format shares.

Every reader of a discagg JSON format goes through :func:`read_json`, so that a
missing file, a directory, bad UTF-8, bad JSON, a duplicate key or a number
outside float64 is one :class:`ModelError` naming the file; the small validators
(``require_object``, ``check_format``, ``check_keys``, ``nonempty_string``, ``string_list``,
``number``; they live in :mod:`discagg.json_values`, so that every layer can use
them, and are re-exported here) name the key path of what they reject.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Callable
from typing import Any, TypeVar

from discagg.errors import ModelError, UnrepresentableNumber
from discagg.io.files import read_input_bytes
from discagg.json_values import (
    check_format,
    check_keys,
    nonempty_string,
    number,
    require_object,
    string_list,
    with_source,
)

__all__ = ["MAX_DEPTH", "read_json", "read_document", "parse_json", "require_object", "check_format", "check_keys",
           "nonempty_string", "string_list", "number", "with_source"]


MAX_DEPTH = 64  # nesting of JSON arrays and objects; a CPT needs one level per parent, plus two


class _Object(dict[str, Any]):
    """A parsed JSON object that remembers the keys it saw more than once."""

    duplicates: list[str]


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    result = _Object()
    result.duplicates = []
    for key, value in pairs:
        if key in result:
            result.duplicates.append(key)
        result[key] = value
    return result


def _int(text: str) -> int | UnrepresentableNumber:
    if len(text.lstrip("-")) > 308:  # beyond float64 whatever the digits (and beyond int-parsing limits)
        return UnrepresentableNumber(text)
    value = int(text)
    return value if abs(value) < 2**1024 else UnrepresentableNumber(text)


def _float(text: str) -> float | UnrepresentableNumber:
    value = float(text)
    return value if math.isfinite(value) else UnrepresentableNumber(text)


def _check_tree(document: Any) -> None:
    """Refuse duplicate keys and nesting deeper than :data:`MAX_DEPTH`, naming the key path (iteratively)."""
    stack: list[tuple[Any, str, int]] = [(document, "", 0)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, (dict, list)) and depth >= MAX_DEPTH:
            raise ModelError(None, path or None, f"JSON nested at most {MAX_DEPTH} levels deep", "deeper nesting")
        if isinstance(value, dict):
            duplicates = getattr(value, "duplicates", [])
            if duplicates:
                where = f"{path}.{duplicates[0]}" if path else duplicates[0]
                raise ModelError(None, where, "each key once in an object", "it twice (later ones are not ignored "
                                 "silently)")
            stack.extend((item, f"{path}.{key}" if path else str(key), depth + 1) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{i}]", depth + 1) for i, item in enumerate(value))


def read_json(path: str | os.PathLike[str]) -> Any:
    """Read a JSON file, turning every failure into a one-line :class:`ModelError`.

    Only regular files are read (:func:`~discagg.io.files.read_input_bytes`).
    Duplicate keys, nesting deeper than :data:`MAX_DEPTH` and numbers outside
    float64's finite range (``1e400``, ``NaN``, 400-digit integers) are refused;
    the last become :class:`~discagg.errors.UnrepresentableNumber` values that
    the validators reject with their key path.

    Raises
    ------
    ModelError
        If the file cannot be read, is not UTF-8 or is not valid JSON (the
        message gives the line and column), or has duplicate keys.
    """
    source = str(path)
    data = read_input_bytes(path)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModelError(source, None, "UTF-8 text", f"an invalid byte at offset {exc.start}") from None
    return parse_json(text, source)


_T = TypeVar("_T")


def read_document(path: str | os.PathLike[str], parse: Callable[[Any], _T]) -> _T:
    """Read a JSON file and ``parse`` it; an error ``parse`` raises names the file too.

    The reader of saved results (``load_solution``, ``load_verification``, ...).

    Raises
    ------
    ModelError
        From :func:`read_json`, or from ``parse`` with the file as its source.
    """
    document = read_json(path)
    try:
        return parse(document)
    except ModelError as exc:
        raise with_source(exc, str(path)) from None


def parse_json(text: str, source: str) -> Any:
    """Parse JSON text with the checks of :func:`read_json`.

    >>> parse_json('{"a": 1, "a": 2}', "x.json")
    Traceback (most recent call last):
    ...
    discagg.errors.ModelError: x.json: a: expected each key once in an object, found it twice (later ones are not \
ignored silently)
    """
    try:
        document = json.loads(text, object_pairs_hook=_object, parse_int=_int, parse_float=_float,
                              parse_constant=UnrepresentableNumber)
    except json.JSONDecodeError as exc:
        raise ModelError(source, f"line {exc.lineno} column {exc.colno}", "valid JSON", exc.msg) from None
    except RecursionError:
        raise ModelError(source, None, f"JSON nested at most {MAX_DEPTH} levels deep", "deeper nesting") from None
    try:
        _check_tree(document)
    except ModelError as exc:
        raise exc.with_source(source) from None
    return document
