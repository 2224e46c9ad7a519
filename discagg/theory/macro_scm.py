"""Appendix D in the discrete case: is there a macro causal model for a realization family?

A realization family gives every macro intervention an effect ``P(Ȳ | do(x̄))``; the micro
model gives the observational ``P(X̄, Ȳ)``. Appendix D asks whether some causal model on the
macro variables alone, ``X̄ := g(U)``, ``Ȳ := h(X̄, U)`` with a macro confounder ``U`` of any
kind, reproduces both (in its linear-Gaussian example no model does: a deterministic
realization makes ``P(Ȳ | do(x̄))`` a point mass while ``P(Ȳ | x̄)`` is not).

In the discrete case the answer is exactly the *natural bounds*: a macro model exists if and
only if, for every macro state ``x̄`` the family defines and every ``ȳ``,

.. math::

    P(\\bar x, \\bar y) \\le P(\\bar y \\mid do(\\bar x)) \\le P(\\bar x, \\bar y) + 1 - P(\\bar x).

*Necessary*: ``P(ȳ | do(x̄)) = P(h(x̄, U) = ȳ) ≥ P(g(U) = x̄, h(x̄, U) = ȳ) = P(x̄, ȳ)``, and the
upper bound is the lower bound of the other states (the rows sum to one).
*Sufficient*, for any numbers of states: take ``U = (X̄, Ȳ_{x̄_1}, ..., Ȳ_{x̄_K})``, the factual
cause and every potential outcome. Given ``X̄ = a``, let ``Ȳ_{x̄_k}`` have the distribution
``P(Ȳ | a)`` when ``k = a`` and ``(P(Ȳ | do(x̄_k)) − P(x̄_k, Ȳ)) / (1 − P(x̄_k))`` otherwise (a
distribution exactly when the lower bounds hold), coupled in any way. Then
``P(X̄ = a, Ȳ_a = ȳ) = P(a, ȳ)`` and ``P(Ȳ_{x̄_k} = ȳ) = P(x̄_k, ȳ) + Σ_{a ≠ k} P(a) (P(ȳ | do(x̄_k))
− P(x̄_k, ȳ)) / (1 − P(x̄_k)) = P(ȳ | do(x̄_k))``. So no LP is needed: the bounds decide, and the
construction (with the comonotone coupling, :func:`~discagg.core.scm.comonotone_responses`, a
confounder with at most ``|X̄| (|X̄| (|Ȳ| − 1) + 1)`` states) is the witness, an SCM whose own
distributions are computed back and compared.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from discagg.core.aggregation import Aggregation
from discagg.core.inference import interventional, marginal, rational
from discagg.core.model import CausalModel, Node, Query
from discagg.core.realization import RealizationFamily
from discagg.core.scm import ResponseBlock, StructuralModel, comonotone_responses, response_marginal
from discagg.io.scm_format import scm_to_dict
from discagg.theory.checks import Check
from discagg.theory.counterfactual import accumulate
from discagg.theory.graphs import macro_name

__all__ = ["MacroModel", "macro_model", "macro_witness", "appendix_d_checks"]


@dataclass(frozen=True, eq=False)
class MacroModel:
    """Whether a macro causal model reproduces ``P(X̄, Ȳ)`` and ``P(Ȳ | do(x̄))``.

    Attributes
    ----------
    joint : (K, M) ndarray
        ``P(x̄, ȳ)`` (normalised), float64 or Fractions.
    interventional : (K, M) ndarray
        ``P(ȳ | do(x̄))`` (rows normalised; zero rows where the family is undefined).
    defined : (K,) ndarray of bool
    violation : float or Fraction
        The largest violation of the natural bounds over the defined ``x̄`` (negative: the
        smallest slack).
    witness : StructuralModel or None
        A macro SCM over ``U``, ``X̄``, ``Ȳ`` when the bounds hold.
    deviation : float or Fraction or None
        The witness's largest deviation from ``P(x̄, ȳ)`` and from each defined ``P(ȳ | do(x̄))``,
        computed from the witness itself.
    """

    joint: np.ndarray
    interventional: np.ndarray
    defined: np.ndarray
    violation: Any
    witness: StructuralModel | None
    deviation: Any

    def __repr__(self) -> str:
        return f"MacroModel(violation={float(self.violation):.3g}, witness={self.witness is not None})"


def _normalise(table: np.ndarray) -> np.ndarray:
    normalised: np.ndarray = table / table.sum()
    return normalised


def macro_model(agg: Aggregation, family: RealizationFamily | None = None, *, exact: bool = False) -> MacroModel:
    """Decide Appendix D's question for ``family`` (default: the natural realization), with a witness.

    Parameters
    ----------
    agg : Aggregation
    family : RealizationFamily, optional
    exact : bool
        Rational arithmetic (each float CPT entry and weight taken as the rational it is; the
        joint and the interventional rows normalised exactly); zero tolerance.

    Returns
    -------
    MacroModel

    Examples
    --------
    >>> from discagg import load_model
    >>> agg = Aggregation.of(load_model("data/cholesterol.json"))
    >>> result = macro_model(agg)
    >>> float(result.violation) < 0, float(result.deviation) < 1e-12
    (True, True)
    """
    family = family if family is not None else agg.natural_realization()
    pi_x, pi_y = agg.cause_map, agg.effect_map
    if exact:
        joint, kernel = agg.tables(exact=True)
        weights = rational(family.weights)
        tol: Any = 0
    else:
        joint, kernel, weights = agg.joint, agg.kernel, family.weights
        tol = agg.tolerance.equality
    macro_joint = _normalise(pi_x.push_forward(pi_y.push_forward(joint, axis=1), axis=0))
    macro_kernel = pi_y.push_forward(kernel, axis=1)
    do = pi_x.push_forward(weights[:, None] * macro_kernel, axis=0)
    defined = np.asarray(family.defined, dtype=bool)
    for k in np.flatnonzero(defined):
        do[k] = do[k] / do[k].sum()
    for k in np.flatnonzero(~defined):
        do[k] = do[k] * 0
    p_x = macro_joint.sum(axis=1)
    lower = macro_joint - do
    upper = do - (macro_joint + (1 - p_x)[:, None])
    violation = max(np.maximum(lower, upper)[defined].ravel().tolist(), default=-1)
    witness = deviation = None
    if violation <= tol:
        witness = macro_witness(macro_joint, do, defined, pi_x.macro_states, pi_y.macro_states,
                                (macro_name(agg.cause), macro_name(agg.effect)), name=f"{agg.model.name}-macro",
                                exact=exact, support=0 if exact else agg.tolerance.support)
        deviation = _deviation(witness, macro_joint, do, defined, exact)
    return MacroModel(macro_joint, do, defined, violation, witness, deviation)


def macro_witness(joint: np.ndarray, do: np.ndarray, defined: np.ndarray, cause_states: tuple[str, ...],
                  effect_states: tuple[str, ...], names: tuple[str, str], *, name: str = "macro",
                  exact: bool = False, support: float = 0.0) -> StructuralModel:
    """The macro SCM ``U → X̄``, ``U → Ȳ``, ``X̄ → Ȳ`` of the module docstring's construction.

    Parameters
    ----------
    joint : (K, M) array
        ``P(x̄, ȳ)``, summing to one (float64 or Fractions).
    do : (K, M) array
        ``P(ȳ | do(x̄))`` for the defined rows (each within the natural bounds).
    defined : (K,) array of bool
    cause_states, effect_states : tuple of str
    names : (str, str)
        The names of the macro cause and effect nodes; the confounder is ``U`` (or ``U'``...).
    exact : bool
        Exact rational response probabilities.
    support : float
        ``P(x̄)`` at or below this gets no confounder states.

    Returns
    -------
    StructuralModel
        Deterministic ``X̄ = g(U)`` and ``Ȳ = h(X̄, U)``; ``U`` carries all the randomness.
    """
    K, M = joint.shape
    p_x = joint.sum(axis=1)
    u_cause: list[int] = []
    u_effect: list[list[int]] = []
    u_probability: list[Fraction] = []
    for a in range(K):
        if not p_x[a] > support:
            continue
        conditionals = []
        for k in range(K):
            if k == a:
                row = joint[a] / p_x[a]
            elif defined[k] and (1 - p_x[k]) > support:
                row = do[k] - joint[k]
                row = row if exact else np.clip(row, 0, None)
            elif p_x[k] > support:
                row = joint[k] / p_x[k]
            else:
                row = np.array([1] + [0] * (M - 1), dtype=joint.dtype)
            if not sum(row.tolist()) > 0:  # the rest of the mass is nowhere: any distribution will do
                row = np.array([1] + [0] * (M - 1), dtype=joint.dtype)
            conditionals.append(row)
        table, probabilities = comonotone_responses(np.array(conditionals, dtype=object if exact else np.float64),
                                                    exact=exact)
        mass = Fraction(p_x[a]) if exact else Fraction(float(p_x[a]))
        for r in range(table.shape[0]):
            u_cause.append(a)
            u_effect.append(table[r].tolist())
            weight = mass * probabilities[r]
            u_probability.append(weight if exact else Fraction(float(weight)))
    cause, effect = names
    confounder = "U"
    while confounder in names:
        confounder += "'"
    n_u = len(u_cause)
    u_states = tuple(f"u{i}" for i in range(n_u))
    blocks = (ResponseBlock((confounder,), (np.arange(n_u)[:, None],), tuple(u_probability)),
              ResponseBlock((cause,), (np.array([u_cause]),), (Fraction(1),)),
              ResponseBlock((effect,), (np.array([[u_effect[u][k] for k in range(K) for u in range(n_u)]]),),
                            (Fraction(1),)))
    parents = {confounder: (), cause: (confounder,), effect: (cause, confounder)}
    states = {confounder: u_states, cause: tuple(cause_states), effect: tuple(effect_states)}
    nodes = []
    for block in blocks:
        node = block.nodes[0]
        cpt = response_marginal(block.tables[0], block.weights, [len(states[p]) for p in parents[node]],
                                len(states[node]))
        nodes.append(Node(node, states[node], parents[node], cpt))
    model = CausalModel(nodes, name=name, description="a macro causal model with a macro confounder U reproducing "
                        "P(Xbar, Ybar) and P(Ybar | do(xbar)) (discagg, Appendix D)", query=Query(cause, effect))
    return StructuralModel(model, blocks)


def _deviation(witness: StructuralModel, joint: np.ndarray, do: np.ndarray, defined: np.ndarray, exact: bool) -> Any:
    """The witness's largest deviation from ``joint`` and the defined rows of ``do``, from the witness itself."""
    model = witness.model
    assert model.query is not None  # every witness is built with its query
    cause, effect = model.query.cause, model.query.effect
    K, M = joint.shape
    if exact:
        choice, weights = witness.responses(exact=True)
        factual = witness.values(choice, [effect])
        got_joint = accumulate(factual[cause] * M + factual[effect], weights, K * M).reshape(K, M)
        got_do = np.stack([accumulate(witness.values(choice, [effect], do={cause: k})[effect], weights, M)
                           for k in range(K)])
    else:
        got_joint = marginal(model, [cause, effect])
        got_do = interventional(model, effect, cause)
    gaps = [abs(v) for v in (got_joint - joint).ravel().tolist()]
    gaps += [abs(v) for v in (got_do - do)[np.asarray(defined, dtype=bool)].ravel().tolist()]
    return max(gaps, default=0)


def appendix_d_checks(agg: Aggregation, family: RealizationFamily | None = None, *, exact: bool = False
                      ) -> list[Check]:
    """``verify --check appendix-d``: the natural bounds and the witness macro model.

    Rows: a hypothesis (the bounds hold for every macro state the family defines) and a
    conclusion (a macro SCM with a macro confounder reproduces both distributions; required
    when the bounds hold, since they are sufficient). The hypothesis row's ``detail`` holds the
    witness as a ``discagg/scm-v1`` document, or the violated bounds.
    """
    result = macro_model(agg, family, exact=exact)
    tol = 0 if exact else agg.tolerance.equality
    which = "the natural realization" if family is None else "the given realization"
    holds = bool(result.violation <= tol)
    violated = []
    if not holds:
        pi_x, pi_y = agg.cause_map, agg.effect_map
        p_x = result.joint.sum(axis=1)
        for k in np.flatnonzero(result.defined):
            for m in range(result.joint.shape[1]):
                low, value = result.joint[k, m], result.interventional[k, m]
                high = low + 1 - p_x[k]
                if low - value > tol or value - high > tol:
                    violated.append({"xbar": pi_x.macro_states[k], "ybar": pi_y.macro_states[m], "lower": float(low),
                                     "interventional": float(value), "upper": float(high)})
    detail = {"realization": "natural" if family is None else "given", "violation": float(result.violation),
              "violated": violated,
              "witness": None if result.witness is None else {"deviation": float(result.deviation),
                                                              "confounder_states": result.witness.model.cardinality(
                                                                  result.witness.model.topological_order[0]),
                                                              "scm": scm_to_dict(result.witness)}}
    rows = [Check("appendix-d", "hypothesis", "natural bounds P(xbar, ybar) <= P(ybar | do(xbar)) <= P(xbar, ybar) + 1 "
                  f"- P(xbar) for every xbar that {which} defines and every ybar (residual: largest violation, 0 when "
                  "they hold)", holds, max(float(result.violation), 0.0), detail=detail)]
    if result.witness is not None:
        n_u = result.witness.model.cardinality(result.witness.model.topological_order[0])
        rows.append(Check("appendix-d", "conclusion", "a macro SCM Xbar := g(U), Ybar := h(Xbar, U) with a macro "
                          "confounder U reproduces P(Xbar, Ybar) and every P(Ybar | do(xbar)) (the bounds are "
                          f"sufficient: witness with |U| = {n_u} built from them and checked; residual: its largest "
                          "deviation)", bool(result.deviation <= tol), float(result.deviation), required=True))
    else:
        rows.append(Check("appendix-d", "conclusion", "a macro SCM Xbar := g(U), Ybar := h(Xbar, U) with a macro "
                          "confounder U reproduces P(Xbar, Ybar) and every P(Ybar | do(xbar)): none exists, the bounds "
                          "being necessary (residual: largest violation)", False, float(result.violation)))
    return rows
