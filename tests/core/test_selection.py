"""Cause and effect written as nodes, groups, inline groups and single-node maps, in Python as on the CLI."""

import warnings

import numpy as np
import pytest

from discagg import Aggregation, ModelError, inspect_model, load_model, solve
from discagg.core.selection import select


@pytest.fixture(scope="module")
def asia():
    return load_model("net:asia")


def test_inline_group_in_python_equals_a_declared_group(asia):
    agg = Aggregation.of(asia, "tub,lung:count=yes", "dysp")
    assert agg.cause == "tub+lung" and "tub+lung" in agg.model.groups and "tub+lung" not in asia.groups
    # count of "yes" over (tub, lung): joint states in order (yes,yes) (yes,no) (no,yes) (no,no)
    assert agg.cause_map.micro_states == ("yes,yes", "yes,no", "no,yes", "no,no")
    assert agg.cause_map.assignment.tolist() == [2, 1, 1, 0]
    assert agg.cause_map.macro_states == ("0", "1", "2")
    solution = solve(asia, cause="tub,lung:count=yes", effect="dysp")
    assert solution.cause == "tub+lung" and [s.state for s in solution.states] == ["0", "1", "2"]
    report = inspect_model(asia, "tub,lung:count=yes", "xray,dysp:count=yes")
    assert report.effect == "xray+dysp" and report.effect_macro == ("0", "1", "2")


def test_bare_network_node_gets_the_identity_without_a_warning(asia):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        agg = Aggregation.of(asia, "smoke", "dysp")
    assert agg.effect_map.macro_states == ("yes", "no") and agg.effect_map.merges_nothing
    # identity on the effect: P(Ybar | do(x)) is the micro kernel itself
    assert np.array_equal(agg.macro_kernel, agg.kernel)


def test_single_node_map_coarsens_that_node(asia):
    agg = Aggregation.of(asia, "smoke:count=yes", "dysp")
    assert agg.cause == "smoke" and agg.cause_map.to_mapping() == {"0": ["no"], "1": ["yes"]}
    binned = Aggregation.of(load_model("net:alarm"), "HR:@1", "CO")  # states LOW NORMAL HIGH: index bins <1, >=1
    assert binned.cause_map.to_mapping() == {"<1": ["LOW"], ">=1": ["NORMAL", "HIGH"]}


def test_single_node_map_replaces_the_models_own_map():
    model = load_model("data/cholesterol.json")
    before = model.macro["Lipids"].macro_states
    changed, cause, _ = select(model, "Lipids:@2", None)
    assert cause == "Lipids" and changed.macro["Lipids"].macro_states == ("<2", ">=2")
    assert model.macro["Lipids"].macro_states == before  # the original model is untouched


@pytest.mark.parametrize(("cause", "fragment"), [
    ("nope", "cause: expected a node or group of the model"),
    ("smoke,nope:sum", "found 'nope'"),
    ("smoke,lung", "a map for a group of nodes"),
    ("smoke:median", "a map sum, value-sum or count=STATE"),
    ("", "cause: expected a node or group name"),
])
def test_bad_selections_name_the_role(asia, cause, fragment):
    with pytest.raises(ModelError, match=fragment):
        Aggregation.of(asia, cause, "dysp")


def test_cause_and_effect_must_not_share_nodes(asia):
    with pytest.raises(ModelError, match="without common nodes"):
        Aggregation.of(asia, "smoke,lung:sum", "lung,dysp:sum")
