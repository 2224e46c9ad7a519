"""The realization solver: fast paths against cvxpy, theorem identities, degenerate models."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from discagg import Aggregation, CausalModel, Coarsening, ModelError, Node, Query, SolverError, load_model
from discagg.solvers.cvx import objective_cvxpy
from discagg.solvers.entropic import tilt
from discagg.solvers.gap_lp import min_gap_full
from discagg.solvers.inhibiting import solve, solve_aggregation

from conftest import DATA
from strategies import triangle_model, triangle_models

AGREE = 1e-6  # interior-point (Clarabel) accuracy of the cvxpy reference


def _kl(q, r):
    mask = q > 0
    return float((q[mask] * np.log(q[mask] / r[mask])).sum())


def well_conditioned(K):
    """The rows' affine span is not nearly degenerate: a residual of 1e-12 then pins the KL to 1e-9.

    With nearly affinely dependent rows (smallest singular value of [Kᵀ; 1] at 5e-6 of the largest,
    say) every realization within 1e-12 of the target differs by up to residual/σ ≈ 2e-8 and its KL
    by 1e-7, so no solver's KL is "at least as good" as another's to 1e-9; those fibres are tested
    with tolerance-aware properties in test_degenerate.py.
    """
    s = np.linalg.svd(np.vstack([K.T, np.ones(len(K))]), compute_uv=False)
    return s[min(K.shape) - 1] >= 1e-3 * s[0]


@st.composite
def interior_fibres(draw):
    """A well-conditioned fibre, a target in the interior of its hull, and a natural realization."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    d = draw(st.integers(2, 5))
    m = draw(st.sampled_from([2, 5, 30, 400]))
    K = rng.dirichlet(np.ones(d), size=m)
    while not well_conditioned(K):
        K = rng.dirichlet(np.ones(d), size=m)
    o = rng.dirichlet(np.ones(m)) @ K
    return K, o, rng.dirichlet(np.ones(m))


@given(interior_fibres())
def test_tilt_agrees_with_cvxpy_exponential_cone(case):
    K, o, natural = case
    fast = tilt(K, o, natural)
    assert fast.converged
    np.testing.assert_allclose(fast.weights @ K, o, atol=1e-12)
    q, value = objective_cvxpy(K, o, "min-kl", natural=natural)
    assert _kl(fast.weights, natural) == pytest.approx(value, abs=AGREE)
    assert _kl(fast.weights, natural) <= _kl(q, natural) + 1e-9  # fast is at least as good
    ent = tilt(K, o, np.ones(len(K)))
    _, best = objective_cvxpy(K, o, "max-entropy")
    assert -(ent.weights * np.log(ent.weights)).sum() == pytest.approx(best, abs=AGREE)


@settings(max_examples=15)
@given(triangle_models(), st.sampled_from(["sparse", "closest", "min-kl", "max-entropy", "min-cost"]))
def test_fast_and_cvxpy_methods_agree(model, objective):
    agg = Aggregation.of(model)
    cost = np.random.default_rng(0).random(agg.cause_map.n_micro) if objective == "min-cost" else None
    fast = solve_aggregation(agg, objective=objective, cost=cost, method="fast")
    slow = solve_aggregation(agg, objective=objective, cost=cost, method="cvxpy")
    d = agg.effect_map.n_macro
    for a, b in zip(fast.states, slow.states):
        assert a.status == b.status
        if a.status == "unsupported":
            continue
        assert a.gap == pytest.approx(b.gap, abs=1e-9)
        if a.status == "infeasible":
            # the gap is the irreducible confounding: the plain LP finds the same value
            _, full = min_gap_full(agg.macro_kernel[agg.cause_map.fibre(a.state)], a.target)
            assert a.gap == pytest.approx(full, abs=1e-9)
        elif objective == "sparse":
            assert len(a.support) <= d and len(b.support) <= d
        else:
            assert a.objective_value == pytest.approx(b.objective_value, abs=AGREE)


@given(triangle_models(confounded=False))
def test_theorem_3_1_every_state_inhibits_and_min_kl_returns_the_natural_realization(model):
    agg = Aggregation.of(model)
    natural = agg.natural_realization()
    for objective in ("min-kl", "closest"):
        solution = solve_aggregation(agg, objective=objective)
        for k, s in enumerate(solution.states):
            assert s.status == ("inhibiting" if agg.supported[k] else "unsupported")
            if s.status == "inhibiting":
                assert s.objective_value == pytest.approx(0.0, abs=1e-9)
        if objective == "min-kl":
            family = solution.realization_family()
            np.testing.assert_allclose(family.weights, natural.weights, atol=1e-7)


