"""Coarsenings: partitions of a node's micro states into named macro states.

A coarsening ``π`` of a node with micro states ``s_0, ..., s_{n-1}`` assigns
each micro state to exactly one named macro state; every macro state has at
least one member. The *fibre* of a macro state ``x̄`` is ``π⁻¹(x̄)``, the set of
micro states mapped to it, always listed in the node's micro-state order.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from discagg.core.arrays import readonly
from discagg.errors import CoarseningWarning, ModelError, describe, preview
from discagg.report.short import fit, listing, quoted

__all__ = ["Coarsening"]

_BLOCK_BYTES = 1 << 25
"""Largest gathered copy :meth:`Coarsening.push_forward` makes at once (32 MiB), unless one fibre is larger."""

if TYPE_CHECKING:
    import scipy.sparse as sp


def _partition_from_mapping(node: str, micro_states: tuple[str, ...], mapping: object, path: str
                            ) -> tuple[np.ndarray, tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Check that ``mapping`` partitions ``micro_states`` into non-empty macro states.

    Returns the macro index of every micro state, the macro states and each one's members.
    """
    if not isinstance(mapping, Mapping) or not mapping:
        raise ModelError(None, path, "a non-empty object mapping macro states to lists of micro states",
                         describe(mapping))
    index = dict(zip(micro_states, range(len(micro_states))))
    assignment = np.full(len(micro_states), -1, dtype=np.intp)
    listed: list[np.ndarray] = []
    macro_states: list[str] = []
    members: list[tuple[str, ...]] = []
    for k, (macro, group) in enumerate(mapping.items()):
        where = f"{path}.{macro}"
        if not isinstance(macro, str) or not macro:
            raise ModelError(None, path, "macro state names that are non-empty strings", repr(macro))
        if isinstance(group, (str, bytes)) or not isinstance(group, Sequence):
            raise ModelError(None, where, "a list of micro states of node " + repr(node), describe(group))
        if len(group) == 0:
            raise ModelError(None, where, "a non-empty list of micro states (every macro state needs a member)",
                             "[]")
        try:  # one dict lookup per micro state; the checks below are vectorised
            ids = np.fromiter(map(index.__getitem__, group), dtype=np.intp, count=len(group))
        except (KeyError, TypeError):
            j = next(j for j, micro in enumerate(group) if not isinstance(micro, str) or micro not in index)
            raise ModelError(None, f"{where}[{j}]", f"a state of node {node!r} {preview(micro_states)}",
                             repr(group[j])) from None
        assignment[ids] = k  # a micro state listed twice is caught below, from the counts
        listed.append(ids)
        macro_states.append(macro)
        members.append(tuple(group))
    if np.bincount(np.concatenate(listed), minlength=len(micro_states)).max(initial=0) > 1:
        _raise_listed_twice(mapping, path)
    missing = [micro_states[i] for i in np.flatnonzero(assignment == -1)]
    if missing:
        raise ModelError(None, path, "every micro state in exactly one macro state",
                         f"{missing} in none")
    return assignment, tuple(macro_states), tuple(members)


def _raise_listed_twice(mapping: Mapping[str, Sequence[str]], path: str) -> None:
    """Name the first micro state listed a second time (in declaration order) and where it was first."""
    first: dict[str, str] = {}
    for macro, group in mapping.items():
        for j, micro in enumerate(group):
            if micro in first:
                raise ModelError(None, f"{path}.{macro}[{j}]", "every micro state in exactly one macro state",
                                 f"{micro!r} also in macro state {first[micro]!r}")
            first[micro] = macro


