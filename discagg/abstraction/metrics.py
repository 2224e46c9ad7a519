"""The distances an abstraction error is measured in: Jensen–Shannon divergence in bits, and total variation.

``jsd`` is the Jensen–Shannon *divergence* with base-2 logarithms (in [0, 1]);
Zennaro et al.'s evaluation code measures the Jensen–Shannon *distance* with
natural logarithms (``scipy.spatial.distance.jensenshannon``), which is
``sqrt(ln 2 · jsd)``: a monotone transform, so the worst case over interventions
and pairs, and the maps that minimise it, are the same in both.
``tv`` is the total-variation distance ``½ Σ |p − q|``.
"""

from __future__ import annotations

import math

import numpy as np

from discagg.core.distances import jensen_shannon, total_variation
from discagg.errors import ModelError

__all__ = ["METRICS", "BASES", "distance", "check_metric", "js_distance_nats"]

METRICS = ("jsd", "tv")
BASES: dict[str, float | None] = {"jsd": 2.0, "tv": None}
"""The logarithm base of each metric (None: not an entropy)."""


def check_metric(metric: str) -> str:
    """``metric`` if it is one of :data:`METRICS`; raises :class:`ModelError` otherwise."""
    if metric not in METRICS:
        raise ModelError(None, "metric", f"one of {list(METRICS)}", repr(metric))
    return metric


def distance(metric: str, p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Row-wise distance over the last axis (broadcasting).

    >>> float(distance("jsd", np.array([1.0, 0.0]), np.array([0.0, 1.0])))
    1.0
    >>> float(distance("tv", np.array([0.5, 0.5]), np.array([1.0, 0.0])))
    0.5
    """
    if metric == "jsd":
        return jensen_shannon(p, q, base=2.0)
    if metric == "tv":
        return np.asarray(total_variation(*np.broadcast_arrays(np.asarray(p, dtype=np.float64),
                                                                np.asarray(q, dtype=np.float64))))
    raise ModelError(None, "metric", f"one of {list(METRICS)}", repr(metric))


def js_distance_nats(jsd_bits: float) -> float:
    """The Jensen–Shannon distance in nats (scipy's ``jensenshannon`` default) of a divergence in bits.

    >>> round(js_distance_nats(1.0), 6)  # sqrt(ln 2)
    0.832555
    """
    return math.sqrt(max(jsd_bits, 0.0) * math.log(2.0))
