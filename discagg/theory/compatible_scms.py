"""Condition (15) over every SCM compatible with a causal model, by linear programming.

*Compatible* (see :mod:`discagg.core.scm`): an SCM on the model's DAG whose response functions
reproduce the CPTs and whose every interventional distribution ``P(V \\ S | do(S = s))``
(``S = ∅`` included) is the model's truncated factorisation. The noises of different nodes may
be correlated, but only in ways no intervention on the DAG's nodes shows: a latent confounder
between two nodes would change some ``P(· | do(·))`` and is excluded; a correlation between
``f_Y(x)`` and ``X`` on the values ``x`` that ``X`` does not take is allowed, and it is what the
counterfactual conditions depend on.

Only the ancestors ``A`` of the cause, the effect and ``B`` matter: a compatible distribution of
their response functions extends to the whole model with independent Markovian responses for
the other nodes (which are non-ancestors of ``A``), and the result is compatible. The LP's
variables are the probabilities ``q`` of the joint response-function assignments of ``A``
(columns, ``Π_{V ∈ A} |V|^{(parent configurations of V)}`` of them; :data:`RESPONSE_LIMIT`);
its equality constraints are compatibility,

.. math::

    \\sum_{\\text{columns}} q\\,[\\text{the column's values under } do(S = s) \\text{ are } t]
    = \\prod_{V \\in A \\setminus S} P(t_V \\mid \\mathrm{pa}(V)),

for every set ``S`` of nodes of ``A`` with a child in ``A`` (intervening on a childless node
only drops it) and every ``s``, ``t``; and condition (15) is the linear system
``P_q((X̄_j)_x = z̄, X_i = x', b) = P(z̄, b | do(x)) P(x' | b)``.

The verdict:

- every Markovian SCM with the CPTs has the same counterfactual joint
  (:func:`~discagg.theory.counterfactual.counterfactual_joint`); it decides (15) for them,
  and one of them is a witness;
- with a binary cause, every compatible SCM has that same joint (``J[x, x, b]`` is
  observational by consistency, ``Σ_{x'} J[x, x', b]`` interventional), so the Markovian
  verdict is the verdict for all: ``"every"`` or ``"none"``, no LP;
- otherwise, when (15) holds in the Markovian SCMs, each non-trivial equation of (15) is
  maximised and minimised over the compatible polytope: a solution off the equation is a
  compatible SCM where (15) fails (``"some"``), and when none is, (15) holds for ``"every"``
  compatible SCM; when (15) fails in the Markovian SCMs, the least total violation of (15) over
  the polytope is minimised: zero gives a compatible SCM where it holds (``"some"``), more means
  ``"none"``.

Every witness is an SCM (:class:`~discagg.core.scm.StructuralModel`), re-checked on
construction (it reproduces the CPTs, its correlated block is compatible) and judged by
enumerating its responses, not by the LP's values. The float LPs are HiGHS (dual simplex, via
``scipy.optimize.linprog``), their solutions polished on their support by least squares; with
``exact=True`` the same LPs are solved by the rational simplex method of
:mod:`discagg.solvers.exact_lp` on the normalised rational CPTs, up to :data:`EXACT_LP_LIMIT`.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import scipy.sparse as sp

from discagg.core.model import CausalModel
from discagg.core.scm import ENUMERATION_LIMIT, ResponseBlock, StructuralModel, configuration_count
from discagg.errors import ModelError, SolverError
from discagg.solvers.exact_lp import exact_lp
from discagg.theory.counterfactual import (
    ConditionResiduals,
    Setting,
    cause_coarsening,
    condition_residuals,
    counterfactual_joint,
    normalised_cpt,
)
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["RESPONSE_LIMIT", "EXACT_LP_LIMIT", "VERDICTS", "Witness", "CompatibleVerdict", "response_count",
           "relevant_nodes", "decide_compatible"]

RESPONSE_LIMIT = 2**18
"""Most joint response-function assignments (LP columns) of the relevant nodes the LP accepts."""

EXACT_LP_LIMIT = 10_000
"""Most ``columns × rows`` of an LP solved in rational arithmetic (``exact=True``)."""

VERDICTS = ("every", "some", "none")


def relevant_nodes(model: CausalModel, where: Setting) -> tuple[str, ...]:
    """The ancestors of the cause, the effect and ``B``, in topological order."""
    names = model.ancestors([where.cause, where.effect, *where.adjust])
    return tuple(n for n in model.topological_order if n in names)


def response_count(model: CausalModel, nodes: tuple[str, ...]) -> int:
    """``Π_V |V|^(parent configurations of V)``: the joint response functions of ``nodes``.

    >>> from discagg import load_model
    >>> response_count(load_model("data/figure5.json"), ("Region", "Price", "Sales"))  # 4 * 4**4 * 3**16
    44079842304
    """
    return math.prod(model.cardinality(v) ** configuration_count(model, v) for v in nodes)


@dataclass(frozen=True, eq=False)
class Witness:
    """A compatible SCM and what its enumeration gives.

    Attributes
    ----------
    scm : StructuralModel
    kind : str
        ``"markov"`` (independent noises) or ``"lp"`` (one correlated block over the relevant nodes).
    residuals : ConditionResiduals
        Computed by enumerating the witness's responses.
    compatibility : float or Fraction
        The largest violation of the LP's compatibility equations (0 for a Markovian witness).
    enumerated : bool
        Whether ``residuals`` come from enumerating the witness (always, but for a Markovian
        witness with more than :data:`~discagg.core.scm.ENUMERATION_LIMIT` joint responses, whose
        residuals are then the single-world formula's).
    """

    scm: StructuralModel
    kind: str
    residuals: ConditionResiduals
    compatibility: Any
    enumerated: bool = True


@dataclass(frozen=True, eq=False)
class CompatibleVerdict:
    """Whether (15) holds for every, some but not all, or no SCM compatible with the model.

    Attributes
    ----------
    verdict : str
        ``"every"``, ``"some"`` or ``"none"``.
    method : str
        ``"binary cause"`` or ``"linear programming"``.
    columns : int
        Joint response-function assignments of the relevant nodes.
    markov : ConditionResiduals
        The residuals shared by every Markovian SCM with the CPTs.
    holds, fails : Witness or None
        A compatible SCM where (15) holds, one where it fails.
    """

    verdict: str
    method: str
    columns: int
    markov: ConditionResiduals
    holds: Witness | None
    fails: Witness | None

    def __repr__(self) -> str:
        return f"CompatibleVerdict(verdict={self.verdict!r}, method={self.method!r}, columns={self.columns})"


class _Space:
    """The joint response functions of ``nodes``: column ``i`` picks ``fun[V][i]`` for each node."""

    def __init__(self, model: CausalModel, nodes: tuple[str, ...]) -> None:
        self.model, self.nodes = model, nodes
        self.cards = {v: model.cardinality(v) for v in nodes}
        counts = [self.cards[v] ** configuration_count(model, v) for v in nodes]
        self.size = math.prod(counts)
        self.fun = dict(zip(nodes, np.unravel_index(np.arange(self.size), counts)))
        self.tables = {}
        for v, count in zip(nodes, counts):
            n_cfg = configuration_count(model, v)
            powers = self.cards[v] ** np.arange(n_cfg, dtype=np.int64)
            self.tables[v] = (np.arange(count, dtype=np.int64)[:, None] // powers[None, :]) % self.cards[v]
        self.strides = {}
        for v in nodes:
            parents = model.nodes[v].parents
            cards = [model.cardinality(p) for p in parents]
            self.strides[v] = [(p, math.prod(cards[i + 1:])) for i, p in enumerate(parents)]

    def values(self, do: dict[str, int]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for v in self.nodes:
            if v in do:
                out[v] = np.full(self.size, do[v], dtype=np.int64)
                continue
            cfg = np.zeros(self.size, dtype=np.int64)
            for p, stride in self.strides[v]:
                cfg = cfg + out[p] * stride
            out[v] = self.tables[v][self.fun[v], cfg]
        return out


def _compatibility(space: _Space, exact: bool) -> tuple[sp.csr_matrix, np.ndarray]:
    """The compatibility equations ``A q = b`` (rows: every do(S = s) and outcome t)."""
    model, nodes = space.model, space.nodes
    cpts = {v: normalised_cpt(model, v, exact=exact).reshape(-1, space.cards[v]) for v in nodes}
    with_child = [v for v in nodes if any(v in model.nodes[w].parents for w in nodes)]
    rows, rhs, offset = [], [], 0
    for r in range(len(with_child) + 1):
        for subset in itertools.combinations(with_child, r):
            targets = [v for v in nodes if v not in subset]
            cards = [space.cards[v] for v in targets]
            size = math.prod(cards)
            grid = dict(zip(targets, np.unravel_index(np.arange(size), cards)))
            for setting in itertools.product(*(range(space.cards[v]) for v in subset)):
                do = dict(zip(subset, setting))
                values = space.values(do)
                rows.append(offset + np.ravel_multi_index([values[v] for v in targets], cards))
                product = np.ones(size, dtype=object if exact else np.float64)
                if exact:
                    product[:] = Fraction(1)
                for v in targets:
                    cfg = sum((grid[p] if p in grid else do[p]) * s for p, s in space.strides[v])
                    product = product * cpts[v][cfg, grid[v]]
                rhs.append(product)
                offset += size
    row_index = np.concatenate(rows)
    columns = np.tile(np.arange(space.size), len(rows))
    matrix = sp.csr_matrix((np.ones(len(row_index)), (row_index, columns)), shape=(offset, space.size))
    return matrix, np.concatenate(rhs)


def _functionals(space: _Space, where: Setting, J: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray]:
    """Condition (15) as ``L q = c``: rows ``(x, x', b, z̄)``, ``c = P(z̄, b | do(x)) P(x', b) / P(b)``."""
    model = space.model
    n, _, nb, kz = J.shape
    factual = space.values({})
    b_index = np.zeros(space.size, dtype=np.int64)
    for b in where.adjust:
        pi = model.macro.get(b)
        card = pi.n_macro if pi else model.cardinality(b)
        b_index = b_index * card + (pi.assignment[factual[b]] if pi else factual[b])
    effect_map = model.macro.get(where.effect)
    keys = []
    for x in range(n):
        world = space.values({where.cause: x})
        z = effect_map.assignment[world[where.effect]] if effect_map else world[where.effect]
        keys.append(((x * n + factual[where.cause]) * nb + b_index) * kz + z)
    size = n * n * nb * kz
    matrix = sp.csr_matrix((np.ones(n * space.size), (np.concatenate(keys), np.tile(np.arange(space.size), n))),
                           shape=(size, space.size))
    p_xb = J[0].sum(axis=2)
    p_b = p_xb.sum(axis=0)
    do_b = J.sum(axis=1)
    positive = np.asarray(p_b > 0, dtype=bool)
    share = np.divide(p_xb, p_b[None, :], out=np.zeros_like(p_xb), where=np.broadcast_to(positive, p_xb.shape))
    target = do_b[:, None, :, :] * share[None, :, :, None]
    return matrix, target.reshape(size)


class _Float:
    """HiGHS (dual simplex) through scipy, with the solution polished on its support."""

    exact = False

    def __init__(self, tolerance: Tolerance) -> None:
        self.tolerance = tolerance

    def solve(self, cost: np.ndarray, A: sp.csr_matrix, b: np.ndarray) -> np.ndarray:
        from scipy.optimize import OptimizeResult, linprog

        # scipy-stubs type A_ub and A_eq as dense arrays only; HiGHS takes sparse matrices
        result: OptimizeResult = linprog(cost, A_eq=A, b_eq=b.astype(np.float64), bounds=(0, None),  # type: ignore[call-overload]
                                         method="highs-ds",
                         options={"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10})
        if result.status != 0 or result.x is None:
            raise SolverError(f"the LP over compatible SCMs failed: {result.message}")
        return _polish(np.asarray(result.x), A, b.astype(np.float64))


def _polish(x: np.ndarray, A: sp.csr_matrix, b: np.ndarray) -> np.ndarray:
    """Re-solve ``A x = b`` on the support of ``x`` by least squares; keep it when it stays non-negative."""
    support = np.flatnonzero(x > 1e-13)
    clipped: np.ndarray = np.clip(x, 0, None)
    if support.size == 0:
        return clipped
    sub = A[:, support].toarray()
    polished, *_ = np.linalg.lstsq(sub, b, rcond=None)
    if polished.min(initial=0.0) < -1e-12 or np.abs(sub @ polished - b).max() > np.abs(A @ clipped - b).max():
        return clipped
    out = np.zeros_like(x)
    out[support] = np.clip(polished, 0, None)
    return out


class _Exact:
    """The rational simplex method of :mod:`discagg.solvers.exact_lp` on dense tableaus."""

    exact = True

    def solve(self, cost: np.ndarray, A: sp.csr_matrix, b: np.ndarray) -> np.ndarray:
        dense = A.toarray()
        rows = [[Fraction(int(v)) if float(v).is_integer() else Fraction(float(v)) for v in row] for row in dense]
        try:
            x, _ = exact_lp([Fraction(c) for c in cost], rows, [Fraction(v) for v in b])
        except ValueError as exc:  # pragma: no cover - the compatible polytope is never empty
            raise SolverError(f"the exact LP over compatible SCMs failed: {exc}") from None
        out = np.empty(len(x), dtype=object)
        out[:] = x
        return out


def _apply(matrix: sp.csr_matrix, q: np.ndarray) -> np.ndarray:
    """``matrix @ q`` for float64 or exact (object) ``q``."""
    if q.dtype != object:
        return np.asarray(matrix @ q)
    coo = matrix.tocoo()
    out = np.empty(matrix.shape[0], dtype=object)
    out[:] = Fraction(0)
    for r, col, v in zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist()):
        out[r] += int(v) * q[col]
    return out


def _witness(model: CausalModel, where: Setting, scm: StructuralModel, kind: str, compatibility: Any,
             exact: bool, support: float) -> Witness:
    J = counterfactual_joint(scm, where, exact=exact)
    return Witness(scm, kind, condition_residuals(J, cause_coarsening(model, where.cause), support), compatibility)


def _lp_witness(model: CausalModel, where: Setting, space: _Space, q: np.ndarray, A: sp.csr_matrix,
                b: np.ndarray, exact: bool, support: float) -> Witness:
    if exact:
        chosen = [i for i, v in enumerate(q) if v > 0]
        probabilities = [q[i] for i in chosen]
        violation = max((abs(v) for v in (_apply(A, q) - b)), default=Fraction(0))
    else:
        chosen = np.flatnonzero(q > 0).tolist()
        probabilities = [Fraction(float(q[i])) for i in chosen]
        violation = float(np.abs(A @ q - b).max(initial=0.0))
    index = np.array(chosen, dtype=np.int64)
    block = ResponseBlock(space.nodes, tuple(space.tables[v][space.fun[v][index]] for v in space.nodes),
                          tuple(probabilities))
    scm = StructuralModel.markov(model, exact=exact, blocks=[block])
    return _witness(model, where, scm, "lp", violation, exact, support)


def decide_compatible(model: CausalModel, where: Setting, *, exact: bool = False,
                      tolerance: Tolerance = DEFAULT_TOLERANCE, limit: int = RESPONSE_LIMIT,
                      markov: np.ndarray | None = None, method: str = "auto") -> CompatibleVerdict:
    """Decide (15) over every SCM compatible with ``model`` (module docstring), with witnesses.

    Parameters
    ----------
    model : CausalModel
    where : Setting
        From :func:`~discagg.theory.counterfactual.setting`.
    exact : bool
        Rational arithmetic throughout (zero tolerance), the LPs by the rational simplex method.
    tolerance : Tolerance
        ``equality`` decides whether a witness's (15) residual (a TV distance) is zero.
    limit : int
        Most joint response-function assignments of the relevant nodes.
    markov : ndarray, optional
        The Markovian counterfactual joint, when already computed.
    method : str
        ``"auto"`` (the binary-cause shortcut when it applies, else the LP) or ``"lp"`` (always
        the LP; the shortcut's claim can be checked with it).

    Returns
    -------
    CompatibleVerdict

    Raises
    ------
    ModelError
        When the LP is needed and the relevant nodes have more than ``limit`` joint response
        functions, or (``exact``) the LP exceeds :data:`EXACT_LP_LIMIT`.
    SolverError
        When HiGHS fails.

    Examples
    --------
    >>> from discagg.core.model import Node
    >>> m = CausalModel([Node("X", ["a", "b", "c"], [], [0.25, 0.25, 0.5]),
    ...                  Node("Y", ["n", "y"], ["X"], [[0.5, 0.5], [0.5, 0.5], [0.25, 0.75]])])
    >>> v = decide_compatible(m, Setting("X", "Y", ()))
    >>> v.verdict, v.holds.kind, v.fails.kind   # Y_x ⊥ X in the Markovian SCMs, not in all
    ('some', 'markov', 'lp')
    """
    tol: float = 0 if exact else tolerance.equality
    support: float = 0 if exact else tolerance.support
    nodes = relevant_nodes(model, where)
    columns = response_count(model, nodes)
    J = markov if markov is not None else counterfactual_joint(model, where, exact=exact)
    cause_map = cause_coarsening(model, where.cause)
    markov_residuals = condition_residuals(J, cause_map, support)
    markov_scm = StructuralModel.markov(model, exact=exact)
    if markov_scm.size([where.cause, where.effect, *where.adjust]) <= ENUMERATION_LIMIT:
        markov_witness = _witness(model, where, markov_scm, "markov", Fraction(0) if exact else 0.0, exact, support)
    else:
        markov_witness = Witness(markov_scm, "markov", markov_residuals, Fraction(0) if exact else 0.0, False)
    markov_holds = markov_residuals.condition <= tol
    if method not in ("auto", "lp"):
        raise ValueError(f"decide_compatible: method must be 'auto' or 'lp', got {method!r}")
    if method == "auto" and model.cardinality(where.cause) <= 2:
        return CompatibleVerdict("every" if markov_holds else "none", "binary cause", columns, markov_residuals,
                                 markov_witness if markov_holds else None,
                                 None if markov_holds else markov_witness)
    if columns > limit:
        raise ModelError(None, "--check", f"relevant nodes {list(nodes)} with at most {limit} joint response functions "
                         "for the LP over compatible SCMs (the product of |V|^(parent configurations of V); give an "
                         "SCM with --scm instead)", f"{columns}")
    space = _Space(model, nodes)
    A, b = _compatibility(space, exact)
    L, c = _functionals(space, where, J)
    if exact:
        needed = (space.size + 2 * L.shape[0]) * (A.shape[0] + L.shape[0])
        if needed > EXACT_LP_LIMIT:
            raise ModelError(None, "--exact", f"an LP over compatible SCMs of at most {EXACT_LP_LIMIT} columns x rows "
                             "for rational arithmetic", f"{needed}")
    backend: _Float | _Exact = _Exact() if exact else _Float(tolerance)
    n, _, nb, kz = J.shape
    if markov_holds:
        p_xb = J[0].sum(axis=2)
        for x, x_, k, z in itertools.product(range(n), range(n), range(nb), range(kz - 1)):
            if x == x_ or not p_xb[x_, k] > support:
                continue
            row = ((x * n + x_) * nb + k) * kz + z
            objective = L[row].toarray()[0]
            for sign in (1, -1):
                q = backend.solve(-sign * objective, A, b)
                if not sign * (_apply(L[row], q)[0] - c[row]) > (0 if exact else 1e-12):
                    continue
                witness = _lp_witness(model, where, space, q, A, b, exact, support)
                if witness.residuals.condition > tol:
                    return CompatibleVerdict("some", "linear programming", columns, markov_residuals, markov_witness,
                                             witness)
        return CompatibleVerdict("every", "linear programming", columns, markov_residuals, markov_witness, None)
    k = L.shape[0]
    identity = sp.identity(k, format="csr")
    stacked = sp.vstack([sp.hstack([A, sp.csr_matrix((A.shape[0], 2 * k))]), sp.hstack([L, identity, -identity])],
                        format="csr")
    cost = np.concatenate([np.zeros(space.size), np.ones(2 * k)])
    rhs = np.concatenate([b, c])
    solution = backend.solve(cost, stacked, rhs)
    witness = _lp_witness(model, where, space, solution[:space.size], A, b, exact, support)
    if witness.residuals.condition <= tol:
        return CompatibleVerdict("some", "linear programming", columns, markov_residuals, witness, markov_witness)
    return CompatibleVerdict("none", "linear programming", columns, markov_residuals, None, markov_witness)
