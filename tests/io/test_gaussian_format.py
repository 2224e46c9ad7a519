"""``discagg/gaussian-v1``: the shipped specs load, and every bad spec is one ModelError naming the key path."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from discagg import ModelError, load_gaussian, loads_gaussian
from discagg.io.shipped import gaussian_example_names

GOOD = {"format": "discagg/gaussian-v1", "name": "g", "mean": [0.0, 1.0], "cov": [[2.0, 0.5], [0.5, 1.0]],
        "alpha": [1.0, 3.0], "noise_mean": 0.0, "noise_var": 1.0, "noise_cov": [0.5, 0.0], "w": [1.0, 1.0]}


def doc(**changes):
    d = copy.deepcopy(GOOD)
    for key, value in changes.items():
        if value is None:
            del d[key]
        else:
            d[key] = value
    return json.dumps(d)


def test_shipped_specs_load_with_their_provenance():
    assert gaussian_example_names() == ("hours-and-pay", "promotion", "shops")
    for name in gaussian_example_names():
        m = load_gaussian(f"example:{name}")
        assert m.name == name and "Zhu, Budhathoki" in m.provenance and "chosen here" in m.provenance
        assert len(m.variables) == m.n
    promotion = load_gaussian("example:promotion")
    gamma = promotion.alpha / 2                        # the provenance's reduced prices
    assert np.allclose(promotion.x_noise_cov, gamma * np.diag(promotion.cov), rtol=0, atol=0)
    assert promotion.noise_var == gamma @ promotion.cov @ gamma and promotion.noise_mean == gamma @ promotion.mean


def test_defaults():
    m = loads_gaussian(doc(noise_mean=None, noise_var=None, noise_cov=None, w=None, name=None), source="s.json",
                       default_name="s")
    assert (m.noise_mean, m.noise_var, m.name, m.variables) == (0.0, 0.0, "s", ("X1", "X2"))
    assert m.weights.tolist() == [1.0, 1.0] and not m.confounded


@pytest.mark.parametrize("changes, message", [
    ({"format": "discagg/model-v1"}, "format: expected 'discagg/gaussian-v1', found str 'discagg/model-v1'"),
    ({"mean": None}, "mean: expected this key to be present, found it missing"),
    ({"extra": 1}, "extra: expected only the keys"),
    ({"mean": [1.0]}, "mean: expected at least 2 micro causes"),
    ({"mean": [0.0, "a"]}, "mean[1]: expected a number, found str 'a'"),
    ({"alpha": [1.0]}, "alpha: expected 2 numbers (as many as in mean), found 1"),
    ({"cov": [[1.0, 0.0]]}, "cov: expected a 2 x 2 matrix (n = len(mean)), found 1 rows"),
    ({"cov": [[1.0, 0.0], [0.0]]}, "cov[1]: expected a row of 2 numbers (n = len(mean)), found 1 numbers"),
    ({"cov": [[1.0, 0.5], [0.4, 1.0]]}, "cov[0][1]: expected a symmetric matrix (within 1e-09 relative), "
                                        "found cov[0][1] = 0.5 but cov[1][0] = 0.4"),
    ({"cov": [[1.0, 2.0], [2.0, 1.0]]}, "cov: expected a positive semidefinite matrix, found smallest eigenvalue -1"),
    ({"noise_var": -0.5}, "noise_var: expected a variance >= 0, found -0.5"),
    ({"noise_cov": [3.0, 0.0]}, "noise_cov: expected Cov(X, N) with which the joint covariance of (X, N) is "
                                "positive semidefinite"),
    ({"noise_var": 0.0}, "noise_cov: expected Cov(X, N) with which"),      # no noise, yet correlated with X
    ({"w": [0.0, 0.0]}, "w: expected aggregation weights not all zero, found all zero"),
    ({"w": [1.0, 1.0, 1.0]}, "w: expected 2 numbers (as many as in mean), found 3"),
    ({"cov": [[1.0, -1.0], [-1.0, 1.0]], "noise_cov": [0.0, 0.0]},
     "w: expected weights with w' cov w > 0 (X̄ = w'X must vary), found w' cov w = 0"),
    ({"variables": ["a", "a"]}, "variables: expected distinct non-empty names"),
    ({"provenance": 3}, "provenance: expected a string, found int 3"),
])
def test_bad_specs(changes, message):
    with pytest.raises(ModelError) as info:
        loads_gaussian(doc(**changes), source="spec.json")
    text = str(info.value)
    assert text.startswith(f"spec.json: {message}"), text
    assert "\n" not in text


def test_non_finite_and_unknown_example():
    with pytest.raises(ModelError, match=r"^spec.json: mean\[0\]: expected a number, found the number 1e400"):
        loads_gaussian(doc().replace('"mean": [0.0', '"mean": [1e400'), source="spec.json")
    with pytest.raises(ModelError, match=r"^example:nope: expected a shipped linear-Gaussian spec"):
        load_gaussian("example:nope")
    with pytest.raises(ModelError, match=r"^example:\.\./shops: expected a shipped"):
        load_gaussian("example:../shops")
