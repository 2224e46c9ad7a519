"""Short reprs: the exact line on the cholesterol example, and short lines on alarm- and munin-sized inputs."""

from __future__ import annotations

import re

import numpy as np
import pytest

from discagg import (
    DEFAULT_TOLERANCE,
    Aggregation,
    CausalModel,
    Coarsening,
    Node,
    Query,
    effect_bounds,
    inspect_model,
    load_model,
    most_inducing,
    reach,
    solve,
)
from discagg.theory.checks import verify

LIMIT = 120


@pytest.fixture(scope="module")
def cholesterol() -> CausalModel:
    return load_model("example:cholesterol")


def test_every_public_type_reads_as_one_short_line_on_the_example(cholesterol):
    agg = Aggregation.of(cholesterol)
    natural = agg.natural_realization()
    solution = solve(cholesterol)
    report = inspect_model(cholesterol)
    bounds = effect_bounds(cholesterol, f=[0.0, 1.0])
    # P(low) = 0.21, P(medium) = 0.545; TV gap of low under the natural realization 0.0471 (the table of
    # `discagg inspect`); the medium fibre's P(yes | do(x)) ranges over [0.13, 0.44] (`discagg bounds`).
    expected = {
        repr(cholesterol): "CausalModel(name='cholesterol', 3 nodes, query Lipids -> HeartDisease)",
        repr(cholesterol.nodes["Lipids"]): "Node(name='Lipids', 4 states, parents Diet)",
        repr(cholesterol.nodes["Diet"]): "Node(name='Diet', 2 states, no parents)",
        repr(cholesterol.query): "Query(cause='Lipids', effect='HeartDisease')",
        repr(agg): "Aggregation(model='cholesterol', cause Lipids: 4 -> 3 states, effect HeartDisease: 3 -> 2 states)",
        repr(agg.cause_map): "Coarsening(node='Lipids', 4 micro -> 3 macro states: low, medium, high)",
        repr(natural): "RealizationFamily(node='Lipids', defined for 3 of 3 macro states)",
        repr(agg.gap(natural)): "MacroGap(3 macro states: 0 inhibiting, 3 inducing, 0 undefined; largest TV 0.04714)",
        repr(agg.micro_confounding()):
            "MicroConfounding((X, Y) confounded, max TV 0.06728; (X, Ybar) confounded, max TV 0.06728)",
        repr(solution): "Solution(model='cholesterol', Lipids -> HeartDisease, objective sparse: 2 infeasible, "
                        "1 inhibiting)",
        repr(solution.states[0]): "StateSolution(state='low', infeasible, P=0.21, gap=0.04714, 1 micro state)",
        repr(report): "Inspection(model='cholesterol', Lipids -> HeartDisease, natural realization: 3 inducing)",
        repr(report.states[0]): "MacroStateReport(state='low', inducing, P=0.21, gap=0.04714)",
        repr(bounds): "EffectBounds(model='cholesterol', Lipids -> HeartDisease, 3 macro states, with f)",
        repr(bounds.states[1]): "StateBounds(state='medium', P=0.545, widest 0.31, E[f] in [0.13, 0.44])",
        repr(DEFAULT_TOLERANCE): "Tolerance(normalisation=1e-06, support=1e-12, equality=1e-09)",
        repr(verify(agg)): "Verification(model='cholesterol', 2 checks, ok=True)",
    }
    for got, want in expected.items():
        assert got == want
    # the medium gap is zero up to the solver's rounding (its last digits are the LP's)
    assert re.fullmatch(r"StateSolution\(state='medium', inhibiting, P=0\.545, gap=[0-9.e-]+, 2 micro states\)",
                        repr(solution.states[1]))
    assert solution.states[1].gap <= DEFAULT_TOLERANCE.equality
    assert repr(most_inducing(cholesterol)).endswith("objective max-gap: 3 inducing)")
    assert repr(reach(cholesterol, {"medium": [0.8, 0.2]})).endswith("objective target: 2 untargeted, 1 reachable)")

def _all_reprs(model: CausalModel, cause: str, effect: str) -> list[str]:
    agg = Aggregation.of(model, cause, effect)
    natural = agg.natural_realization()
    solution = solve(agg.model, agg.cause, agg.effect)
    report = inspect_model(agg.model, agg.cause, agg.effect)
    bounds = effect_bounds(agg, f=np.arange(agg.effect_map.n_macro, dtype=float))
    objects: list[object] = [model, agg.model, agg, agg.cause_map, agg.effect_map, natural, agg.gap(natural),
                             agg.micro_confounding(), solution, most_inducing(agg), report, bounds, verify(agg),
                             *solution.states, *report.states, *bounds.states, *model.nodes.values()]
    return [repr(o) for o in objects]


@pytest.mark.parametrize("network, cause, effect", [
    ("net:alarm", "HYPOVOLEMIA,LVFAILURE:count=TRUE", "BP"),
    ("net:munin", "DIFFN_M_SEV_DIST,DIFFN_TIME,DIFFN_PATHO:sum", "R_DIFFN_APB_DE_REGEN"),
])
def test_reprs_stay_short_on_real_networks(network, cause, effect):
    texts = _all_reprs(load_model(network), cause, effect)
    assert len(texts) > 40  # every node of the network, and every macro state's result
    too_long = [t for t in texts if len(t) >= LIMIT or "\n" in t]
    assert not too_long, too_long[:3]
    assert any("DIFFN_M_SEV_DIST+DIFF" in t and "..." in t for t in texts) or network == "net:alarm"


def test_hostile_and_huge_names_are_escaped_and_cut():
    """Every name 300 characters long with a newline; 60 micro states; a node with 40 parents."""
    long = "n\n" + "x" * 300
    x = Node(f"{long}X", [f"{long}s{i}" for i in range(60)], [], np.full(60, 1 / 60))
    pi = Coarsening.from_mapping(x.name, x.states, {f"{long}m{k}": list(x.states[k::3]) for k in range(3)})
    y = Node(f"{long}Y", ["a", "b"], [x.name], np.full((60, 2), 0.5))
    pi_y = Coarsening.from_mapping(y.name, y.states, {f"{long}both": ["a", "b"]})
    model = CausalModel([x, y], macro={x.name: pi, y.name: pi_y}, name=long, query=Query(x.name, y.name))
    texts = _all_reprs(model, x.name, y.name)
    assert all(len(t) < LIMIT and "\n" not in t for t in texts), [t for t in texts if len(t) >= LIMIT][:2]
    assert repr(model).startswith("CausalModel(name='n\\nxxxx") and "...'" in repr(model)
    many = Node("c", ["a"], [f"parent{i}" for i in range(40)], np.ones((1,) * 40 + (1,)))
    assert repr(many).startswith("Node(name='c', 1 states, parents parent0, parent1, ") and repr(many).endswith(
        " more))")
    assert len(repr(many)) < LIMIT
