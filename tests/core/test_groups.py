"""Macro variables over node groups: specifications, the file format, joint interventions."""

import json

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from discagg import Aggregation, CausalModel, ModelError, Node, dumps_model, loads_model
from discagg.core.groups import build_group, parse_group
from discagg.core.inference import interventional_joint

from strategies import brute_force_joint, random_dags

STATES = {"A": ["0", "1", "2"], "B": ["0", "1"], "C": ["lo", "hi"]}


@pytest.mark.parametrize(
    ("nodes", "spec", "macro", "assignment"),
    [
        (["A", "B"], {"sum": "index"}, ("0", "1", "2", "3"), [0, 1, 1, 2, 2, 3]),
        (["A", "B"], {"sum": "value", "bins": [2]}, ("<2", ">=2"), [0, 0, 0, 1, 1, 1]),
        (["A", "B"], {"sum": "index", "bins": [1, 3]}, ("<1", "[1,3)", ">=3"), [0, 1, 1, 1, 1, 2]),
        (["B", "C"], {"count": "hi"}, ("0", "1"), [0, 1, 0, 1]),
        (["B", "C"], {"table": {"0,lo": "none", "0,hi": "one", "1,lo": "one", "1,hi": "both"}},
         ("none", "one", "both"), [0, 1, 1, 2]),
    ],
)
def test_group_maps_by_hand(nodes, spec, macro, assignment):
    group = build_group("G", nodes, STATES, spec)
    assert group.coarsening.macro_states == macro
    assert group.coarsening.assignment.tolist() == assignment


@pytest.mark.parametrize(
    ("nodes", "spec", "fragment"),
    [
        (["A", "A"], {"sum": "index"}, "distinct nodes"),
        (["A", "D"], {"sum": "index"}, "found 'D'"),
        (["A", "C"], {"sum": "value"}, "numeric state names of node 'C'"),
        (["A", "B"], {"sum": "index", "bins": [2, 1]}, "increasing list"),
        (["A", "B"], {"sum": "index", "bins": [10]}, "['>=10'] empty"),
        (["A", "B"], {"mean": "index"}, "one of 'sum' or 'count'"),
        (["B", "C"], {"table": {"0,lo": "x", "0,hi": "y"}}, "in none"),
        (["B", "C"], {"count": "mid"}, "a state name of at least one"),
    ],
)
def test_group_spec_errors_name_the_place(nodes, spec, fragment):
    with pytest.raises(ModelError) as info:
        build_group("G", nodes, STATES, spec)
    assert fragment in str(info.value) and str(info.value).startswith("groups.G")


def test_parse_group_syntax():
    assert parse_group("A,B:sum", STATES) == ("A+B", ("A", "B"), {"sum": "index"})
    assert parse_group("A,B:value-sum@1,2.5", STATES)[2] == {"sum": "value", "bins": [1, 2.5]}
    assert parse_group("B,C:count=hi>=1", STATES)[2] == {"count": "hi", "bins": [1]}
    assert parse_group("A", STATES) == ("A", ("A",), None)


@pytest.mark.parametrize("spec", ["sum>=" + "9" * 5000, "sum@1," + "9" * 400, "sum>=-" + "9" * 400])
def test_bin_edges_beyond_float64_are_refused_with_a_short_message(spec):
    with pytest.raises(ModelError, match=r"--cause: expected bin edges within float64's finite range") as info:
        parse_group(f"A,B:{spec}", STATES, option="--cause")
    assert len(str(info.value)) < 200


@pytest.mark.filterwarnings("ignore::discagg.CoarseningWarning")  # the binary effect C keeps its two states
def test_groups_round_trip_in_the_file_format():
    doc = {
        "format": "discagg/model-v1", "name": "g",
        "nodes": {"A": {"states": ["0", "1", "2"], "parents": [], "cpt": [0.2, 0.3, 0.5]},
                  "B": {"states": ["0", "1"], "parents": ["A"], "cpt": [[0.5, 0.5], [0.1, 0.9], [0.7, 0.3]]},
                  "C": {"states": ["lo", "hi"], "parents": ["A", "B"],
                        "cpt": [[[0.9, 0.1], [0.5, 0.5]], [[0.4, 0.6], [0.2, 0.8]], [[0.3, 0.7], [0.1, 0.9]]]}},
        "macro": {"C": {"lo": ["lo"], "hi": ["hi"]}},
        "groups": {"version": 1, "groups": {"AB": {"nodes": ["A", "B"], "map": {"sum": "index", "bins": [2]}}}},
        "query": {"cause": "AB", "effect": "C"},
    }
    model = loads_model(json.dumps(doc))
    assert json.loads(dumps_model(model))["groups"] == doc["groups"]
    assert loads_model(dumps_model(model)) == model
    agg = Aggregation.of(model)
    # P(C = hi | do(A = 2, B = 1)) = 0.9: the group intervenes on both nodes at once
    assert agg.kernel[5, 1] == pytest.approx(0.9, abs=1e-15)
    doc["groups"]["version"] = 2
    with pytest.raises(ModelError, match="groups.version: expected 1"):
        loads_model(json.dumps(doc))


