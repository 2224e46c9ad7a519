"""An aggregation that pickles, for work sent to the processes of a ``dask.distributed`` cluster.

:class:`~discagg.core.model.CausalModel` keeps its nodes, coarsenings and groups
in read-only mapping proxies, which :mod:`pickle` refuses, so neither a model
nor an :class:`~discagg.core.aggregation.Aggregation` can be sent to another
process as it is. :class:`PortableAggregation` holds the same content in plain
tuples and dicts (node by node: name, states, parents, CPT) and rebuilds the
aggregation on arrival, with the same CPT values bit for bit, so a chunk of work
computes the same numbers wherever it runs.

Work that stays in this process (the local and the sequential scheduler) needs
none of this: :func:`carry` hands the aggregation over as it is there.

>>> import pickle, discagg
>>> agg = discagg.Aggregation.of(discagg.load_model("example:cholesterol"))
>>> back = pickle.loads(pickle.dumps(carry(agg, "tcp://10.0.0.5:8786"))).aggregation()
>>> back.model == agg.model and (back.cause, back.effect) == (agg.cause, agg.effect)
True
>>> carry(agg, None) is agg
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from discagg.core.aggregation import Aggregation
from discagg.core.model import CausalModel, Node, Query
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["PortableAggregation", "carry", "unpack", "in_process"]


def in_process(scheduler: str | None) -> bool:
    """Whether ``scheduler`` runs the work in this process (``None``, ``"local"`` or ``"sequential"``)."""
    return scheduler is None or scheduler in ("local", "sequential")


@dataclass(frozen=True, eq=False)
class PortableAggregation:
    """The content of an :class:`Aggregation` in picklable form; :meth:`aggregation` rebuilds it.

    Attributes
    ----------
    nodes : tuple of (str, tuple of str, tuple of str, ndarray)
        Every node's name, states, parents and CPT, in declaration order.
    macro, groups : dict
        The model's coarsenings and groups (plain dicts of picklable objects).
    name, description : str
    query : Query or None
    model_tolerance : Tolerance
        The model's own (validation) tolerance.
    cause, effect : str
    tolerance : Tolerance
        The aggregation's.
    """

    nodes: tuple[tuple[str, tuple[str, ...], tuple[str, ...], np.ndarray], ...] = field(repr=False)
    macro: Mapping[str, Any] = field(repr=False)
    groups: Mapping[str, Any] = field(repr=False)
    name: str
    description: str
    query: Query | None
    model_tolerance: Tolerance
    cause: str
    effect: str
    tolerance: Tolerance = DEFAULT_TOLERANCE

    @classmethod
    def of(cls, agg: Aggregation) -> PortableAggregation:
        """The portable form of ``agg``."""
        model = agg.model
        nodes = tuple((n.name, n.states, n.parents, n.cpt) for n in model.nodes.values())
        return cls(nodes, dict(model.macro), dict(model.groups), model.name, model.description, model.query,
                   model.tolerance, agg.cause, agg.effect, agg.tolerance)

    def aggregation(self) -> Aggregation:
        """The aggregation again (the model validated anew; the cause and effect as they were resolved)."""
        model = CausalModel({name: Node(name, states, parents, cpt) for name, states, parents, cpt in self.nodes},
                            macro=dict(self.macro), name=self.name, description=self.description, query=self.query,
                            tolerance=self.model_tolerance, groups=dict(self.groups))
        return Aggregation(model, self.cause, self.effect, self.tolerance)


def carry(agg: Aggregation, scheduler: str | None) -> Aggregation | PortableAggregation:
    """``agg`` itself for work in this process, its :class:`PortableAggregation` for a cluster."""
    return agg if in_process(scheduler) else PortableAggregation.of(agg)


def unpack(carried: Aggregation | PortableAggregation) -> Aggregation:
    """The aggregation :func:`carry` packed."""
    return carried.aggregation() if isinstance(carried, PortableAggregation) else carried
