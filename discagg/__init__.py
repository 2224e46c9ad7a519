"""discagg: causal aggregation of discrete models.

A macro intervention ``do(X̄ = x̄)`` on a coarsened variable means nothing until
it is given a micro-realization, a distribution over the fibre ``π⁻¹(x̄)``.
discagg computes, exactly, what each realization does to a coarsened effect and
whether it leaves the macro relation confounded (Zhu, Budhathoki, Kübler and
Janzing, "Meaningful Causal Aggregation and Paradoxical Confounding", CLeaR 2024).

>>> import discagg
>>> model = discagg.load_model("data/cholesterol.json")
>>> agg = discagg.Aggregation.of(model)
>>> agg.cause_map.macro_states
('low', 'medium', 'high')
"""

__version__ = "0.1.0"

from typing import TYPE_CHECKING

from discagg._lazy import lazy_exports

_EXPORTS = {
    "AbstractionError": "discagg.abstraction.error",
    "abstraction_error": "discagg.abstraction.error",
    "BestMechanism": "discagg.abstraction.mechanism",
    "coarsening_error": "discagg.abstraction.mechanism",
    "LearnedAbstraction": "discagg.abstraction.search",
    "learn_abstraction": "discagg.abstraction.search",
    "Aggregation": "discagg.core.aggregation",
    "MacroGap": "discagg.core.aggregation",
    "MicroConfounding": "discagg.core.aggregation",
    "Coarsening": "discagg.core.coarsening",
    "CausalPartition": "discagg.search.causal",
    "causal_partition": "discagg.search.causal",
    "CoarseningSearch": "discagg.search.coarsen",
    "coarsen": "discagg.search.coarsen",
    "interventional": "discagg.core.inference",
    "marginal": "discagg.core.inference",
    "GaussianModel": "discagg.core.gaussian",
    "GaussianRealization": "discagg.core.gaussian",
    "LinearGaussian": "discagg.core.gaussian",
    "Inspection": "discagg.core.inspection",
    "MacroStateReport": "discagg.core.inspection",
    "inspect_model": "discagg.core.inspection",
    "CausalModel": "discagg.core.model",
    "Node": "discagg.core.model",
    "Query": "discagg.core.model",
    "RealizationFamily": "discagg.core.realization",
    "ResponseBlock": "discagg.core.scm",
    "StructuralModel": "discagg.core.scm",
    "CoarseningWarning": "discagg.errors",
    "DiscaggError": "discagg.errors",
    "ModelError": "discagg.errors",
    "RealizationError": "discagg.errors",
    "SolverError": "discagg.errors",
    "load_gaussian": "discagg.io.gaussian_format",
    "loads_gaussian": "discagg.io.gaussian_format",
    "load_model": "discagg.io.loading",
    "dumps_model": "discagg.io.model_format",
    "loads_model": "discagg.io.model_format",
    "model_from_dict": "discagg.io.model_format",
    "model_to_dict": "discagg.io.model_format",
    "save_model": "discagg.io.model_format",
    "load_scm": "discagg.io.scm_format",
    "loads_scm": "discagg.io.scm_format",
    "save_scm": "discagg.io.scm_format",
    "load_bounds": "discagg.solvers.saved",
    "load_identification": "discagg.estimation.saved",
    "load_identifications": "discagg.estimation.saved",
    "load_posterior_summary": "discagg.estimation.summary",
    "PosteriorSummary": "discagg.estimation.summary",
    "load_inspection": "discagg.solvers.saved",
    "load_solution": "discagg.solvers.saved",
    "load_verification": "discagg.theory.saved",
    "load_counterexample": "discagg.theory.counterexample_saved",
    "load_gaussian_analysis": "discagg.theory.gaussian_saved",
    "load_abstraction_error": "discagg.abstraction.saved",
    "load_learned_abstraction": "discagg.abstraction.saved",
    "load_coarsening_search": "discagg.search.saved",
    "load_causal_partition": "discagg.search.saved",
    "load_realization": "discagg.io.side_files",
    "save_realization": "discagg.io.side_files",
    "OBJECTIVES": "discagg.solvers.inhibiting",
    "solve": "discagg.solvers.inhibiting",
    "EffectBounds": "discagg.solvers.ranges",
    "StateBounds": "discagg.solvers.ranges",
    "effect_bounds": "discagg.solvers.ranges",
    "most_inducing": "discagg.solvers.ranges",
    "reach": "discagg.solvers.ranges",
    "Solution": "discagg.solvers.solution",
    "StateSolution": "discagg.solvers.solution",
    "GaussianAnalysis": "discagg.theory.gaussian",
    "gaussian_analysis": "discagg.theory.gaussian",
    "DataWarning": "discagg.estimation.datasets",
    "fit": "discagg.estimation.fitting",
    "Identification": "discagg.estimation.identification",
    "Identifications": "discagg.estimation.identification",
    "InhibitingTest": "discagg.estimation.identification",
    "StateIdentification": "discagg.estimation.identification",
    "identify": "discagg.estimation.identification",
    "identify_experiments": "discagg.estimation.identification",
    "Posterior": "discagg.estimation.posterior",
    "posterior": "discagg.estimation.posterior",
    "sample": "discagg.estimation.sampling",
    "DEFAULT_TOLERANCE": "discagg.tolerance",
    "Tolerance": "discagg.tolerance",
    "draw": "discagg.viz.draw",
    "plot": "discagg.plot",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # the names as a type checker sees them
    from discagg import plot
    from discagg.abstraction.error import AbstractionError, abstraction_error
    from discagg.abstraction.mechanism import BestMechanism, coarsening_error
    from discagg.abstraction.saved import load_abstraction_error, load_learned_abstraction
    from discagg.abstraction.search import LearnedAbstraction, learn_abstraction
    from discagg.core.aggregation import Aggregation, MacroGap, MicroConfounding
    from discagg.core.coarsening import Coarsening
    from discagg.core.gaussian import GaussianModel, GaussianRealization, LinearGaussian
    from discagg.core.inference import interventional, marginal
    from discagg.core.inspection import Inspection, MacroStateReport, inspect_model
    from discagg.core.model import CausalModel, Node, Query
    from discagg.core.realization import RealizationFamily
    from discagg.core.scm import ResponseBlock, StructuralModel
    from discagg.errors import CoarseningWarning, DiscaggError, ModelError, RealizationError, SolverError
    from discagg.estimation.datasets import DataWarning
    from discagg.estimation.fitting import fit
    from discagg.estimation.identification import (
        Identification,
        Identifications,
        InhibitingTest,
        StateIdentification,
        identify,
        identify_experiments,
    )
    from discagg.estimation.posterior import Posterior, posterior
    from discagg.estimation.sampling import sample
    from discagg.estimation.saved import load_identification, load_identifications
    from discagg.estimation.summary import PosteriorSummary, load_posterior_summary
    from discagg.io.gaussian_format import load_gaussian, loads_gaussian
    from discagg.io.loading import load_model
    from discagg.io.model_format import dumps_model, loads_model, model_from_dict, model_to_dict, save_model
    from discagg.io.scm_format import load_scm, loads_scm, save_scm
    from discagg.io.side_files import load_realization, save_realization
    from discagg.search.causal import CausalPartition, causal_partition
    from discagg.search.coarsen import CoarseningSearch, coarsen
    from discagg.search.saved import load_causal_partition, load_coarsening_search
    from discagg.solvers.inhibiting import OBJECTIVES, solve
    from discagg.solvers.ranges import EffectBounds, StateBounds, effect_bounds, most_inducing, reach
    from discagg.solvers.saved import load_bounds, load_inspection, load_solution
    from discagg.solvers.solution import Solution, StateSolution
    from discagg.theory.counterexample_saved import load_counterexample
    from discagg.theory.gaussian import GaussianAnalysis, gaussian_analysis
    from discagg.theory.gaussian_saved import load_gaussian_analysis
    from discagg.theory.saved import load_verification
    from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance
    from discagg.viz.draw import draw

__all__ = [
    "AbstractionError",
    "Aggregation",
    "BestMechanism",
    "CausalModel",
    "CausalPartition",
    "Coarsening",
    "CoarseningSearch",
    "CoarseningWarning",
    "DEFAULT_TOLERANCE",
    "DataWarning",
    "DiscaggError",
    "EffectBounds",
    "GaussianAnalysis",
    "GaussianModel",
    "GaussianRealization",
    "Identification",
    "Identifications",
    "InhibitingTest",
    "Inspection",
    "LearnedAbstraction",
    "LinearGaussian",
    "MacroGap",
    "MacroStateReport",
    "MicroConfounding",
    "ModelError",
    "Node",
    "OBJECTIVES",
    "Posterior",
    "PosteriorSummary",
    "Query",
    "RealizationError",
    "RealizationFamily",
    "ResponseBlock",
    "Solution",
    "SolverError",
    "StateBounds",
    "StateIdentification",
    "StateSolution",
    "StructuralModel",
    "Tolerance",
    "abstraction_error",
    "causal_partition",
    "coarsen",
    "coarsening_error",
    "draw",
    "dumps_model",
    "effect_bounds",
    "fit",
    "gaussian_analysis",
    "identify",
    "identify_experiments",
    "inspect_model",
    "interventional",
    "learn_abstraction",
    "load_abstraction_error",
    "load_bounds",
    "load_causal_partition",
    "load_coarsening_search",
    "load_counterexample",
    "load_gaussian",
    "load_gaussian_analysis",
    "load_identification",
    "load_identifications",
    "load_inspection",
    "load_learned_abstraction",
    "load_model",
    "load_posterior_summary",
    "load_realization",
    "load_scm",
    "load_solution",
    "load_verification",
    "loads_gaussian",
    "loads_model",
    "loads_scm",
    "marginal",
    "model_from_dict",
    "model_to_dict",
    "most_inducing",
    "plot",
    "posterior",
    "reach",
    "sample",
    "save_model",
    "save_realization",
    "save_scm",
    "solve",
]
