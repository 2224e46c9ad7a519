"""Reading and writing discrete SCMs in the versioned JSON format ``discagg/scm-v1``.

The format (a public contract)::

    {"format": "discagg/scm-v1", "name": "tiny", "description": "...",
     "nodes": {
       "X": {"states": ["x0", "x1"], "parents": [],
             "responses": [{"p": 0.4, "f": "x0"}, {"p": 0.6, "f": "x1"}]},
       "Y": {"states": ["y0", "y1"], "parents": ["X"],
             "responses": [{"p": 0.5, "f": {"x0": "y0", "x1": "y1"}},
                           {"p": "1/2", "f": {"x0": "y1", "x1": "y1"}}]},
       "Z": {"states": ["z0", "z1"], "parents": ["X", "Y"]}},
     "joint": [{"nodes": ["Z"], "responses": [...]}],
     "macro": {...}, "groups": {...}, "query": {"cause": "Y", "effect": "Z"}}

Each node lists its ``states`` and ``parents`` and, unless a ``joint`` block draws it,
``responses``: a distribution over *response functions*, the node's structural equation for
each value of its exogenous noise. A response is ``{"p": probability, "f": table}``; the
table maps parent states to the node's state, one nesting level per parent in the listed
order (``f["x0"]`` for one parent, ``f["x0"]["y1"]`` for two), every parent state present once;
for a root, ``f`` is the state itself. A probability is a number or an exact rational written as
a string ``"n/d"``; each distribution sums to 1 within the normalisation tolerance.

Noises are independent across nodes by default (a Markovian SCM). A ``joint`` block
``{"nodes": [...], "responses": [{"p": ..., "f": {"A": table, "B": table}}, ...]}`` draws the
response functions of its nodes jointly (correlated noise); its nodes have no ``responses`` of
their own. The correlation may show in no intervention on the DAG's nodes (see
:mod:`discagg.core.scm`): an SCM must be compatible with its own CPTs.

Loading derives the CPTs ``P(V = v | pa = c) = Σ p [f(c) = v]`` and builds the causal model with
``macro``, ``groups``, ``query``, ``name`` (default: the file's stem) and ``description`` exactly
as ``discagg/model-v1`` reads them. Unknown keys are errors.
"""

from __future__ import annotations

import json
import math
import os
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from discagg.core.scm import ResponseBlock, StructuralModel, response_marginal
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
from discagg.io.model_format import MODEL_FORMAT, model_from_dict, model_to_dict
from discagg.limits import check_entries
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["SCM_FORMAT", "load_scm", "loads_scm", "scm_from_dict", "scm_to_dict", "dumps_scm", "save_scm"]

SCM_FORMAT = "discagg/scm-v1"

_TOP_KEYS = ("format", "name", "description", "nodes", "joint", "macro", "groups", "query")
_NODE_KEYS = ("states", "parents", "responses")
_RATIONAL = re.compile(r"\d{1,400}(/\d{1,400})?\Z")


def load_scm(path: str | os.PathLike[str], *, tolerance: Tolerance = DEFAULT_TOLERANCE) -> StructuralModel:
    """Load and validate a ``discagg/scm-v1`` file.

    Returns
    -------
    StructuralModel
        ``.model`` is the causal model with the derived CPTs.

    Raises
    ------
    ModelError
        On any problem; the message names the file and the key path.
    """
    return scm_from_dict(read_json(path), source=str(path), default_name=Path(path).stem, tolerance=tolerance)


def loads_scm(text: str, *, source: str = "<string>", tolerance: Tolerance = DEFAULT_TOLERANCE) -> StructuralModel:
    """Load an SCM from a JSON string (see :func:`load_scm`).

    Examples
    --------
    >>> scm = loads_scm('''{"format": "discagg/scm-v1", "nodes": {
    ...   "X": {"states": ["a", "b"], "parents": [], "responses": [{"p": 0.25, "f": "a"}, {"p": "3/4", "f": "b"}]},
    ...   "Y": {"states": ["n", "y"], "parents": ["X"], "responses": [{"p": 1, "f": {"a": "n", "b": "y"}}]}}}''')
    >>> scm.model.nodes["X"].cpt.tolist(), scm.model.nodes["Y"].cpt.tolist()
    ([0.25, 0.75], [[1.0, 0.0], [0.0, 1.0]])
    """
    return scm_from_dict(parse_json(text, source), source=source, tolerance=tolerance)


