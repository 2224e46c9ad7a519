"""Theorem 4.1's hypothesis and estimand: P(X̄) Markov relative to Ḡ, back-door sets, and adjusted effects.

Theorem 4.1 assumes that the distribution of the macro variables is Markov
relative to the macro DAG Ḡ; :func:`markov_residual` checks it with the local
Markov property (every macro variable independent of its non-descendants given
its parents), exactly on the model's distribution. For a set B̄ of macro
variables, :func:`adjusted_effect` computes the back-door estimand of section 5
(ii), ``Σ_b̄ P(X̄_j | x̄_i, b̄) P(b̄)``, and the effect of the theorem's
realization ``P(X_i | x̄_i, b̄)`` computed from the interventional kernels; the
theorem says they agree when (15) holds, and the remark after it that the
estimand is the same for every valid B̄ when P(X̄) is Markov relative to Ḡ.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np

from discagg.core.inference import interventional_joint, marginal
from discagg.core.model import CausalModel
from discagg.limits import max_entries
from discagg.theory.graphs import macro_graph, macro_name, satisfies_backdoor

__all__ = ["AdjustedEffect", "adjusted_effect", "backdoor_sets", "markov_residual", "SET_SEARCH_LIMIT"]

SET_SEARCH_LIMIT = 10
"""At most this many candidate macro variables are searched for every valid back-door set (2**10 subsets)."""


def _push(model: CausalModel, table: np.ndarray, axis: int, node: str) -> np.ndarray:
    return model.macro[node].push_forward(table, axis=axis) if node in model.macro else table


def display_name(model: CausalModel, node: str) -> str:
    """The macro variable of ``node`` as Ḡ names it (``bar(X)``, or the node itself without a coarsening)."""
    return macro_name(node) if node in model.macro else node


def markov_residual(model: CausalModel, *, exact: bool = False) -> tuple[float, str] | None:
    """Largest violation of the local Markov property of P(X̄_1, ..., X̄_n) relative to Ḡ.

    For every macro variable V: the total-variation distance between
    ``P(V | pa(V), nd)`` and ``P(V | pa(V))`` over the supported configurations
    of its parents and non-descendants ``nd``. Returns ``(residual, worst
    variable)``, or ``None`` when the micro joint is too large to form (more
    entries than :func:`discagg.limits.max_entries`).

    Examples
    --------
    >>> from discagg import load_model
    >>> residual, worst = markov_residual(load_model("data/chain-fails.json"))  # Xbar and Zbar dependent given Ybar
    >>> round(residual, 4), worst
    (0.0545, 'bar(Revenue)')
    """
    nodes = list(model.topological_order)
    size = int(np.prod([model.cardinality(n) for n in nodes], dtype=object))
    if size > max_entries():
        return None
    joint = marginal(model, nodes, exact=exact)
    for axis, node in enumerate(nodes):
        joint = _push(model, joint, axis, node)
    zero = 0 if exact else 0.0
    worst, where = zero, nodes[0]
    for axis, node in enumerate(nodes):
        parents = [nodes.index(p) for p in model.nodes[node].parents]
        descendants = nx.descendants(model.graph, node)
        others = [nodes.index(n) for n in nodes if n not in descendants and n != node
                  and nodes.index(n) not in parents]
        if not others:
            continue
        keep = [axis, *parents, *others]
        table = joint.sum(axis=tuple(a for a in range(len(nodes)) if a not in keep)) if len(keep) < len(nodes) else joint
        order = sorted(keep)
        table = np.moveaxis(table, [order.index(a) for a in keep], range(len(keep)))  # (V, parents, others)
        k = table.shape[0]
        n_pa = int(np.prod(table.shape[1:1 + len(parents)], dtype=int))
        table = table.reshape(k, n_pa, -1)
        given_all = table.sum(axis=0, keepdims=True)
        given_pa = table.sum(axis=(0, 2), keepdims=True)[..., 0]  # (1, n_pa)
        cond_all = _divide(table, given_all)
        cond_pa = _divide(table.sum(axis=2), given_pa)  # (k, n_pa)
        positive = np.asarray(given_all[0] > 0, dtype=bool)
        tv = np.abs(cond_all - cond_pa[:, :, None]).sum(axis=0) / 2
        value = max(tv[positive], default=zero)
        if value > worst:
            worst, where = value, node
    return float(worst) if not exact else worst, display_name(model, where)


def _divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    mask = np.broadcast_to(np.asarray(denominator > 0, dtype=bool), numerator.shape)
    out = np.zeros_like(numerator)
    quotient: np.ndarray = np.divide(numerator, np.broadcast_to(denominator, numerator.shape), out=out, where=mask)
    return quotient


def backdoor_sets(model: CausalModel, cause: str, effect: str) -> list[tuple[str, ...]] | None:
    """Every set of macro variables that satisfies the back-door criterion for (cause, effect) in Ḡ.

    Sets are tuples of node names (of the nodes whose macro variables they
    hold), smallest first. ``None`` when there are more than
    :data:`SET_SEARCH_LIMIT` candidates (non-descendants of the cause other
    than the effect).

    Examples
    --------
    >>> from discagg import load_model
    >>> backdoor_sets(load_model("data/figure5.json"), "Price", "Sales")
    [('Region',)]
    """
    graph = macro_graph(model)
    name = {n: display_name(model, n) for n in model.nodes}
    descendants = nx.descendants(model.graph, cause)
    candidates = [n for n in model.topological_order if n not in descendants and n not in (cause, effect)]
    if len(candidates) > SET_SEARCH_LIMIT:
        return None
    found = []
    for size in range(len(candidates) + 1):
        for subset in itertools.combinations(candidates, size):
            if satisfies_backdoor(graph, name[cause], name[effect], [name[b] for b in subset])[0]:
                found.append(subset)
    return found


@dataclass(frozen=True)
class AdjustedEffect:
    """The back-door estimand for one adjustment set, and the theorem's realization's effect.

    Attributes
    ----------
    adjust : tuple of str
        The macro variables of B̄ (Ḡ's names).
    estimate : (k_i, k_j) ndarray
        ``Σ_b̄ P(x̄_j | x̄_i, b̄) P(b̄)`` (Fractions when computed exactly).
    realization_effect : (k_i, k_j) ndarray
        ``Σ_b̄ P(b̄) Σ_x P(x | x̄_i, b̄) P(x̄_j | do(x), b̄)``: the effect of the
        realization ``P(X_i | x̄_i, b̄)``, from the interventional kernels.
    defined : (k_i,) ndarray of bool
        Where positivity holds (``P(x̄_i, b̄) > 0`` for every ``b̄`` with
        ``P(b̄) > 0``); the other rows of the two effects are meaningless.
    condition_15 : float
        Largest TV between ``P(X̄_j | do(x_i), b̄)`` and ``P(X̄_j | x_i, b̄)``
        (the distributional consequence of (15) the proof uses).
    condition_13 : float
        Largest TV between ``P(X̄_j | do(x̄_i), b̄)`` under the realization and
        ``P(X̄_j | x̄_i, b̄)`` (the theorem's conclusion).
    """

    adjust: tuple[str, ...]
    estimate: np.ndarray
    realization_effect: np.ndarray
    defined: np.ndarray
    condition_15: float
    condition_13: float

    def __repr__(self) -> str:
        return (f"AdjustedEffect(adjust={list(self.adjust)}, condition_15={self.condition_15:.3g}, "
                f"condition_13={self.condition_13:.3g})")


def adjusted_effect(model: CausalModel, cause: str, effect: str, adjust: Sequence[str], *, support: float,
                    exact: bool = False) -> AdjustedEffect:
    """Theorem 4.1's quantities for the single nodes ``cause`` (X_i), ``effect`` (X_j) and adjustment set B̄.

    Computed in float64, or exactly (``exact=True``: object arrays of Fractions,
    the model's float CPT entries taken as the rationals they are).

    Examples
    --------
    >>> from discagg import load_model
    >>> result = adjusted_effect(load_model("data/figure5.json"), "Price", "Sales", ["Region"], support=1e-12)
    >>> result.estimate.shape == result.realization_effect.shape
    True
    """
    adjust = list(adjust)
    pi = model.coarsening(cause)
    n_i = model.cardinality(cause)
    obs = marginal(model, [cause, effect, *adjust], exact=exact)
    do = interventional_joint(model, [effect, *adjust], cause, exact=exact)
    for axis, node in enumerate([effect, *adjust], start=1):
        obs, do = _push(model, obs, axis, node), _push(model, do, axis, node)
    kj = obs.shape[1]
    obs = obs.reshape(n_i, kj, -1)  # P(x_i, x̄_j, b̄)
    do = do.reshape(n_i, kj, -1)  # P(x̄_j, b̄ | do(x_i))
    threshold = 0 if exact else support

    def conditional(table: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # over the last axis of (rows, kj)
        total = table.sum(axis=-1, keepdims=True)
        mask = np.asarray(total > threshold, dtype=bool)
        out = np.zeros_like(table)
        return np.divide(table, np.broadcast_to(total, table.shape), out=out,
                         where=np.broadcast_to(mask, table.shape)), mask[..., 0]

    obs_cond, obs_mask = conditional(obs.transpose(0, 2, 1))  # (n_i, nb, kj): P(x̄_j | x_i, b̄)
    do_cond, do_mask = conditional(do.transpose(0, 2, 1))  # P(x̄_j | do(x_i), b̄)
    both = obs_mask & do_mask
    tv15 = np.abs(obs_cond - do_cond).sum(axis=-1) / 2
    cond15 = max(tv15[both], default=0)

    p_xb = obs.sum(axis=1)  # P(x_i, b̄), (n_i, nb)
    p_barb = pi.push_forward(p_xb, axis=0)  # P(x̄_i, b̄)
    p_b = p_xb.sum(axis=0)  # P(b̄)
    positive = np.asarray(p_barb > threshold, dtype=bool)
    q = np.zeros_like(p_xb)
    np.divide(p_xb, p_barb[pi.assignment], out=q, where=positive[pi.assignment])  # P(x_i | x̄_i, b̄)
    do_effect = pi.push_forward(q[:, :, None] * do_cond, axis=0)  # P(x̄_j | do(x̄_i), b̄), (k_i, nb, kj)
    joint_bar = pi.push_forward(obs.transpose(0, 2, 1), axis=0)  # P(x̄_i, b̄, x̄_j)
    obs_effect = np.zeros_like(joint_bar)
    np.divide(joint_bar, np.broadcast_to(p_barb[:, :, None], joint_bar.shape), out=obs_effect,
              where=np.broadcast_to(positive[:, :, None], joint_bar.shape))
    tv13 = np.abs(do_effect - obs_effect).sum(axis=-1) / 2
    cond13 = max(tv13[positive], default=0)

    estimate = (p_b[None, :, None] * obs_effect).sum(axis=1)  # (k_i, kj), in the arithmetic used
    realization_effect = (p_b[None, :, None] * do_effect).sum(axis=1)
    needed = np.asarray(p_b > threshold, dtype=bool)
    defined = ~(~positive & needed[None, :]).any(axis=1)
    for array in (estimate, realization_effect, defined):
        array.setflags(write=False)
    return AdjustedEffect(tuple(display_name(model, b) for b in adjust), estimate, realization_effect, defined,
                          float(cond15) if not exact else cond15, float(cond13) if not exact else cond13)
