"""Every result's repr is one line under a stated bound, on the shipped examples and on large models.

The large models (a 2^12-state cause, 300 Gaussian micro causes with long names,
a 40-node chain) prove that the bound does not grow with the model: before, the
reprs of StateIdentification, GaussianModel and GaussianRealization printed
whole mappings and arrays.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import discagg
from discagg import Aggregation, CausalModel, Coarsening, Node, Query, identify, identify_experiments, load_model
from discagg.core.gaussian import GaussianModel, GaussianRealization, LinearGaussian
from discagg.core.scm import StructuralModel
from discagg.io.gaussian_format import load_gaussian
from discagg.io.shipped import example_names
from discagg.theory.gaussian import gaussian_analysis
from discagg.theory.gaussian_constructions import absorbing_realization, natural_realization

LIMIT = 120           # discagg.report.short.LIMIT: every repr but GaussianAnalysis's
GAUSSIAN_LIMIT = 160  # GaussianAnalysis states P(Ybar | xbar) and four verdicts
GAUSSIAN_SPECS = ("hours-and-pay", "promotion", "shops")


def one_line(value: object, limit: int = LIMIT) -> str:
    text = repr(value)
    assert "\n" not in text and len(text) < limit, (len(text), text)
    return text


def runs(model: CausalModel, n: int, seed: int) -> pd.DataFrame:
    """Runs under the natural realization, recording the cause's macro state and the effect's micro state."""
    agg = Aggregation.of(model)
    frame = discagg.sample(model, n, seed)
    macro = agg.cause_map.assignment[np.array([agg.cause_map.micro_states.index(v) for v in frame[agg.cause]])]
    return pd.DataFrame({agg.cause: np.array(agg.cause_map.macro_states)[macro], agg.effect: frame[agg.effect]})


@pytest.mark.parametrize("name", example_names())
def test_shipped_examples(name):
    model = load_model(f"example:{name}")
    agg = Aggregation.of(model)
    one_line(agg.natural_realization())
    if name != "counterexample":  # its Y has parents with many configurations: enumerating responses is not the point
        scm = StructuralModel.markov(model)
        text = one_line(scm)
        assert text.startswith(f"StructuralModel(model={model.name!r}, {len(model.nodes)} nodes, "
                               f"{len(scm.blocks)} blocks")
        for block in scm.blocks:
            one_line(block)
    found = identify(agg, runs(model, 200, 0))
    for state in found.states:
        text = one_line(state)
        assert text.startswith(f"StateIdentification(state={state.state!r}, ")
    one_line(found, 200)  # Identification's own bound (tests/estimation/test_identification_repr.py)


def test_cholesterol_exact_lines():
    model = load_model("example:cholesterol")
    assert repr(StructuralModel.markov(model)) == \
        "StructuralModel(model='cholesterol', 3 nodes, 3 blocks, query Lipids -> HeartDisease)"
    frame = pd.DataFrame({"Lipids": ["medium"] * 4 + ["low"], "HeartDisease": ["no", "yes", "no", "no", "yes"]})
    result = identify(model, frame)
    low, medium, high = result.states
    p_low, p_medium = low.inhibiting_test.p_value, medium.inhibiting_test.p_value
    assert repr(low) == f"StateIdentification(state='low', 1 run, identified, inhibiting test p={p_low:.4g})"
    assert repr(medium) == f"StateIdentification(state='medium', 4 runs, identified, inhibiting test p={p_medium:.4g})"
    assert repr(high) == "StateIdentification(state='high', no runs, identified, no test)"
    several = identify_experiments(model, [frame, frame])
    assert repr(several) == ("Identifications(model='cholesterol', Lipids -> HeartDisease, 2 experiments, "
                             f"inhibition rejected in {2 * sum(p < 0.05 for p in (p_low, p_medium))} of 4 at 0.05)")


@pytest.mark.parametrize("name", GAUSSIAN_SPECS)
def test_shipped_gaussian_specs(name):
    model = load_gaussian(f"example:{name}")
    analysis = gaussian_analysis(model)
    text = one_line(analysis, GAUSSIAN_LIMIT)
    assert text.startswith(f"GaussianAnalysis(model={name!r}, Ybar|xbar ~ N(")
    assert f"beta {analysis.shift.beta:.6g})" in text
    model_text = one_line(model)
    assert model_text.startswith(f"GaussianModel(name={name!r}, {model.n} variables: ")
    obs = analysis.observational
    assert one_line(obs) == f"LinearGaussian(intercept={obs.intercept:.6g}, slope={obs.slope:.6g}, var={obs.var:.6g})"
    for report in analysis.realizations().values():
        one_line(report)
        one_line(report.interventional)
    one_line(analysis.appendix_d)
    one_line(natural_realization(model))
    one_line(absorbing_realization(model))


def test_shops_exact_lines():
    model = load_gaussian("example:shops")
    assert repr(model) == "GaussianModel(name='shops', 2 variables: product 1, product 2; unconfounded, noise var 0)"
    # section 3.1: P(Ybar | xbar) has slope (1*64 + 3*36) / 100 = 1.72 and variance 36*64*(3-1)^2 / 100 = 92.16
    assert repr(gaussian_analysis(model)) == ("GaussianAnalysis(model='shops', Ybar|xbar ~ N(8 + 1.72 xbar, 92.16): "
                                              "natural inhibiting, (9) holds, an inhibiting family, beta 1.72)")
    assert repr(LinearGaussian(-1.0, -0.1 - 0.2, 1 / 3)) == "LinearGaussian(intercept=-1, slope=-0.3, var=0.333333)"
    assert repr(GaussianRealization([1.0, 2.0], [0.5, 0.5], np.eye(2))) == \
        "GaussianRealization(2 variables, intercept [1, 2], slope [0.5, 0.5], cov rank 2)"


def test_a_cause_of_4096_states():
    n = 2**12
    micro = [f"micro_state_with_a_long_name_{i:05d}" for i in range(n)]
    rng = np.random.default_rng(0)
    x = Node("Cause_with_a_rather_long_name", micro, [], np.full(n, 1.0 / n))
    y = Node("Effect", ["no", "yes"], [x.name], np.column_stack([p := rng.uniform(0.1, 0.9, n), 1 - p]))
    pi = Coarsening.from_mapping(x.name, micro, {"first half": micro[: n // 2], "second half": micro[n // 2:]})
    model = CausalModel([x, y], macro={x.name: pi}, name="big", query=Query(x.name, "Effect"))
    agg = Aggregation.of(model)
    one_line(agg.natural_realization())
    frame = pd.DataFrame({x.name: rng.choice(["first half", "second half"], 600), "Effect": rng.choice(["no", "yes"],
                                                                                                        600)})
    found = identify(agg, frame)
    for state in found.states:
        assert state.realization is not None and len(repr(state.realization)) > 1000  # what the old repr printed
        text = one_line(state)
        assert text.startswith(f"StateIdentification(state={state.state!r}, {state.samples} runs, ")
    one_line(found, 200)
    one_line(identify_experiments(agg, [frame, frame.iloc[:300], frame.iloc[300:]]))


def test_300_gaussian_causes_with_long_names():
    n = 300
    names = [f"product number {i} with a long descriptive name" for i in range(n)]
    model = GaussianModel(np.arange(n, dtype=float), np.eye(n), alpha=np.linspace(1.0, 3.0, n),
                          noise_var=2.0, noise_cov=np.full(n, 0.01), name="a spec with a long name, " * 4,
                          variables=names)
    text = one_line(model)
    # names are cut (discagg.report.short.fit) until the line fits
    assert text.startswith("GaussianModel(name='a s") and ", 300 variables: product numbe" in text
    assert text.endswith(" (+299 more); confounded, noise var 2)")
    one_line(gaussian_analysis(model), GAUSSIAN_LIMIT + 20)  # the name is cut to 32 characters
    one_line(natural_realization(model))
    one_line(GaussianRealization(np.zeros(n), np.ones(n) / n, np.zeros((n, n))))


def test_a_40_node_chain():
    names = [f"node_{i:02d}_with_a_long_name_to_stretch_the_line" for i in range(40)]
    nodes = [Node(names[0], ["a", "b"], [], [0.5, 0.5])]
    nodes += [Node(names[i], ["a", "b"], [names[i - 1]], [[0.7, 0.3], [0.2, 0.8]]) for i in range(1, 40)]
    model = CausalModel(nodes, name="chain", query=Query(names[0], names[-1]))
    text = one_line(StructuralModel.markov(model))
    assert "40 nodes, 40 blocks" in text
