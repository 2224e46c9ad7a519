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
:mod:`discagg.groups`) and ``query`` are optional. Unknown keys are errors.
Saving writes every key, so a saved model loads back equal and saves to the same
text.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from discagg.coarsening import Coarsening
from discagg.errors import ModelError, describe
from discagg.groups import GROUPS_VERSION, build_group
from discagg.model import CausalModel, Node, Query
from discagg.realization import RealizationFamily
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = [
    "MODEL_FORMAT",
    "load_model",
    "loads_model",
    "model_from_dict",
    "model_to_dict",
    "dumps_model",
    "save_model",
    "read_json",
    "write_text_atomic",
    "REALIZATION_FORMAT",
    "load_values",
    "load_targets",
    "realization_to_dict",
    "save_realization",
    "load_realization",
]

MODEL_FORMAT = "discagg/model-v1"
REALIZATION_FORMAT = "discagg/realization-v1"

_TOP_KEYS = ("format", "name", "description", "nodes", "macro", "groups", "query")
_NODE_KEYS = ("states", "parents", "cpt")


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
    return _parse_json(text, source)


def _parse_json(text: str, source: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelError(source, f"line {exc.lineno} column {exc.colno}", "valid JSON", exc.msg) from None


def load_model(path: str | os.PathLike[str], *, tolerance: Tolerance = DEFAULT_TOLERANCE) -> CausalModel:
    """Load and validate a ``discagg/model-v1`` file.

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
    return model_from_dict(data, source=str(path), default_name=Path(path).stem, tolerance=tolerance)


def loads_model(text: str, *, source: str = "<string>", tolerance: Tolerance = DEFAULT_TOLERANCE) -> CausalModel:
    """Load a model from a JSON string (see :func:`load_model`).

    Examples
    --------
    >>> m = loads_model('{"format": "discagg/model-v1", "nodes": '
    ...                 '{"X": {"states": ["a", "b"], "parents": [], "cpt": [0.3, 0.7]}}}')
    >>> m.nodes["X"].cpt
    array([0.3, 0.7])
    """
    return model_from_dict(_parse_json(text, source), source=source, tolerance=tolerance)


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


def _require_object(value: Any, path: str, what: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ModelError(None, path or None, what, describe(value))
    return value


def _check_keys(obj: Mapping[str, Any], allowed: tuple[str, ...], required: tuple[str, ...], path: str) -> None:
    prefix = f"{path}." if path else ""
    for key in obj:
        if key not in allowed:
            raise ModelError(None, f"{prefix}{key}", f"only the keys {list(allowed)}", f"unknown key {key!r}")
    for key in required:
        if key not in obj:
            raise ModelError(None, f"{prefix}{key}", "this key to be present", "it missing")


def _name(value: Any, path: str, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise ModelError(None, path, what, describe(value))
    return value


def _model_from_dict(data: Any, default_name: str, tolerance: Tolerance) -> CausalModel:
    data = _require_object(data, "", "a JSON object with keys 'format' and 'nodes'")
    _check_keys(data, _TOP_KEYS, ("format", "nodes"), "")
    if data["format"] != MODEL_FORMAT:
        raise ModelError(None, "format", repr(MODEL_FORMAT), describe(data["format"]))
    name = _name(data.get("name", default_name), "name", "a non-empty string")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ModelError(None, "description", "a string", describe(description))

    raw_nodes = _require_object(data["nodes"], "nodes", "an object mapping node names to nodes")
    if not raw_nodes:
        raise ModelError(None, "nodes", "at least one node", "an empty object")
    headers: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for node_name, raw in raw_nodes.items():
        where = f"nodes.{node_name}"
        _name(node_name, "nodes", "node names that are non-empty strings")
        raw = _require_object(raw, where, "an object with keys 'states', 'parents' and 'cpt'")
        _check_keys(raw, _NODE_KEYS, _NODE_KEYS, where)
        states = _string_list(raw["states"], f"{where}.states", "state names")
        if not states:
            raise ModelError(None, f"{where}.states", "at least one state", "an empty list")
        parents = _string_list(raw["parents"], f"{where}.parents", "parent node names")
        headers[node_name] = (states, parents)
    for node_name, (_, parents) in headers.items():
        for i, parent in enumerate(parents):
            if parent not in headers:
                raise ModelError(None, f"nodes.{node_name}.parents[{i}]",
                                 f"the name of a node of the model {list(headers)}", repr(parent))
    nodes = []
    for node_name, (states, parents) in headers.items():
        shape = tuple(len(headers[p][0]) for p in parents) + (len(states),)
        axes = [f"state of {p}" for p in parents] + [f"state of {node_name}"]
        cpt = _nested_array(raw_nodes[node_name]["cpt"], shape, axes, f"nodes.{node_name}.cpt")
        nodes.append(Node(node_name, states, parents, cpt))

    macro: dict[str, Coarsening] = {}
    if "macro" in data:
        raw_macro = _require_object(data["macro"], "macro", "an object mapping node names to coarsenings")
        for node_name, mapping in raw_macro.items():
            if node_name not in headers:
                raise ModelError(None, f"macro.{node_name}", f"a node of the model {list(headers)}",
                                 repr(node_name))
            mapping = _require_object(mapping, f"macro.{node_name}",
                                      "an object mapping macro states to lists of micro states")
            for macro_state, group in mapping.items():
                _string_list(group, f"macro.{node_name}.{macro_state}", "micro state names")
            macro[node_name] = Coarsening.from_mapping(node_name, headers[node_name][0], mapping)

    groups = {}
    if "groups" in data:
        raw_groups = _require_object(data["groups"], "groups", 'an object {"version": 1, "groups": {...}}')
        _check_keys(raw_groups, ("version", "groups"), ("version", "groups"), "groups")
        if raw_groups["version"] != GROUPS_VERSION:
            raise ModelError(None, "groups.version", repr(GROUPS_VERSION), describe(raw_groups["version"]))
        states = {n: h[0] for n, h in headers.items()}
        for group_name, raw in _require_object(raw_groups["groups"], "groups.groups",
                                               "an object mapping group names to groups").items():
            where = f"groups.groups.{group_name}"
            raw = _require_object(raw, where, "an object with keys 'nodes' and 'map'")
            _check_keys(raw, ("nodes", "map"), ("nodes", "map"), where)
            members = _string_list(raw["nodes"], f"{where}.nodes", "node names")
            groups[group_name] = build_group(group_name, members, states, raw["map"], path=where)

    query = None
    if "query" in data:
        raw_query = _require_object(data["query"], "query", "an object with keys 'cause' and 'effect'")
        _check_keys(raw_query, ("cause", "effect"), ("cause", "effect"), "query")
        query = Query(_name(raw_query["cause"], "query.cause", "a node name"),
                      _name(raw_query["effect"], "query.effect", "a node name"))
    return CausalModel(nodes, macro=macro, name=name, description=description, query=query, tolerance=tolerance,
                       groups=groups)


def _string_list(value: Any, path: str, what: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise ModelError(None, path, f"a list of {what}", describe(value))
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item:
            raise ModelError(None, f"{path}[{i}]", "a non-empty string", describe(item))
    return tuple(value)


def _nested_array(value: Any, shape: tuple[int, ...], axes: list[str], path: str) -> np.ndarray:
    """Convert nested lists to a float64 array of ``shape``, naming the first bad entry."""
    out = np.empty(shape, dtype=np.float64)

    def fill(item: Any, depth: int, index: tuple[int, ...]) -> None:
        where = path + "".join(f"[{i}]" for i in index)
        if depth == len(shape):
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


def save_model(model: CausalModel, path: str | os.PathLike[str]) -> None:
    """Save ``model`` as a ``discagg/model-v1`` file (atomically)."""
    write_text_atomic(path, dumps_model(model))


def _number(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ModelError(None, path, "a number", describe(value))
    if not np.isfinite(value):
        raise ModelError(None, path, "a finite number", repr(value))
    return float(value)


def _with_source(error: ModelError, source: str) -> ModelError:
    return error.with_source(source) if error.source is None else error


def load_values(path: str | os.PathLike[str], names: tuple[str, ...], what: str) -> np.ndarray:
    """Read ``{name: number}`` covering exactly ``names`` (a cost file, or ``f`` for bounds).

    Parameters
    ----------
    path : path-like
    names : tuple of str
        The states that need a value, in order.
    what : str
        What the states are, for messages (e.g. ``"micro state of 'X'"``).

    Returns
    -------
    (len(names),) ndarray

    Raises
    ------
    ModelError
        Naming the file and the key of the first bad, unknown or missing entry.
    """
    source = str(path)
    data = read_json(path)
    try:
        data = _require_object(data, "", f"a JSON object mapping each {what} to a number")
        index = {name: i for i, name in enumerate(names)}
        values = np.full(len(names), np.nan)
        for key, value in data.items():
            if key not in index:
                raise ModelError(None, key, f"a {what} {list(names)[:10]}", f"unknown key {key!r}")
            values[index[key]] = _number(value, key)
        missing = [n for n in names if np.isnan(values[index[n]])]
        if missing:
            raise ModelError(None, None, f"a value for every {what}", f"none for {missing[:10]}")
        return values
    except ModelError as exc:
        raise _with_source(exc, source) from None


def load_targets(
    path: str | os.PathLike[str],
    cause_macro: tuple[str, ...],
    effect_macro: tuple[str, ...],
    *,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
) -> dict[str, np.ndarray]:
    """Read target distributions ``{x̄: {ȳ: probability}}`` for ``discagg solve --target``.

    Macro states of the effect left out of a target get probability zero; each
    target must be non-negative and sum to one within ``tolerance.normalisation``.

    Raises
    ------
    ModelError
    """
    source = str(path)
    data = read_json(path)
    try:
        data = _require_object(data, "", "a JSON object mapping macro states of the cause to distributions")
        targets: dict[str, np.ndarray] = {}
        for state, dist in data.items():
            if state not in cause_macro:
                raise ModelError(None, state, f"a macro state of the cause {list(cause_macro)}", repr(state))
            dist = _require_object(dist, state, "an object mapping macro states of the effect to probabilities")
            target = np.zeros(len(effect_macro))
            for key, value in dist.items():
                if key not in effect_macro:
                    raise ModelError(None, f"{state}.{key}", f"a macro state of the effect {list(effect_macro)}",
                                     repr(key))
                target[effect_macro.index(key)] = _number(value, f"{state}.{key}")
                if target[effect_macro.index(key)] < 0:
                    raise ModelError(None, f"{state}.{key}", "a non-negative probability", repr(value))
            if abs(target.sum() - 1.0) > tolerance.normalisation:
                raise ModelError(None, state, f"probabilities summing to 1 (within {tolerance.normalisation:g})",
                                 f"sum {float(target.sum())!r}")
            targets[state] = target
        return targets
    except ModelError as exc:
        raise _with_source(exc, source) from None


def realization_to_dict(family: RealizationFamily) -> dict[str, Any]:
    """The ``discagg/realization-v1`` document of a realization family.

    ``{"format": "discagg/realization-v1", "cause": "X", "realization": {x̄: {x: p, ...}}}``,
    listing the macro states the family defines and, for each, the micro states
    with positive probability.
    """
    mapping = {
        macro: {micro: p for micro, p in dist.items() if p > 0} for macro, dist in family.to_mapping().items()
    }
    return {"format": REALIZATION_FORMAT, "cause": family.coarsening.node, "realization": mapping}


def save_realization(family: RealizationFamily, path: str | os.PathLike[str]) -> None:
    """Save a realization family as ``discagg/realization-v1`` JSON (atomically)."""
    write_text_atomic(path, json.dumps(realization_to_dict(family), indent=1, allow_nan=False) + "\n")


def load_realization(
    path: str | os.PathLike[str], model: CausalModel, *, tolerance: Tolerance = DEFAULT_TOLERANCE
) -> RealizationFamily:
    """Load a ``discagg/realization-v1`` file for a node of ``model`` and validate it.

    Raises
    ------
    ModelError
        Bad format, unknown cause, or a realization that is not a distribution
        over its fibre (a :class:`~discagg.errors.RealizationError`).
    """
    source = str(path)
    data = read_json(path)
    try:
        data = _require_object(data, "", "a JSON object with keys 'format', 'cause' and 'realization'")
        _check_keys(data, ("format", "cause", "realization"), ("format", "cause", "realization"), "")
        if data["format"] != REALIZATION_FORMAT:
            raise ModelError(None, "format", repr(REALIZATION_FORMAT), describe(data["format"]))
        cause = _name(data["cause"], "cause", "a node name")
        coarsening = model.coarsening(cause)
        mapping = _require_object(data["realization"], "realization", "an object mapping macro states to "
                                  "distributions over their fibres")
        return RealizationFamily.from_mapping(coarsening, mapping, tolerance=tolerance)
    except ModelError as exc:
        raise _with_source(exc, source) from None
