"""Saved ``discagg coarsen --json`` documents read back as a :class:`~discagg.CoarseningSearch` or :class:`~discagg.CausalPartition`.

A search's document holds everything but the model it ran on (``source``):
that reads back as None, :meth:`~discagg.CoarseningSearch.to_model` is then
unavailable, and equality does not compare it. A causal partition's document
holds everything but the tolerance, which reads back as the default (its
``clean`` must agree with it). The ``"wrote"`` entry the command adds (the
``--out`` file, or null) is accepted and not kept. A document that is not as
written is a :class:`~discagg.errors.ModelError` naming the key path (and the
file, for the ``load_*`` functions).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

import numpy as np

from discagg.core.arrays import readonly, readonly_float
from discagg.core.coarsening import Coarsening
from discagg.errors import CoarseningWarning, ModelError, describe, preview
from discagg.json_values import boolean, check_keys, key_path, number, require_object, string, string_list
from discagg.search.causal import CausalPartition
from discagg.search.coarsen import MEASURES, CoarseningSearch, GivenMap, MacroStateTerm
from discagg.tolerance import DEFAULT_TOLERANCE

__all__ = ["coarsening_search_from_dict", "causal_partition_from_dict", "load_coarsening_search",
           "load_causal_partition"]

_SEARCH_KEYS = ("objective", "k", "value", "optimal", "lower_bound", "macro", "model", "cause", "effect", "metric",
                "atoms", "contiguous", "method", "bound", "candidates", "evaluated", "seconds", "causal_classes",
                "cause_option", "given", "states", "micro_states", "effect_states")
_METHODS = ("dynamic-programming", "exhaustive", "heuristic", "causal-partition", "trivial")
_CAUSAL_KEYS = ("model", "cause", "effect", "classes", "clean", "macro", "kernel", "widths", "micro_states")
T = TypeVar("T")


def _whole(value: Any, path: str, least: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ModelError(None, path, f"a whole number of at least {least}", describe(value))
    return value


def _choice(value: Any, path: str, choices: Sequence[str]) -> str:
    if value not in choices:
        raise ModelError(None, path, f"one of {list(choices)}", describe(value))
    return str(value)


def _optional(value: Any, path: str, read: Callable[[Any, str], T]) -> T | None:
    return None if value is None else read(value, path)


def _mapping(value: Any, path: str) -> dict[str, list[str]]:
    obj = require_object(value, path, "an object mapping macro states to lists of micro states")
    return {string(k, path): list(string_list(v, key_path(path, k), "micro states")) for k, v in obj.items()}


def _coarsening(node: str, micro: tuple[str, ...], macro: dict[str, list[str]], path: str) -> Coarsening:
    try:
        with warnings.catch_warnings():  # a partition that merges nothing was reported when it was found
            warnings.simplefilter("ignore", CoarseningWarning)
            return Coarsening.from_mapping(node, micro, macro)
    except ModelError as exc:
        raise ModelError(None, path, "a partition of 'micro_states' into macro states", exc.found) from None


def _term(value: Any, path: str, measure: str) -> MacroStateTerm:
    keys = ("state", "micro", "atoms", "probability", measure, "term", "lower_bound")
    entry = require_object(value, path, "an object describing one macro state")
    check_keys(entry, keys, keys, path)
    return MacroStateTerm(string(entry["state"], key_path(path, "state")),
                          string_list(entry["micro"], key_path(path, "micro"), "micro states"),
                          string_list(entry["atoms"], key_path(path, "atoms"), "atoms"),
                          number(entry["probability"], key_path(path, "probability")),
                          _optional(entry[measure], key_path(path, measure), number),
                          number(entry["term"], key_path(path, "term")),
                          number(entry["lower_bound"], key_path(path, "lower_bound")))


def _given(value: Any, path: str) -> GivenMap:
    entry = require_object(value, path, "an object {'k', 'value', 'macro'}, or null")
    check_keys(entry, ("k", "value", "macro"), ("k", "value", "macro"), path)
    return GivenMap(_whole(entry["k"], key_path(path, "k"), 1), number(entry["value"], key_path(path, "value")),
                    _mapping(entry["macro"], key_path(path, "macro")))


def coarsening_search_from_dict(document: Any) -> CoarseningSearch:
    """The :class:`~discagg.CoarseningSearch` of a ``discagg coarsen --json`` document (``source`` None).

    Raises
    ------
    ModelError
        Naming the key path of the first entry that is not as :meth:`CoarseningSearch.to_dict` writes it.
    """
    doc = require_object(document, "", "a JSON object as 'discagg coarsen --json' prints")
    check_keys(doc, (*_SEARCH_KEYS, "wrote"), _SEARCH_KEYS, "")
    objective = _choice(doc["objective"], "objective", tuple(MEASURES))
    metric = None if doc["metric"] is None else _choice(doc["metric"], "metric", ("jsd", "tv"))
    if (metric is None) != (objective != "abstraction"):
        raise ModelError(None, "metric", "'jsd' or 'tv' for the abstraction objective, null for the others",
                         describe(doc["metric"]))
    model, cause, effect = (string(doc[key], key) for key in ("model", "cause", "effect"))
    micro = string_list(doc["micro_states"], "micro_states", "the cause's micro states")
    coarsening = _coarsening(cause, micro, _mapping(doc["macro"], "macro"), "macro")
    k = _whole(doc["k"], "k", 1)
    if k != coarsening.n_macro:
        raise ModelError(None, "k", f"the number of macro states in 'macro' ({coarsening.n_macro})", describe(k))
    if not isinstance(doc["states"], list):
        raise ModelError(None, "states", "a list of macro states", describe(doc["states"]))
    states = tuple(_term(s, f"states[{i}]", MEASURES[objective]) for i, s in enumerate(doc["states"]))
    if tuple(s.state for s in states) != coarsening.macro_states:
        raise ModelError(None, "states", f"one entry per macro state of 'macro', in order "
                         f"{preview(coarsening.macro_states)}", preview([s.state for s in states]))
    bound = doc["bound"]
    if not isinstance(bound, str):
        raise ModelError(None, "bound", "a string", describe(bound))
    return CoarseningSearch(
        model, cause, effect, objective, metric, k, _choice(doc["atoms"], "atoms", ("micro", "macro")),
        sum(len(s.atoms) for s in states),  # n_atoms: every atom is in one macro state
        boolean(doc["contiguous"], "contiguous"), _choice(doc["method"], "method", _METHODS), coarsening, states,
        number(doc["value"], "value"), number(doc["lower_bound"], "lower_bound"), bound,
        boolean(doc["optimal"], "optimal"), _whole(doc["candidates"], "candidates"),
        _whole(doc["evaluated"], "evaluated"), number(doc["seconds"], "seconds"),
        _optional(doc["causal_classes"], "causal_classes", lambda v, p: _whole(v, p, 1)),
        _optional(doc["given"], "given", _given),
        _optional(doc["cause_option"], "cause_option", string), None,
        string_list(doc["effect_states"], "effect_states", "the effect's macro states"))


def causal_partition_from_dict(document: Any) -> CausalPartition:
    """The :class:`~discagg.CausalPartition` of a ``discagg coarsen --causal-partition --json`` document.

    Raises
    ------
    ModelError
        Naming the key path of the first entry that is not as :meth:`CausalPartition.to_dict` writes it.
    """
    doc = require_object(document, "", "a JSON object as 'discagg coarsen --causal-partition --json' prints")
    check_keys(doc, (*_CAUSAL_KEYS, "wrote"), _CAUSAL_KEYS, "")
    model, cause, effect = (string(doc[key], key) for key in ("model", "cause", "effect"))
    micro = string_list(doc["micro_states"], "micro_states", "the cause's micro states")
    n = _whole(doc["classes"], "classes", 1)
    names = tuple(f"c{c}" for c in range(n))
    macro = _mapping(doc["macro"], "macro")
    if tuple(macro) != names:
        raise ModelError(None, "macro", f"the classes {preview(names)}, in order", preview(list(macro)))
    labels = _coarsening(cause, micro, macro, "macro").assignment
    kernel_doc = require_object(doc["kernel"], "kernel", "an object mapping classes to distributions")
    widths_doc = require_object(doc["widths"], "widths", "an object mapping classes to numbers")
    for key, obj in (("kernel", kernel_doc), ("widths", widths_doc)):
        if tuple(obj) != names:
            raise ModelError(None, key, f"the classes {preview(names)}, in order", preview(list(obj)))
    rows: list[Mapping[str, Any]] = [require_object(kernel_doc[c], key_path("kernel", c), "an object mapping the "
                                                    "effect's macro states to numbers") for c in names]
    ys = tuple(rows[0])
    for c, row in zip(names, rows):
        if tuple(row) != ys:
            raise ModelError(None, key_path("kernel", c), f"a number for each of {preview(ys)}, in order",
                             preview(list(row)))
    kernel = np.array([[number(row[y], key_path(key_path("kernel", c), y)) for y in ys] for c, row in zip(names, rows)],
                      dtype=np.float64)
    widths = np.array([number(widths_doc[c], key_path("widths", c)) for c in names], dtype=np.float64)
    part = CausalPartition(model, cause, effect, micro, readonly(np.asarray(labels, dtype=np.intp)),
                           readonly_float(widths), readonly_float(kernel), ys, DEFAULT_TOLERANCE)
    if boolean(doc["clean"], "clean") != part.clean:
        raise ModelError(None, "clean", f"{str(part.clean).lower()} (what the widths say under the default "
                         "tolerance)", describe(doc["clean"]))
    return part


def load_coarsening_search(path: str | os.PathLike[str]) -> CoarseningSearch:
    """Read a file that ``discagg coarsen --json`` (or :meth:`CoarseningSearch.to_dict`) wrote.

    Raises
    ------
    ModelError
        Naming the file, and the key path of what is not as written.
    """
    from discagg.io.json_files import read_document

    return read_document(path, coarsening_search_from_dict)


def load_causal_partition(path: str | os.PathLike[str]) -> CausalPartition:
    """Read a file that ``discagg coarsen --causal-partition --json`` (or :meth:`CausalPartition.to_dict`) wrote.

    Raises
    ------
    ModelError
        Naming the file, and the key path of what is not as written.
    """
    from discagg.io.json_files import read_document

    return read_document(path, causal_partition_from_dict)
