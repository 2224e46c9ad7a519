"""Distances between discrete distributions, row-wise over the last axis."""

from __future__ import annotations

import numpy as np

__all__ = ["total_variation", "max_abs_difference", "kl_divergence", "jensen_shannon"]


def total_variation(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Total-variation distance ``½ Σ |p - q|`` over the last axis.

    >>> float(total_variation(np.array([0.5, 0.5]), np.array([1.0, 0.0])))
    0.5
    """
    distance: np.ndarray = 0.5 * np.abs(np.asarray(p) - np.asarray(q)).sum(axis=-1)
    return distance


def max_abs_difference(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Largest absolute difference ``max |p - q|`` over the last axis.

    >>> float(max_abs_difference(np.array([0.5, 0.5]), np.array([0.25, 0.75])))
    0.25
    """
    largest: np.ndarray = np.abs(np.asarray(p) - np.asarray(q)).max(axis=-1)
    return largest


def kl_divergence(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Kullback–Leibler divergence ``KL(p ‖ q) = Σ p log(p / q)`` (nats), last axis.

    Terms with ``p = 0`` contribute zero; the divergence is ``inf`` where ``p``
    puts mass on a state where ``q`` has none. NaN rows stay NaN.

    >>> float(kl_divergence(np.array([0.5, 0.5]), np.array([0.5, 0.5])))
    0.0
    >>> float(kl_divergence(np.array([0.5, 0.5]), np.array([1.0, 0.0])))
    inf
    """
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    p, q = np.broadcast_arrays(p, q)
    positive = p > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(positive, p * np.log(np.where(positive, p, 1.0) / q), 0.0)
    terms = np.where(positive & (q <= 0), np.inf, terms)
    result = terms.sum(axis=-1)
    nan_rows = np.isnan(p).any(axis=-1) | np.isnan(q).any(axis=-1)
    return np.where(nan_rows, np.nan, result)


def jensen_shannon(p: np.ndarray, q: np.ndarray, *, base: float = 2.0) -> np.ndarray:
    """Jensen–Shannon divergence ``½ KL(p ‖ m) + ½ KL(q ‖ m)``, ``m = (p + q) / 2``, last axis.

    In bits by default (``base=2``), so that it lies in [0, 1]; ``base=np.e``
    gives nats. This is the divergence, not its square root: the
    Jensen–Shannon *distance* (``scipy.spatial.distance.jensenshannon``, natural
    base by default) is ``sqrt`` of the value in the same base. Terms with a
    zero probability contribute zero, so it is finite for any two distributions.

    >>> float(jensen_shannon(np.array([1.0, 0.0]), np.array([0.0, 1.0])))
    1.0
    >>> float(jensen_shannon(np.array([0.5, 0.5]), np.array([0.5, 0.5])))
    0.0
    """
    p = np.asarray(p, dtype=np.float64)
    q = np.asarray(q, dtype=np.float64)
    p, q = np.broadcast_arrays(p, q)
    m = 0.5 * (p + q)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0) / np.where(m > 0, m, 1.0)), 0.0)
        terms = terms + np.where(q > 0, q * np.log(np.where(q > 0, q, 1.0) / np.where(m > 0, m, 1.0)), 0.0)
    # Rounding can leave a tiny negative sum for equal rows: the divergence is never negative.
    divergence: np.ndarray = np.maximum(0.5 * terms.sum(axis=-1) / np.log(base), 0.0)
    return divergence
