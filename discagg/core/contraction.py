"""Sum-product contraction of discrete factors: an order from opt_einsum, products by BLAS.

:func:`contract` sums the product of factors (arrays with one named variable per
axis) over every variable not kept. It works in two stages.

**Planning** (:func:`plan`) only looks at the factors' scopes. A variable that
appears in a single factor and is not kept is summed out of that factor first.
The order of the pairwise products is the cheapest of a few candidates, each
costed exactly as the executor will spend it (the entries touched by every
product and every summation): variable elimination by the smallest-factor rule
(near-linear on chains and trees, and the only candidate when it is already
cheap, below :data:`CHEAP`); opt_einsum's greedy path
(``opt_einsum.paths.ssa_greedy_optimize``); and, when the best costs more than
:data:`HARD`, elimination with other tie-breaks and opt_einsum's randomised
greedy search (its Boltzmann chooser, ``opt_einsum.path_random``) with fixed
seeds, for a number of trials that grows with the cost. Measured on the shipped
networks, no candidate wins everywhere: on mildew the randomised search is 50x
cheaper than either greedy order, on diabetes (a dynamic network of 24 slices)
elimination is 10^11 times cheaper than opt_einsum's greedy path and 100 times
cheaper than its randomised search. The plan is deterministic (integer labels, so
that no set order depends on the hash seed) and its largest intermediate is
checked against the size limit (:func:`discagg.limits.check_entries`) before
anything is allocated.

**Execution** (:func:`execute`) walks the order. Variables that no later product
and no result needs are summed out of an operand just before its product. Small
products are one two-operand ``np.einsum``. A larger product that contracts no
variable is one broadcast ``np.multiply`` (in place when it only scales a factor
the contraction owns); one that contracts variables is one batched ``np.matmul``
(BLAS) on strided *views* of both operands, (batch..., free, contracted), which
need no copy when each group is a run of the operand's axes and the innermost
axis is not a batch axis (numpy falls back to a slow loop otherwise). Each
result is written directly in the memory order its reader (the next product that
uses it, or the caller) can take as such a view, when one exists; an operand is
copied only when no layout suits both its producer and its reader, or its
producer's operands are copied instead when that is cheaper. Object arrays
(exact ``Fraction`` arithmetic) go through the same code.
"""

from __future__ import annotations

import gc
import heapq
import math
import random
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any, TypeVar

import numpy as np
from opt_einsum import paths as oe_paths
from opt_einsum.path_random import thermal_chooser

from discagg.limits import check_entries

__all__ = ["Factor", "Plan", "plan", "execute", "contract", "CHEAP", "HARD", "TRIALS_PER_BATCH", "MAX_TRIALS",
           "TRIALS_PER_COST"]

Factor = tuple[np.ndarray, tuple[str, ...]]

_Label = TypeVar("_Label", str, int)
"""A variable in the order search: its name, or the integer label the search runs on."""

CHEAP = 10**6
"""An order that touches at most this many entries is taken as it is (it runs in about a millisecond)."""
HARD = 10**7
"""An order that touches more entries than this is worth a randomised search."""
TRIALS_PER_BATCH = 8
"""Randomised greedy orders tried at a time; the search stops after a batch that gains under 10%."""
MAX_TRIALS = 128
"""At most this many randomised orders."""
TRIALS_PER_COST = 1e-6
"""Budget: trials x factors <= cost x this (a trial takes ~40 us per factor, a contraction ~0.3 ns per entry)."""


@dataclass(frozen=True)
class Plan:
    """A contraction order and what it costs.

    Attributes
    ----------
    reduce : tuple of tuple of str
        For each input factor, the variables summed out of it before anything else.
    steps : tuple of (int, int)
        Pairwise products in static single assignment form: inputs are numbered
        ``0 .. n-1``, the result of step ``k`` is ``n + k``.
    outputs : tuple of frozenset of str
        The variables each step's result keeps.
    cost : int
        Entries touched: the size of every product's joint scope plus of every
        operand a summation reads.
    largest : int
        Entries of the largest array the order creates (input reductions,
        intermediates and the result, before broadcasting over absent kept variables).
    width : int
        Number of variables of that array.
    """

    reduce: tuple[tuple[str, ...], ...]
    steps: tuple[tuple[int, int], ...]
    outputs: tuple[frozenset[str], ...]
    cost: int
    largest: int
    width: int = 0


