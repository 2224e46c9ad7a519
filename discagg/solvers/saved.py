"""Saved results read back: the JSON of ``discagg solve``, ``bounds`` and ``inspect --json``.

Each document carries what its result holds: :meth:`Solution.to_dict
<discagg.solvers.solution.Solution.to_dict>` the coarsenings of the cause and
the effect (``cause_map``, ``effect_map``: micro states and macro map), the
others the state names they refer to (``cause_micro_states``,
``effect_macro_states``, and ``effect_micro_states`` for an inspection).
:func:`solution_from_dict` and :func:`bounds_from_dict` (and
:meth:`Inspection.from_dict <discagg.core.inspection.Inspection.from_dict>`)
rebuild a result equal to the one written (``json`` writes floats so that they
read back exactly); :func:`load_solution`, :func:`load_bounds` and
:func:`load_inspection` read the file first. A document that is not as written
is a :class:`~discagg.errors.ModelError` naming the file and the key path.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import numpy as np

from discagg.core.coarsening import Coarsening
from discagg.core.inspection import Inspection
from discagg.errors import CoarseningWarning, ModelError, describe, preview
from discagg.io.json_files import read_document
from discagg.json_values import (
    check_keys,
    key_path,
    number,
    numbers_by_name,
    require_object,
    state_entries,
    string,
    string_list,
)
from discagg.solvers.ranges import EffectBounds, StateBounds
from discagg.solvers.solution import Solution, StateSolution

__all__ = ["solution_from_dict", "bounds_from_dict", "load_solution", "load_bounds", "load_inspection"]

_SOLUTION_KEYS = ("model", "cause", "effect", "objective", "macro_states", "cause_map", "effect_map")
_SOLUTION_STATUSES = ("inhibiting", "infeasible", "unsupported", "inducing", "reachable", "unreachable",
                      "untargeted")
_BOUNDS_KEYS = ("model", "cause", "effect", "f", "macro_states", "cause_micro_states", "effect_macro_states")

_T = TypeVar("_T")


def _optional(value: Any, path: str, read: Callable[[Any, str], _T]) -> _T | None:
    return None if value is None else read(value, path)


def _coarsening(value: Any, path: str, node: str) -> Coarsening:
    doc = require_object(value, path, "an object with keys 'micro_states' and 'macro'")
    check_keys(doc, ("micro_states", "macro"), ("micro_states", "macro"), path)
    micro = string_list(doc["micro_states"], key_path(path, "micro_states"), "micro states")
    mapping = require_object(doc["macro"], key_path(path, "macro"), "an object mapping macro states to micro states")
    with warnings.catch_warnings():  # an identity map was accepted when the result was computed
        warnings.simplefilter("ignore", CoarseningWarning)
        return Coarsening.from_mapping(node, micro, mapping, path=key_path(path, "macro"))


def _index(name: Any, path: str, index: Mapping[str, int], what: str) -> int:
    if not isinstance(name, str) or name not in index:
        raise ModelError(None, path, what, describe(name))
    return index[name]


# -- solve ------------------------------------------------------------------------------------------------


def _state_solution(entry: Mapping[str, Any], path: str, k: int, cause_map: Coarsening, effect_states: tuple[str, ...],
                    target_key: str) -> StateSolution:
    name = cause_map.macro_states[k]
    status = entry.get("status")
    if status not in _SOLUTION_STATUSES:
        raise ModelError(None, key_path(path, "status"), f"one of {list(_SOLUTION_STATUSES)}", describe(status))
    if status in ("unsupported", "untargeted"):
        check_keys(entry, ("state", "status", "probability"), ("state", "status", "probability"), path)
        return StateSolution(name, status, number(entry["probability"], key_path(path, "probability")))
    keys = ("state", "status", "probability", "realization", target_key, "interventional", "gap")
    check_keys(entry, (*keys, "certificate", "certificate_margin", "objective_value"), keys, path)
    where = key_path(path, "realization")
    realization = require_object(entry["realization"], where, "an object mapping micro states to weights")
    fibre = cause_map.fibre(k)
    index = {cause_map.micro_states[i]: int(i) for i in fibre}
    support = np.array([_index(x, key_path(where, x), index, f"a micro state in the fibre of {name!r} "
                               f"{preview(index)}") for x in realization], dtype=np.intp)
    weights = np.array([number(w, key_path(where, x)) for x, w in realization.items()], dtype=np.float64)
    certificate = margin = None
    if "certificate" in entry or "certificate_margin" in entry:
        check_keys(entry, tuple(entry), ("certificate", "certificate_margin"), path)
        certificate = numbers_by_name(entry["certificate"], key_path(path, "certificate"), effect_states)
        margin = number(entry["certificate_margin"], key_path(path, "certificate_margin"))
    value = None
    if "objective_value" in entry:  # written null when infinite (min-kl off the natural support)
        value = math.inf if entry["objective_value"] is None else number(entry["objective_value"],
                                                                         key_path(path, "objective_value"))
    return StateSolution(
        name, status, number(entry["probability"], key_path(path, "probability")), support, weights,
        _optional(entry[target_key], key_path(path, target_key), lambda v, p: numbers_by_name(v, p, effect_states)),
        _optional(entry["interventional"], key_path(path, "interventional"), lambda v, p: numbers_by_name(v, p, effect_states)),
        _optional(entry["gap"], key_path(path, "gap"), number), certificate, margin, value)


def solution_from_dict(document: Any) -> Solution:
    """The :class:`~discagg.solvers.solution.Solution` of a ``discagg solve --json`` document.

    Raises
    ------
    ModelError
        Naming the key path of the first entry that is not as ``to_dict`` writes it.
    """
    doc = require_object(document, "", "a JSON object as 'discagg solve --json' prints")
    check_keys(doc, _SOLUTION_KEYS, _SOLUTION_KEYS, "")
    model, cause, effect, objective = (string(doc[key], key) for key in ("model", "cause", "effect", "objective"))
    cause_map = _coarsening(doc["cause_map"], "cause_map", cause)
    effect_map = _coarsening(doc["effect_map"], "effect_map", effect)
    target_key = "target" if objective == "target" else "observational"
    items = state_entries(doc["macro_states"], "macro_states", cause_map.macro_states)
    states = tuple(_state_solution(entry, f"macro_states[{k}]", k, cause_map, effect_map.macro_states, target_key)
                   for k, entry in enumerate(items))
    return Solution(model, cause, effect, objective, states, cause_map, effect_map, target_key=target_key)


def load_solution(path: str | os.PathLike[str]) -> Solution:
    """Read a file that ``discagg solve --json`` (or :meth:`Solution.to_dict`) wrote, as a Solution.

    Raises
    ------
    ModelError
        Naming the file, and the key path of what is not as written.

    Examples
    --------
    >>> import json, os, tempfile
    >>> from discagg import load_model, solve
    >>> sol = solve(load_model("example:cholesterol"), objective="closest")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = os.path.join(folder, "solution.json")
    ...     with open(path, "w") as file:
    ...         _ = file.write(json.dumps(sol.to_dict()))
    ...     load_solution(path) == sol
    True
    """
    return read_document(path, solution_from_dict)


# -- bounds -----------------------------------------------------------------------------------------------


def _state_bounds(entry: Mapping[str, Any], path: str, name: str, micro: Mapping[str, int],
                  ys: tuple[str, ...], with_f: bool) -> StateBounds:
    keys = ("state", "probability", "bounds")
    check_keys(entry, (*keys, "observational", "expectation"), keys, path)
    what = f"a micro state of the cause {preview(micro)}"
    where = key_path(path, "bounds")
    table = require_object(entry["bounds"], where, f"an object mapping {preview(ys)} to bounds")
    if list(table) != list(ys):
        raise ModelError(None, where, f"bounds for {preview(ys)}, in order", preview(list(table)))
    lower, upper, lower_at, upper_at = [], [], [], []
    for y in ys:
        at = key_path(where, y)
        bound = require_object(table[y], at, "an object with keys 'lower', 'upper', 'lower_at', 'upper_at'")
        check_keys(bound, ("lower", "upper", "lower_at", "upper_at"), ("lower", "upper", "lower_at", "upper_at"), at)
        lower.append(number(bound["lower"], key_path(at, "lower")))
        upper.append(number(bound["upper"], key_path(at, "upper")))
        lower_at.append(_index(bound["lower_at"], key_path(at, "lower_at"), micro, what))
        upper_at.append(_index(bound["upper_at"], key_path(at, "upper_at"), micro, what))
    observational = None
    if entry.get("observational") is not None:
        observational = numbers_by_name(entry["observational"], key_path(path, "observational"), ys)
    expectation = expectation_at = observed = None
    if with_f != ("expectation" in entry):
        raise ModelError(None, key_path(path, "expectation"), "an expectation exactly when 'f' is given",
                         "one" if "expectation" in entry else "none")
    if with_f:
        at = key_path(path, "expectation")
        e = require_object(entry["expectation"], at, "an object with the bounds on E[f]")
        expected = ("lower", "upper", "lower_at", "upper_at", "observational")
        check_keys(e, expected, expected, at)
        expectation = (number(e["lower"], key_path(at, "lower")), number(e["upper"], key_path(at, "upper")))
        expectation_at = (_index(e["lower_at"], key_path(at, "lower_at"), micro, what),
                          _index(e["upper_at"], key_path(at, "upper_at"), micro, what))
        observed = _optional(e["observational"], key_path(at, "observational"), number)
    return StateBounds(name, number(entry["probability"], key_path(path, "probability")), observational,
                       np.array(lower), np.array(upper), np.array(lower_at, dtype=np.intp),
                       np.array(upper_at, dtype=np.intp), expectation, expectation_at, observed)


def bounds_from_dict(document: Any) -> EffectBounds:
    """The :class:`~discagg.solvers.ranges.EffectBounds` of a ``discagg bounds --json`` document.

    Raises
    ------
    ModelError
    """
    doc = require_object(document, "", "a JSON object as 'discagg bounds --json' prints")
    check_keys(doc, _BOUNDS_KEYS, _BOUNDS_KEYS, "")
    model, cause, effect = (string(doc[key], key) for key in ("model", "cause", "effect"))
    micro = string_list(doc["cause_micro_states"], "cause_micro_states", "micro states of the cause")
    ys = string_list(doc["effect_macro_states"], "effect_macro_states", "macro states of the effect")
    items = state_entries(doc["macro_states"], "macro_states", None)
    f = _optional(doc["f"], "f", lambda v, p: numbers_by_name(v, p, ys))
    index = {x: i for i, x in enumerate(micro)}
    states = tuple(_state_bounds(entry, f"macro_states[{k}]", string(entry.get("state"), f"macro_states[{k}].state"),
                                 index, ys, f is not None) for k, entry in enumerate(items))
    return EffectBounds(model, cause, effect, states, micro, ys, f)


def load_bounds(path: str | os.PathLike[str]) -> EffectBounds:
    """Read a file that ``discagg bounds --json`` (or :meth:`EffectBounds.to_dict`) wrote.

    Raises
    ------
    ModelError
    """
    return read_document(path, bounds_from_dict)


# -- inspect ----------------------------------------------------------------------------------------------


def load_inspection(path: str | os.PathLike[str]) -> Inspection:
    """Read a file that ``discagg inspect --json`` (or :meth:`Inspection.to_dict`) wrote.

    Raises
    ------
    ModelError
    """
    return read_document(path, Inspection.from_dict)
