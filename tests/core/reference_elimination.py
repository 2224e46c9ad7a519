"""The hand-written contraction discagg used before opt_einsum planning, kept as a test reference.

A verbatim copy of ``_pair`` and ``_contract`` from ``discagg/core/inference.py``
as they stood before (commit 31f6c1a, plus the size check in ``_pair``): variable
elimination with the greedy smallest-factor order (an indexed heap) and pairwise
products by two-operand ``np.einsum`` or batched ``np.matmul``.
``tests/core/test_elimination.py`` pins it to the plain list-based greedy rule, and
``tests/core/test_contraction.py`` checks the planned contraction that replaced it
against it.
"""

from __future__ import annotations

import heapq
import math

import numpy as np

from discagg.errors import ModelError
from discagg.limits import check_entries

_Factor = tuple[np.ndarray, tuple[str, ...]]


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
    check_entries(math.prod(cards[v] for v in batch + left + right),
                  f"an intermediate factor of the exact contraction (over {len(batch + left + right)} variables)",
                  None)
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