def _size(scope: Iterable[_Label], cards: Mapping[_Label, int]) -> int:
    return math.prod(cards[v] for v in scope)


def _evaluate(ssa_path: Iterable[tuple[int, int]], scopes: list[frozenset[_Label]], keep: frozenset[_Label],
              cards: Mapping[_Label, int]
              ) -> tuple[int, tuple[int, int], tuple[tuple[int, int], ...], tuple[frozenset[_Label], ...]]:
    """Cost, largest intermediate (entries, variables), steps and step outputs of an SSA path, as
    :func:`execute` runs it.

    Linear in the total size of the scopes: a count of live factors per variable
    says which variables a product must keep.
    """
    scopes = list(scopes)
    count: dict[_Label, int] = {}
    for s in scopes:
        for v in s:
            count[v] = count.get(v, 0) + 1
    cost = 0
    largest = (0, 0)
    steps: list[tuple[int, int]] = []
    outputs: list[frozenset[_Label]] = []
    for i, j in ssa_path:
        a, b = scopes[i], scopes[j]
        for v in a:
            count[v] -= 1
        for v in b:
            count[v] -= 1
        out = frozenset(v for v in a | b if v in keep or count[v])
        # Sum out what only one operand has and nobody needs, then multiply.
        ra, rb = a & (out | b), b & (out | a)
        if ra != a:
            cost += _size(a, cards)
        if rb != b:
            cost += _size(b, cards)
        cost += _size(ra | rb, cards)
        largest = max(largest, (_size(out, cards), len(out)))
        for v in out:
            count[v] += 1
        scopes.append(out)
        steps.append((i, j))
        outputs.append(out)
    return cost, largest, tuple(steps), tuple(outputs)


def _random_greedy(scopes: list[frozenset[int]], output: frozenset[int], cards: Mapping[int, int],
                   seeds: Iterable[int]) -> list[list[tuple[int, int]]]:
    """Greedy orders drawn by opt_einsum's Boltzmann chooser, one per seed.

    Reproducible: the global ``random`` state the chooser draws from is seeded
    per trial and restored afterwards.
    """
    chooser = partial(thermal_chooser, temperature=1.0, nbranch=8, rel_temperature=True)
    state = random.getstate()
    try:
        found: list[list[tuple[int, int]]] = []
        for seed in seeds:
            random.seed(seed)
            found.append(oe_paths.ssa_greedy_optimize(scopes, output, cards, chooser, "memory-removed-jitter"))
        return found
    finally:
        random.setstate(state)


def _eliminate(scopes: list[frozenset[_Label]], keep: frozenset[_Label], cards: Mapping[_Label, int]
               ) -> list[tuple[int, int]]:
    """The pairwise path of variable elimination by the smallest-factor rule.

    Eliminating a variable multiplies the factors that mention it, smallest
    first, and sums it out with the last product; factors left at the end are
    multiplied smallest first. The next variable is always the one whose
    elimination creates the smallest factor (ties by name): its
    cost, the product of its neighbours' cardinalities, is kept up to date in a
    heap with lazy invalidation through an index from each variable to its
    neighbours, so that each step costs time in the size of the factors it
    touches, not of the network (near-linear on chains and trees).
    """
    live: dict[int, frozenset[_Label]] = dict(enumerate(scopes))
    mentions: dict[_Label, set[int]] = {}
    neighbours: dict[_Label, dict[_Label, int]] = {}  # candidate -> {variable: number of live factors with both}
    cost: dict[_Label, int] = {}
    changed: set[_Label] = set()

    sizes: dict[int, int] = {}

    def add(fid: int, scope: frozenset[_Label]) -> None:
        live[fid] = scope
        sizes[fid] = _size(scope, cards)
        for v in scope:
            mentions.setdefault(v, set()).add(fid)
            if v in keep:
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
        scope = live.pop(fid)
        for v in scope:
            mentions[v].discard(fid)
            if v in keep:
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

    for fid, scope in list(live.items()):
        del live[fid]
        add(fid, scope)
    steps: list[tuple[int, int]] = []
    next_id = len(scopes)
    count = {v: len(ids) for v, ids in mentions.items()}

    def join(ids: list[int]) -> None:
        nonlocal next_id
        ids = sorted(ids, key=lambda fid: (sizes[fid], fid))
        scopes_in = [live[fid] for fid in ids]
        for fid in ids:
            remove(fid)
        for scope in scopes_in:
            for v in scope:
                count[v] -= 1
        result, scope = ids[0], scopes_in[0]
        for fid, other in zip(ids[1:], scopes_in[1:]):
            steps.append((result, fid))
            result, next_id = next_id, next_id + 1
            scope = scope | other
        scope = frozenset(v for v in scope if v in keep or count[v])
        for v in scope:
            count[v] += 1
        add(result, scope)

    def eliminate(var: _Label) -> None:
        ids = list(mentions.get(var, ()))
        if len(ids) > 1:
            join(ids)
        elif ids:  # one factor: the variable is summed out with its next product
            fid = ids[0]
            scope = live[fid]
            remove(fid)
            count[var] -= 1
            add(fid, frozenset(v for v in scope if v != var))

    heap: list[tuple[int, _Label]] = []
    while True:
        for v in changed:
            if mentions[v]:
                heapq.heappush(heap, (cost[v], v))
        changed.clear()
        if not heap:
            break
        size, var = heapq.heappop(heap)
        if mentions[var] and cost[var] == size:
            eliminate(var)
    rest = sorted(live, key=lambda fid: (sizes[fid], fid))
    if len(rest) > 1:
        join(rest)
    return steps


