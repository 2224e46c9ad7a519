"""The exact searches of discagg.coarsen against brute force over every partition, on small random models."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from coarsen_reference import brute_optimum, brute_value, confounded_model, labels_of
from hypothesis import given, settings
from hypothesis import strategies as st

import discagg
from discagg.search.exact import contiguous_dp, mask_atoms, subset_dp, subset_masks
from discagg.search.partitions import (
    blocks,
    canonical,
    contiguous_count,
    contiguous_partitions,
    set_partitions,
    stirling2,
)

from strategies import triangle_model

SLACK = 1e-8  # two LP solves of one fibre agree to the LP's accuracy (1e-10 per row), well inside this

OBJECTIVES = [("confounding", "jsd"), ("ambiguity", "jsd"), ("abstraction", "tv"), ("abstraction", "jsd")]


@st.composite
def small_cases(draw: st.DrawFn, max_x: int = 5) -> tuple[discagg.CausalModel, int]:
    """Mostly strongly confounded models (positive optima are common), sometimes sparse ones (unsupported states)."""
    nx = draw(st.integers(2, max_x))
    ny = draw(st.integers(2, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    if draw(st.sampled_from([True, True, False])):
        model = confounded_model(seed, nx, draw(st.integers(2, 3)), ny, draw(st.integers(2, ny)))
    else:
        model = triangle_model(seed, nx, draw(st.integers(1, 3)), ny, draw(st.integers(1, nx - 1)),
                               draw(st.integers(1, ny - 1)), sparse=True)
    return model, draw(st.integers(1, nx))


def _coarsen(model, k, objective, metric, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", discagg.CoarseningWarning)
        return discagg.coarsen(model, "X", "Y", k, objective, metric=metric, **options)


# -- the recursions themselves, on arbitrary term tables ---------------------------------------------------

@given(st.integers(1, 7), st.data(), st.sampled_from(["sum", "max"]))
@settings(max_examples=60, deadline=None)
def test_subset_recursion_is_the_minimum_over_every_partition(n, data, combine):
    k = data.draw(st.integers(1, n))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    cost = np.round(rng.random(1 << n), 1)  # rounded: ties are common, and must not matter
    op = sum if combine == "sum" else max

    def value(labels):
        return op(cost[sum(1 << a for a in b)] for b in blocks(labels))

    brute = min(value(p) for p in set_partitions(n, k))
    found, labels = subset_dp(cost, n, k, combine)
    assert found == pytest.approx(brute, abs=1e-12)
    assert value(labels) == pytest.approx(found, abs=1e-12) and len(set(labels)) == k
    assert labels == canonical(labels)


@given(st.integers(1, 8), st.data(), st.sampled_from(["sum", "max"]))
@settings(max_examples=60, deadline=None)
def test_breakpoint_recursion_is_the_minimum_over_every_cut(n, data, combine):
    k = data.draw(st.integers(1, n))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    cost = np.round(rng.random((n + 1, n + 1)), 1)
    op = sum if combine == "sum" else max

    def value(labels):
        return op(cost[b[0], b[-1] + 1] for b in blocks(labels))

    brute = min(value(p) for p in contiguous_partitions(n, k))
    found, labels = contiguous_dp(cost, k, combine)
    assert found == pytest.approx(brute, abs=1e-12) and value(labels) == pytest.approx(found, abs=1e-12)
    assert all(b == tuple(range(b[0], b[-1] + 1)) for b in blocks(labels))


def test_partition_counts_and_enumerations_agree():
    for n in range(1, 8):
        for k in range(1, n + 1):
            every = list(set_partitions(n, k))
            assert len(every) == len(set(every)) == stirling2(n, k)
            assert all(p == canonical(p) and len(set(p)) == k for p in every)
            runs = list(contiguous_partitions(n, k))
            assert len(runs) == len(set(runs)) == contiguous_count(n, k)
            assert set(runs) <= set(every)
    assert stirling2(12, 4) == 611501 and stirling2(0, 0) == 1 and stirling2(3, 0) == 0
    assert [mask_atoms(int(m)) for m in subset_masks(3, 1)] == [(0,), (1,), (2,)]


# -- discagg.coarsen against brute force -------------------------------------------------------------------

@pytest.mark.parametrize("objective, metric", OBJECTIVES)
@given(case=small_cases())
@settings(max_examples=10, deadline=None)
def test_every_exact_answer_is_the_brute_force_optimum(objective, metric, case):
    model, k = case
    n = model.nodes["X"].cardinality
    result = _coarsen(model, k, objective, metric)
    assert result.method in ("exhaustive", "trivial", "causal-partition")
    assert result.candidates == stirling2(n, k)
    optimum, _ = brute_optimum(model, set_partitions(n, k), objective, metric)
    assert result.value == pytest.approx(optimum, abs=SLACK)
    # the partition reported has the value reported, checked by solve / bounds / coarsening_error
    assert brute_value(model, labels_of(result.coarsening), objective, metric) == pytest.approx(result.value,
                                                                                               abs=SLACK)
    # the certificate: a lower bound, valid (at most the optimum) and meeting the value
    assert result.lower_bound <= result.value + 1e-12
    assert result.lower_bound <= optimum + SLACK
    # optimal = the certified bound meets the value within the tolerance; every search here is complete, so only
    # a Jensen-Shannon centre certified to slightly less than 1e-9 (its solver's accuracy) can leave it unproved
    assert result.optimal == (result.value - result.lower_bound <= 1e-9)
    assert result.optimal or (metric == "jsd" and objective == "abstraction"
                              and result.value - result.lower_bound <= 1e-7)
    assert len(result.states) == k == result.coarsening.n_macro
    op = sum if objective != "abstraction" else max
    assert op(s.term for s in result.states) == pytest.approx(result.value, abs=1e-12)


@pytest.mark.parametrize("objective, metric", OBJECTIVES)
@given(case=small_cases(max_x=6))
@settings(max_examples=8, deadline=None)
def test_dynamic_programming_is_the_best_cut_and_no_better_than_any_partition(objective, metric, case):
    model, k = case
    n = model.nodes["X"].cardinality
    runs = _coarsen(model, k, objective, metric, contiguous=True)
    assert runs.method in ("dynamic-programming", "trivial")
    assert runs.optimal or (metric == "jsd" and runs.value - runs.lower_bound <= 1e-7)
    assert runs.candidates == contiguous_count(n, k)
    optimum, _ = brute_optimum(model, contiguous_partitions(n, k), objective, metric)
    assert runs.value == pytest.approx(optimum, abs=SLACK)
    assert all(b == tuple(range(b[0], b[-1] + 1)) for b in blocks(labels_of(runs.coarsening)))
    assert runs.lower_bound <= optimum + SLACK and runs.lower_bound <= runs.value + 1e-12
    anything = _coarsen(model, k, objective, metric)
    assert anything.value <= runs.value + SLACK  # runs are some of the partitions


@pytest.mark.parametrize("objective, metric", OBJECTIVES)
@given(case=small_cases(max_x=6))
@settings(max_examples=6, deadline=None)
def test_the_heuristic_is_never_better_than_the_optimum_and_its_bound_never_above_it(objective, metric, case):
    model, k = case
    exact = _coarsen(model, k, objective, metric)
    guess = _coarsen(model, k, objective, metric, method="heuristic", restarts=2, seed=5)
    assert guess.value >= exact.value - SLACK
    assert guess.lower_bound <= exact.value + SLACK  # a valid bound on the true optimum
    assert guess.lower_bound <= guess.value + 1e-12
    if guess.optimal:
        assert guess.value == pytest.approx(exact.value, abs=SLACK)
    n = model.nodes["X"].cardinality
    assert brute_value(model, labels_of(guess.coarsening), objective, metric) == pytest.approx(guess.value,
                                                                                              abs=SLACK)
    if 1 < k < n and guess.method == "heuristic":
        assert not guess.optimal or guess.value - guess.lower_bound <= 1e-9


def test_the_heuristic_beyond_the_exhaustive_limit_against_a_forced_exhaustive_search():
    # 15 micro states (auto would not search them all); ambiguity is cheap enough to search exhaustively
    model = confounded_model(7, 15, 3, 4, 3)
    k = 2
    exact = _coarsen(model, k, "ambiguity", "jsd", method="exhaustive")
    auto = _coarsen(model, k, "ambiguity", "jsd")
    assert exact.method == "exhaustive" and exact.optimal and auto.method == "heuristic"
    assert auto.value >= exact.value - 1e-12 and auto.lower_bound <= exact.value + 1e-12
    assert exact.candidates == stirling2(15, k)


def test_merging_whole_macro_states_and_the_cut_of_ordered_levels():
    # atoms = the macro states of the cause's own map: a coarsening of a coarsening
    model = triangle_model(3, 6, 3, 4, 4, 2)
    pi = model.macro["X"]
    found = _coarsen(model, 2, "confounding", "jsd", atoms="macro")
    assert found.atoms == "macro" and found.n_atoms == 4 and found.candidates == stirling2(4, 2)
    for state in found.states:  # each fibre is a union of whole macro states of the given map
        assert sorted(state.micro) == sorted(m for a in state.atoms for m in pi.to_mapping()[a])
    every = [tuple(int(p[pi.assignment[i]]) for i in range(6)) for p in set_partitions(4, 2)]
    optimum, _ = brute_optimum(model, every, "confounding")
    assert found.value == pytest.approx(optimum, abs=SLACK)
    runs = _coarsen(model, 2, "confounding", "jsd", atoms="macro", contiguous=True)
    cuts = [tuple(int(p[pi.assignment[i]]) for i in range(6)) for p in contiguous_partitions(4, 2)]
    assert runs.value == pytest.approx(brute_optimum(model, cuts, "confounding")[0], abs=SLACK)


def test_a_single_node_cut_into_runs_is_written_inline_and_reads_back():
    model = triangle_model(21, 6, 3, 4, 2, 2)
    runs = _coarsen(model, 3, "confounding", "jsd", contiguous=True)
    assert runs.cause_option is not None and runs.cause_option.startswith("X:@")
    inline = discagg.Aggregation.of(model, runs.cause_option, "Y").cause_map
    assert inline.to_mapping() == runs.macro  # same names, same members


def test_the_model_written_reads_back_with_the_coarsening_and_its_gaps():
    model = discagg.load_model("net:sachs")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        found = discagg.coarsen(model, "Raf,Mek:sum", "Erk,Akt:sum>=2", 4)
        written = discagg.loads_model(discagg.dumps_model(found.to_model()))
        solution = discagg.solve(written)
    assert written.query.cause == found.cause == "Raf+Mek" and written.groups["Raf+Mek"].spec.keys() == {"table"}
    assert written.coarsening(found.cause).to_mapping() == found.macro
    assert [s.status for s in solution.states] == ["inhibiting"] * 4 and found.value == 0.0
    # the given map, the sum of levels, is the one the README shows: three macro states are not inhibitable
    assert found.given is not None and found.given.k == 5 and found.given.value == pytest.approx(0.046716, abs=1e-6)


@pytest.mark.parametrize("k, objective, options, match", [
    (0, "confounding", {}, "k: expected a number of macro states from 1 to 4"),
    (5, "confounding", {}, "from 1 to 4"),
    (2.0, "confounding", {}, "found 2.0"),
    (True, "confounding", {}, "found True"),
    (2, "entropy", {}, "objective: expected one of"),
    (2, "abstraction", {"metric": "kl"}, "metric"),
    (2, "confounding", {"atoms": "joint"}, "atoms"),
    (2, "confounding", {"method": "milp"}, "method"),
    (2, "confounding", {"contiguous": True, "method": "heuristic"}, "with contiguous runs"),
    (2, "confounding", {"restarts": -1}, "restarts"),
])
def test_bad_arguments_are_model_errors(k, objective, options, match):
    with pytest.raises(discagg.ModelError, match=match):
        discagg.coarsen("example:cholesterol", None, None, k, objective, **options)


def test_the_repr_is_short_and_to_dict_has_the_issue_keys():
    found = discagg.coarsen("example:cholesterol", None, None, 2, "ambiguity")
    assert len(repr(found)) < 160 and "CoarseningSearch(" in repr(found)
    doc = found.to_dict()
    assert list(doc)[:6] == ["objective", "k", "value", "optimal", "lower_bound", "macro"]
    assert doc["macro"] == found.macro and sum(len(v) for v in doc["macro"].values()) == 4
    assert all("width" in s for s in doc["states"])
