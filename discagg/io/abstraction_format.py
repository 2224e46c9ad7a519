"""The abstraction map format ``discagg/abstraction-v1``, the pairs file, and the shipped scenarios.

A map file says which micro nodes each macro node aggregates and how (a group
specification of :mod:`discagg.core.groups`)::

    {"format": "discagg/abstraction-v1", "name": "collapsing", "description": "...",
     "variables": {
       "Smoking_": {"nodes": ["Environment", "Smoking"],
                    "map": {"table": {"0,0": "0", "0,1": "1", "1,0": "0", "1,1": "1"}}},
       "Tar_": {"nodes": ["Tar"], "map": {"table": {"0": "0", "1": "1"}}}}}

``format`` and ``variables`` are required; ``map`` may be left out when only the
correspondence of nodes is given (``learn-abstraction --variables``). A pairs
file lists the (sources, targets) pairs to compare::

    {"format": "discagg/pairs-v1", "pairs": [{"sources": ["Smoking_"], "targets": ["Cancer_"]}]}

``scenario:NAME`` names one of the shipped scenarios (``data/abstraction/``):
as a micro model it is ``NAME-micro.json``, as a macro model ``NAME-macro.json``
and as a map ``NAME-map.json``, read from the installed package.
"""

from __future__ import annotations

import json
import os
import re
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from discagg.core.abstraction import AbstractionMap, AbstractionSpec, Pair, check_pairs
from discagg.core.model import CausalModel
from discagg.errors import ModelError, describe
from discagg.io.files import write_text_atomic
from discagg.io.json_files import (
    check_format,
    check_keys,
    nonempty_string,
    parse_json,
    read_json,
    require_object,
    string_list,
    with_source,
)
from discagg.io.shipped import _data

__all__ = ["ABSTRACTION_FORMAT", "PAIRS_FORMAT", "SCENARIO_PREFIX", "scenario_names", "load_abstraction_spec",
           "abstraction_from_dict", "abstraction_to_dict", "dumps_abstraction", "save_abstraction", "load_pairs",
           "load_role_model"]

ABSTRACTION_FORMAT = "discagg/abstraction-v1"
PAIRS_FORMAT = "discagg/pairs-v1"
SCENARIO_PREFIX = "scenario:"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")
_ROLES = {"micro": "micro", "macro": "macro", "map": "map"}


def _folder() -> Traversable:
    """``data/abstraction``: of the source checkout this module is in, if any, else of the installed package.

    A checkout's own folder comes first so that a working tree run with an
    editable install of another tree reads its own scenarios.
    """
    root = Path(__file__).resolve().parents[2]
    if (root / "pyproject.toml").is_file() and (root / "data" / "abstraction").is_dir():
        return root / "data" / "abstraction"
    return _data() / "abstraction"


def scenario_names() -> tuple[str, ...]:
    """The shipped abstraction scenarios (Zennaro et al.'s four lung-cancer scenarios), sorted.

    >>> scenario_names()
    ('basic', 'collapsing', 'extended', 'vstruct')
    """
    folder = _folder()
    return tuple(sorted(e.name.removesuffix("-map.json") for e in folder.iterdir() if e.name.endswith("-map.json")))


def _scenario_text(text: str, role: str) -> tuple[str, str]:
    """The JSON text of a scenario's micro model, macro model or map, and the name to report it by."""
    name = text[len(SCENARIO_PREFIX):]
    names = scenario_names()
    if not _NAME.match(name) or name not in names:
        raise ModelError(text, None, f"a shipped scenario {list(names)}", "none by that name")
    return (_folder() / f"{name}-{_ROLES[role]}.json").read_text(encoding="utf-8"), text


def load_role_model(text: str | os.PathLike[str], role: str) -> CausalModel:
    """A micro or macro model: ``scenario:NAME`` (that scenario's model in this role) or any MODEL form.

    >>> load_role_model("scenario:basic", "macro").topological_order
    ('Smoking_', 'Cancer_')
    """
    from discagg.io.loading import load_model
    from discagg.io.model_format import model_from_dict

    source = os.fspath(text)
    if source.startswith(SCENARIO_PREFIX):
        body, shown = _scenario_text(source, role)
        return model_from_dict(parse_json(body, shown), source=shown,
                               default_name=f"{source[len(SCENARIO_PREFIX):]}-{role}")
    return load_model(source)