def plan(scopes: Sequence[Sequence[str]], keep: Sequence[str], cards: Mapping[str, int]) -> Plan:
    """Choose the order in which :func:`execute` contracts factors with these scopes.

    Candidates: opt_einsum's greedy order and the smallest-factor variable
    elimination; when the cheaper of the two costs more than :data:`HARD`,
    batches of :data:`TRIALS_PER_BATCH` randomised greedy orders, while a batch
    still improves the best cost by a tenth and within a budget of trials that
    grows with that cost (so the search stays a fraction of the contraction).
    Deterministic: the same scopes always give the same plan.

    Parameters
    ----------
    scopes : sequence of sequence of str
        Each factor's variables (distinct within a factor).
    keep : sequence of str
        The variables of the result.
    cards : mapping of str to int
        Every variable's number of states.

    Returns
    -------
    Plan
    """
    with _cyclic_gc_paused():
        return _plan(scopes, keep, cards)


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the duration (reference counting goes on).

    Planning holds a few container objects per variable until it returns, and
    in a small interpreter (tens of thousands of objects) those trigger full
    collections once they pass a quarter of everything alive: on a 10,000-node
    chain three full collections took 0.15 s of a 0.8 s contraction, and made
    its time grow faster than the network. Planning creates no garbage that
    only the collector could free but the closures of one call, which the next
    collection takes. The collector's previous state is restored, also on an
    exception; a collector that was off stays off.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _plan(scopes: Sequence[Sequence[str]], keep: Sequence[str], cards: Mapping[str, int]) -> Plan:
    """The work of :func:`plan`, which calls it with the collector paused."""
    kept = frozenset(keep)
    count: dict[str, int] = {}
    for s in scopes:
        for v in s:
            count[v] = count.get(v, 0) + 1
    position = {v: k for k, s in reversed(list(enumerate(scopes))) for v in s}  # first factor with v
    reduce = tuple(tuple(v for v in s if count[v] == 1 and v not in kept) for s in scopes)
    reduced = [frozenset(s) - frozenset(r) for s, r in zip(scopes, reduce)]
    pre_cost = sum(_size(s, cards) for s, r in zip(scopes, reduce) if r)
    pre_largest = max(((_size(s, cards), len(s)) for s, r in zip(reduced, reduce) if r), default=(0, 0))
    if len(reduced) < 2:
        largest = max([pre_largest] + [(_size(s, cards), len(s)) for s in reduced])
        return Plan(reduce, (), (), pre_cost, *largest)
    # The search runs on integer labels: opt_einsum walks sets of labels, whose order for
    # strings would change with Python's hash seed and so would the plan.
    names = sorted({v for s in reduced for v in s}, key=lambda v: (position[v], v))
    index = {v: k for k, v in enumerate(names)}
    labels = [frozenset(index[v] for v in s) for s in reduced]
    sizes = {index[v]: cards[v] for v in names}
    wanted = frozenset(index[v] for v in kept if v in index)
    output = frozenset().union(*labels) & wanted
    best = _evaluate(_eliminate(labels, wanted, sizes), labels, wanted, sizes)
    if best[0] > CHEAP:
        found = _evaluate(oe_paths.ssa_greedy_optimize(labels, output, sizes), labels, wanted, sizes)
        if (found[0], found[1]) < (best[0], best[1]):
            best = found
    if best[0] > HARD:
        # Elimination again with ties broken the other ways (last factor first, by name): ties
        # are common in networks of repeated slices, and which one goes first matters there.
        for key in (lambda v: (-position[v], v), lambda v: v):
            rank = {v: k for k, v in enumerate(sorted(names, key=key))}
            path = _eliminate([frozenset(rank[v] for v in s) for s in reduced],
                              frozenset(rank[v] for v in kept if v in rank), {rank[v]: cards[v] for v in names})
            found = _evaluate(path, labels, wanted, sizes)
            if (found[0], found[1]) < (best[0], best[1]):
                best = found
        budget = min(MAX_TRIALS, int(best[0] * TRIALS_PER_COST) // len(labels))
        seed = 1
        while seed <= budget:
            batch = min(TRIALS_PER_BATCH, budget - seed + 1)
            before = best[0]
            for path in _random_greedy(labels, output, sizes, range(seed, seed + batch)):
                found = _evaluate(path, labels, wanted, sizes)
                if (found[0], found[1]) < (best[0], best[1]):
                    best = found
            seed += batch
            if best[0] > 0.9 * before:
                break
    cost, largest, steps, labelled = best
    outputs = tuple(frozenset(names[k] for k in out) for out in labelled)
    return Plan(reduce, steps, outputs, pre_cost + cost, *max(largest, pre_largest))


# -- execution ------------------------------------------------------------------------------

_SMALL = 1 << 16
"""Products of operands whose sizes multiply to at most this are one ``np.einsum``."""
_ARRANGE_MIN = 1 << 15
"""Results with fewer entries are laid out plainly: copying them later costs less than the search."""
_ARRANGE_TRIALS = 300
"""At most this many partial block orders are explored when choosing a result's layout."""


@dataclass(frozen=True)
class _Reader:
    """How a product reads one of its operands, for choosing that operand's memory layout.

    ``matrix`` holds the operand's two matrix groups (free and contracted
    variables) of a matmul; each must be one run of axes, and the innermost axis
    must belong to one of them. ``orders`` fixes a run's order where needed (the
    contracted run's, when the other operand already has one); ``drop`` is
    summed out first. ``exact``
    asks for exactly this memory order (the final result). A broadcast product
    reads any layout (``matrix`` empty, ``exact`` None).
    """

    matrix: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
    drop: frozenset[str] = frozenset()
    orders: tuple[tuple[str, ...] | None, tuple[str, ...] | None] = (None, None)
    exact: tuple[str, ...] | None = None


def _contiguous(seq: Sequence[str], group: Collection[str]) -> bool:
    where = [k for k, v in enumerate(seq) if v in group]
    return not where or where[-1] - where[0] + 1 == len(where)


def _reads_in_place(seq: Sequence[str], reader: _Reader | None, cards: Mapping[str, int]) -> bool:
    """Whether an array with variables in memory order ``seq`` suits ``reader`` without a copy."""
    if reader is None:
        return True
    if reader.exact is not None:
        return tuple(seq) == reader.exact
    seq = [v for v in seq if v not in reader.drop]
    first, second = reader.matrix
    if not first and not second:
        return True
    if not (_contiguous(seq, first) and _contiguous(seq, second)):
        return False
    if _size(first, cards) > 1 and _size(second, cards) > 1 and seq and seq[-1] not in first | second:
        return False
    return all(order is None or tuple(v for v in seq if v in group) == order
               for group, order in zip(reader.matrix, reader.orders))


def _arrange(variables: Sequence[str], own: tuple[tuple[str, ...], tuple[str, ...]] | None, reader: _Reader | None,
             cards: Mapping[str, int], *, fixed_runs: bool = True) -> tuple[str, ...]:
    """A memory order for a new array: one its product writes in place and its reader reads in place.

    ``own`` is the product's pair of matrix runs (for a matmul's result, whose
    core must be a BLAS matrix), or None; with ``fixed_runs`` their orders are
    fixed (the orders in which the operands are read), otherwise only their
    membership. Groups of variables that both sides treat alike are permuted as
    blocks; when no order suits both, the product's own needs win and the
    reader will copy.
    """
    variables = tuple(variables)
    own = own if own is not None else ((), ())
    mine = _Reader((frozenset(own[0]), frozenset(own[1])), orders=own if fixed_runs else (None, None))
    plain = tuple(v for v in variables if v not in mine.matrix[0] | mine.matrix[1]) + own[0] + own[1]
    if reader is None or _size(variables, cards) < _ARRANGE_MIN:
        return plain
    if reader.exact is not None:
        candidate = reader.exact
        return candidate if set(candidate) == set(variables) and _reads_in_place(candidate, mine, cards) else plain
    if _reads_in_place(plain, reader, cards):
        return plain
    own_groups = mine.matrix
    fixed = {v: k for order in mine.orders + reader.orders if order for k, v in enumerate(order)}

    def cell(v: str) -> tuple[int, int]:
        mine = 1 if v in own_groups[0] else 2 if v in own_groups[1] else 0
        theirs = (3 if v in reader.drop else 1 if v in reader.matrix[0] else 2 if v in reader.matrix[1] else 0)
        return mine, theirs

    cells: dict[tuple[int, int], list[str]] = {}
    for v in variables:
        cells.setdefault(cell(v), []).append(v)
    blocks = {key: sorted(members, key=lambda v: fixed.get(v, -1)) for key, members in cells.items()}
    budget = [_ARRANGE_TRIALS]

    def extend(prefix: list[tuple[int, int]], left: list[tuple[int, int]]) -> tuple[str, ...] | None:
        """Depth-first over the orders of the blocks that keep every matrix group one run."""
        budget[0] -= 1
        if not left:
            seq = [v for key in prefix for v in blocks[key]]
            return tuple(seq) if _reads_in_place(seq, mine, cards) and _reads_in_place(seq, reader, cards) else None
        for key in left:
            if budget[0] <= 0:
                return None
            if _still_runs(prefix + [key]):
                found = extend(prefix + [key], [k for k in left if k != key])
                if found is not None:
                    return found
        return None

    found = extend([], sorted(blocks))
    return plain if found is None else found


def _still_runs(prefix: list[tuple[int, int]]) -> bool:
    """Whether appending the last block of ``prefix`` (cells (own group, reader group)) can keep the groups runs.

    Own groups 1 and 2 and the reader's groups 1 and 2 must each be one run;
    the reader's dropped variables (group 3) are summed out before it reads, so
    they do not separate its runs.
    """
    *before, (mine, theirs) = prefix
    if mine and before and before[-1][0] != mine and any(m == mine for m, _ in before):
        return False
    if theirs in (1, 2):
        seen = [t for _, t in before if t != 3]
        if seen and seen[-1] != theirs and theirs in seen:
            return False
    return True


def _memory_order(x: np.ndarray, vs: tuple[str, ...]) -> tuple[np.ndarray, tuple[str, ...]]:
    """``x`` with its axes in memory order (largest stride first): a C-ordered view, else a C-ordered copy.

    Inputs such as CPTs read from files may be laid out in any order; the
    executor reasons about C-ordered arrays only.
    """
    if x.flags.c_contiguous:
        return x, vs
    perm = sorted(range(x.ndim), key=lambda k: (-abs(x.strides[k]) if x.shape[k] > 1 else 0, k))
    view = np.transpose(x, perm)
    if not view.flags.c_contiguous:
        view = np.ascontiguousarray(view)
    return view, tuple(vs[k] for k in perm)


def _sum_out(x: np.ndarray, vs: tuple[str, ...], drop: Collection[str]) -> tuple[np.ndarray, tuple[str, ...]]:
    if not any(v in drop for v in vs):
        return x, vs
    summed = np.asarray(x.sum(axis=tuple(i for i, v in enumerate(vs) if v in drop)))  # 0-d, not a scalar
    return summed, tuple(v for v in vs if v not in drop)


def _expand(x: np.ndarray, vs: tuple[str, ...], order: Sequence[str]) -> np.ndarray:
    """A view of ``x`` with axes in ``order``: its variables transposed there, size-1 axes for the others."""
    present = [v for v in order if v in vs]
    view = np.transpose(x, [vs.index(v) for v in present]) if present != list(vs) else x
    return view[tuple(slice(None) if v in vs else None for v in order)]


def _allocate(order: Sequence[str], axes: Sequence[str], dtype: np.dtype[Any], cards: Mapping[str, int]) -> np.ndarray:
    """A new array whose memory holds ``order``; returned as a view with axes ``axes``."""
    memory = np.empty(tuple(cards[v] for v in order), dtype=dtype)
    return np.transpose(memory, [list(order).index(v) for v in axes])


def _core_view(x: np.ndarray, vs: Sequence[str], batch: Sequence[str], first: Sequence[str],
               second: Sequence[str], cards: Mapping[str, int], writeable: bool = False) -> np.ndarray | None:
    """``x`` (C-ordered, variables ``vs``) as (batch..., first, second) without copying, or None.

    Each of ``first`` and ``second`` must be one run of ``x``'s axes in exactly
    that order; it becomes one axis. An empty run is an axis of length one. None
    also when the matrix (first, second) is not one BLAS can read (numpy's
    matmul would fall back to its slow loop).
    """
    if not x.flags.c_contiguous:
        return None
    vs = list(vs)
    item = x.itemsize
    strides, shape = [], []
    for v in batch:
        strides.append(x.strides[vs.index(v)])
        shape.append(cards[v])
    core = []
    for run in (first, second):
        run = list(run)
        start = vs.index(run[0]) if run else 0
        if vs[start:start + len(run)] != run:
            return None
        # A contiguous run of a C-ordered array is one axis with its innermost (non-trivial) stride.
        inner = [x.strides[start + k] for k, v in enumerate(run) if cards[v] > 1]
        core.append((_size(run, cards), inner[-1] if inner else item))
    (d0, s0), (d1, s1) = core

    def blas(s_row: int, s_col: int, d_col: int) -> bool:
        return s_col == item and s_row % item == 0 and s_row >= d_col * item

    if d0 > 1 and d1 > 1 and not (blas(s0, s1, d1) or blas(s1, s0, d0)):
        return None
    return np.lib.stride_tricks.as_strided(x, tuple(shape) + (d0, d1), tuple(strides) + (s0, s1),
                                           writeable=writeable)


def _canonical(x: np.ndarray, vs: Sequence[str], batch: Sequence[str], first: Sequence[str],
               second: Sequence[str], cards: Mapping[str, int]) -> np.ndarray:
    """A C-ordered copy of ``x`` as (batch..., first, second)."""
    vs = list(vs)
    copied = np.ascontiguousarray(np.transpose(x, [vs.index(v) for v in list(batch) + list(first) + list(second)]))
    return copied.reshape(tuple(cards[v] for v in batch) + (_size(first, cards), _size(second, cards)))


def _product(a: np.ndarray, va: tuple[str, ...], own_a: bool, b: np.ndarray, vb: tuple[str, ...], own_b: bool,
             out: frozenset[str], reader: _Reader | None, cards: Mapping[str, int]
             ) -> tuple[np.ndarray, tuple[str, ...]]:
    """The product of two factors summed over their variables not in ``out``.

    ``a`` and ``b`` arrive with the variables that only they have and nobody
    needs already summed out. The result is a new C-ordered array whose memory
    order suits ``reader`` where that is possible; ``own_a``/``own_b`` say an
    operand belongs to the contraction (it may be overwritten).
    """
    if a.size * b.size <= _SMALL:
        # Small operands: one two-operand einsum; the Python overhead of the views would dominate.
        labels = {v: k for k, v in enumerate(dict.fromkeys(va + vb))}
        if len(labels) <= 52:
            order = tuple(v for v in labels if v in out)
            result = np.einsum(a, [labels[v] for v in va], b, [labels[v] for v in vb], [labels[v] for v in order])
            return np.asarray(result), order
    sa, sb = set(va), set(vb)
    if a.size < b.size:
        a, va, own_a, sa, b, vb, own_b, sb = b, vb, own_b, sb, a, va, own_a, sa
    shared = sa & sb
    contracted = shared - out
    dtype = np.result_type(a, b)
    if not contracted:
        # A broadcast product, written once in the layout its reader wants.
        scope = va + tuple(v for v in vb if v not in sa)
        order = _arrange(scope, None, reader, cards)
        if own_a and scope == va and order == va and a.dtype == dtype and a.flags.c_contiguous:
            np.multiply(a, _expand(b, vb, va), out=a)
            return a, va
        result = _allocate(order, scope, dtype, cards)
        np.multiply(_expand(a, va, scope), _expand(b, vb, scope), out=result)
        return np.transpose(result, [scope.index(v) for v in order]), order
    # One batched matmul on strided views: a as (batch..., free_a, contracted), b as (batch...,
    # contracted, free_b), the result as (batch..., free_a, free_b). The runs take the orders in
    # which the operands read in place, and the result is laid out for its reader within them;
    # unless copying an operand into other run orders, so that the result suits its reader, copies
    # less than the reader would.
    free_a = [v for v in va if v not in sb]
    free_b = [v for v in vb if v not in sa]
    batch = [v for v in va if v in shared and v in out]
    scope = tuple(batch + free_a + free_b)
    size = _size(scope, cards)

    def views(free_a: list[str], free_b: list[str]) -> tuple[int, list[str], np.ndarray | None, np.ndarray | None]:
        options = []
        for vs in (va, vb):
            run = [v for v in vs if v in contracted]
            view_a = _core_view(a, va, batch, free_a, run, cards)
            view_b = _core_view(b, vb, batch, run, free_b, cards)
            copies = (0 if view_a is not None else a.size) + (0 if view_b is not None else b.size)
            options.append((copies, run, view_a, view_b))
        return min(options, key=lambda o: o[0])

    copies, run, view_a, view_b = views(free_a, free_b)
    order = _arrange(scope, (tuple(free_a), tuple(free_b)), reader, cards)
    if reader is not None and not _reads_in_place(order, reader, cards):
        relaxed = _arrange(scope, (tuple(free_a), tuple(free_b)), reader, cards, fixed_runs=False)
        if _reads_in_place(relaxed, reader, cards):
            runs_a, runs_b = [v for v in relaxed if v in free_a], [v for v in relaxed if v in free_b]
            option = views(runs_a, runs_b)
            if option[0] < copies + size:
                (copies, run, view_a, view_b), order, free_a, free_b = option, relaxed, runs_a, runs_b
    if copies > size and len(set(va) | set(vb)) <= 52:
        # The operands' runs cannot be read in place (e.g. P(y | x, z) against P(z): the free variables
        # x and y are separated by the contracted z), and copying them would cost more memory than the
        # result itself (a full-size copy of the largest CPT). numpy's two-operand einsum loop reads them
        # in place with no temporary: the same arithmetic without BLAS (the kernel at 2^20 micro states:
        # 0.12 s and 80 MiB, against 0.30 s and 720 MiB through the copy).
        labels = {v: k for k, v in enumerate(dict.fromkeys(va + vb))}
        memory = np.empty(tuple(cards[v] for v in order), dtype=dtype)
        np.einsum(a, [labels[v] for v in va], b, [labels[v] for v in vb], [labels[v] for v in order], out=memory)
        return memory, order
    if view_a is None:
        view_a = _canonical(a, va, batch, free_a, run, cards)
    if view_b is None:
        view_b = _canonical(b, vb, batch, run, free_b, cards)
    memory = np.empty(tuple(cards[v] for v in order), dtype=dtype)
    target = _core_view(memory, order, batch, free_a, free_b, cards, writeable=True)
    if target is None:  # cannot happen: _arrange keeps the product's own matrix readable
        raise AssertionError("matmul output layout")
    np.matmul(view_a, view_b, out=target)
    return memory, order


def execute(plan_: Plan, factors: Sequence[Factor], keep: Sequence[str], cards: Mapping[str, int]) -> np.ndarray:
    """Run ``plan_`` on ``factors``; axes in ``keep`` order (broadcast over kept variables no factor has).

    The result is a new C-ordered array (never one of the inputs).
    """
    kept = tuple(keep)
    n = len(factors)
    arrays: list[np.ndarray | None] = []
    orders: list[tuple[str, ...]] = []
    owned: list[bool] = []
    for (x, vs), drop in zip(factors, plan_.reduce):
        x, vs2 = _sum_out(np.asarray(x), tuple(vs), drop)
        x, vs2 = _memory_order(x, vs2)
        arrays.append(x)
        orders.append(vs2)
        owned.append(bool(drop))
    scopes = [frozenset(vs) for vs in orders] + list(plan_.outputs)
    consumer: dict[int, int] = {}
    for k, (i, j) in enumerate(plan_.steps):
        consumer[i] = consumer[j] = k
    present = tuple(v for v in kept if any(v in s for s in scopes))

    def reader(r: int) -> _Reader | None:
        """How the step that consumes factor ``r`` reads it."""
        k = consumer.get(r)
        if k is None:
            return _Reader(exact=present)
        i, j = plan_.steps[k]
        other = j if i == r else i
        mine, theirs, out = scopes[r], scopes[other], plan_.outputs[k]
        drop = mine - theirs - out
        contracted = (mine & theirs) - out
        if not contracted:
            return _Reader(drop=drop)
        order = None
        if other < len(arrays) and arrays[other] is not None:  # the other operand exists: follow its order
            seq = [v for v in orders[other] if v not in theirs - mine - out]
            if _contiguous(seq, contracted):
                order = tuple(v for v in seq if v in contracted)
        return _Reader((frozenset(mine - theirs - drop), frozenset(contracted)), drop, (None, order))

    for k, ((i, j), out) in enumerate(zip(plan_.steps, plan_.outputs)):
        a, b = arrays[i], arrays[j]
        if a is None or b is None:  # cannot happen: a plan reads each factor once
            raise AssertionError("a contraction step reads a freed factor")
        arrays[i] = arrays[j] = None  # free each input as soon as it is used
        va, vb = orders[i], orders[j]
        drop_a = [v for v in va if v not in out and v not in scopes[j]]
        drop_b = [v for v in vb if v not in out and v not in scopes[i]]
        own_a, own_b = owned[i] or bool(drop_a), owned[j] or bool(drop_b)
        a, va = _sum_out(a, va, drop_a)
        b, vb = _sum_out(b, vb, drop_b)
        wanted = reader(n + k) if a.size * b.size > _SMALL and _size(out, cards) >= _ARRANGE_MIN else None
        x, vs = _product(a, va, own_a, b, vb, own_b, out, wanted, cards)
        del a, b
        arrays.append(x)
        orders.append(vs)
        owned.append(True)
    left = [r for r in range(len(arrays)) if arrays[r] is not None]
    result: np.ndarray
    if not left:
        result, vs, own = np.ones(()), (), True
    else:  # without steps, at most one factor; with them, exactly one result
        (r,) = left
        last = arrays[r]
        assert last is not None  # left holds the factors still present
        result, vs, own = last, orders[r], owned[r]
    result, vs2 = _sum_out(result, vs, [v for v in vs if v not in kept])
    own = own or vs2 != vs
    if vs2 == kept and own and isinstance(result, np.ndarray) and result.flags.c_contiguous and result.flags.writeable:
        return result
    final = np.empty(tuple(cards[v] for v in kept), dtype=result.dtype)
    final[...] = _expand(result, vs2, kept)
    return final


def contract(factors: Sequence[Factor], keep: Sequence[str], cards: Mapping[str, int]) -> np.ndarray:
    """Sum the product of ``factors`` over every variable not in ``keep``.

    Parameters
    ----------
    factors : sequence of (ndarray, tuple of str)
        Arrays with one variable per axis (float64 or object arrays of Fractions).
    keep : sequence of str
        Distinct variables: the axes of the result, in order. A kept variable no
        factor mentions is broadcast.
    cards : mapping of str to int
        Every variable's number of states.

    Returns
    -------
    ndarray, shape ``tuple(cards[v] for v in keep)``
        A new array.

    Raises
    ------
    ModelError
        If an intermediate factor or the result would exceed the size limit
        (checked from the plan, before anything is allocated).

    Examples
    --------
    >>> p_z = np.array([0.5, 0.5]); p_y = np.array([[0.9, 0.1], [0.2, 0.8]])
    >>> contract([(p_z, ("Z",)), (p_y, ("Z", "Y"))], ("Y",), {"Z": 2, "Y": 2})
    array([0.55, 0.45])
    """
    chosen = plan([vs for _, vs in factors], keep, cards)
    check_entries(chosen.largest, f"an intermediate factor of the exact contraction (over {chosen.width} variables)",
                  None)
    check_entries(_size(keep, cards), f"the result of the exact contraction (over {len(keep)} variables)", None)
    return execute(chosen, factors, keep, cards)
