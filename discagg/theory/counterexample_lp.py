"""The LP construction of a Theorem 3.2 counterexample: ``P(Ȳ | X, Z)`` fibre by fibre.

For each fibre ``F`` of ``π_X``, equation (60) of the paper's proof says that the
realization family is confounding-inhibiting for ``x̄`` exactly when
``Σ_{x∈F, z} P(Ȳ | x, z) v[x, z] = 0`` with
``v[x, z] = P(x, z | x̄) − P(z) q(x)``. One LP per fibre and per set ``A`` of
macro states of Ȳ finds the ``P(Ȳ | X, Z)`` on ``F`` satisfying it that
maximises the (X, Ȳ) confounding ``P(A | x) − P(A | do(x))`` of the fibre's
micro state whose ``P(Z | x)`` is farthest from ``P(Z)`` (TV is the maximum
over ``A``).
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.optimize import OptimizeResult, linprog

from discagg.core.coarsening import Coarsening
from discagg.errors import DiscaggError
from discagg.tolerance import Tolerance

__all__ = ["CounterexampleNotFound", "fibre_lp", "lp_conditional"]

_MIX = 0.2  # weight of the constant-per-fibre solution mixed into each LP vertex


class CounterexampleNotFound(DiscaggError):
    """The construction's LPs cannot reach the requested confounding margin.

    Each fibre's LP maximises the confounding of one micro state (the one whose
    P(Z | x) is farthest from P(Z)) over a family of sets of macro states of Ȳ;
    this is not an exhaustive search over all models, so a larger margin may
    still be reachable by another construction.

    Attributes
    ----------
    best : float
        The largest (X, Ȳ) confounding those LPs reach (their optimal values).
    """

    def __init__(self, message: str, best: float) -> None:
        super().__init__(message)
        self.best = best


def _subsets(k: int) -> list[np.ndarray]:
    """Sets A of macro states whose mass difference the fibre LPs maximise (TV = max over A)."""
    if k <= 6:
        return [np.flatnonzero([(mask >> j) & 1 for j in range(k)]) for mask in range(1, 2**k - 1)]
    singles = [np.array([j]) for j in range(k)]
    return singles + [np.setdiff1d(np.arange(k), s) for s in singles]


def fibre_lp(v: np.ndarray, u: np.ndarray, k: int, subsets: list[np.ndarray]) -> tuple[float, np.ndarray]:
    """Maximise Σ_{ȳ∈A} Σ_z B[0, z, ȳ] u[z] over B with Σ_xz v B = 0, rows of B on the simplex.

    Parameters
    ----------
    v : (f, n) ndarray
        Equation (60)'s coefficients for the fibre's ``f`` micro states; the
        first is the one whose confounding is maximised.
    u : (n,) ndarray
        ``P(z | x) − P(z)`` of that micro state.
    k : int
        Number of macro states of Ȳ.
    subsets : list of ndarray
        The sets ``A`` to try.

    Returns
    -------
    value : float
        The best value over the subsets.
    B : (f, n, k) ndarray
        Its conditional ``P(Ȳ | x, z)`` on the fibre.
    """
    f, n = v.shape
    size = f * n * k
    # equalities: Σ_ȳ B[x, z, ȳ] = 1 (f*n rows);  Σ_xz v[x, z] B[x, z, ȳ] = 0 for ȳ < k − 1 (k − 1 rows).
    # The k-th equation of (60) is implied: summed over ȳ, the k equations give Σ_xz v[x, z] = 0, which
    # holds in exact arithmetic but not for the floats of v (off by ~1e-17). Kept, it makes the system
    # exactly inconsistent, and HiGHS's presolve rightly reports "infeasible".
    rows = np.repeat(np.arange(f * n), k)
    simplex = sp.csr_matrix((np.ones(size), (rows, np.arange(size))), shape=(f * n, size))
    kept = k - 1
    null = sp.csr_matrix((np.tile(v.ravel(), kept), (np.repeat(np.arange(kept), f * n),
                                                     (np.arange(f * n)[None, :] * k + np.arange(kept)[:, None]).ravel())),
                         shape=(kept, size))
    A_eq = sp.vstack([simplex, null], format="csr")
    b_eq = np.concatenate([np.ones(f * n), np.zeros(kept)])
    # The constant conditional (every B[x, z] the same distribution) is feasible, with value 0.
    best, best_b = 0.0, np.full((f, n, k), 1.0 / k)
    for subset in subsets:
        c = np.zeros((f, n, k))
        c[0][:, subset] = -u[:, None]  # linprog minimises
        x = _solve(c.ravel(), A_eq, b_eq)
        if x is None:
            continue  # every HiGHS method failed on this set A: the others (or the constant) stand
        value = float(-(c.ravel() @ x))
        if value > best:
            best, best_b = value, x.reshape(f, n, k)
    return float(best), np.clip(best_b, 0.0, None)


def _solve(c: np.ndarray, A_eq: sp.csr_matrix, b_eq: np.ndarray) -> np.ndarray | None:
    """One fibre LP by HiGHS (scipy): simplex, then without presolve, then interior point; None if all fail."""
    for method, options in (("highs", {}), ("highs-ds", {"presolve": False}), ("highs-ipm", {})):
        # scipy-stubs type A_ub and A_eq as dense arrays only; HiGHS takes sparse matrices
        res: OptimizeResult = linprog(c, A_eq=A_eq, b_eq=b_eq, bounds=(0, 1), method=method, options=options)  # type: ignore[call-overload]
        if res.status == 0 and res.x is not None:
            clipped: np.ndarray = np.clip(res.x, 0.0, 1.0)
            return clipped
    return None


def lp_conditional(rng: np.random.Generator, joint: np.ndarray, pz: np.ndarray, weights: np.ndarray,
                   pi_x: Coarsening, u: np.ndarray, k_y: int, tolerance: Tolerance, *,
                   progress: bool = False) -> tuple[np.ndarray, float]:
    """``P(Ȳ | X, Z)`` satisfying equation (60) on every fibre, with the confounding it reaches.

    Each fibre's LP vertex is mixed with a random constant distribution (which
    satisfies (60) on its own) so that every entry is positive, and (60) is
    then restored to machine precision along ``v``.

    Parameters
    ----------
    joint : (n_z, n_x) ndarray
        ``P(z, x)``.
    pz : (n_z,) ndarray
    weights : (n_x,) ndarray
        The realization family's weights.
    pi_x : Coarsening
    u : (n_x, n_z) ndarray
        ``P(z | x) − P(z)``.
    k_y : int
        Number of macro states of Ȳ.

    Returns
    -------
    B : (n_x, n_z, k_y) ndarray
    best : float
        The largest (X, Ȳ) confounding the LPs reach.

    Raises
    ------
    CounterexampleNotFound
        When a macro state has ``P(x̄) = 0`` (equation (60) needs ``P(X, Z | x̄)``).
    """
    n_z, n_x = joint.shape
    p_macro = pi_x.push_forward(joint.sum(axis=0))
    subsets = _subsets(k_y)
    B = np.empty((n_x, n_z, k_y))
    best = 0.0
    from discagg.progress import progress as bar

    for k in bar(range(pi_x.n_macro), total=pi_x.n_macro, description="fibre LPs", enabled=progress):
        fibre = pi_x.fibre(k)
        if p_macro[k] <= tolerance.support:
            raise CounterexampleNotFound(f"macro state {pi_x.macro_states[k]!r} has P(xbar) = 0: equation "
                                         "(60) needs P(X, Z | xbar)", 0.0)
        v = joint[:, fibre].T / p_macro[k] - pz[None, :] * weights[fibre][:, None]  # (|F|, n_z)
        lead = int(np.argmax(np.abs(u[fibre]).sum(axis=1)))
        order = np.concatenate([[lead], np.delete(np.arange(len(fibre)), lead)])
        value, b = fibre_lp(v[order], u[fibre[lead]], k_y, subsets)
        constant = rng.dirichlet(np.full(k_y, 2.0))
        b = (1 - _MIX) * b + _MIX * constant  # Σ v · constant = 0: still inhibiting, now full support
        residual = np.einsum("xzk,xz->k", b, v[order])
        norm = float((v * v).sum())
        if norm > 0:  # restore (60) exactly (v = 0, e.g. |Z| = 1: it holds for every B)
            with np.errstate(over="ignore", invalid="ignore"):
                corrected = b - v[order][:, :, None] * residual[None, None, :] / norm
            # v at rounding level (|Z| = 1 up to rounding) makes the correction meaningless: (60) then holds to
            # rounding already, and a correction that leaves [0, 1] or moves the rows' sums is not applied.
            if (np.isfinite(corrected).all() and corrected.min() >= 0 and corrected.max() <= 1
                    and np.abs(corrected.sum(axis=-1) - 1).max() <= tolerance.equality):
                b = corrected
        B[fibre[order]] = b
        best = max(best, (1 - _MIX) * value)
    return B, best
