"""identify: recovery of known realizations within sampling error, identifiability, observed causes, bad inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import discagg
from discagg.core.realization import RealizationFamily
from discagg.core.selection import select
from discagg.errors import ModelError
from discagg.estimation.datasets import DataWarning
from discagg.estimation.sampling import sample

KEYS = ["state", "samples", "realization", "identified", "ranges", "interventional", "observational",
        "inhibiting_test", "kkt_residual"]


def cholesterol_experiment(q_medium: float, n: int, seed: int) -> tuple[discagg.Aggregation, pd.DataFrame]:
    model = discagg.load_model("example:cholesterol")
    agg = discagg.Aggregation.of(model)
    family = RealizationFamily.from_mapping(agg.cause_map, {
        "low": {"LDLlo_HDLlo": 1.0}, "medium": {"LDLlo_HDLhi": q_medium, "LDLhi_HDLlo": 1 - q_medium},
        "high": {"LDLhi_HDLhi": 1.0}})
    return agg, sample(model, n, seed, realization=family)[["Lipids", "HeartDisease"]]


def fisher_sd(K: np.ndarray, q: float, n: int) -> float:
    """Standard error of the ML weight of a two-state fibre: 1 / sqrt(n Σ_o (K1 - K2)² / p)."""
    p = q * K[0] + (1 - q) * K[1]
    keep = p > 0
    return float(1 / np.sqrt(n * np.sum((K[0, keep] - K[1, keep]) ** 2 / p[keep])))


@pytest.mark.parametrize("records", ["micro", "macro"])
@pytest.mark.parametrize("seed", range(4))
def test_an_identified_realization_is_recovered_within_sampling_error(records, seed):
    q, n = 0.3, 3000
    agg, runs = cholesterol_experiment(q, n, seed)
    if records == "macro":
        runs["HeartDisease"] = runs["HeartDisease"].map({"none": "no", "angina": "yes", "infarction": "yes"})
    state = discagg.identify(agg, runs).state("medium")
    fibre = agg.cause_map.fibre("medium")
    K = (agg.kernel if records == "micro" else agg.macro_kernel)[fibre]
    assert state.identified and state.samples == n and not state.observed
    estimate = state.realization.get("LDLlo_HDLhi", 0.0)
    assert abs(estimate - q) <= 4 * fisher_sd(K, q, n), (estimate, fisher_sd(K, q, n))
    assert state.ranges["LDLlo_HDLhi"][0] == pytest.approx(estimate, abs=1e-9)     # unique: a point
    assert state.kkt_residual <= 1e-9


def test_micro_records_identify_what_macro_records_cannot():
    """sachs: three (Raf, Mek) states of level sum 2, a binary macro effect, nine micro effect states."""
    model, cause, effect = select(discagg.load_model("net:sachs"), "Raf,Mek:sum", "Erk,Akt:sum>=2")
    agg = discagg.Aggregation.of(model, cause, effect)
    weights = np.zeros(agg.cause_map.n_micro)
    fibre = agg.cause_map.fibre("2")
    truth = np.array([0.5, 0.2, 0.3])
    weights[fibre] = truth
    family = RealizationFamily.from_weights(agg.cause_map, weights, agg.cause_map.assignment[fibre[:1]] == np.arange(
        agg.cause_map.n_macro))
    n = 4000
    runs = sample(model, n, seed=9, realization=family)
    with pytest.warns(DataWarning, match="neither the cause nor the effect"):
        micro = discagg.identify(agg, runs).state("2")           # every other node's column is ignored
    macro_runs = runs[["Raf+Mek"]].assign(**{"Erk+Akt": np.where(
        runs["Erk"].cat.codes + runs["Akt"].cat.codes >= 2, ">=2", "<2")})
    macro = discagg.identify(agg, macro_runs).state("2")
    assert micro.identified and not macro.identified
    # macro records: only the mixture is determined; the data's own frequency is inside the hull here, so the ML
    # mixture is that frequency, and the truth is within binomial error of it
    p_true = truth @ agg.macro_kernel[fibre]
    p_hat = np.array(list(macro.interventional.values()))
    assert np.abs(p_hat - p_true).max() <= 4 * np.sqrt(p_true[0] * p_true[1] / n)
    widths = [hi - lo for lo, hi in macro.ranges.values()]
    assert max(widths) > 0.1  # a segment of realizations fits equally well
    assert all(lo - 1e-9 <= macro.realization.get(x, 0.0) <= hi + 1e-9 for x, (lo, hi) in macro.ranges.items())
    # micro records: the weights themselves, within a few standard errors (Fisher information of the 3-state fibre)
    K = agg.kernel[fibre]
    p = truth @ K
    keep = p > 0
    d = (K[:2] - K[2])[:, keep]                 # q = (q1, q2, 1 - q1 - q2)
    info = n * (d / p[keep]) @ d.T
    sd = np.sqrt(np.diag(np.linalg.inv(info)))
    estimate = np.array([micro.realization.get(agg.cause_map.micro_states[x], 0.0) for x in fibre])
    assert np.all(np.abs(estimate[:2] - truth[:2]) <= 4 * sd), (estimate, sd)


def test_identical_rows_are_never_identified_and_their_weights_range_over_everything():
    """asia: do(tub = yes, lung = no) and do(tub = no, lung = yes) both set either = yes: the same rows."""
    model, cause, effect = select(discagg.load_model("net:asia"), "tub,lung:count=yes", "dysp")
    runs = pd.DataFrame({"tub+lung": ["1"] * 100 + ["0"] * 100, "dysp": ["yes"] * 60 + ["no"] * 140})
    result = discagg.identify(model, runs, cause=cause, effect=effect)
    one = result.state("1")
    assert not one.identified
    assert one.ranges == {"yes,no": (0.0, 1.0), "no,yes": (0.0, 1.0)}
    assert one.realization == pytest.approx({"yes,no": 0.5, "no,yes": 0.5})      # the largest-entropy one
    assert result.state("0").identified and result.state("2").samples == 0 and result.state("2").realization is None


def test_an_observed_micro_cause_is_read_directly():
    model = discagg.load_model("example:cholesterol")
    runs = pd.DataFrame({"Lipids": ["LDLlo_HDLhi", "LDLhi_HDLlo", "LDLhi_HDLlo", "LDLhi_HDLhi"],
                         "HeartDisease": ["none", "none", "angina", "none"]})
    result = discagg.identify(model, runs)
    medium = result.state("medium")
    assert medium.observed and medium.identified and result.records == "micro effect and micro cause"
    assert medium.realization == {"LDLlo_HDLhi": 1 / 3, "LDLhi_HDLlo": 2 / 3}
    assert medium.ranges == {"LDLlo_HDLhi": (1 / 3, 1 / 3), "LDLhi_HDLlo": (2 / 3, 2 / 3)}
    group_model, cause, effect = select(discagg.load_model("net:asia"), "tub,lung:count=yes", "dysp")
    runs = pd.DataFrame({"tub+lung": ["1", "1", "1", "2"], "tub": ["yes", "no", "no", "yes"],
                         "lung": ["no", "yes", "yes", "yes"], "dysp": ["yes", "no", "yes", "yes"]})
    one = discagg.identify(group_model, runs, cause=cause, effect=effect).state("1")
    assert one.observed and one.realization == {"yes,no": 1 / 3, "no,yes": 2 / 3}


def test_the_json_entry_has_exactly_the_issue_keys():
    agg, runs = cholesterol_experiment(0.5, 200, 0)
    doc = discagg.identify(agg, runs).to_dict()
    assert list(doc) == ["model", "cause", "effect", "experiment", "records", "level", "macro_states"]
    for entry in doc["macro_states"]:
        assert list(entry) == KEYS
        assert list(entry["inhibiting_test"]) == ["statistic", "df", "p_value"]
        assert all(isinstance(v, list) and len(v) == 2 for v in entry["ranges"].values())


def bad(runs: pd.DataFrame, model=None, **kwargs) -> str:
    with pytest.raises(ModelError) as info:
        discagg.identify(model or discagg.load_model("example:cholesterol"), runs, **kwargs)
    return str(info.value)


def test_bad_experiments():
    assert bad(pd.DataFrame({"Cause": ["low"], "HeartDisease": ["no"]})) == (
        "DataFrame: columns: expected a column 'Lipids' with the macro state of the cause in each run, found no "
        "column 'Lipids' (the columns are ['Cause', 'HeartDisease'])")
    assert bad(pd.DataFrame({"Lipids": ["low", "mid"], "HeartDisease": ["no", "no"]})) == (
        "DataFrame: index 1, column 'Lipids': expected a macro state of the cause 'Lipids' ['low', 'medium', 'high'] "
        "(or, in every row, a micro state ['LDLlo_HDLlo', 'LDLlo_HDLhi', 'LDLhi_HDLlo', 'LDLhi_HDLhi']), found 'mid'")
    assert bad(pd.DataFrame({"Lipids": ["low"], "HeartDisease": [None]})).endswith("found a missing value (None)")
    assert bad(pd.DataFrame({"Lipids": [], "HeartDisease": []})) == (
        "DataFrame: expected at least one run (data row), found only the header")
    assert bad(pd.DataFrame({"Lipids": ["low"], "HeartDisease": ["no"]}), level=1.0) == (
        "level: expected a number in (0, 1), found 1.0")
    model, cause, effect = select(discagg.load_model("net:asia"), "tub,lung:count=yes", "either")
    assert bad(pd.DataFrame({"tub+lung": ["1"], "either": ["no"]}), model, cause=cause, effect=effect) == (
        "DataFrame: runs with tub+lung = 1: expected outcomes that some micro state of '1' can produce under the "
        "model, found either = 'no', which has probability 0 under do(tub+lung = x) for every x in the fibre "
        "['yes,no', 'no,yes']")
    assert bad(pd.DataFrame({"tub+lung": ["1"], "tub": ["yes"], "either": ["yes"]}), model, cause=cause,
               effect=effect) == ("DataFrame: columns: expected every node of the cause group ['tub', 'lung'] or "
                                  "none, found only ['tub']")
    assert bad(pd.DataFrame({"tub+lung": ["2"], "tub": ["yes"], "lung": ["no"], "either": ["yes"]}), model,
               cause=cause, effect=effect) == (
        "DataFrame: index 0, column 'tub+lung': expected the macro state '1' of the micro state in the columns "
        "['tub', 'lung'], found '2'")
