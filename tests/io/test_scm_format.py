"""The ``discagg/scm-v1`` format: derived CPTs, round trips, and one-line errors with key paths."""

from __future__ import annotations

import copy
import json
from fractions import Fraction

import numpy as np
import pytest

from discagg import ModelError, load_model
from discagg.io.scm_format import dumps_scm, load_scm, loads_scm, scm_from_dict, scm_to_dict

SCM = {
    "format": "discagg/scm-v1",
    "name": "tiny",
    "nodes": {
        "X": {"states": ["x0", "x1"], "parents": [],
              "responses": [{"p": 0.25, "f": "x0"}, {"p": "3/4", "f": "x1"}]},
        "Y": {"states": ["y0", "y1", "y2"], "parents": ["X"],
              "responses": [{"p": 0.5, "f": {"x0": "y0", "x1": "y2"}}, {"p": 0.5, "f": {"x0": "y1", "x1": "y2"}}]},
        "Z": {"states": ["z0", "z1"], "parents": ["X", "Y"]},
    },
    "joint": [{"nodes": ["Z"], "responses": [
        {"p": 1, "f": {"Z": {"x0": {"y0": "z0", "y1": "z1", "y2": "z1"}, "x1": {"y0": "z1", "y1": "z1", "y2": "z0"}}}}]}],
    "macro": {"Y": {"low": ["y0"], "high": ["y1", "y2"]}},
    "query": {"cause": "Y", "effect": "Z"},
}


def doc():
    return copy.deepcopy(SCM)


def test_cpts_macro_and_query_are_derived_and_kept():
    scm = scm_from_dict(doc())
    model = scm.model
    assert model.nodes["X"].cpt.tolist() == [0.25, 0.75]
    assert model.nodes["Y"].cpt.tolist() == [[0.5, 0.5, 0.0], [0.0, 0.0, 1.0]]
    assert model.nodes["Z"].cpt[0].tolist() == [[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]
    assert model.macro["Y"].macro_states == ("low", "high") and model.query.cause == "Y"
    assert scm.blocks[1].probabilities == (Fraction(1, 4), Fraction(3, 4))


def test_round_trip_is_exact(tmp_path):
    scm = scm_from_dict(doc())
    path = tmp_path / "s.json"
    path.write_text(dumps_scm(scm))
    again = load_scm(path)
    assert again.model == scm.model.__class__(list(scm.model.nodes.values()), macro=scm.model.macro, name="tiny",
                                              query=scm.model.query)
    assert scm_to_dict(again) == scm_to_dict(scm)
    assert load_model(path).nodes["Y"].cpt.tolist() == scm.model.nodes["Y"].cpt.tolist()  # MODEL may be an SCM


def test_rationals_that_are_no_float_are_written_as_strings():
    d = doc()
    d["nodes"]["X"]["responses"] = [{"p": "1/3", "f": "x0"}, {"p": "2/3", "f": "x1"}]
    written = scm_to_dict(scm_from_dict(d))
    assert written["nodes"]["X"]["responses"][0]["p"] == "1/3"
    assert written["nodes"]["Y"]["responses"][0]["p"] == 0.5


def _set(d, path, value):
    *head, last = path
    target = d
    for key in head:
        target = target[key]
    if value is _DELETE:
        del target[last]
    else:
        target[last] = value


_DELETE = object()

BAD = [
    (("format",), "discagg/model-v1", "format: expected 'discagg/scm-v1', found str 'discagg/model-v1'"),
    (("nodes", "X", "responses", 1, "p"), "3/5", "nodes.X.responses: expected response probabilities summing to 1"),
    (("nodes", "X", "responses", 1, "p"), "3/0", "nodes.X.responses[1].p: expected a rational with a non-zero "
                                                 "denominator, found '3/0'"),
    (("nodes", "X", "responses", 1, "p"), 1.5, "nodes.X.responses[1].p: expected a probability in [0, 1], found 1.5"),
    (("nodes", "X", "responses", 1, "p"), "0.75", "nodes.X.responses[1].p: expected a probability: a number or an "
                                                  "exact rational string"),
    (("nodes", "X", "responses", 0, "f"), "x9", "nodes.X.responses[0].f: expected a state of 'X' ['x0', 'x1'], "
                                                "found str 'x9'"),
    (("nodes", "Y", "responses", 0, "f", "x2"), "y0", "nodes.Y.responses[0].f.x2: expected a state of 'X' ['x0', "
                                                      "'x1'], found unknown key 'x2'"),
    (("nodes", "Y", "responses", 0, "f", "x1"), _DELETE, "nodes.Y.responses[0].f: expected an object with one key per "
                                                         "state of 'X' ['x0', 'x1'], found no key 'x1'"),
    (("nodes", "Y", "responses", 0, "f"), "y0", "nodes.Y.responses[0].f: expected an object with one key per state "
                                                "of 'X'"),
    (("nodes", "Y", "responses"), [], "nodes.Y.responses: expected at least one response, found an empty list"),
    (("nodes", "Y", "responses", 0, "q"), 1, "nodes.Y.responses[0].q: expected only the keys ['p', 'f']"),
    (("nodes", "X", "responses"), _DELETE, "nodes.X.responses: expected this key to be present (or the node in a "
                                           "'joint' block), found it missing"),
    (("nodes", "Z", "responses"), [{"p": 1, "f": "z0"}], "nodes.Z.responses: expected no responses of its own for a "
                                                          "node that joint[0] draws"),
    (("joint", 0, "nodes", 0), "W", "joint[0].nodes[0]: expected a node of the SCM ['X', 'Y', 'Z'], found 'W'"),
    (("joint", 0, "responses", 0, "f", "Q"), "z0", "joint[0].responses[0].f.Q: expected only the keys ['Z']"),
    (("nodes", "Y", "parents"), ["W"], "nodes.Y.parents[0]: expected the name of a node of the SCM"),
    (("query", "cause"), "W", "query"),
    (("macro", "Y", "low"), ["y7"], "macro.Y.low[0]: expected a state of node 'Y'"),
]


@pytest.mark.parametrize("path,value,message", BAD, ids=[m[:40] for _, _, m in BAD])
def test_bad_documents_name_the_key_path(path, value, message):
    d = doc()
    _set(d, path, value)
    with pytest.raises(ModelError) as info:
        loads_scm(json.dumps(d), source="s.json")
    text = str(info.value)
    assert text.startswith("s.json: ") and message in text and "\n" not in text


def test_a_cycle_is_refused_like_a_model():
    d = doc()
    d["nodes"]["X"]["parents"] = ["Z"]
    d["nodes"]["X"]["responses"] = [{"p": 1, "f": {"z0": "x0", "z1": "x1"}}]
    with pytest.raises(ModelError, match="cycle"):
        scm_from_dict(d)


def test_tables_follow_the_cpt_axis_order():
    scm = scm_from_dict(doc())
    z = scm.table("Z")  # parents (X, Y): the last parent varies fastest
    assert z.tolist() == [[0, 1, 1, 1, 1, 0]]
    assert np.array_equal(scm.derived_cpt("Z")[1, 2], [1.0, 0.0])
