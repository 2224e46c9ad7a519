"""The gap LP's fast path against the plain formulations (scipy HiGHS, cvxpy)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from discagg import Coarsening
from discagg.solvers.cvx import gap_cvxpy
from discagg.solvers.gap_lp import maximal_support, min_gap, min_gap_full, mixture, polish, vertex

AGREE = 1e-9  # LP optimality tolerances are 1e-10; values agree far below DEFAULT_TOLERANCE.equality


@st.composite
def fibres(draw, max_m=600):
    """(K, o): random rows with duplicates, and targets inside, on the boundary of or outside the hull."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    d = draw(st.integers(1, 6))
    m = draw(st.sampled_from([1, 2, 3, 7, 40, 300, max_m]))
    K = rng.dirichlet(np.full(d, draw(st.sampled_from([0.3, 1.0, 5.0]))), size=m)
    if m > 2 and draw(st.booleans()):
        K[m // 2] = K[0]  # duplicate micro columns
    kind = draw(st.sampled_from(["interior", "edge", "vertex", "random"]))
    if kind == "interior":
        o = rng.dirichlet(np.ones(m)) @ K
    elif kind == "edge":
        w = rng.random()
        o = w * K[0] + (1 - w) * K[-1]
    elif kind == "vertex":
        o = K[m - 1].copy()
    else:
        o = rng.dirichlet(np.ones(d))
    return K, o


@given(fibres())
def test_min_gap_agrees_with_one_full_highs_lp(case):
    K, o = case
    sol = min_gap(K, o)
    q_full, gap_full = min_gap_full(K, o)
    assert sol.gap == pytest.approx(gap_full, abs=AGREE)
    assert sol.bound <= sol.gap + AGREE and sol.gap - sol.bound <= AGREE  # strong duality
    q = sol.dense(len(K))
    assert (q >= 0).all() and q.sum() == pytest.approx(1.0, abs=1e-12)
    assert 0.5 * np.abs(q @ K - o).sum() == pytest.approx(sol.gap, abs=1e-14)
    assert len(sol.support) <= K.shape[1] + 1  # basic solution
    if sol.gap > 1e-9:
        c = sol.certificate
        assert np.abs(c).max() <= 1 + 1e-12
        assert (K @ c).max() < c @ o  # no mixture of the rows reaches o
        assert c @ o - (K @ c).max() == pytest.approx(2 * sol.gap, abs=AGREE)


@given(fibres(max_m=120))
def test_min_gap_agrees_with_cvxpy(case):
    K, o = case
    _, gap = gap_cvxpy(K, o)
    assert min_gap(K, o).gap == pytest.approx(gap, abs=1e-7)


def test_column_generation_on_a_large_fibre_uses_few_states():
    rng = np.random.default_rng(7)
    K = rng.dirichlet(np.ones(5), size=50_000)
    o = rng.dirichlet(np.ones(50_000)) @ K
    sol = min_gap(K, o)
    assert sol.gap <= 1e-12 and len(sol.support) <= 5
    outside = np.array([0.96, 0.01, 0.01, 0.01, 0.01])
    far = min_gap(K, outside)
    _, reference = min_gap_full(K, outside)
    assert far.gap == pytest.approx(reference, abs=AGREE) and far.gap > 0.01
    assert (K @ far.certificate).max() < far.certificate @ outside


def test_single_state_fibre_and_single_macro_state():
    K = np.array([[0.2, 0.8]])
    sol = min_gap(K, np.array([0.5, 0.5]))
    assert sol.gap == pytest.approx(0.3, abs=1e-15) and sol.support.tolist() == [0]
    one = min_gap(np.ones((4, 1)), np.ones(1))  # |Ȳ| = 1: every realization inhibits
    assert one.gap == 0.0 and len(one.support) == 1


@given(fibres(max_m=40))
def test_vertex_keeps_the_point_and_uses_at_most_rank_states(case):
    K, o = case
    rng = np.random.default_rng(0)
    support = np.arange(len(K))
    weights = rng.dirichlet(np.ones(len(K)))
    point = weights @ K
    s, w = vertex(K, support, weights)
    assert (w >= 0).all() and w.sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(w @ K[s], point, atol=1e-12)
    assert len(s) <= np.linalg.matrix_rank(np.vstack([K.T, np.ones(len(K))]))


def test_polish_restores_equality_to_machine_precision():
    K = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    o = np.array([0.3, 0.7])
    rough = np.array([0.3 + 1e-9, 0.7 - 2e-9, 1e-9])
    exact = polish(K, o, np.arange(3), rough)
    ulps = 4 * np.finfo(np.float64).eps  # a few units in the last place at 1.0
    assert np.abs(exact @ K - o).max() <= ulps and abs(exact.sum() - 1.0) <= ulps
    assert np.abs(rough @ K - o).max() > 1e-10  # the input really was off


def test_maximal_support_finds_the_smallest_face():
    K = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.5, 0.5, 0.0], [0.2, 0.3, 0.5]])
    assert maximal_support(K, np.array([0.5, 0.5, 0.0])).tolist() == [True, True, False, True, False]
    assert maximal_support(K, np.array([0.3, 0.3, 0.4])).all()
    assert maximal_support(K, np.array([1.0, 0.0, 0.0])).tolist() == [True, False, False, False, False]


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 60), st.integers(1, 6), st.integers(1, 5), st.integers(0, 2**32 - 1), st.floats(0.0, 1.0))
def test_mixture_is_bitwise_what_the_reverification_sums(m, d, k, seed, density):
    # Aggregation.interventional sums q_x K[x] per fibre with Coarsening.push_forward(weights=q); the gap LP's
    # mixture() sums a fibre's support. Equal bits, so that both give a realization the same verdict.
    rng = np.random.default_rng(seed)
    K = rng.dirichlet(np.ones(d), size=m) * rng.choice([1.0, 1e-300, 1e300], size=(m, 1))
    K[rng.random((m, d)) < 0.2] = 0.0
    k = min(k, m)
    assignment = rng.integers(0, k, size=m)
    assignment[:k] = rng.permutation(k)
    pi = Coarsening.from_assignment("X", [f"x{i}" for i in range(m)], [f"m{j}" for j in range(k)], assignment)
    q = np.where(rng.random(m) < density, rng.random(m), 0.0)
    pushed = pi.push_forward(K, axis=0, weights=q)
    for j in range(k):
        fibre = pi.fibre(j)
        support = np.flatnonzero(q[fibre])
        shuffled = rng.permutation(support.size)  # the order the support comes in does not matter
        assert np.array_equal(mixture(K[fibre], support[shuffled], q[fibre][support][shuffled]), pushed[j])


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 300), st.integers(1, 5), st.integers(0, 2**32 - 1), st.sampled_from([1, 7, 1 << 15]))
def test_initial_columns_in_blocks_are_the_whole_fibre_picks(m, d, seed, rows):
    # Ties are common (rounded entries): the first occurrence wins in both.
    import discagg.solvers.gap_lp as module

    rng = np.random.default_rng(seed)
    K = np.round(rng.dirichlet(np.ones(d), size=m), 1)
    o = np.round(rng.dirichlet(np.ones(d)), 1)
    expected = np.unique(np.concatenate([K.argmax(axis=0), K.argmin(axis=0), [np.abs(K - o).sum(axis=1).argmin()]]))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "_SCAN_ROWS", rows)
        assert np.array_equal(module._initial_columns(K, o), expected)
