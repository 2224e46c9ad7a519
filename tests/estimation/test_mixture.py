"""Maximum-likelihood mixture weights: against cvxpy's exponential cone, and ranges against vertex enumeration."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from discagg.estimation.mixture import ImpossibleOutcome, affinely_independent, kkt_residual, ml_realization, ml_weights

EQUALITY = 1e-9


@st.composite
def fibres(draw: st.DrawFn, max_rows: int = 6, max_outcomes: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """Random rows (some with exact zeros) and outcome counts (some outcomes unobserved)."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    F, m = draw(st.integers(1, max_rows)), draw(st.integers(2, max_outcomes))
    K = rng.dirichlet(np.full(m, 0.7), size=F)
    if draw(st.booleans()):
        K[rng.random(K.shape) < 0.25] = 0.0
        K[K.sum(axis=1) == 0, 0] = 1.0
        K /= K.sum(axis=1, keepdims=True)
    if draw(st.booleans()):  # a fibre whose rows repeat: never identified
        K = np.vstack([K, K[:1]])
    # a mixture of rows that put all their mass on one outcome can round to 1 + 2**-52 there, which
    # rng.multinomial refuses as a probability: the generator, not the code under test, clips it
    truth = np.minimum(K.T @ rng.dirichlet(np.ones(K.shape[0])), 1.0)
    counts = rng.multinomial(draw(st.integers(1, 400)), truth).astype(float)
    return K, counts


def cvxpy_log_likelihood(K: np.ndarray, counts: np.ndarray) -> float:
    import cvxpy as cp

    seen = counts > 0
    q = cp.Variable(K.shape[0], nonneg=True)
    problem = cp.Problem(cp.Maximize(counts[seen] @ cp.log(K[:, seen].T @ q)), [cp.sum(q) == 1])
    problem.solve(solver=cp.CLARABEL)
    return float(problem.value)


def log_likelihood(K: np.ndarray, counts: np.ndarray, q: np.ndarray) -> float:
    seen = counts > 0
    return float(counts[seen] @ np.log(K[:, seen].T @ q))


@given(fibres())
def test_the_maximum_matches_cvxpy_and_is_certified_by_its_kkt_residual(fibre):
    K, counts = fibre
    q, residual = ml_weights(K, counts)
    assert np.all(q >= 0) and abs(q.sum() - 1) <= 1e-12
    assert residual <= EQUALITY and kkt_residual(K, counts, q) == pytest.approx(residual, abs=1e-15)
    ours = log_likelihood(K, counts, q)
    # concavity: no realization beats ours by more than n * residual; cvxpy's (interior-point, 1e-8) answer neither
    assert cvxpy_log_likelihood(K, counts) <= ours + counts.sum() * max(residual, 0.0) + 1e-6


def vertices(K: np.ndarray, counts: np.ndarray, target: np.ndarray) -> list[np.ndarray]:
    """Every vertex of {q >= 0, Σq = 1, K_Sᵀq = target_S} by brute force over supports (independent of the LPs)."""
    seen = counts > 0
    rows = np.vstack([K[:, seen].T, np.ones(K.shape[0])])
    rhs = np.append(target[seen], 1.0)
    found = []
    for size in range(1, K.shape[0] + 1):
        for support in itertools.combinations(range(K.shape[0]), size):
            sub = rows[:, support]
            if np.linalg.matrix_rank(sub, tol=1e-10) < size:
                continue
            w, *_ = np.linalg.lstsq(sub, rhs, rcond=None)
            if np.all(w >= -1e-9) and np.allclose(sub @ w, rhs, atol=1e-7):
                q = np.zeros(K.shape[0])
                q[list(support)] = w
                found.append(q)
    return found


@given(fibres(max_rows=5, max_outcomes=3))
def test_ranges_are_the_extremes_of_the_maximum_likelihood_polytope(fibre):
    K, counts = fibre
    estimate = ml_realization(K, counts)
    assert np.all(estimate.lower <= estimate.weights + 1e-9) and np.all(estimate.weights <= estimate.upper + 1e-9)
    found = vertices(K, counts, estimate.mixture)
    assert found, "the ML set is not empty: it holds the returned realization"
    extremes = np.array(found)
    # a vertex of the candidate-restricted set is a vertex of the whole; the whole set's extremes are the ranges
    assert np.allclose(estimate.lower, extremes.min(axis=0), atol=1e-6)
    assert np.allclose(estimate.upper, extremes.max(axis=0), atol=1e-6)


@given(fibres())
def test_the_reported_realization_is_maximum_likelihood(fibre):
    K, counts = fibre
    estimate = ml_realization(K, counts)
    best, _ = ml_weights(K, counts)
    assert log_likelihood(K, counts, estimate.weights) >= log_likelihood(K, counts, best) - 1e-9 * counts.sum()
    assert estimate.unique == bool(np.all(estimate.upper - estimate.lower <= 1e-7))


def test_exact_counts_recover_an_identified_realization_exactly():
    K = np.array([[0.9, 0.1, 0.0], [0.2, 0.5, 0.3], [0.1, 0.1, 0.8]])
    q = np.array([0.2, 0.5, 0.3])
    counts = 1000 * (K.T @ q)                       # 280, 300, 420: the expected counts themselves
    assert affinely_independent(K, EQUALITY)
    estimate = ml_realization(K, counts)
    assert np.allclose(estimate.weights, q, atol=1e-10) and estimate.unique


def test_outside_the_hull_the_maximum_is_on_its_boundary():
    K = np.array([[0.8, 0.2], [0.6, 0.4]])              # the hull is P(first) in [0.6, 0.8]
    estimate = ml_realization(K, np.array([10.0, 90.0]))
    assert estimate.weights.tolist() == [0.0, 1.0] and estimate.kkt_residual <= 0


def test_affinely_dependent_rows_leave_a_segment():
    K = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]])
    assert not affinely_independent(K, EQUALITY)
    estimate = ml_realization(K, np.array([30.0, 70.0]))
    assert np.allclose(estimate.mixture, [0.3, 0.7])
    # q1 + 0.5 q2 = 0.3: q1 in [0, 0.3], q2 in [0, 0.6], q3 in [0.4, 0.7]
    assert np.allclose(estimate.lower, [0.0, 0.0, 0.4]) and np.allclose(estimate.upper, [0.3, 0.6, 0.7])
    assert not estimate.unique


def test_an_outcome_no_row_can_produce():
    with pytest.raises(ImpossibleOutcome) as info:
        ml_weights(np.array([[1.0, 0.0, 0.0], [0.5, 0.0, 0.5]]), np.array([3.0, 1.0, 0.0]))
    assert info.value.outcome == 1


@pytest.mark.parametrize(("K", "independent"), [
    ([[1.0, 0.0, 0.0]], True),
    ([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], True),
    ([[0.5, 0.5, 0.0], [0.5, 0.5, 0.0]], False),
    ([[0.2, 0.8], [0.3, 0.7], [0.4, 0.6]], False),
    ([[0.2, 0.3, 0.5], [0.3, 0.3, 0.4], [0.4, 0.3, 0.3]], False),      # on a line: 2nd is the midpoint
])
def test_affine_independence(K, independent):
    assert affinely_independent(np.array(K), EQUALITY) is independent


def test_a_large_fibre():
    rng = np.random.default_rng(1)
    K = rng.dirichlet(np.ones(4), size=20_000)
    counts = rng.multinomial(2_000, 0.5 * K[0] + 0.5 * K[1]).astype(float)
    q, residual = ml_weights(K, counts)
    assert residual <= EQUALITY and q.shape == (20_000,)
