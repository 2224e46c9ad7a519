"""Condition (15) over every compatible SCM: the LP against brute force, its witnesses, its shortcuts and limits."""

from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from discagg import CausalModel, ModelError, Node
from discagg.core.scm import StructuralModel
from discagg.io.scm_format import scm_from_dict, scm_to_dict
from discagg.theory.compatible_scms import decide_compatible, response_count
from discagg.theory.counterfactual import Setting, condition_residuals, counterfactual_joint, normalised_cpt, setting

from strategies import cpt_array

QUARTERS = [Fraction(k, 4) for k in range(5)]
FUNCTIONS = list(itertools.product((0, 1), repeat=3))  # f = (f(a), f(b), f(c)) for Y's response to X


def _xy(p_x: tuple[Fraction, ...], p_y1: tuple[Fraction, ...]) -> CausalModel:
    return CausalModel([Node("X", ["a", "b", "c"], [], [float(p) for p in p_x]),
                        Node("Y", ["n", "y"], ["X"], [[1 - float(p), float(p)] for p in p_y1])])


def _grid_verdicts(p_x, p_y1) -> set[bool]:
    """Whether Y_x ⊥ X holds, over every compatible q(x, f) = P(x) r_x(f) with r_x on a grid of quarters.

    Compatibility of X -> Y is exactly: r_x(f(x) = 1) = P(y | x) (observational) and Σ_x P(x) r_x(f(x') = 1) =
    P(y | x') for every x' (interventional); (15) holds when r_x(f(x') = 1) = P(y | x') for all x, x'. Only the
    vector m(r) = (r(f(a) = 1), r(f(b) = 1), r(f(c) = 1)) matters, so each x contributes its distinct vectors.
    """
    compositions = [c for c in itertools.product(range(5), repeat=8) if sum(c) == 4]
    vectors = []
    for x in range(3):
        found = set()
        for counts in compositions:
            m = tuple(Fraction(sum(n for n, f in zip(counts, FUNCTIONS) if f[k]), 4) for k in range(3))
            if m[x] == p_y1[x]:
                found.add(m)
        vectors.append(found)
    seen = set()
    for ma, mb, mc in itertools.product(*vectors):
        if all(p_x[0] * ma[k] + p_x[1] * mb[k] + p_x[2] * mc[k] == p_y1[k] for k in range(3)):
            seen.add(all(m[k] == p_y1[k] for m in (ma, mb, mc) for k in range(3)))
    return seen


CASES = [((Fraction(1, 4), Fraction(1, 4), Fraction(1, 2)), p) for p in
         [(Fraction(1, 2),) * 3, (Fraction(0), Fraction(1), Fraction(1)), (Fraction(1, 4), Fraction(1, 2), Fraction(3, 4)),
          (Fraction(1), Fraction(1), Fraction(1, 2)), (Fraction(0), Fraction(1, 2), Fraction(1))]] + \
        [((Fraction(1, 2), Fraction(1, 4), Fraction(1, 4)), (Fraction(3, 4), Fraction(1, 4), Fraction(1, 2)))]


@pytest.mark.parametrize("p_x,p_y1", CASES)
def test_lp_verdict_agrees_with_a_grid_of_response_distributions(p_x, p_y1):
    verdict = decide_compatible(_xy(p_x, p_y1), Setting("X", "Y", ())).verdict
    grid = _grid_verdicts(p_x, p_y1)
    assert grid  # the Markovian SCM is on the grid, so something compatible is found
    if True in grid:
        assert verdict in ("every", "some")
    if False in grid:
        assert verdict in ("some", "none")
    if verdict == "every":
        assert grid == {True}
    if grid == {True, False}:
        assert verdict == "some"


def test_the_grid_cases_are_not_vacuous():
    verdicts = {decide_compatible(_xy(*case), Setting("X", "Y", ())).verdict for case in CASES}
    assert verdicts == {"every", "some"}  # deterministic responses leave no freedom; coins do
    assert _grid_verdicts(*CASES[0]) == {True, False}