def scm_from_dict(data: Any, *, source: str | None = None, default_name: str = "scm",
                  tolerance: Tolerance = DEFAULT_TOLERANCE) -> StructuralModel:
    """Validate a parsed ``discagg/scm-v1`` document and build the SCM.

    Raises
    ------
    ModelError
        Naming ``source`` and the key path of the first problem found.
    """
    try:
        return _scm_from_dict(data, default_name, tolerance)
    except ModelError as exc:
        if source is not None and exc.source is None:
            raise exc.with_source(source) from None
        raise


def _scm_from_dict(data: Any, default_name: str, tolerance: Tolerance) -> StructuralModel:
    data = require_object(data, "", "a JSON object with keys 'format' and 'nodes'")
    check_format(data, SCM_FORMAT)
    check_keys(data, _TOP_KEYS, ("format", "nodes"), "")
    raw_nodes = require_object(data["nodes"], "nodes", "an object mapping node names to nodes")
    if not raw_nodes:
        raise ModelError(None, "nodes", "at least one node", "an empty object")
    headers: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    for name, raw in raw_nodes.items():
        where = f"nodes.{name}"
        nonempty_string(name, "nodes", "node names that are non-empty strings")
        raw = require_object(raw, where, "an object with keys 'states', 'parents' and 'responses'")
        check_keys(raw, _NODE_KEYS, ("states", "parents"), where)
        states = string_list(raw["states"], f"{where}.states", "state names")
        if not states:
            raise ModelError(None, f"{where}.states", "at least one state", "an empty list")
        if len(set(states)) != len(states):
            raise ModelError(None, f"{where}.states", "distinct state names", repr(list(states)))
        headers[name] = (states, string_list(raw["parents"], f"{where}.parents", "parent node names"))
    for name, (_, parents) in headers.items():
        for i, parent in enumerate(parents):
            if parent not in headers:
                raise ModelError(None, f"nodes.{name}.parents[{i}]", f"the name of a node of the SCM {preview(headers)}",
                                 repr(parent))
        if len(set(parents)) != len(parents):
            raise ModelError(None, f"nodes.{name}.parents", "distinct parents", repr(list(parents)))

    blocks: list[ResponseBlock] = []
    in_joint: dict[str, str] = {}
    raw_joint = data.get("joint", [])
    if not isinstance(raw_joint, list):
        raise ModelError(None, "joint", "a list of blocks {\"nodes\": [...], \"responses\": [...]}", describe(raw_joint))
    for i, raw in enumerate(raw_joint):
        where = f"joint[{i}]"
        raw = require_object(raw, where, "an object with keys 'nodes' and 'responses'")
        check_keys(raw, ("nodes", "responses"), ("nodes", "responses"), where)
        members = string_list(raw["nodes"], f"{where}.nodes", "node names")
        if not members:
            raise ModelError(None, f"{where}.nodes", "at least one node", "an empty list")
        for j, member in enumerate(members):
            if member not in headers:
                raise ModelError(None, f"{where}.nodes[{j}]", f"a node of the SCM {preview(headers)}", repr(member))
            if member in in_joint:
                raise ModelError(None, f"{where}.nodes[{j}]", "each node in one joint block only",
                                 f"{member!r} also in {in_joint[member]}")
            if "responses" in raw_nodes[member]:
                raise ModelError(None, f"nodes.{member}.responses", f"no responses of its own for a node that {where} "
                                 "draws", "a 'responses' key")
            in_joint[member] = where
        blocks.append(_block(raw["responses"], members, headers, f"{where}.responses", keyed=True, tolerance=tolerance))
    for name in headers:
        if name in in_joint:
            continue
        if "responses" not in raw_nodes[name]:
            raise ModelError(None, f"nodes.{name}.responses", "this key to be present (or the node in a 'joint' block)",
                             "it missing")
        blocks.append(_block(raw_nodes[name]["responses"], (name,), headers, f"nodes.{name}.responses", keyed=False, tolerance=tolerance))

    where_block = {name: (block, k) for block in blocks for k, name in enumerate(block.nodes)}
    doc: dict[str, Any] = {"format": MODEL_FORMAT, "name": data.get("name", default_name), "nodes": {}}
    for key in ("description", "macro", "groups", "query"):
        if key in data:
            doc[key] = data[key]
    for name, (states, parents) in headers.items():
        block, k = where_block[name]
        cpt = response_marginal(block.tables[k], block.weights, [len(headers[p][0]) for p in parents], len(states))
        doc["nodes"][name] = {"states": list(states), "parents": list(parents), "cpt": cpt.tolist()}
    model = model_from_dict(doc, default_name=default_name, tolerance=tolerance)
    return StructuralModel(model, tuple(blocks))


