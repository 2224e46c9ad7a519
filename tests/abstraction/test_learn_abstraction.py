"""Learning the value maps: exhaustive search and branch and bound against brute force over every surjection."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from abstraction_reference import all_surjections, do_distribution, jsd_bits, surjection_count, tv
from hypothesis import given, settings
from hypothesis import strategies as st

from discagg import CausalModel, ModelError, Node, abstraction_error, learn_abstraction
from discagg.core.abstraction import AbstractionSpec, Pair, default_pairs
from discagg.io.abstraction_format import load_abstraction_spec

SCENARIOS = ("basic", "collapsing", "extended", "vstruct")


def _random_problem(seed: int, grouped: bool):
    """Micro A -> B -> C (A two binary nodes when grouped), macro Abar -> Bbar -> Cbar, random CPTs."""
    rng = np.random.default_rng(seed)
    if grouped:
        a_nodes = [Node("A1", ["0", "1"], [], rng.dirichlet([1, 1])), Node("A2", ["0", "1"], [], rng.dirichlet([1, 1]))]
        a_group, a_parents, a_shape = ["A1", "A2"], ["A1", "A2"], (2, 2)
    else:
        a_nodes = [Node("A", ["0", "1", "2", "3"], [], rng.dirichlet(np.ones(4)))]
        a_group, a_parents, a_shape = ["A"], ["A"], (4,)
    b = Node("B", ["0", "1", "2"], a_parents, rng.dirichlet(np.full(3, 0.5), size=a_shape))
    c = Node("C", ["0", "1"], ["B"], rng.dirichlet(np.full(2, 0.5), size=3))
    micro = CausalModel([*a_nodes, b, c])
    macro = CausalModel([Node("Abar", ["0", "1", "2"], [], rng.dirichlet(np.ones(3))),
                         Node("Bbar", ["0", "1"], ["Abar"], rng.dirichlet(np.ones(2), size=3)),
                         Node("Cbar", ["0", "1"], ["Bbar"], rng.dirichlet(np.ones(2), size=2))])
    groups = {"Abar": a_group, "Bbar": ["B"], "Cbar": ["C"]}
    return micro, macro, groups


def _brute_force(micro, macro, groups, pairs, metric):
    """Every combination of surjections, each error summed from enumerated kernels: (least max, least sum at it)."""
    n = {m: int(np.prod([micro.cardinality(x) for x in g])) for m, g in groups.items()}
    k = {m: macro.cardinality(m) for m in macro.nodes}
    kernels = []
    for pair in pairs:
        (s,), (t,) = pair.sources, pair.targets
        s_nodes, t_nodes = groups[s], groups[t]
        rows = []
        for combo in itertools.product(*(range(micro.cardinality(x)) for x in s_nodes)):
            dist = do_distribution(micro, dict(zip(s_nodes, combo)), t_nodes)
            rows.append([dist.get(tt, 0.0) for tt in itertools.product(*(range(micro.cardinality(x))
                                                                          for x in t_nodes))])
        macro_rows = [[do_distribution(macro, {s: v}, [t]).get((w,), 0.0) for w in range(k[t])] for v in range(k[s])]
        kernels.append((s, t, rows, macro_rows))
    names = list(macro.nodes)
    results = []
    for maps in itertools.product(*(all_surjections(n[m], k[m]) for m in names)):
        image = dict(zip(names, maps))
        errors = []
        for s, t, rows, macro_rows in kernels:
            worst = 0.0
            for i, row in enumerate(rows):
                pushed = [0.0] * k[t]
                for j, p in enumerate(row):
                    pushed[image[t][j]] += p
                q = macro_rows[image[s][i]]
                worst = max(worst, jsd_bits(pushed, q) if metric == "jsd" else tv(pushed, q))
            errors.append(worst)
        results.append((max(errors), sum(errors), image))
    best = min(r[0] for r in results)
    best_sum = min(r[1] for r in results if r[0] <= best + 1e-9)
    return best, best_sum, len(results)


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans(), st.sampled_from(["jsd", "tv"]))
def test_both_searches_find_the_brute_force_optimum(seed, grouped, metric):
    micro, macro, groups = _random_problem(seed, grouped)
    spec = AbstractionSpec({m: (tuple(g), None) for m, g in groups.items()})
    pairs = default_pairs(spec, macro)
    best, best_sum, count = _brute_force(micro, macro, groups, pairs, metric)
    exhaustive = learn_abstraction(micro, macro, spec, metric=metric, method="exhaustive")
    bnb = learn_abstraction(micro, macro, spec, metric=metric, method="branch-and-bound")
    assert exhaustive.candidates == bnb.candidates == count == 36 * 6 * 2
    for found in (exhaustive, bnb):
        assert found.optimal and not found.stopped
        assert found.value == pytest.approx(best, abs=1e-12)
        assert found.lower_bound == pytest.approx(best, abs=1e-9)
        # the tie-break: the least sum of pair errors among the optima
        assert sum(p.error for p in found.error.pairs) == pytest.approx(best_sum, abs=1e-9)
        # the reported error is recomputed from the maps, independently of the search
        assert abstraction_error(micro, macro, found.mapping, metric=metric).overall == pytest.approx(found.value)
    assert exhaustive.evaluated == count and bnb.evaluated < count


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("method", ["exhaustive", "branch-and-bound"])
def test_the_four_scenarios_recover_the_true_maps(name, method):
    source = f"scenario:{name}"
    found = learn_abstraction(source, source, source, method=method)
    truth = abstraction_error(source, source, source)
    assert found.optimal and found.value == pytest.approx(truth.overall, abs=1e-15)
    assert found.l1 == 0 and set(found.differing.values()) == {0}
    assert found.error.exact is truth.exact
    if method == "exhaustive":
        assert found.ties == (2 if name == "vstruct" else 1)
        assert found.tie_l1 == ((0, 4) if name == "vstruct" else (0, 0))


def test_surjection_counts():
    found = learn_abstraction("scenario:extended", "scenario:extended", "scenario:extended")
    assert found.candidates == surjection_count(4, 3) * surjection_count(3, 2) * surjection_count(2, 2) == 432


def test_a_time_limit_gives_a_certified_lower_bound():
    rng = np.random.default_rng(7)
    a = [Node(f"A{i}", ["0", "1"], [], rng.dirichlet([1, 1])) for i in range(3)]
    b = [Node(f"B{i}", ["0", "1"], ["A0", "A1", "A2"], rng.dirichlet([1, 1], size=(2, 2, 2))) for i in range(2)]
    c = Node("C", ["0", "1"], ["B0", "B1"], rng.dirichlet([1, 1], size=(2, 2)))
    micro = CausalModel([*a, *b, c])
    macro = CausalModel([Node("Abar", ["0", "1", "2"], [], [0.3, 0.3, 0.4]),
                         Node("Bbar", ["0", "1", "2"], ["Abar"], rng.dirichlet(np.ones(3), size=3)),
                         Node("Cbar", ["0", "1"], ["Bbar"], rng.dirichlet(np.ones(2), size=3))])
    spec = AbstractionSpec({"Abar": (("A0", "A1", "A2"), None), "Bbar": (("B0", "B1"), None), "Cbar": (("C",), None)})
    full = learn_abstraction(micro, macro, spec, metric="tv", method="branch-and-bound")
    assert full.optimal and not full.stopped
    cut = learn_abstraction(micro, macro, spec, metric="tv", method="branch-and-bound", time_limit=1e-6)
    assert cut.stopped and cut.nodes < full.nodes
    assert cut.lower_bound <= full.value + 1e-12 <= cut.value + 2e-12
    assert cut.optimal == (cut.lower_bound >= cut.value - 1e-9)


def test_macro_nodes_in_no_pair_are_undetermined():
    found = learn_abstraction("scenario:vstruct", "scenario:vstruct", "scenario:vstruct",
                              [Pair(("Smoking_",), ("Cancer_",))])
    assert found.undetermined == ("Fatigue_",)
    assert found.mapping.variables["Fatigue_"].image.tolist() == [0, 0, 0, 1]  # the first surjection


def test_reference_distance_is_zennaro_et_al_l1():
    variables = load_abstraction_spec("scenario:vstruct")
    wrong = AbstractionSpec({**variables.variables, "Smoking_": (("Smoking",), {"table": {"0": "0", "1": "1"}})})
    found = learn_abstraction("scenario:vstruct", "scenario:vstruct", variables, reference=wrong)
    # L1 between 0/1 matrices: two entries change per micro state mapped elsewhere
    assert found.differing == {"Smoking_": 2, "Cancer_": 0, "Fatigue_": 0} and found.l1 == 4
    matrix = found.mapping.variables["Smoking_"].matrix()
    assert np.abs(matrix - np.eye(2)).sum() == 4


def test_json_document():
    doc = learn_abstraction("scenario:collapsing", "scenario:collapsing", "scenario:collapsing").to_dict()
    for key in ("metric", "base", "value", "lower_bound", "optimal", "stopped", "method", "candidates", "maps",
                "distance", "error", "abstraction"):
        assert key in doc
    assert doc["maps"]["Smoking_"] == {"0,0": "0", "0,1": "1", "1,0": "0", "1,1": "1"}
    assert doc["distance"]["l1"] == 0 and doc["abstraction"]["format"] == "discagg/abstraction-v1"


def test_bad_inputs():
    spec = AbstractionSpec({"Smoking_": (("Smoking",), None), "Cancer_": (("Cancer",), None)})
    micro = CausalModel([Node("Smoking", ["0", "1"], [], [0.5, 0.5]), Node("Cancer", ["0"], ["Smoking"], [[1.0]] * 2)])
    with pytest.raises(ModelError, match="at least 2 micro joint states"):
        learn_abstraction(micro, "scenario:basic", spec)
    with pytest.raises(ModelError, match="a macro model"):
        learn_abstraction("scenario:basic", None, "scenario:basic")
    with pytest.raises(ModelError, match="method"):
        learn_abstraction("scenario:basic", "scenario:basic", "scenario:basic", method="greedy")
    with pytest.raises(ModelError, match="time_limit"):
        learn_abstraction("scenario:basic", "scenario:basic", "scenario:basic", time_limit=0)
