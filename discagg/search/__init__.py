"""Searching for meaningful macro variables: the coarsening of a cause that is best for an objective.

:func:`coarsen` (module :mod:`~discagg.search.coarsen`) finds the coarsening of
the cause into ``K`` macro states with the least total irreducible macro
confounding, ambiguity of ``do(x̄)``, or abstraction error, exactly where
tractable (:mod:`~discagg.search.exact`) and heuristically with a certified
lower bound beyond (:mod:`~discagg.search.heuristic`); the terms of a fibre are in
:mod:`~discagg.search.fibres`, the partitions in :mod:`~discagg.search.partitions`.
:func:`causal_partition` (module :mod:`~discagg.search.causal`) is Chalupka et
al.'s causal partition, computed without search.
"""

from typing import TYPE_CHECKING

from discagg._lazy import lazy_exports

_EXPORTS = {
    "CoarseningSearch": "discagg.search.coarsen",
    "MacroStateTerm": "discagg.search.coarsen",
    "coarsen": "discagg.search.coarsen",
    "CausalPartition": "discagg.search.causal",
    "causal_partition": "discagg.search.causal",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # the names as a type checker sees them
    from discagg.search.causal import CausalPartition, causal_partition
    from discagg.search.coarsen import CoarseningSearch, MacroStateTerm, coarsen

__all__ = ["CausalPartition", "CoarseningSearch", "MacroStateTerm", "causal_partition", "coarsen"]
