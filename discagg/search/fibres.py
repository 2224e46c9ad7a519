"""What one macro state costs: the term of a candidate fibre in each search objective.

A search partitions *atoms* (the cause's micro states, or whole macro states of
a given map, each a set of micro states) into ``K`` fibres. Every objective is a
sum or a maximum of a term that depends on one fibre only, which is what makes
dynamic programming and the subset recursion exact:

``confounding`` (summed)
    ``P(x̄) · gap(x̄)``: the least total-variation gap between ``P(Ȳ | x̄)``
    and the ``P(Ȳ | do(x̄))`` of any realization, i.e. the value of the gap LP
    (:func:`~discagg.solvers.gap_lp.min_gap`) on the fibre's rows
    ``P(Ȳ | do(X = x))``, weighted by the fibre's probability. A fibre whose gap
    is within the equality tolerance is inhibiting, exactly as ``discagg solve``
    decides it, and counts 0; an unsupported fibre (``P(x̄) = 0``) counts 0
    (Definition 6 speaks of the support only). The lower bound is the LP's dual
    value (the certificate's half margin) times ``P(x̄)``.
``ambiguity`` (summed, unweighted)
    The width of the reachable ``P(Ȳ | do(x̄))``: the largest, over macro
    states ``ȳ`` of the effect, range ``max_x − min_x`` of ``P(Ȳ = ȳ | do(X = x))``
    over the fibre, i.e. what ``discagg bounds`` prints, exactly (no solver).
    Unweighted, because an intervention ``do(x̄)`` is defined whatever ``P(x̄)``:
    weighting by ``P(x̄)`` would let zero-probability micro states join any fibre
    for free, and the total would no longer be 0 exactly when every fibre's rows
    are equal. A width within the equality tolerance counts 0, so the total is 0
    exactly when in every fibre all ``P(Ȳ | do(X = x))`` agree within it.
``abstraction`` (maximum)
    The least worst-case distance between the fibre's rows and one macro
    mechanism ``Q(Ȳ | do(x̄))``: the Chebyshev centre of
    :func:`~discagg.abstraction.mechanism.best_mechanism` (section 1's
    abstraction error with the best macro mechanism), in bits of Jensen–Shannon
    divergence or in total variation, with its certified lower bound.

:class:`FibreCosts` holds what these need, per atom, and is picklable, so
blocks of fibres can be evaluated on a Dask cluster
(:func:`evaluate_fibres`, through :func:`discagg.parallel.map_chunks`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["OBJECTIVES", "COMBINE", "FibreCosts", "evaluate_fibres", "Fibre"]

OBJECTIVES = ("confounding", "ambiguity", "abstraction")
COMBINE = {"confounding": "sum", "ambiguity": "sum", "abstraction": "max"}
"""How each objective combines the terms of its fibres."""

Fibre = tuple[int, ...]
"""A candidate fibre: the sorted indices of its atoms."""

_CHUNK = 64
"""Fibres per chunk handed to :func:`discagg.parallel.map_chunks` (results do not depend on it)."""


@dataclass(frozen=True, eq=False)
class FibreCosts:
    """The data every fibre term needs, per atom; :meth:`cost` evaluates one fibre.

    Attributes
    ----------
    objective : {"confounding", "ambiguity", "abstraction"}
    metric : {"jsd", "tv"}
        For ``abstraction`` only.
    atoms : tuple of (m_a,) int ndarrays
        The micro states of each atom.
    rows : (|X|, |Ȳ|) ndarray
        ``P(Ȳ | do(X = x))`` for every micro state of the cause.
    probability : (n,) ndarray
        ``P(atom)``.
    joint : (n, |Ȳ|) ndarray
        ``P(atom, Ȳ = ȳ)``.
    tolerance : Tolerance
    """

    objective: str
    metric: str
    atoms: tuple[np.ndarray, ...] = field(repr=False)
    rows: np.ndarray = field(repr=False)
    probability: np.ndarray = field(repr=False)
    joint: np.ndarray = field(repr=False)
    tolerance: Tolerance = field(default=DEFAULT_TOLERANCE, repr=False)

    @property
    def n(self) -> int:
        """Number of atoms."""
        return len(self.atoms)

    @property
    def combine(self) -> str:
        """``"sum"`` or ``"max"``."""
        return COMBINE[self.objective]

    def _upper(self) -> np.ndarray:
        return np.stack([self.rows[a].max(axis=0) for a in self.atoms])

    def _lower(self) -> np.ndarray:
        return np.stack([self.rows[a].min(axis=0) for a in self.atoms])

    def fibre_rows(self, fibre: Sequence[int]) -> np.ndarray:
        """The distinct rows ``P(Ȳ | do(X = x))`` of the fibre's micro states (the hull and the centre need no more)."""
        micro = np.concatenate([self.atoms[a] for a in fibre])
        return np.unique(self.rows[micro], axis=0)

    def width(self, fibre: Sequence[int]) -> float:
        """``max_ȳ (max_x − min_x) P(Ȳ = ȳ | do(X = x))`` over the fibre, as computed (not snapped)."""
        micro = np.concatenate([self.atoms[a] for a in fibre])
        block = self.rows[micro]
        return float((block.max(axis=0) - block.min(axis=0)).max())

    def cost(self, fibre: Sequence[int]) -> tuple[float, float]:
        """The fibre's term in the objective and a certified lower bound on it.

        Parameters
        ----------
        fibre : sequence of int
            Atom indices (non-empty).

        Returns
        -------
        value, lower_bound : float
        """
        fibre = sorted(fibre)
        if self.objective == "ambiguity":
            width = self.width(fibre)
            value = width if width > self.tolerance.equality else 0.0
            return value, value
        if self.objective == "confounding":
            return self._confounding(fibre)
        return self._abstraction(fibre)

    def measure(self, fibre: Sequence[int]) -> float | None:
        """What the term measures, per macro state: the gap (``confounding``; None when unsupported), the width
        (``ambiguity``, snapped as the term is) or the error (``abstraction``)."""
        fibre = sorted(fibre)
        if self.objective != "confounding":
            return self.cost(fibre)[0]
        p = float(self.probability[fibre].sum())
        if not p > self.tolerance.support:
            return None
        from discagg.solvers.gap_lp import min_gap

        gap = min_gap(self.fibre_rows(fibre), self.joint[fibre].sum(axis=0) / p, self.tolerance).gap
        return gap if gap > self.tolerance.equality else 0.0

    def _confounding(self, fibre: list[int]) -> tuple[float, float]:
        from discagg.solvers.gap_lp import min_gap

        p = float(self.probability[fibre].sum())
        if not p > self.tolerance.support:
            return 0.0, 0.0
        observational = self.joint[fibre].sum(axis=0) / p
        solution = min_gap(self.fibre_rows(fibre), observational, self.tolerance)
        if solution.gap <= self.tolerance.equality:  # inhibiting, as discagg solve decides it
            return 0.0, 0.0
        return p * solution.gap, p * min(max(solution.bound, 0.0), solution.gap)

    def _abstraction(self, fibre: list[int]) -> tuple[float, float]:
        from discagg.abstraction.mechanism import best_mechanism

        rows = self.fibre_rows(fibre)
        best = best_mechanism(rows, np.zeros(rows.shape[0], dtype=np.intp), 1, self.metric, tolerance=self.tolerance)
        return float(best.errors[0]), float(min(best.lower_bounds[0], best.errors[0]))


