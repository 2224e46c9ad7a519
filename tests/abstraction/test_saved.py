"""AbstractionError and LearnedAbstraction through their JSON: read back equal on every shipped scenario."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import discagg
from discagg import AbstractionError, LearnedAbstraction, ModelError, abstraction_error, learn_abstraction
from discagg.core.abstraction import Pair

SCENARIOS = ("basic", "collapsing", "extended", "vstruct")


def through_json(document: dict) -> dict:
    """What a reader of the printed JSON gets (the CLI prints with json.dumps, indent 2, no NaN)."""
    return json.loads(json.dumps(document, indent=2, allow_nan=False))


def round_trip(result):
    loaded = type(result).from_dict(through_json(result.to_dict()))
    assert loaded == result and loaded is not result
    assert loaded.to_dict() == result.to_dict() and str(loaded) == str(result) and repr(loaded) == repr(result)
    return loaded


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize(("with_macro", "mechanism", "metric"), [(True, None, "jsd"), (True, None, "tv"),
                                                                  (True, "best", "jsd"), (False, None, "tv")])
def test_the_error_of_every_scenario_reads_back_equal(scenario, with_macro, mechanism, metric):
    name = f"scenario:{scenario}"
    result = abstraction_error(name, name if with_macro else None, name, metric=metric, mechanism=mechanism)
    loaded = round_trip(result)
    for a, b in zip(loaded.pairs, result.pairs):   # arrays exactly, and read-only as computed ones are
        assert np.array_equal(a.distances, b.distances) and np.array_equal(a.macro_interventions,
                                                                            b.macro_interventions)
        assert not a.distances.flags.writeable and a.macro_interventions.dtype == np.intp
        if b.mechanism is not None:
            assert a.mechanism is not None and np.array_equal(a.mechanism.kernel, b.mechanism.kernel)
            assert np.array_equal(a.mechanism.distances, b.mechanism.distances)  # the pair's, as documented
    assert (loaded.mechanism == "best") == (mechanism == "best" or not with_macro)


@pytest.mark.parametrize("scenario", SCENARIOS)
@pytest.mark.parametrize(("metric", "method"), [("jsd", "auto"), ("tv", "branch-and-bound")])
def test_learned_maps_of_every_scenario_read_back_equal(scenario, metric, method):
    name = f"scenario:{scenario}"
    result = learn_abstraction(name, name, name, metric=metric, method=method)
    loaded = round_trip(result)
    assert loaded.reference is not None and loaded.reference == result.reference and loaded.l1 == result.l1
    assert loaded.mapping.name == result.mapping.name and loaded.error == result.error


def test_the_true_maps_as_reference_keep_their_specification():
    spec = discagg.io.abstraction_format.load_abstraction_spec("scenario:extended")
    result = learn_abstraction("scenario:extended", "scenario:extended", "scenario:extended",
                               reference="scenario:extended")
    loaded = round_trip(result)
    assert loaded.reference is not None
    assert {m: dict(v.spec) for m, v in loaded.reference.variables.items()} == {
        m: dict(s) for m, (_, s) in spec.variables.items()}


@settings(max_examples=10, deadline=None)
@given(st.sampled_from(SCENARIOS), st.sampled_from(("jsd", "tv")), st.booleans(), st.data())
def test_any_choice_of_pairs_reads_back_equal(scenario, metric, best, data):
    name = f"scenario:{scenario}"
    micro = discagg.io.abstraction_format.load_role_model(name, "macro")
    nodes = list(micro.nodes)
    sources = data.draw(st.lists(st.sampled_from(nodes), min_size=1, max_size=min(2, len(nodes) - 1), unique=True))
    rest = [n for n in nodes if n not in sources]
    targets = data.draw(st.lists(st.sampled_from(rest), min_size=1, max_size=2, unique=True))
    result = abstraction_error(name, name, name, [Pair(tuple(sources), tuple(targets))], metric,
                               mechanism="best" if best else "model")
    round_trip(result)


def test_equality_sees_one_changed_distance():
    result = abstraction_error("scenario:collapsing", "scenario:collapsing", "scenario:collapsing")
    document = through_json(result.to_dict())
    pair = document["pairs"][0]
    below = next(run for run in pair["interventions"] if run["tv"] < pair["max_tv"] and run["distance"] < pair["error"])
    below["tv"] += 1e-15
    assert AbstractionError.from_dict(document) != result
    result = abstraction_error("scenario:collapsing", None, "scenario:collapsing")
    document = through_json(result.to_dict())
    first = next(iter(document["pairs"][0]["mechanism_bounds"].values()))
    first["tv_radius"] = first["tv_radius"] * (1 + 1e-12) + 1e-300
    assert AbstractionError.from_dict(document) != result


def error_document() -> dict:
    return through_json(abstraction_error("scenario:collapsing", None, "scenario:collapsing").to_dict())


def learned_document() -> dict:
    name = "scenario:basic"
    return through_json(learn_abstraction(name, name, name).to_dict())


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.pop("micro_name"), "micro_name: expected this key to be present, found it missing"),
    (lambda d: d["pairs"][0].pop("macro_source_states"), "pairs[0].macro_source_states: expected this key"),
    (lambda d: d["pairs"][0].pop("mechanism_bounds"), "pairs[0].mechanism_bounds: expected this key"),
    (lambda d: d.update(metric="kl"), "metric: expected one of ['jsd', 'tv'], found str 'kl'"),
    (lambda d: d["pairs"][0]["interventions"][0].update(distance="0.1"),
     "pairs[0].interventions[0].distance: expected a number, found str"),
    (lambda d: d["pairs"][0]["interventions"].reverse(), "pairs[0].interventions[0].micro: expected the micro "
                                                          "interventions in C order"),
    (lambda d: d["pairs"][0].update(error=0.5), "pairs[0].error: expected float"),
    (lambda d: d.update(exact=not d["exact"]), "exact: expected bool"),
    (lambda d: d["pairs"][0]["macro_target_states"].update(extra=["a"]),
     "pairs[0].macro_target_states: expected an entry for each of"),
])
def test_a_bad_error_document_names_the_file_and_key_path(change, message, tmp_path):
    doc = error_document()
    change(doc)
    with pytest.raises(ModelError) as info:
        AbstractionError.from_dict(doc)
    assert message in str(info.value)
    path = tmp_path / "error.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ModelError) as info:
        discagg.load_abstraction_error(path)
    assert str(info.value).startswith(f"{path}: ") and message in str(info.value)


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.pop("macro_states"), "macro_states: expected this key to be present"),
    (lambda d: d["error"].pop("pairs"), "error.pairs: expected this key to be present"),
    (lambda d: d["error"]["pairs"][0].update(max_tv="0"), "error.pairs[0].max_tv: expected"),
    (lambda d: d["abstraction"].update(format="discagg/abstraction-v2"),
     "abstraction.format: expected 'discagg/abstraction-v1', found str 'discagg/abstraction-v2'"),
    (lambda d: d["reference"].update(format="discagg/abstraction-v0"), "reference.format: expected"),
    (lambda d: d.update(candidates=-1), "candidates: expected a non-negative whole number, found int -1"),
    (lambda d: d.update(ties="2"), "ties: expected a non-negative whole number"),
    (lambda d: d.update(reference=None), "distance: expected an object exactly when 'reference' is given"),
    (lambda d: d["maps"].update(Smoking_={}), "maps: expected dict"),
])
def test_a_bad_learned_document_names_the_file_and_key_path(change, message, tmp_path):
    doc = learned_document()
    change(doc)
    with pytest.raises(ModelError) as info:
        LearnedAbstraction.from_dict(doc)
    assert message in str(info.value)
    path = tmp_path / "learned.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ModelError) as info:
        discagg.load_learned_abstraction(path)
    assert str(info.value).startswith(f"{path}: ") and message in str(info.value)
