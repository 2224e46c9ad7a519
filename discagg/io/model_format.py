"""Reading and writing models in the versioned JSON format ``discagg/model-v1``.

The format (a public contract)::

    {"format": "discagg/model-v1", "name": "cholesterol", "description": "...",
     "nodes": {
       "Z": {"states": ["lean", "fatty"], "parents": [], "cpt": [0.4, 0.6]},
       "X": {"states": ["x0", "x1", "x2"], "parents": ["Z"], "cpt": [[...], [...]]},
       "Y": {"states": ["y0", "y1"], "parents": ["X", "Z"], "cpt": [[[...], [...]], ...]}},
     "macro": {"X": {"low": ["x0", "x1"], "high": ["x2"]},
               "Y": {"no": ["y0"], "yes": ["y1"]}},
     "groups": {"version": 1, "groups": {"XZ": {"nodes": ["X", "Z"], "map": {"sum": "index"}}}},
     "query": {"cause": "X", "effect": "Y"}}

``nodes.Y.cpt[i][j]`` is ``P(Y | X = X.states[i], Z = Z.states[j])``: one nesting
level per parent, in the listed order, then the node's own states. ``format``
and ``nodes`` are required; ``name`` (default: the file's stem),
``description``, ``macro``, ``groups`` (macro variables over several nodes, see
:mod:`discagg.core.groups`) and ``query`` are optional. Unknown keys are errors.
Saving writes every key, so a saved model loads back equal and saves to the same
text.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from discagg.core.coarsening import Coarsening
from discagg.core.groups import GROUPS_VERSION, build_group
from discagg.core.model import CausalModel, Node, Query
from discagg.errors import ModelError, UnrepresentableNumber, describe, preview
from discagg.io.files import write_text_atomic
from discagg.io.json_files import (
    check_format,
    check_keys,
    nonempty_string,
    parse_json,
    read_json,
    require_object,
    string_list,
)
from discagg.limits import check_entries
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["MODEL_FORMAT", "load_json_model", "loads_model", "model_from_dict", "model_to_dict", "dumps_model", "save_model"]

MODEL_FORMAT = "discagg/model-v1"

_TOP_KEYS = ("format", "name", "description", "nodes", "macro", "groups", "query")
_NODE_KEYS = ("states", "parents", "cpt")


def load_json_model(path: str | os.PathLike[str], *, tolerance: Tolerance = DEFAULT_TOLERANCE) -> CausalModel:
    """Load and validate a ``discagg/model-v1`` file (or a ``discagg/scm-v1`` file: the model of its derived CPTs).

    Parameters
    ----------
    path : path-like
    tolerance : Tolerance
        Normalisation tolerance applied to CPT rows.

    Returns
    -------
    CausalModel

    Raises
    ------
    ModelError
        On any problem; the message names the file and the key path.
    """
    data = read_json(path)
    if isinstance(data, dict) and data.get("format") == "discagg/scm-v1":  # an SCM: the model of its derived CPTs
        from discagg.io.scm_format import scm_from_dict

        return scm_from_dict(data, source=str(path), default_name=Path(path).stem, tolerance=tolerance).model
    return model_from_dict(data, source=str(path), default_name=Path(path).stem, tolerance=tolerance)


def loads_model(text: str, *, source: str = "<string>", tolerance: Tolerance = DEFAULT_TOLERANCE) -> CausalModel:
    """Load a model from a JSON string (see :func:`load_json_model`).

    Examples
    --------
    >>> m = loads_model('{"format": "discagg/model-v1", "nodes": '
    ...                 '{"X": {"states": ["a", "b"], "parents": [], "cpt": [0.3, 0.7]}}}')
    >>> m.nodes["X"].cpt
    array([0.3, 0.7])
    """
    return model_from_dict(parse_json(text, source), source=source, tolerance=tolerance)


def model_from_dict(
    data: Any,
    *,
    source: str | None = None,
    default_name: str = "model",
    tolerance: Tolerance = DEFAULT_TOLERANCE,
) -> CausalModel:
    """Validate a parsed ``discagg/model-v1`` document and build the model.

    Raises
    ------
    ModelError
        Naming ``source`` and the key path of the first problem found.
    """
    try:
        return _model_from_dict(data, default_name, tolerance)
    except ModelError as exc:
        if source is not None and exc.source is None:
            raise exc.with_source(source) from None
        raise


def _model_from_dict(data: Any, default_name: str, tolerance: Tolerance) -> CausalModel:
    data = require_object(data, "", "a JSON object with keys 'format' and 'nodes'")
    check_format(data, MODEL_FORMAT)
    check_keys(data, _TOP_KEYS, ("format", "nodes"), "")
    name = nonempty_string(data.get("name", default_name), "name", "a non-empty string")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ModelError(None, "description", "a string", describe(description))

    raw_nodes = require_object(data["nodes"], "nodes", "an object mapping node names to nodes")
    if not raw_nodes:
        raise ModelError(None, "nodes", "at least one node", "an empty object")
    headers: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for node_name, raw in raw_nodes.items():
        where = f"nodes.{node_name}"
        nonempty_string(node_name, "nodes", "node names that are non-empty strings")
        raw = require_object(raw, where, "an object with keys 'states', 'parents' and 'cpt'")
        check_keys(raw, _NODE_KEYS, _NODE_KEYS, where)
        states = string_list(raw["states"], f"{where}.states", "state names")
        if not states:
            raise ModelError(None, f"{where}.states", "at least one state", "an empty list")
        parents = string_list(raw["parents"], f"{where}.parents", "parent node names")
        headers[node_name] = (states, parents)
    for node_name, (_, parents) in headers.items():
        for i, parent in enumerate(parents):
            if parent not in headers:
                raise ModelError(None, f"nodes.{node_name}.parents[{i}]",
                                 f"the name of a node of the model {preview(headers)}", repr(parent))
    nodes = []
    for node_name, (states, parents) in headers.items():
        shape = tuple(len(headers[p][0]) for p in parents) + (len(states),)
        axes = [f"state of {p}" for p in parents] + [f"state of {node_name}"]
        cpt = _nested_array(raw_nodes[node_name]["cpt"], shape, axes, f"nodes.{node_name}.cpt")
        nodes.append(Node(node_name, states, parents, cpt))

    macro: dict[str, Coarsening] = {}
    if "macro" in data:
        raw_macro = require_object(data["macro"], "macro", "an object mapping node names to coarsenings")
        for node_name, mapping in raw_macro.items():
            if node_name not in headers:
                raise ModelError(None, f"macro.{node_name}", f"a node of the model {preview(headers)}",
                                 repr(node_name))
            mapping = require_object(mapping, f"macro.{node_name}",
                                      "an object mapping macro states to lists of micro states")
            for macro_state, group in mapping.items():
                string_list(group, f"macro.{node_name}.{macro_state}", "micro state names")
            macro[node_name] = Coarsening.from_mapping(node_name, headers[node_name][0], mapping)

    groups = {}
    if "groups" in data:
        raw_groups = require_object(data["groups"], "groups", 'an object {"version": 1, "groups": {...}}')
        check_keys(raw_groups, ("version", "groups"), ("version", "groups"), "groups")
        if type(raw_groups["version"]) is not int or raw_groups["version"] != GROUPS_VERSION:
            raise ModelError(None, "groups.version", repr(GROUPS_VERSION), describe(raw_groups["version"]))
        node_states = {n: h[0] for n, h in headers.items()}
        for group_name, raw in require_object(raw_groups["groups"], "groups.groups",
                                               "an object mapping group names to groups").items():
            where = f"groups.groups.{group_name}"
            raw = require_object(raw, where, "an object with keys 'nodes' and 'map'")
            check_keys(raw, ("nodes", "map"), ("nodes", "map"), where)
            members = string_list(raw["nodes"], f"{where}.nodes", "node names")
            groups[group_name] = build_group(group_name, members, node_states, raw["map"], path=where)

    query = None
    if "query" in data:
        raw_query = require_object(data["query"], "query", "an object with keys 'cause' and 'effect'")
        check_keys(raw_query, ("cause", "effect"), ("cause", "effect"), "query")
        query = Query(nonempty_string(raw_query["cause"], "query.cause", "a node name"),
                      nonempty_string(raw_query["effect"], "query.effect", "a node name"))
    return CausalModel(nodes, macro=macro, name=name, description=description, query=query, tolerance=tolerance,
                       groups=groups)


def _float_text(text: str) -> str:
    """How an out-of-range JSON number reads as a float (``nan``, ``inf``), or its text when it is an integer."""
    try:
        return repr(float(text))
    except (OverflowError, ValueError):
        return f"{text[:20]}..." if len(text) > 20 else text


def _nested_array(value: Any, shape: tuple[int, ...], axes: list[str], path: str) -> np.ndarray:
    """Convert nested lists to a float64 array of ``shape``, naming the first bad entry."""
    check_entries(math.prod(shape), f"a CPT of shape {shape}", path)
    out = np.empty(shape, dtype=np.float64)

    def fill(item: Any, depth: int, index: tuple[int, ...]) -> None:
        where = path + "".join(f"[{i}]" for i in index)
        if depth == len(shape):
            if isinstance(item, UnrepresentableNumber):  # NaN, Infinity, 1e400: not a finite probability
                raise ModelError(None, where, "a finite probability", _float_text(item))
            if isinstance(item, bool) or not isinstance(item, (int, float)):
                raise ModelError(None, where, "a number (a probability)", describe(item))
            out[index] = float(item)
            return
        if not isinstance(item, list):
            raise ModelError(None, where, f"a list of {shape[depth]} entries, one per {axes[depth]}",
                             describe(item))
        if len(item) != shape[depth]:
            raise ModelError(None, where, f"a list of {shape[depth]} entries, one per {axes[depth]} "
                             f"(CPT shape {shape})", f"{len(item)} entries")
        for i, sub in enumerate(item):
            fill(sub, depth + 1, index + (i,))

    fill(value, 0, ())
    return out


def model_to_dict(model: CausalModel) -> dict[str, Any]:
    """The ``discagg/model-v1`` document of ``model`` (every key written).

    Examples
    --------
    >>> m = loads_model('{"format": "discagg/model-v1", "nodes": '
    ...                 '{"X": {"states": ["a", "b"], "parents": [], "cpt": [0.3, 0.7]}}}')
    >>> model_to_dict(m)["nodes"]
    {'X': {'states': ['a', 'b'], 'parents': [], 'cpt': [0.3, 0.7]}}
    """
    doc: dict[str, Any] = {
        "format": MODEL_FORMAT,
        "name": model.name,
        "description": model.description,
        "nodes": {
            node.name: {"states": list(node.states), "parents": list(node.parents), "cpt": node.cpt.tolist()}
            for node in model.nodes.values()
        },
        "macro": {name: coarsening.to_mapping() for name, coarsening in model.macro.items()},
    }
    if model.groups:
        doc["groups"] = {"version": GROUPS_VERSION, "groups": {
            name: {"nodes": list(group.nodes), "map": dict(group.spec)} for name, group in model.groups.items()}}
    if model.query is not None:
        doc["query"] = {"cause": model.query.cause, "effect": model.query.effect}
    return doc


def dumps_model(model: CausalModel, *, indent: int | None = 1) -> str:
    """The model as ``discagg/model-v1`` JSON text (floats written exactly)."""
    return json.dumps(model_to_dict(model), indent=indent, ensure_ascii=False, allow_nan=False) + "\n"


def save_model(model: CausalModel, path: str | os.PathLike[str]) -> None:
    """Save ``model`` as a ``discagg/model-v1`` file (atomically)."""
    write_text_atomic(path, dumps_model(model))
