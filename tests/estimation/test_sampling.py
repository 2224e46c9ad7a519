"""Forward sampling: frequencies against exact marginals, seeds, and macro-experiment runs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chisquare

import discagg
from discagg.core.realization import RealizationFamily
from discagg.core.selection import select
from discagg.errors import ModelError
from discagg.estimation.sampling import inverse_cdf, sample

P_FLOOR = 1e-4  # a fixed seed makes each test deterministic; a correct sampler passes at p > 1e-4 (p-values printed)


def frequencies(column: pd.Series, states: tuple[str, ...]) -> np.ndarray:
    return column.astype(str).value_counts().reindex(list(states), fill_value=0).to_numpy()


def goodness_of_fit(observed: np.ndarray, expected_probabilities: np.ndarray) -> float:
    keep = expected_probabilities > 0
    assert observed[~keep].sum() == 0  # never a state of probability zero
    expected = expected_probabilities[keep] / expected_probabilities[keep].sum() * observed.sum()
    return float(chisquare(observed[keep], expected).pvalue)


def test_node_marginals_and_a_joint_match_exact_inference():
    model = discagg.load_model("net:asia")
    data = sample(model, 100_000, seed=2024)
    assert list(data.columns) == list(model.nodes)
    for name, node in model.nodes.items():
        p = goodness_of_fit(frequencies(data[name], node.states), discagg.marginal(model, [name]))
        assert p > P_FLOOR, (name, p)
    names = ["either", "xray", "dysp"]
    joint = discagg.marginal(model, names).ravel()
    observed = data.groupby(names, observed=False).size().reindex(
        pd.MultiIndex.from_product([model.nodes[n].states for n in names]), fill_value=0).to_numpy()
    assert goodness_of_fit(observed, joint) > P_FLOOR


def test_seed_fixes_the_sample():
    model = discagg.load_model("example:cholesterol")
    first, again, other = sample(model, 500, seed=7), sample(model, 500, seed=7), sample(model, 500, seed=8)
    assert first.equals(again) and not first.equals(other)
    assert all(isinstance(first[c].dtype, pd.CategoricalDtype) for c in first.columns)
    assert list(first["Lipids"].cat.categories) == list(model.nodes["Lipids"].states)


def test_inverse_cdf_never_draws_a_zero_probability_state_and_respects_boundaries():
    table = np.array([[0.0, 0.5, 0.0, 0.5], [1.0, 0.0, 0.0, 0.0]])
    u = np.array([0.0, 0.4999999, 0.5, 0.9999999, 0.0, 0.9999999])
    rows = np.array([0, 0, 0, 0, 1, 1])
    assert inverse_cdf(table, rows, u).tolist() == [1, 1, 3, 3, 0, 0]
    rng = np.random.default_rng(0)
    drawn = inverse_cdf(table, np.zeros(10_000, dtype=int), rng.random(10_000))
    assert set(drawn.tolist()) == {1, 3}


def test_a_macro_experiment_samples_the_mixture_of_interventions():
    model = discagg.load_model("example:cholesterol")
    agg = discagg.Aggregation.of(model)
    family = RealizationFamily.from_mapping(agg.cause_map, {"medium": {"LDLlo_HDLhi": 0.2, "LDLhi_HDLlo": 0.8},
                                                            "high": {"LDLhi_HDLhi": 1.0}})
    runs = sample(model, 20_000, seed=3, realization=family)
    assert list(runs.columns) == ["Lipids", "Diet", "HeartDisease"]
    assert runs["Lipids"].astype(str).value_counts().to_dict() == {"medium": 20_000, "high": 20_000}
    for k, state in ((1, "medium"), (2, "high")):
        fibre = agg.cause_map.fibre(k)
        expected = family.weights[fibre] @ agg.kernel[fibre]      # Σ q(x) P(Y | do(x)), micro effect
        observed = frequencies(runs.loc[runs["Lipids"] == state, "HeartDisease"], agg.effect_map.micro_states)
        assert goodness_of_fit(observed, expected) > P_FLOOR, state
        # Diet is not intervened on: its marginal is unchanged
        diet = frequencies(runs.loc[runs["Lipids"] == state, "Diet"], model.nodes["Diet"].states)
        assert goodness_of_fit(diet, model.nodes["Diet"].cpt) > P_FLOOR


def test_a_macro_experiment_on_a_group_sets_all_its_nodes():
    model, cause, effect = select(discagg.load_model("net:asia"), "tub,lung:count=yes", "dysp")
    agg = discagg.Aggregation.of(model, cause, effect)
    weights = np.zeros(agg.cause_map.n_micro)
    weights[agg.cause_map.fibre(1)] = [0.25, 0.75]               # yes,no and no,yes: one of the two
    weights[agg.cause_map.fibre(0)] = 1.0
    family = RealizationFamily.from_weights(agg.cause_map, weights, [True, True, False])
    runs = sample(model, 30_000, seed=4, realization=family)
    assert "tub" not in runs.columns and "lung" not in runs.columns and runs.columns[0] == "tub+lung"
    fibre = agg.cause_map.fibre(1)
    expected = weights[fibre] @ agg.kernel[fibre]
    observed = frequencies(runs.loc[runs["tub+lung"] == "1", "dysp"], agg.effect_map.micro_states)
    assert goodness_of_fit(observed, expected) > P_FLOOR
    # either = tub or lung: set to yes in every run of macro state 1
    assert set(runs.loc[runs["tub+lung"] == "1", "either"].astype(str)) == {"yes"}


@pytest.mark.parametrize("n", [0, -3, 2.5, True])
def test_bad_sample_sizes(n):
    with pytest.raises(ModelError, match="n: expected a positive whole number of samples"):
        sample(discagg.load_model("net:asia"), n)


def test_too_many_samples_are_refused_before_allocation(monkeypatch):
    monkeypatch.setenv("DISCAGG_MAX_ENTRIES", "1000")
    with pytest.raises(ModelError, match="200 samples of 8 nodes"):
        sample(discagg.load_model("net:asia"), 200)
