"""Appendix D in the discrete case: the natural bounds decide whether a macro causal model exists."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from discagg import Aggregation, CausalModel, Coarsening, Node, Query, RealizationFamily, load_model
from discagg.core.inference import interventional, marginal
from discagg.io.scm_format import scm_from_dict, scm_to_dict
from discagg.theory.checks import verify
from discagg.theory.macro_scm import macro_model, macro_witness


def _agg() -> Aggregation:
    """X root (no confounding): P(X) = (1/4, 1/4, 1/2); Y = n for x0, y for x1, a fair coin for x2."""
    x = Node("X", ["x0", "x1", "x2"], [], [0.25, 0.25, 0.5])
    y = Node("Y", ["n", "y"], ["X"], [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    macro = {"X": Coarsening.from_mapping("X", x.states, {"lo": ["x0", "x1"], "hi": ["x2"]})}
    return Aggregation.of(CausalModel([x, y], macro=macro, query=Query("X", "Y")))


def _family(agg: Aggregation, lo: tuple[float, float]) -> RealizationFamily:
    return RealizationFamily.from_mapping(agg.cause_map, {"lo": {"x0": lo[0], "x1": lo[1]}, "hi": {"x2": 1.0}})


@pytest.mark.parametrize("lo,violation", [((0.5, 0.5), -0.25), ((0.75, 0.25), 0.0), ((1.0, 0.0), 0.25)])
@pytest.mark.parametrize("exact", [False, True])
def test_bounds_by_hand(lo, violation, exact):
    # P(lo, n) = P(lo, y) = 1/4 and P(lo) = 1/2, so P(n | do(lo)) must lie in [1/4, 3/4]; do(lo) by q gives q(x0)
    agg = _agg()
    result = macro_model(agg, _family(agg, lo), exact=exact)
    assert result.violation == violation
    if violation <= 0:
        assert result.deviation == 0 if exact else result.deviation < 1e-15
    else:
        assert result.witness is None


def test_verify_rows_inside_and_outside():
    agg = _agg()
    inside = verify(agg, ("appendix-d",), _family(agg, (0.75, 0.25)), exact=True)
    assert [(c.kind, c.holds, c.required, c.holds_exactly) for c in inside.checks] == \
        [("hypothesis", True, False, True), ("conclusion", True, True, True)]
    doc = inside.checks[0].detail["witness"]["scm"]
    assert doc["format"] == "discagg/scm-v1" and inside.checks[0].detail["violated"] == []
    outside = verify(agg, ("appendix-d",), _family(agg, (1.0, 0.0)))
    hypothesis, conclusion = outside.checks
    assert not hypothesis.holds and hypothesis.residual == 0.25 and outside.ok  # a property, not a failure
    assert not conclusion.holds and not conclusion.required and "none exists" in conclusion.statement
    assert {(v["xbar"], v["ybar"]) for v in hypothesis.detail["violated"]} == {("lo", "n"), ("lo", "y")}


def test_the_witness_is_a_causal_model_with_the_right_distributions():
    agg = _agg()
    result = macro_model(agg, _family(agg, (0.75, 0.25)))
    model = scm_from_dict(scm_to_dict(result.witness)).model  # through the file format
    cause, effect = model.query.cause, model.query.effect
    np.testing.assert_allclose(marginal(model, [cause, effect]), [[0.25, 0.25], [0.25, 0.25]], atol=1e-15)
    np.testing.assert_allclose(interventional(model, effect, cause), [[0.75, 0.25], [0.5, 0.5]], atol=1e-15)
    assert set(model.graph.edges) == {("U", cause), ("U", effect), (cause, effect)}


def _macro_lp_feasible(joint: np.ndarray, do: np.ndarray) -> bool:
    """Brute force: is there q(x̄, f) over the factual cause and every response function f: X̄ -> Ȳ with
    Σ_f q(a, f)[f(a) = m] = P(a, m) and Σ_{a, f} q(a, f)[f(k) = m] = P(m | do(k))?"""
    K, M = joint.shape
    functions = list(itertools.product(range(M), repeat=K))
    columns = [(a, f) for a in range(K) for f in functions]
    rows, rhs = [], []
    for a, m in itertools.product(range(K), range(M)):
        rows.append([float(c[0] == a and c[1][a] == m) for c in columns])
        rhs.append(joint[a, m])
    for k, m in itertools.product(range(K), range(M)):
        rows.append([float(c[1][k] == m) for c in columns])
        rhs.append(do[k, m])
    result = linprog(np.zeros(len(columns)), A_eq=np.array(rows), b_eq=np.array(rhs), bounds=(0, None),
                     method="highs")
    assert result.status in (0, 2)
    return result.status == 0


@settings(max_examples=40)
@given(st.integers(2, 3), st.integers(2, 3), st.integers(0, 2**32 - 1), st.booleans())
def test_the_bounds_are_exactly_the_macro_models_that_exist(K, M, seed, valid):
    rng = np.random.default_rng(seed)
    joint = rng.dirichlet(np.ones(K * M)).reshape(K, M)
    if valid:  # the effects of a random confounded macro model
        do = np.array([joint[k] + (1 - joint[k].sum()) * rng.dirichlet(np.ones(M)) for k in range(K)])
    else:
        do = rng.dirichlet(np.ones(M), size=K)
    p_x = joint.sum(axis=1)
    violation = np.maximum(joint - do, do - joint - (1 - p_x)[:, None]).max()
    if abs(violation) < 1e-7:
        return  # too close to the boundary for a float LP to be a referee
    assert _macro_lp_feasible(joint, do) == (violation < 0)
    if violation < 0:
        states = tuple(f"s{i}" for i in range(K)), tuple(f"t{i}" for i in range(M))
        witness = macro_witness(joint, do, np.ones(K, dtype=bool), *states, ("A", "B"))
        np.testing.assert_allclose(marginal(witness.model, ["A", "B"]), joint, atol=1e-12)
        np.testing.assert_allclose(interventional(witness.model, "B", "A"), do, atol=1e-12)
        assert witness.model.cardinality("U") <= K * (K * (M - 1) + 1)


def test_exact_witness_has_exact_distributions():
    joint = np.array([[Fraction(1, 3), Fraction(1, 6)], [Fraction(1, 12), Fraction(5, 12)]], dtype=object)
    do = np.array([[Fraction(1, 2), Fraction(1, 2)], [Fraction(1, 5), Fraction(4, 5)]], dtype=object)
    witness = macro_witness(joint, do, np.array([True, True]), ("a", "b"), ("n", "y"), ("A", "B"), exact=True)
    choice, weights = witness.responses(exact=True)
    values = witness.values(choice, ["B"])
    got = [[sum(weights[(values["A"] == a) & (values["B"] == m)], Fraction(0)) for m in range(2)] for a in range(2)]
    assert got == joint.tolist()
    for k in range(2):
        b = witness.values(choice, ["B"], do={"A": k})["B"]
        assert [sum(weights[b == m], Fraction(0)) for m in range(2)] == do[k].tolist()


def test_shipped_examples_with_the_natural_realization_have_a_macro_model():
    for name in ("cholesterol", "inducing", "unconfounded"):
        assert verify(Aggregation.of(load_model(f"data/{name}.json")), ("appendix-d",)).checks[0].holds
