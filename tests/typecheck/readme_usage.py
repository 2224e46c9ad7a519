"""The README's Python, as typed code: ``mypy --strict`` checks it (``tests/test_types.py``).

Every statement of the README's Python examples appears here verbatim (``tests/test_types.py``
checks that too, after removing the annotations and ``assert_type`` wrappers added here);
``assert_type`` pins the types a user sees, so that a public name that loses its type (becomes
``Any``) or changes it fails the check. Nothing runs on import: the examples are function bodies.
"""

from __future__ import annotations

from typing import Any, assert_type

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

import discagg
from discagg.abstraction.error import PairError
from discagg.core.aggregation import MacroGap, MicroConfounding
from discagg.core.realization import RealizationFamily
from discagg.estimation.identification import InhibitingTest, StateIdentification
from discagg.estimation.posterior import Interval
from discagg.solvers.ranges import StateBounds
from discagg.solvers.solution import StateSolution


def python_section() -> None:
    """``## Python``: the first example."""
    model = discagg.load_model("example:cholesterol")         # data/cholesterol.json; validates everything
    assert_type(model, discagg.CausalModel)
    solution = discagg.solve(model, objective="sparse")       # cause/effect from the model's query
    assert_type(solution, discagg.Solution)
    for s in solution.states:
        print(s.state, s.status, s.gap, s.certificate)          # certificate: None unless infeasible
    first = solution.states[0]
    assert_type(first, StateSolution)
    assert_type(first.state, str)
    assert_type(first.status, str)
    assert_type(first.gap, float | None)
    assert_type(first.certificate, np.ndarray | None)
    family = solution.realization_family()                     # a validated RealizationFamily
    assert_type(family, RealizationFamily)

    agg = discagg.Aggregation.of(model)                        # the exact quantities
    assert_type(agg, discagg.Aggregation)
    assert_type(agg.p_macro, np.ndarray)
    assert_type(agg.observational, np.ndarray)
    assert_type(agg.kernel, np.ndarray)
    natural = agg.natural_realization()                        # P(X | x̄)
    assert_type(natural, RealizationFamily)
    assert_type(agg.gap(natural), MacroGap)
    assert_type(agg.gap(natural).total_variation, np.ndarray)  # macro confounding gap per x̄
    assert_type(agg.micro_confounding(), MicroConfounding)
    assert_type(agg.micro_confounding().confounded, bool)      # P(Y | x) != P(Y | do(x)) for some x?

    assert_type(discagg.most_inducing(agg), discagg.Solution)  # the realization with the largest gap, per x̄
    assert_type(discagg.effect_bounds(agg, f=[0.0, 1.0]), discagg.EffectBounds)
    assert_type(discagg.effect_bounds(agg, f=[0.0, 1.0]).states[1], StateBounds)
    discagg.effect_bounds(agg, f=[0.0, 1.0]).states[1].expectation   # range of E[f(Ȳ) | do(x̄)]
    assert_type(discagg.inspect_model(model), discagg.Inspection)
    assert_type(discagg.inspect_model(model).to_dict(), dict[str, Any])
    discagg.inspect_model(model).to_dict()                     # what `inspect --json` prints

    asia = discagg.load_model("net:asia")                      # every MODEL form the CLI takes
    assert_type(discagg.solve(asia, cause="tub,lung:count=yes", effect="dysp"), discagg.Solution)
    assert_type(discagg.effect_bounds(asia, cause="smoke", effect="dysp"), discagg.EffectBounds)


def results_session() -> None:
    """``## Python``: the session of results."""
    model = discagg.load_model("example:cholesterol")
    model
    solution = discagg.solve(model)
    solution
    print(solution)
    low = solution.state("low")
    assert_type(low, StateSolution)
    low
    assert_type(low.realization_by_state, dict[str, float])
    assert_type(low.certificate_by_state, dict[str, float] | None)
    low.realization_by_state, low.certificate_by_state     # the arrays stay: low.support, low.weights, low.certificate
    assert_type(low.support, np.ndarray)
    assert_type(low.weights, np.ndarray)
    assert_type(solution.to_frame(), pd.DataFrame)
    solution.to_frame()[["status", "probability", "gap", "interventional[yes]"]].round(4)
    assert_type(discagg.load_solution("solution.json"), discagg.Solution)
    discagg.load_solution("solution.json") == solution     # also Solution.from_dict(solution.to_dict())
    assert_type(discagg.Solution.from_dict(solution.to_dict()), discagg.Solution)
    cost = {"LDLlo_HDLlo": 1.0, "LDLlo_HDLhi": 2.0, "LDLhi_HDLlo": 0.5, "LDLhi_HDLhi": 4.0}   # as in a --cost file
    medium = discagg.solve(model, objective="min-cost", cost=cost).state("medium")
    assert_type(medium.objective_value, float | None)
    assert medium.objective_value is not None      # None where nothing was optimised (infeasible, unsupported)
    round(medium.objective_value, 4)
    bounds = discagg.effect_bounds(model, f={"no": 0.0, "yes": 1.0})
    assert_type(bounds.states[1].bounds_by_state, dict[str, tuple[float, float]])
    assert_type(bounds.states[1].attained_by_state, dict[str, tuple[str, str]])
    bounds.states[1], bounds.states[1].attained_by_state["yes"]
    assert_type(discagg.reach(model, {"medium": {"no": 0.8, "yes": 0.2}}), discagg.Solution)
    discagg.reach(model, {"medium": {"no": 0.8, "yes": 0.2}})
    discagg.inspect_model(model)
    assert_type(discagg.load_bounds("bounds.json"), discagg.EffectBounds)
    assert_type(discagg.load_inspection("inspection.json"), discagg.Inspection)