@dataclass(frozen=True, eq=False)
class Coarsening:
    """A partition of one node's micro states into named macro states.

    Build one with :meth:`from_mapping`, which validates the partition.

    Attributes
    ----------
    node : str
        The node whose states are coarsened.
    micro_states : tuple of str, length n
        The node's micro states, in the node's order.
    macro_states : tuple of str, length k
        The macro states, in declaration order.
    members : tuple of tuple of str, length k
        The micro states of each macro state, as declared (kept for saving);
        for a coarsening built :meth:`from_assignment`, in micro-state order,
        formed on first use (a million names take a tenth of a second).
    assignment : (n,) ndarray of int, read-only
        ``assignment[i]`` is the index of the macro state of micro state ``i``.

    Examples
    --------
    >>> pi = Coarsening.from_mapping("X", ["x0", "x1", "x2"],
    ...                              {"low": ["x0", "x1"], "high": ["x2"]})
    >>> pi.assignment
    array([0, 0, 1])
    >>> pi.fibre("low")
    array([0, 1])
    >>> pi.push_forward([0.2, 0.3, 0.5])
    array([0.5, 0.5])
    >>> pi
    Coarsening(node='X', 3 micro -> 2 macro states: low, high)
    """

    node: str
    micro_states: tuple[str, ...]
    macro_states: tuple[str, ...]
    declared: tuple[tuple[str, ...], ...] | None = field(repr=False)
    """The members as declared by :meth:`from_mapping`; None when they are the fibres in micro-state order."""
    assignment: np.ndarray = field(repr=False)

    @classmethod
    def from_mapping(
        cls,
        node: str,
        micro_states: Sequence[str],
        mapping: Mapping[str, Sequence[str]],
        *,
        path: str | None = None,
    ) -> "Coarsening":
        """Validate and build a coarsening from ``{macro state: [micro states]}``.

        Parameters
        ----------
        node : str
            Name of the coarsened node.
        micro_states : sequence of str
            The node's micro states, in order.
        mapping : mapping of str to sequence of str
            Each macro state's members.
        path : str, optional
            Key path used in error messages (default ``"macro.<node>"``).

        Returns
        -------
        Coarsening

        Raises
        ------
        ModelError
            If ``mapping`` is not a partition of ``micro_states`` into non-empty
            macro states, or names an unknown micro state.

        Warns
        -----
        CoarseningWarning
            If the coarsening merges no micro states (every fibre is a single
            state); the paper's Definition 2 asks for non-injective maps.
        """
        path = path if path is not None else f"macro.{node}"
        micro_states = tuple(micro_states)
        assignment, macro_states, members = _partition_from_mapping(node, micro_states, mapping, path)
        if len(macro_states) == len(micro_states):
            warnings.warn(
                f"{path}: the coarsening of node {node!r} merges no micro states "
                "(the paper's Definition 2 asks for a non-injective map)",
                CoarseningWarning,
                stacklevel=2,
            )
        return cls(node, micro_states, macro_states, members, readonly(assignment))

    @classmethod
    def from_assignment(
        cls, node: str, micro_states: Sequence[str], macro_states: Sequence[str], assignment: np.ndarray
    ) -> "Coarsening":
        """Build a coarsening from the macro index of every micro state (fast for large spaces).

        Raises
        ------
        ModelError
            If an index is out of range or a macro state gets no micro state.
        """
        assignment = np.asarray(assignment, dtype=np.intp).copy()
        micro_states, macro_states = tuple(micro_states), tuple(macro_states)
        if assignment.shape != (len(micro_states),) or (assignment < 0).any() or (
                assignment >= len(macro_states)).any():
            raise ModelError(None, f"macro.{node}", f"a macro index in [0, {len(macro_states)}) for each of the "
                             f"{len(micro_states)} micro states", f"shape {assignment.shape}")
        counts = np.bincount(assignment, minlength=len(macro_states))
        if (counts == 0).any():
            empty = [macro_states[k] for k in np.flatnonzero(counts == 0)]
            raise ModelError(None, f"macro.{node}", "every macro state non-empty", f"{empty} empty")
        return cls(node, micro_states, macro_states, None, readonly(assignment))

    def __repr__(self) -> str:
        return fit(lambda width: f"Coarsening(node={quoted(self.node, width)}, {self.n_micro} micro -> "
                   f"{self.n_macro} macro states: {listing(self.macro_states, width + 8)})")

    @property
    def n_micro(self) -> int:
        """Number of micro states."""
        return len(self.micro_states)

    @property
    def n_macro(self) -> int:
        """Number of macro states."""
        return len(self.macro_states)

    @property
    def merges_nothing(self) -> bool:
        """True when every fibre holds exactly one micro state."""
        return self.n_macro == self.n_micro

    def macro_index(self, macro_state: str) -> int:
        """Index of ``macro_state``; raises :class:`ModelError` if unknown."""
        try:
            return self.macro_states.index(macro_state)
        except ValueError:
            raise ModelError(None, f"macro.{self.node}",
                             f"one of the macro states {preview(self.macro_states)}",
                             repr(macro_state)) from None

    @cached_property
    def members(self) -> tuple[tuple[str, ...], ...]:
        """The micro states of each macro state: as declared, or the fibres in micro-state order."""
        if self.declared is not None:
            return self.declared
        # One gather in C (an object array of the names, indexed by the order): twice as fast as a
        # Python loop over a million names, whose random accesses miss the cache.
        order, starts = self._order
        names = np.array(self.micro_states, dtype=object)
        ordered = names if order is None else names[order]
        bounds = np.append(starts, self.n_micro).tolist()
        return tuple(tuple(ordered[bounds[k]:bounds[k + 1]].tolist()) for k in range(self.n_macro))

    @cached_property
    def _order(self) -> tuple[np.ndarray | None, np.ndarray]:
        """The micro states sorted by macro state (None when already sorted) and where each fibre starts."""
        order = np.argsort(self.assignment, kind="stable")
        starts = np.searchsorted(self.assignment[order], np.arange(self.n_macro))
        monotone = bool((np.diff(self.assignment) >= 0).all())
        return (None if monotone else readonly(order)), readonly(starts)

    @cached_property
    def _fibres(self) -> tuple[np.ndarray, ...]:
        order, starts = self._order
        order = np.arange(self.n_micro) if order is None else order
        bounds = np.append(starts, self.n_micro)
        return tuple(readonly(order[bounds[k]:bounds[k + 1]].copy()) for k in range(self.n_macro))

    def fibre(self, macro_state: str | int) -> np.ndarray:
        """Micro-state indices of the fibre ``π⁻¹(x̄)``, in micro-state order.

        Parameters
        ----------
        macro_state : str or int
            The macro state, by name or index.

        Returns
        -------
        (m,) ndarray of int, read-only
        """
        k = macro_state if isinstance(macro_state, (int, np.integer)) else self.macro_index(macro_state)
        return self._fibres[int(k)]

    @cached_property
    def aggregation_matrix(self) -> sp.csr_matrix:
        """Sparse 0/1 matrix ``A`` of shape (k, n) with ``A[π(i), i] = 1`` (scipy is imported on first use).

        ``A @ v`` sums a micro vector (or the rows of a micro matrix) over each
        fibre, as :meth:`push_forward` does.
        """
        import scipy.sparse as sp

        n = self.n_micro
        return sp.csr_matrix(
            (np.ones(n), (self.assignment, np.arange(n))), shape=(self.n_macro, n)
        )

    def push_forward(self, p: np.ndarray | Sequence[float], axis: int = -1, *,
                     weights: np.ndarray | None = None) -> np.ndarray:
        """Sum an array over each fibre along ``axis`` (the push-forward ``π_*``).

        Parameters
        ----------
        p : array-like, with ``p.shape[axis] == n``
            E.g. a distribution over micro states, or a stack of them. An object
            array of Fractions is summed exactly.
        axis : int
            The micro-state axis.
        weights : (n,) ndarray, optional
            Multiply the slice of each micro state by its weight first (e.g. a
            realization's weights times the kernel's rows), without forming the
            weighted array; micro states of weight zero are not read (each
            fibre's sum is over the others, in micro-state order).

        Returns
        -------
        ndarray, with that axis of length k

        Examples
        --------
        >>> c = Coarsening.from_mapping("X", ["a", "b", "c"], {"A": ["a", "c"], "B": ["b"]})
        >>> c.push_forward(np.array([0.2, 0.3, 0.5]))
        array([0.7, 0.3])
        >>> c.push_forward(np.eye(3), axis=0, weights=np.array([0.5, 1.0, 0.5]))
        array([[0.5, 0. , 0.5],
               [0. , 1. , 0. ]])
        """
        p = np.asarray(p)
        exact = p.dtype == object  # Fractions: sum each fibre, keeping exact values
        if not exact:
            p = p.astype(np.float64, copy=False)
        moved = np.moveaxis(p, axis, 0)
        if moved.shape[0] != self.n_micro:
            raise ValueError(
                f"push_forward: axis {axis} has length {moved.shape[0]}, expected {self.n_micro} "
                f"micro states of node {self.node!r}"
            )
        axis = axis % p.ndim
        if weights is not None:
            weights = np.asarray(weights)
            if weights.shape != (self.n_micro,):
                raise ValueError(f"push_forward: weights of shape {weights.shape}, expected ({self.n_micro},)")
        if exact:
            scaled = moved if weights is None else moved * weights.reshape((-1,) + (1,) * (moved.ndim - 1))
            summed = np.stack([scaled[self.fibre(k)].sum(axis=0) for k in range(self.n_macro)])
            return np.moveaxis(summed, 0, axis)
        # Each fibre summed in micro-state order, as a sparse 0/1 product would, without scipy, along
        # the axis itself (the result is then C-ordered as it stands). Contiguous fibres without weights
        # need no copy; otherwise the micro states are gathered (and weighted) a block of whole fibres
        # at a time, so that no copy larger than _BLOCK_BYTES (or one fibre) is ever made.
        order, starts = self._order
        if order is None and weights is None:
            return np.add.reduceat(p, starts, axis=axis)
        row_bytes = max(1, p.nbytes // max(1, self.n_micro))
        bounds = np.append(starts, self.n_micro)
        out_shape = p.shape[:axis] + (self.n_macro,) + p.shape[axis + 1:]
        out = np.zeros(out_shape, dtype=np.float64)
        first = 0
        while first < self.n_macro:
            last = first + 1  # the fibres [first, last) form one block
            while last < self.n_macro and (bounds[last + 1] - bounds[first]) * row_bytes <= _BLOCK_BYTES:
                last += 1
            rows = slice(int(bounds[first]), int(bounds[last]))
            index = np.arange(rows.start, rows.stop) if order is None else order[rows]
            segments = bounds[first:last] - bounds[first]
            targets = np.arange(first, last)
            if weights is not None:
                # A micro state of weight zero is skipped: its slice would add 0 to its fibre's sum. Only
                # the others are read, in micro-state order, as mixture() in the gap LP sums a support.
                keep = weights[index] != 0
                if not keep.all():
                    fibre_of = np.repeat(np.arange(last - first), np.diff(np.append(segments, len(index))))[keep]
                    index = index[keep]
                    if index.size == 0:
                        first = last
                        continue
                    starts_kept = np.flatnonzero(np.r_[True, fibre_of[1:] != fibre_of[:-1]])
                    segments, targets = starts_kept, first + fibre_of[starts_kept]
            block = np.take(p, index, axis=axis)
            if weights is not None:
                block *= weights[index].reshape((-1,) + (1,) * (p.ndim - axis - 1))
            sums = np.add.reduceat(block, segments, axis=axis)
            out[(slice(None),) * axis + (targets,)] = sums
            first = last
        return out

    def to_mapping(self) -> dict[str, list[str]]:
        """The ``{macro state: [micro states]}`` mapping, as declared."""
        return {macro: list(group) for macro, group in zip(self.macro_states, self.members)}

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Coarsening):
            return NotImplemented
        # Equal members (as declared) imply equal assignments; equal assignments imply equal members
        # unless one side declared its own order within a macro state.
        return self is other or (
            self.node == other.node
            and self.micro_states == other.micro_states
            and self.macro_states == other.macro_states
            and np.array_equal(self.assignment, other.assignment)
            and (self.declared is None and other.declared is None or self.members == other.members)
        )

    def __hash__(self) -> int:
        # consistent with == : equal coarsenings have equal assignments
        return hash((self.node, self.micro_states, self.macro_states, self.assignment.tobytes()))

