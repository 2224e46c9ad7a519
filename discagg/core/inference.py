"""Exact observational and interventional distributions by tensor contraction.

Interventions use the truncated factorisation: ``P(v | do(X = x))`` is the
product of every CPT except ``X``'s, with ``X`` clamped to ``x``. Only the
ancestors of the queried nodes (in the mutilated graph, for interventions) are
touched: every other CPT is barren (it sums out to one), so this prunes exactly
what can be pruned, in any DAG. The product of the remaining CPTs is contracted
by :func:`discagg.core.contraction.contract`: an order chosen among opt_einsum's
greedy paths and variable elimination (near-linear on chains and trees), its
largest intermediate checked against the size limit before anything is
allocated, and pairwise products as BLAS matmuls on strided views, with each
intermediate laid out for the product that reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from discagg.core.contraction import contract
from discagg.core.model import CausalModel
from discagg.errors import ModelError

__all__ = ["marginal", "interventional", "interventional_joint", "rational"]

_Factor = tuple[np.ndarray, tuple[str, ...]]


def rational(array: np.ndarray) -> np.ndarray:
    """The exact rational value of every float64 entry, as an object array of Fractions.

    >>> rational(np.array([0.5, 0.1]))[1]
    Fraction(3602879701896397, 36028797018963968)
    """
    exact: np.ndarray = np.vectorize(Fraction, otypes=[object])(np.asarray(array, dtype=np.float64))
    return exact


def _factors(model: CausalModel, names: set[str], skip: str | None = None, exact: bool = False) -> list[_Factor]:
    return [
        (rational(model.nodes[n].cpt) if exact else model.nodes[n].cpt, model.nodes[n].parents + (n,))
        for n in model.topological_order
        if n in names and n != skip
    ]


def marginal(model: CausalModel, variables: Sequence[str], *, exact: bool = False) -> np.ndarray:
    """The observational joint distribution of ``variables``.

    Parameters
    ----------
    model : CausalModel
    variables : sequence of str
        Distinct node names; they give the axes of the result, in order.
    exact : bool
        Compute in rational arithmetic (object array of Fractions), taking each
        float CPT entry as the rational it exactly is.

    Returns
    -------
    ndarray, shape ``(|v_1|, ..., |v_k|)``

    Examples
    --------
    >>> from discagg.core.model import CausalModel, Node
    >>> z = Node("Z", ["z0", "z1"], [], [0.5, 0.5])
    >>> x = Node("X", ["x0", "x1"], ["Z"], [[0.9, 0.1], [0.2, 0.8]])
    >>> marginal(CausalModel([z, x]), ["X"])
    array([0.55, 0.45])
    """
    variables = tuple(variables)
    _check_distinct(model, variables)
    names = model.ancestors(variables)
    cards = {n: model.cardinality(n) for n in names}
    return contract(_factors(model, names, exact=exact), variables, cards)


def interventional(model: CausalModel, target: str, intervened: str, *, exact: bool = False) -> np.ndarray:
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
    >>> from discagg.core.model import CausalModel, Node
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
    return contract(_factors(model, names, skip=intervened, exact=exact), (intervened, target), cards)


def interventional_joint(
    model: CausalModel, targets: Sequence[str], intervened: str | Sequence[str], *, exact: bool = False
) -> np.ndarray:
    """``J[x_1, ..., x_m, v_1, ..., v_k] = P(targets = v | do(intervened = x))``.

    The truncated factorisation over the ancestors of the targets in the graph
    with every edge into an intervened node removed: the intervened nodes' CPTs
    are dropped and the nodes clamped, jointly. As :func:`interventional`, but
    for a set of intervened nodes and several targets.

    Parameters
    ----------
    targets : sequence of str
    intervened : str or sequence of str
        One node, or several intervened on at once.

    Returns
    -------
    ndarray, shape ``(|x_1|, ..., |x_m|, |t_1|, ..., |t_k|)``

    Examples
    --------
    >>> from discagg.core.model import CausalModel, Node
    >>> a = Node("A", ["a0", "a1"], [], [0.5, 0.5])
    >>> b = Node("B", ["b0", "b1"], ["A"], [[0.9, 0.1], [0.2, 0.8]])
    >>> c = Node("C", ["c0", "c1"], ["A", "B"], [[[1.0, 0.0], [0.5, 0.5]], [[0.5, 0.5], [0.0, 1.0]]])
    >>> interventional_joint(CausalModel([a, b, c]), ["C"], ["A", "B"])[1, 0]  # do(A = a1, B = b0)
    array([0.5, 0.5])
    """
    targets = tuple(targets)
    clamped = (intervened,) if isinstance(intervened, str) else tuple(intervened)
    factors, cards = _truncated(model, targets, clamped, exact)
    return contract(factors, clamped + targets, cards)


def _truncated(model: CausalModel, targets: tuple[str, ...], clamped: tuple[str, ...], exact: bool
               ) -> tuple[list[_Factor], dict[str, int]]:
    """The CPTs of the truncated factorisation for ``P(targets | do(clamped))``, and the cardinalities.

    The ancestors of ``targets`` once the edges into ``clamped`` are cut, without
    the clamped nodes' own CPTs. A clamped node that none of them mentions does
    not change the result (it is broadcast).
    """
    _check_distinct(model, targets + clamped)
    names = model.ancestors(targets, cut_incoming=clamped) | set(clamped)
    cards = {n: model.cardinality(n) for n in names}
    return [f for f in _factors(model, names, exact=exact) if f[1][-1] not in clamped], cards


def _check_distinct(model: CausalModel, variables: tuple[str, ...]) -> None:
    for v in variables:
        model.node(v)
    if len(set(variables)) != len(variables):
        raise ModelError(None, None, "distinct node names", repr(list(variables)))
