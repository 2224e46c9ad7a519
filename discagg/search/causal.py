"""The causal partition (Chalupka, Perona and Eberhardt's causal feature learning), computed exactly.

Two micro states ``x, x'`` of the cause are *causally equivalent* when their
interventions have the same effect on the macro effect:
``P(Ȳ | do(X = x)) = P(Ȳ | do(X = x'))``. The classes of this relation form the
*causal partition* of the cause: a coarsening in which ``do(x̄)`` has one
meaning whatever micro-realization carries it out (every fibre's reachable set
``P(Ȳ | do(x̄))`` is a single point, ambiguity 0). Every coarsening with
ambiguity 0 refines it, and it has the fewest macro states among them: it is
the coarsest unambiguous macro variable (Chalupka et al.'s "causal coarsening"
of X relative to Ȳ), found without any search.

**Equality within the tolerance policy, as an equivalence relation.** Floating
point rows that are mathematically equal may differ in their last bits, so two
rows are *linked* when ``max_ȳ |P(ȳ | do(x)) − P(ȳ | do(x'))|`` is at most
``tolerance.equality``, and the classes are the connected components of the
links (single linkage: the transitive closure, hence an equivalence relation;
exactly equal rows are always in one class). Each class's *width* (the largest
range of ``P(Ȳ = ȳ | do(X = x))`` over its members) is reported: when every width
is within the tolerance (``clean``), the classes are exactly the causal
partition under the tolerance policy: every unambiguous coarsening's fibres
lie inside classes (their rows are pairwise linked) and the classes are
themselves unambiguous. A chain of near-equal rows could make a class wider
than the tolerance; then ``clean`` is false and the output says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from discagg.core.arrays import readonly, readonly_float
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["CausalPartition", "causal_labels", "causal_partition"]


def causal_labels(rows: np.ndarray, equality: float) -> tuple[np.ndarray, np.ndarray]:
    """Classes of rows linked by ``max |difference| <= equality`` (connected components), and their widths.

    Parameters
    ----------
    rows : (m, d) ndarray
    equality : float

    Returns
    -------
    labels : (m,) int ndarray
        Classes numbered in the order of their first row.
    widths : (C,) ndarray
        ``max_j (max − min)`` of each class's rows.

    Examples
    --------
    >>> labels, widths = causal_labels(np.array([[0.5, 0.5], [1.0, 0.0], [0.5, 0.5 + 1e-17]]), 1e-9)
    >>> labels.tolist(), widths.tolist()
    ([0, 1, 0], [0.0, 0.0])
    """
    rows = np.asarray(rows, dtype=np.float64)
    unique, inverse = np.unique(rows, axis=0, return_inverse=True)
    inverse = np.asarray(inverse).ravel()
    if unique.shape[0] > 1:
        from scipy.sparse import coo_matrix
        from scipy.sparse.csgraph import connected_components
        from scipy.spatial import cKDTree

        pairs = cKDTree(unique).query_pairs(equality, p=np.inf, output_type="ndarray")
        u = unique.shape[0]
        graph = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(u, u))
        components = connected_components(graph, directed=False)[1]
    else:
        components = np.zeros(unique.shape[0], dtype=np.intp)
    raw = components[inverse]
    _, first = np.unique(raw, return_index=True)
    order = np.argsort(first)
    relabel = np.empty(len(first), dtype=np.intp)
    relabel[order] = np.arange(len(first))
    labels = relabel[raw]
    widths = np.zeros(len(first))
    for c in range(len(first)):
        block = rows[labels == c]
        widths[c] = float((block.max(axis=0) - block.min(axis=0)).max())
    return labels, widths


@dataclass(frozen=True, eq=False)
class CausalPartition:
    """The causal partition of a cause relative to a coarsened effect.

    Attributes
    ----------
    model, cause, effect : str
    micro_states : tuple of str
        The cause's micro states (joint states for a group).
    labels : (``|X|``,) int ndarray, read-only
        The class of each micro state, numbered in the order of their first member.
    widths : (C,) ndarray, read-only
        Each class's largest range of ``P(Ȳ = ȳ | do(X = x))`` over its members.
    kernel : (C, ``|Ȳ|``) ndarray, read-only
        ``P(Ȳ | do(x̄))`` of each class (its first member's row).
    effect_states : tuple of str
    tolerance : Tolerance
    """

    model: str
    cause: str
    effect: str
    micro_states: tuple[str, ...] = field(repr=False)
    labels: np.ndarray = field(repr=False)
    widths: np.ndarray = field(repr=False)
    kernel: np.ndarray = field(repr=False)
    effect_states: tuple[str, ...] = field(repr=False)
    tolerance: Tolerance = field(default=DEFAULT_TOLERANCE, repr=False)

    @property
    def n_classes(self) -> int:
        """Number of classes: the fewest macro states of an unambiguous coarsening."""
        return int(self.widths.shape[0])

    @property
    def clean(self) -> bool:
        """Every class's width is within the equality tolerance (see the module docstring)."""
        return bool((self.widths <= self.tolerance.equality).all())

    def to_mapping(self) -> dict[str, list[str]]:
        """``{class: [micro states]}``, the classes named ``c0, c1, ...`` (a macro map for a model file)."""
        out: dict[str, list[str]] = {f"c{c}": [] for c in range(self.n_classes)}
        for state, label in zip(self.micro_states, self.labels.tolist()):
            out[f"c{label}"].append(state)
        return out

    def to_dict(self) -> dict[str, Any]:
        """``{"model", "cause", "effect", "classes", "clean", "macro", "kernel", "widths", "micro_states"}``.

        ``micro_states`` are the cause's, in order (``macro`` lists them class by class).
        """
        return {"model": self.model, "cause": self.cause, "effect": self.effect, "classes": self.n_classes,
                "clean": self.clean, "macro": self.to_mapping(),
                "kernel": {f"c{c}": {y: float(v) for y, v in zip(self.effect_states, row)}
                           for c, row in enumerate(self.kernel)},
                "widths": {f"c{c}": float(w) for c, w in enumerate(self.widths)},
                "micro_states": list(self.micro_states)}

    def __eq__(self, other: object) -> bool:
        """Equal names, classes, kernels, widths and tolerance."""
        if not isinstance(other, CausalPartition):
            return NotImplemented
        return ((self.model, self.cause, self.effect, self.micro_states, self.effect_states, self.tolerance)
                == (other.model, other.cause, other.effect, other.micro_states, other.effect_states, other.tolerance)
                and all(np.array_equal(a, b) for a, b in ((self.labels, other.labels), (self.widths, other.widths),
                                                            (self.kernel, other.kernel))))

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        """The text ``discagg coarsen --causal-partition`` prints (without ``--out``)."""
        from discagg.report.coarsen import render_causal

        return render_causal(self)

    def _repr_html_(self) -> str:
        from discagg.report.coarsen import causal_html

        return causal_html(self)

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> CausalPartition:
        """The partition whose :meth:`to_dict` (``coarsen --causal-partition --json``) is ``document``.

        The tolerance is not in the document: it reads back as the default, and ``clean`` must agree with it.

        Raises
        ------
        ModelError
            Naming the key path of the first entry that is not as :meth:`to_dict` writes it.
        """
        from discagg.search.saved import causal_partition_from_dict

        return causal_partition_from_dict(document)

    def __repr__(self) -> str:
        return (f"CausalPartition(cause={self.cause!r}, effect={self.effect!r}, micro_states={len(self.micro_states)}, "
                f"classes={self.n_classes}, clean={self.clean})")


def causal_partition(source: Any, cause: str | None = None, effect: str | None = None, *,
                     tolerance: Tolerance = DEFAULT_TOLERANCE) -> CausalPartition:
    """The causal partition of the cause's micro states relative to the coarsened effect.

    Parameters
    ----------
    source : CausalModel or Aggregation
        As :func:`~discagg.core.aggregation.as_aggregation` takes it; the
        cause's own macro map plays no part (only ``π_Y`` does).
    cause, effect : str, optional
        As every command takes them; the cause may be a group written without a
        map (``"Raf,Mek"``).
    tolerance : Tolerance

    Returns
    -------
    CausalPartition

    Examples
    --------
    >>> from discagg import load_model
    >>> part = causal_partition(load_model("example:cholesterol"))
    >>> part.n_classes, part.clean
    (4, True)
    """
    from discagg.core.aggregation import Aggregation, as_aggregation
    from discagg.search.maps import select_cause

    if not isinstance(source, Aggregation):
        source, cause = select_cause(source, cause)
    agg = as_aggregation(source, cause, effect, tolerance=tolerance)
    rows = agg.macro_kernel
    labels, widths = causal_labels(rows, agg.tolerance.equality)
    firsts = np.array([int(np.flatnonzero(labels == c)[0]) for c in range(len(widths))], dtype=np.intp)
    return CausalPartition(agg.model.name, agg.cause, agg.effect, agg.cause_map.micro_states, readonly(labels),
                           readonly_float(widths), readonly_float(rows[firsts]), agg.effect_map.macro_states,
                           agg.tolerance)
