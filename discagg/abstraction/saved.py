"""Saved ``discagg abstraction --json`` and ``learn-abstraction --json`` documents read back.

:func:`abstraction_error_from_dict` rebuilds an :class:`~discagg.AbstractionError`
and :func:`learned_abstraction_from_dict` a :class:`~discagg.LearnedAbstraction`
equal to the one written (``json`` writes floats so that they read back
exactly). What the documents hold besides the figures they print: each pair's
micro sources with their states (``source_states``), the macro states of its
sources and targets in their declared order (``macro_source_states``,
``macro_target_states``), with a best mechanism its table (``mechanism``) and
per-state certificate (``mechanism_bounds``; each micro intervention's distance
to it is the pair's ``distance``, the same computation), the models' names
(``micro_name``, ``macro_name``); a learned result adds the states of the mapped
nodes (``micro_states``, ``macro_states``), with which its ``abstraction``
document and the ``reference`` maps' are bound again.

The tolerance is not written: it reads back as the default, and ``exact`` must
agree with it. Entries derived from others (``error``, ``max_tv``, ``argmax``,
``argmax_macro``, ``lower_bound`` of a pair; ``overall``, ``exact``, ``base``;
a learned result's ``maps``, ``l1`` and ``exact``) are checked against what they
are derived from. A document that is not as written is a
:class:`~discagg.errors.ModelError` naming the key path (and the file, for the
``load_*`` functions).
"""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np

from discagg.abstraction.error import AbstractionError, PairError
from discagg.abstraction.mechanism import BestMechanism
from discagg.abstraction.metrics import BASES, METRICS
from discagg.abstraction.search import LearnedAbstraction
from discagg.core.abstraction import AbstractionMap, Pair, VariableMap
from discagg.core.arrays import readonly, readonly_float
from discagg.errors import ModelError, describe, preview
from discagg.json_values import boolean, check_keys, key_path, number, require_object, string, string_list
from discagg.tolerance import DEFAULT_TOLERANCE

__all__ = ["abstraction_error_from_dict", "learned_abstraction_from_dict", "load_abstraction_error",
           "load_learned_abstraction"]

_ERROR_KEYS = ("metric", "base", "overall", "exact", "mechanism", "pairs", "micro_name", "macro_name")
_PAIR_KEYS = ("sources", "targets", "error", "argmax", "argmax_macro", "max_tv", "interventions", "source_states",
              "macro_source_states", "macro_target_states")
_BEST_KEYS = ("lower_bound", "mechanism", "mechanism_bounds")
_LEARNED_KEYS = ("metric", "base", "value", "lower_bound", "optimal", "stopped", "method", "candidates", "evaluated",
                 "nodes", "pruned", "seconds", "ties", "undetermined", "exact", "maps", "distance", "error",
                 "abstraction", "reference", "micro_states", "macro_states")
_T = TypeVar("_T")


def _within(prefix: str, read: Callable[[Any], _T], value: Any) -> _T:
    """``read(value)``, an error's key path put under ``prefix``."""
    try:
        return read(value)
    except ModelError as exc:
        if exc.source is not None:
            raise
        raise ModelError(None, key_path(prefix, exc.path) if exc.path else prefix, exc.expected, exc.found) from None


