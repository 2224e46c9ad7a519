"""Conditions (14) and (15) of the paper as the counterfactual statements they are.

Theorem 4.1 (Lemma 11 is its case on Figure 5): for a cause ``X_i``, an effect ``X_j`` and a
set ``B`` of macro variables that satisfies the back-door criterion in the macro graph, the
condition

.. math::

    (\\bar X_j)_{x_i} \\perp\\!\\!\\!\\perp X_i \\mid B \\qquad (15)

(the paper prints ``X̄_i``; ``X̄_j`` is meant) implies equality (13),
``P(X̄_j | do(x̄_i), b) = P(X̄_j | x̄_i, b)`` for the realization ``P(X_i | x̄_i, b)``.
``(X̄_j)_{x_i}`` is ``X̄_j`` in the SCM after setting ``X_i`` to ``x_i``; condition (14) is (15)
with ``Y``, ``Z`` and ``X̄`` for ``X_i``, ``X_j`` and ``B``.

Everything is read off one table, the *counterfactual joint*

.. math::

    J[x, x', b, \\bar z] = P\\big((\\bar X_j)_x = \\bar z,\\ X_i = x',\\ \\bar B = b\\big)

(``x`` the value set by the intervention, ``x'`` the factual value of the cause, ``b`` the
joint macro state of ``B``). Condition (15) holds when ``J[x, x', b, ·] / P(x', b)`` equals
``P((X̄_j)_x | b)`` wherever ``P(x', b) > 0``; its *distributional consequence*, the only form
``verify --check theorem-4.1`` can see in CPTs, is the case ``x' = x``:
``P(X̄_j | do(x), b) = P(X̄_j | x, b)`` (by consistency, ``J[x, x, b, ·]`` is the observational
``P(X̄_j, x, b)``).

``J`` depends on the structural equations, not only on the CPTs. For an SCM
(:class:`~discagg.core.scm.StructuralModel`) it is computed by enumerating its joint response
assignments. Every Markovian SCM with the model's CPTs (independent noises) has the same ``J``,
the single-world product ``Π_{V ≠ X_i} P(v | pa(v), with x for X_i) · P(x' | pa(X_i))``, computed
here by tensor contraction. Over all SCMs compatible with the CPTs it ranges over a polytope:
:mod:`discagg.theory.compatible_scms`. ``B`` must consist of non-descendants of the cause (the
back-door criterion's first condition); then ``P((X̄_j)_x, b) = P(X̄_j, b | do(x))`` is fixed by
the CPTs, and (15) is linear in the SCM's response distribution.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import networkx as nx
import numpy as np

from discagg.core.coarsening import Coarsening
from discagg.core.contraction import contract
from discagg.core.inference import rational
from discagg.core.model import CausalModel
from discagg.core.scm import StructuralModel
from discagg.errors import ModelError

__all__ = ["Setting", "ConditionResiduals", "setting", "normalised_cpt", "cause_coarsening", "counterfactual_joint",
           "condition_residuals", "accumulate"]


@dataclass(frozen=True)
class Setting:
    """The cause ``X_i``, the effect ``X_j`` and the adjustment set ``B`` (nodes) of condition (15)."""

    cause: str
    effect: str
    adjust: tuple[str, ...]


def setting(model: CausalModel, cause: str, effect: str, adjust: tuple[str, ...] | None = None) -> Setting:
    """Check and complete a setting; the default ``B`` is every non-descendant of the cause but the effect.

    Raises
    ------
    ModelError
        When the cause or the effect is a group, a node is unknown, ``B`` holds the cause or the
        effect, or ``B`` holds a descendant of the cause.

    Examples
    --------
    >>> from discagg import load_model
    >>> setting(load_model("data/figure5.json"), "Price", "Sales")
    Setting(cause='Price', effect='Sales', adjust=('Region',))
    """
    if cause not in model.nodes or effect not in model.nodes:
        raise ModelError(None, "--check", "a single-node cause and effect for conditions (14) and (15)", "a group")
    descendants = nx.descendants(model.graph, cause)
    if adjust is None:
        adjust = tuple(n for n in model.topological_order if n not in descendants and n not in (cause, effect))
    adjust = tuple(adjust)
    for b in adjust:
        model.node(b)
    if cause in adjust or effect in adjust or len(set(adjust)) != len(adjust):
        raise ModelError(None, "adjust", "distinct adjustment nodes other than the cause and the effect", repr(list(adjust)))
    below = sorted(set(adjust) & descendants)
    if below:
        raise ModelError(None, "adjust", f"an adjustment set of non-descendants of the cause {cause!r} (condition (15) "
                         "compares the factual B with a counterfactual effect)", f"{below} descending from {cause!r}")
    return Setting(cause, effect, adjust)


def normalised_cpt(model: CausalModel, node: str, *, exact: bool = False) -> np.ndarray:
    """The node's CPT with every row divided by its sum (exactly, as rationals, with ``exact``).

    A row of floats rarely sums to exactly one; the counterfactual computations take each row as
    the distribution it stands for.
    """
    cpt = model.nodes[node].cpt
    if exact:
        values = rational(cpt)
        total = values.sum(axis=-1, keepdims=True)
        fractions: np.ndarray = values / total
        return fractions
    normalised: np.ndarray = cpt / cpt.sum(axis=-1, keepdims=True)
    return normalised


def _macro(model: CausalModel, node: str) -> Coarsening | None:
    return model.macro.get(node)


def cause_coarsening(model: CausalModel, cause: str) -> Coarsening:
    """The cause's macro map, or the identity when it has none."""
    from discagg.core.selection import identity_coarsening

    return model.macro.get(cause) or identity_coarsening(cause, model.nodes[cause].states)


