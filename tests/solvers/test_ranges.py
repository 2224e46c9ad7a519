"""Inducing realizations, targets and bounds against random realizations."""

import numpy as np
import pytest
from hypothesis import given

from discagg import Aggregation, ModelError, RealizationFamily, load_model
from discagg.solvers.ranges import effect_bounds, most_inducing, reach

from conftest import DATA
from strategies import triangle_models


def random_family(agg, seed):
    rng = np.random.default_rng(seed)
    pi = agg.cause_map
    weights = rng.random(pi.n_micro) ** 3  # skewed, some near zero
    return RealizationFamily.from_weights(pi, weights / pi.push_forward(weights)[pi.assignment])


@given(triangle_models())
def test_no_realization_beats_the_most_inducing_one(model):
    agg = Aggregation.of(model)
    best = most_inducing(agg)
    for seed in range(5):
        gap = agg.gap(random_family(agg, seed))
        for k, s in enumerate(best.states):
            if s.status != "unsupported":
                assert gap.total_variation[k] <= s.gap + 1e-12


@given(triangle_models())
def test_every_realization_lies_within_the_bounds(model):
    agg = Aggregation.of(model)
    f = np.linspace(-1.0, 2.0, agg.effect_map.n_macro)
    bounds = effect_bounds(agg, f)
    for seed in range(5):
        do = agg.interventional(random_family(agg, seed))
        for k, s in enumerate(bounds.states):
            assert (do[k] >= s.lower - 1e-12).all() and (do[k] <= s.upper + 1e-12).all()
            assert s.expectation[0] - 1e-12 <= do[k] @ f <= s.expectation[1] + 1e-12
    for s in bounds.states:  # the bounds are attained by the named point masses
        np.testing.assert_array_equal(agg.macro_kernel[s.lower_at, np.arange(len(f))], s.lower)
        np.testing.assert_array_equal(agg.macro_kernel[s.upper_at, np.arange(len(f))], s.upper)


@given(triangle_models())
def test_reach_finds_achievable_targets_and_certifies_the_rest(model):
    agg = Aggregation.of(model)
    do = agg.interventional(random_family(agg, 11))
    targets = {name: do[k] for k, name in enumerate(agg.cause_map.macro_states)}
    solution = reach(agg, targets)
    assert all(s.status == "reachable" and s.gap <= 1e-9 for s in solution.states)
    d = agg.effect_map.n_macro
    corner = np.zeros(d)
    corner[0] = 1.0
    first = agg.cause_map.macro_states[0]
    far = reach(agg, {first: corner}).states[0]
    K = agg.macro_kernel[agg.cause_map.fibre(0)]
    if (K[:, 0] < 1 - 1e-6).all():
        assert far.status == "unreachable"
        assert (K @ far.certificate).max() < far.certificate @ corner
    assert [s.status for s in reach(agg, {first: corner}).states[1:]] == ["untargeted"] * (len(targets) - 1)


def test_bounds_of_the_cholesterol_medium_state_by_hand():
    bounds = effect_bounds(Aggregation.of(load_model(DATA / "cholesterol.json")), [0.0, 1.0])
    medium = bounds.states[1]
    # P(yes | do(LDLlo_HDLhi)) = 0.55*0.04 + 0.45*0.24 = 0.13;  P(yes | do(LDLhi_HDLlo)) = 0.55*0.35 + 0.45*0.55
    assert medium.lower[1] == pytest.approx(0.13, abs=1e-12)
    assert medium.upper[1] == pytest.approx(0.44, abs=1e-12)
    assert medium.expectation == pytest.approx((0.13, 0.44), abs=1e-12)
    doc = bounds.to_dict()
    assert doc["macro_states"][1]["bounds"]["yes"]["upper_at"] == "LDLhi_HDLlo"


def test_bad_target_shape_and_f():
    agg = Aggregation.of(load_model(DATA / "shops.json"))
    with pytest.raises(ModelError, match="target.1"):
        reach(agg, {"1": np.ones(2) / 2})
    with pytest.raises(ModelError, match="one per macro state"):
        effect_bounds(agg, [1.0])


def test_range_functions_take_a_model_with_the_cli_group_syntax():
    asia = load_model("net:asia")
    cause, effect = "tub,lung:count=yes", "dysp"
    agg = Aggregation.of(asia, cause, effect)
    assert agg.cause_map.macro_states == ("0", "1", "2")
    by_model, by_agg = effect_bounds(asia, [0.0, 1.0], cause=cause, effect=effect), effect_bounds(agg, [0.0, 1.0])
    assert [s.expectation for s in by_model.states] == [s.expectation for s in by_agg.states]
    inducing = most_inducing(asia, cause=cause, effect=effect)
    assert [s.gap for s in inducing.states] == [s.gap for s in most_inducing(agg).states]
    targets = {"1": agg.macro_kernel[agg.cause_map.fibre("1")].mean(axis=0)}  # in the hull by construction
    assert reach(asia, targets, cause=cause, effect=effect).states[1].status == "reachable"


def test_cause_with_an_aggregation_is_refused():
    agg = Aggregation.of(load_model(DATA / "shops.json"))
    with pytest.raises(ModelError, match="not with an Aggregation"):
        most_inducing(agg, cause="X")


def test_another_tolerance_with_an_aggregation_is_refused():
    from discagg import Tolerance

    agg = Aggregation.of(load_model(DATA / "shops.json"))
    with pytest.raises(ModelError, match="a tolerance with a model, not with an Aggregation"):
        effect_bounds(agg, tolerance=Tolerance(equality=1e-6))
    assert effect_bounds(agg, tolerance=agg.tolerance).states  # the aggregation's own is fine
