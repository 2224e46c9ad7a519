"""The posterior on the picture: the observational point's credible region and the draws that are feasible.

A :class:`~discagg.estimation.posterior.Posterior` holds, for every draw of
the CPTs, the observational ``P(Ȳ | x̄)`` and (with the ``solve`` question)
the irreducible gap. Projected, the draws' ``P(Ȳ | x̄)`` are a cloud around the
point answer (the posterior-mean CPTs'); its *credible region* at level ``L``
is drawn:

- one coordinate (an interval picture): the equal-tailed interval, the
  ``(1 - L)/2`` and ``(1 + L)/2`` quantiles of the draws, as the ``--posterior``
  tables give it for ``P(Ȳ | x̄)``;
- two coordinates (ternary or plane): the convex hull of the ``⌈L·n⌉``
  deepest of the ``n`` draws by *convex-hull peeling depth* (Barnett 1976):
  the vertices of the draws' hull are removed, layer after layer, and from the
  last layer only as many as are needed, farthest from the draws' mean
  (Mahalanobis distance) first. Each removed draw is a vertex of the hull of
  the draws left when it goes, so it lies outside the final hull: the region
  holds exactly ``⌈L·n⌉`` draws (copies of one point go together, so with ties
  it may hold a few more). It follows a skewed cloud, and stays inside the
  simplex, where an ellipse from the covariance would not.

A macro state's *feasible* fraction is the fraction of draws in which a
confounding-inhibiting realization exists (irreducible gap ``<=`` the
tolerance's ``equality``): :meth:`Posterior.inhibiting_draws`, the count behind
``p_inhibiting`` of ``solve --posterior``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from discagg.core.aggregation import Aggregation
from discagg.errors import ModelError
from discagg.estimation.posterior import Posterior, interval
from discagg.viz.panels import ReachablePanel
from discagg.viz.projection import Projection, convex_hull

__all__ = ["DRAWS_SHOWN", "credible_region", "peeled_region", "with_posterior", "check_posterior"]

DRAWS_SHOWN = 2000
"""At most this many draws are drawn as dots (the first ones); the region and the fraction use all."""


def peeled_region(points: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """The convex hull of the ``⌈level·n⌉`` deepest points by convex-hull peeling, and which points it holds.

    Parameters
    ----------
    points : (n, 2) ndarray
    level : float
        In (0, 1).

    Returns
    -------
    hull : (h, 2) ndarray
        Its vertices, counter-clockwise (:func:`~discagg.viz.projection.convex_hull`;
        one or two rows when the points kept are one point or on a segment).
    inside : (n,) ndarray of bool
        The points kept: exactly those in the closed hull.

    Examples
    --------
    >>> square = np.array([[0, 0], [1, 0], [1, 1], [0, 1], [0.5, 0.5], [0.4, 0.6], [0.6, 0.4], [0.55, 0.5]])
    >>> hull, inside = peeled_region(square, 0.5)
    >>> int(inside.sum()), bool(inside[:4].any())       # the four inner points, not the corners
    (4, False)
    """
    points = np.asarray(points, dtype=np.float64)
    unique, inverse, counts = np.unique(points, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    keep = int(np.ceil(level * len(points) - 1e-9))
    centred = unique - np.average(unique, axis=0, weights=counts)
    covariance = (centred * counts[:, None]).T @ centred / counts.sum()
    distance = np.einsum("ij,jk,ik->i", centred, np.linalg.pinv(covariance), centred)
    alive = np.ones(len(unique), dtype=bool)
    held = int(counts.sum())
    while held > keep:
        layer = np.flatnonzero(alive)[_hull_vertices(unique[alive])]
        if held - int(counts[layer].sum()) >= keep:
            alive[layer] = False
            held -= int(counts[layer].sum())
            continue
        for i in layer[np.argsort(-distance[layer], kind="stable")]:
            if held - int(counts[i]) >= keep:
                alive[i] = False
                held -= int(counts[i])
        break
    return convex_hull(unique[alive]), alive[inverse]


def _hull_vertices(points: np.ndarray) -> np.ndarray:
    """Indices of the vertices of the points' convex hull (every point, when they are fewer than 3)."""
    from scipy.spatial import ConvexHull, QhullError

    if len(points) <= 2:
        return np.arange(len(points))
    try:
        return np.asarray(ConvexHull(points).vertices)
    except QhullError:  # on a segment, or flat to Qhull's precision: the exact monotone chain
        vertices = {tuple(v) for v in convex_hull(points).tolist()}
        return np.array([i for i, p in enumerate(points.tolist()) if tuple(p) in vertices])


