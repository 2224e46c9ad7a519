"""Exact macro quantities of a (cause X, effect Y) pair with coarsenings π_X, π_Y.

Notation (the paper's section 2): ``X̄ = π_X(X)``, ``Ȳ = π_Y(Y)``. For a macro
state ``x̄`` with ``P(x̄) > 0`` the *observational* macro conditional is
``P(Ȳ | X̄ = x̄)``; given a realization family ``q``, the *interventional* one is

.. math::

    P(\\bar Y \\mid do(\\bar x)) = \\sum_{x \\in \\pi_X^{-1}(\\bar x)} q_{\\bar x}(x)\\,
    P(\\bar Y \\mid do(X = x)).

Their total-variation distance is the *macro confounding gap* of ``x̄``
(Definition 6); the realization is *confounding-inhibiting* for ``x̄`` when the
gap is zero (within the tolerance) and *confounding-inducing* otherwise
(Definition 7). Macro states with ``P(x̄) = 0`` are *unsupported*: Definition 6
only speaks of the support, so they get no observational conditional and no gap.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from discagg.core.arrays import readonly_float
from discagg.core.coarsening import Coarsening
from discagg.core.confounding import MacroGap, MicroConfounding, macro_gap, micro_confounding
from discagg.core.contraction import contract
from discagg.core.inference import _truncated, marginal
from discagg.core.model import CausalModel
from discagg.core.realization import RealizationFamily
from discagg.core.selection import select
from discagg.errors import AssumptionWarning, ModelError
from discagg.limits import check_entries
from discagg.report.short import fit, plain, quoted
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["Aggregation", "MacroGap", "MicroConfounding", "as_aggregation", "natural_weights"]


def _warn_paths_inside(model: CausalModel, cause: str) -> None:
    """Warn when the cause's nodes have a directed path among them (outside the paper's Assumption 1)."""
    members = model.members(cause)
    if len(members) < 2:
        return
    import networkx as nx

    inside = set(members)
    for source in members:
        below = nx.descendants(model.graph, source)
        reached = sorted(inside & below, key=members.index)
        if reached:
            arrow = " -> " if model.graph.has_edge(source, reached[0]) else " -> ... -> "
            warnings.warn(f"the cause group {cause!r} has a directed path inside it ({source}{arrow}{reached[0]}): "
                          "the paper's Assumption 1 excludes this, and do(Xbar) then fixes a node together with "
                          "one of its causes", AssumptionWarning, stacklevel=3)
            return


def natural_weights(p_cause: np.ndarray, coarsening: Coarsening, support: float) -> np.ndarray:
    """Weights of the natural realization ``P(x | π(x))``, zero on fibres with ``P(x̄) <= support``.

    Works on float arrays and on exact object arrays of Fractions alike.

    >>> pi = Coarsening.from_mapping("X", ["a", "b", "c"], {"ab": ["a", "b"], "c": ["c"]})
    >>> natural_weights(np.array([0.2, 0.6, 0.0]), pi, 0.0).tolist()
    [0.25, 0.75, 0.0]
    """
    p_fibre = coarsening.push_forward(p_cause)[coarsening.assignment]
    mask = np.asarray(p_fibre > support, dtype=bool)
    conditional: np.ndarray = np.divide(p_cause, p_fibre, out=np.zeros_like(p_cause), where=mask)
    return conditional


@dataclass(frozen=True, eq=False)
class Aggregation:
    """A model's (cause, effect) pair with their coarsenings, and its exact quantities.

    Every quantity is computed once, on first use, by tensor contraction
    (:mod:`discagg.core.inference`), so this works in any DAG. Create one with
    :meth:`of`, which takes the model's default query when cause or effect is
    not given.

    Attributes
    ----------
    model : CausalModel
    cause, effect : str
    tolerance : Tolerance

    Examples
    --------
    >>> from discagg.io.model_format import loads_model
    >>> m = loads_model('''{"format": "discagg/model-v1", "nodes": {
    ...   "X": {"states": ["a", "b", "c"], "parents": [], "cpt": [0.2, 0.3, 0.5]},
    ...   "Y": {"states": ["n", "m", "s"], "parents": ["X"],
    ...         "cpt": [[1.0, 0.0, 0.0], [0.5, 0.25, 0.25], [0.0, 0.5, 0.5]]}},
    ...   "macro": {"X": {"ab": ["a", "b"], "c": ["c"]}, "Y": {"no": ["n"], "yes": ["m", "s"]}},
    ...   "query": {"cause": "X", "effect": "Y"}}''')
    >>> agg = Aggregation.of(m)
    >>> agg.p_macro
    array([0.5, 0.5])
    >>> agg.observational[0]            # P(Ȳ | X̄ = ab) = 0.4 (1, 0) + 0.6 (0.5, 0.5)
    array([0.7, 0.3])
    >>> agg.natural_realization().distribution("ab")
    {'a': 0.4, 'b': 0.6}
    >>> float(agg.gap(agg.natural_realization()).total_variation[0])  # Theorem 3.1
    0.0
    >>> agg
    Aggregation(model='model', cause X: 3 -> 2 states, effect Y: 3 -> 2 states)
    """

    model: CausalModel
    cause: str
    effect: str
    tolerance: Tolerance = field(default=DEFAULT_TOLERANCE, repr=False)

    def __repr__(self) -> str:
        x, y = self.model.coarsening(self.cause), self.model.coarsening(self.effect)
        return fit(lambda w: f"Aggregation(model={quoted(self.model.name, w)}, cause {plain(self.cause, w)}: "
                   f"{x.n_micro} -> {x.n_macro} states, effect {plain(self.effect, w)}: {y.n_micro} -> {y.n_macro} "
                   "states)")

    @classmethod
    def of(
        cls,
        model: CausalModel,
        cause: str | None = None,
        effect: str | None = None,
        *,
        tolerance: Tolerance = DEFAULT_TOLERANCE,
    ) -> "Aggregation":
        """Resolve cause and effect (defaulting to ``model.query``) and check them.

        ``cause`` and ``effect`` are nodes or groups of the model, groups written
        inline as ``NODE,NODE:MAP``, or ``NODE:MAP`` for a single node
        (:mod:`discagg.core.selection`); a node without a macro map gets the
        identity coarsening. :attr:`model` is then the model with those added.

        Raises
        ------
        ModelError
            If a node is unknown, cause and effect coincide or share nodes, a
            map is malformed, or no cause/effect is given and the model has no
            query.

        Examples
        --------
        >>> from discagg import load_model
        >>> Aggregation.of(load_model("net:asia"), "tub,lung:count=yes", "dysp").cause_map.macro_states
        ('0', '1', '2')
        """
        model, cause, effect = select(model, cause, effect)
        if cause == effect:
            raise ModelError(None, None, "different cause and effect nodes", f"{cause!r} for both")
        shared = set(model.members(cause)) & set(model.members(effect))
        if shared:
            raise ModelError(None, None, "cause and effect groups without common nodes", f"{sorted(shared)} in both")
        _warn_paths_inside(model, cause)
        return cls(model, cause, effect, tolerance)

    # -- structure ------------------------------------------------------------------------

    @property
    def cause_map(self) -> Coarsening:
        """The coarsening ``π_X`` of the cause."""
        return self.model.coarsening(self.cause)

    @property
    def effect_map(self) -> Coarsening:
        """The coarsening ``π_Y`` of the effect."""
        return self.model.coarsening(self.effect)

    # -- micro quantities ----------------------------------------------------------------------

    def tables(self, *, exact: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """The observational joint and the interventional kernel, computed afresh.

        For a group, a micro state is a joint state of its nodes (the last node
        varying fastest) and ``do(X = x)`` intervenes on all of them at once.

        Each row of the kernel is normalised to sum to one (see the tolerance
        policy); the joint is returned as contracted.

        Parameters
        ----------
        exact : bool
            Rational arithmetic (object arrays of Fractions).

        Returns
        -------
        joint : ``(|X|, |Y|)`` ndarray
            ``P(X = x, Y = y)``.
        kernel : ``(|X|, |Y|)`` ndarray
            ``P(Y = y | do(X = x))``.
        """
        return self._joint_table(exact), self._kernel_table(exact)

    def _shape(self) -> tuple[int, int]:
        shape = (self.cause_map.n_micro, self.effect_map.n_micro)
        check_entries(shape[0] * shape[1], f"the {shape[0]} x {shape[1]} table of cause and effect micro states",
                      "cause, effect")
        return shape

    def _joint_table(self, exact: bool = False) -> np.ndarray:
        """``P(x, y)`` as contracted, shape ``(|X|, |Y|)``."""
        shape = self._shape()
        causes, effects = self.model.members(self.cause), self.model.members(self.effect)
        return marginal(self.model, causes + effects, exact=exact).reshape(shape)

    def _kernel_table(self, exact: bool = False) -> np.ndarray:
        """``P(y | do(x))`` with each row normalised, shape ``(|X|, |Y|)``."""
        shape = self._shape()
        causes, effects = self.model.members(self.cause), self.model.members(self.effect)
        # The kernel is contracted over the cause nodes the effects depend on (in the mutilated
        # graph) only, normalised there, and broadcast over the others once, into the table.
        factors, cards = _truncated(self.model, effects, causes, exact)
        mentioned = {v for _, scope in factors for v in scope}
        present = tuple(c for c in causes if c in mentioned)
        compact = contract(factors, present + effects, cards)
        rows = compact.reshape(-1, shape[1])
        # Each row is a distribution; CPT rows may be off by up to the normalisation
        # tolerance (e.g. BIF files rounded to 8 decimals), so normalise it, as the
        # observational conditionals are, lest that defect look like confounding.
        rows /= rows.sum(axis=1, keepdims=True)
        if present == causes:  # nothing to broadcast: the contraction's own (new) array is the table
            return compact.reshape(shape)
        kernel = np.empty(shape, dtype=compact.dtype)
        axes = tuple(slice(None) if c in present else None for c in causes) + (slice(None),) * len(effects)
        kernel.reshape(tuple(cards[c] for c in causes) + compact.shape[len(present):])[...] = compact[axes]
        return kernel

    @cached_property
    def _tables(self) -> tuple[np.ndarray, np.ndarray]:
        joint, kernel = self.tables()
        return readonly_float(joint), readonly_float(kernel)

    @property
    def joint(self) -> np.ndarray:
        """Observational ``P(X = x, Y = y)``, shape ``(|X|, |Y|)``."""
        return self._tables[0]

    @cached_property
    def _macro_tables(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``P(x)``, ``P(x̄, ȳ)`` and ``P(Ȳ | do(x))``: what the macro quantities and the solvers need.

        Derived from the micro tables when this aggregation already holds them;
        otherwise the micro joint and kernel are computed one after the other and
        dropped, so that only ``|X| x |Ȳ|`` numbers are kept (a solve never holds
        the ``|X| x |Y|`` tables; :attr:`joint` and :attr:`kernel` compute and keep
        them when asked for).
        """
        held = "_tables" in self.__dict__
        joint = self._tables[0] if held else self._joint_table()
        p_cause = joint.sum(axis=1)
        macro_joint = self.cause_map.push_forward(self.effect_map.push_forward(joint, axis=1), axis=0)
        del joint
        kernel = self._tables[1] if held else self._kernel_table()
        macro_kernel = self.effect_map.push_forward(kernel, axis=1)
        return readonly_float(p_cause), readonly_float(macro_joint), readonly_float(macro_kernel)

    @property
    def p_cause(self) -> np.ndarray:
        """Observational ``P(X = x)``, shape ``(|X|,)``."""
        return self._macro_tables[0]

    @property
    def kernel(self) -> np.ndarray:
        """Micro interventional kernel ``P(Y = y | do(X = x))``, shape ``(|X|, |Y|)``."""
        return self._tables[1]

    @property
    def macro_kernel(self) -> np.ndarray:
        """``P(Ȳ = ȳ | do(X = x))``, shape ``(|X|, |Ȳ|)``."""
        return self._macro_tables[2]

    # -- macro quantities -----------------------------------------------------------------------

    @property
    def macro_joint(self) -> np.ndarray:
        """Observational ``P(X̄ = x̄, Ȳ = ȳ)``, shape ``(|X̄|, |Ȳ|)``."""
        return self._macro_tables[1]

    @cached_property
    def p_macro(self) -> np.ndarray:
        """``P(X̄ = x̄)``, shape ``(|X̄|,)``."""
        return readonly_float(self.cause_map.push_forward(self.p_cause))

    @cached_property
    def supported(self) -> np.ndarray:
        """``P(x̄) > tolerance.support``, shape ``(|X̄|,)`` of bool."""
        mask = self.p_macro > self.tolerance.support
        mask.setflags(write=False)
        return mask

    @cached_property
    def observational(self) -> np.ndarray:
        """``P(Ȳ | X̄ = x̄)``, shape ``(|X̄|, |Ȳ|)``; rows of unsupported ``x̄`` are NaN."""
        out = np.full(self.macro_joint.shape, np.nan)
        s = self.supported
        out[s] = self.macro_joint[s] / self.p_macro[s, None]
        return readonly_float(out)

    def natural_realization(self) -> RealizationFamily:
        """The natural realization ``P(X | x̄)`` (Definition 8), for supported ``x̄``.

        Returns
        -------
        RealizationFamily
            Defined exactly on the supported macro states.
        """
        weights = natural_weights(self.p_cause, self.cause_map, self.tolerance.support)
        return RealizationFamily.from_weights(self.cause_map, weights, self.supported, tolerance=self.tolerance,
                                              path="natural realization")

    def interventional(self, realization: RealizationFamily) -> np.ndarray:
        """``P(Ȳ | do(x̄))`` under ``realization``, shape ``(|X̄|, |Ȳ|)``.

        Rows of macro states the realization does not define are NaN.

        Raises
        ------
        ModelError
            If ``realization`` is for a different coarsening than the cause's.
        """
        self._check_family(realization)
        mixed = self.cause_map.push_forward(self.macro_kernel, axis=0, weights=realization.weights)
        mixed[~realization.defined] = np.nan
        return readonly_float(mixed)

    def gap(self, realization: RealizationFamily) -> MacroGap:
        """The macro confounding gap of every ``x̄`` under ``realization``."""
        return macro_gap(self.observational, self.interventional(realization), self.supported & realization.defined,
                         self.tolerance)

    def micro_confounding(self) -> MicroConfounding:
        """Micro confounding of (X, Y) and (X, Ȳ) (Theorem 3.2, conclusion 1)."""
        return micro_confounding(self.joint, self.kernel, self.macro_kernel, self.effect_map, self.tolerance)

    def _check_family(self, realization: RealizationFamily) -> None:
        if realization.coarsening != self.cause_map:
            raise ModelError(None, "realization", f"a realization family for the coarsening of {self.cause!r}",
                             f"one for {realization.coarsening.node!r} with macro states "
                             f"{list(realization.coarsening.macro_states)}")