@given(random_dags(max_nodes=5), st.data())
def test_joint_interventions_match_mutilated_enumeration(model, data):
    names = tuple(model.nodes)
    assume(len(names) >= 3)
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=3, max_size=3, unique=True))
    x1, x2, y = chosen
    joint = interventional_joint(model, [y], [x1, x2])
    for i in range(model.cardinality(x1)):
        for j in range(model.cardinality(x2)):
            nodes = []
            for node in model.nodes.values():
                if node.name in (x1, x2):
                    point = np.zeros(node.cardinality)
                    point[i if node.name == x1 else j] = 1.0
                    node = Node(node.name, node.states, [], point)
                nodes.append(node)
            enum_names, table = brute_force_joint(CausalModel(nodes))
            expected = table.sum(axis=tuple(a for a, v in enumerate(enum_names) if v != y))
            np.testing.assert_allclose(joint[i, j], expected, rtol=0, atol=1e-12)


def test_overlapping_cause_and_effect_groups_are_rejected():
    model = loads_model(json.dumps({
        "format": "discagg/model-v1",
        "nodes": {"A": {"states": ["0", "1"], "parents": [], "cpt": [0.5, 0.5]},
                  "B": {"states": ["0", "1"], "parents": ["A"], "cpt": [[0.5, 0.5], [0.1, 0.9]]}},
        "groups": {"version": 1, "groups": {"AB": {"nodes": ["A", "B"], "map": {"sum": "index"}},
                                            "BA": {"nodes": ["B", "A"], "map": {"count": "1"}}}}}))
    with pytest.raises(ModelError, match="without common nodes"):
        Aggregation.of(model, "AB", "BA")


def test_a_group_of_binary_nodes_equals_one_node_over_their_joint_states():
    """Eight product nodes grouped by sum versus one node with 2^8 states and the same coarsening."""
    from dataclasses import replace

    from discagg import Coarsening, Query

    rng = np.random.default_rng(3)
    k, nz = 8, 3
    z = Node("Z", ["z0", "z1", "z2"], [], rng.dirichlet(np.ones(nz)))
    bits = [rng.dirichlet(np.ones(2), size=nz) for _ in range(k)]
    products = [Node(f"P{i}", ["0", "1"], ["Z"], bits[i]) for i in range(k)]
    cpt = rng.dirichlet(np.ones(3), size=(2,) * k + (nz,))
    y = Node("Y", ["a", "b", "c"], [p.name for p in products] + ["Z"], cpt)
    grouped = CausalModel([z, *products, y])
    states = {name: node.states for name, node in grouped.nodes.items()}
    group = build_group("G", [p.name for p in products], states, {"sum": "index"})
    effect = build_group("E", ["Y"], states, {"table": {"a": "lo", "b": "hi", "c": "hi"}})
    grouped = replace(grouped, groups={"G": group, "E": effect})
    # the same model with one joint node X (states in the group's order: last node fastest)
    joint = np.ones((nz, 1))
    for b in bits:
        joint = (joint[:, :, None] * b[:, None, :]).reshape(nz, -1)
    x = Node("X", list(group.coarsening.micro_states), ["Z"], joint)
    single = CausalModel([z, x, Node("Y", y.states, ["X", "Z"], cpt.reshape(2**k, nz, 3))],
                         macro={"X": Coarsening.from_assignment("X", x.states, group.coarsening.macro_states,
                                                                group.coarsening.assignment),
                                "Y": Coarsening.from_mapping("Y", y.states, {"lo": ["a"], "hi": ["b", "c"]})},
                         query=Query("X", "Y"))
    a, b = Aggregation.of(grouped, "G", "E"), Aggregation.of(single)
    np.testing.assert_allclose(a.kernel, b.kernel, rtol=0, atol=1e-14)
    np.testing.assert_allclose(a.joint, b.joint, rtol=0, atol=1e-15)
    np.testing.assert_allclose(a.observational, b.observational, rtol=0, atol=1e-13)
    assert a.cause_map.macro_states == tuple(str(i) for i in range(k + 1))
