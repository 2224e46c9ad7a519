"""Realization families: one micro-realization per macro state of the cause.

A macro intervention ``do(X̄ = x̄)`` is given meaning by a *micro-realization*:
a distribution over the fibre ``π_X⁻¹(x̄)`` (the paper's Definition 4). A
*realization family* holds one for each macro state for which it is defined.
Because the fibres partition the micro states, a family is stored as one weight
vector ``q`` over all micro states: ``q[x] = P^do_{π(x)}(x)``; it sums to one over
each defined fibre and is zero on the fibres of undefined macro states.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from discagg.core.coarsening import Coarsening
from discagg.errors import RealizationError, describe, preview
from discagg.report.short import fit, quoted
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["RealizationFamily"]


@dataclass(frozen=True, eq=False)
class RealizationFamily:
    """Micro-realizations of the macro interventions on one coarsened node.

    Build one with :meth:`from_weights` or :meth:`from_mapping`, which validate
    it (support in the fibre, non-negative, summing to one within
    ``tolerance.normalisation``). Two families are equal when their
    coarsenings are equal and their weights and defined macro states are
    exactly equal (no tolerance: a family read back from its file equals the
    one written); equal families hash alike.

    Attributes
    ----------
    coarsening : Coarsening
        The coarsening ``π_X`` of the intervened node.
    weights : (n,) ndarray, read-only
        ``weights[x]`` is the probability of micro state ``x`` under the
        realization of its macro state ``π(x)``.
    defined : (k,) ndarray of bool, read-only
        Which macro states have a realization.

    Examples
    --------
    >>> pi = Coarsening.from_mapping("X", ["x0", "x1", "x2"],
    ...                              {"low": ["x0", "x1"], "high": ["x2"]})
    >>> fam = RealizationFamily.from_mapping(pi, {"low": {"x0": 0.25, "x1": 0.75},
    ...                                           "high": {"x2": 1.0}})
    >>> fam.weights
    array([0.25, 0.75, 1.  ])
    >>> fam.distribution("low")
    {'x0': 0.25, 'x1': 0.75}
    >>> fam
    RealizationFamily(node='X', defined for 2 of 2 macro states)
    >>> fam == RealizationFamily.from_mapping(pi, fam.to_mapping())
    True
    """

    coarsening: Coarsening
    weights: np.ndarray = field(repr=False)
    defined: np.ndarray = field(repr=False)

    def __repr__(self) -> str:
        return fit(lambda width: f"RealizationFamily(node={quoted(self.coarsening.node, width)}, defined for "
                   f"{int(np.sum(self.defined))} of {self.coarsening.n_macro} macro states)")

    def __eq__(self, other: object) -> bool:
        """Equal coarsenings, and exactly equal weights and defined macro states."""
        if not isinstance(other, RealizationFamily):
            return NotImplemented
        return self is other or (self.coarsening == other.coarsening
                                 and bool(np.array_equal(self.weights, other.weights))
                                 and bool(np.array_equal(self.defined, other.defined)))

    def __hash__(self) -> int:
        # consistent with == : equal families have equal coarsenings and defined masks (the weights are left
        # out, as -0.0 == 0.0 but their bytes differ)
        return hash((self.coarsening, np.asarray(self.defined, dtype=bool).tobytes()))

    @classmethod
    def from_weights(
        cls,
        coarsening: Coarsening,
        weights: Any,
        defined: Any = None,
        *,
        tolerance: Tolerance = DEFAULT_TOLERANCE,
        path: str = "realization",
    ) -> "RealizationFamily":
        """Validate a weight vector over all micro states.

        Parameters
        ----------
        coarsening : Coarsening
        weights : (n,) array-like
        defined : (k,) array-like of bool, optional
            Macro states that carry a realization (default: all). The weights
            on the fibres of the others must be zero.
        tolerance : Tolerance
        path : str
            Key path prefix used in error messages.

        Raises
        ------
        RealizationError
        """
        q = np.array(weights, dtype=np.float64, copy=True)
        n, k = coarsening.n_micro, coarsening.n_macro
        if q.shape != (n,):
            raise RealizationError(None, path, f"{n} weights, one per micro state of {coarsening.node!r}",
                                   f"shape {q.shape}")
        mask = np.ones(k, dtype=bool) if defined is None else np.array(defined, dtype=bool, copy=True)
        if mask.shape != (k,):
            raise RealizationError(None, path, f"{k} flags, one per macro state", f"shape {mask.shape}")
        names = coarsening.micro_states
        macro = coarsening.macro_states
        bad = np.flatnonzero(~np.isfinite(q))
        if bad.size:
            i = bad[0]
            raise RealizationError(None, f"{path}.{macro[coarsening.assignment[i]]}.{names[i]}",
                                   "a finite probability", repr(float(q[i])))
        bad = np.flatnonzero(q < 0.0)
        if bad.size:
            i = bad[0]
            raise RealizationError(None, f"{path}.{macro[coarsening.assignment[i]]}.{names[i]}",
                                   "a non-negative probability", repr(float(q[i])))
        sums = coarsening.push_forward(q)
        for j in range(k):
            if mask[j] and abs(sums[j] - 1.0) > tolerance.normalisation:
                raise RealizationError(None, f"{path}.{macro[j]}",
                                       f"probabilities over the fibre summing to 1 (within "
                                       f"{tolerance.normalisation:g})", f"sum {float(sums[j])!r}")
            if not mask[j] and sums[j] != 0.0:
                raise RealizationError(None, f"{path}.{macro[j]}",
                                       "zero weights on the fibre of an undefined macro state",
                                       f"total weight {float(sums[j])!r}")
        q.setflags(write=False)
        mask.setflags(write=False)
        return cls(coarsening, q, mask)

    @classmethod
    def from_mapping(
        cls,
        coarsening: Coarsening,
        mapping: Mapping[str, Mapping[str, float]],
        *,
        tolerance: Tolerance = DEFAULT_TOLERANCE,
        path: str = "realization",
    ) -> "RealizationFamily":
        """Validate ``{macro state: {micro state: probability}}``.

        Micro states left out of a macro state's mapping get probability zero;
        macro states left out are undefined.

        Raises
        ------
        RealizationError
            If a macro state is unknown, a micro state is outside the fibre, a
            probability is not a finite non-negative number, or a distribution
            does not sum to one.
        """
        if not isinstance(mapping, Mapping):
            raise RealizationError(None, path, "an object mapping macro states to distributions",
                                   describe(mapping))
        q = np.zeros(coarsening.n_micro)
        defined = np.zeros(coarsening.n_macro, dtype=bool)
        micro_index = {s: i for i, s in enumerate(coarsening.micro_states)}
        for macro_state, dist in mapping.items():
            where = f"{path}.{macro_state}"
            if macro_state not in coarsening.macro_states:
                raise RealizationError(None, where, f"a macro state of {coarsening.node!r} "
                                       f"{preview(coarsening.macro_states)}", repr(macro_state))
            k = coarsening.macro_states.index(macro_state)
            if not isinstance(dist, Mapping):
                raise RealizationError(None, where, "an object mapping micro states to probabilities",
                                       describe(dist))
            fibre = set(coarsening.members[k])
            for micro, p in dist.items():
                if micro not in fibre:
                    raise RealizationError(None, f"{where}.{micro}",
                                           f"a micro state in the fibre of {macro_state!r} "
                                           f"{preview(coarsening.members[k])}", repr(micro))
                if isinstance(p, bool) or not isinstance(p, (int, float, np.floating)):
                    raise RealizationError(None, f"{where}.{micro}", "a number (a probability)", describe(p))
                q[micro_index[micro]] = float(p)
            defined[k] = True
        return cls.from_weights(coarsening, q, defined, tolerance=tolerance, path=path)

    def distribution(self, macro_state: str | int | np.integer[Any]) -> dict[str, float]:
        """The realization of one macro state as ``{micro state: probability}``.

        Raises
        ------
        RealizationError
            If the family does not define that macro state.
        """
        pi = self.coarsening
        k = int(macro_state) if isinstance(macro_state, (int, np.integer)) else pi.macro_index(macro_state)
        if not self.defined[k]:
            raise RealizationError(None, f"realization.{pi.macro_states[k]}",
                                   "a macro state for which the family has a realization", "none defined")
        return {pi.micro_states[i]: float(self.weights[i]) for i in pi.fibre(k)}

    def to_mapping(self) -> dict[str, dict[str, float]]:
        """``{macro state: {micro state: probability}}`` for the defined macro states."""
        pi = self.coarsening
        return {pi.macro_states[k]: self.distribution(k) for k in np.flatnonzero(self.defined)}
