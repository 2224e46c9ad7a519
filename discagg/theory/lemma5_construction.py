"""Lemma 5 (the paper's appendix E.1): a conditional that annihilates one direction but no other.

The proof of Theorem 3.2 rests on it: given ``v`` (entries summing to zero) and
rows ``u_i`` (each summing to zero), it builds ``P(Ȳ | X, Z)`` with
``Σ_ij P[i, j] v_ij = 0`` and ``Σ_j P[i, j] u_ij ≠ 0``.

The lemma states ``M ≥ 3``, ``N ≥ 2``, ``K ≥ 1`` and ``u_i``, ``v_i`` linearly
independent. Its construction needs less and one thing more: ``u_i ∉ span(v_i)``
for every row (so ``v_i = 0`` is fine when ``u_i ≠ 0``, and any ``M ≥ 1``), and
``K ≥ 2`` (with ``K = 1`` condition 2 is impossible). :func:`lemma5` builds the
conditional whenever the construction's requirements hold, and warns
(:class:`~discagg.theory.hypotheses.StatedHypothesisWarning`) when the paper's
stated hypotheses fail although the construction succeeds;
:func:`lemma5_hypotheses` lists both sets. The proof of Theorem 3.2 applies the
lemma outside its stated hypotheses (to fibres with ``M = 2``, and to rows with
``v_x = P(x | x̄) u_x``, where only condition 1 is needed).
"""

from __future__ import annotations

import warnings

import numpy as np

from discagg.theory.hypotheses import Hypothesis, HypothesisError, StatedHypothesisWarning

__all__ = ["lemma5", "lemma5_hypotheses"]


def _outside_span(u: np.ndarray, v: np.ndarray, scale: float) -> bool:
    """Whether ``u`` is not a multiple of ``v`` (relative tolerance 1e-10 of the inputs' scale)."""
    if not v.any():
        return bool(np.abs(u).max() > 1e-10 * scale)
    residual = u - (u @ v) / (v @ v) * v
    return bool(np.abs(residual).max() > 1e-10 * scale)


def lemma5_hypotheses(v: np.ndarray, u: np.ndarray, k: int) -> list[Hypothesis]:
    """Lemma 5's stated hypotheses and the construction's own requirements, checked on inputs.

    Rows with ``stated=True`` are the paper's; the others are what the
    construction in the proof needs (the rows ``u_i ∉ span(v_i)`` and ``K ≥ 2``).

    Examples
    --------
    >>> v = np.array([[1.0, -1.0, 0.0], [0.0, 0.0, 0.0]]); u = np.array([[1.0, 0.0, -1.0], [0.0, 1.0, -1.0]])
    >>> [h.name for h in lemma5_hypotheses(v, u, 2) if not h.holds]  # stated ones; the construction's hold
    ['M >= 3', 'u_i, v_i linearly independent']
    """
    v = np.asarray(v, dtype=np.float64)
    u = np.asarray(u, dtype=np.float64)
    m, n = v.shape
    scale = max(np.abs(v).max(initial=0.0), np.abs(u).max(initial=0.0), 1.0)
    dependent = [i for i in range(m) if np.linalg.matrix_rank(np.vstack([u[i], v[i]]), tol=1e-10 * scale) < 2]
    in_span = [i for i in range(m) if not _outside_span(u[i], v[i], scale)]
    return [
        Hypothesis("M >= 3", m >= 3, f"M = |X| = {m}"),
        Hypothesis("N >= 2", n >= 2, f"N = |Z| = {n}"),
        Hypothesis("K >= 1", k >= 1, f"K = |Ybar| = {k}"),
        Hypothesis("u_i, v_i linearly independent", not dependent,
                   "every row" if not dependent else f"not for rows {dependent}"),
        Hypothesis("u_i not in span(v_i)", not in_span, "every row" if not in_span else f"not for rows {in_span}",
                   stated=False),
        Hypothesis("K >= 2", k >= 2, f"K = {k}; with K = 1 every P(Ybar | x, z) is 1 and condition 2 fails",
                   stated=False),
    ]


def lemma5(v: np.ndarray, u: np.ndarray, k: int, *, seed: int = 0, tol: float = 1e-12) -> np.ndarray:
    """Lemma 5: a conditional ``P(Ȳ | X, Z)`` that annihilates ``v`` but not the ``u_i``.

    Parameters
    ----------
    v : (M, N) ndarray
        Entries summing to zero.
    u : (M, N) ndarray
        Row ``u_i`` sums to zero and is not a multiple of row ``v_i`` (the
        paper asks for linear independence, which also excludes ``v_i = 0``).
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
        Naming the violated requirement of the construction: ``k ≥ 2`` (with
        ``k = 1`` every ``P[i, j]`` is 1 and ``Σ_j u_ij = 0``, so condition 2 can
        never hold, although the lemma states ``K ≥ 1``), zero sums, or
        ``u_i ∉ span(v_i)``.

    Warns
    -----
    StatedHypothesisWarning
        When the construction succeeds although a hypothesis the paper states
        (``M ≥ 3``, ``N ≥ 2``, linear independence) fails.

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
    if m < 1 or n < 1:
        raise HypothesisError(f"Lemma 5 needs non-empty v and u; got shape {v.shape}")
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
        if not _outside_span(u[i], v[i], scale):
            raise HypothesisError(f"Lemma 5's construction needs u_i outside span(v_i); row {i} is not "
                                  f"(u_{i} = {np.round(u[i], 6).tolist()}, v_{i} = {np.round(v[i], 6).tolist()})")
    failing = [h for h in lemma5_hypotheses(v, u, k) if h.stated and not h.holds]
    if failing:
        warnings.warn("Lemma 5's stated hypotheses fail (" + "; ".join(f"{h.name}: {h.detail}" for h in failing)
                      + "), but its construction applies: every u_i lies outside span(v_i) and K >= 2",
                      StatedHypothesisWarning, stacklevel=2)
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
