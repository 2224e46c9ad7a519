"""The G test of inhibition: against scipy, its size and power by simulation, and through the whole pipeline."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binom, chi2, ncx2, power_divergence

import discagg
from discagg.estimation.identification import g_statistics, g_test


def test_the_statistic_is_scipys_log_likelihood_ratio():
    rng = np.random.default_rng(0)
    o = np.array([0.2, 0.5, 0.3])
    counts = rng.multinomial(150, o, size=50)
    ours, df = g_statistics(counts, o)
    theirs = power_divergence(counts, 150 * o, axis=1, lambda_="log-likelihood")
    assert df == 2
    assert np.allclose(ours, theirs.statistic, rtol=1e-12)
    assert np.allclose([g_test(c, o).p_value for c in counts], theirs.pvalue, rtol=1e-10)


def test_zero_probability_outcomes():
    o = np.array([0.0, 0.4, 0.6])
    assert g_test(np.array([0, 3, 5]), o).df == 1                     # the impossible state is not a degree
    test = g_test(np.array([1, 3, 5]), o)
    assert test.statistic == np.inf and test.p_value == 0.0 and test.to_dict()["statistic"] is None
    assert g_test(np.array([0, 7, 0]), np.array([0.0, 1.0, 0.0])).p_value == 1.0   # df 0: nothing to test


def test_size_and_power_by_simulation():
    """Rejection rates at 5% under the hypothesis and under an alternative, 4000 simulated experiments each."""
    rng = np.random.default_rng(1)
    o, alternative, n, R, alpha = np.array([0.3, 0.5, 0.2]), np.array([0.4, 0.4, 0.2]), 200, 4000, 0.05
    g0, df = g_statistics(rng.multinomial(n, o, size=R), o)
    g1, _ = g_statistics(rng.multinomial(n, alternative, size=R), o)
    critical = chi2.ppf(1 - alpha, df)
    size, power = float(np.mean(g0 > critical)), float(np.mean(g1 > critical))
    assert abs(size - alpha) <= 4 * np.sqrt(alpha * (1 - alpha) / R)
    # the asymptotic power: non-central chi-square with non-centrality 2 n KL(alternative || o)
    kl = float(alternative @ np.log(alternative / o))
    predicted = float(ncx2.sf(critical, df, 2 * n * kl))
    assert abs(power - predicted) <= 0.05, (power, predicted)


@pytest.mark.filterwarnings("ignore::discagg.estimation.datasets.DataWarning")  # the Diet column
def test_through_identify_size_holds_where_inhibited_and_power_is_as_predicted_where_not():
    """cholesterol with the sparse inhibiting realization: 'medium' is inhibited (the hypothesis holds); 'low' and
    'high' cannot be (gaps 0.047 and 0.020). 120 experiments of 600 runs per macro state, the whole pipeline."""
    model = discagg.load_model("example:cholesterol")
    agg = discagg.Aggregation.of(model)
    family = discagg.solve(model).realization_family()
    do = agg.interventional(family)
    R, n, alpha = 120, 600, 0.05
    rejected = {"low": 0, "medium": 0, "high": 0}
    for seed in range(R):
        result = discagg.identify(model, discagg.sample(model, n, seed, realization=family))
        for state in result.states:
            rejected[state.state] += state.inhibiting_test.p_value < alpha
    assert rejected["medium"] <= binom.ppf(0.999, R, alpha)       # size: no more rejections than 5% allows
    critical = chi2.ppf(1 - alpha, 1)
    for k, name in ((0, "low"), (2, "high")):
        kl = float(do[k] @ np.log(do[k] / agg.observational[k]))
        predicted = float(ncx2.sf(critical, 1, 2 * n * kl))          # asymptotic power
        assert abs(rejected[name] / R - predicted) <= 4 * np.sqrt(predicted * (1 - predicted) / R) + 0.05, (
            name, rejected[name] / R, predicted)
    assert rejected["low"] >= 0.9 * R