def boundary_model():
    """P(c) = 0 and do(c) puts all its mass on y2, so P(Ȳ | x̄) = (½, ½, 0) lies on the face {a, b, d}."""
    z = Node("Z", ["z"], [], [1.0])
    x = Node("X", ["a", "b", "c", "d"], ["Z"], [[1 / 3, 1 / 3, 0.0, 1 / 3]])
    y = Node("Y", ["y0", "y1", "y2", "y3"], ["X", "Z"],
             [[[1.0, 0.0, 0.0, 0.0]], [[0.0, 1.0, 0.0, 0.0]], [[0.0, 0.0, 0.5, 0.5]], [[0.5, 0.5, 0.0, 0.0]]])
    macro = {"X": Coarsening.from_mapping("X", x.states, {"all": ["a", "b", "c", "d"]}),
             "Y": Coarsening.from_mapping("Y", y.states, {"0": ["y0"], "1": ["y1"], "2": ["y2", "y3"]})}
    return CausalModel([z, x, y], macro=macro, query=Query("X", "Y"))


def test_max_entropy_on_the_boundary_vanishes_exactly_off_the_face():
    sol = solve(boundary_model(), objective="max-entropy").states[0]
    assert sol.status == "inhibiting"
    # On the face, q_a + q_d/2 = q_b + q_d/2 = 1/2; entropy is largest at the uniform (1/3, 1/3, 1/3),
    # and 'c' gets exactly zero (an interior-point solver only approaches it).
    assert sol.support.tolist() == [0, 1, 3]
    np.testing.assert_allclose(sol.weights, [1 / 3, 1 / 3, 1 / 3], rtol=0, atol=1e-15)
    assert sol.objective_value == pytest.approx(np.log(3), abs=1e-15)
    reference = solve(boundary_model(), objective="max-entropy", method="cvxpy").states[0]
    assert reference.objective_value == pytest.approx(np.log(3), abs=AGREE)


def test_single_state_fibres_and_one_macro_effect_state():
    z = Node("Z", ["z0", "z1"], [], [0.5, 0.5])
    x = Node("X", ["x0", "x1", "x2"], ["Z"], [[0.7, 0.2, 0.1], [0.1, 0.2, 0.7]])
    y = Node("Y", ["y0", "y1"], ["X", "Z"], [[[0.9, 0.1], [0.5, 0.5]], [[0.4, 0.6], [0.3, 0.7]],
                                             [[0.2, 0.8], [0.1, 0.9]]])
    singletons = Coarsening.from_mapping("X", x.states, {"0": ["x0"], "12": ["x1", "x2"]})
    one = Coarsening.from_mapping("Y", y.states, {"any": ["y0", "y1"]})
    model = CausalModel([z, x, y], macro={"X": singletons, "Y": one}, query=Query("X", "Y"))
    for objective in ("sparse", "closest", "min-kl", "max-entropy"):
        sol = solve(model, objective=objective)
        assert [s.status for s in sol.states] == ["inhibiting", "inhibiting"]  # |Ȳ| = 1: nothing to confound
        assert sol.states[0].support.tolist() == [0]
    sol = solve(model, objective="max-entropy")
    assert sol.states[1].weights.tolist() == pytest.approx([0.5, 0.5], abs=1e-12)


def test_duplicate_micro_columns():
    model = triangle_model(3, 6, 2, 3, 2, 2)
    y = model.nodes["Y"]
    cpt = y.cpt.copy()
    fibre = model.coarsening("X").fibre(0)
    assert len(fibre) > 1, "the test needs a fibre with two micro states to duplicate"
    cpt[fibre[1]] = cpt[fibre[0]]
    dup = CausalModel([model.nodes["Z"], model.nodes["X"], Node("Y", y.states, y.parents, cpt)],
                      macro=dict(model.macro), query=model.query)
    for objective in ("sparse", "min-kl", "max-entropy", "closest"):
        fast = solve(dup, objective=objective)
        slow = solve(dup, objective=objective, method="cvxpy")
        assert [s.status for s in fast.states] == [s.status for s in slow.states]


