import json

import numpy as np
import pytest
from hypothesis import given

from discagg import ModelError, dumps_model, load_model, loads_model, model_from_dict, model_to_dict, save_model

from bad_inputs import CASES
from conftest import DATA
from strategies import triangle_models


@pytest.mark.parametrize("path", sorted(DATA.glob("*.json")), ids=lambda p: p.name)
def test_shipped_examples_are_canonical_and_described(path):
    text = path.read_text()
    model = load_model(path)
    assert model.description.strip(), "every shipped example has a description"
    assert model.query is not None
    assert dumps_model(model) == text  # saving reproduces the file exactly
    assert model_to_dict(model) == json.loads(text)


@given(triangle_models())
def test_round_trip_is_exact(model):
    text = dumps_model(model)
    again = loads_model(text)
    assert again == model
    for name, node in model.nodes.items():
        assert np.array_equal(again.nodes[name].cpt, node.cpt)  # bit-exact floats
    assert dumps_model(again) == text


def test_save_and_load_file(tmp_path):
    model = load_model(DATA / "cholesterol.json")
    target = tmp_path / "copy.json"
    save_model(model, target)
    assert load_model(target) == model
    assert [p.name for p in tmp_path.iterdir()] == ["copy.json"]  # no temporary left behind


def test_optional_keys_have_defaults(base_doc, tmp_path):
    for key in ("name", "description", "macro", "query"):
        base_doc.pop(key)
    path = tmp_path / "minimal.json"
    path.write_text(json.dumps(base_doc))
    model = load_model(path)
    assert model.name == "minimal"
    assert model.description == ""
    assert model.query is None and dict(model.macro) == {}


@pytest.mark.parametrize(("case", "make", "path", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises_model_error_naming_file_and_path(case, make, path, fragment, base_doc, tmp_path):
    target = tmp_path / f"{case}.json"
    target.write_text(make(base_doc))
    with pytest.raises(ModelError) as info:
        load_model(target)
    error = info.value
    assert isinstance(error, ValueError)
    message = str(error)
    assert "\n" not in message
    assert message.startswith(f"{target}: ")
    assert error.source == str(target)
    if path is not None:
        assert error.path is not None and error.path.startswith(path), error.path
    assert fragment in message


def test_unreadable_files(tmp_path):
    with pytest.raises(ModelError, match="no such file"):
        load_model(tmp_path / "absent.json")
    with pytest.raises(ModelError, match="expected a file, found a directory"):
        load_model(tmp_path)
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe{}")
    with pytest.raises(ModelError, match="expected UTF-8 text"):
        load_model(binary)


def test_model_from_dict_without_source_names_only_the_path(base_doc):
    base_doc["nodes"]["X"]["cpt"][0][0] = -1
    with pytest.raises(ModelError) as info:
        model_from_dict(base_doc)
    assert str(info.value).startswith("nodes.X.cpt[0][0]: expected")