def _b_states(model: CausalModel, adjust: tuple[str, ...]) -> list[int]:
    return [macro.n_macro if (macro := _macro(model, b)) else model.cardinality(b) for b in adjust]


def accumulate(keys: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    """``out[k] = Σ weights[keys == k]``, float64 or exact (object Fractions), shape ``(size,)``.

    >>> accumulate(np.array([0, 2, 0]), np.array([0.25, 0.5, 0.25]), 3).tolist()
    [0.5, 0.0, 0.5]
    """
    if weights.dtype != object:
        return np.bincount(keys, weights=weights, minlength=size)
    out = np.empty(size, dtype=object)
    out[:] = Fraction(0)
    for key, weight in zip(keys.tolist(), weights.tolist()):
        out[key] += weight
    return out


def counterfactual_joint(source: StructuralModel | CausalModel, where: Setting, *, exact: bool = False) -> np.ndarray:
    """The counterfactual joint ``J[x, x', b, z̄]`` (module docstring).

    Parameters
    ----------
    source : StructuralModel or CausalModel
        An SCM (its responses enumerated), or a causal model (the single-world product that
        every Markovian SCM with its CPTs shares).
    where : Setting
    exact : bool
        Rational arithmetic (an object array of Fractions); CPT rows normalised exactly.

    Returns
    -------
    ndarray, shape ``(|X_i|, |X_i|, |B̄|, |X̄_j|)``
        ``|B̄|`` is the number of joint macro states of ``B`` (1 for the empty set); a node of
        ``B`` or the effect without a macro map stands for itself.

    Examples
    --------
    >>> from discagg.core.model import Node
    >>> m = CausalModel([Node("X", ["x0", "x1"], [], [0.5, 0.5]),
    ...                  Node("Y", ["y0", "y1"], ["X"], [[0.75, 0.25], [0.25, 0.75]])])
    >>> J = counterfactual_joint(m, Setting("X", "Y", ()))
    >>> J[1, 0, 0].tolist()  # P(Y_{x1} = y, X = x0): independent noises
    [0.125, 0.375]
    """
    model = source.model if isinstance(source, StructuralModel) else source
    cause, effect, adjust = where.cause, where.effect, where.adjust
    n = model.cardinality(cause)
    effect_map = _macro(model, effect)
    kz = effect_map.n_macro if effect_map else model.cardinality(effect)
    b_cards = _b_states(model, adjust)
    nb = int(np.prod(b_cards)) if b_cards else 1
    if isinstance(source, StructuralModel):
        choice, weights = source.responses([cause, effect, *adjust], exact=exact)
        factual = source.values(choice, [cause, *adjust])
        b_index = np.zeros(len(weights), dtype=np.intp)
        for b, card in zip(adjust, b_cards):
            pi = _macro(model, b)
            b_index = b_index * card + (pi.assignment[factual[b]] if pi else factual[b])
        parts = []
        for x in range(n):
            world = source.values(choice, [effect], do={cause: x})
            z = effect_map.assignment[world[effect]] if effect_map else world[effect]
            keys = (factual[cause] * nb + b_index) * kz + z
            parts.append(accumulate(keys, weights, n * nb * kz))
        return np.stack(parts).reshape(n, n, nb, kz)
    star = f"do({cause})"
    while star in model.nodes:
        star += "'"
    names = model.ancestors([cause, effect, *adjust])
    factors = []
    for name in model.topological_order:
        if name in names:
            scope = tuple(star if (p == cause and name != cause) else p for p in model.nodes[name].parents)
            factors.append((normalised_cpt(model, name, exact=exact), scope + (name,)))
    cards = {name: model.cardinality(name) for name in names} | {star: n}
    table = contract(factors, (star, cause, *adjust, effect), cards)
    for axis, b in enumerate(adjust, start=2):
        if macro := _macro(model, b):
            table = macro.push_forward(table, axis=axis)
    if effect_map:
        table = effect_map.push_forward(table, axis=-1)
    return table.reshape(n, n, nb, kz)


@dataclass(frozen=True)
class ConditionResiduals:
    """The residuals read off a counterfactual joint (floats, or Fractions when exact).

    Attributes
    ----------
    condition : float or Fraction
        (15): the largest TV between ``P((X̄_j)_x | x', b)`` and ``P((X̄_j)_x | b)`` over ``x``,
        ``x'``, ``b`` with ``P(x', b) > 0``.
    consequence : float or Fraction
        The same over ``x' = x`` only: ``P(X̄_j | do(x), b)`` against ``P(X̄_j | x, b)``.
    equation_13 : float or Fraction
        The largest TV between ``Σ_x P(x | x̄, b) P(X̄_j | do(x), b)`` and ``P(X̄_j | x̄, b)``
        over ``(x̄, b)`` with ``P(x̄, b) > 0``.
    """

    condition: Any
    consequence: Any
    equation_13: Any


def _divide(a: np.ndarray, b: np.ndarray, mask: np.ndarray) -> np.ndarray:
    quotient: np.ndarray = np.divide(a, b, out=np.zeros_like(a), where=np.broadcast_to(mask, a.shape))
    return quotient


def condition_residuals(J: np.ndarray, cause_map: Coarsening, support: float = 0.0) -> ConditionResiduals:
    """Residuals of (15), of its distributional consequence and of (13) from ``J``.

    Parameters
    ----------
    J : (n, n, nb, kz) ndarray
        From :func:`counterfactual_joint`.
    cause_map : Coarsening
        The cause's coarsening (for (13)).
    support : float
        Probabilities at or below this count as zero (0 in exact arithmetic).

    Examples
    --------
    >>> J = np.zeros((2, 2, 1, 2)); J[0, 0, 0] = [0.5, 0]; J[1, 1, 0] = [0, 0.5]   # Y_x = x, X = x
    >>> J[0, 1, 0] = [0.5, 0]; J[1, 0, 0] = [0, 0.5]
    >>> r = condition_residuals(J, Coarsening.from_mapping("X", ["a", "b"], {"ab": ["a", "b"]}))
    >>> float(r.condition), float(r.consequence), float(r.equation_13)
    (0.0, 0.0, 0.0)
    """
    n = J.shape[0]
    p_xb = J[0].sum(axis=2)  # P(x', b)
    p_b = p_xb.sum(axis=0)
    positive_xb = np.asarray(p_xb > support, dtype=bool)
    positive_b = np.asarray(p_b > support, dtype=bool)
    do_b = J.sum(axis=1)  # P((X̄_j)_x = z̄, b)
    do_cond = _divide(do_b, p_b[None, :, None], positive_b[None, :, None])
    cf = _divide(J, p_xb[None, :, :, None], positive_xb[None, :, :, None])
    tv = np.abs(cf - do_cond[:, None]).sum(axis=-1) / 2  # (x, x', b)
    mask = np.broadcast_to(positive_xb[None] & positive_b[None, None], tv.shape)
    condition = max(tv[mask].tolist(), default=0)
    diagonal = np.arange(n)
    consequence = max(tv[diagonal, diagonal][mask[diagonal, diagonal]].tolist(), default=0)
    pi = cause_map
    p_barb = pi.push_forward(p_xb, axis=0)
    positive_barb = np.asarray(p_barb > support, dtype=bool)
    share = _divide(p_xb, p_barb[pi.assignment], positive_barb[pi.assignment])
    lhs = pi.push_forward(share[:, :, None] * do_cond, axis=0)
    rhs = _divide(pi.push_forward(J[diagonal, diagonal], axis=0), p_barb[:, :, None], positive_barb[:, :, None])
    eq13 = np.abs(lhs - rhs).sum(axis=-1) / 2
    equation_13 = max(eq13[positive_barb].tolist(), default=0)
    return ConditionResiduals(condition, consequence, equation_13)
