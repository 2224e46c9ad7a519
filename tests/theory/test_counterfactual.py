"""Conditions (14) and (15) on hand-built SCMs (values computed by hand) and the counterfactual joint's two engines."""

from __future__ import annotations

import copy
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scm_examples import CORRELATED, MARKOV

from discagg import Aggregation, CausalModel, CoarseningWarning, ModelError, Node, Query
from discagg.core.scm import StructuralModel
from discagg.io.scm_format import scm_from_dict
from discagg.theory.checks import verify
from discagg.theory.counterfactual import Setting, cause_coarsening, condition_residuals, counterfactual_joint, setting

from strategies import coarsening_from_assignment, cpt_array, random_partition


def _figure5(x_macro: dict[str, list[str]]) -> dict:
    """Figure 5 with Y = X and Z = X (deterministic); Z ignores Y."""
    return {"format": "discagg/scm-v1", "name": "figure5-copy",
            "nodes": {"X": {"states": ["x0", "x1"], "parents": [],
                            "responses": [{"p": 0.5, "f": "x0"}, {"p": 0.5, "f": "x1"}]},
                      "Y": {"states": ["y0", "y1"], "parents": ["X"],
                            "responses": [{"p": 1, "f": {"x0": "y0", "x1": "y1"}}]},
                      "Z": {"states": ["z0", "z1"], "parents": ["X", "Y"],
                            "responses": [{"p": 1, "f": {"x0": {"y0": "z0", "y1": "z0"},
                                                         "x1": {"y0": "z1", "y1": "z1"}}}]}},
            "macro": {"X": x_macro}, "query": {"cause": "Y", "effect": "Z"}}


def test_the_two_scms_share_their_cpts():
    assert scm_from_dict(CORRELATED).model.nodes["Y"].cpt.tolist() == scm_from_dict(MARKOV).model.nodes["Y"].cpt.tolist()


@pytest.mark.parametrize("exact", [False, True])
def test_counterfactual_joint_of_the_correlated_scm_by_hand(exact):
    scm = scm_from_dict(CORRELATED)
    J = counterfactual_joint(scm, Setting("X", "Y", ()), exact=exact)
    # P(Y_b = y, X = a) = 1/4 (both responses with X = a set Y(b) = y); P(Y_b = y, X = c) = 1/8
    assert J[1, 0, 0].tolist() == [0, Fraction(1, 4)]
    assert J[1, 2, 0].tolist() == [Fraction(3, 8), Fraction(1, 8)]
    assert J[0, 2, 0].tolist() == [Fraction(1, 4), Fraction(1, 4)]
    r = condition_residuals(J, cause_coarsening(scm.model, "X"))
    assert (r.condition, r.consequence, r.equation_13) == (Fraction(1, 2), 0, 0)  # TV(P(Y_b | a), P(Y_b)) = 1/2


@pytest.mark.parametrize("doc,holds,residual,size", [(CORRELATED, False, 0.5, 7), (MARKOV, True, 0.0, 6)])
def test_condition_15_on_a_given_scm(doc, holds, residual, size):
    scm = scm_from_dict(doc)
    agg = Aggregation.of(scm.model)
    result = verify(agg, ("condition-15",), scm=scm, exact=True)
    backdoor, condition, consequence, eq13 = result.checks
    assert backdoor.holds and f"on the given SCM (counterfactual: {size} joint" in condition.statement
    assert condition.holds is holds and condition.residual == residual and condition.holds_exactly is holds
    assert condition.detail["source"] == "scm" and condition.detail["residual"] == residual
    assert consequence.holds and eq13.holds and consequence.required is holds and result.ok


def test_condition_14_on_figure5_fails_when_the_macro_state_forgets_x():
    scm = scm_from_dict(_figure5({"all": ["x0", "x1"]}))
    result = verify(Aggregation.of(scm.model), ("condition-14",), scm=scm, exact=True)
    graph, backdoor, condition, consequence, eq13 = result.checks
    assert graph.holds and backdoor.holds  # X̄ blocks the back door in the macro graph, yet:
    # Z_y = X and Y = X: P(Z_y = z1 | Y = y1) = 1 against P(Z_y = z1) = 1/2
    assert (condition.holds, condition.residual) == (False, 0.5)
    assert (consequence.holds, consequence.residual, consequence.required) == (False, 0.5, False)
    assert (eq13.holds, eq13.residual, eq13.required) == (False, 0.5, False) and result.ok