def pictures() -> None:
    """``## Pictures``: the figures in Python."""
    model = discagg.load_model("example:cholesterol")
    figure = discagg.plot.reachable(model)                       # solves with objective="sparse"
    assert_type(figure, Figure)
    figure.savefig("cholesterol.png")
    solution = discagg.solve(model, objective="min-kl")
    panels = discagg.plot.reachable(solution, model, states=["medium"]).axes    # a Solution and its model
    assert_type(panels, list[Axes])
    graph = discagg.draw(model, intervene="Lipids")              # Definition 5, as a Figure
    assert_type(graph, Figure)
    len(graph.axes)


def theorem_tools() -> None:
    """The inline examples of the SCM and linear-Gaussian sections."""
    model = discagg.load_model("data/figure5.json")
    discagg.save_scm(discagg.StructuralModel.markov(model), "f5.json")
    analysis = discagg.gaussian_analysis(discagg.load_gaussian("example:promotion"), xbar=[100.0])
    assert_type(analysis, discagg.GaussianAnalysis)
    assert_type(analysis.to_dict(), dict[str, Any])


def abstraction() -> None:
    """``## Causal abstraction``: the Python example."""
    err = discagg.abstraction_error("scenario:collapsing", "scenario:collapsing", "scenario:collapsing")
    assert_type(err, discagg.AbstractionError)
    assert_type(err.overall, float)
    assert_type(err.exact, bool)
    assert_type(err.argmax_pair, PairError)
    err.overall, err.exact, err.argmax_pair.argmax       # 0.02546... bits, False, {'Environment': '0', 'Smoking': '0'}
    err.to_dict()                                        # what `abstraction --json` prints
    found = discagg.learn_abstraction("scenario:extended", "scenario:extended", "scenario:extended")
    assert_type(found, discagg.LearnedAbstraction)
    found.value, found.optimal, found.candidates, found.l1   # 0.0, True, 432, 0: the true maps, an exact abstraction
    best = discagg.coarsening_error(discagg.load_model("example:cholesterol"), metric="tv")
    assert_type(best, discagg.BestMechanism)
    assert_type(best.kernel, np.ndarray)
    best.kernel, best.value, best.exact                  # the best P(Ybar | do(xbar)); 0.155: do(medium) is ambiguous


def from_data() -> None:
    """``## From data``: the Python example."""
    truth = discagg.load_model("example:cholesterol")
    data = discagg.sample(truth, 20_000, seed=1)                   # a DataFrame of state names
    assert_type(data, pd.DataFrame)
    fitted = discagg.fit(data, truth, prior="bdeu", ess=1.0)       # truth's structure, CPTs from the data
    assert_type(fitted, discagg.CausalModel)
    post = discagg.posterior(data, truth, draws=500, seed=2)       # inspect/solve/bounds over posterior draws
    assert_type(post, discagg.Posterior)
    assert_type(post.irreducible_gap(0), Interval | None)
    assert_type(post.p_inhibiting(1), float | None)
    post.irreducible_gap(0), post.p_inhibiting(1)                  # Interval(mean, lower, upper); a fraction
    family = discagg.solve(fitted).realization_family()
    runs = discagg.sample(truth, 3000, seed=3, realization=family) # a macro experiment: one column per node,
    result = discagg.identify(fitted, runs)                        #   the cause's holding its macro state
    assert_type(result, discagg.Identification)
    medium = result.state("medium")
    assert_type(medium, StateIdentification)
    medium.realization, medium.ranges, medium.identified           # weights by micro state, their ranges, True
    test = medium.inhibiting_test                                  # None where P(xbar) = 0 or no run had xbar
    assert_type(test, InhibitingTest | None)
    assert test is not None and test.p_value > 0.05                # not rejected: "medium" was inhibiting (p 0.50)
    assert_type(test.p_value, float)


def searching() -> None:
    """``## Searching for meaningful macro variables``: the Python example."""
    found = discagg.coarsen("net:sachs", "Raf,Mek:sum", "Erk,Akt:sum>=2", 4)
    assert_type(found, discagg.CoarseningSearch)
    given = found.given                                # the cause's own map (None without one)
    assert given is not None
    found.value, found.optimal, given.value            # 0.0, True, 0.0467...: the sum of levels
    found.macro                                        # {'0': ['LOW,LOW', 'LOW,AVG'], '1': [...], ...}
    model = found.to_model()                           # what --out writes; discagg.solve(model) is inhibiting
    assert_type(model, discagg.CausalModel)
    runs = discagg.coarsen("net:sachs", "Raf,Mek:sum", "Erk,Akt:sum>=2", 3, atoms="macro", contiguous=True)
    runs.value, runs.method                            # 0.0106..., 'dynamic-programming'
    part = discagg.causal_partition(discagg.load_model("net:sachs"), "Raf,Mek", "Erk,Akt:sum>=2")
    assert_type(part, discagg.CausalPartition)
    part.n_classes, part.clean                         # 3, True
