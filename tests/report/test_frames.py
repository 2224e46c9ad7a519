"""``to_frame()``: the numbers of the result, by state name, in a pandas DataFrame; a clear error without pandas."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from discagg import effect_bounds, inspect_model, load_model, reach, solve

pd = pytest.importorskip("pandas")


@pytest.fixture(scope="module")
def model():
    return load_model("example:cholesterol")


def test_solution_frame_holds_every_number_of_the_solution(model):
    solution = solve(model, objective="max-entropy")
    frame = solution.to_frame()
    ys = solution.effect_map.macro_states
    assert list(frame.index) == ["low", "medium", "high"] and frame.index.name == "xbar"
    assert list(frame.columns) == ["status", "probability", "gap", "objective_value", "certificate_margin",
                                   *(f"observational[{y}]" for y in ys), *(f"interventional[{y}]" for y in ys),
                                   *(f"certificate[{y}]" for y in ys), "realization"]
    for s in solution.states:
        row = frame.loc[s.state]
        assert row["status"] == s.status and row["probability"] == s.probability and row["gap"] == s.gap
        assert [row[f"interventional[{y}]"] for y in ys] == s.interventional.tolist()
        assert [row[f"observational[{y}]"] for y in ys] == s.target.tolist()
        assert row["realization"] == s.realization_by_state
        if s.certificate is None:
            assert np.isnan(row["certificate_margin"]) and all(np.isnan(row[f"certificate[{y}]"]) for y in ys)
        else:
            assert [row[f"certificate[{y}]"] for y in ys] == s.certificate.tolist() and row["certificate_margin"] > 0
    assert np.isnan(frame.loc["low", "objective_value"])  # infeasible: no objective


def test_reach_frame_names_the_target_column_and_leaves_untargeted_rows_empty(model):
    frame = reach(model, {"medium": {"no": 0.8, "yes": 0.2}}).to_frame()
    assert frame.loc["medium", "target[no]"] == 0.8 and "observational[no]" not in frame.columns
    assert frame.loc["low", "status"] == "untargeted" and frame.loc["low", "realization"] is None
    assert np.isnan(frame.loc["low", "gap"])


def test_inspection_frame(model):
    report = inspect_model(model)
    frame = report.to_frame()
    assert list(frame["status"]) == [s.status for s in report.states]
    assert frame["gap"].tolist() == [s.gap for s in report.states]
    assert frame.loc["medium", "realization"] == report.states[1].realization
    assert frame.loc["low", "observational[yes]"] == report.states[0].observational["yes"]


def test_bounds_frame_is_the_bounds_table(model):
    bounds = effect_bounds(model, f={"no": 0.0, "yes": 1.0})
    frame = bounds.to_frame()
    assert frame.index.names == ["xbar", "quantity"] and len(frame) == 3 * 3
    medium = frame.loc["medium"]
    assert medium.loc["P(yes)", "lower"] == bounds.states[1].lower[1]
    assert (medium.loc["P(yes)", "lower_at"], medium.loc["P(yes)", "upper_at"]) == \
        bounds.states[1].attained_by_state["yes"]
    assert (medium.loc["E[f]", "lower"], medium.loc["E[f]", "upper"]) == bounds.states[1].expectation
    assert medium.loc["E[f]", "width"] == pytest.approx(0.31)


def test_without_pandas_the_error_says_how_to_install_it(model, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now raises ImportError
    for result in (solve(model), inspect_model(model), effect_bounds(model)):
        with pytest.raises(ImportError, match=r"to_frame\(\) needs pandas, which is not installed: pip install pandas"):
            result.to_frame()
