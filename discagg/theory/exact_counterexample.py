"""Exact Theorem 3.2 counterexamples: models whose stored floats satisfy equation (60) exactly.

Every distribution is drawn on the dyadic grid ``2^-bits`` so that it sums to
exactly one in binary floating point, and ``P(Ȳ | X, Z)`` is a constant per fibre
plus pair perturbations scaled by powers of two, so no rounding happens:
``discagg verify --exact`` certifies the family as inhibiting with zero residual.
"""

from __future__ import annotations

import numpy as np

from discagg.core.coarsening import Coarsening
from discagg.core.inference import rational

__all__ = ["dyadic_rows", "exact_conditional", "exactly_inhibiting"]


def dyadic_rows(rng: np.random.Generator, n: int, bits: int, size: tuple[int, ...] = (),
                 uniform: bool = False) -> np.ndarray:
    """Positive distributions over ``n`` states on the grid 2^-bits, summing to exactly 1."""
    scale = 2**bits
    if uniform:
        raw = np.full(size + (n,), 1.0 / n)
    else:
        raw = rng.dirichlet(np.ones(n), size=size or None).reshape(size + (n,))
    ints = np.floor(raw * (scale - n)).astype(np.int64) + 1
    deficit = scale - ints.sum(axis=-1)
    np.put_along_axis(ints, raw.argmax(axis=-1)[..., None],
                      np.take_along_axis(ints, raw.argmax(axis=-1)[..., None], axis=-1) + deficit[..., None], axis=-1)
    rounded: np.ndarray = ints / scale
    return rounded


def exact_conditional(rng: np.random.Generator, joint: np.ndarray, pz: np.ndarray, weights: np.ndarray,
                       pi_x: Coarsening, k_y: int, bits: int) -> np.ndarray:
    """P(Ȳ | X, Z) satisfying equation (60) exactly, built from exactly representable pieces.

    Per fibre, equation (60) times P(x̄) reads ``Σ_xz w[x, z] B[x, z] = 0`` with
    ``w = P(z) P(x | z) − P(x̄) P(z) q(x)``, whose entries sum to exactly 0. A
    constant distribution ``r`` satisfies it; on each micro state ``x`` the pair
    perturbation ``B[x, z1] += ε w[x, z2] (e0 − e1)``, ``B[x, z2] −= ε w[x, z1] (e0 − e1)``
    keeps it exact and confounds (X, Ȳ) at ``x``. ``ε`` is a power of two, so
    every entry stays a float that is exactly the intended rational.
    """
    n_z, n_x = joint.shape
    lowest = 5 * bits - 52  # least exponent of ε keeping every entry within float64's 53 bits
    B = np.empty((n_x, n_z, k_y))
    for k in range(pi_x.n_macro):
        fibre = pi_x.fibre(k)
        p_bar = joint[:, fibre].sum()
        w = joint[:, fibre].T - p_bar * pz[None, :] * weights[fibre][:, None]  # (|F|, n_z), exact
        r = dyadic_rows(rng, k_y, bits)
        B[fibre] = r
        for row, x in enumerate(fibre):
            p_x = joint[:, x].sum()
            u = joint[:, x] / p_x - pz if p_x > 0 else np.zeros(n_z)
            # gain of the pair (z1, z2): ε (w_z2 u_z1 − w_z1 u_z2) on component 0 of P(Ȳ | x) − P(Ȳ | do(x))
            gain = u[:, None] * w[row][None, :] - w[row][:, None] * u[None, :]
            z1, z2 = np.unravel_index(np.argmax(np.abs(gain)), gain.shape)
            if gain[z1, z2] == 0:
                continue
            sign = 1.0 if gain[z1, z2] > 0 else -1.0
            d1, d2 = sign * w[row, z2], -sign * w[row, z1]  # change of component 0 (component 1 gets minus)
            limit = min(r[0] / abs(d) if d < 0 else r[1] / d if d > 0 else np.inf for d in (d1, d2))
            if not np.isfinite(limit) or limit <= 0:
                continue
            exponent = int(np.floor(np.log2(limit)))
            if exponent < lowest:
                continue
            eps = 2.0**exponent
            for z, d in ((z1, d1), (z2, d2)):
                B[x, z, 0] = r[0] + eps * d
                B[x, z, 1] = r[1] - eps * d
    return B


def exactly_inhibiting(joint: np.ndarray, pz: np.ndarray, weights: np.ndarray, pi_x: Coarsening,
                        cpt: np.ndarray, pi_y: Coarsening) -> bool:
    """Check equation (60) for the stored floats in rational arithmetic."""
    j, z, q = rational(joint), rational(pz), rational(weights)
    b = pi_y.push_forward(rational(cpt), axis=2)
    for k in range(pi_x.n_macro):
        fibre = pi_x.fibre(k)
        w = j[:, fibre].T - j[:, fibre].sum() * z[None, :] * q[fibre][:, None]
        if any(v != 0 for v in np.einsum("xz,xzk->k", w, b[fibre])):
            return False
    return True
