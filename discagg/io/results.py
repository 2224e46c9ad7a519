"""Saved results read back: the JSON of ``discagg solve``, ``bounds`` and ``inspect --json``.

Each document carries what its result holds: :meth:`Solution.to_dict
<discagg.solvers.solution.Solution.to_dict>` the coarsenings of the cause and
the effect (``cause_map``, ``effect_map``: micro states and macro map), the
others the state names they refer to (``cause_micro_states``,
``effect_macro_states``, and ``effect_micro_states`` for an inspection). :func:`solution_from_dict`,
:func:`bounds_from_dict` and :func:`inspection_from_dict` rebuild a result equal
to the one written (floats are written by ``json`` to round-trip exactly);
:func:`load_solution`, :func:`load_bounds` and :func:`load_inspection` read the
file first. A document that is not as written is a
:class:`~discagg.errors.ModelError` naming the file and the key path.
"""

from __future__ import annotations

import math
import os
import warnings
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from discagg.core.coarsening import Coarsening
from discagg.errors import CoarseningWarning, ModelError, describe, preview
from discagg.io.json_files import check_keys, number, read_json, require_object, string_list, with_source

if TYPE_CHECKING:
    from discagg.core.inspection import Inspection, MacroStateReport
    from discagg.solvers.ranges import EffectBounds, StateBounds
    from discagg.solvers.solution import Solution, StateSolution

__all__ = ["solution_from_dict", "bounds_from_dict", "inspection_from_dict", "load_solution", "load_bounds",
           "load_inspection"]

_SOLUTION_KEYS = ("model", "cause", "effect", "objective", "macro_states", "cause_map", "effect_map")
_SOLUTION_STATUSES = ("inhibiting", "infeasible", "unsupported", "inducing", "reachable", "unreachable",
                      "untargeted")
_BOUNDS_KEYS = ("model", "cause", "effect", "f", "macro_states", "cause_micro_states", "effect_macro_states")
_INSPECTION_KEYS = ("model", "cause", "effect", "realization", "macro_confounded", "micro_confounding",
                    "macro_states", "cause_micro_states", "effect_micro_states", "effect_macro_states")
_INSPECTION_STATUSES = ("inhibiting", "inducing", "unsupported", "undefined")

_T = TypeVar("_T")


