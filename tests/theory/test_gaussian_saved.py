"""A GaussianAnalysis through its JSON: read back equal (arrays exactly), on the shipped specs and random models."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import discagg
from discagg import GaussianAnalysis, GaussianModel, ModelError, gaussian_analysis, load_gaussian
from discagg.io.gaussian_format import gaussian_from_dict, gaussian_to_dict

SPECS = ("shops", "hours-and-pay", "promotion")


def through_json(document: dict) -> dict:
    """What a reader of the printed JSON gets (the CLI prints with json.dumps, indent 2, no NaN)."""
    return json.loads(json.dumps(document, indent=2, allow_nan=False))


def round_trip(analysis: GaussianAnalysis) -> GaussianAnalysis:
    loaded = GaussianAnalysis.from_dict(through_json(analysis.to_dict()))
    assert loaded == analysis and loaded is not analysis
    assert loaded.to_dict() == analysis.to_dict() and str(loaded) == str(analysis) and repr(loaded) == repr(analysis)
    return loaded


@pytest.mark.parametrize("name", SPECS)
@pytest.mark.parametrize("options", [{}, {"xbar": [0.0, 95.5, -3.25]}, {"beta": 2.5, "xbar": [1.0]},
                                     {"shift": "w / w'w"}])
def test_the_shipped_specs_read_back_equal(name, options):
    model = load_gaussian(f"example:{name}")
    if "shift" in options:
        options = {"shift": (model.weights / (model.weights @ model.weights)).tolist()}   # not the default
    loaded = round_trip(gaussian_analysis(model, **options))
    assert loaded.model == model and np.array_equal(loaded.shift.h, gaussian_analysis(model, **options).shift.h)
    assert loaded.shift.h.flags.writeable is False and loaded.natural.realization.cov.flags.writeable is False


def test_equality_sees_one_changed_entry():
    analysis = gaussian_analysis(load_gaussian("example:shops"), xbar=[90.0], beta=2.5)
    document = through_json(analysis.to_dict())
    for change in (lambda d: d["shift"]["H"][1].__setitem__(0, d["shift"]["H"][1][0] + 1e-12),
                   lambda d: d["at"][0]["realizations"]["natural"]["mean_x"].__setitem__(0, 0.5),
                   lambda d: d["natural"]["gap"].__setitem__("var", 1e-300),
                   lambda d: d["appendix_d"].__setitem__("caveat", "none")):
        changed = json.loads(json.dumps(document))
        change(changed)
        assert GaussianAnalysis.from_dict(changed) != analysis


@st.composite
def models(draw) -> GaussianModel:
    """Random (X, N) with joint covariance B B' of random rank, weights with zeros, alpha sometimes parallel to w."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(2, 4))
    b = rng.normal(size=(n + 1, draw(st.integers(1, n + 1)))) * rng.uniform(0.1, 10.0)
    joint = b @ b.T
    if not draw(st.booleans()):
        joint[:n, n] = joint[n, :n] = 0.0
    w = rng.normal(size=n)
    w[rng.random(n) < 0.3] = 0.0
    assume(np.any(w))
    alpha = w * rng.normal() if draw(st.integers(0, 3)) == 0 else rng.normal(size=n) * 3.0
    cov = joint[:n, :n]
    assume(w @ cov @ w > 1e-6 * np.abs(cov).max() * (w @ w))
    return GaussianModel(rng.normal(size=n) * 10.0, cov, alpha, noise_mean=float(rng.normal()),
                         noise_var=float(joint[n, n]), noise_cov=joint[:n, n], w=w,
                         variables=[f"x{i}" for i in range(n)])


@settings(max_examples=40, deadline=None)
@given(models(), st.lists(st.floats(-1e3, 1e3), max_size=3), st.none() | st.floats(-50, 50))
def test_random_models_read_back_equal(model, xbar, beta):
    assert gaussian_from_dict(through_json(gaussian_to_dict(model))) == model
    loaded = round_trip(gaussian_analysis(model, xbar=xbar, beta=beta))
    assert (loaded.inhibiting is None) == (gaussian_analysis(model).inhibiting is None)


def test_every_case_of_the_optional_parts_occurs_on_the_shipped_specs_or_a_parallel_alpha():
    """No inhibiting family and a requested beta that does not exist: alpha parallel to w."""
    model = GaussianModel([1.0, 2.0], np.diag([1.0, 4.0]), alpha=[2.0, 2.0], noise_var=1.0,
                          noise_cov=[0.5, 0.0])
    analysis = gaussian_analysis(model, beta=1.0, xbar=[3.0])
    assert analysis.inhibiting is None and analysis.beta is not None and not analysis.beta.exists
    loaded = round_trip(analysis)
    assert loaded.beta is not None and loaded.beta.delta is None and "inhibiting" not in loaded.evaluations[0].realizations


def document() -> dict:
    return through_json({"spec": "example:shops",
                         **gaussian_analysis(load_gaussian("example:shops"), xbar=[90.0], beta=2.5).to_dict()})


def delete(*keys: str):
    def change(doc: dict) -> None:
        for key in keys[:-1]:
            doc = doc[key]
        del doc[keys[-1]]
    return change


@pytest.mark.parametrize(("change", "message"), [
    (delete("gaussian"), "gaussian: expected this key to be present, found it missing"),
    (delete("shift", "H_inverse"), "shift.H_inverse: expected this key to be present"),
    (lambda d: d["gaussian"].update(format="discagg/gaussian-v2"),
     "gaussian.format: expected 'discagg/gaussian-v1', found str 'discagg/gaussian-v2'"),
    (lambda d: d["gaussian"]["cov"][0].__setitem__(1, 5.0), "gaussian.cov[0][1]: expected a symmetric matrix"),
    (lambda d: d["gaussian"].update(alpha=[1.0, 2.0]), "macro.mean_ybar: expected float 140.0 (what the model in 'gaussian' gives), found float 180.0"),
    (lambda d: d["natural"].update(inhibiting="yes"), "natural.inhibiting: expected true or false, found str"),
    (lambda d: d["shift"]["H"].append([1.0, 2.0]), "shift.H: expected a 2 x 2 matrix"),
    (lambda d: d["beta"].update(delta=None), "beta.delta: expected a value exactly when 'exists' is true"),
    (lambda d: d["at"][0]["realizations"].pop("inhibiting"), "at[0].realizations: expected an entry for each of"),
    (lambda d: d["at"][0]["realizations"]["natural"].update(mean="90"),
     "at[0].realizations.natural.mean: expected a number, found str"),
    (lambda d: d.update(extra=1), "extra: expected only the keys"),
    (lambda d: d.update(model="other"), "model: expected str 'shops'"),
])
def test_a_document_not_as_written_names_the_file_and_key_path(change, message, tmp_path):
    doc = document()
    change(doc)
    with pytest.raises(ModelError) as info:
        GaussianAnalysis.from_dict(doc)
    assert message in str(info.value)
    path = tmp_path / "analysis.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ModelError) as info:
        discagg.load_gaussian_analysis(path)
    assert str(info.value).startswith(f"{path}: ") and message in str(info.value)


def test_a_file_that_is_not_json_names_the_file(tmp_path):
    path = tmp_path / "analysis.json"
    path.write_text("{")
    with pytest.raises(ModelError, match=r"analysis\.json: line 1"):
        discagg.load_gaussian_analysis(path)
