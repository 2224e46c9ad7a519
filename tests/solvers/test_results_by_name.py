"""Supports, certificates and realizations keyed by state names agree with the arrays they name."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from discagg import Aggregation, effect_bounds, load_model, most_inducing, solve
from discagg.solvers.inhibiting import solve_fibre

from strategies import triangle_models


def check_names(solution):
    micro, ys = solution.cause_map.micro_states, solution.effect_map.macro_states
    family = solution.realization_family()
    for k, s in enumerate(solution.states):
        assert s.realization_by_state == {micro[i]: w for i, w in zip(s.support.tolist(), s.weights.tolist())}
        if s.has_realization:
            # the named realization is the family's distribution on the fibre, without its zeros
            assert s.realization_by_state == {x: p for x, p in family.distribution(k).items() if p > 0}
            assert set(s.realization_by_state) <= set(solution.cause_map.members[k])
        for named, array in ((s.certificate_by_state, s.certificate), (s.interventional_by_state, s.interventional),
                             (s.target_by_state, s.target)):
            assert (named is None) == (array is None)
            if array is not None:
                assert list(named) == list(ys) and list(named.values()) == array.tolist()


def test_the_example_names_its_realizations_and_certificates():
    solution = solve(load_model("example:cholesterol"))
    check_names(solution)
    low = solution.state("low")
    assert low.realization_by_state == {"LDLlo_HDLlo": 1.0}  # the fibre of low is one micro state
    assert low.certificate_by_state == {"no": 1.0, "yes": -1.0}  # P(no | low) 0.857 > P(no | do(low)) 0.81
    assert solution.state("medium").certificate_by_state is None


@settings(max_examples=20)
@given(triangle_models())
def test_random_models(model):
    check_names(solve(model))
    check_names(most_inducing(model))


def test_bounds_are_named():
    model = load_model("example:cholesterol")
    bounds = effect_bounds(model, f=[0.0, 1.0])
    micro = bounds.micro_states
    for s in bounds.states:
        assert s.bounds_by_state == {y: (lo, hi) for y, lo, hi in zip(bounds.effect_macro, s.lower.tolist(),
                                                                       s.upper.tolist())}
        assert s.attained_by_state == {y: (micro[i], micro[j]) for y, i, j in zip(bounds.effect_macro, s.lower_at,
                                                                                   s.upper_at)}
        assert s.expectation_attained == (micro[s.expectation_at[0]], micro[s.expectation_at[1]])
    observed = Aggregation.of(model).observational[1].tolist()  # P(Ybar | medium)
    assert bounds.states[1].observational_by_state == {"no": observed[0], "yes": observed[1]}


def test_a_fibre_solution_has_no_names_to_give():
    agg = Aggregation.of(load_model("example:cholesterol"))
    fibre = agg.cause_map.fibre("medium")
    local = solve_fibre(agg.macro_kernel[fibre], agg.observational[1])
    with pytest.raises(ValueError, match="carries no names"):
        local.realization_by_state
