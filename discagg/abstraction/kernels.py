"""The two interventional kernels of an abstraction diagram, and pushing them through value maps.

For a pair ``(S̄, T̄)`` with micro sources ``S = a⁻¹(S̄)`` and targets
``T = a⁻¹(T̄)``, the micro kernel is ``K0[s, t] = P_micro(T = t | do(S = s))``
and the macro kernel ``K1[s̄, t̄] = P_macro(T̄ = t̄ | do(S̄ = s̄))``, both exact
(:func:`discagg.core.inference.interventional_joint`: the truncated
factorisation by tensor contraction, float64), rows normalised as
:meth:`Aggregation.tables <discagg.core.aggregation.Aggregation.tables>`
normalises its kernel (a CPT off by up to the normalisation tolerance must not
show up as an abstraction error). Joint states are in C order: the first node
varies slowest, as groups name them. The kernels do not depend on the value
maps, so a search over maps computes them once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from discagg.core.abstraction import Pair
from discagg.core.arrays import readonly_float
from discagg.core.inference import interventional_joint
from discagg.core.model import CausalModel
from discagg.limits import check_entries

__all__ = ["PairKernels", "pair_kernels", "joint_image", "push_rows"]


@dataclass(frozen=True, eq=False)
class PairKernels:
    """The micro and macro interventional kernels of one pair.

    Attributes
    ----------
    pair : Pair
    micro_sources, micro_targets : tuple of str
        ``a⁻¹(S̄)`` and ``a⁻¹(T̄)``, macro node by macro node.
    micro : (n_s, n_t) ndarray, read-only
        ``P_micro(T | do(S = s))``, one row per micro intervention.
    macro : (n_s̄, n_t̄) ndarray or None, read-only
        ``P_macro(T̄ | do(S̄ = s̄))``; None without a macro model.
    """

    pair: Pair
    micro_sources: tuple[str, ...]
    micro_targets: tuple[str, ...]
    micro: np.ndarray = field(repr=False)
    macro: np.ndarray | None = field(repr=False)


def _kernel(model: CausalModel, targets: tuple[str, ...], sources: tuple[str, ...], what: str) -> np.ndarray:
    n_s = math.prod(model.cardinality(n) for n in sources)
    n_t = math.prod(model.cardinality(n) for n in targets)
    check_entries(n_s * n_t, f"the {n_s} x {n_t} interventional kernel of {what}", None)
    rows = np.asarray(interventional_joint(model, targets, sources), dtype=np.float64).reshape(n_s, n_t)
    return readonly_float(rows / rows.sum(axis=1, keepdims=True))


def pair_kernels(micro: CausalModel, macro: CausalModel | None, groups: Mapping[str, Sequence[str]],
                 pair: Pair) -> PairKernels:
    """Both kernels of ``pair``; ``groups`` gives ``a⁻¹`` of every macro node.

    Raises
    ------
    ModelError
        When a kernel would exceed the array size limit.
    """
    sources = tuple(n for m in pair.sources for n in groups[m])
    targets = tuple(n for m in pair.targets for n in groups[m])
    name = f"{list(pair.sources)} -> {list(pair.targets)}"
    k0 = _kernel(micro, targets, sources, f"the micro model for {name}")
    k1 = None if macro is None else _kernel(macro, pair.targets, pair.sources, f"the macro model for {name}")
    return PairKernels(pair, sources, targets, k0, k1)


def joint_image(images: Sequence[np.ndarray], sizes: Sequence[int]) -> np.ndarray:
    """The image of every joint micro state under a product of maps (C order on both sides).

    Parameters
    ----------
    images : sequence of (n_j,) int arrays
        Each macro node's value map.
    sizes : sequence of int
        Each macro node's number of states ``k_j``.

    Returns
    -------
    (Π n_j,) ndarray of int
        Indices into the ``Π k_j`` joint macro states.

    >>> joint_image([np.array([0, 1, 1]), np.array([1, 0])], [2, 2]).tolist()
    [1, 0, 3, 2, 3, 2]
    """
    out = np.zeros(1, dtype=np.intp)
    for image, k in zip(images, sizes):
        out = (out[:, None] * k + np.asarray(image, dtype=np.intp)[None, :]).ravel()
    return out


def push_rows(rows: np.ndarray, image: np.ndarray, k: int) -> np.ndarray:
    """Sum the columns of ``rows`` by their image: ``out[:, j] = Σ_{t: image[t] = j} rows[:, t]``.

    >>> push_rows(np.array([[0.2, 0.3, 0.5]]), np.array([1, 0, 1]), 2).tolist()
    [[0.3, 0.7]]
    """
    n = rows.shape[1]
    if n * k <= _DENSE:  # one BLAS product with the 0/1 matrix of the map
        onehot = np.zeros((n, k))
        onehot[np.arange(n), image] = 1.0
        return rows @ onehot
    order = np.argsort(image, kind="stable")
    counts = np.bincount(image, minlength=k)
    starts = np.minimum(np.concatenate([[0], np.cumsum(counts)[:-1]]), n - 1)
    out = np.add.reduceat(rows[:, order], starts, axis=1)
    out[:, counts == 0] = 0.0
    return out


_DENSE = 1 << 20
"""Above this many entries, the 0/1 matrix of a map is not built: columns are summed by sorting instead."""
