"""The search beyond exhaustive sizes: agglomerative merging plus local search, and certified lower bounds.

**Search.** Restart 0 starts from the atoms as singletons and merges, until
``K`` blocks remain, the two blocks whose merge changes the objective least
(for a maximum: whose merged term is least, then the change of the sum); each
further restart starts from a random partition drawn from its own seed. Every
restart then moves single atoms between blocks (no block left empty) while a
move lowers the objective by more than ``1e-12`` (for a maximum: lowers the
maximum, or keeps it and lowers the sum of the terms), in passes over the atoms
until a pass moves none. The restarts are independent chunks for
:func:`discagg.parallel.map_chunks`; the best value wins, ties going to the
lowest restart, so the answer does not depend on the scheduler.

**Lower bounds** (each valid for every partition into ``K`` blocks, so the
reported value is optimal when it meets one):

``confounding``
    Merging two fibres never increases ``P(x̄) gap(x̄)`` summed over them (the
    two optimal realizations, weighted by the fibres' probabilities, realize the
    merged fibre with at most the summed gap), so merging all blocks of any
    partition shows that the optimum for ``K`` blocks is at least the term of
    the single fibre holding every atom: its gap LP's dual bound, less the
    equality tolerance (a fibre whose gap is within it counts 0).
``ambiguity``, ``abstraction``
    A fibre's term never decreases when atoms join it (the range of a row set,
    and the Chebyshev radius, grow with the set), so restricting any partition
    to a subset ``S`` of atoms gives a partition of ``S`` into at most ``K``
    blocks with no larger value: the optimum over ``S`` (exhaustive, from the
    terms' lower bounds) bounds the optimum over all atoms. ``S`` is chosen
    spread out (farthest-point order on the atoms' mean rows) with ``K + 3``
    atoms (at most 12); when ``K + 1 > 12``, ``K + 1`` atoms are chosen and two of
    them must share a fibre (pigeonhole): the least term of a pair bounds it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from discagg.search.exact import mask_atoms, subset_dp, subset_masks
from discagg.search.fibres import Fibre, FibreCosts, evaluate_fibres
from discagg.search.partitions import canonical

__all__ = ["Restart", "RestartResult", "run_restart", "lower_bound", "IMPROVEMENT", "BOUND_ATOMS"]

IMPROVEMENT = 1e-12
"""A local-search move is taken only when it lowers the objective by more than this (no cycling on rounding)."""

BOUND_ATOMS = 12
"""Most atoms in the subset whose exact optimum bounds the ambiguity and abstraction objectives."""


@dataclass(frozen=True)
class Restart:
    """One independent restart: agglomerative (``seed`` None) or from a random partition drawn from ``seed``."""

    costs: FibreCosts
    k: int
    seed: int | None
    max_passes: int = 100


@dataclass(frozen=True)
class RestartResult:
    """Its best partition (canonical labels), value and number of fibre terms it computed."""

    value: float
    labels: tuple[int, ...]
    evaluated: int


class _Terms:
    """Fibre terms of one restart, each computed once."""

    def __init__(self, costs: FibreCosts) -> None:
        self.costs = costs
        self.cache: dict[Fibre, float] = {}

    def __call__(self, fibre: Fibre) -> float:
        value = self.cache.get(fibre)
        if value is None:
            value = self.cache[fibre] = self.costs.cost(fibre)[0]
        return value


def _key(values: list[float], combine: str) -> tuple[float, float]:
    total = float(sum(values))
    return (total, total) if combine == "sum" else (float(max(values)), total)


def _agglomerate(terms: _Terms, n: int, k: int, combine: str) -> list[Fibre]:
    blocks: list[Fibre] = [(i,) for i in range(n)]
    single = [terms(b) for b in blocks]

    def pair(a: Fibre, b: Fibre, ta: float, tb: float) -> tuple[float, float]:
        merged = terms(tuple(sorted(a + b)))
        change = merged - ta - tb
        return (change, change) if combine == "sum" else (merged, change)

    own = list(single)
    primary = np.full((n, n), np.inf)
    secondary = np.full((n, n), np.inf)
    for a in range(n):
        for b in range(a + 1, n):
            primary[a, b], secondary[a, b] = pair(blocks[a], blocks[b], own[a], own[b])
    alive = list(range(n))
    while len(alive) > k:
        low = primary.min()
        ties = np.argwhere(primary == low)
        a, b = (int(v) for v in min(ties.tolist(), key=lambda ab: (secondary[ab[0], ab[1]], ab[0], ab[1])))
        merged = tuple(sorted(blocks[a] + blocks[b]))
        blocks[a], own[a] = merged, terms(merged)
        alive.remove(b)
        primary[b, :] = primary[:, b] = np.inf
        for c in alive:
            if c == a:
                continue
            i, j = min(a, c), max(a, c)
            primary[i, j], secondary[i, j] = pair(blocks[i], blocks[j], own[i], own[j])
    return [blocks[a] for a in alive]


def _local_search(terms: _Terms, labels: np.ndarray, k: int, combine: str, order: np.ndarray,
                  max_passes: int) -> np.ndarray:
    labels = labels.copy()
    members = [tuple(np.flatnonzero(labels == b).tolist()) for b in range(k)]
    values = [terms(m) for m in members]
    for _ in range(max_passes):
        moved = False
        for i in order.tolist():
            a = int(labels[i])
            if len(members[a]) == 1:
                continue
            without = tuple(x for x in members[a] if x != i)
            current = _key(values, combine)
            for b in range(k):
                if b == a:
                    continue
                joined = tuple(sorted(members[b] + (i,)))
                trial = list(values)
                trial[a], trial[b] = terms(without), terms(joined)
                new = _key(trial, combine)
                better = (new[0] < current[0] - IMPROVEMENT if combine == "sum" else
                          new[0] < current[0] - IMPROVEMENT or (new[0] <= current[0]
                                                                and new[1] < current[1] - IMPROVEMENT))
                if better:
                    labels[i] = b
                    members[a], members[b] = without, joined
                    values = trial
                    moved = True
                    break
        if not moved:
            break
    return labels


def run_restart(task: Restart) -> RestartResult:
    """Run one restart (a chunk for :func:`discagg.parallel.map_chunks`)."""
    costs, k = task.costs, task.k
    n, combine = costs.n, costs.combine
    terms = _Terms(costs)
    if task.seed is None:
        start = np.zeros(n, dtype=int)
        for b, block in enumerate(_agglomerate(terms, n, k, combine)):
            start[list(block)] = b
        order = np.arange(n)
    else:
        rng = np.random.default_rng(task.seed)
        start = np.concatenate([np.arange(k), rng.integers(0, k, n - k)])
        rng.shuffle(start)
        order = rng.permutation(n)
    labels = _local_search(terms, start, k, combine, order, task.max_passes)
    labels_t = canonical(labels.tolist())
    found = [tuple(np.flatnonzero(np.array(labels_t) == b).tolist()) for b in range(k)]
    value = _key([terms(f) for f in found], combine)[0]
    return RestartResult(value, labels_t, len(terms.cache))


def _spread(costs: FibreCosts, size: int) -> list[int]:
    """``size`` atoms in farthest-point order of their mean rows (max-norm), from the one farthest from the mean."""
    centres = np.stack([costs.rows[a].mean(axis=0) for a in costs.atoms])
    first = int(np.abs(centres - centres.mean(axis=0)).max(axis=1).argmax())
    chosen = [first]
    nearest = np.abs(centres - centres[first]).max(axis=1)
    while len(chosen) < size:
        nearest[chosen] = -np.inf
        nxt = int(nearest.argmax())
        chosen.append(nxt)
        nearest = np.minimum(nearest, np.abs(centres - centres[nxt]).max(axis=1))
    return sorted(chosen)


def lower_bound(costs: FibreCosts, k: int, *, scheduler: str | None = None) -> tuple[float, str, int]:
    """A certified lower bound on the optimum over all partitions into ``k`` blocks (see the module docstring).

    Returns
    -------
    bound : float
    how : str
        One line saying which bound it is.
    evaluated : int
        Fibre terms computed for it.
    """
    n = costs.n
    equality = costs.tolerance.equality
    if costs.objective == "confounding":
        _, bound = costs.cost(tuple(range(n)))
        return max(0.0, bound - equality), "the gap LP's dual bound on the fibre of all atoms (merging never raises " \
                                           "the total), less the equality tolerance", 1
    if k + 1 > BOUND_ATOMS:
        chosen = _spread(costs, min(n, k + 1))
        pairs = [(a, b) for i, a in enumerate(chosen) for b in chosen[i + 1:]]
        table = evaluate_fibres(costs, pairs, scheduler=scheduler)
        bound = min(table[p][1] for p in pairs) if len(chosen) > k else 0.0
        return bound, f"pigeonhole: two of {len(chosen)} spread atoms share a fibre; the least pair term", len(pairs)
    size = min(n, k + 3, BOUND_ATOMS)
    chosen = _spread(costs, size)
    masks = subset_masks(size, size - k + 1)
    fibres = [tuple(chosen[i] for i in mask_atoms(int(m))) for m in masks]
    table = evaluate_fibres(costs, fibres, scheduler=scheduler)
    cost = np.full(1 << size, np.inf)
    cost[masks] = [table[f][1] for f in fibres]
    bound, _ = subset_dp(cost, size, k, costs.combine)
    return bound, f"the exact optimum over {size} spread atoms (terms only grow as atoms join a fibre)", len(fibres)