def abstraction_from_dict(data: Any, *, require_maps: bool = True) -> AbstractionSpec:
    """Validate a ``discagg/abstraction-v1`` document (without the models) and return its content.

    Parameters
    ----------
    data : object
        The parsed JSON document.
    require_maps : bool
        Refuse a macro node without ``map`` (False for ``--variables`` files).

    Raises
    ------
    ModelError
        Naming the key path.
    """
    data = require_object(data, "", f"a JSON object with 'format': {ABSTRACTION_FORMAT!r} and 'variables'")
    check_format(data, ABSTRACTION_FORMAT)
    check_keys(data, ("format", "name", "description", "variables"), ("format", "variables"), "")
    name = nonempty_string(data.get("name", "abstraction"), "name", "a non-empty string")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise ModelError(None, "description", "a string", describe(description))
    variables = require_object(data["variables"], "variables", "an object mapping macro nodes to "
                               "{\"nodes\": [...], \"map\": {...}}")
    if not variables:
        raise ModelError(None, "variables", "at least one macro node", "none")
    content: dict[str, tuple[tuple[str, ...], dict[str, Any] | None]] = {}
    for macro, entry in variables.items():
        path = f"variables.{macro}"
        entry = require_object(entry, path, "an object with 'nodes' (micro nodes) and 'map'")
        check_keys(entry, ("nodes", "map"), ("nodes", "map") if require_maps else ("nodes",), path)
        nodes = string_list(entry["nodes"], f"{path}.nodes", "micro node names")
        spec = entry.get("map")
        if spec is not None:
            spec = dict(require_object(spec, f"{path}.map", "a map specification such as {\"table\": {...}}"))
        content[macro] = (nodes, spec)
    return AbstractionSpec(content, name, description)


def load_abstraction_spec(path: str | os.PathLike[str], *, require_maps: bool = True) -> AbstractionSpec:
    """Read a ``discagg/abstraction-v1`` file (or ``scenario:NAME``).

    >>> load_abstraction_spec("scenario:collapsing").variables["Smoking_"][0]
    ('Environment', 'Smoking')

    Raises
    ------
    ModelError
        Naming the file and the key path.
    """
    source = os.fspath(path)
    if source.startswith(SCENARIO_PREFIX):
        body, source = _scenario_text(source, "map")
        data = parse_json(body, source)
    else:
        data = read_json(path)
    try:
        return abstraction_from_dict(data, require_maps=require_maps)
    except ModelError as exc:
        raise with_source(exc, source) from None


def abstraction_to_dict(mapping: AbstractionMap) -> dict[str, Any]:
    """The ``discagg/abstraction-v1`` document of a map (every variable with its map specification)."""
    return {"format": ABSTRACTION_FORMAT, "name": mapping.name, "description": mapping.description,
            "variables": {m: {"nodes": list(v.nodes), "map": dict(v.spec)} for m, v in mapping.variables.items()}}


def dumps_abstraction(mapping: AbstractionMap) -> str:
    """A map as ``discagg/abstraction-v1`` JSON text."""
    return json.dumps(abstraction_to_dict(mapping), indent=1, allow_nan=False) + "\n"


def save_abstraction(mapping: AbstractionMap, path: str | os.PathLike[str], *, option: str = "output") -> None:
    """Write a map as ``discagg/abstraction-v1`` (atomically)."""
    write_text_atomic(path, dumps_abstraction(mapping), option)


def load_pairs(path: str | os.PathLike[str], macro_nodes: tuple[str, ...]) -> tuple[Pair, ...]:
    """Read a ``discagg/pairs-v1`` file and check its pairs against the macro nodes.

    Raises
    ------
    ModelError
        Naming the file and the key path (``pairs[1].targets[0]``).
    """
    source = os.fspath(path)
    data = read_json(path)
    try:
        data = require_object(data, "", f"a JSON object with 'format': {PAIRS_FORMAT!r} and 'pairs'")
        check_format(data, PAIRS_FORMAT)
        check_keys(data, ("format", "pairs"), ("format", "pairs"), "")
        if not isinstance(data["pairs"], list):
            raise ModelError(None, "pairs", "a list of {\"sources\": [...], \"targets\": [...]}",
                             describe(data["pairs"]))
        pairs = []
        for i, entry in enumerate(data["pairs"]):
            entry = require_object(entry, f"pairs[{i}]", "an object {\"sources\": [...], \"targets\": [...]}")
            check_keys(entry, ("sources", "targets"), ("sources", "targets"), f"pairs[{i}]")
            pairs.append(Pair(string_list(entry["sources"], f"pairs[{i}].sources", "macro node names"),
                              string_list(entry["targets"], f"pairs[{i}].targets", "macro node names")))
        return check_pairs(pairs, macro_nodes)
    except ModelError as exc:
        raise with_source(exc, source) from None
