"""A document of one discagg format given where another belongs is refused by its format, not by its keys."""

from __future__ import annotations

import pytest

from discagg.errors import ModelError
from discagg.io.abstraction_format import load_abstraction_spec, load_pairs
from discagg.io.gaussian_format import load_gaussian
from discagg.io.model_format import load_json_model
from discagg.io.scm_format import load_scm
from discagg.io.side_files import load_realization

MODEL = "data/cholesterol.json"
SPEC = "data/gaussian/shops.json"


@pytest.mark.parametrize(("load", "path", "expected", "found"), [
    (load_gaussian, MODEL, "discagg/gaussian-v1", "discagg/model-v1"),
    (load_json_model, SPEC, "discagg/model-v1", "discagg/gaussian-v1"),
    (load_scm, MODEL, "discagg/scm-v1", "discagg/model-v1"),
    (load_abstraction_spec, MODEL, "discagg/abstraction-v1", "discagg/model-v1"),
    (lambda path: load_pairs(path, ("A",)), MODEL, "discagg/pairs-v1", "discagg/model-v1"),
    (lambda path: load_realization(path, load_json_model(MODEL)), SPEC, "discagg/realization-v1",
     "discagg/gaussian-v1"),
])
def test_another_format_is_named_as_such(load, path, expected, found):
    with pytest.raises(ModelError) as caught:
        load(path)
    assert str(caught.value) == f"{path}: format: expected {expected!r}, found str {found!r}"


def test_a_missing_format_is_still_a_missing_key(tmp_path):
    path = tmp_path / "spec.json"
    path.write_text('{"mean": [0], "cov": [[1]], "alpha": [1]}')
    with pytest.raises(ModelError, match=r"format: expected this key to be present"):
        load_gaussian(path)