def _probability(value: Any, path: str) -> Fraction:
    if isinstance(value, UnrepresentableNumber):
        raise ModelError(None, path, "a finite probability", describe(value))
    if isinstance(value, str):
        if not _RATIONAL.match(value):
            raise ModelError(None, path, "a probability: a number or an exact rational string \"n/d\"", describe(value))
        numerator, _, denominator = value.partition("/")
        if denominator and int(denominator) == 0:
            raise ModelError(None, path, "a rational with a non-zero denominator", repr(value))
        result = Fraction(int(numerator), int(denominator or 1))
    elif isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ModelError(None, path, "a probability: a number or an exact rational string \"n/d\"", describe(value))
    else:
        result = Fraction(value)
    if not 0 <= result <= 1:
        raise ModelError(None, path, "a probability in [0, 1]", repr(value))
    return result


def _table(value: Any, node: str, headers: dict[str, tuple[tuple[str, ...], tuple[str, ...]]], path: str) -> list[int]:
    """The response table as a flat list of state indices over parent configurations (CPT order)."""
    states, parents = headers[node]
    index = {s: i for i, s in enumerate(states)}
    out: list[int] = []

    def walk(item: Any, depth: int, where: str) -> None:
        if depth == len(parents):
            if not isinstance(item, str) or item not in index:
                raise ModelError(None, where, f"a state of {node!r} {preview(states)}", describe(item))
            out.append(index[item])
            return
        parent_states = headers[parents[depth]][0]
        if not isinstance(item, dict):
            raise ModelError(None, where, f"an object with one key per state of {parents[depth]!r} "
                             f"{preview(parent_states)}", describe(item))
        for key in item:
            if key not in parent_states:
                raise ModelError(None, f"{where}.{key}", f"a state of {parents[depth]!r} {preview(parent_states)}",
                                 f"unknown key {key!r}")
        for state in parent_states:
            if state not in item:
                raise ModelError(None, where, f"an object with one key per state of {parents[depth]!r} "
                                 f"{preview(parent_states)}", f"no key {state!r}")
            walk(item[state], depth + 1, f"{where}.{state}")

    walk(value, 0, path)
    return out


