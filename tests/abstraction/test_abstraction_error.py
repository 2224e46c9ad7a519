"""The abstraction error against brute-force enumeration of the joint distributions, and by hand."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from abstraction_reference import brute_pair_error, do_distribution, jsd_bits, jsd_nats
from hypothesis import given, settings
from hypothesis import strategies as st

from discagg import CausalModel, ModelError, Node, abstraction_error
from discagg.abstraction.metrics import js_distance_nats
from discagg.core.abstraction import AbstractionMap, Pair, VariableMap
from discagg.io.abstraction_format import load_abstraction_spec, load_role_model, scenario_names

SCENARIOS = ("basic", "collapsing", "extended", "vstruct")


def scenario(name):
    return (load_role_model(f"scenario:{name}", "micro"), load_role_model(f"scenario:{name}", "macro"),
            load_abstraction_spec(f"scenario:{name}"))


def plain_maps(mapping: AbstractionMap) -> dict[str, tuple[list[str], list[int]]]:
    return {m: (list(v.nodes), v.image.tolist()) for m, v in mapping.variables.items()}


def test_the_four_scenarios_are_shipped():
    assert scenario_names() == SCENARIOS


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("metric", ["jsd", "tv"])
def test_scenarios_agree_with_enumeration_of_the_joint(name, metric):
    micro, macro, spec = scenario(name)
    result = abstraction_error(micro, macro, spec, metric=metric)
    maps = plain_maps(spec.bind(micro, macro))
    for pair in result.pairs:
        expected = brute_pair_error(micro, macro, maps, list(pair.pair.sources), list(pair.pair.targets), metric)
        np.testing.assert_allclose(pair.distances, expected, rtol=0, atol=1e-12)
        assert pair.error == pytest.approx(max(expected), abs=1e-12)
        assert pair.distances[pair.argmax_index] == pair.error
    assert result.overall == max(p.error for p in result.pairs)
    assert result.base == (2.0 if metric == "jsd" else None)


def test_the_default_pairs_are_zennaro_et_al_evaluation_sets():
    expected = {"basic": [("Smoking_", "Cancer_")],
                "collapsing": [("Smoking_", "Tar_"), ("Smoking_", "Cancer_"), ("Tar_", "Cancer_")],
                "extended": [("Smoking_", "Tar_"), ("Smoking_", "Cancer_"), ("Tar_", "Cancer_")],
                "vstruct": [("Smoking_", "Cancer_"), ("Smoking_", "Fatigue_"), ("Cancer_", "Fatigue_")]}
    for name, pairs in expected.items():
        result = abstraction_error(*scenario(name))
        assert [(p.pair.sources[0], p.pair.targets[0]) for p in result.pairs] == pairs


def test_collapsing_by_hand():
    # micro: P(Tar | do(E, S = 0)) = (0.95, 0.05); macro: P(Tar_ | do(Smoking_ = 0)) = (1, 0): TV 0.05.
    # P(Cancer = 0 | do(S = 0)) = 0.95 * 0.9 + 0.05 * 0.6 = 0.885 against 0.9: TV 0.015. Tar -> Cancer is the same CPT.
    result = abstraction_error(*scenario("collapsing"), metric="tv")
    assert [p.error for p in result.pairs] == pytest.approx([0.05, 0.015, 0.0], abs=1e-15)
    assert result.pairs[0].argmax == {"Environment": "0", "Smoking": "0"}
    assert result.pairs[0].macro_intervention(result.pairs[0].argmax_index) == {"Smoking_": "0"}
    jsd = abstraction_error(*scenario("collapsing"))
    p, q = [0.95, 0.05], [1.0, 0.0]
    by_hand = 0.5 * 0.95 * math.log2(0.95 / 0.975) + 0.5 * 0.05 * math.log2(0.05 / 0.025) \
        + 0.5 * 1.0 * math.log2(1.0 / 0.975)
    assert jsd.pairs[0].error == pytest.approx(by_hand, abs=1e-15) == pytest.approx(jsd_bits(p, q), abs=1e-15)
    assert not jsd.exact and not result.exact


@pytest.mark.parametrize("name, exact", [("basic", True), ("collapsing", False), ("extended", True),
                                         ("vstruct", False)])
def test_exactness_of_the_true_maps(name, exact):
    result = abstraction_error(*scenario(name))
    assert result.exact is exact
    assert (result.overall <= 1e-15) is exact


@pytest.mark.parametrize("name", SCENARIOS)
def test_bits_and_zennaro_et_al_js_distance_in_nats(name):
    # their evaluation: max over pairs and interventions of scipy's jensenshannon (natural base) = sqrt(ln 2 * bits)
    micro, macro, spec = scenario(name)
    maps = plain_maps(spec.bind(micro, macro))
    result = abstraction_error(micro, macro, spec)
    worst = 0.0
    for pair in result.pairs:
        sources, targets = list(pair.pair.sources), list(pair.pair.targets)
        src_nodes = [n for m in sources for n in maps[m][0]]
        for s in itertools.product(*(range(micro.cardinality(n)) for n in src_nodes)):
            micro_dist = do_distribution(micro, dict(zip(src_nodes, s)), [n for m in targets for n in maps[m][0]])
            (t_nodes, t_img), = [maps[m] for m in targets]
            (s_nodes, s_img), = [maps[m] for m in sources]
            pushed = np.zeros(macro.cardinality(targets[0]))
            for t, p in micro_dist.items():
                pushed[t_img[np.ravel_multi_index(t, [micro.cardinality(n) for n in t_nodes])]] += p
            s_macro = s_img[np.ravel_multi_index(s, [micro.cardinality(n) for n in s_nodes])]
            macro_dist = do_distribution(macro, {sources[0]: s_macro}, targets)
            q = [macro_dist.get((j,), 0.0) for j in range(len(pushed))]
            worst = max(worst, math.sqrt(max(jsd_nats(pushed, q), 0.0)))  # scipy's jensenshannon, natural base
    assert js_distance_nats(result.overall) == pytest.approx(worst, abs=1e-7)


def _random_problem(seed: int):
    """A random micro DAG, macro nodes over disjoint groups of its nodes, a random macro DAG and random maps."""
    rng = np.random.default_rng(seed)
    n_micro = int(rng.integers(3, 6))
    names = [f"V{i}" for i in range(n_micro)]
    cards = {v: int(rng.integers(2, 4)) for v in names}
    nodes = []
    for i, v in enumerate(names):
        parents = [u for u in names[:i] if rng.random() < 0.5]
        shape = tuple(cards[p] for p in parents)
        nodes.append(Node(v, [str(s) for s in range(cards[v])], parents,
                          rng.dirichlet(np.ones(cards[v]), size=shape) if shape else rng.dirichlet(np.ones(cards[v]))))
    micro = CausalModel(nodes)
    order = list(rng.permutation(names))
    n_macro = int(rng.integers(2, 4))
    cuts = sorted(rng.choice(np.arange(1, len(order)), size=n_macro - 1, replace=False).tolist())
    groups = [order[a:b] for a, b in zip([0] + cuts, cuts + [len(order)])]
    groups = [g[:int(rng.integers(1, len(g) + 1))] for g in groups]  # some micro nodes are summed out
    macro_names = [f"M{j}" for j in range(n_macro)]
    states = {v: micro.nodes[v].states for v in names}
    k = {}
    mapping = {}
    for m, g in zip(macro_names, groups):
        joint = math.prod(cards[v] for v in g)
        k[m] = int(rng.integers(1, min(joint, 3) + 1))
        image = np.concatenate([np.arange(k[m]), rng.integers(0, k[m], joint - k[m])])
        rng.shuffle(image)
        mapping[m] = VariableMap.from_image(m, g, states, [str(s) for s in range(k[m])], image)
    macro_nodes = []
    for j, m in enumerate(macro_names):
        parents = [u for u in macro_names[:j] if rng.random() < 0.6]
        shape = tuple(k[p] for p in parents)
        macro_nodes.append(Node(m, [str(s) for s in range(k[m])], parents,
                                rng.dirichlet(np.ones(k[m]), size=shape) if shape else rng.dirichlet(np.ones(k[m]))))
    macro = CausalModel(macro_nodes)
    pairs = []
    for _ in range(3):
        chosen = list(rng.permutation(macro_names))
        cut = int(rng.integers(1, len(chosen)))
        pairs.append(Pair(tuple(chosen[:cut]), tuple(chosen[cut:])))
    return micro, macro, AbstractionMap(mapping), pairs


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["jsd", "tv"]))
def test_random_models_agree_with_enumeration(seed, metric):
    micro, macro, mapping, pairs = _random_problem(seed)
    result = abstraction_error(micro, macro, mapping, pairs, metric)
    maps = plain_maps(mapping)
    for pair in result.pairs:
        expected = brute_pair_error(micro, macro, maps, list(pair.pair.sources), list(pair.pair.targets), metric)
        np.testing.assert_allclose(pair.distances, expected, rtol=0, atol=1e-12)
        assert expected[pair.argmax_index] == pytest.approx(max(expected), abs=1e-12)  # the named one attains it


@settings(max_examples=15, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["jsd", "tv"]))
def test_the_best_mechanism_is_a_lower_bound_for_every_macro_model(seed, metric):
    micro, macro, mapping, pairs = _random_problem(seed)
    with_model = abstraction_error(micro, macro, mapping, pairs, metric)
    best = abstraction_error(micro, macro, mapping, pairs, metric, mechanism="best")
    assert best.mechanism == "best"
    for a, b in zip(with_model.pairs, best.pairs):
        assert b.error <= a.error + 1e-7
        assert b.mechanism.lower_bound <= b.error + 1e-12


def test_zero_error_with_the_best_mechanism_is_an_exact_transformation():
    # Y depends on X only through X's macro state: P(Y | do(x)) is the same on each fibre, so one macro
    # mechanism makes every diagram commute; perturbing one row breaks it.
    rows = np.array([[0.7, 0.2, 0.1], [0.7, 0.2, 0.1], [0.1, 0.3, 0.6], [0.1, 0.3, 0.6]])
    x = Node("X", ["0", "1", "2", "3"], [], [0.25] * 4)

    def build(cpt):
        return CausalModel([x, Node("Y", ["0", "1", "2"], ["X"], cpt)])

    states = {"X": x.states, "Y": ("0", "1", "2")}
    mapping = AbstractionMap({"Xbar": VariableMap.from_image("Xbar", ["X"], states, ["a", "b"], [0, 0, 1, 1]),
                              "Ybar": VariableMap.from_image("Ybar", ["Y"], states, ["lo", "hi"], [0, 0, 1])})
    exact = abstraction_error(build(rows), None, mapping)
    assert exact.exact and exact.overall <= 1e-12
    (pair,) = exact.pairs
    table = pair.mechanism_table()
    assert table["a"] == pytest.approx({"lo": 0.9, "hi": 0.1}) and table["b"] == pytest.approx({"lo": 0.4, "hi": 0.6})
    # the mechanism reproduces every pushed-forward micro row: the diagram commutes for every intervention
    assert float(pair.tv.max()) <= 1e-12
    perturbed = rows.copy()
    perturbed[1] = [0.6, 0.2, 0.2]
    inexact = abstraction_error(build(perturbed), None, mapping, metric="tv")
    assert not inexact.exact
    assert inexact.overall == pytest.approx(0.05, abs=1e-9)  # rows lo = 0.9 and 0.8: the centre 0.85


def test_json_document():
    doc = abstraction_error(*scenario("vstruct")).to_dict()
    assert set(doc) == {"metric", "base", "overall", "exact", "mechanism", "pairs", "micro_name", "macro_name"}
    assert doc["metric"] == "jsd" and doc["base"] == 2.0 and doc["mechanism"] == "model"
    first = doc["pairs"][0]
    assert first["sources"] == ["Smoking_"] and first["targets"] == ["Cancer_"]
    assert first["argmax"] == {"Smoking": "0"} and first["argmax_macro"] == {"Smoking_": "1"}
    assert doc["overall"] == max(p["error"] for p in doc["pairs"])
    # by hand: P(Cancer = 0 | do(Smoking = 0)) = 0.7 * 0.15 + 0.3 * 0.85 = 0.36 against the macro's 0.66 at
    # Smoking_ = 1 (the map swaps the states); do(Smoking = 1): 0.7 * 0.65 + 0.3 * 0.75 = 0.68 against 0.9
    assert first["interventions"] == [
        {"micro": {"Smoking": "0"}, "macro": {"Smoking_": "1"}, "distance": first["error"], "tv": pytest.approx(0.3)},
        {"micro": {"Smoking": "1"}, "macro": {"Smoking_": "0"}, "distance": pytest.approx(jsd_bits([0.68, 0.32],
                                                                                                  [0.9, 0.1])),
         "tv": pytest.approx(0.22)}]
    assert first["error"] == pytest.approx(jsd_bits([0.36, 0.64], [0.66, 0.34]))


def test_names_as_sources():
    by_name = abstraction_error("scenario:vstruct", "scenario:vstruct", "scenario:vstruct")
    by_object = abstraction_error(*scenario("vstruct"))
    assert [p.error for p in by_name.pairs] == [p.error for p in by_object.pairs]


@pytest.mark.parametrize("kwargs, message", [
    ({"metric": "kl"}, "metric: expected one of ['jsd', 'tv']"),
    ({"mechanism": "other"}, "mechanism: expected 'model' or 'best'"),
    ({"pairs": [Pair(("Smoking_",), ("Smoking_",))]}, "sources and targets without common nodes"),
    ({"pairs": [Pair(("Nope",), ("Cancer_",))]}, "pairs[0].sources[0]: expected a macro node"),
    ({"pairs": []}, "pairs: expected at least one pair"),
])
def test_bad_arguments(kwargs, message):
    with pytest.raises(ModelError, match=message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")):
        abstraction_error(*scenario("vstruct"), **kwargs)
