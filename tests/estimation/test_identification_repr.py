"""An Identification: a one-line repr, equality on every field (``kkt_residual`` too), and its JSON read back whole."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import discagg
from discagg import Identification, ModelError
from discagg.core.realization import RealizationFamily
from discagg.estimation.identification import InhibitingTest, StateIdentification
from discagg.estimation.sampling import sample


def experiment(q_medium: float, n: int, seed: int) -> tuple[discagg.Aggregation, pd.DataFrame]:
    model = discagg.load_model("example:cholesterol")
    agg = discagg.Aggregation.of(model)
    family = RealizationFamily.from_mapping(agg.cause_map, {
        "low": {"LDLlo_HDLlo": 1.0}, "medium": {"LDLlo_HDLhi": q_medium, "LDLhi_HDLlo": 1 - q_medium},
        "high": {"LDLhi_HDLhi": 1.0}})
    return agg, sample(model, n, seed, realization=family)[["Lipids", "HeartDisease"]]


def through_json(document: dict) -> dict:
    return json.loads(json.dumps(document, indent=2, allow_nan=False))


def test_the_repr_is_one_short_line_that_counts_what_the_table_decides():
    agg, runs = experiment(0.5, 300, 1)
    result = discagg.identify(agg, runs)
    text = repr(result)
    assert "\n" not in text and len(text) < 200 and "StateIdentification" not in text
    assert text.startswith("Identification(model='cholesterol', Lipids -> HeartDisease, experiment 'DataFrame'")
    with_runs = sum(1 for s in result.states if s.samples)
    identified = sum(1 for s in result.states if s.samples and s.identified)
    rejected = sum(1 for s in result.states if s.inhibiting_test is not None and s.inhibiting_test.p_value < 0.05)
    assert f"3 macro states, {with_runs} with runs, {identified} identified, inhibition rejected for {rejected} at " \
           "0.05)" in text
    # the counts follow the table's verdicts: 'rejected at 0.05' rows
    assert str(result).count("rejected at 0.05") == rejected


def test_a_run_picked_by_a_column_says_so_in_the_repr_and_reads_back():
    runs = pd.DataFrame({"store": ["a", "a", "b", "b"], "Lipids": ["medium", "low", "medium", "high"],
                         "HeartDisease": ["no", "yes", "no", "no"]})
    found = discagg.identify_experiments(discagg.load_model("example:cholesterol"), runs, by="store")
    for result, store in zip(found, "ab"):
        assert result.by == ("store", store) and f"(store = {store!r})" in repr(result)
        document = through_json(result.to_dict())
        assert document["by"] == {"column": "store", "value": store}
        loaded = Identification.from_dict(document)
        assert loaded == result and loaded.by == result.by and loaded.to_dict() == result.to_dict()


@settings(max_examples=8, deadline=None)
@given(st.floats(0.0, 1.0), st.integers(20, 400), st.integers(0, 2**16))
def test_every_field_reads_back_kkt_residual_included(q, n, seed):
    agg, runs = experiment(q, n, seed)
    result = discagg.identify(agg, runs)
    loaded = Identification.from_dict(through_json(result.to_dict()))
    assert loaded == result and str(loaded) == str(result) and repr(loaded) == repr(result)
    assert [s.kkt_residual for s in loaded.states] == [s.kkt_residual for s in result.states]
    assert all((s.kkt_residual is None) == (s.samples == 0) for s in result.states)


def test_equality_compares_kkt_residual():
    agg, runs = experiment(0.3, 200, 5)
    result = discagg.identify(agg, runs)
    document = through_json(result.to_dict())
    k = next(i for i, s in enumerate(result.states) if s.kkt_residual is not None)
    document["macro_states"][k]["kkt_residual"] = result.states[k].kkt_residual - 1e-3
    changed = Identification.from_dict(document)
    assert changed != result and changed.states[k] != result.states[k]
    assert [s.state for s in changed.states] == [s.state for s in result.states]


def test_a_document_without_kkt_residual_reads_back_with_none():
    """Written before the entry was added: the residual is unknown, None (as for a state without runs)."""
    agg, runs = experiment(0.5, 300, 2)
    result = discagg.identify(agg, runs)
    document = through_json(result.to_dict())
    for entry in document["macro_states"]:
        del entry["kkt_residual"]
    loaded = Identification.from_dict(document)
    assert all(s.kkt_residual is None for s in loaded.states)
    assert loaded != result and loaded.states == tuple(
        StateIdentification(s.state, s.samples, s.realization, s.identified, s.ranges, s.interventional,
                            s.observational, s.inhibiting_test, s.observed) for s in result.states)


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d["macro_states"][0].update(kkt_residual="small"),
     "macro_states[0].kkt_residual: expected a number, found str"),
    (lambda d: d.update(by={"column": "store"}), "by.value: expected this key to be present"),
    (lambda d: d.update(by=["store", "a"]), "by: expected an object {'column', 'value'}"),
])
def test_bad_entries_name_their_key_path(change, message, tmp_path):
    agg, runs = experiment(0.5, 100, 4)
    document = through_json(discagg.identify(agg, runs).to_dict())
    change(document)
    with pytest.raises(ModelError) as info:
        Identification.from_dict(document)
    assert message in str(info.value)
    path = tmp_path / "saved.json"
    path.write_text(json.dumps(document))
    with pytest.raises(ModelError) as info:
        discagg.load_identification(path)
    assert str(info.value).startswith(f"{path}: ") and message in str(info.value)


def test_the_short_repr_of_a_hand_made_result():
    result = Identification("m", "X", "Y", "e.csv", "macro effect", 0.9,
                            (StateIdentification("a", 10, {"x": 1.0}, True, None, None, {"n": 1.0},
                                                 InhibitingTest(9.0, 1, 0.003), kkt_residual=0.0),),
                            ("n",))
    assert repr(result) == ("Identification(model='m', X -> Y, experiment 'e.csv': 1 macro state, 1 with runs, "
                            "1 identified, inhibition rejected for 1 at 0.1)")
