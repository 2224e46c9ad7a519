"""Lemma 10, Lemma 11 / Theorem 4.1 and the graphs they use."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from discagg import Aggregation, CausalModel, Node, Query, load_model
from discagg.theory.checks import verify
from discagg.theory.graphs import amalgamated_graph, macro_graph, macro_intervention_graph, satisfies_backdoor

from conftest import DATA
from strategies import coarsening_from_assignment, cpt_array, random_partition


def _node(rng, name, n, parents, cards, sparse=False):
    shape = tuple(cards[p] for p in parents) + (n,)
    return Node(name, [f"{name.lower()}{i}" for i in range(n)], parents, cpt_array(rng, shape, sparse=sparse))


@st.composite
def chains(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    cards = {v: draw(st.integers(2, 5)) for v in "XYZ"}
    nodes = [_node(rng, "X", cards["X"], [], cards), _node(rng, "Y", cards["Y"], ["X"], cards),
             _node(rng, "Z", cards["Z"], ["Y"], cards, sparse=draw(st.booleans()))]
    macro = {n.name: coarsening_from_assignment(n.name, n.states, random_partition(rng, cards[n.name],
                                                                                   draw(st.integers(1, cards[n.name] - 1))))
             for n in nodes}
    return CausalModel(nodes, macro=macro, query=Query("Y", "Z"))


@given(chains())
def test_lemma_10_equivalence_holds_on_random_chains(model):
    checks = {c.statement.split(" (")[0]: c for c in verify(Aggregation.of(model), ("lemma-10",)).checks}
    condition = checks["(12) Xbar independent of Zbar given Ybar"]
    agree = checks["do(ybar) by P(Y | ybar) and by P(Y | ybar, xbar) give the same P(Zbar | do(ybar))"]
    # the proof: the two effects are P(Z̄ | ȳ) and P(Z̄ | ȳ, x̄), so both residuals measure the same thing
    assert agree.residual == pytest.approx(condition.residual, abs=1e-12)
    assert verify(Aggregation.of(model), ("lemma-10",)).ok


def test_lemma_10_on_the_shipped_chains():
    holds = verify(Aggregation.of(load_model(DATA / "chain-holds.json")), ("lemma-10",)).checks
    fails = verify(Aggregation.of(load_model(DATA / "chain-fails.json")), ("lemma-10",)).checks
    assert [c.holds for c in holds] == [True, True, True, True]
    assert [c.holds for c in fails] == [True, False, False, True]
    assert fails[1].residual > 0.05


def test_lemma_10_needs_a_chain():
    result = verify(Aggregation.of(load_model(DATA / "figure5.json")), ("lemma-10",))
    assert [(c.kind, c.holds) for c in result.checks] == [("hypothesis", False)]


@st.composite
def figure5_models(draw, through_macro=True):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    cards = {v: draw(st.integers(2, 4)) for v in "XYZ"}
    pi_x = random_partition(rng, cards["X"], draw(st.integers(1, cards["X"] - 1)))
    x = _node(rng, "X", cards["X"], [], cards)
    y_rows = cpt_array(rng, (max(pi_x) + 1, cards["Y"]))
    y_cpt = y_rows[pi_x] if through_macro else cpt_array(rng, (cards["X"], cards["Y"]))
    y = Node("Y", [f"y{i}" for i in range(cards["Y"])], ["X"], y_cpt)
    z = _node(rng, "Z", cards["Z"], ["X", "Y"], cards)
    macro = {"X": coarsening_from_assignment("X", x.states, pi_x)}
    for n in (y, z):
        macro[n.name] = coarsening_from_assignment(n.name, n.states,
                                                   random_partition(rng, n.cardinality, draw(st.integers(1, n.cardinality - 1))))
    return CausalModel([x, y, z], macro=macro, query=Query("Y", "Z"))


@given(figure5_models())
def test_lemma_11_when_y_sees_x_only_through_its_macro_state(model):
    result = verify(Aggregation.of(model), ("lemma-11",))
    assert all(c.holds for c in result.checks), [c for c in result.checks if not c.holds]


@settings(max_examples=40)
@given(figure5_models(through_macro=False))
def test_lemma_11_implication_on_generic_figure5_models(model):
    result = verify(Aggregation.of(model), ("lemma-11", "theorem-4.1"))
    assert result.ok  # whenever both hypotheses hold, (13) holds


def test_theorem_4_1_with_an_empty_adjustment_set_fails_the_backdoor():
    agg = Aggregation.of(load_model(DATA / "figure5.json"))
    checks = verify(agg, ("theorem-4.1",), adjust=()).checks
    backdoor = next(c for c in checks if "back-door criterion" in c.statement)
    assert not backdoor.holds and "does not block" in backdoor.statement
    conclusion = next(c for c in checks if c.statement.startswith("(13)"))
    assert not conclusion.required  # (13) is not promised without the hypotheses


def test_graphs():
    model = load_model(DATA / "cholesterol.json")
    g = amalgamated_graph(model)
    assert g.nodes["bar(Lipids)"]["level"] == "macro"
    assert g.edges["Diet", "Lipids"]["kind"] == "causal"
    after = macro_intervention_graph(model, "Lipids")
    assert not after.has_edge("Diet", "Lipids") and not after.has_edge("Lipids", "bar(Lipids)")
    assert after.edges["bar(Lipids)", "Lipids"]["kind"] == "intervention"
    assert after.has_edge("Diet", "HeartDisease") and after.has_edge("Lipids", "HeartDisease")
    macro = macro_graph(model)
    assert set(macro.edges) == {("Diet", "bar(Lipids)"), ("Diet", "bar(HeartDisease)"),
                                ("bar(Lipids)", "bar(HeartDisease)")}
    assert satisfies_backdoor(macro, "bar(Lipids)", "bar(HeartDisease)", ["Diet"])[0]
    assert not satisfies_backdoor(macro, "bar(Lipids)", "bar(HeartDisease)", [])[0]
    assert not satisfies_backdoor(macro, "Diet", "bar(HeartDisease)", ["bar(Lipids)"])[0]  # a descendant
