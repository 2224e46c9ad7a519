"""Exact searches: dynamic programming over breakpoints, and over subsets (every partition, implicitly).

Both rest on one fact: each objective is a sum (or a maximum) of terms that
depend on one fibre only (:mod:`discagg.search.fibres`). Then

* **contiguous** partitions of ordered atoms: ``best[k][j]``, the least value of
  the first ``j`` atoms cut into ``k`` runs, is ``min_i best[k-1][i] ⊕ c(i, j)``
  (``⊕`` is ``+`` or ``max``; both are monotone, so optimal prefixes compose). It
  evaluates the ``O(n²)`` runs and is exact for every ``n``;
* **general** partitions: ``g[k][S]``, the least value of the atom set ``S``
  cut into ``k`` blocks, is ``min_T c(T) ⊕ g[k-1][S \\ T]`` over the blocks ``T``
  holding the lowest atom of ``S``. That takes every one of the ``S(n, K)``
  partitions into account (each is reached along exactly one path) and
  needs the terms of the ``2^n - 1`` subsets: exact, and practical up to about
  a dozen atoms.

The same recursions over the terms' certified lower bounds give a lower bound
on the optimum over the same partitions (every partition's value is at least
the combination of its fibres' bounds).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from discagg.search.partitions import submasks

__all__ = ["contiguous_dp", "subset_dp", "subset_masks", "mask_atoms"]


def _combine(kind: str) -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    return np.add if kind == "sum" else np.maximum


def contiguous_dp(cost: np.ndarray, k: int, combine: str) -> tuple[float, tuple[int, ...]]:
    """The best cut of ``n`` ordered atoms into ``k`` runs.

    Parameters
    ----------
    cost : (n + 1, n + 1) ndarray
        ``cost[i, j]`` is the term of the run of atoms ``i .. j - 1`` (``inf``
        where not evaluated).
    k : int
    combine : {"sum", "max"}

    Returns
    -------
    value : float
    labels : tuple of int
        The run of each atom (``0 .. k - 1``). Among equal values, the one with
        the earliest breakpoints wins.

    Examples
    --------
    >>> c = np.full((4, 4), np.inf)
    >>> for i, j, v in [(0, 1, 0), (0, 2, 5), (1, 2, 0), (1, 3, 1), (2, 3, 0), (0, 3, 9)]:
    ...     c[i, j] = v
    >>> contiguous_dp(c, 2, "sum")
    (1.0, (0, 1, 1))
    """
    n = cost.shape[0] - 1
    op = _combine(combine)
    best = np.full((k + 1, n + 1), np.inf)
    best[0, 0] = 0.0
    choice = np.zeros((k + 1, n + 1), dtype=np.intp)
    for level in range(1, k + 1):
        for j in range(level, n - (k - level) + 1):
            starts = np.arange(level - 1, j)
            values = op(best[level - 1, starts], cost[starts, j])
            i = int(np.argmin(values))
            best[level, j], choice[level, j] = values[i], starts[i]
    labels = np.zeros(n, dtype=int)
    j = n
    for level in range(k, 0, -1):
        i = int(choice[level, j])
        labels[i:j] = level - 1
        j = i
    return float(best[k, n]), tuple(labels.tolist())


def subset_masks(n: int, largest: int) -> np.ndarray:
    """Every non-empty subset of ``n`` atoms with at most ``largest`` atoms, as bit masks (increasing).

    >>> subset_masks(3, 2).tolist()
    [1, 2, 3, 4, 5, 6]
    """
    masks = np.arange(1, 1 << n, dtype=np.int64)
    counts = np.zeros_like(masks)
    for bit in range(n):
        counts += (masks >> bit) & 1
    return masks[counts <= largest]


def mask_atoms(mask: int) -> tuple[int, ...]:
    """The atoms of a bit mask.

    >>> mask_atoms(0b1010)
    (1, 3)
    """
    return tuple(i for i in range(mask.bit_length()) if (mask >> i) & 1)


def subset_dp(cost: np.ndarray, n: int, k: int, combine: str) -> tuple[float, tuple[int, ...]]:
    """The best partition of ``n`` atoms into ``k`` blocks, over all ``S(n, k)`` of them.

    Parameters
    ----------
    cost : (2**n,) ndarray
        ``cost[mask]`` is the term of the block of atoms in ``mask`` (``inf``
        where not evaluated; ``cost[0]`` unused).
    n, k : int
    combine : {"sum", "max"}

    Returns
    -------
    value : float
    labels : tuple of int
        Canonical labels (blocks numbered by their first atom). Among equal
        values, the partition reached first (smaller block masks first) wins.

    Examples
    --------
    >>> c = np.array([np.inf, 0.0, 0.0, 1.0, 0.0, 0.0, 2.0, 9.0])  # atoms 0 and 2 go together for free
    >>> subset_dp(c, 3, 2, "sum")
    (0.0, (0, 1, 0))
    """
    op = _combine(combine)
    full = (1 << n) - 1
    block = np.asarray(cost, dtype=np.float64).copy()
    block[0] = np.inf
    level = block  # g[1][S]: S as one block
    candidates = np.flatnonzero(np.isfinite(block)).tolist()
    choices: list[np.ndarray] = []
    for _ in range(2, k + 1):
        current = np.full(1 << n, np.inf)
        choice = np.zeros(1 << n, dtype=np.int64)
        for t in candidates:
            low = t & -t
            rest = submasks(full & ~((low << 1) - 1) & ~t)[1:]  # atoms above T's lowest and outside T
            if rest.size == 0:
                continue
            before = level[rest]
            keep = np.isfinite(before)
            rest, values = rest[keep], op(block[t], before[keep])
            index = t | rest  # distinct for distinct rests: plain fancy assignment is safe
            better = values < current[index]
            current[index[better]] = values[better]
            choice[index[better]] = t
        choices.append(choice)
        level = current
    value = float(level[full])
    if not np.isfinite(value):
        raise ValueError(f"no partition of {n} atoms into {k} blocks among the evaluated blocks")
    labels = np.zeros(n, dtype=int)
    rest_mask, found = full, []
    for choice in reversed(choices):
        t = int(choice[rest_mask])
        found.append(t)
        rest_mask ^= t
    found.append(rest_mask)
    for b, t in enumerate(found):
        labels[list(mask_atoms(t))] = b
    from discagg.search.partitions import canonical

    return value, canonical(labels.tolist())
