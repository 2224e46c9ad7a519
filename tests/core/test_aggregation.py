import math
import warnings

import numpy as np
import pytest
from hypothesis import given

from discagg import (
    Aggregation,
    CausalModel,
    Coarsening,
    CoarseningWarning,
    ModelError,
    Node,
    Query,
    RealizationError,
    RealizationFamily,
    inspect_model,
    marginal,
)

from strategies import triangle_models, with_node_replaced

EQ = 1e-12  # arithmetic noise on these tiny models; far below DEFAULT_TOLERANCE.equality


def two_by_two_by_two():
    """The hand-computed 2x2x2 triangle of the tests below."""
    z = Node("Z", ["z0", "z1"], [], [0.6, 0.4])
    x = Node("X", ["x0", "x1"], ["Z"], [[0.8, 0.2], [0.3, 0.7]])
    y = Node("Y", ["y0", "y1"], ["X", "Z"], [[[0.9, 0.1], [0.6, 0.4]],
                                             [[0.5, 0.5], [0.1, 0.9]]])
    macro = {"X": Coarsening.from_mapping("X", x.states, {"any": ["x0", "x1"]})}
    with pytest.warns(CoarseningWarning):
        macro["Y"] = Coarsening.from_mapping("Y", y.states, {"n": ["y0"], "y": ["y1"]})
    return CausalModel([z, x, y], macro=macro, query=Query("X", "Y"))


def test_hand_computed_2x2x2():
    agg = Aggregation.of(two_by_two_by_two())
    # P(X) = (0.6*0.8 + 0.4*0.3, 0.6*0.2 + 0.4*0.7)
    np.testing.assert_allclose(agg.p_cause, [0.6, 0.4], atol=EQ)
    # P(x0, y1) = 0.48*0.1 + 0.12*0.4 = 0.096;  P(x1, y1) = 0.12*0.5 + 0.28*0.9 = 0.312
    np.testing.assert_allclose(agg.joint, [[0.504, 0.096], [0.088, 0.312]], atol=EQ)
    # P(y1 | do(x0)) = 0.6*0.1 + 0.4*0.4;  P(y1 | do(x1)) = 0.6*0.5 + 0.4*0.9
    np.testing.assert_allclose(agg.kernel, [[0.78, 0.22], [0.34, 0.66]], atol=EQ)
    np.testing.assert_allclose(agg.p_macro, [1.0], atol=EQ)
    np.testing.assert_allclose(agg.observational, [[0.592, 0.408]], atol=EQ)
    natural = agg.natural_realization()
    assert natural.distribution("any") == pytest.approx({"x0": 0.6, "x1": 0.4}, abs=EQ)
    # natural: 0.6*0.22 + 0.4*0.66 = 0.396
    np.testing.assert_allclose(agg.interventional(natural), [[0.604, 0.396]], atol=EQ)
    gap = agg.gap(natural)
    assert gap.total_variation[0] == pytest.approx(0.012, abs=EQ)
    assert gap.max_abs[0] == pytest.approx(0.012, abs=EQ)
    kl = 0.592 * math.log(0.592 / 0.604) + 0.408 * math.log(0.408 / 0.396)
    assert gap.kl[0] == pytest.approx(kl, abs=EQ)
    assert not gap.inhibiting[0]
    # a given realization: 0.25*0.22 + 0.75*0.66 = 0.55
    family = RealizationFamily.from_mapping(agg.cause_map, {"any": {"x0": 0.25, "x1": 0.75}})
    np.testing.assert_allclose(agg.interventional(family), [[0.45, 0.55]], atol=EQ)
    assert agg.gap(family).total_variation[0] == pytest.approx(0.142, abs=EQ)
    # micro confounding: P(y1|x0) = 0.16 vs 0.22;  P(y1|x1) = 0.78 vs 0.66
    micro = agg.micro_confounding()
    np.testing.assert_allclose(micro.effect_tv, [0.06, 0.12], atol=EQ)
    np.testing.assert_allclose(micro.macro_effect_tv, [0.06, 0.12], atol=EQ)
    assert micro.confounded and micro.macro_confounded


@given(triangle_models(confounded=False))
def test_theorem_3_1_natural_realization_inhibits_in_unconfounded_models(model):
    agg = Aggregation.of(model)
    gap = agg.gap(agg.natural_realization())
    assert np.array_equal(gap.defined, agg.supported)
    assert np.all(gap.total_variation[agg.supported] <= 1e-12)
    assert gap.inhibiting[agg.supported].all()
    assert not agg.micro_confounding().confounded


@given(triangle_models(independent_x=True))
def test_natural_realization_inhibits_when_x_is_independent_of_z(model):
    agg = Aggregation.of(model)
    do = agg.interventional(agg.natural_realization())
    s = agg.supported
    np.testing.assert_allclose(do[s], agg.observational[s], rtol=0, atol=1e-12)


@given(triangle_models())
def test_macro_quantities_are_consistent(model):
    agg = Aggregation.of(model)
    s = agg.supported
    np.testing.assert_allclose(agg.p_macro.sum(), 1.0, atol=1e-9)
    np.testing.assert_allclose(agg.observational[s].sum(axis=1), 1.0, atol=1e-9)
    assert np.isnan(agg.observational[~s]).all()
    # law of total probability: Σ_x̄ P(x̄) P(Ȳ | x̄) = P(Ȳ)
    p_y = agg.effect_map.push_forward(marginal(model, ["Y"]))
    np.testing.assert_allclose(agg.p_macro[s] @ agg.observational[s], p_y, atol=1e-12)
    np.testing.assert_allclose(agg.kernel.sum(axis=1), 1.0, atol=1e-9)


