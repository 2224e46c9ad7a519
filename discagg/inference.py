"""Exact observational and interventional distributions by tensor contraction.

Interventions use the truncated factorisation: ``P(v | do(X = x))`` is the
product of every CPT except ``X``'s, with ``X`` clamped to ``x``. Only the
ancestors of the queried nodes (in the mutilated graph, for interventions) are
touched; the other CPTs would sum out to one. Contraction is variable
elimination with a greedy smallest-intermediate-factor order, each step an
``np.einsum`` over the factors that mention the eliminated variable, so the
result holds in any DAG, not only the triangle ``Z → X, Z → Y, X → Y``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from discagg.errors import ModelError
from discagg.model import CausalModel

__all__ = ["marginal", "interventional"]

_Factor = tuple[np.ndarray, tuple[str, ...]]


def _factors(model: CausalModel, names: set[str], skip: str | None = None) -> list[_Factor]:
    return [
        (model.nodes[n].cpt, model.nodes[n].parents + (n,))
        for n in model.topological_order
        if n in names and n != skip
    ]


def _einsum(factors: Sequence[_Factor], out: tuple[str, ...]) -> np.ndarray:
    labels: dict[str, int] = {}
    for _, variables in factors:
        for v in variables:
            labels.setdefault(v, len(labels))
    for v in out:
        labels.setdefault(v, len(labels))
    if len(labels) > 52:
        raise ModelError(None, None, "an elimination step over at most 52 variables",
                         f"{len(labels)} variables in one factor product")
    args: list[object] = []
    for array, variables in factors:
        args.extend([array, [labels[v] for v in variables]])
    args.append([labels[v] for v in out])
    return np.einsum(*args, optimize=len(factors) > 2)


def _contract(factors: list[_Factor], keep: tuple[str, ...], cards: dict[str, int]) -> np.ndarray:
    """Sum the product of ``factors`` over every variable not in ``keep``."""
    factors = list(factors)
    while True:
        candidates = {v for _, vs in factors for v in vs} - set(keep)
        if not candidates:
            break

        def cost(v: str) -> tuple[int, str]:
            scope = {u for _, vs in factors if v in vs for u in vs} - {v}
            return int(np.prod([cards[u] for u in scope], dtype=np.float64)), v

        var = min(candidates, key=cost)
        involved = [f for f in factors if var in f[1]]
        factors = [f for f in factors if var not in f[1]]
        scope: list[str] = []
        for _, vs in involved:
            scope.extend(u for u in vs if u != var and u not in scope)
        factors.append((_einsum(involved, tuple(scope)), tuple(scope)))
    present = {v for _, vs in factors for v in vs}
    result = _einsum(factors, tuple(v for v in keep if v in present)) if factors else np.float64(1.0)
    # Variables in ``keep`` that no factor mentions (e.g. an intervened node that
    # is not an ancestor of the target) do not change the result: broadcast.
    shape = tuple(cards[v] if v in present else 1 for v in keep)
    result = np.asarray(result, dtype=np.float64).reshape(shape)
    return np.broadcast_to(result, tuple(cards[v] for v in keep)).copy()


def marginal(model: CausalModel, variables: Sequence[str]) -> np.ndarray:
    """The observational joint distribution of ``variables``.

    Parameters
    ----------
    model : CausalModel
    variables : sequence of str
        Distinct node names; they give the axes of the result, in order.

    Returns
    -------
    ndarray, shape ``(|v_1|, ..., |v_k|)``

    Examples
    --------
    >>> from discagg.model import CausalModel, Node
    >>> z = Node("Z", ["z0", "z1"], [], [0.5, 0.5])
    >>> x = Node("X", ["x0", "x1"], ["Z"], [[0.9, 0.1], [0.2, 0.8]])
    >>> marginal(CausalModel([z, x]), ["X"])
    array([0.55, 0.45])
    """
    variables = tuple(variables)
    _check_distinct(model, variables)
    names = model.ancestors(variables)
    cards = {n: model.cardinality(n) for n in names}
    return _contract(_factors(model, names), variables, cards)


def interventional(model: CausalModel, target: str, intervened: str) -> np.ndarray:
    """The interventional kernel ``K[x, y] = P(target = y | do(intervened = x))``.

    Computed by the truncated factorisation over the ancestors of ``target`` in
    the graph with the edges into ``intervened`` removed.

    Parameters
    ----------
    model : CausalModel
    target, intervened : str
        Distinct node names.

    Returns
    -------
    ndarray, shape ``(|intervened|, |target|)``
        Each row is a distribution over the target's states.

    Examples
    --------
    >>> from discagg.model import CausalModel, Node
    >>> z = Node("Z", ["z0", "z1"], [], [0.5, 0.5])
    >>> x = Node("X", ["x0", "x1"], ["Z"], [[1.0, 0.0], [0.0, 1.0]])
    >>> y = Node("Y", ["y0", "y1"], ["Z"], [[1.0, 0.0], [0.0, 1.0]])
    >>> interventional(CausalModel([z, x, y]), "Y", "X")  # X does not cause Y
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    _check_distinct(model, (target, intervened))
    names = model.ancestors([target], cut_incoming=[intervened]) | {intervened}
    cards = {n: model.cardinality(n) for n in names}
    return _contract(_factors(model, names, skip=intervened), (intervened, target), cards)


def _check_distinct(model: CausalModel, variables: tuple[str, ...]) -> None:
    for v in variables:
        model.node(v)
    if len(set(variables)) != len(variables):
        raise ModelError(None, None, "distinct node names", repr(list(variables)))
