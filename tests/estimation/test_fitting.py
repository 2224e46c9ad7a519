"""Fitting CPTs: counts by hand, the three priors, convergence of the MLE to the generating CPTs."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import discagg
from discagg.core.selection import select
from discagg.errors import ModelError
from discagg.estimation.counting import family_counts
from discagg.estimation.datasets import DataWarning, read_table
from discagg.estimation.fitting import fit_table
from discagg.estimation.sampling import sample
from discagg.io.model_format import loads_model, model_to_dict

from strategies import random_dags

STRUCTURE = loads_model('{"format": "discagg/model-v1", "name": "ab", "nodes": {'
                        '"A": {"states": ["a0", "a1"], "parents": [], "cpt": [0.5, 0.5]},'
                        '"B": {"states": ["b0", "b1", "b2"], "parents": ["A"], '
                        '"cpt": [[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]]}},'
                        '"macro": {"B": {"low": ["b0"], "high": ["b1", "b2"]}},'
                        '"query": {"cause": "A", "effect": "B"}}')
# N_A = (3, 3); N_B|a0 = (2, 1, 0); N_B|a1 = (1, 0, 2)
ROWS = pd.DataFrame({"A": ["a0", "a0", "a0", "a1", "a1", "a1"], "B": ["b0", "b0", "b1", "b2", "b2", "b0"]})


def fractions(array: np.ndarray) -> list:
    return [[Fraction(v).limit_denominator(1000) for v in row] for row in np.atleast_2d(array)]


def test_counts_by_hand():
    fitted = fit_table(read_table(ROWS), STRUCTURE, "k2")
    assert fitted.counts["A"].tolist() == [3, 3]
    assert fitted.counts["B"].tolist() == [[2, 1, 0], [1, 0, 2]]


@pytest.mark.parametrize(("prior", "ess", "a", "b"), [
    ("none", 1.0, [[Fraction(1, 2), Fraction(1, 2)]],
     [[Fraction(2, 3), Fraction(1, 3), 0], [Fraction(1, 3), 0, Fraction(2, 3)]]),
    ("k2", 1.0, [[Fraction(1, 2), Fraction(1, 2)]],                        # (N + 1) / (N_j + r)
     [[Fraction(3, 6), Fraction(2, 6), Fraction(1, 6)], [Fraction(2, 6), Fraction(1, 6), Fraction(3, 6)]]),
    ("bdeu", 6.0, [[Fraction(1, 2), Fraction(1, 2)]],                      # alpha_B = 6 / (2 * 3) = 1: as k2
     [[Fraction(3, 6), Fraction(2, 6), Fraction(1, 6)], [Fraction(2, 6), Fraction(1, 6), Fraction(3, 6)]]),
    ("bdeu", 1.0, [[Fraction(1, 2), Fraction(1, 2)]],                      # alpha_B = 1/6: (2 + 1/6) / (3 + 1/2)
     [[Fraction(13, 21), Fraction(7, 21), Fraction(1, 21)], [Fraction(7, 21), Fraction(1, 21), Fraction(13, 21)]]),
])
def test_priors_by_hand(prior, ess, a, b):
    model = discagg.fit(ROWS, STRUCTURE, prior=prior, ess=ess)
    assert fractions(model.nodes["A"].cpt) == a
    assert fractions(model.nodes["B"].cpt) == b


def test_bdeu_ess_splits_over_parent_configurations():
    rows = pd.DataFrame({"A": ["a0"] * 4, "B": ["b0"] * 4})
    model = discagg.fit(rows, STRUCTURE, prior="bdeu", ess=12.0)   # alpha_A = 6, alpha_B = 2
    assert fractions(model.nodes["A"].cpt) == [[Fraction(10, 16), Fraction(6, 16)]]
    assert fractions(model.nodes["B"].cpt) == [[Fraction(6, 10), Fraction(2, 10), Fraction(2, 10)],
                                               [Fraction(1, 3)] * 3]


def test_mle_gives_unseen_configurations_the_uniform_row_and_names_them():
    rows = pd.DataFrame({"A": ["a0", "a0"], "B": ["b0", "b1"]})
    with pytest.warns(DataWarning, match=r"DataFrame: prior none: 1 parent configuration\(s\) never observed got "
                                         r"the uniform row: B \| A=a1$"):
        model = discagg.fit(rows, STRUCTURE, prior="none")
    assert model.nodes["B"].cpt[1].tolist() == [1 / 3] * 3
    assert model.nodes["A"].cpt.tolist() == [1.0, 0.0]


@pytest.mark.filterwarnings("ignore::discagg.errors.CoarseningWarning")  # dysp's identity map, saved and reread
def test_the_structure_is_kept_and_only_the_cpts_change():
    fitted = discagg.fit(ROWS, STRUCTURE)
    before, after = model_to_dict(STRUCTURE), model_to_dict(fitted)
    for key in ("name", "macro", "query", "format"):
        assert after[key] == before[key]
    assert {n: (v["states"], v["parents"]) for n, v in after["nodes"].items()} == {
        n: (v["states"], v["parents"]) for n, v in before["nodes"].items()}
    grouped, _, _ = select(discagg.load_model("net:asia"), "tub,lung:count=yes", "dysp")
    refit = discagg.fit(sample(grouped, 500, seed=0), grouped)
    assert model_to_dict(refit)["groups"] == model_to_dict(grouped)["groups"]
    assert discagg.loads_model(discagg.dumps_model(refit)) == refit


@pytest.mark.parametrize(("prior", "ess", "expected"), [
    ("uniform", 1.0, "prior: expected one of ['bdeu', 'k2', 'none'], found 'uniform'"),
    ("bdeu", 0.0, "ess: expected a positive, finite equivalent sample size, found 0.0"),
    ("bdeu", float("nan"), "ess: expected a positive, finite equivalent sample size, found nan"),
])
def test_bad_prior_settings(prior, ess, expected):
    with pytest.raises(ModelError) as info:
        discagg.fit(ROWS, STRUCTURE, prior=prior, ess=ess)
    assert str(info.value) == expected


@given(random_dags(max_nodes=4), st.integers(0, 2**32 - 1), st.integers(1, 40))
def test_vectorised_counts_equal_a_loop_over_rows(model, seed, n):
    rng = np.random.default_rng(seed)
    codes = {name: rng.integers(0, model.cardinality(name), n) for name in model.nodes}
    counts = family_counts(model, codes)
    for name, node in model.nodes.items():
        expected = np.zeros(counts[name].shape)
        for row in range(n):
            expected[tuple(codes[p][row] for p in node.parents) + (codes[name][row],)] += 1
        assert np.array_equal(counts[name], expected), name


@pytest.mark.filterwarnings("ignore::discagg.estimation.datasets.DataWarning")  # rare configurations unseen
@pytest.mark.parametrize(("network", "n"), [("asia", 200_000), ("sachs", 100_000)])
def test_the_mle_converges_to_the_generating_cpts(network, n):
    """Every estimated cell within 5 binomial standard errors of the truth, from its own row count."""
    truth = discagg.load_model(f"net:{network}")
    fitted = fit_table(read_table(sample(truth, n, seed=11)), truth, "none")
    checked = 0
    for name, node in truth.nodes.items():
        p = node.cpt
        estimate = fitted.model.nodes[name].cpt
        rows = fitted.counts[name].sum(axis=-1, keepdims=True)
        seen = np.broadcast_to(rows > 0, p.shape)
        error = np.abs(estimate - p)[seen]
        bound = 5 * np.sqrt(p * (1 - p) / np.maximum(rows, 1))[seen] + 1e-12
        assert np.all(error <= bound), (name, float(np.max(error - bound)))
        checked += int(seen.sum())
    assert checked > 0.9 * sum(node.cpt.size for node in truth.nodes.values())  # most rows were observed


def test_bdeu_and_mle_differ_by_at_most_the_pseudo_counts():
    truth = discagg.load_model("net:asia")
    data = sample(truth, 20_000, seed=5)
    mle = fit_table(read_table(data), truth, "none")
    bdeu = fit_table(read_table(data), truth, "bdeu", 1.0)
    for name, node in truth.nodes.items():
        rows = mle.counts[name].sum(axis=-1, keepdims=True)
        r = node.cardinality
        alpha = 1.0 / node.cpt.size
        seen = np.broadcast_to(rows > 0, node.cpt.shape)
        gap = np.abs(mle.model.nodes[name].cpt - bdeu.model.nodes[name].cpt)
        assert np.all(gap[seen] <= np.broadcast_to(r * alpha / (rows + r * alpha), node.cpt.shape)[seen] + 1e-15)


def test_counts_follow_the_cpt_axes():
    model = discagg.load_model("net:asia")
    assert model.nodes["either"].parents == ("lung", "tub")
    row = {**{name: "no" for name in model.nodes}, "lung": "yes", "either": "yes"}
    with pytest.warns(DataWarning):
        counts = fit_table(read_table(pd.DataFrame([row])), model, "none").counts["either"]
    assert counts[0, 1, 0] == 1 and counts.sum() == 1          # [lung = yes, tub = no, either = yes]
