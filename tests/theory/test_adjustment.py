"""Theorem 4.1's hypothesis (P(Xbar) Markov relative to the macro graph), its back-door sets and estimands."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest

from discagg import Aggregation, load_model
from discagg.cli import main
from discagg.core.inference import interventional
from discagg.errors import AssumptionWarning, ModelError
from discagg.theory.adjustment import adjusted_effect, backdoor_sets, markov_residual
from discagg.theory.checks import verify

from conftest import DATA


@pytest.mark.parametrize("name", ["chain-holds", "chain-fails"])
def test_markov_residual_of_a_chain_is_lemma_10s_condition_12(name):
    # On X -> Y -> Z the only local Markov statement with content is Zbar _||_ Xbar | Ybar, which is (12).
    model = load_model(DATA / f"{name}.json")
    residual, _ = markov_residual(model)
    lemma = verify(Aggregation.of(model), ("lemma-10",)).checks
    condition_12 = next(c for c in lemma if c.statement.startswith("(12)"))
    assert residual == pytest.approx(condition_12.residual, abs=1e-15)
    exact, _ = markov_residual(model, exact=True)
    assert (exact == 0) == (name == "chain-holds")


def test_backdoor_sets_of_asia_by_hand():
    # lung's only back-door path is lung <- smoke -> bronc -> dysp: a valid set holds smoke or bronc, and any
    # of asia and tub (the other non-descendants): 16 - 4 = 12 sets.
    sets = backdoor_sets(load_model("net:asia"), "lung", "dysp")
    assert len(sets) == 12 and len(set(sets)) == 12
    assert all({"smoke", "bronc"} & set(s) and set(s) <= {"asia", "tub", "smoke", "bronc"} for s in sets)
    assert sets[0] == ("smoke",) and [len(s) for s in sets] == sorted(len(s) for s in sets)


def test_every_valid_set_gives_the_interventional_distribution():
    # lung has no coarsening, so the back-door estimand of every valid set is P(dysp | do(lung)).
    model = Aggregation.of(load_model("net:asia"), "lung", "dysp").model  # identity coarsenings added
    truth = interventional(model, "dysp", "lung")
    for adjust in backdoor_sets(model, "lung", "dysp"):
        result = adjusted_effect(model, "lung", "dysp", adjust, support=1e-12)
        assert result.defined.all()
        np.testing.assert_allclose(result.estimate, truth, atol=1e-12)
        np.testing.assert_allclose(result.realization_effect, truth, atol=1e-12)
        assert result.condition_15 < 1e-12 and result.condition_13 < 1e-12


def test_theorem_4_1_compares_the_valid_sets_and_requires_their_agreement():
    agg = Aggregation.of(load_model("net:asia"), "lung:count=yes", "dysp")
    result = verify(agg, ("theorem-4.1",), adjust=("smoke",))
    assert result.ok and [a.adjust for a in result.adjusted][0] == ("smoke",) and len(result.adjusted) == 12
    agree = next(c for c in result.checks if c.statement.startswith("the back-door estimands"))
    assert agree.required and agree.holds and "12 valid adjustment sets" in agree.statement
    doc = result.to_dict()
    assert doc["adjusted"][0]["adjust"] == ["smoke"] and set(doc["adjusted"][0]["estimate"]) == {"0", "1"}


def test_a_non_markov_macro_distribution_leaves_the_conclusion_unrequired():
    agg = Aggregation.of(load_model(DATA / "chain-fails.json"), "Visits", "Revenue")
    checks = verify(agg, ("theorem-4.1",), adjust=()).checks
    markov = checks[0]
    assert markov.statement.startswith("P(Xbar_1, ..., Xbar_n) is Markov") and not markov.holds
    assert not next(c for c in checks if c.statement.startswith("(13)")).required


def test_exact_theorem_4_1_on_figure5():
    result = verify(Aggregation.of(load_model(DATA / "figure5.json")), ("theorem-4.1",), exact=True)
    assert result.ok and all(c.holds_exactly is not None for c in result.checks)
    assert next(c for c in result.checks if c.statement.startswith("P(Xbar_1")).holds_exactly


@pytest.mark.parametrize("adjust, message", [
    ("nope", "--adjust: expected macro variables of the model"),
    ("Price", "--adjust: expected macro variables other than the cause and the effect, found 'Price'"),
    ("Region,bar(Region)", "--adjust: expected distinct macro variables, found 'bar(Region)' twice"),
    ("Region,", "--adjust: a comma-separated list of names"),
])
def test_bad_adjustment_sets_are_one_line_errors(adjust, message, capsys):
    code = main(["verify", str(DATA / "figure5.json"), "--check", "theorem-4.1", "--adjust", adjust])
    err = capsys.readouterr().err
    assert code == 2 and message in err and err.count("\n") == 1


def test_adjust_by_macro_name_and_json(capsys):
    code = main(["verify", str(DATA / "figure5.json"), "--check", "theorem-4.1", "--adjust", "bar(Region)", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["adjusted"][0]["adjust"] == ["bar(Region)"]
    code = main(["verify", str(DATA / "figure5.json"), "--adjust", "Region"])
    assert code == 2 and "--check theorem-4.1, condition-14 or condition-15 with it" in capsys.readouterr().err


def test_a_cause_group_with_a_path_inside_warns_assumption_1():
    asia = load_model("net:asia")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        Aggregation.of(asia, "tub,lung:count=yes", "dysp")  # no path between tub and lung
        assert not [w for w in caught if issubclass(w.category, AssumptionWarning)]
        Aggregation.of(asia, "smoke,either:count=yes", "dysp")  # smoke -> lung -> either
    messages = [str(w.message) for w in caught if issubclass(w.category, AssumptionWarning)]
    assert messages == ["the cause group 'smoke+either' has a directed path inside it (smoke -> ... -> either): the "
                        "paper's Assumption 1 excludes this, and do(Xbar) then fixes a node together with one of "
                        "its causes"]


def test_adjusted_effect_rejects_nothing_silently():
    with pytest.raises(ModelError):
        verify(Aggregation.of(load_model(DATA / "figure5.json")), ("theorem-4.1",), adjust=("Sales",))