def credible_region(points: np.ndarray, level: float) -> tuple[np.ndarray, int]:
    """The credible region of projected draws: ``(vertices, draws held)``.

    One coordinate: the equal-tailed interval ``[[lower], [upper]]``; two: the
    peeled hull (:func:`peeled_region`).

    >>> region, held = credible_region(np.arange(101.0)[:, None], 0.9)
    >>> region.ravel().round(9).tolist(), held
    ([5.0, 95.0], 91)
    """
    points = np.asarray(points, dtype=np.float64)
    if points.shape[1] == 1:
        span = interval(points[:, 0], level)
        held = int(np.count_nonzero((points[:, 0] >= span.lower) & (points[:, 0] <= span.upper)))
        return np.array([[span.lower], [span.upper]]), held
    hull, inside = peeled_region(points, level)
    return hull, int(inside.sum())


def check_posterior(agg: Aggregation, posterior: Posterior) -> None:
    """Refuse a posterior of another model, cause, effect or coarsening than ``agg``'s."""
    mine = (agg.model.name, agg.cause, agg.effect, agg.cause_map.macro_states, agg.effect_map.macro_states)
    theirs = (posterior.model, posterior.cause, posterior.effect, posterior.cause_macro, posterior.effect_macro)
    if mine != theirs:
        raise ModelError(None, "posterior", f"a posterior of model {agg.model.name!r}, cause {agg.cause!r} and "
                         f"effect {agg.effect!r} with their macro states",
                         f"one of model {posterior.model!r}, cause {posterior.cause!r} and effect "
                         f"{posterior.effect!r}" + (" with other macro states" if mine[:3] == theirs[:3] else ""))


def with_posterior(panels: Sequence[ReachablePanel], agg: Aggregation, posterior: Posterior,
                   projection: Projection) -> tuple[ReachablePanel, ...]:
    """The panels with their posterior: the draws' projected ``P(Ȳ | x̄)``, its credible region, the feasible draws.

    Raises
    ------
    ModelError
        A posterior of another model or pair (:func:`check_posterior`).

    Examples
    --------
    >>> import discagg
    >>> from discagg.viz.panels import reachable_panels
    >>> from discagg.viz.projection import projection_for
    >>> truth = discagg.load_model("example:cholesterol")
    >>> data = discagg.sample(truth, 2000, seed=1)
    >>> agg = Aggregation.of(discagg.fit(data, truth))
    >>> post = discagg.posterior(data, truth, draws=200, seed=2, questions=["solve"])
    >>> pr = projection_for(agg.effect_map.macro_states)
    >>> medium = with_posterior(reachable_panels(agg, discagg.solve(agg.model), pr), agg, post, pr)[1]
    >>> medium.feasible, medium.held, medium.credible.shape
    ((200, 200), 190, (2, 1))
    """
    check_posterior(agg, posterior)
    observational = posterior.values["observational"]
    out = []
    for panel in panels:
        k = agg.cause_map.macro_index(panel.state)
        rows = observational[:, k]
        rows = rows[~np.isnan(rows).any(axis=1)]
        feasible = posterior.inhibiting_draws(k) if "min_gap" in posterior.values else None
        if not len(rows):
            out.append(dataclasses.replace(panel, feasible=feasible, level=posterior.level))
            continue
        draws = projection.coordinates(rows)
        region, held = credible_region(draws, posterior.level)
        out.append(dataclasses.replace(panel, draws=draws, credible=region, held=held, feasible=feasible,
                                       level=posterior.level))
    return tuple(out)
