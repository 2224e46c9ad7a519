"""Lemma 5 (the paper's appendix E.1): a conditional that annihilates one direction but no other.

The proof of Theorem 3.2 rests on it: given ``v`` (entries summing to zero) and
rows ``u_i`` (each summing to zero, independent of ``v_i``), it builds
``P(Ȳ | X, Z)`` with ``Σ_ij P[i, j] v_ij = 0`` and ``Σ_j P[i, j] u_ij ≠ 0``.
"""

from __future__ import annotations

import numpy as np

from discagg.theory.hypotheses import HypothesisError

__all__ = ["lemma5"]


def lemma5(v: np.ndarray, u: np.ndarray, k: int, *, seed: int = 0, tol: float = 1e-12) -> np.ndarray:
    """Lemma 5: a conditional ``P(Ȳ | X, Z)`` that annihilates ``v`` but not the ``u_i``.

    Parameters
    ----------
    v : (M, N) ndarray
        Entries summing to zero.
    u : (M, N) ndarray
        Row ``u_i`` sums to zero and is linearly independent of row ``v_i``.
    k : int
        Number of states of Ȳ.
    seed : int
        Seed for the random distributions the construction is free to choose.

    Returns
    -------
    (M, N, k) ndarray
        ``P[i, j]`` is a distribution over Ȳ with
        ``Σ_ij P[i, j] v_ij = 0`` and ``Σ_j P[i, j] u_ij ≠ 0`` for every ``i``.

    Raises
    ------
    HypothesisError
        Naming the violated hypothesis: ``M ≥ 3``, ``N ≥ 2``, ``k ≥ 2`` (with
        ``k = 1`` every ``P[i, j]`` is 1 and ``Σ_j u_ij = 0``, so condition 2 can
        never hold, although the lemma states ``K ≥ 1``), zero sums, or linear
        independence of ``u_i`` and ``v_i``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> v = rng.normal(size=(3, 2)); v -= v.mean()
    >>> u = rng.normal(size=(3, 2)); u -= u.mean(axis=1, keepdims=True)
    >>> P = lemma5(v, u, 2)
    >>> bool(np.allclose(np.einsum("ijk,ij->k", P, v), 0))
    True
    >>> bool((np.abs(np.einsum("ijk,ij->ik", P, u)).max(axis=1) > 0).all())
    True
    """
    v = np.asarray(v, dtype=np.float64)
    u = np.asarray(u, dtype=np.float64)
    if v.ndim != 2 or u.shape != v.shape:
        raise HypothesisError(f"Lemma 5 needs v and u of the same shape (M, N); got {v.shape} and {u.shape}")
    m, n = v.shape
    if m < 3:
        raise HypothesisError(f"Lemma 5 needs M = |X| >= 3; got M = {m}")
    if n < 2:
        raise HypothesisError(f"Lemma 5 needs N = |Z| >= 2; got N = {n}")
    if k < 2:
        raise HypothesisError(f"condition 2 of Lemma 5 needs K = |Ybar| >= 2: with K = {k} every P(Ybar | x, z) "
                              "is 1 and sum_j u_ij = 0 for every row")
    scale = max(np.abs(v).max(), np.abs(u).max(), 1.0)
    if abs(v.sum()) > tol * scale * v.size:
        raise HypothesisError(f"Lemma 5 needs the entries of v to sum to 0; they sum to {v.sum():.3g}")
    row_sums = u.sum(axis=1)
    bad = np.flatnonzero(np.abs(row_sums) > tol * scale * n)
    if bad.size:
        raise HypothesisError(f"Lemma 5 needs each u_i to sum to 0; u_{bad[0]} sums to {row_sums[bad[0]]:.3g}")
    for i in range(m):
        if np.linalg.matrix_rank(np.vstack([u[i], v[i]]), tol=1e-10 * scale) < 2:
            raise HypothesisError(f"Lemma 5 needs u_i and v_i linearly independent; row {i} is not "
                                  f"(u_{i} = {np.round(u[i], 6).tolist()}, v_{i} = {np.round(v[i], 6).tolist()})")
    rng = np.random.default_rng(seed)
    # Interior random distributions for the entries with v_ij >= 0; every entry
    # with v_ij < 0 gets the v-weighted average of the positive ones, so that
    # Σ_+ v P = S P_- = -Σ_- v P_- (the proof's construction).
    P = rng.dirichlet(np.full(k, 2.0), size=(m, n))
    positive, negative = v > 0, v < 0
    if negative.any():
        total = v[positive].sum()
        P[negative] = (v[positive][:, None] * P[positive]).sum(axis=0) / total
    for i in range(m):
        if np.abs(np.einsum("jk,j->k", P[i], u[i])).max() > tol:
            continue
        # Move along d ⟂ v_i with u_i · d ≠ 0, shifting mass between the first two
        # states of Ȳ: Σ_j v_ij P_ij is unchanged, Σ_j u_ij P_ij becomes non-zero.
        d = u[i] - (u[i] @ v[i]) / (v[i] @ v[i]) * v[i] if v[i].any() else u[i].copy()
        room = np.minimum(P[i, :, 0], P[i, :, 1])
        eps = 0.5 * np.min(room[d != 0] / np.abs(d[d != 0]))
        P[i, :, 0] -= eps * d
        P[i, :, 1] += eps * d
    return P
