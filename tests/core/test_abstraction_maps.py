"""Abstraction maps: value maps from group specifications, surjectivity, node correspondence and default pairs."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from discagg import CausalModel, ModelError, Node
from discagg.core.abstraction import AbstractionSpec, Pair, VariableMap, check_pairs, default_pairs, surjective_count

STATES = {"A": ("0", "1"), "B": ("0", "1", "2"), "C": ("x", "y")}


def test_a_sum_map_onto_the_macro_states():
    v = VariableMap.from_spec("S", ["A", "B"], STATES, ("0", "1", "2", "3"), {"sum": "index"})
    assert v.joint_states == ("0,0", "0,1", "0,2", "1,0", "1,1", "1,2")
    assert v.image.tolist() == [0, 1, 2, 1, 2, 3] and v.cardinalities == (2, 3)
    assert not v.image.flags.writeable
    assert v.matrix().sum(axis=0).tolist() == [1.0] * 6 and v.matrix()[3, 5] == 1.0


def test_macro_states_follow_the_macro_model_not_the_map():
    v = VariableMap.from_spec("S", ["C"], STATES, ("hi", "lo"), {"table": {"x": "lo", "y": "hi"}})
    assert v.states == ("hi", "lo") and v.image.tolist() == [1, 0]
    assert v.to_table() == {"x": "lo", "y": "hi"}


def test_an_identity_map_is_ordinary_here():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no CoarseningWarning for a one-to-one map
        v = VariableMap.from_spec("A_", ["A"], STATES, ("0", "1"), {"table": {"0": "0", "1": "1"}})
    assert v.image.tolist() == [0, 1]


@pytest.mark.parametrize("spec, states, message", [
    ({"table": {"x": "a", "y": "c"}}, ("a", "b"), "variables.S.map: expected macro states of node 'S'"),
    ({"table": {"x": "a", "y": "a"}}, ("a", "b"), "expected a surjective map onto the states of 'S'"),
    ({"sum": "index"}, ("0",), "expected macro states of node 'S'"),
    ({"table": {"x": "a"}}, ("a", "b"), "every micro state in exactly one macro state"),
])
def test_bad_maps(spec, states, message):
    with pytest.raises(ModelError, match=message.replace("(", r"\(")):
        VariableMap.from_spec("S", ["C"], STATES, states, spec)


def test_without_macro_states_a_table_gives_its_states_sorted():
    v = VariableMap.from_spec("S", ["B"], STATES, None, {"table": {"0": "10", "1": "9", "2": "10"}})
    assert v.states == ("9", "10") and v.image.tolist() == [1, 0, 1]


def test_differing_counts_micro_states_sent_elsewhere():
    a = VariableMap.from_image("S", ["B"], STATES, ("p", "q"), [0, 1, 1])
    b = VariableMap.from_image("S", ["B"], STATES, ("p", "q"), [1, 1, 0])
    assert a.differing(b) == 2 and a != b and a == VariableMap.from_image("S", ["B"], STATES, ("p", "q"), [0, 1, 1])
    with pytest.raises(ModelError, match="maps over the same micro nodes"):
        a.differing(VariableMap.from_image("S", ["A"], STATES, ("p", "q"), [0, 1]))


def _models():
    micro = CausalModel([Node("A", ["0", "1"], [], [0.5, 0.5]), Node("B", ["0", "1", "2"], ["A"], [[0.2, 0.3, 0.5]] * 2),
                         Node("C", ["x", "y"], ["B"], [[0.5, 0.5]] * 3), Node("D", ["0", "1"], [], [0.1, 0.9])])
    macro = CausalModel([Node("Ab", ["0", "1"], [], [0.5, 0.5]), Node("Cb", ["x", "y"], ["Ab"], [[0.5, 0.5]] * 2),
                         Node("Db", ["0", "1"], [], [0.5, 0.5])])
    return micro, macro


def test_bind_checks_the_correspondence():
    micro, macro = _models()
    ok = {"Ab": (("A",), {"table": {"0": "0", "1": "1"}}), "Cb": (("C",), {"table": {"x": "x", "y": "y"}}),
          "Db": (("D",), {"table": {"0": "1", "1": "0"}})}
    bound = AbstractionSpec(ok).bind(micro, macro)
    assert list(bound.variables) == ["Ab", "Cb", "Db"] and bound.micro_nodes(["Cb", "Ab"]) == ("C", "A")
    cases = [
        ({**ok, "Db": (("A",), ok["Db"][1])}, "variables.Db.nodes[0]: expected each micro node in at most one macro"),
        ({**ok, "Db": (("Z",), ok["Db"][1])}, "variables.Db.nodes[0]: expected a node of the micro model"),
        ({k: v for k, v in ok.items() if k != "Db"}, "variables: expected an entry for every node of the macro model"),
        ({**ok, "Eb": (("B",), None)}, "variables.Eb: expected a node of the macro model"),
        ({**ok, "Db": (("D",), None)}, "variables.Db.map: expected a value map for every macro node"),
        ({**ok, "Db": ((), None)}, "variables.Db.nodes: expected a non-empty list of micro nodes"),
    ]
    for variables, message in cases:
        with pytest.raises(ModelError, match=re.escape(message)):
            AbstractionSpec(variables).bind(micro, macro)


def test_default_pairs_follow_directed_paths():
    micro, macro = _models()
    spec = AbstractionSpec({"Ab": (("A",), None), "Cb": (("C",), None), "Db": (("D",), None)})
    assert default_pairs(spec, macro) == (Pair(("Ab",), ("Cb",)),)
    # without a macro model: paths in the micro DAG between the groups (A -> B -> C)
    assert default_pairs(spec, None, micro) == (Pair(("Ab",), ("Cb",)),)
    lonely = CausalModel([Node("Db", ["0", "1"], [], [0.5, 0.5])])
    with pytest.raises(ModelError, match="macro nodes joined by a directed path"):
        default_pairs(AbstractionSpec({"Db": (("D",), None)}), lonely)


def test_check_pairs():
    assert check_pairs([Pair(("a", "b"), ("c",))], ["a", "b", "c"]) == (Pair(("a", "b"), ("c",)),)
    with pytest.raises(ModelError, match=r"pairs\[0\].targets: expected distinct macro nodes"):
        check_pairs([Pair(("a",), ("c", "c"))], ["a", "c"])
    with pytest.raises(ModelError, match=r"pairs\[0\].sources: expected a non-empty list"):
        check_pairs([Pair((), ("c",))], ["a", "c"])


@pytest.mark.parametrize("n, k", [(1, 1), (3, 2), (4, 3), (5, 2), (4, 4), (2, 3), (6, 3)])
def test_surjective_count_by_enumeration(n, k):
    assert surjective_count(n, k) == sum(len(set(c)) == k for c in itertools.product(range(k), repeat=n))


def test_readonly_images_from_copies():
    image = np.array([0, 1, 1])
    v = VariableMap.from_image("S", ["B"], STATES, ("p", "q"), image)
    image[0] = 1
    assert v.image.tolist() == [0, 1, 1]
