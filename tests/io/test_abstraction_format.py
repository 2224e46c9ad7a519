"""The discagg/abstraction-v1 and discagg/pairs-v1 files, and the shipped scenarios with their provenance."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from discagg import ModelError, abstraction_error
from discagg.core.abstraction import Pair
from discagg.io.abstraction_format import (
    dumps_abstraction,
    load_abstraction_spec,
    load_pairs,
    load_role_model,
    save_abstraction,
    scenario_names,
)

from conftest import DATA

VSTRUCT = {"format": "discagg/abstraction-v1", "name": "v", "variables": {
    "Smoking_": {"nodes": ["Smoking"], "map": {"table": {"0": "1", "1": "0"}}},
    "Cancer_": {"nodes": ["Cancer"], "map": {"table": {"0": "0", "1": "1"}}},
    "Fatigue_": {"nodes": ["Coughing", "Fatigue"], "map": {"sum": "index", "bins": [1]}}}}


def write(tmp_path, doc, name="map.json"):
    path = tmp_path / name
    path.write_text(json.dumps(doc) if not isinstance(doc, str) else doc)
    return path


def test_a_written_map_reads_back_and_gives_the_same_error(tmp_path):
    micro, macro = load_role_model("scenario:vstruct", "micro"), load_role_model("scenario:vstruct", "macro")
    doc = json.loads(json.dumps(VSTRUCT))
    doc["variables"]["Fatigue_"]["map"] = {"table": {"0,0": "0", "0,1": "1", "1,0": "1", "1,1": "1"}}
    spec = load_abstraction_spec(write(tmp_path, doc))
    bound = spec.bind(micro, macro)
    assert bound.variables["Fatigue_"].image.tolist() == [0, 1, 1, 1]
    path = tmp_path / "out.json"
    save_abstraction(bound, path)
    again = load_abstraction_spec(path).bind(micro, macro)
    assert again == bound
    assert dumps_abstraction(again) == path.read_text()
    assert abstraction_error(micro, macro, again).overall == abstraction_error(micro, macro, bound).overall


@pytest.mark.parametrize("edit, message", [
    (lambda d: d.update(format="discagg/abstraction-v2"), "format: expected 'discagg/abstraction-v1'"),
    (lambda d: d.pop("variables"), "variables: expected this key to be present"),
    (lambda d: d.update(extra=1), "extra: expected only the keys"),
    (lambda d: d["variables"].update(Cancer_=[]), "variables.Cancer_: expected an object with 'nodes'"),
    (lambda d: d["variables"]["Cancer_"].pop("map"), "variables.Cancer_.map: expected this key to be present"),
    (lambda d: d["variables"]["Cancer_"].update(nodes="Cancer"), "variables.Cancer_.nodes: expected a list"),
    (lambda d: d["variables"]["Cancer_"].update(map=[1]), "variables.Cancer_.map: expected a map specification"),
    (lambda d: d.update(variables={}), "variables: expected at least one macro node"),
])
def test_bad_documents_name_the_file_and_key(tmp_path, edit, message):
    doc = json.loads(json.dumps(VSTRUCT))
    edit(doc)
    path = write(tmp_path, doc)
    with pytest.raises(ModelError, match=re.escape(f"{path}: {message}")):
        load_abstraction_spec(path)


def test_maps_may_be_left_out_for_learning(tmp_path):
    doc = json.loads(json.dumps(VSTRUCT))
    del doc["variables"]["Cancer_"]["map"]
    spec = load_abstraction_spec(write(tmp_path, doc), require_maps=False)
    assert spec.variables["Cancer_"] == (("Cancer",), None) and not spec.has_maps


def test_a_map_that_misses_the_macro_states_is_refused_with_its_key():
    micro, macro = load_role_model("scenario:vstruct", "micro"), load_role_model("scenario:vstruct", "macro")
    from discagg.core.abstraction import AbstractionSpec

    spec = AbstractionSpec({m: (tuple(v["nodes"]), v["map"]) for m, v in VSTRUCT["variables"].items()})
    with pytest.raises(ModelError, match=re.escape("variables.Fatigue_.map: expected macro states of node "
                                                   "'Fatigue_' ['0', '1'], found the map producing '<1'")):
        spec.bind(micro, macro)


def test_pairs_file(tmp_path):
    names = ("Smoking_", "Cancer_", "Fatigue_")
    path = write(tmp_path, {"format": "discagg/pairs-v1", "pairs": [
        {"sources": ["Smoking_", "Cancer_"], "targets": ["Fatigue_"]}]}, "pairs.json")
    assert load_pairs(path, names) == (Pair(("Smoking_", "Cancer_"), ("Fatigue_",)),)
    for doc, message in [
        ({"format": "discagg/pairs-v1", "pairs": [{"sources": ["X"], "targets": ["Cancer_"]}]},
         "pairs[0].sources[0]: expected a macro node"),
        ({"format": "discagg/pairs-v1", "pairs": {}}, "pairs: expected a list"),
        ({"format": "discagg/pairs-v1", "pairs": [{"sources": ["Smoking_"]}]}, "pairs[0].targets: expected this key"),
        ({"format": "pairs", "pairs": []}, "format: expected 'discagg/pairs-v1'"),
    ]:
        bad = write(tmp_path, doc, "bad.json")
        with pytest.raises(ModelError, match=re.escape(f"{bad}: {message}")):
            load_pairs(bad, names)


def test_unknown_scenario():
    with pytest.raises(ModelError, match=re.escape("scenario:nope: expected a shipped scenario ['basic', 'collapsing', "
                                                   "'extended', 'vstruct']")):
        load_role_model("scenario:nope", "micro")
    with pytest.raises(ModelError, match="expected a shipped scenario"):
        load_abstraction_spec("scenario:../basic")


def test_scenario_files_are_the_package_data():
    folder = DATA / "abstraction"
    assert sorted(p.name for p in folder.glob("*-map.json")) == [f"{n}-map.json" for n in scenario_names()]
    provenance = (folder / "PROVENANCE.md").read_text()
    assert "FMZennaro/CausalAbstraction" in provenance and "4a256be9a1df0971e419f80c2e2c1d16b34bb67a" in provenance
    import tomllib

    from conftest import ROOT

    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["discagg.data"]
    assert "abstraction/*.json" in globs and "abstraction/PROVENANCE.md" in globs


def test_scenario_numbers_are_zennaro_et_al_models():
    # spot checks against smokingmodels.py (pgmpy columns are parent configurations; discagg rows are)
    vstruct = load_role_model("scenario:vstruct", "micro")
    assert vstruct.nodes["Cancer"].parents == ("Smoking", "Genetics")
    np.testing.assert_array_equal(vstruct.nodes["Cancer"].cpt[:, :, 0], [[0.15, 0.85], [0.65, 0.75]])
    np.testing.assert_array_equal(vstruct.nodes["Fatigue"].cpt[:, :, 0], [[0.42, 0.75], [0.65, 0.33]])
    extended = load_role_model("scenario:extended", "micro")
    np.testing.assert_array_equal(extended.nodes["Tar"].cpt, [[0.6, 0.3, 0.1], [0.55, 0.25, 0.2], [0.1, 0.4, 0.5],
                                                               [0.1, 0.4, 0.5]])
    collapsing = load_role_model("scenario:collapsing", "macro")
    np.testing.assert_array_equal(collapsing.nodes["Tar_"].cpt, [[1.0, 0.0], [0.2, 0.8]])
    fatigue = load_abstraction_spec("scenario:vstruct").variables["Fatigue_"]
    assert fatigue == (("Coughing", "Fatigue"), {"table": {"0,0": "1", "0,1": "0", "1,0": "1", "1,1": "0"}})
