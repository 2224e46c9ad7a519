"""Paradoxical distributions: the Lemma 5 construction and Theorem 3.2 counterexamples.

Theorem 3.2 (the paper's section 3.2.2, proof in appendix E.2): in the triangle
``Z → X, Z → Y, X → Y`` with enough aggregation, for any family of macro
interventions other than the natural one there is a model in which (X, Y) and
(X, Ȳ) are confounded and yet every macro intervention of the family is
confounding-inhibiting. :func:`lemma5` is the construction the proof rests on;
:func:`generate_counterexample` follows the proof fibre by fibre.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from discagg.aggregation import Aggregation, natural_weights
from discagg.coarsening import Coarsening
from discagg.errors import DiscaggError, SolverError
from discagg.inference import rational
from discagg.model import CausalModel, Node, Query
from discagg.realization import RealizationFamily
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["HypothesisError", "lemma5", "Hypothesis", "Counterexample", "CounterexampleNotFound",
           "generate_counterexample", "theorem_3_2_hypotheses"]


class HypothesisError(DiscaggError, ValueError):
    """The inputs of a construction violate a hypothesis it needs."""


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


@dataclass(frozen=True)
class Hypothesis:
    """One hypothesis of a theorem, checked on concrete inputs."""

    name: str
    holds: bool
    detail: str


def theorem_3_2_hypotheses(
    n_x: int, n_z: int, n_x_macro: int, n_y_macro: int, differs: np.ndarray | None = None
) -> list[Hypothesis]:
    """The hypotheses of Theorem 3.2 for given cardinalities.

    ``differs[k]`` says whether the family's realization of macro state ``k``
    differs from the natural one (omitted: not checked).
    """
    checks = [
        Hypothesis("|Ybar| < min(|X|, |Z|)", n_y_macro < min(n_x, n_z),
                   f"|Ybar| = {n_y_macro}, |X| = {n_x}, |Z| = {n_z}"),
        Hypothesis("|Ybar| >= 2", n_y_macro >= 2,
                   f"|Ybar| = {n_y_macro}; with one macro state P(Ybar | X) = 1 and (X, Ybar) cannot be "
                   "confounded (the paper's statement omits this)"),
        Hypothesis("|Xbar| < |X|", n_x_macro < n_x, f"|Xbar| = {n_x_macro}, |X| = {n_x}"),
    ]
    if differs is not None:
        same = np.flatnonzero(~np.asarray(differs))
        checks.append(Hypothesis(
            "realization differs from the natural one for every xbar", not same.size,
            "it does" if not same.size else f"equal to the natural realization for macro states {same.tolist()}"
            " (a single-state fibre has no other realization)"))
    return checks


@dataclass(frozen=True, eq=False)
class Counterexample:
    """A generated Theorem 3.2 model and its realization family.

    Attributes
    ----------
    model : CausalModel
    realization : RealizationFamily
    hypotheses : tuple of Hypothesis
    confounding : float
        ``max_x TV(P(Ȳ | x), P(Ȳ | do(x)))`` of the generated model.
    """

    model: CausalModel
    realization: RealizationFamily
    hypotheses: tuple[Hypothesis, ...]
    confounding: float


def _random_partition(rng: np.random.Generator, n: int, k: int) -> np.ndarray:
    assignment = np.concatenate([np.arange(k), rng.integers(0, k, n - k)])
    rng.shuffle(assignment)
    return assignment


def _partition(node: str, states: list[str], assignment: np.ndarray, prefix: str) -> Coarsening:
    k = int(assignment.max()) + 1
    mapping = {f"{prefix}{j}": [s for s, a in zip(states, assignment) if a == j] for j in range(k)}
    return Coarsening.from_mapping(node, states, mapping)


def _fibre_lp(v: np.ndarray, u: np.ndarray, k: int, subsets: list[np.ndarray]) -> tuple[float, np.ndarray]:
    """Maximise Σ_{ȳ∈A} Σ_z B[0, z, ȳ] u[z] over B with Σ_xz v B = 0, rows of B on the simplex.

    ``v`` is (f, n) for the fibre's f micro states (the first is the one whose
    confounding is maximised) and ``u`` is (n,). Returns the best value over the
    subsets ``A`` and its B of shape (f, n, k).
    """
    f, n = v.shape
    size = f * n * k
    # equalities: Σ_ȳ B[x, z, ȳ] = 1 (f*n rows);  Σ_xz v[x, z] B[x, z, ȳ] = 0 (k rows)
    rows = np.repeat(np.arange(f * n), k)
    simplex = sp.csr_matrix((np.ones(size), (rows, np.arange(size))), shape=(f * n, size))
    null = sp.csr_matrix((np.tile(v.ravel(), k), (np.repeat(np.arange(k), f * n),
                                                  (np.arange(f * n)[None, :] * k + np.arange(k)[:, None]).ravel())),
                         shape=(k, size))
    A_eq = sp.vstack([simplex, null], format="csr")
    b_eq = np.concatenate([np.ones(f * n), np.zeros(k)])
    best, best_b = -np.inf, None
    for subset in subsets:
        c = np.zeros((f, n, k))
        c[0][:, subset] = -u[:, None]  # linprog minimises
        res = linprog(c.ravel(), A_eq=A_eq, b_eq=b_eq, bounds=(0, 1), method="highs")
        if res.status != 0:
            raise SolverError(f"HiGHS (scipy) did not solve the counterexample LP: {res.message}")
        if -res.fun > best:
            best, best_b = -res.fun, res.x.reshape(f, n, k)
    return float(best), np.clip(best_b, 0.0, None)


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


_MIX = 0.2  # weight of the constant-per-fibre solution mixed into each LP vertex


def _subsets(k: int) -> list[np.ndarray]:
    """Sets A of macro states whose mass difference the fibre LPs maximise (TV = max over A)."""
    if k <= 6:
        return [np.flatnonzero([(mask >> j) & 1 for j in range(k)]) for mask in range(1, 2**k - 1)]
    singles = [np.array([j]) for j in range(k)]
    return singles + [np.setdiff1d(np.arange(k), s) for s in singles]


def generate_counterexample(
    n_x: int,
    n_z: int,
    n_y: int,
    n_x_macro: int,
    n_y_macro: int,
    *,
    x_macro: dict[str, list[str]] | None = None,
    y_macro: dict[str, list[str]] | None = None,
    realization: dict[str, dict[str, float]] | None = None,
    p_z: np.ndarray | None = None,
    p_x_given_z: np.ndarray | None = None,
    seed: int = 0,
    margin: float = 0.05,
    split: str = "uniform",
    exact: bool = False,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
) -> Counterexample:
    """Build a paradoxical model in the sense of Theorem 3.2.

    Micro states are named ``x0, x1, ...``, ``z0, ...``, ``y0, ...``; random macro
    states ``X0, X1, ...`` and ``Y0, ...``. Following the proof: P(Z) and P(X | Z)
    are drawn (Dirichlet, so that P(Z | x) ≠ P(Z)) unless given; then, for each
    fibre ``F`` of ``π_X``, an LP finds ``P(Ȳ | X, Z)`` on ``F`` with
    ``Σ_{x∈F, z} P(Ȳ | x, z) (P(x, z | x̄) − P(z) P^do(x | x̄)) = 0`` (equation 60:
    the family is confounding-inhibiting) that maximises the (X, Ȳ) confounding
    ``TV(P(Ȳ | x), P(Ȳ | do(x)))`` of the fibre's micro state whose ``P(Z | x)``
    is farthest from ``P(Z)``. ``P(Y | X, Z)`` then splits each macro state's
    mass over its micro states (uniformly, as in the proof, or ``split="random"``).

    Parameters
    ----------
    n_x, n_z, n_y : int
        Cardinalities of X, Z, Y.
    n_x_macro, n_y_macro : int
        Sizes of the random partitions (ignored when ``x_macro``/``y_macro`` given).
    x_macro, y_macro : dict, optional
        Explicit coarsenings ``{macro state: [micro states]}``.
    realization : dict, optional
        ``{macro state of X: {micro state: probability}}``; default: seeded random
        (Dirichlet) over each fibre.
    p_z : (n_z,) array, optional
    p_x_given_z : (n_z, n_x) array, optional
    seed : int
    margin : float
        Least (X, Ȳ) confounding (TV) to reach.
    split : {"uniform", "random"}
    exact : bool
        Build a model that satisfies equation (60) *exactly* as stored: P(Z),
        P(X | Z), the realization and the split use a dyadic grid (sums exactly
        one), and P(Ȳ | X, Z) is a constant per fibre plus exact pair
        perturbations (see ``_exact_conditional``) instead of the LP, so every
        float in the file is the intended rational and ``discagg verify --exact``
        certifies the family as inhibiting with zero residual. The confounding
        reached is usually smaller than the LP's. Explicit ``p_z``,
        ``p_x_given_z`` or ``realization`` must then sum to exactly one in binary.
    tolerance : Tolerance

    Returns
    -------
    Counterexample

    Raises
    ------
    ModelError
        Invalid explicit inputs (partitions, distributions).
    CounterexampleNotFound
        When the LPs cannot reach ``margin``; the message gives the best value.

    Examples
    --------
    >>> ce = generate_counterexample(4, 3, 4, 2, 2, seed=1, margin=0.01)
    >>> [h.holds for h in ce.hypotheses]
    [True, True, True, True]
    >>> ce.confounding >= 0.01
    True
    """
    if split not in ("uniform", "random"):
        raise ValueError(f"split must be 'uniform' or 'random', got {split!r}")
    rng = np.random.default_rng(seed)
    xs = [f"x{i}" for i in range(n_x)]
    zs = [f"z{i}" for i in range(n_z)]
    ys = [f"y{i}" for i in range(n_y)]
    pi_x = (Coarsening.from_mapping("X", xs, x_macro) if x_macro is not None
            else _partition("X", xs, _random_partition(rng, n_x, n_x_macro), "X"))
    pi_y = (Coarsening.from_mapping("Y", ys, y_macro) if y_macro is not None
            else _partition("Y", ys, _random_partition(rng, n_y, n_y_macro), "Y"))
    bits = max(8, int(np.ceil(np.log2(max(n_x, n_z, n_y) + 2))))
    if exact:
        default_z, default_x = _dyadic_rows(rng, n_z, bits), _dyadic_rows(rng, n_x, bits, (n_z,))
    else:
        default_z, default_x = rng.dirichlet(np.ones(n_z)), rng.dirichlet(np.ones(n_x), size=n_z)
    z_node = Node("Z", zs, [], default_z if p_z is None else p_z)
    x_node = Node("X", xs, ["Z"], default_x if p_x_given_z is None else p_x_given_z)
    probe = CausalModel([z_node, x_node], macro={"X": pi_x})  # validates the given P(Z), P(X | Z)
    pz, pxz = probe.nodes["Z"].cpt, probe.nodes["X"].cpt
    joint = pz[:, None] * pxz  # P(z, x), shape (n_z, n_x)
    p_x = joint.sum(axis=0)
    p_macro = pi_x.push_forward(p_x)
    if realization is None:
        weights = np.zeros(n_x)
        for k in range(pi_x.n_macro):
            fibre = pi_x.fibre(k)
            weights[fibre] = (_dyadic_rows(rng, len(fibre), bits) if exact
                              else rng.dirichlet(np.ones(len(fibre))))
        family = RealizationFamily.from_weights(pi_x, weights, tolerance=tolerance)
    else:
        family = RealizationFamily.from_mapping(pi_x, realization, tolerance=tolerance)
    natural = natural_weights(p_x, pi_x, 0.0)
    differs = np.array([0.5 * np.abs(natural[f] - family.weights[f]).sum() > tolerance.equality
                        for f in (pi_x.fibre(k) for k in range(pi_x.n_macro))])
    hypotheses = tuple(theorem_3_2_hypotheses(n_x, n_z, pi_x.n_macro, pi_y.n_macro, differs))

    if pi_y.n_macro < 2:
        raise HypothesisError("Theorem 3.2's conclusion 1 needs |Ybar| >= 2: with one macro state P(Ybar | X) = 1 "
                              "and (X, Ybar) cannot be confounded (the paper's hypothesis |Ybar| < min(|X|, |Z|) "
                              "allows |Ybar| = 1)")
    if exact:
        fibre_sums = pi_x.push_forward(rational(family.weights))
        for what, sums in (("P(Z)", [sum(rational(pz))]), ("P(X | Z)", [sum(row) for row in rational(pxz)]),
                           ("the realization over each fibre", list(fibre_sums))):
            if any(total != 1 for total in sums):
                raise HypothesisError(f"an exact counterexample needs {what} summing to exactly 1 in binary "
                                      "floating point (e.g. multiples of 2^-8)")
    k_y = pi_y.n_macro
    with np.errstate(invalid="ignore", divide="ignore"):
        u = np.where(p_x[:, None] > 0, joint.T / p_x[:, None], 0.0) - pz[None, :]  # P(z | x) − P(z), (n_x, n_z)
    if exact:
        B = _exact_conditional(rng, joint, pz, family.weights, pi_x, k_y, bits)
        best = max(float(np.abs(np.einsum("zk,z->k", B[x], u[x])).sum() / 2) for x in range(n_x))
    else:
        B = np.empty((n_x, n_z, k_y))
        best = 0.0
        for k in range(pi_x.n_macro):
            fibre = pi_x.fibre(k)
            if p_macro[k] <= tolerance.support:
                raise CounterexampleNotFound(f"macro state {pi_x.macro_states[k]!r} has P(xbar) = 0: equation "
                                             "(60) needs P(X, Z | xbar)", 0.0)
            v = joint[:, fibre].T / p_macro[k] - pz[None, :] * family.weights[fibre][:, None]  # (|F|, n_z)
            lead = int(np.argmax(np.abs(u[fibre]).sum(axis=1)))
            order = np.concatenate([[lead], np.delete(np.arange(len(fibre)), lead)])
            value, b = _fibre_lp(v[order], u[fibre[lead]], k_y, _subsets(k_y))
            constant = rng.dirichlet(np.full(k_y, 2.0))
            b = (1 - _MIX) * b + _MIX * constant  # Σ v · constant = 0: still inhibiting, now full support
            residual = np.einsum("xzk,xz->k", b, v[order])
            b -= v[order][:, :, None] * residual[None, None, :] / (v * v).sum()  # restore (60) exactly
            B[fibre[order]] = b
            best = max(best, (1 - _MIX) * value)
    if best < margin:
        raise CounterexampleNotFound(
            f"the construction reaches (X, Ybar) confounding {best:.3g} < margin {margin:g} for these inputs: the "
            "fibre LPs (each maximising the confounding of its micro state farthest from P(Z)) reach at most that",
            best)

    cpt = np.empty((n_x, n_z, n_y))
    for j in range(k_y):
        members = pi_y.fibre(j)
        if exact:  # dyadic shares summing to exactly one: B · share is exact
            share = _dyadic_rows(rng, len(members), bits, (n_x, n_z), uniform=split == "uniform")
        elif split == "uniform":
            share = np.full((n_x, n_z, len(members)), 1.0 / len(members))
        else:
            share = rng.dirichlet(np.ones(len(members)), size=(n_x, n_z))
        cpt[:, :, members] = B[:, :, j:j + 1] * share
    if exact:
        if not _exactly_inhibiting(joint, pz, family.weights, pi_x, cpt, pi_y):
            raise SolverError("the exact counterexample construction lost exactness (a value needed more than "
                              "53 bits)")
    else:
        cpt /= cpt.sum(axis=-1, keepdims=True)
    y_node = Node("Y", ys, ["X", "Z"], cpt)
    model = CausalModel(
        [z_node, x_node, y_node], macro={"X": pi_x, "Y": pi_y}, name="counterexample",
        description=(f"A Theorem 3.2 counterexample generated by discagg (seed {seed}, margin {margin:g}, "
                     f"|X| = {n_x}, |Z| = {n_z}, |Y| = {n_y}, |Xbar| = {pi_x.n_macro}, |Ybar| = {pi_y.n_macro}): "
                     "(X, Y) and (X, Ybar) are confounded, yet the accompanying realization family is "
                     "confounding-inhibiting for every macro state of X."),
        query=Query("X", "Y"), tolerance=tolerance,
    )
    micro = Aggregation.of(model, tolerance=tolerance).micro_confounding()
    confounding = float(np.nanmax(micro.macro_effect_tv))
    return Counterexample(model, family, hypotheses, confounding)


def _dyadic_rows(rng: np.random.Generator, n: int, bits: int, size: tuple[int, ...] = (),
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
    return ints / scale


def _exact_conditional(rng: np.random.Generator, joint: np.ndarray, pz: np.ndarray, weights: np.ndarray,
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
        r = _dyadic_rows(rng, k_y, bits)
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


def _exactly_inhibiting(joint: np.ndarray, pz: np.ndarray, weights: np.ndarray, pi_x: Coarsening,
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
