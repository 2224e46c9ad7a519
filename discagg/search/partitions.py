"""Partitions of ``n`` atoms into ``K`` blocks: counting, enumerating, and a canonical form.

A partition is written as *labels*: ``labels[i]`` is the block of atom ``i``.
Its canonical form numbers the blocks by their first atom (a restricted growth
string), so that two label vectors describe the same partition exactly when
their canonical forms are equal.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from functools import lru_cache

import numpy as np

__all__ = ["stirling2", "contiguous_count", "canonical", "blocks", "set_partitions", "contiguous_partitions",
           "submasks"]


@lru_cache(maxsize=None)
def stirling2(n: int, k: int) -> int:
    """The Stirling number of the second kind ``S(n, k)``: partitions of ``n`` atoms into ``k`` non-empty blocks.

    >>> stirling2(9, 3), stirling2(12, 4), stirling2(20, 5)
    (3025, 611501, 749206090500)
    """
    if n == k:
        return 1
    if k == 0 or k > n:
        return 0
    row = [1] + [0] * k  # S(0, j)
    for m in range(1, n + 1):
        new = [0] * (k + 1)
        for j in range(1, min(m, k) + 1):
            new[j] = j * row[j] + row[j - 1]
        row = new
    return row[k]


def contiguous_count(n: int, k: int) -> int:
    """Partitions of ``n`` ordered atoms into ``k`` runs of consecutive atoms: ``C(n - 1, k - 1)``.

    >>> contiguous_count(5, 3)
    6
    """
    return math.comb(n - 1, k - 1) if 1 <= k <= n else 0


def canonical(labels: Sequence[int]) -> tuple[int, ...]:
    """Relabel blocks ``0, 1, ...`` in the order of their first atom.

    >>> canonical([2, 2, 0, 1, 0])
    (0, 0, 1, 2, 1)
    """
    seen: dict[int, int] = {}
    return tuple(seen.setdefault(int(label), len(seen)) for label in labels)


def blocks(labels: Sequence[int]) -> tuple[tuple[int, ...], ...]:
    """The blocks (sorted atom tuples) of a partition, in canonical order.

    >>> blocks([1, 0, 1])
    ((0, 2), (1,))
    """
    out: dict[int, list[int]] = {}
    for atom, label in enumerate(canonical(labels)):
        out.setdefault(label, []).append(atom)
    return tuple(tuple(out[b]) for b in range(len(out)))


def set_partitions(n: int, k: int) -> Iterator[tuple[int, ...]]:
    """Every partition of ``n`` atoms into exactly ``k`` blocks, as canonical labels (``S(n, k)`` of them).

    >>> list(set_partitions(3, 2))
    [(0, 0, 1), (0, 1, 0), (0, 1, 1)]
    """
    labels = [0] * n

    def extend(i: int, used: int) -> Iterator[tuple[int, ...]]:
        if n - i < k - used:
            return
        if i == n:
            if used == k:
                yield tuple(labels)
            return
        for b in range(min(used + 1, k)):
            labels[i] = b
            yield from extend(i + 1, max(used, b + 1))

    if 1 <= k <= n:
        labels[0] = 0
        yield from extend(1, 1)


def contiguous_partitions(n: int, k: int) -> Iterator[tuple[int, ...]]:
    """Every partition of ``n`` ordered atoms into ``k`` runs, as canonical labels.

    >>> list(contiguous_partitions(3, 2))
    [(0, 1, 1), (0, 0, 1)]
    """
    import itertools

    for cuts in itertools.combinations(range(1, n), k - 1):
        labels = np.zeros(n, dtype=int)
        for c in cuts:
            labels[c:] += 1
        yield tuple(labels.tolist())


def submasks(mask: int) -> np.ndarray:
    """Every submask of the bit mask ``mask`` (the empty one included), as an int64 array.

    >>> submasks(0b101).tolist()
    [0, 1, 4, 5]
    """
    out = np.zeros(1, dtype=np.int64)
    bit = 0
    while mask >> bit:
        if (mask >> bit) & 1:
            out = np.concatenate([out, out | (1 << bit)])
        bit += 1
    return out
