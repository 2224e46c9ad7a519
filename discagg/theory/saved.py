"""A saved ``discagg verify --json`` document read back as a :class:`~discagg.Verification`.

The document holds everything the result does: the checks (a residual written
as null is NaN: Theorem 3.2's family row when no family was given), their
``detail`` as written, and with Theorem 4.1 the cause's and effect's macro
states and every adjusted effect. A row of an adjusted effect where positivity
fails is null in the document and reads back as NaN (such rows are meaningless,
and equality of :class:`~discagg.Verification` does not compare them). The
``ok`` entry is derived, and checked against the checks read. ``verify --exact``
reruns the checks in rational arithmetic only to decide ``holds_exactly``; the
residuals and adjusted effects are float64 either way, so nothing is lost. A
document that is not as written is a :class:`~discagg.errors.ModelError` naming
the key path (and the file, for :func:`load_verification`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from discagg.errors import ModelError, describe, preview
from discagg.json_values import boolean, check_keys, key_path, number, require_object, string, string_list
from discagg.theory.adjustment import AdjustedEffect
from discagg.theory.checks import Check, Verification

__all__ = ["verification_from_dict", "load_verification"]

_KEYS = ("model", "ok", "checks", "cause_states", "effect_states", "adjusted", "witnesses_written")
_CHECK_KEYS = ("result", "kind", "statement", "holds", "residual", "required", "holds_exactly", "detail")
_KINDS = ("hypothesis", "conclusion", "witness", "property", "remark")
_ADJUSTED_KEYS = ("adjust", "condition_15", "condition_13", "estimate", "realization_effect")


def _check(value: Any, path: str) -> Check:
    entry = require_object(value, path, "an object describing one check")
    check_keys(entry, _CHECK_KEYS, _CHECK_KEYS[:-1], path)
    kind = entry["kind"]
    if kind not in _KINDS:
        raise ModelError(None, key_path(path, "kind"), f"one of {list(_KINDS)}", describe(kind))
    residual = math.nan if entry["residual"] is None else number(entry["residual"], key_path(path, "residual"))
    exactly = entry["holds_exactly"]
    if exactly is not None:
        exactly = boolean(exactly, key_path(path, "holds_exactly"))
    detail = entry.get("detail")
    if detail is not None:
        detail = require_object(detail, key_path(path, "detail"), "an object, or no such key")
    return Check(string(entry["result"], key_path(path, "result")), kind,
                 string(entry["statement"], key_path(path, "statement")),
                 boolean(entry["holds"], key_path(path, "holds")), residual,
                 boolean(entry["required"], key_path(path, "required")), exactly, detail)


def _rows(value: Any, path: str, xs: Sequence[str], ys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The (|xs|, |ys|) table of an estimate (NaN where null) and where it is defined."""
    obj = require_object(value, path, "an object mapping the cause's macro states to distributions or null")
    if list(obj) != list(xs):
        raise ModelError(None, path, f"an entry for each of {preview(list(xs))}, in order", preview(list(obj)))
    table = np.full((len(xs), len(ys)), np.nan)
    defined = np.zeros(len(xs), dtype=bool)
    for i, x in enumerate(xs):
        row = obj[x]
        if row is None:
            continue
        where = key_path(path, x)
        row = require_object(row, where, "an object mapping the effect's macro states to numbers, or null")
        if list(row) != list(ys):
            raise ModelError(None, where, f"a number for each of {preview(list(ys))}, in order", preview(list(row)))
        table[i] = [number(row[y], key_path(where, y)) for y in ys]
        defined[i] = True
    return table, defined


def _adjusted(value: Any, path: str, xs: Sequence[str], ys: Sequence[str]) -> AdjustedEffect:
    entry = require_object(value, path, "an object describing one adjustment set")
    check_keys(entry, _ADJUSTED_KEYS, _ADJUSTED_KEYS, path)
    adjust = entry["adjust"]
    if not isinstance(adjust, list) or not all(isinstance(b, str) for b in adjust):
        raise ModelError(None, key_path(path, "adjust"), "a list of macro variable names", describe(adjust))
    estimate, defined = _rows(entry["estimate"], key_path(path, "estimate"), xs, ys)
    effect, defined_too = _rows(entry["realization_effect"], key_path(path, "realization_effect"), xs, ys)
    if not np.array_equal(defined, defined_too):
        raise ModelError(None, key_path(path, "realization_effect"), "null exactly where 'estimate' is null",
                         "a different set of null rows")
    return AdjustedEffect(tuple(adjust), estimate, effect, defined,
                          number(entry["condition_15"], key_path(path, "condition_15")),
                          number(entry["condition_13"], key_path(path, "condition_13")))


def verification_from_dict(document: Any) -> Verification:
    """The :class:`~discagg.Verification` of a ``discagg verify --json`` document.

    Raises
    ------
    ModelError
        Naming the key path of the first entry that is not as :meth:`Verification.to_dict` writes it.
    """
    doc = require_object(document, "", "a JSON object as 'discagg verify --json' prints")
    check_keys(doc, _KEYS, ("model", "ok", "checks"), "")
    checks = doc["checks"]
    if not isinstance(checks, list):
        raise ModelError(None, "checks", "a list of checks", describe(checks))
    rows = tuple(_check(c, f"checks[{k}]") for k, c in enumerate(checks))
    adjusted: tuple[AdjustedEffect, ...] = ()
    xs: tuple[str, ...] = ()
    ys: tuple[str, ...] = ()
    if "adjusted" in doc:
        check_keys(doc, _KEYS, ("cause_states", "effect_states"), "")
        xs = string_list(doc["cause_states"], "cause_states", "the cause's macro states")
        ys = string_list(doc["effect_states"], "effect_states", "the effect's macro states")
        if not isinstance(doc["adjusted"], list) or not doc["adjusted"]:
            raise ModelError(None, "adjusted", "a non-empty list of adjustment sets", describe(doc["adjusted"]))
        adjusted = tuple(_adjusted(a, f"adjusted[{k}]", xs, ys) for k, a in enumerate(doc["adjusted"]))
    elif "cause_states" in doc or "effect_states" in doc:
        raise ModelError(None, "adjusted", "this key with 'cause_states' and 'effect_states'", "it missing")
    result = Verification(string(doc["model"], "model"), rows, adjusted, xs, ys)
    if boolean(doc["ok"], "ok") != result.ok:
        raise ModelError(None, "ok", f"{str(result.ok).lower()} (what the checks say)", describe(doc["ok"]))
    return result


def load_verification(path: str | os.PathLike[str]) -> Verification:
    """Read a file that ``discagg verify --json`` (or :meth:`Verification.to_dict`) wrote.

    Raises
    ------
    ModelError
        Naming the file, and the key path of what is not as written.
    """
    from discagg.io.json_files import read_document

    return read_document(path, verification_from_dict)


