"""Causal abstraction: the exact abstraction error of value maps, the best macro mechanism, and exact map learning.

:func:`abstraction_error` (module :mod:`~discagg.abstraction.error`) compares the
two paths of the abstraction diagram for every micro intervention of every
(sources, targets) pair; :func:`best_mechanism` (module
:mod:`~discagg.abstraction.mechanism`) finds the macro mechanism that minimises
the worst-case error for given maps, with :func:`coarsening_error` for a
(cause, effect) coarsening; :func:`learn_abstraction` (module
:mod:`~discagg.abstraction.search`) finds the value maps of least error with a
certificate of optimality. The kernels they share are in
:mod:`~discagg.abstraction.kernels`.
"""

from typing import TYPE_CHECKING

from discagg._lazy import lazy_exports

_EXPORTS = {
    "METRICS": "discagg.abstraction.error",
    "AbstractionError": "discagg.abstraction.error",
    "PairError": "discagg.abstraction.error",
    "abstraction_error": "discagg.abstraction.error",
    "BestMechanism": "discagg.abstraction.mechanism",
    "best_mechanism": "discagg.abstraction.mechanism",
    "coarsening_error": "discagg.abstraction.mechanism",
    "LearnedAbstraction": "discagg.abstraction.search",
    "learn_abstraction": "discagg.abstraction.search",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # the names as a type checker sees them
    from discagg.abstraction.error import METRICS, AbstractionError, PairError, abstraction_error
    from discagg.abstraction.mechanism import BestMechanism, best_mechanism, coarsening_error
    from discagg.abstraction.search import LearnedAbstraction, learn_abstraction

__all__ = ["AbstractionError", "BestMechanism", "LearnedAbstraction", "METRICS", "PairError", "abstraction_error",
           "best_mechanism", "coarsening_error", "learn_abstraction"]