def test_witnesses_reproduce_the_cpts_exactly_and_are_compatible_exactly():
    model = _xy((Fraction(1, 4), Fraction(1, 4), Fraction(1, 2)), (Fraction(1, 4), Fraction(1, 2), Fraction(3, 4)))
    where = Setting("X", "Y", ())
    verdict = decide_compatible(model, where, exact=True)
    assert verdict.verdict == "some" and verdict.holds.kind == "markov" and verdict.fails.kind == "lp"
    for witness in (verdict.holds, verdict.fails):
        assert witness.compatibility == 0
        for name in model.nodes:
            b, k = next((b, k) for b, block in enumerate(witness.scm.blocks) for k, n in enumerate(block.nodes)
                        if n == name)
            block = witness.scm.blocks[b]
            table = block.tables[k]
            card = model.cardinality(name)
            derived = [[sum((p for p, v in zip(block.probabilities, table[:, c]) if v == s), Fraction(0))
                        for s in range(card)] for c in range(table.shape[1])]
            assert derived == normalised_cpt(model, name, exact=True).reshape(-1, card).tolist()
    assert verdict.holds.residuals.condition == 0 and verdict.fails.residuals.condition > 0
    # enumerating the witness again, from its scm-v1 document, gives the same residual
    again = scm_from_dict(scm_to_dict(verdict.fails.scm))
    J = counterfactual_joint(StructuralModel(model, again.blocks), where, exact=True)
    assert condition_residuals(J, verdict.fails.scm.model.macro.get("X") or _identity(model)).condition == \
        verdict.fails.residuals.condition


def _identity(model):
    from discagg.core.selection import identity_coarsening

    return identity_coarsening("X", model.nodes["X"].states)


def test_float_witnesses_bind_to_the_model_and_survive_a_round_trip():
    model = _xy((Fraction(1, 4), Fraction(1, 4), Fraction(1, 2)), (Fraction(1, 2),) * 3)
    verdict = decide_compatible(model, Setting("X", "Y", ()))
    fails = verdict.fails
    assert fails.compatibility < 1e-12 and fails.residuals.condition > 0.1
    bound = StructuralModel(model, scm_from_dict(scm_to_dict(fails.scm)).blocks)
    for name in model.nodes:
        np.testing.assert_allclose(bound.derived_cpt(name), model.nodes[name].cpt, atol=1e-12)


def _confounded(seed: int, n_x: int) -> CausalModel:
    """U -> X, U -> Y, X -> Y with random CPTs."""
    rng = np.random.default_rng(seed)
    u = Node("U", ["u0", "u1"], [], cpt_array(rng, (2,)))
    x = Node("X", [f"x{i}" for i in range(n_x)], ["U"], cpt_array(rng, (2, n_x)))
    y = Node("Y", ["y0", "y1"], ["U", "X"], cpt_array(rng, (2, n_x, 2)))
    return CausalModel([u, x, y])


@settings(max_examples=8)
@given(st.integers(0, 2**32 - 1))
def test_with_an_open_back_door_15_holds_for_no_compatible_scm_and_with_it_closed_for_some(seed):
    model = _confounded(seed, 3)
    open_door = decide_compatible(model, Setting("X", "Y", ()))
    assert open_door.markov.consequence > 1e-6  # generic CPTs: P(Y | do(x)) != P(Y | x)
    assert open_door.verdict == "none" and open_door.holds is None and open_door.fails.kind == "markov"
    closed = decide_compatible(model, Setting("X", "Y", ("U",)))
    assert closed.verdict == "some" and closed.holds.residuals.condition <= 1e-9
    assert closed.fails.residuals.condition > 1e-6 and closed.fails.compatibility < 1e-9


@settings(max_examples=8)
@given(st.integers(0, 2**32 - 1), st.booleans())
def test_the_binary_cause_shortcut_agrees_with_the_lp(seed, adjust):
    model = _confounded(seed, 2)
    where = Setting("X", "Y", ("U",) if adjust else ())
    shortcut = decide_compatible(model, where)
    assert shortcut.method == "binary cause"
    assert decide_compatible(model, where, method="lp").verdict == shortcut.verdict


def test_a_model_beyond_the_limit_is_refused_with_its_size():
    from discagg import load_model

    model = load_model("data/figure5.json")
    where = setting(model, "Price", "Sales")
    assert response_count(model, ("Region", "Price", "Sales")) == 4 * 4**4 * 3**16
    with pytest.raises(ModelError, match=r"--check: expected relevant nodes \['Region', 'Price', 'Sales'\] with at most "
                                         r"262144 joint response functions .* found 44079842304"):
        decide_compatible(model, where)