@given(triangle_models())
def test_interventional_equals_soft_intervention_on_the_model(model):
    """P(Ȳ | do(x̄)) under q equals P(Ȳ) in the model where X's CPT is replaced by q."""
    agg = Aggregation.of(model)
    family = agg.natural_realization()
    do = agg.interventional(family)
    x = model.nodes["X"]
    for k in np.flatnonzero(family.defined):
        q = np.where(agg.cause_map.assignment == k, family.weights, 0.0)
        soft = with_node_replaced(model, Node("X", x.states, [], q / q.sum()))
        expected = agg.effect_map.push_forward(marginal(soft, ["Y"]))
        np.testing.assert_allclose(do[k], expected, rtol=0, atol=1e-12)


def unsupported_model():
    z = Node("Z", ["z0", "z1"], [], [0.5, 0.5])
    x = Node("X", ["x0", "x1", "x2"], ["Z"], [[0.5, 0.5, 0.0], [0.2, 0.8, 0.0]])
    y = Node("Y", ["y0", "y1", "y2"], ["X", "Z"], [[[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]]] * 3)
    macro = {"X": Coarsening.from_mapping("X", x.states, {"ab": ["x0", "x1"], "c": ["x2"]}),
             "Y": Coarsening.from_mapping("Y", y.states, {"lo": ["y0"], "hi": ["y1", "y2"]})}
    return CausalModel([z, x, y], macro=macro, query=Query("X", "Y"))


def test_unsupported_macro_state_gets_no_conditional_and_no_gap():
    agg = Aggregation.of(unsupported_model())
    assert agg.supported.tolist() == [True, False]
    assert np.isnan(agg.observational[1]).all()
    natural = agg.natural_realization()
    assert natural.defined.tolist() == [True, False]
    with pytest.raises(RealizationError, match="none defined"):
        natural.distribution("c")
    # An intervention on an unsupported state is still meaningful; its gap is not.
    family = RealizationFamily.from_mapping(agg.cause_map, {"ab": {"x0": 1.0}, "c": {"x2": 1.0}})
    do = agg.interventional(family)
    np.testing.assert_allclose(do[1], [0.4, 0.6], atol=EQ)
    gap = agg.gap(family)
    assert gap.defined.tolist() == [True, False] and np.isnan(gap.total_variation[1])
    report = inspect_model(unsupported_model())
    # X̄ = ab almost surely, so conditioning on it selects nothing: P(Ȳ | ab) = P(Ȳ | do(ab)).
    assert [s.status for s in report.states] == ["inhibiting", "unsupported"]
    assert report.to_dict()["macro_states"][1] == {"state": "c", "status": "unsupported", "probability": 0.0}


@pytest.mark.parametrize(
    ("mapping", "path", "fragment"),
    [
        ({"ab": {"x0": 0.5, "x2": 0.5}}, "realization.ab.x2", "in the fibre of 'ab'"),
        ({"ab": {"x0": -0.5, "x1": 1.5}}, "realization.ab.x0", "non-negative"),
        ({"ab": {"x0": 0.5, "x1": 0.4}}, "realization.ab", "summing to 1"),
        ({"zz": {"x0": 1.0}}, "realization.zz", "a macro state of 'X'"),
        ({"ab": {"x0": "1"}}, "realization.ab.x0", "a number"),
        ({"ab": {"x0": float("nan"), "x1": 1.0}}, "realization.ab.x0", "finite"),
    ],
)
def test_realization_family_validation(mapping, path, fragment):
    pi = unsupported_model().coarsening("X")
    with pytest.raises(RealizationError) as info:
        RealizationFamily.from_mapping(pi, mapping)
    assert info.value.path == path
    assert fragment in str(info.value)


def test_realization_for_another_coarsening_is_rejected():
    agg = Aggregation.of(unsupported_model())
    other = Coarsening.from_mapping("X", ["x0", "x1", "x2"], {"a": ["x0"], "bc": ["x1", "x2"]})
    family = RealizationFamily.from_mapping(other, {"a": {"x0": 1.0}})
    with pytest.raises(ModelError, match="realization family for the coarsening of 'X'"):
        agg.interventional(family)


def test_cause_and_effect_resolution():
    model = unsupported_model()
    with pytest.raises(ModelError, match="found 'W'"):
        Aggregation.of(model, cause="W")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a bare node gets the identity coarsening, without a warning
        identity = Aggregation.of(model, cause="Z")
    assert identity.cause_map.macro_states == model.nodes["Z"].states
    assert identity.cause_map.assignment.tolist() == list(range(model.cardinality("Z")))
    assert "Z" not in model.macro  # the caller's model is unchanged
    with pytest.raises(ModelError, match="different cause and effect"):
        Aggregation.of(model, cause="Y", effect="Y")
    bare = CausalModel(list(model.nodes.values()), macro=dict(model.macro))
    with pytest.raises(ModelError, match="add a 'query'"):
        Aggregation.of(bare)
    assert Aggregation.of(bare, "X", "Y").cause == "X"


def test_shipped_examples_behave_as_described():
    from discagg import load_model

    from conftest import DATA

    for name in ("unconfounded", "shops"):
        report = inspect_model(load_model(DATA / f"{name}.json"))
        assert not report.micro_confounded and not report.macro_confounded
    for name in ("inducing", "cholesterol"):
        report = inspect_model(load_model(DATA / f"{name}.json"))
        assert report.micro_confounded and report.macro_confounded
    inducing = inspect_model(load_model(DATA / "inducing.json"))
    assert all(s.status == "inducing" and s.gap > 0.04 for s in inducing.states)