def _whole(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ModelError(None, path, "a non-negative whole number", describe(value))
    return value


def _derived(found: Any, expected: Any, path: str, what: str) -> None:
    if found != expected:
        raise ModelError(None, path, f"{describe(expected)} ({what})", describe(found))


def _states(value: Any, path: str, names: Sequence[str] | None, what: str) -> dict[str, tuple[str, ...]]:
    """``{node: [states]}``, with ``names`` the nodes in that order."""
    obj = require_object(value, path, f"an object mapping {what} to their states")
    if names is not None and list(obj) != list(names):
        raise ModelError(None, path, f"an entry for each of {preview(list(names))}, in order", preview(list(obj)))
    found = {}
    for node, states in obj.items():
        found[node] = string_list(states, key_path(path, node), "states")
        if not found[node]:
            raise ModelError(None, key_path(path, node), "a non-empty list of states", "[]")
    return found


def _assignment(value: Any, path: str, nodes: Sequence[str], states: Sequence[tuple[str, ...]]) -> int:
    """The C-order index of ``{node: state}`` among the joint states."""
    obj = require_object(value, path, f"an object giving a state of each of {preview(list(nodes))}")
    if list(obj) != list(nodes):
        raise ModelError(None, path, f"a state of each of {preview(list(nodes))}, in order", preview(list(obj)))
    digits = []
    for node, names in zip(nodes, states):
        if obj[node] not in names:
            raise ModelError(None, key_path(path, node), f"one of {preview(names)}", describe(obj[node]))
        digits.append(names.index(obj[node]))
    return int(np.ravel_multi_index(tuple(digits), tuple(len(s) for s in states)))


def _joint_table(value: Any, path: str, rows: Sequence[str], columns: Sequence[str] | None, what: str
                 ) -> list[Mapping[str, Any]]:
    """The entries of ``{row: {...}}`` with exactly ``rows`` in order (and ``columns`` in each, in order)."""
    obj = require_object(value, path, f"an object mapping the joint macro source states to {what}")
    if list(obj) != list(rows):
        raise ModelError(None, path, f"an entry for each of {preview(list(rows))}, in order", preview(list(obj)))
    entries = []
    for row in rows:
        entry = require_object(obj[row], key_path(path, row), what)
        if columns is not None and list(entry) != list(columns):
            raise ModelError(None, key_path(path, row), f"a number for each of {preview(list(columns))}, in order",
                             preview(list(entry)))
        entries.append(entry)
    return entries


def _mechanism(entry: Mapping[str, Any], path: str, metric: str, sources: Sequence[tuple[str, ...]],
               targets: Sequence[tuple[str, ...]], distances: np.ndarray) -> BestMechanism:
    rows = [",".join(c) for c in itertools.product(*sources)]
    columns = [",".join(c) for c in itertools.product(*targets)]
    where = key_path(path, "mechanism")
    table = _joint_table(entry["mechanism"], where, rows, columns, "a distribution over the joint target states")
    kernel = np.array([[number(r[c], key_path(key_path(where, s), c)) for c in columns] for s, r in zip(rows, table)],
                      dtype=np.float64).reshape(len(rows), len(columns))
    where = key_path(path, "mechanism_bounds")
    keys = ("error", "lower_bound", "tv_radius")
    bounds = _joint_table(entry["mechanism_bounds"], where, rows, None, "an object with 'error', 'lower_bound', "
                          "'tv_radius'")
    for s, b in zip(rows, bounds):
        check_keys(b, keys, keys, key_path(where, s))
    errors, lower, radius = (np.array([number(b[k], key_path(key_path(where, s), k)) for s, b in zip(rows, bounds)],
                                      dtype=np.float64) for k in keys)
    mechanism = BestMechanism(metric, readonly_float(kernel), readonly_float(errors), readonly_float(lower),
                              distances, readonly_float(radius), DEFAULT_TOLERANCE)
    _derived(entry["lower_bound"], mechanism.lower_bound, key_path(path, "lower_bound"),
             "the largest lower bound in 'mechanism_bounds'")
    return mechanism


def _pair(value: Any, path: str, metric: str, best: bool) -> PairError:
    entry = require_object(value, path, "an object describing one pair")
    check_keys(entry, (*_PAIR_KEYS, *_BEST_KEYS), _PAIR_KEYS + (_BEST_KEYS if best else ()), path)
    if not best and any(k in entry for k in _BEST_KEYS):
        raise ModelError(None, path, "no best mechanism with the macro model's mechanisms ('mechanism': 'model')",
                         "one")
    pair = Pair(string_list(entry["sources"], key_path(path, "sources"), "macro nodes"),
                string_list(entry["targets"], key_path(path, "targets"), "macro nodes"))
    micro = _states(entry["source_states"], key_path(path, "source_states"), None, "the micro sources")
    macro_sources = _states(entry["macro_source_states"], key_path(path, "macro_source_states"), pair.sources,
                            "the macro sources")
    macro_targets = _states(entry["macro_target_states"], key_path(path, "macro_target_states"), pair.targets,
                            "the macro targets")
    nodes, node_states = tuple(micro), tuple(micro.values())
    sources = tuple(macro_sources.values())
    where = key_path(path, "interventions")
    runs = entry["interventions"]
    count = math.prod(len(s) for s in node_states)
    if not isinstance(runs, list) or len(runs) != count:
        raise ModelError(None, where, f"a list of the {count} micro interventions on {preview(list(nodes))}",
                         describe(runs))
    distances, tv, images = np.empty(count), np.empty(count), np.empty(count, dtype=np.intp)
    for i, run in enumerate(runs):
        at = key_path(where, i)
        run = require_object(run, at, "an object with 'micro', 'macro', 'distance', 'tv'")
        check_keys(run, ("micro", "macro", "distance", "tv"), ("micro", "macro", "distance", "tv"), at)
        if _assignment(run["micro"], key_path(at, "micro"), nodes, node_states) != i:
            raise ModelError(None, key_path(at, "micro"), "the micro interventions in C order (the last node "
                             "varying fastest)", describe(run["micro"]))
        images[i] = _assignment(run["macro"], key_path(at, "macro"), pair.sources, sources)
        distances[i] = number(run["distance"], key_path(at, "distance"))
        tv[i] = number(run["tv"], key_path(at, "tv"))
    distances, tv = readonly_float(distances), readonly_float(tv)
    mechanism = _mechanism(entry, path, metric, sources, tuple(macro_targets.values()), distances) if best else None
    result = PairError(pair, nodes, node_states, sources, tuple(macro_targets.values()), distances, tv,
                       readonly(images), mechanism)
    _derived(entry["error"], result.error, key_path(path, "error"), "the largest distance")
    _derived(entry["max_tv"], float(tv.max()), key_path(path, "max_tv"), "the largest tv")
    _derived(entry["argmax"], result.argmax, key_path(path, "argmax"), "the first intervention of the largest distance")
    _derived(entry["argmax_macro"], result.macro_intervention(result.argmax_index), key_path(path, "argmax_macro"),
             "the macro intervention of 'argmax'")
    return result


def abstraction_error_from_dict(document: Any) -> AbstractionError:
    """The :class:`~discagg.AbstractionError` of a ``discagg abstraction --json`` document.

    Raises
    ------
    ModelError
        Naming the key path of the first entry that is not as :meth:`AbstractionError.to_dict` writes it.

    Examples
    --------
    >>> from discagg import abstraction_error
    >>> err = abstraction_error("scenario:collapsing", None, "scenario:collapsing")
    >>> abstraction_error_from_dict(err.to_dict()) == err
    True
    """
    doc = require_object(document, "", "a JSON object as 'discagg abstraction --json' prints")
    check_keys(doc, _ERROR_KEYS, _ERROR_KEYS, "")
    metric = doc["metric"]
    if metric not in METRICS:
        raise ModelError(None, "metric", f"one of {list(METRICS)}", describe(metric))
    mechanism = doc["mechanism"]
    if mechanism not in ("model", "best"):
        raise ModelError(None, "mechanism", "'model' or 'best'", describe(mechanism))
    pairs = doc["pairs"]
    if not isinstance(pairs, list) or not pairs:
        raise ModelError(None, "pairs", "a non-empty list of pairs", describe(pairs))
    macro_name = doc["macro_name"]
    if macro_name is None and mechanism == "model":
        raise ModelError(None, "macro_name", "the macro model's name with 'mechanism': 'model'", "null")
    result = AbstractionError(metric, tuple(_pair(p, f"pairs[{k}]", metric, mechanism == "best")
                                            for k, p in enumerate(pairs)), mechanism, DEFAULT_TOLERANCE,
                              string(doc["micro_name"], "micro_name"),
                              None if macro_name is None else string(macro_name, "macro_name"))
    _derived(doc["base"], BASES[metric], "base", f"the base of {metric!r}")
    _derived(doc["overall"], result.overall, "overall", "the largest pair error")
    _derived(doc["exact"], result.exact, "exact", "what the pairs say under the default tolerance")
    return result


def _maps(value: Any, path: str, micro: Mapping[str, tuple[str, ...]], macro: Mapping[str, tuple[str, ...]]
          ) -> AbstractionMap:
    from discagg.io.abstraction_format import abstraction_from_dict

    spec = _within(path, abstraction_from_dict, value)
    if list(spec.variables) != list(macro):
        raise ModelError(None, key_path(path, "variables"), f"an entry for each of {preview(list(macro))}, in order",
                         preview(list(spec.variables)))
    maps = {}
    for m, (nodes, table) in spec.variables.items():
        where = key_path(key_path(path, "variables"), m)
        unknown = [n for n in nodes if n not in micro]
        if unknown:
            raise ModelError(None, key_path(where, "nodes"), f"micro nodes of 'micro_states' {preview(list(micro))}",
                             preview(unknown))
        maps[m] = VariableMap.from_spec(m, nodes, micro, macro[m], table or {}, path=where)
    return AbstractionMap(maps, name=spec.name, description=spec.description)


def _tie_l1(value: Any, path: str) -> tuple[int, int] | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 2:
        raise ModelError(None, path, "a list [least, largest], or null", describe(value))
    return _whole(value[0], f"{path}[0]"), _whole(value[1], f"{path}[1]")


def learned_abstraction_from_dict(document: Any) -> LearnedAbstraction:
    """The :class:`~discagg.LearnedAbstraction` of a ``discagg learn-abstraction --json`` document.

    Raises
    ------
    ModelError
        Naming the key path of the first entry that is not as :meth:`LearnedAbstraction.to_dict` writes it.
    """
    doc = require_object(document, "", "a JSON object as 'discagg learn-abstraction --json' prints")
    check_keys(doc, _LEARNED_KEYS, _LEARNED_KEYS, "")
    error = _within("error", abstraction_error_from_dict, doc["error"])
    metric = doc["metric"]
    _derived(metric, error.metric, "metric", "the metric of 'error'")
    method = doc["method"]
    if method not in ("exhaustive", "branch-and-bound"):
        raise ModelError(None, "method", "'exhaustive' or 'branch-and-bound'", describe(method))
    micro = _states(doc["micro_states"], "micro_states", None, "the mapped micro nodes")
    macro = _states(doc["macro_states"], "macro_states", None, "the macro nodes")
    mapping = _maps(doc["abstraction"], "abstraction", micro, macro)
    reference = None if doc["reference"] is None else _maps(doc["reference"], "reference", micro, macro)
    _derived(doc["maps"], {m: v.to_table() for m, v in mapping.variables.items()}, "maps", "the tables of "
             "'abstraction'")
    differing = tie_l1 = None
    if (doc["distance"] is None) != (reference is None):
        raise ModelError(None, "distance", "an object exactly when 'reference' is given",
                         "null" if doc["distance"] is None else "an object")
    if doc["distance"] is not None:
        distance = require_object(doc["distance"], "distance", "an object with 'differing', 'l1', 'tie_l1'")
        check_keys(distance, ("differing", "l1", "tie_l1"), ("differing", "l1", "tie_l1"), "distance")
        table = require_object(distance["differing"], "distance.differing", "an object mapping macro nodes to counts")
        if list(table) != list(macro):
            raise ModelError(None, "distance.differing", f"an entry for each of {preview(list(macro))}, in order",
                             preview(list(table)))
        differing = {m: _whole(table[m], key_path("distance.differing", m)) for m in macro}
        tie_l1 = _tie_l1(distance["tie_l1"], "distance.tie_l1")
    ties = None if doc["ties"] is None else _whole(doc["ties"], "ties")
    result = LearnedAbstraction(
        mapping, number(doc["value"], "value"), number(doc["lower_bound"], "lower_bound"),
        boolean(doc["optimal"], "optimal"), boolean(doc["stopped"], "stopped"), method, string(metric, "metric"),
        _whole(doc["candidates"], "candidates"), _whole(doc["evaluated"], "evaluated"), _whole(doc["nodes"], "nodes"),
        _whole(doc["pruned"], "pruned"), number(doc["seconds"], "seconds"), ties,
        string_list(doc["undetermined"], "undetermined", "macro nodes"), error, reference, differing, tie_l1)
    if doc["distance"] is not None:
        _derived(doc["distance"]["l1"], result.l1, "distance.l1", "twice the sum of 'differing'")
    _derived(doc["base"], error.base, "base", f"the base of {metric!r}")
    _derived(doc["exact"], error.exact, "exact", "what 'error' says")
    return result


def load_abstraction_error(path: str | os.PathLike[str]) -> AbstractionError:
    """Read a file that ``discagg abstraction --json`` (or :meth:`AbstractionError.to_dict`) wrote.

    Raises
    ------
    ModelError
        Naming the file, and the key path of what is not as written.
    """
    from discagg.io.json_files import read_document

    return read_document(path, abstraction_error_from_dict)


def load_learned_abstraction(path: str | os.PathLike[str]) -> LearnedAbstraction:
    """Read a file that ``discagg learn-abstraction --json`` (or :meth:`LearnedAbstraction.to_dict`) wrote.

    Raises
    ------
    ModelError
        Naming the file, and the key path of what is not as written.
    """
    from discagg.io.json_files import read_document

    return read_document(path, learned_abstraction_from_dict)
