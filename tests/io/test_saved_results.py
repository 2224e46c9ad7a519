"""Saved results load back equal: Solution, EffectBounds and Inspection through their JSON, and bad documents."""

from __future__ import annotations

import copy
import io
import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from discagg import (
    OBJECTIVES,
    Aggregation,
    CausalModel,
    Coarsening,
    ModelError,
    Node,
    Query,
    RealizationFamily,
    effect_bounds,
    inspect_model,
    load_bounds,
    load_inspection,
    load_model,
    load_solution,
    loads_model,
    most_inducing,
    reach,
    solve,
)
from discagg.cli import main
from discagg.core.inspection import Inspection
from discagg.solvers.ranges import EffectBounds
from discagg.solvers.solution import Solution

from conftest import BASE_DOC
from strategies import triangle_models

COST = {"LDLlo_HDLlo": 1.0, "LDLlo_HDLhi": 2.0, "LDLhi_HDLlo": 0.5, "LDLhi_HDLhi": 4.0}


def through_json(document: dict) -> dict:
    """What a reader of the printed JSON gets (the CLI prints with json.dumps, indent 2, no NaN)."""
    return json.loads(json.dumps(document, indent=2, allow_nan=False))


def round_trip_solution(solution: Solution) -> Solution:
    loaded = Solution.from_dict(through_json(solution.to_dict()))
    assert loaded == solution and loaded is not solution
    assert loaded.to_dict() == solution.to_dict() and str(loaded) == str(solution) and repr(loaded) == repr(solution)
    return loaded


def unsupported_model() -> CausalModel:
    """BASE_DOC with P(x2) = 0: macro state 'high' = {x2} is unsupported."""
    doc = copy.deepcopy(BASE_DOC)
    doc["nodes"]["X"]["cpt"] = [[0.2, 0.8, 0.0], [0.6, 0.4, 0.0]]
    return loads_model(json.dumps(doc))


