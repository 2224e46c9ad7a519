"""``cost=``, ``f=`` and ``reach`` targets keyed by state names, as the CLI's files are; arrays still work."""

from __future__ import annotations

import io
import json
from collections import OrderedDict
from types import MappingProxyType

import numpy as np
import pytest

from discagg import Aggregation, ModelError, effect_bounds, load_model, reach, solve

COST = {"LDLlo_HDLlo": 1.0, "LDLlo_HDLhi": 2.0, "LDLhi_HDLlo": 0.5, "LDLhi_HDLhi": 4.0}


@pytest.fixture(scope="module")
def model():
    return load_model("example:cholesterol")


def test_a_cost_dict_gives_the_solution_of_the_cost_array(model):
    micro = Aggregation.of(model).cause_map.micro_states
    array = [COST[x] for x in micro]
    by_array = solve(model, objective="min-cost", cost=array)
    shuffled = dict(reversed(list(COST.items())))  # key order does not matter
    for cost in (COST, shuffled, MappingProxyType(COST), OrderedDict(COST),
                 {k: np.float32(v) for k, v in COST.items()}):
        assert solve(model, objective="min-cost", cost=cost) == by_array
    # the expected cost is in the given units: cheapest inhibiting mix on medium (costs 2 and 0.5)
    medium = by_array.state("medium")
    assert medium.objective_value == pytest.approx(sum(COST[x] * w for x, w in medium.realization_by_state.items()))


def test_an_f_dict_gives_the_bounds_of_the_f_array(model):
    by_array = effect_bounds(model, f=[0.0, 1.0])
    assert effect_bounds(model, f={"yes": 1.0, "no": 0.0}) == by_array
    assert effect_bounds(model, f={"yes": np.int64(1), "no": 0}) == by_array
    assert by_array.states[1].expectation == pytest.approx((0.13, 0.44))  # P(yes | do(medium)) ranges over these


def test_target_dicts_give_the_reach_of_target_arrays(model):
    by_array = reach(model, {"low": np.array([0.5, 0.5]), "medium": [0.8, 0.2]})
    assert reach(model, {"low": {"no": 0.5, "yes": 0.5}, "medium": {"no": 0.8, "yes": 0.2}}) == by_array
    assert reach(model, {"low": {"yes": 0.5, "no": 0.5}, "medium": [0.8, 0.2]}) == by_array  # the forms mix
    assert reach(model, {"medium": {"no": 1.0}}) == reach(model, {"medium": [1.0, 0.0]})  # left out: zero
    assert [s.status for s in by_array.states] == ["unreachable", "reachable", "untargeted"]


def cli_error(argv: list[str]) -> str:
    from discagg.cli import main

    err = io.StringIO()
    assert main(argv, stdout=io.StringIO(), stderr=err) == 2
    return err.getvalue().strip()


def _same_error_as_the_file(tmp_path, content, argv, call) -> str:
    """The message from Python is the CLI's, without its ``discagg: error: FILE:`` prefix."""
    path = tmp_path / "side.json"
    path.write_text(json.dumps(content))
    printed = cli_error([*argv, str(path)])
    prefix = f"discagg: error: {path}: "
    assert printed.startswith(prefix), printed
    with pytest.raises(ModelError) as caught:
        call(content)
    assert str(caught.value) == printed[len(prefix):]
    return str(caught.value)


def test_bad_cost_dicts_fail_as_bad_cost_files(model, tmp_path):
    argv = ["solve", "example:cholesterol", "--objective", "min-cost", "--cost"]

    def call(cost):
        return solve(model, objective="min-cost", cost=cost)

    missing = {k: v for k, v in COST.items() if k != "LDLhi_HDLhi"}
    assert "none for ['LDLhi_HDLhi']" in _same_error_as_the_file(tmp_path, missing, argv, call)
    unknown = {**COST, "LDLmid": 1.0}
    assert _same_error_as_the_file(tmp_path, unknown, argv, call).startswith(
        "LDLmid: expected a micro state of 'Lipids' [")
    text = {**COST, "LDLlo_HDLlo": "cheap"}
    assert _same_error_as_the_file(tmp_path, text, argv, call) == \
        "LDLlo_HDLlo: expected a number, found str 'cheap'"
    with pytest.raises(ModelError, match=r"^LDLhi_HDLlo: expected a finite number, found inf$"):
        call({**COST, "LDLhi_HDLlo": float("inf")})
    with pytest.raises(ModelError, match=r"^LDLhi_HDLlo: expected a finite number, found nan$"):
        call({**COST, "LDLhi_HDLlo": np.float64("nan")})
    (tmp_path / "huge.json").write_text(json.dumps(COST).replace("4.0", "1e400"))  # what a file can hold
    assert cli_error([*argv, str(tmp_path / "huge.json")]).endswith(
        "LDLhi_HDLhi: expected a number, found the number 1e400 (outside float64's finite range)")


def test_bad_f_and_target_dicts_fail_as_bad_files(model, tmp_path):
    def bounds(f):
        return effect_bounds(model, f=f)

    argv = ["bounds", "example:cholesterol", "--f"]
    assert "none for ['yes']" in _same_error_as_the_file(tmp_path, {"no": 0.0}, argv, bounds)
    assert _same_error_as_the_file(tmp_path, {"no": 0, "yes": 1, "maybe": 2}, argv, bounds).startswith("maybe: ")
    with pytest.raises(ModelError, match=r"^yes: expected a finite number, found -inf$"):
        bounds({"no": 0.0, "yes": -np.inf})

    def targets(content):
        return reach(model, content)

    argv = ["solve", "example:cholesterol", "--induce", "--target"]
    assert _same_error_as_the_file(tmp_path, {"middle": {"no": 1.0}}, argv, targets).startswith(
        "middle: expected a macro state of the cause ['low', 'medium', 'high']")
    assert _same_error_as_the_file(tmp_path, {"medium": {"no": 0.5, "maybe": 0.5}}, argv, targets).startswith(
        "medium.maybe: expected a macro state of the effect")
    assert _same_error_as_the_file(tmp_path, {"medium": {"no": 1.5, "yes": -0.5}}, argv, targets) == \
        "medium.yes: expected a non-negative probability, found -0.5"
    assert _same_error_as_the_file(tmp_path, {"medium": {"no": 0.5, "yes": 0.4}}, argv, targets) == \
        "medium: expected probabilities summing to 1 (within 1e-06), found sum 0.9"
    with pytest.raises(ModelError, match=r"^medium\.no: expected a finite number, found nan$"):
        targets({"medium": {"no": float("nan"), "yes": 0.5}})
