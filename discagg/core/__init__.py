"""Core quantities: models, coarsenings, groups, realization families, exact inference, macro quantities.

Everything else in discagg is built on these: a :class:`CausalModel` (a DAG of
categorical nodes with CPTs), :class:`Coarsening` (partitions of micro states),
:class:`Group` (macro variables over several nodes), :class:`RealizationFamily`
(micro-realizations of macro interventions), :class:`StructuralModel` (SCMs in
response-function form, compatible with a model), exact contraction
(:mod:`~discagg.core.inference`) and the :class:`Aggregation` of a (cause,
effect) pair with its exact macro quantities and gaps.
"""

from typing import TYPE_CHECKING

from discagg._lazy import lazy_exports

_EXPORTS = {
    "Aggregation": "discagg.core.aggregation",
    "MacroGap": "discagg.core.aggregation",
    "MicroConfounding": "discagg.core.aggregation",
    "natural_weights": "discagg.core.aggregation",
    "Coarsening": "discagg.core.coarsening",
    "Group": "discagg.core.groups",
    "build_group": "discagg.core.groups",
    "parse_group": "discagg.core.groups",
    "interventional": "discagg.core.inference",
    "interventional_joint": "discagg.core.inference",
    "marginal": "discagg.core.inference",
    "rational": "discagg.core.inference",
    "Inspection": "discagg.core.inspection",
    "MacroStateReport": "discagg.core.inspection",
    "inspect_model": "discagg.core.inspection",
    "CausalModel": "discagg.core.model",
    "Node": "discagg.core.model",
    "Query": "discagg.core.model",
    "RealizationFamily": "discagg.core.realization",
    "ResponseBlock": "discagg.core.scm",
    "StructuralModel": "discagg.core.scm",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # the names as a type checker sees them
    from discagg.core.aggregation import Aggregation, MacroGap, MicroConfounding, natural_weights
    from discagg.core.coarsening import Coarsening
    from discagg.core.groups import Group, build_group, parse_group
    from discagg.core.inference import interventional, interventional_joint, marginal, rational
    from discagg.core.inspection import Inspection, MacroStateReport, inspect_model
    from discagg.core.model import CausalModel, Node, Query
    from discagg.core.realization import RealizationFamily
    from discagg.core.scm import ResponseBlock, StructuralModel

__all__ = ["Aggregation", "CausalModel", "Coarsening", "Group", "Inspection", "MacroGap", "MacroStateReport",
           "MicroConfounding", "Node", "Query", "RealizationFamily", "ResponseBlock", "StructuralModel", "build_group", "inspect_model",
           "interventional", "interventional_joint", "marginal", "natural_weights", "parse_group", "rational"]
