"""Every kind of bad model input, shared by the library and the CLI tests.

Each case is ``(id, make, path, fragment)``: ``make(base_doc)`` returns the file's
text, ``path`` is the key path the message must name, and ``fragment`` is a
piece of the expected/found wording.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

Doc = dict[str, Any]


def _edit(change: Callable[[Doc], None]) -> Callable[[Doc], str]:
    def make(doc: Doc) -> str:
        change(doc)
        return json.dumps(doc)

    return make


def _set(doc: Doc, keys: list[Any], value: Any) -> None:
    target = doc
    for key in keys[:-1]:
        target = target[key]
    target[keys[-1]] = value


CASES: list[tuple[str, Callable[[Doc], str], str | None, str]] = [
    ("unreadable-json", lambda doc: json.dumps(doc)[:-5], "line 1 column", "expected valid JSON"),
    ("not-an-object", lambda doc: "[1, 2]", None, "expected a JSON object"),
    ("unknown-format", _edit(lambda d: _set(d, ["format"], "discagg/model-v9")), "format",
     "expected 'discagg/model-v1', found str 'discagg/model-v9'"),
    ("missing-format", _edit(lambda d: d.pop("format")), "format", "this key to be present"),
    ("unknown-top-key", _edit(lambda d: _set(d, ["nodez"], {})), "nodez", "unknown key 'nodez'"),
    ("unknown-node-key", _edit(lambda d: _set(d, ["nodes", "X", "cpd"], [])), "nodes.X.cpd", "unknown key"),
    ("unknown-parent", _edit(lambda d: _set(d, ["nodes", "Y", "parents"], ["X", "W"])), "nodes.Y.parents[1]",
     "found 'W'"),
    ("cycle", _edit(lambda d: (_set(d, ["nodes", "Z", "parents"], ["Y"]),
                               _set(d, ["nodes", "Z", "cpt"], [[0.4, 0.6]] * 3))), "nodes",
     "found the cycle"),
    ("shape-outer", _edit(lambda d: _set(d, ["nodes", "Y", "cpt"], d["nodes"]["Y"]["cpt"][:2])), "nodes.Y.cpt",
     "a list of 3 entries, one per state of X"),
    ("shape-inner", _edit(lambda d: _set(d, ["nodes", "Y", "cpt", 2, 1], [0.5, 0.5])), "nodes.Y.cpt[2][1]",
     "a list of 3 entries, one per state of Y"),
    ("scalar-for-list", _edit(lambda d: _set(d, ["nodes", "Y", "cpt", 1], 0.5)), "nodes.Y.cpt[1]",
     "found float 0.5"),
    ("nan", lambda doc: json.dumps(doc).replace("[0.6, 0.2, 0.2]", "[NaN, 0.2, 0.2]"), "nodes.Y.cpt[1][1][0]",
     "expected a finite probability, found nan"),
    ("infinity", lambda doc: json.dumps(doc).replace("[0.4, 0.6]", "[Infinity, 0.6]"), "nodes.Z.cpt[0]",
     "expected a finite probability, found inf"),
    ("non-numeric", _edit(lambda d: _set(d, ["nodes", "X", "cpt", 1, 2], "0.1")), "nodes.X.cpt[1][2]",
     "expected a number (a probability), found str '0.1'"),
    ("boolean", _edit(lambda d: _set(d, ["nodes", "Z", "cpt"], [True, False])), "nodes.Z.cpt[0]",
     "found bool True"),
    ("negative", _edit(lambda d: _set(d, ["nodes", "X", "cpt", 0], [-0.2, 0.7, 0.5])), "nodes.X.cpt[0][0]",
     "expected a probability in [0, 1], found -0.2"),
    ("root-sum", _edit(lambda d: _set(d, ["nodes", "Z", "cpt"], [0.5, 0.6])), "nodes.Z.cpt",
     "expected entries summing to 1 (within 1e-06), found sum 1.1"),
    ("row-sum", _edit(lambda d: _set(d, ["nodes", "Y", "cpt", 2, 0], [0.9, 0.05, 0.04])), "nodes.Y.cpt[2][0]",
     "expected entries summing to 1 (within 1e-06)"),
    ("macro-overlap", _edit(lambda d: _set(d, ["macro", "X"], {"low": ["x0", "x1"], "high": ["x1", "x2"]})),
     "macro.X.high[0]", "every micro state in exactly one macro state"),
    ("macro-missing-state", _edit(lambda d: _set(d, ["macro", "X"], {"low": ["x0"], "high": ["x2"]})),
     "macro.X", "['x1'] in none"),
    ("macro-unknown-state", _edit(lambda d: _set(d, ["macro", "Y", "yes"], ["y1", "y3"])), "macro.Y.yes[1]",
     "found 'y3'"),
    ("macro-empty", _edit(lambda d: _set(d, ["macro", "Y"], {"all": ["y0", "y1", "y2"], "none": []})),
     "macro.Y.none", "non-empty list"),
    ("macro-unknown-node", _edit(lambda d: _set(d, ["macro", "W"], {"a": ["w"]})), "macro.W", "found 'W'"),
    ("query-unknown-node", _edit(lambda d: _set(d, ["query", "effect"], "W")), "query.effect", "found 'W'"),
    ("states-not-strings", _edit(lambda d: _set(d, ["nodes", "Z", "states"], ["z0", 1])), "nodes.Z.states[1]",
     "a non-empty string"),
]