def test_hand_checked_cholesterol_solution():
    sol = solve(load_model(DATA / "cholesterol.json"))
    low, medium, high = sol.states
    # Singleton fibres: the only realization is the point mass, whose gap is the confounding itself.
    assert low.status == "infeasible" and low.gap == pytest.approx(0.0471428571, abs=1e-9)
    assert medium.status == "inhibiting" and medium.gap <= 1e-12
    # medium mixes LDLlo_HDLhi (P(yes|do) = 0.13) and LDLhi_HDLlo (0.44) to hit P(yes | medium)
    w = medium.weights[0]
    assert w * 0.13 + (1 - w) * 0.44 == pytest.approx(medium.target[1], abs=1e-12)
    assert high.certificate @ high.target > high.certificate @ high.interventional


def test_min_cost_matches_hand_computation():
    sol = solve(load_model(DATA / "unconfounded.json"), objective="min-cost", cost=[0, 1, 5, 2, 9])
    low, high = sol.states[1], sol.states[2]
    # Each fibre has two doses and |Ȳ| = 2: the inhibiting realization is unique (the natural one).
    assert low.weights.tolist() == pytest.approx([0.5, 0.5], abs=1e-9)
    assert low.objective_value == pytest.approx(3.0, abs=1e-9)
    assert high.objective_value == pytest.approx(2 * 4 / 7 + 9 * 3 / 7, abs=1e-9)


def test_option_errors():
    model = load_model(DATA / "shops.json")
    with pytest.raises(ModelError, match="objective"):
        solve(model, objective="fastest")
    with pytest.raises(ModelError, match="cost per micro state"):
        solve(model, objective="min-cost")
    with pytest.raises(ModelError, match="9 costs"):
        solve(model, objective="min-cost", cost=[1.0, 2.0])
    with pytest.raises(ModelError, match="no cost unless"):
        solve(model, cost=np.ones(9))


def test_solver_failure_is_an_error_not_infeasible(monkeypatch):
    import discagg.solvers.inhibiting as solver_module

    def broken(K, o):
        raise SolverError("HiGHS did not solve the gap LP: Time limit reached")

    monkeypatch.setattr(solver_module, "min_gap", broken)
    with pytest.raises(SolverError, match="Time limit"):
        solve(load_model(DATA / "shops.json"))


def test_verification_rejects_a_wrong_certificate():
    from dataclasses import replace

    from discagg.solvers.inhibiting import verify_solution

    agg = Aggregation.of(load_model(DATA / "cholesterol.json"))
    sol = solve_aggregation(agg)
    bad = replace(sol, states=(replace(sol.states[0], certificate=-sol.states[0].certificate),) + sol.states[1:])
    with pytest.raises(SolverError, match="does not separate"):
        verify_solution(agg, bad)


def test_min_kl_is_infinite_when_only_unobserved_micro_states_inhibit():
    """X = a when z0, b when z1, c never: P(yes | x̄) = 0.8 needs c (do-rates a 0.4, b 0.5, c 0.9)."""
    z = Node("Z", ["z0", "z1"], [], [0.5, 0.5])
    x = Node("X", ["a", "b", "c"], ["Z"], [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    rates = {("a", 0): 0.7, ("a", 1): 0.1, ("b", 0): 0.1, ("b", 1): 0.9, ("c", 0): 0.9, ("c", 1): 0.9}
    cpt = [[[1 - rates[s, j], rates[s, j] / 2, rates[s, j] / 2] for j in range(2)] for s in "abc"]
    y = Node("Y", ["no", "yes1", "yes2"], ["X", "Z"], cpt)
    macro = {"X": Coarsening.from_mapping("X", x.states, {"all": ["a", "b", "c"]}),
             "Y": Coarsening.from_mapping("Y", y.states, {"no": ["no"], "yes": ["yes1", "yes2"]})}
    model = CausalModel([z, x, y], macro=macro, query=Query("X", "Y"))
    state = solve(model, objective="min-kl").states[0]
    assert state.status == "inhibiting" and state.gap <= 1e-12
    assert state.objective_value == float("inf")
    assert 2 in state.support.tolist()  # uses c, outside the natural support
    entropy = solve(model, objective="max-entropy").states[0]
    np.testing.assert_allclose(state.weights, entropy.weights, atol=1e-15)
    assert solve(model, objective="min-kl").to_dict()["macro_states"][0]["objective_value"] is None