def _evaluate_chunk(task: tuple[FibreCosts, list[Fibre]]) -> list[tuple[float, float]]:
    costs, fibres = task
    return [costs.cost(f) for f in fibres]


def evaluate_fibres(costs: FibreCosts, fibres: Sequence[Fibre], *, scheduler: str | None = None,
                    progress: bool = False, description: str = "fibres") -> dict[Fibre, tuple[float, float]]:
    """The term and lower bound of every fibre, in blocks through :func:`discagg.parallel.map_chunks`.

    The ambiguity term needs no solver and is computed here, vectorised, whatever
    the scheduler; the others go to the scheduler in blocks of 64 fibres.

    Returns
    -------
    dict
        ``{fibre: (value, lower_bound)}``.

    Examples
    --------
    >>> rows = np.array([[1.0, 0.0], [0.6, 0.4], [0.6, 0.4]])
    >>> costs = FibreCosts("ambiguity", "jsd", tuple(np.arange(3)[:, None]), rows, np.full(3, 1 / 3),
    ...                    rows / 3)
    >>> evaluate_fibres(costs, [(0, 1), (1, 2)])
    {(0, 1): (0.4, 0.4), (1, 2): (0.0, 0.0)}
    """
    from discagg.parallel import map_chunks

    fibres = [tuple(int(a) for a in f) for f in fibres]
    if costs.objective == "ambiguity":
        return _ambiguity_table(costs, fibres)
    chunks = [(costs, fibres[i:i + _CHUNK]) for i in range(0, len(fibres), _CHUNK)]
    results = map_chunks(_evaluate_chunk, chunks, scheduler=scheduler, progress=progress, description=description)
    return {f: r for (_, block), values in zip(chunks, results) for f, r in zip(block, values)}


def _ambiguity_table(costs: FibreCosts, fibres: list[Fibre]) -> dict[Fibre, tuple[float, float]]:
    """The snapped widths of many fibres from the atoms' column maxima and minima (exact: max and min only)."""
    upper, lower = costs._upper(), costs._lower()
    equality = costs.tolerance.equality
    out: dict[Fibre, tuple[float, float]] = {}
    for f in fibres:
        index = list(f)
        width = float((upper[index].max(axis=0) - lower[index].min(axis=0)).max())
        value = width if width > equality else 0.0
        out[f] = (value, value)
    return out