def _at(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _string(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise ModelError(None, path, "a string", describe(value))
    return value


def _boolean(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise ModelError(None, path, "true or false", describe(value))
    return value


def _optional(value: Any, path: str, read: Callable[[Any, str], _T]) -> _T | None:
    return None if value is None else read(value, path)


def _entries(value: Any, path: str, names: tuple[str, ...] | None) -> list[Mapping[str, Any]]:
    """A list of objects, one per name of ``names`` (when given) with ``"state"`` that name, in order."""
    if not isinstance(value, list):
        raise ModelError(None, path, "a list of macro state entries", describe(value))
    entries = [require_object(item, _at(path, i), "an object describing one macro state")
               for i, item in enumerate(value)]
    if names is not None:
        found = [entry.get("state") for entry in entries]
        if found != list(names):
            raise ModelError(None, path, f"one entry per macro state of the cause, in order {preview(names)}",
                             preview(found))
    return entries


def _vector(value: Any, path: str, names: tuple[str, ...]) -> np.ndarray:
    """``{name: number}`` with every name of ``names`` once, as an array in that order."""
    mapping = require_object(value, path, f"an object mapping {preview(names)} to numbers")
    for key in mapping:
        if key not in names:
            raise ModelError(None, _at(path, key), f"one of {preview(names)}", f"unknown key {key!r}")
    missing = [n for n in names if n not in mapping]
    if missing:
        raise ModelError(None, path, f"a value for every one of {preview(names)}", f"none for {preview(missing)}")
    return np.array([number(mapping[n], _at(path, n)) for n in names], dtype=np.float64)


def _coarsening(value: Any, path: str, node: str) -> Coarsening:
    doc = require_object(value, path, "an object with keys 'micro_states' and 'macro'")
    check_keys(doc, ("micro_states", "macro"), ("micro_states", "macro"), path)
    micro = string_list(doc["micro_states"], _at(path, "micro_states"), "micro states")
    mapping = require_object(doc["macro"], _at(path, "macro"), "an object mapping macro states to micro states")
    with warnings.catch_warnings():  # an identity map was accepted when the result was computed
        warnings.simplefilter("ignore", CoarseningWarning)
        return Coarsening.from_mapping(node, micro, mapping, path=_at(path, "macro"))


def _index(name: Any, path: str, index: Mapping[str, int], what: str) -> int:
    if not isinstance(name, str) or name not in index:
        raise ModelError(None, path, what, describe(name))
    return index[name]


def _read(path: str | os.PathLike[str], parse: Callable[[Any], _T]) -> _T:
    source = str(path)
    document = read_json(path)
    try:
        return parse(document)
    except ModelError as exc:
        raise with_source(exc, source) from None


# -- solve ------------------------------------------------------------------------------------------------


def _state_solution(entry: Mapping[str, Any], path: str, k: int, cause_map: Coarsening, effect_states: tuple[str, ...],
                    target_key: str) -> StateSolution:
    from discagg.solvers.solution import StateSolution

    name = cause_map.macro_states[k]
    status = entry.get("status")
    if status not in _SOLUTION_STATUSES:
        raise ModelError(None, _at(path, "status"), f"one of {list(_SOLUTION_STATUSES)}", describe(status))
    if status in ("unsupported", "untargeted"):
        check_keys(entry, ("state", "status", "probability"), ("state", "status", "probability"), path)
        return StateSolution(name, status, number(entry["probability"], _at(path, "probability")))
    keys = ("state", "status", "probability", "realization", target_key, "interventional", "gap")
    check_keys(entry, (*keys, "certificate", "certificate_margin", "objective_value"), keys, path)
    where = _at(path, "realization")
    realization = require_object(entry["realization"], where, "an object mapping micro states to weights")
    fibre = cause_map.fibre(k)
    index = {cause_map.micro_states[i]: int(i) for i in fibre}
    support = np.array([_index(x, _at(where, x), index, f"a micro state in the fibre of {name!r} "
                               f"{preview(index)}") for x in realization], dtype=np.intp)
    weights = np.array([number(w, _at(where, x)) for x, w in realization.items()], dtype=np.float64)
    certificate = margin = None
    if "certificate" in entry or "certificate_margin" in entry:
        check_keys(entry, tuple(entry), ("certificate", "certificate_margin"), path)
        certificate = _vector(entry["certificate"], _at(path, "certificate"), effect_states)
        margin = number(entry["certificate_margin"], _at(path, "certificate_margin"))
    value = None
    if "objective_value" in entry:  # written null when infinite (min-kl off the natural support)
        value = math.inf if entry["objective_value"] is None else number(entry["objective_value"],
                                                                         _at(path, "objective_value"))
    return StateSolution(
        name, status, number(entry["probability"], _at(path, "probability")), support, weights,
        _optional(entry[target_key], _at(path, target_key), lambda v, p: _vector(v, p, effect_states)),
        _optional(entry["interventional"], _at(path, "interventional"), lambda v, p: _vector(v, p, effect_states)),
        _optional(entry["gap"], _at(path, "gap"), number), certificate, margin, value)


def solution_from_dict(document: Any) -> Solution:
    """The :class:`~discagg.solvers.solution.Solution` of a ``discagg solve --json`` document.

    Raises
    ------
    ModelError
        Naming the key path of the first entry that is not as ``to_dict`` writes it.
    """
    from discagg.solvers.solution import Solution

    doc = require_object(document, "", "a JSON object as 'discagg solve --json' prints")
    check_keys(doc, _SOLUTION_KEYS, _SOLUTION_KEYS, "")
    model, cause, effect, objective = (_string(doc[key], key) for key in ("model", "cause", "effect", "objective"))
    cause_map = _coarsening(doc["cause_map"], "cause_map", cause)
    effect_map = _coarsening(doc["effect_map"], "effect_map", effect)
    target_key = "target" if objective == "target" else "observational"
    entries = _entries(doc["macro_states"], "macro_states", cause_map.macro_states)
    states = tuple(_state_solution(entry, f"macro_states[{k}]", k, cause_map, effect_map.macro_states, target_key)
                   for k, entry in enumerate(entries))
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
    return _read(path, solution_from_dict)


# -- bounds -----------------------------------------------------------------------------------------------


def _state_bounds(entry: Mapping[str, Any], path: str, name: str, micro: Mapping[str, int],
                  ys: tuple[str, ...], with_f: bool) -> StateBounds:
    from discagg.solvers.ranges import StateBounds

    keys = ("state", "probability", "bounds")
    check_keys(entry, (*keys, "observational", "expectation"), keys, path)
    what = f"a micro state of the cause {preview(micro)}"
    where = _at(path, "bounds")
    table = require_object(entry["bounds"], where, f"an object mapping {preview(ys)} to bounds")
    if list(table) != list(ys):
        raise ModelError(None, where, f"bounds for {preview(ys)}, in order", preview(list(table)))
    lower, upper, lower_at, upper_at = [], [], [], []
    for y in ys:
        at = _at(where, y)
        bound = require_object(table[y], at, "an object with keys 'lower', 'upper', 'lower_at', 'upper_at'")
        check_keys(bound, ("lower", "upper", "lower_at", "upper_at"), ("lower", "upper", "lower_at", "upper_at"), at)
        lower.append(number(bound["lower"], _at(at, "lower")))
        upper.append(number(bound["upper"], _at(at, "upper")))
        lower_at.append(_index(bound["lower_at"], _at(at, "lower_at"), micro, what))
        upper_at.append(_index(bound["upper_at"], _at(at, "upper_at"), micro, what))
    observational = None
    if entry.get("observational") is not None:
        observational = _vector(entry["observational"], _at(path, "observational"), ys)
    expectation = expectation_at = observed = None
    if with_f != ("expectation" in entry):
        raise ModelError(None, _at(path, "expectation"), "an expectation exactly when 'f' is given",
                         "one" if "expectation" in entry else "none")
    if with_f:
        at = _at(path, "expectation")
        e = require_object(entry["expectation"], at, "an object with the bounds on E[f]")
        expected = ("lower", "upper", "lower_at", "upper_at", "observational")
        check_keys(e, expected, expected, at)
        expectation = (number(e["lower"], _at(at, "lower")), number(e["upper"], _at(at, "upper")))
        expectation_at = (_index(e["lower_at"], _at(at, "lower_at"), micro, what),
                          _index(e["upper_at"], _at(at, "upper_at"), micro, what))
        observed = _optional(e["observational"], _at(at, "observational"), number)
    return StateBounds(name, number(entry["probability"], _at(path, "probability")), observational,
                       np.array(lower), np.array(upper), np.array(lower_at, dtype=np.intp),
                       np.array(upper_at, dtype=np.intp), expectation, expectation_at, observed)


def bounds_from_dict(document: Any) -> EffectBounds:
    """The :class:`~discagg.solvers.ranges.EffectBounds` of a ``discagg bounds --json`` document.

    Raises
    ------
    ModelError
    """
    from discagg.solvers.ranges import EffectBounds

    doc = require_object(document, "", "a JSON object as 'discagg bounds --json' prints")
    check_keys(doc, _BOUNDS_KEYS, _BOUNDS_KEYS, "")
    model, cause, effect = (_string(doc[key], key) for key in ("model", "cause", "effect"))
    micro = string_list(doc["cause_micro_states"], "cause_micro_states", "micro states of the cause")
    ys = string_list(doc["effect_macro_states"], "effect_macro_states", "macro states of the effect")
    entries = _entries(doc["macro_states"], "macro_states", None)
    f = _optional(doc["f"], "f", lambda v, p: _vector(v, p, ys))
    index = {x: i for i, x in enumerate(micro)}
    states = tuple(_state_bounds(entry, f"macro_states[{k}]", _string(entry.get("state"), f"macro_states[{k}].state"),
                                 index, ys, f is not None) for k, entry in enumerate(entries))
    return EffectBounds(model, cause, effect, states, micro, ys, f)


def load_bounds(path: str | os.PathLike[str]) -> EffectBounds:
    """Read a file that ``discagg bounds --json`` (or :meth:`EffectBounds.to_dict`) wrote.

    Raises
    ------
    ModelError
    """
    return _read(path, bounds_from_dict)


# -- inspect ----------------------------------------------------------------------------------------------


def _distribution(value: Any, path: str, names: Mapping[str, int] | tuple[str, ...], every: bool) -> dict[str, float]:
    mapping = require_object(value, path, f"an object mapping {preview(names)} to probabilities")
    result = {}
    for key, p in mapping.items():
        if key not in names:
            raise ModelError(None, _at(path, key), f"one of {preview(names)}", f"unknown key {key!r}")
        result[key] = number(p, _at(path, key))
    if every and list(result) != list(names):
        raise ModelError(None, path, f"a probability for each of {preview(names)}, in order", preview(list(result)))
    return result


def _report(entry: Mapping[str, Any], path: str, micro: Mapping[str, int], ys: tuple[str, ...]) -> MacroStateReport:
    from discagg.core.inspection import MacroStateReport

    status = entry.get("status")
    if status not in _INSPECTION_STATUSES:
        raise ModelError(None, _at(path, "status"), f"one of {list(_INSPECTION_STATUSES)}", describe(status))
    name = _string(entry.get("state"), _at(path, "state"))
    probability = number(entry.get("probability"), _at(path, "probability"))
    if status == "unsupported":
        check_keys(entry, ("state", "status", "probability"), ("state", "status", "probability"), path)
        return MacroStateReport(name, status, probability, None, None, None, None, None, None)
    check_keys(entry, ("state", "status", "probability", "realization", "observational", "interventional", "gap",
                       "max_abs", "kl"), ("state", "status", "probability", "observational"), path)
    realization = interventional = None
    if "realization" in entry:
        realization = _distribution(entry["realization"], _at(path, "realization"), micro, False)
    observational = _distribution(entry["observational"], _at(path, "observational"), ys, True)
    if "interventional" in entry:
        interventional = _distribution(entry["interventional"], _at(path, "interventional"), ys, True)
    gap = max_abs = kl = None
    if "gap" in entry:
        check_keys(entry, tuple(entry), ("gap", "max_abs", "kl"), path)
        gap, max_abs = number(entry["gap"], _at(path, "gap")), number(entry["max_abs"], _at(path, "max_abs"))
        kl = math.inf if entry["kl"] is None else number(entry["kl"], _at(path, "kl"))  # null: infinite
    return MacroStateReport(name, status, probability, observational, realization, interventional, gap, max_abs, kl)


def inspection_from_dict(document: Any) -> Inspection:
    """The :class:`~discagg.core.inspection.Inspection` of a ``discagg inspect --json`` document.

    Raises
    ------
    ModelError
    """
    from discagg.core.inspection import Inspection

    doc = require_object(document, "", "a JSON object as 'discagg inspect --json' prints")
    check_keys(doc, _INSPECTION_KEYS, _INSPECTION_KEYS, "")
    model, cause, effect = (_string(doc[key], key) for key in ("model", "cause", "effect"))
    kind = doc["realization"]
    if kind not in ("natural", "given"):
        raise ModelError(None, "realization", "'natural' or 'given'", describe(kind))
    micro_doc = require_object(doc["micro_confounding"], "micro_confounding", "an object")
    keys = ("confounded", "macro_confounded", "max_tv", "max_macro_tv")
    check_keys(micro_doc, keys, keys, "micro_confounding")
    cause_micro = string_list(doc["cause_micro_states"], "cause_micro_states", "micro states of the cause")
    effect_micro = string_list(doc["effect_micro_states"], "effect_micro_states", "micro states of the effect")
    ys = string_list(doc["effect_macro_states"], "effect_macro_states", "macro states of the effect")
    entries = _entries(doc["macro_states"], "macro_states", None)
    index = {x: i for i, x in enumerate(cause_micro)}
    states = tuple(_report(entry, f"macro_states[{k}]", index, ys) for k, entry in enumerate(entries))
    report = Inspection(
        model, cause, effect, kind, states,
        _boolean(micro_doc["confounded"], "micro_confounding.confounded"),
        _boolean(micro_doc["macro_confounded"], "micro_confounding.macro_confounded"),
        number(micro_doc["max_tv"], "micro_confounding.max_tv"),
        number(micro_doc["max_macro_tv"], "micro_confounding.max_macro_tv"),
        cause_micro, effect_micro, ys)
    if _boolean(doc["macro_confounded"], "macro_confounded") != report.macro_confounded:
        raise ModelError(None, "macro_confounded", f"{str(report.macro_confounded).lower()}, as the statuses say",
                         str(doc["macro_confounded"]).lower())
    return report


def load_inspection(path: str | os.PathLike[str]) -> Inspection:
    """Read a file that ``discagg inspect --json`` (or :meth:`Inspection.to_dict`) wrote.

    Raises
    ------
    ModelError
    """
    return _read(path, inspection_from_dict)
