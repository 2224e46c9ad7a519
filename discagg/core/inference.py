"""Exact observational and interventional distributions by tensor contraction.

Interventions use the truncated factorisation: ``P(v | do(X = x))`` is the
product of every CPT except ``X``'s, with ``X`` clamped to ``x``. Only the
ancestors of the queried nodes (in the mutilated graph, for interventions) are
touched; the other CPTs would sum out to one. Contraction is variable
elimination with a greedy smallest-intermediate-factor order (costs kept in
an indexed heap, so a chain or tree of n nodes takes time near-linear in n) and
pairwise products (two-operand einsum, or batched ``np.matmul`` when the factors
share kept variables), so the result holds in any DAG, not only the triangle
``Z → X, Z → Y, X → Y``, and large micro spaces stay fast.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from discagg.core.model import CausalModel
from discagg.errors import ModelError

__all__ = ["marginal", "interventional", "interventional_joint", "rational"]

_Factor = tuple[np.ndarray, tuple[str, ...]]


def rational(array: np.ndarray) -> np.ndarray:
    """The exact rational value of every float64 entry, as an object array of Fractions.

    >>> rational(np.array([0.5, 0.1]))[1]
    Fraction(3602879701896397, 36028797018963968)
    """
    return np.vectorize(Fraction, otypes=[object])(np.asarray(array, dtype=np.float64))


def _factors(model: CausalModel, names: set[str], skip: str | None = None, exact: bool = False) -> list[_Factor]:
    return [
        (rational(model.nodes[n].cpt) if exact else model.nodes[n].cpt, model.nodes[n].parents + (n,))
        for n in model.topological_order
        if n in names and n != skip
    ]


def _pair(a: _Factor, b: _Factor, keep: set[str], cards: dict[str, int]) -> _Factor:
    """Multiply two factors and sum out their shared variables not in ``keep``.

    Without shared kept ("batch") variables this is a two-operand ``np.einsum``,
    which reads both arrays in place (tensordot would first copy a transposed
    large CPT). With them, it is one batched ``np.matmul``: ``a`` arranged as
    (batch, left, contracted) and ``b`` as (batch, contracted, right), which uses
    BLAS where einsum would fall back to its slow generic loop.
    """
    (xa, va), (xb, vb) = a, b
    only_a = [v for v in va if v not in vb and v not in keep]
    only_b = [v for v in vb if v not in va and v not in keep]
    if only_a:
        xa, va = xa.sum(axis=tuple(va.index(v) for v in only_a)), tuple(v for v in va if v not in only_a)
    if only_b:
        xb, vb = xb.sum(axis=tuple(vb.index(v) for v in only_b)), tuple(v for v in vb if v not in only_b)
    batch = [v for v in va if v in vb and v in keep]
    contracted = [v for v in va if v in vb and v not in keep]
    left = [v for v in va if v not in vb]
    right = [v for v in vb if v not in va]
    if not batch:
        labels = {v: i for i, v in enumerate(dict.fromkeys(va + vb))}
        out_vars = tuple(left + right)
        if len(labels) > 52:
            raise ModelError(None, None, "an elimination step over at most 52 variables",
                             f"{len(labels)} variables in one product")
        array = np.einsum(xa, [labels[v] for v in va], xb, [labels[v] for v in vb],
                          [labels[v] for v in out_vars])
        return array, out_vars

    def size(vs: list[str]) -> int:
        return int(np.prod([cards[v] for v in vs], dtype=np.int64))

    ta = np.transpose(xa, [va.index(v) for v in batch + left + contracted])
    tb = np.transpose(xb, [vb.index(v) for v in batch + contracted + right])
    product = np.matmul(ta.reshape(size(batch), size(left), size(contracted)),
                        tb.reshape(size(batch), size(contracted), size(right)))
    out = tuple(batch + left + right)
    return product.reshape([cards[v] for v in out]), out


def _contract(factors: list[_Factor], keep: tuple[str, ...], cards: dict[str, int]) -> np.ndarray:
    """Sum the product of ``factors`` over every variable not in ``keep``.

    Variable elimination: repeatedly pick the variable whose elimination creates
    the smallest factor (ties broken by name), multiply the factors that mention
    it pairwise (smallest first), and sum it out with the last of them.

    Each step costs time in the size of the factors it touches, not in the size
    of the network: an index maps every variable to the factors that mention it
    and every candidate to the multiset of its neighbours (the variables it shares
    a factor with), whose cardinalities multiply to its elimination cost. The
    costs sit in a heap with lazy invalidation; eliminating a variable updates
    only the counts and costs of the variables of the factors it removes and adds.
    Costs are exact integers (the number of entries of the resulting factor).
    """
    kept = set(keep)
    live: dict[int, _Factor] = {}  # factor id -> factor; ids increase, so dict order = creation order
    mentions: dict[str, set[int]] = {}  # variable -> ids of the live factors that mention it
    neighbours: dict[str, dict[str, int]] = {}  # candidate -> {variable: number of live factors with both}
    cost: dict[str, int] = {}  # candidate -> entries of the factor its elimination would create
    changed: set[str] = set()  # candidates whose cost moved since they were last pushed
    next_id = 0

    def add(factor: _Factor) -> None:
        nonlocal next_id
        fid, next_id = next_id, next_id + 1
        live[fid] = factor
        scope = factor[1]
        for v in scope:
            mentions.setdefault(v, set()).add(fid)
            if v in kept:
                continue
            counts = neighbours.setdefault(v, {})
            size = cost.get(v, 1)
            for u in scope:
                if u != v:
                    if u in counts:
                        counts[u] += 1
                    else:
                        counts[u] = 1
                        size *= cards[u]
            cost[v] = size
            changed.add(v)

    def remove(fid: int) -> None:
        scope = live.pop(fid)[1]
        for v in scope:
            mentions[v].discard(fid)
            if v in kept:
                continue
            counts = neighbours[v]
            size = cost[v]
            for u in scope:
                if u != v:
                    counts[u] -= 1
                    if not counts[u]:
                        del counts[u]
                        size //= cards[u]
            cost[v] = size
            changed.add(v)

    for factor in factors:
        add(factor)
    heap: list[tuple[int, str]] = []

    def push_changed() -> None:
        for v in changed:
            if mentions[v]:
                heapq.heappush(heap, (cost[v], v))
        changed.clear()

    push_changed()
    while heap:
        size, var = heapq.heappop(heap)
        if not mentions[var] or cost[var] != size:
            continue  # stale: eliminated (or summed out with another variable) since, or its cost moved
        # Creation order, then (stably) by size: the order of the original list-based elimination.
        involved = sorted(sorted(mentions[var]), key=lambda fid: live[fid][0].size)
        factors_in = [live[fid] for fid in involved]
        for fid in involved:
            remove(fid)
        # A variable of these factors must survive a pairwise product if it is kept,
        # appears in a factor not involved, or appears in a factor still to multiply.
        outside = {v for _, vs in factors_in for v in vs if v in kept or mentions[v]}
        pending: dict[str, int] = {}
        for _, vs in factors_in[1:]:
            for v in vs:
                pending[v] = pending.get(v, 0) + 1
        result = factors_in[0]
        for factor in factors_in[1:]:
            for v in factor[1]:
                pending[v] -= 1
            needed = {v for v in result[1] + factor[1] if v in outside or pending.get(v)}
            result = _pair(result, factor, needed, cards)
        if len(factors_in) == 1:
            array, vs = result
            result = (array.sum(axis=vs.index(var)), tuple(v for v in vs if v != var))
        add(result)
        push_changed()
    factors = list(live.values())
    if not factors:
        result = (np.ones(()), ())  # nothing to multiply: the empty product
    else:
        result = factors[0]
        for factor in factors[1:]:
            result = _pair(result, factor, kept, cards)
    array, vs = result
    present = [v for v in keep if v in vs]
    array = np.transpose(array, [vs.index(v) for v in present])
    # Variables in ``keep`` that no factor mentions (e.g. an intervened node that
    # is not an ancestor of the target) do not change the result: broadcast.
    shape = tuple(cards[v] if v in vs else 1 for v in keep)
    array = np.asarray(array).reshape(shape)
    return np.ascontiguousarray(np.broadcast_to(array, tuple(cards[v] for v in keep)))


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
    return _contract(_factors(model, names, exact=exact), variables, cards)


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
    return _contract(_factors(model, names, skip=intervened, exact=exact), (intervened, target), cards)


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
    _check_distinct(model, targets + clamped)
    names = model.ancestors(targets, cut_incoming=clamped) | set(clamped)
    cards = {n: model.cardinality(n) for n in names}
    factors = [f for f in _factors(model, names, exact=exact) if f[1][-1] not in clamped]
    return _contract(factors, clamped + targets, cards)


def _check_distinct(model: CausalModel, variables: tuple[str, ...]) -> None:
    for v in variables:
        model.node(v)
    if len(set(variables)) != len(variables):
        raise ModelError(None, None, "distinct node names", repr(list(variables)))