def _block(raw: Any, members: tuple[str, ...], headers: dict[str, tuple[tuple[str, ...], tuple[str, ...]]],
           path: str, *, keyed: bool, tolerance: Tolerance) -> ResponseBlock:
    """A node's responses (``keyed=False``: ``f`` is its table) or a joint block's (``f`` keyed by node)."""
    if not isinstance(raw, list):
        raise ModelError(None, path, "a list of responses {\"p\": probability, \"f\": table}", describe(raw))
    if not raw:
        raise ModelError(None, path, "at least one response", "an empty list")
    n_cfg = {m: math.prod(len(headers[p][0]) for p in headers[m][1]) for m in members}
    check_entries(len(raw) * sum(n_cfg.values()), "the response tables", path)
    tables: dict[str, list[list[int]]] = {m: [] for m in members}
    probabilities = []
    for i, response in enumerate(raw):
        where = f"{path}[{i}]"
        response = require_object(response, where, "an object {\"p\": probability, \"f\": table}")
        check_keys(response, ("p", "f"), ("p", "f"), where)
        probabilities.append(_probability(response["p"], f"{where}.p"))
        if not keyed:
            tables[members[0]].append(_table(response["f"], members[0], headers, f"{where}.f"))
            continue
        functions = require_object(response["f"], f"{where}.f", f"an object with one table per node of the block "
                                   f"{list(members)}")
        check_keys(functions, members, members, f"{where}.f")
        for m in members:
            tables[m].append(_table(functions[m], m, headers, f"{where}.f.{m}"))
    total = float(sum(probabilities, Fraction(0)))
    if abs(total - 1.0) > tolerance.normalisation:
        raise ModelError(None, path, f"response probabilities summing to 1 (within {tolerance.normalisation:g})",
                         f"sum {total!r}")
    return ResponseBlock(members, tuple(np.array(tables[m], dtype=np.intp).reshape(len(raw), n_cfg[m])
                                        for m in members), tuple(probabilities))


def _probability_json(value: Fraction) -> float | str:
    """A float when it is the rational exactly, else ``"n/d"``."""
    as_float = float(value)
    return as_float if Fraction(as_float) == value else f"{value.numerator}/{value.denominator}"


def _table_json(scm: StructuralModel, node: str, row: np.ndarray) -> Any:
    model = scm.model
    states = model.nodes[node].states
    parents = model.nodes[node].parents
    if not parents:
        return states[int(row[0])]
    cards = [model.cardinality(p) for p in parents]
    grid = np.asarray(row).reshape(cards)

    def build(sub: np.ndarray, depth: int) -> Any:
        if depth == len(parents):
            return states[int(sub)]
        return {s: build(sub[i], depth + 1) for i, s in enumerate(model.nodes[parents[depth]].states)}

    return build(grid, 0)


def scm_to_dict(scm: StructuralModel) -> dict[str, Any]:
    """The ``discagg/scm-v1`` document of ``scm`` (every key written; probabilities exact).

    Examples
    --------
    >>> scm = loads_scm('{"format": "discagg/scm-v1", "nodes": '
    ...                 '{"X": {"states": ["a", "b"], "parents": [], "responses": [{"p": "1/3", "f": "a"}, '
    ...                 '{"p": "2/3", "f": "b"}]}}}')
    >>> scm_to_dict(scm)["nodes"]["X"]["responses"]
    [{'p': '1/3', 'f': 'a'}, {'p': '2/3', 'f': 'b'}]
    """
    base = model_to_dict(scm.model)
    nodes: dict[str, Any] = {}
    joint = []
    for name, node in scm.model.nodes.items():
        nodes[name] = {"states": list(node.states), "parents": list(node.parents)}
    for block in scm.blocks:
        responses = []
        for i, p in enumerate(block.probabilities):
            tables = {name: _table_json(scm, name, table[i]) for name, table in zip(block.nodes, block.tables)}
            responses.append({"p": _probability_json(p), "f": tables[block.nodes[0]] if len(block.nodes) == 1
                              else tables})
        if len(block.nodes) == 1:
            nodes[block.nodes[0]]["responses"] = responses
        else:
            joint.append({"nodes": list(block.nodes), "responses": responses})
    doc: dict[str, Any] = {"format": SCM_FORMAT, "name": base["name"], "description": base["description"],
                           "nodes": nodes}
    if joint:
        doc["joint"] = joint
    for key in ("macro", "groups", "query"):
        if key in base:
            doc[key] = base[key]
    return doc


def dumps_scm(scm: StructuralModel, *, indent: int | None = 1) -> str:
    """The SCM as ``discagg/scm-v1`` JSON text."""
    return json.dumps(scm_to_dict(scm), indent=indent, ensure_ascii=False, allow_nan=False) + "\n"


def save_scm(scm: StructuralModel, path: str | os.PathLike[str]) -> None:
    """Save ``scm`` as a ``discagg/scm-v1`` file (atomically)."""
    write_text_atomic(path, dumps_scm(scm))