def as_aggregation(
    source: CausalModel | Aggregation,
    cause: str | None = None,
    effect: str | None = None,
    *,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
) -> Aggregation:
    """The aggregation a function is asked about: given as such, or a model with its cause and effect.

    Functions that work on one (cause, effect) pair take either an
    :class:`Aggregation` (whose quantities are then reused) or a
    :class:`~discagg.core.model.CausalModel` with ``cause``, ``effect`` and
    ``tolerance`` as :meth:`Aggregation.of` takes them (the CLI's group syntax
    included).

    Raises
    ------
    ModelError
        ``cause``, ``effect`` or another ``tolerance`` given with an
        :class:`Aggregation`, which has them already; or what
        :meth:`Aggregation.of` raises.

    Examples
    --------
    >>> from discagg import load_model
    >>> as_aggregation(load_model("net:asia"), "smoke", "dysp").cause_map.n_macro
    2
    """
    if isinstance(source, Aggregation):
        if cause is not None or effect is not None:
            raise ModelError(None, None, "cause and effect with a model, not with an Aggregation (which fixes both)",
                             f"cause={cause!r}, effect={effect!r}")
        if tolerance not in (DEFAULT_TOLERANCE, source.tolerance):
            raise ModelError(None, None, "a tolerance with a model, not with an Aggregation (which has its own)",
                             repr(tolerance))
        return source
    return Aggregation.of(source, cause, effect, tolerance=tolerance)