def kl_infinite_model() -> CausalModel:
    """Only micro state c (never observed) makes the low fibre inhibiting: min-kl's value is infinite."""
    z = Node("Z", ["z0", "z1"], [], [0.5, 0.5])
    x = Node("X", ["a", "b", "c"], ["Z"], [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    rates = {("a", 0): 0.7, ("a", 1): 0.1, ("b", 0): 0.1, ("b", 1): 0.9, ("c", 0): 0.9, ("c", 1): 0.9}
    cpt = [[[1 - rates[s, j], rates[s, j] / 2, rates[s, j] / 2] for j in range(2)] for s in "abc"]
    y = Node("Y", ["no", "yes1", "yes2"], ["X", "Z"], cpt)
    macro = {"X": Coarsening.from_mapping("X", x.states, {"all": ["a", "b", "c"]}),
             "Y": Coarsening.from_mapping("Y", y.states, {"no": ["no"], "yes": ["yes1", "yes2"]})}
    return CausalModel([z, x, y], macro=macro, query=Query("X", "Y"))


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_every_objective_round_trips_with_infeasible_states_and_certificates(objective):
    model = load_model("example:cholesterol")
    solution = solve(model, objective=objective, cost=COST if objective == "min-cost" else None)
    loaded = round_trip_solution(solution)
    low = loaded.state("low")
    assert low.status == "infeasible" and low.certificate_by_state == solution.state("low").certificate_by_state
    assert low.margin == solution.state("low").margin > 0
    medium = loaded.state("medium")
    assert medium.objective_value == solution.state("medium").objective_value is not None
    assert loaded.realization_family().distribution("medium") == solution.realization_family().distribution("medium")


def test_unsupported_states_keep_their_probability():
    model = unsupported_model()
    for solution in (solve(model), solve(model, objective="min-kl"), most_inducing(model)):
        assert [s.status for s in solution.states][-1] == "unsupported"
        loaded = round_trip_solution(solution)
        assert loaded.states[-1].probability == solution.states[-1].probability == 0.0
        assert loaded.states[-1].realization_by_state == {} and loaded.states[-1].target is None


def test_induce_and_reach_round_trip_with_unreachable_and_untargeted_states():
    model = load_model("example:cholesterol")
    round_trip_solution(most_inducing(model))
    reached = reach(model, {"low": {"no": 0.5, "yes": 0.5}, "medium": {"no": 0.8, "yes": 0.2}})
    assert [s.status for s in reached.states] == ["unreachable", "reachable", "untargeted"]
    loaded = round_trip_solution(reached)
    assert loaded.target_key == "target" and loaded.state("low").target_by_state == {"no": 0.5, "yes": 0.5}


def test_an_infinite_min_kl_value_comes_back_infinite():
    solution = solve(kl_infinite_model(), objective="min-kl")
    assert solution.states[0].objective_value == math.inf
    assert solution.to_dict()["macro_states"][0]["objective_value"] is None
    assert round_trip_solution(solution).states[0].objective_value == math.inf


def test_groups_and_identity_maps_round_trip():
    asia = load_model("net:asia")
    round_trip_solution(solve(asia, cause="tub,lung:count=yes", effect="dysp"))  # a group's joint states
    round_trip_solution(solve(asia, cause="smoke", effect="dysp"))  # identity maps: no CoarseningWarning on load


@settings(max_examples=15)
@given(triangle_models(), st.sampled_from(["sparse", "closest", "max-entropy"]))
def test_random_models_round_trip(model, objective):
    round_trip_solution(solve(model, objective=objective))
    bounds = effect_bounds(model, f=np.linspace(-1.0, 2.0, model.coarsening("Y").n_macro))
    assert EffectBounds.from_dict(through_json(bounds.to_dict())) == bounds
    report = inspect_model(model)
    assert Inspection.from_dict(through_json(report.to_dict())) == report


def test_bounds_round_trip_with_and_without_f_and_unsupported_states():
    for model in (load_model("example:cholesterol"), unsupported_model()):
        for f in (None, {"no": 0.0, "yes": 1.0} if model.name == "cholesterol" else [0.5, -2.0]):
            bounds = effect_bounds(model, f=f)
            loaded = EffectBounds.from_dict(through_json(bounds.to_dict()))
            assert loaded == bounds and str(loaded) == str(bounds) and repr(loaded) == repr(bounds)
            assert loaded.states[1].attained_by_state == bounds.states[1].attained_by_state
    assert effect_bounds(unsupported_model()).states[-1].observational is None


def test_inspections_round_trip_natural_and_given_with_undefined_states():
    model = unsupported_model()
    report = inspect_model(model)
    assert [s.status for s in report.states][-1] == "unsupported"
    assert Inspection.from_dict(through_json(report.to_dict())) == report
    cholesterol_model = load_model("example:cholesterol")
    pi = Aggregation.of(cholesterol_model).cause_map
    given_family = RealizationFamily.from_mapping(pi, {"medium": {"LDLlo_HDLhi": 0.25, "LDLhi_HDLlo": 0.75}})
    partial = inspect_model(cholesterol_model, realization=given_family)
    assert [s.status for s in partial.states] == ["undefined", "inducing", "undefined"]
    loaded = Inspection.from_dict(through_json(partial.to_dict()))
    assert loaded == partial and str(loaded) == str(partial) and loaded.realization_kind == "given"
    assert loaded.states[0].realization is None and loaded.states[0].observational is not None
    cholesterol = inspect_model(load_model("example:cholesterol"))
    assert Inspection.from_dict(through_json(cholesterol.to_dict())) == cholesterol


def _cli_json(argv: list[str]) -> str:
    out = io.StringIO()
    assert main(argv, stdout=out, stderr=io.StringIO()) == 0
    return out.getvalue()


def test_files_written_by_the_cli_load_with_the_loaders(tmp_path):
    path = tmp_path / "solution.json"
    path.write_text(_cli_json(["solve", "example:cholesterol", "--objective", "closest", "--json"]))
    assert load_solution(path) == solve(load_model("example:cholesterol"), objective="closest")
    path.write_text(_cli_json(["bounds", "net:asia", "--cause", "smoke", "--effect", "dysp", "--json"]))
    assert load_bounds(str(path)) == effect_bounds(load_model("net:asia"), cause="smoke", effect="dysp")
    path.write_text(_cli_json(["inspect", "example:shops", "--json"]))
    assert load_inspection(path) == inspect_model(load_model("example:shops"))


def _bad(document: dict, edit) -> dict:
    doc = copy.deepcopy(document)
    edit(doc)
    return doc


def test_documents_not_as_written_are_refused_with_their_key_path(tmp_path):
    good = through_json(solve(load_model("example:cholesterol")).to_dict())
    cases = [
        (lambda d: d.pop("cause_map"), "cause_map: expected this key to be present"),  # a document of discagg <= 0.1
        (lambda d: d["macro_states"][0]["realization"].update({"LDLhi_HDLhi": 0.0}),
         "macro_states[0].realization.LDLhi_HDLhi: expected a micro state in the fibre of 'low'"),
        (lambda d: d["macro_states"][1].update(status="fine"), "macro_states[1].status: expected one of"),
        (lambda d: d["macro_states"][0]["certificate"].pop("yes"), "macro_states[0].certificate: expected a value"),
        (lambda d: d["macro_states"].reverse(), "macro_states: expected one entry per macro state of the cause"),
        (lambda d: d["macro_states"][2].update(gap="0.1"), "macro_states[2].gap: expected a number, found str"),
        (lambda d: d["effect_map"]["macro"].update(no=["absent"]), "effect_map.macro.no[0]: expected a state"),
    ]
    for edit, message in cases:
        with pytest.raises(ModelError, match=None) as caught:
            Solution.from_dict(_bad(good, edit))
        assert str(caught.value).startswith(message), (message, str(caught.value))
    path = tmp_path / "old.json"
    path.write_text(json.dumps(_bad(good, lambda d: d.pop("effect_map"))))
    with pytest.raises(ModelError, match=r"old\.json: effect_map: expected this key to be present"):
        load_solution(path)
    bounds = through_json(effect_bounds(load_model("example:cholesterol")).to_dict())
    with pytest.raises(ModelError, match=r"^macro_states\[1\]\.bounds\.yes\.upper_at: expected a micro state"):
        EffectBounds.from_dict(_bad(bounds, lambda d: d["macro_states"][1]["bounds"]["yes"].update(upper_at="zz")))
    report = through_json(inspect_model(load_model("example:cholesterol")).to_dict())
    with pytest.raises(ModelError, match=r"^macro_confounded: expected true, as the statuses say, found false"):
        Inspection.from_dict(_bad(report, lambda d: d.update(macro_confounded=False)))
    with pytest.raises(ModelError, match=r"^macro_states\[0\]\.observational: expected a probability for each"):
        Inspection.from_dict(_bad(report, lambda d: d["macro_states"][0]["observational"].pop("no")))
