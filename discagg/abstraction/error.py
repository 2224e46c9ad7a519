"""The abstraction error of value maps between a micro and a macro model, exactly.

For each pair ``(S̄, T̄)`` and every micro intervention ``s`` on ``S = a⁻¹(S̄)``
the abstraction diagram has two paths,

.. math::

    \\alpha_{T*} P_{micro}(T \\mid do(S = s)) \\quad\\text{and}\\quad
    P_{macro}(\\bar T \\mid do(\\bar S = \\alpha_S(s))),

and the error of the intervention is their distance: the Jensen–Shannon
divergence in bits (``jsd``) or the total variation (``tv``). A pair's error is
the largest over its micro interventions, the overall error the largest over
the pairs (Rischel and Weichwald's abstraction error; Zennaro et al.'s
``evaluate_overall_abstraction_error`` with their metric, the Jensen–Shannon
distance in nats, is ``sqrt(ln 2 · jsd)`` of this). Both kernels are exact given
the CPTs (:mod:`discagg.abstraction.kernels`).

Without macro CPTs (``macro=None``, or ``mechanism="best"``), each pair gets the
macro mechanism that minimises its worst-case error
(:mod:`discagg.abstraction.mechanism`): the error is then a lower bound on the
error of every macro model over the same macro variables, and zero exactly when
the maps are an exact transformation for these interventions.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from discagg.abstraction.kernels import PairKernels, joint_image, pair_kernels, push_rows
from discagg.abstraction.mechanism import BestMechanism, best_mechanism
from discagg.abstraction.metrics import BASES, METRICS, check_metric, distance
from discagg.core.abstraction import AbstractionMap, AbstractionSpec, Pair, check_pairs, default_pairs
from discagg.core.arrays import equal_fields, readonly_float
from discagg.core.model import CausalModel
from discagg.errors import ModelError
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["METRICS", "PairError", "AbstractionError", "abstraction_error", "evaluate_pair", "resolve_inputs"]

@dataclass(frozen=True, eq=False)
class PairError:
    """The error of one pair, per micro intervention.

    Attributes
    ----------
    pair : Pair
    micro_sources : tuple of str
        The intervened micro nodes ``a⁻¹(S̄)``.
    source_states : tuple of tuple of str
        Their states (to name an intervention).
    macro_source_states, macro_target_states : tuple of tuple of str
        The states of the macro sources and targets.
    distances : (n_s,) ndarray, read-only
        The distance for each micro intervention (joint states in C order).
    tv : (n_s,) ndarray, read-only
        The total-variation distance for each (decides exactness whatever the metric).
    macro_interventions : (n_s,) int ndarray, read-only
        ``α_S(s)``, as an index into the joint macro source states.
    mechanism : BestMechanism or None
        The best mechanism, when it replaced the macro model's.
    """

    pair: Pair
    micro_sources: tuple[str, ...]
    source_states: tuple[tuple[str, ...], ...] = field(repr=False)
    macro_source_states: tuple[tuple[str, ...], ...] = field(repr=False)
    macro_target_states: tuple[tuple[str, ...], ...] = field(repr=False)
    distances: np.ndarray = field(repr=False)
    tv: np.ndarray = field(repr=False)
    macro_interventions: np.ndarray = field(repr=False)
    mechanism: BestMechanism | None = field(default=None, repr=False)

    @property
    def error(self) -> float:
        """The largest distance over the micro interventions."""
        return float(self.distances.max())

    @property
    def argmax_index(self) -> int:
        """The (first) micro intervention attaining the error."""
        return int(self.distances.argmax())

    def intervention(self, index: int) -> dict[str, str]:
        """Micro intervention ``index`` as ``{micro node: state}``."""
        cards = tuple(len(s) for s in self.source_states)
        digits = np.unravel_index(index, cards)
        return {n: states[int(i)] for n, states, i in zip(self.micro_sources, self.source_states, digits)}

    def macro_intervention(self, index: int) -> dict[str, str]:
        """``α_S`` of micro intervention ``index``, as ``{macro node: state}``."""
        cards = tuple(len(s) for s in self.macro_source_states)
        digits = np.unravel_index(int(self.macro_interventions[index]), cards)
        return {n: states[int(i)] for n, states, i in zip(self.pair.sources, self.macro_source_states, digits)}

    @property
    def argmax(self) -> dict[str, str]:
        """The micro intervention attaining the error, ``{micro node: state}``."""
        return self.intervention(self.argmax_index)

    def __eq__(self, other: object) -> bool:
        """Equal in every field (arrays entry by entry)."""
        if not isinstance(other, PairError):
            return NotImplemented
        return equal_fields(self, other)

    __hash__ = None  # type: ignore[assignment]  # unhashable; typeshed types __hash__ as a method

    def to_dict(self) -> dict[str, Any]:
        """The pair's entry of the ``--json`` document.

        ``source_states`` (the micro sources and their states), and
        ``macro_source_states`` / ``macro_target_states`` (the macro states in
        their declared order) are what reading it back needs; with a best
        mechanism, ``mechanism_bounds`` holds its certificate per macro source
        state (``error``, ``lower_bound``, ``tv_radius``).
        """
        doc: dict[str, Any] = {"sources": list(self.pair.sources), "targets": list(self.pair.targets),
                               "error": self.error, "argmax": self.argmax,
                               "argmax_macro": self.macro_intervention(self.argmax_index),
                               "max_tv": float(self.tv.max()),
                               "interventions": [{"micro": self.intervention(i), "macro": self.macro_intervention(i),
                                                  "distance": float(d), "tv": float(t)}
                                                 for i, (d, t) in enumerate(zip(self.distances, self.tv))]}
        doc["source_states"] = {n: list(states) for n, states in zip(self.micro_sources, self.source_states)}
        doc["macro_source_states"] = {n: list(states) for n, states in zip(self.pair.sources,
                                                                            self.macro_source_states)}
        doc["macro_target_states"] = {n: list(states) for n, states in zip(self.pair.targets,
                                                                            self.macro_target_states)}
        if self.mechanism is not None:
            m = self.mechanism
            doc["lower_bound"] = m.lower_bound
            doc["mechanism"] = self.mechanism_table()
            doc["mechanism_bounds"] = {s: {"error": float(e), "lower_bound": float(b), "tv_radius": float(r)}
                                       for s, e, b, r in zip(doc["mechanism"], m.errors, m.lower_bounds, m.tv_radius)}
        return doc

    def mechanism_table(self) -> dict[str, dict[str, float]]:
        """The best mechanism as ``{macro source state: {macro target state: p}}`` (joint states joined by commas)."""
        if self.mechanism is None:
            raise ValueError("this pair was compared with the macro model's mechanism")
        sources = [",".join(c) for c in itertools.product(*self.macro_source_states)]
        targets = [",".join(c) for c in itertools.product(*self.macro_target_states)]
        return {s: {t: float(p) for t, p in zip(targets, row)} for s, row in zip(sources, self.mechanism.kernel)}


@dataclass(frozen=True, eq=False)
class AbstractionError:
    """The abstraction error of value maps: per micro intervention, per pair and overall.

    Attributes
    ----------
    metric : {"jsd", "tv"}
    pairs : tuple of PairError
    mechanism : {"model", "best"}
        The macro model's mechanisms, or the best mechanism of each pair.
    tolerance : Tolerance
    micro_name : str
        The micro model's name.
    macro_name : str or None
        The macro model's name (None without a macro model: the macro states are the maps').
    """

    metric: str
    pairs: tuple[PairError, ...]
    mechanism: str = "model"
    tolerance: Tolerance = field(default=DEFAULT_TOLERANCE, repr=False)
    micro_name: str = field(default="", repr=False)
    macro_name: str | None = field(default=None, repr=False)

    def __str__(self) -> str:
        """The text ``discagg abstraction`` prints (without ``--per-intervention``)."""
        from discagg.report.abstraction import render_error

        return render_error(self)

    def _repr_html_(self) -> str:
        from discagg.report.abstraction import error_html

        return error_html(self)

    @property
    def base(self) -> float | None:
        """The logarithm base of the metric (2 for ``jsd``: bits)."""
        return BASES[self.metric]

    @property
    def overall(self) -> float:
        """The largest error over the pairs."""
        return max(p.error for p in self.pairs)

    @property
    def argmax_pair(self) -> PairError:
        """The (first) pair attaining the overall error."""
        return max(self.pairs, key=lambda p: p.error)

    @property
    def exact(self) -> bool:
        """Every diagram commutes (total variation within ``tolerance.equality`` for every intervention).

        With the best mechanism: some macro mechanism makes them all commute,
        an exact transformation for these interventions.
        """
        if self.mechanism == "best":
            return all(p.mechanism is not None and p.mechanism.exact for p in self.pairs)
        return all(float(p.tv.max()) <= self.tolerance.equality for p in self.pairs)

    def to_dict(self) -> dict[str, Any]:
        """``{"metric", "base", "overall", "exact", "mechanism", "pairs": [...], "micro_name", "macro_name"}``.

        The ``--json`` document; :meth:`from_dict` reads it back.
        """
        return {"metric": self.metric, "base": self.base, "overall": self.overall, "exact": self.exact,
                "mechanism": self.mechanism, "pairs": [p.to_dict() for p in self.pairs],
                "micro_name": self.micro_name, "macro_name": self.macro_name}

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> AbstractionError:
        """The error whose :meth:`to_dict` (``discagg abstraction --json``) is ``document``.

        The tolerance is not written: it reads back as the default, and the
        document's ``exact`` must agree with it.

        Raises
        ------
        ModelError
            Naming the key path of the first entry that is not as :meth:`to_dict` writes it.
        """
        from discagg.abstraction.saved import abstraction_error_from_dict

        return abstraction_error_from_dict(document)

    def __eq__(self, other: object) -> bool:
        """Equal in every field (the pairs' arrays entry by entry)."""
        if not isinstance(other, AbstractionError):
            return NotImplemented
        return equal_fields(self, other)

    __hash__ = None  # type: ignore[assignment]  # unhashable; typeshed types __hash__ as a method

    def __repr__(self) -> str:
        return (f"AbstractionError(metric={self.metric!r}, overall={self.overall:.6g}, exact={self.exact}, "
                f"pairs={len(self.pairs)}, mechanism={self.mechanism!r})")


def evaluate_pair(kernels: PairKernels, mapping: AbstractionMap, metric: str, *, best: bool = False,
                  tolerance: Tolerance = DEFAULT_TOLERANCE) -> PairError:
    """The error of one pair under ``mapping``, from its precomputed kernels.

    Parameters
    ----------
    kernels : PairKernels
    mapping : AbstractionMap
    metric : {"jsd", "tv"}
    best : bool
        Use the best macro mechanism instead of ``kernels.macro``.
    """
    pair = kernels.pair
    sources = [mapping.variables[m] for m in pair.sources]
    targets = [mapping.variables[m] for m in pair.targets]
    upper = push_rows(kernels.micro, joint_image([v.image for v in targets], [v.n_macro for v in targets]),
                      int(np.prod([v.n_macro for v in targets])))
    src = joint_image([v.image for v in sources], [v.n_macro for v in sources])
    n_macro = int(np.prod([v.n_macro for v in sources]))
    mechanism = None
    if best or kernels.macro is None:
        mechanism = best_mechanism(upper, src, n_macro, metric, tolerance=tolerance)
        lower = mechanism.kernel[src]
    else:
        lower = kernels.macro[src]
    micro_states = tuple(states for v in sources for states in v.node_states)
    return PairError(pair, kernels.micro_sources, micro_states, tuple(v.states for v in sources),
                     tuple(v.states for v in targets),
                     readonly_float(distance(metric, upper, lower)), readonly_float(distance("tv", upper, lower)),
                     _readonly_int(src), mechanism)


def _readonly_int(array: np.ndarray) -> np.ndarray:
    array = np.asarray(array, dtype=np.intp).copy()
    array.setflags(write=False)
    return array


def resolve_inputs(micro: CausalModel | str | os.PathLike[str], macro: CausalModel | str | os.PathLike[str] | None,
                   mapping: AbstractionMap | AbstractionSpec | str | os.PathLike[str], *, require_maps: bool = True
                   ) -> tuple[CausalModel, CausalModel | None, AbstractionSpec]:
    """Load what is given by name (``scenario:NAME``, a file, any MODEL form) and check the nodes.

    Raises
    ------
    ModelError
    """
    from discagg.io.abstraction_format import load_abstraction_spec, load_role_model

    if not isinstance(micro, CausalModel):
        micro = load_role_model(micro, "micro")
    if macro is not None and not isinstance(macro, CausalModel):
        macro = load_role_model(macro, "macro")
    if isinstance(mapping, AbstractionMap):
        spec = mapping.spec()
    elif isinstance(mapping, AbstractionSpec):
        spec = mapping
    else:
        spec = load_abstraction_spec(mapping, require_maps=require_maps)
    spec.check_nodes(micro, macro)
    return micro, macro, spec


def abstraction_error(micro: CausalModel | str | os.PathLike[str],
                      macro: CausalModel | str | os.PathLike[str] | None,
                      mapping: AbstractionMap | AbstractionSpec | str | os.PathLike[str],
                      pairs: Sequence[Pair] | None = None, metric: str = "jsd", *, mechanism: str | None = None,
                      tolerance: Tolerance = DEFAULT_TOLERANCE) -> AbstractionError:
    """The abstraction error of ``mapping`` from ``micro`` to ``macro``, exactly.

    Parameters
    ----------
    micro : CausalModel or str
        The micro model, or where to load it from (any MODEL form, or
        ``scenario:NAME`` for a shipped scenario's micro model).
    macro : CausalModel or str or None
        The macro model; None for the best macro mechanism of each pair (the
        macro states are then the ones the maps produce).
    mapping : AbstractionMap, AbstractionSpec or str
        The value maps, or a ``discagg/abstraction-v1`` file (``scenario:NAME``).
    pairs : sequence of Pair, optional
        Default: every ordered pair of macro nodes joined by a directed path in
        the macro DAG (in the micro DAG without a macro model).
    metric : {"jsd", "tv"}
        Jensen–Shannon divergence in bits, or total variation.
    mechanism : {"model", "best"}, optional
        Compare with the macro model's mechanisms (default when ``macro`` is
        given) or with each pair's best mechanism (the macro model then only
        fixes the macro states and the default pairs).
    tolerance : Tolerance
        Decides exactness.

    Returns
    -------
    AbstractionError

    Raises
    ------
    ModelError
        Bad maps or pairs, unknown nodes, or a kernel beyond the size limit.

    Examples
    --------
    >>> err = abstraction_error("scenario:basic", "scenario:basic", "scenario:basic")
    >>> err.overall < 1e-12, err.exact          # the basic scenario's true maps are exact
    (True, True)
    >>> err = abstraction_error("scenario:collapsing", "scenario:collapsing", "scenario:collapsing", metric="tv")
    >>> round(err.overall, 4), err.argmax_pair.argmax
    (0.05, {'Environment': '0', 'Smoking': '0'})
    """
    check_metric(metric)
    if mechanism not in (None, "model", "best"):
        raise ModelError(None, "mechanism", "'model' or 'best'", repr(mechanism))
    micro, macro, spec = resolve_inputs(micro, macro, mapping)
    if mechanism == "model" and macro is None:
        raise ModelError(None, "mechanism", "a macro model for mechanism 'model'", "none")
    if isinstance(mapping, AbstractionMap) and macro is None:  # its macro states are its own: keep their order
        for m, v in mapping.variables.items():
            if v.node_states != tuple(micro.nodes[n].states for n in v.nodes):
                raise ModelError(None, f"variables.{m}", "a map over the micro model's states", "other states")
        bound = mapping
    else:
        bound = spec.bind(micro, macro)
    names = tuple(bound.variables)
    pairs = check_pairs(pairs, names) if pairs is not None else default_pairs(bound, macro, micro)
    best = mechanism == "best" or macro is None
    groups = {m: v.nodes for m, v in bound.variables.items()}
    results = tuple(evaluate_pair(pair_kernels(micro, None if best else macro, groups, p), bound, metric, best=best,
                                  tolerance=tolerance) for p in pairs)
    return AbstractionError(metric, results, "best" if best else "model", tolerance, micro.name,
                            None if macro is None else macro.name)