def test_condition_14_on_figure5_holds_when_the_macro_state_is_x():
    with pytest.warns(CoarseningWarning, match="merges no micro states"):
        scm = scm_from_dict(_figure5({"x0": ["x0"], "x1": ["x1"]}))
    result = verify(Aggregation.of(scm.model), ("condition-14",), scm=scm, exact=True)
    assert [(c.holds, c.residual, c.holds_exactly) for c in result.checks] == [(True, 0.0, True)] * 5
    assert all(c.required for c in result.checks if c.kind == "conclusion")


def test_condition_14_needs_figure5():
    scm = scm_from_dict(MARKOV)
    rows = verify(Aggregation.of(scm.model), ("condition-14",), scm=scm).checks
    assert len(rows) == 1 and not rows[0].holds


def test_an_scm_that_does_not_reproduce_the_model_is_refused():
    scm = scm_from_dict(MARKOV)
    doc = copy.deepcopy(MARKOV)
    doc["nodes"]["Y"]["responses"][0]["p"] = 0.25
    doc["nodes"]["Y"]["responses"][1]["p"] = 0.75
    with pytest.raises(ModelError, match="nodes.Y: expected response functions of 'Y' that reproduce the model's CPT"):
        verify(Aggregation.of(scm_from_dict(doc).model), ("condition-15",), scm=scm)


def test_adjustment_sets_with_descendants_or_groups_are_refused():
    model = scm_from_dict(_figure5({"all": ["x0", "x1"]})).model
    with pytest.raises(ModelError, match=r"adjust: expected an adjustment set of non-descendants of the cause 'X'"):
        setting(model, "X", "Z", ("Y",))
    with pytest.raises(ModelError, match="adjust: expected distinct adjustment nodes other than"):
        setting(model, "Y", "Z", ("Z",))
    assert setting(model, "Y", "Z").adjust == ("X",)


def _random_figure5(seed: int, sizes: tuple[int, int, int]) -> CausalModel:
    rng = np.random.default_rng(seed)
    nx_, ny, nz = sizes
    x = Node("X", [f"x{i}" for i in range(nx_)], [], cpt_array(rng, (nx_,)))
    y = Node("Y", [f"y{i}" for i in range(ny)], ["X"], cpt_array(rng, (nx_, ny), sparse=True))
    z = Node("Z", [f"z{i}" for i in range(nz)], ["X", "Y"], cpt_array(rng, (nx_, ny, nz)))
    macro = {n.name: coarsening_from_assignment(n.name, n.states, random_partition(rng, n.cardinality,
                                                                                  max(1, n.cardinality - 1)))
             for n in (x, y, z)}
    return CausalModel([x, y, z], macro=macro, query=Query("Y", "Z"))


@settings(max_examples=20)
@given(st.integers(0, 2**32 - 1), st.tuples(st.integers(2, 3), st.integers(2, 3), st.integers(2, 3)))
def test_markovian_joint_by_contraction_equals_the_enumerated_markovian_scm(seed, sizes):
    model = _random_figure5(seed, sizes)
    for where in (Setting("Y", "Z", ("X",)), Setting("X", "Z", ()), Setting("X", "Y", ())):
        by_formula = counterfactual_joint(model, where)
        by_scm = counterfactual_joint(StructuralModel.markov(model), where)
        np.testing.assert_allclose(by_scm, by_formula, atol=1e-12)
        assert np.isclose(by_formula.sum(), sizes[0] if where.cause == "X" else sizes[1])  # one distribution per x


@settings(max_examples=20)
@given(st.integers(0, 2**32 - 1), st.tuples(st.integers(2, 3), st.integers(2, 3), st.integers(2, 3)))
def test_consequence_and_13_agree_with_the_distributional_theorem_4_1_check(seed, sizes):
    agg = Aggregation.of(_random_figure5(seed, sizes))
    old = {c.statement[:4]: c for c in verify(agg, ("theorem-4.1",)).checks}
    r = condition_residuals(counterfactual_joint(agg.model, setting(agg.model, "Y", "Z")), agg.cause_map)
    assert r.consequence == pytest.approx(old["(15)"].residual, abs=1e-12)
    assert r.equation_13 == pytest.approx(old["(13)"].residual, abs=1e-12)
    assert r.condition >= r.consequence - 1e-15  # (15) compares more pairs than its consequence


def test_exact_markovian_joints_agree_exactly():
    model = _random_figure5(7, (3, 2, 2))
    where = setting(model, "Y", "Z")
    by_formula = counterfactual_joint(model, where, exact=True)
    by_scm = counterfactual_joint(StructuralModel.markov(model, exact=True), where, exact=True)
    assert by_formula.dtype == object and (by_formula == by_scm).all()
