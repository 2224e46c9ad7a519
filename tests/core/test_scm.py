"""SCMs in response-function form: CPTs, interventions and compatibility, against the Bayesian-network engine."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from discagg import CausalModel, ModelError, Node
from discagg.core.inference import interventional_joint, marginal
from discagg.core.scm import ResponseBlock, StructuralModel, comonotone_responses, response_marginal

from strategies import random_dags


def _xy(p_x=(0.25, 0.25, 0.5), p_y=((0.5, 0.5), (0.5, 0.5), (0.5, 0.5))) -> CausalModel:
    return CausalModel([Node("X", ["a", "b", "c"], [], list(p_x)), Node("Y", ["n", "y"], ["X"], [list(r) for r in p_y])])


@settings(max_examples=25)
@given(random_dags(max_nodes=4), st.data())
def test_markov_scm_reproduces_every_interventional_distribution(model, data):
    scm = StructuralModel.markov(model)
    assume(scm.size() <= 20_000)
    names = list(model.topological_order)
    choice, weights = scm.responses()
    intervened = data.draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names) - 1))
    targets = [n for n in names if n not in intervened]
    expected = interventional_joint(model, targets, intervened) if intervened else marginal(model, targets)
    for setting in itertools.product(*(range(model.cardinality(n)) for n in intervened)):
        values = scm.values(choice, targets, do=dict(zip(intervened, setting)))
        keys = np.ravel_multi_index([values[t] for t in targets], [model.cardinality(t) for t in targets])
        got = np.bincount(keys, weights=weights, minlength=expected[setting].size).reshape(expected[setting].shape)
        np.testing.assert_allclose(got, expected[setting] / expected[setting].sum(), atol=1e-12)


@given(st.integers(1, 4), st.integers(1, 4), st.integers(0, 2**32 - 1))
def test_comonotone_responses_have_the_rows_as_marginals_exactly(n_cfg, card, seed):
    rng = np.random.default_rng(seed)
    rows = rng.dirichlet(np.ones(card), size=n_cfg)
    rows[rng.random(rows.shape) < 0.2] = 0.0
    rows[:, 0] += rows.sum(axis=1) == 0
    table, probabilities = comonotone_responses(rows, exact=True)
    assert len(probabilities) <= n_cfg * (card - 1) + 1
    for c in range(n_cfg):
        exact_row = [Fraction(float(v)) for v in rows[c]]
        total = sum(exact_row)
        got = [sum((p for p, v in zip(probabilities, table[:, c]) if v == s), Fraction(0)) for s in range(card)]
        assert got == [v / total for v in exact_row]


def test_response_marginal_and_derived_cpt():
    block_table = np.array([[0, 1, 1], [1, 1, 0]])
    assert response_marginal(block_table, np.array([0.25, 0.75]), [3], 2).tolist() == [[0.25, 0.75], [0, 1], [0.75, 0.25]]


def _correlated_block() -> ResponseBlock:
    """(X, f_Y) jointly: given X = a, Y(b) = 1; given X = c, Y(b) ~ Bern(1/4); Y(x) | X = x ~ Bern(1/2) throughout."""
    rows = [("a", (0, 1, 0), "1/8"), ("a", (1, 1, 1), "1/8"), ("b", (0, 0, 0), "1/8"), ("b", (1, 1, 1), "1/8"),
            ("c", (0, 0, 0), "1/4"), ("c", (1, 0, 1), "1/8"), ("c", (1, 1, 1), "1/8")]
    x_table = np.array([["abc".index(x)] for x, _, _ in rows])
    y_table = np.array([f for _, f, _ in rows])
    return ResponseBlock(("X", "Y"), (x_table, y_table), tuple(Fraction(p) for _, _, p in rows))


def test_a_correlated_block_invisible_to_interventions_is_compatible():
    scm = StructuralModel(_xy(), (_correlated_block(),))
    np.testing.assert_array_equal(scm.derived_cpt("Y"), [[0.5, 0.5]] * 3)
    choice, weights = scm.responses()
    for x in range(3):
        y = scm.values(choice, ["Y"], do={"X": x})["Y"]
        assert weights[y == 1].sum() == 0.5


def test_a_visible_confounder_is_refused():
    # X and f_Y perfectly correlated on the factual value: P(Y = y | X = x) != P(Y = y | do(x))
    rows = [(0, (0, 0, 0), 0.25), (1, (1, 1, 1), 0.25), (2, (0, 1, 0), 0.25), (2, (1, 0, 1), 0.25)]
    block = ResponseBlock(("X", "Y"), (np.array([[x] for x, _, _ in rows]), np.array([f for _, f, _ in rows])),
                          tuple(p for _, _, p in rows))
    model = _xy(p_y=((0.5, 0.5), (0.5, 0.5), (0.5, 0.5)))
    with pytest.raises(ModelError, match=r"joint\[0\]: expected response functions whose correlation no intervention "
                                         r"shows.*found TV 0.25 for T = \['X', 'Y'\] with nothing set"):
        StructuralModel(model, (block,))


def test_binding_checks_cover_shape_and_cpts():
    model = _xy()
    x = ResponseBlock(("X",), (np.array([[0], [1], [2]]),), (0.25, 0.25, 0.5))
    y = ResponseBlock(("Y",), (np.array([[0, 0, 0], [1, 1, 1]]),), (0.5, 0.5))
    StructuralModel(model, (x, y))
    with pytest.raises(ModelError, match=r"nodes: expected response functions for every node of the model, found none "
                                         r"for \['Y'\]"):
        StructuralModel(model, (x,))
    with pytest.raises(ModelError, match=r"nodes.Y: expected response functions of 'Y' that reproduce the model's CPT"):
        StructuralModel(model, (x, ResponseBlock(("Y",), (np.array([[0, 0, 0], [1, 1, 1]]),), (0.25, 0.75))))
    with pytest.raises(ModelError, match=r"nodes.X: expected response probabilities summing to 1"):
        StructuralModel(model, (ResponseBlock(("X",), (np.array([[0], [1], [2]]),), (0.25, 0.25, 0.25)), y))
    with pytest.raises(ModelError, match=r"nodes.Y: expected a response table of 'Y' over its 3 parent configurations"):
        StructuralModel(model, (x, ResponseBlock(("Y",), (np.array([[0, 0], [1, 1]]),), (0.5, 0.5))))
    with pytest.raises(ModelError, match=r"expected at most 2 joint response assignments|at most 2 joint"):
        StructuralModel(model, (x, y)).responses(limit=2)
