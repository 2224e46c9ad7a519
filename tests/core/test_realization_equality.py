"""RealizationFamily compares by value: equal coarsening, exactly equal weights and defined macro states."""

from __future__ import annotations

import numpy as np
import pytest

from discagg import Aggregation, Coarsening, RealizationFamily, load_model
from discagg.io.side_files import load_realization, save_realization

STATES = ["x0", "x1", "x2"]
MAPPING = {"low": ["x0", "x1"], "high": ["x2"]}


def family(weights: list[float], defined: list[bool] | None = None, node: str = "X") -> RealizationFamily:
    return RealizationFamily.from_weights(Coarsening.from_mapping(node, STATES, MAPPING), weights, defined)


def test_equal_values_are_equal_families_and_hash_alike():
    a, b = family([0.25, 0.75, 1.0]), family([0.25, 0.75, 1.0])
    assert a is not b and a.coarsening is not b.coarsening
    assert a == b and not a != b
    assert hash(a) == hash(b)
    assert len({a, b}) == 1 and {a: 1}[b] == 1


def test_each_field_tells_families_apart():
    base = family([0.25, 0.75, 1.0])
    assert base != family([0.75, 0.25, 1.0])                                  # other weights
    assert base != family([0.25, 0.75 + 1e-15, 1.0])                          # exactly, no tolerance
    assert family([0.25, 0.75, 0.0], [True, False]) == family([0.25, 0.75, 0.0], [True, False])
    assert base != family([0.25, 0.75, 1.0], node="Z")                        # other coarsening (node)
    other = RealizationFamily.from_weights(
        Coarsening.from_mapping("X", STATES, {"low": ["x0"], "high": ["x1", "x2"]}), [1.0, 0.25, 0.75])
    assert base != other                                                      # other fibres
    assert base != "RealizationFamily" and base.__eq__(object()) is NotImplemented


def test_defined_mask_matters_with_equal_weights():
    pi = Coarsening.from_mapping("X", STATES, MAPPING)
    # weights zero on an undefined fibre; the same vector cannot be defined there (it would not sum to 1),
    # so compare two coarsenings' families built from the same mapping with one macro state left out
    only_low = RealizationFamily.from_mapping(pi, {"low": {"x0": 1.0}})
    both = RealizationFamily.from_mapping(pi, {"low": {"x0": 1.0}, "high": {"x2": 1.0}})
    assert only_low != both
    assert only_low == RealizationFamily.from_weights(pi, [1.0, 0.0, 0.0], [True, False])


def test_negative_zero_weight_is_equal_and_hashes_alike():
    a, b = family([1.0, 0.0, 1.0]), family([1.0, -0.0, 1.0])
    assert a == b and hash(a) == hash(b)


def test_round_trip_through_the_realization_file(tmp_path):
    model = load_model("example:cholesterol")
    natural = Aggregation.of(model).natural_realization()
    path = tmp_path / "natural.json"
    save_realization(natural, path)
    again = load_realization(path, model)
    assert again == natural and hash(again) == hash(natural)
    pi = natural.coarsening
    uniform = RealizationFamily.from_weights(pi, 1.0 / np.bincount(pi.assignment)[pi.assignment])
    assert not np.array_equal(uniform.weights, natural.weights)  # P(X | xbar) is not uniform on cholesterol
    assert again != uniform


@pytest.mark.parametrize("name", ["cholesterol", "counterexample"])
def test_natural_realization_is_equal_when_computed_twice(name):
    model = load_model(f"example:{name}")
    assert Aggregation.of(model).natural_realization() == Aggregation.of(load_model(f"example:{name}")) \
        .natural_realization()
