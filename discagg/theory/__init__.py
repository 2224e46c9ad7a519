"""The paper's constructions and checks: Lemma 5, Theorem 3.2 counterexamples, verifiers, the paper's graphs.

:func:`lemma5` and :func:`generate_counterexample` build paradoxical models;
:func:`verify` checks the hypotheses and conclusions of Theorems 3.1, 3.2, 4.1,
Lemmas 10 and 11, consistency, conditions (14)/(15) as counterfactuals (on an SCM or
over every compatible SCM) and Appendix D's macro models on a model; :mod:`~discagg.theory.graphs`
holds the amalgamated, macro-intervention and macro graphs.
"""

from typing import TYPE_CHECKING

from discagg._lazy import lazy_exports

_EXPORTS = {
    "CHECKS": "discagg.theory.checks",
    "Check": "discagg.theory.checks",
    "Verification": "discagg.theory.checks",
    "verify": "discagg.theory.checks",
    "Counterexample": "discagg.theory.counterexample",
    "CounterexampleNotFound": "discagg.theory.counterexample",
    "generate_counterexample": "discagg.theory.counterexample",
    "counterexample_of": "discagg.theory.counterexample",
    "amalgamated_graph": "discagg.theory.graphs",
    "macro_graph": "discagg.theory.graphs",
    "macro_intervention_graph": "discagg.theory.graphs",
    "satisfies_backdoor": "discagg.theory.graphs",
    "Hypothesis": "discagg.theory.hypotheses",
    "HypothesisError": "discagg.theory.hypotheses",
    "theorem_3_2_hypotheses": "discagg.theory.hypotheses",
    "lemma5": "discagg.theory.lemma5_construction",
    "CompatibleVerdict": "discagg.theory.compatible_scms",
    "decide_compatible": "discagg.theory.compatible_scms",
    "Setting": "discagg.theory.counterfactual",
    "condition_residuals": "discagg.theory.counterfactual",
    "counterfactual_joint": "discagg.theory.counterfactual",
    "MacroModel": "discagg.theory.macro_scm",
    "macro_model": "discagg.theory.macro_scm",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # the names as a type checker sees them
    from discagg.theory.checks import CHECKS, Check, Verification, verify
    from discagg.theory.compatible_scms import CompatibleVerdict, decide_compatible
    from discagg.theory.counterexample import (
        Counterexample,
        CounterexampleNotFound,
        counterexample_of,
        generate_counterexample,
    )
    from discagg.theory.counterfactual import Setting, condition_residuals, counterfactual_joint
    from discagg.theory.graphs import amalgamated_graph, macro_graph, macro_intervention_graph, satisfies_backdoor
    from discagg.theory.hypotheses import Hypothesis, HypothesisError, theorem_3_2_hypotheses
    from discagg.theory.lemma5_construction import lemma5
    from discagg.theory.macro_scm import MacroModel, macro_model

__all__ = ["CHECKS", "Check", "CompatibleVerdict", "Counterexample", "CounterexampleNotFound", "Hypothesis",
           "HypothesisError", "MacroModel", "Setting", "Verification", "amalgamated_graph", "condition_residuals",
           "counterexample_of", "counterfactual_joint", "decide_compatible", "generate_counterexample", "lemma5",
           "macro_graph", "macro_intervention_graph", "macro_model", "satisfies_backdoor", "theorem_3_2_hypotheses",
           "verify"]
