"""The installed console script runs the abstraction commands from another directory, on the shipped scenarios."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import installed_discagg as discagg


def test_abstraction_and_learning_on_a_shipped_scenario(away):
    result = discagg("abstraction", "scenario:vstruct", "scenario:vstruct", "--map", "scenario:vstruct", "--json",
                     cwd=away)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    doc = json.loads(result.stdout)  # one JSON document and nothing else on stdout
    assert doc["metric"] == "jsd" and doc["base"] == 2.0 and len(doc["pairs"]) == 3
    result = discagg("learn-abstraction", "scenario:vstruct", "scenario:vstruct", "--variables", "scenario:vstruct",
                     "--out", "learned.json", "--json", cwd=away)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    doc = json.loads(result.stdout)
    assert doc["optimal"] and doc["distance"]["l1"] == 0
    assert json.loads((away / "learned.json").read_text())["format"] == "discagg/abstraction-v1"


def test_best_mechanism_prints_nothing_but_its_json(away):
    # cvxpy and Clarabel run for the Jensen-Shannon centre: nothing of theirs may reach stdout
    result = discagg("abstraction", "example:cholesterol", "--map", str(_cholesterol_map(away)), "--json", cwd=away)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    doc = json.loads(result.stdout)
    assert doc["mechanism"] == "best" and doc["exact"] is False
    assert all(p["lower_bound"] <= p["error"] + 1e-12 for p in doc["pairs"])


def _cholesterol_map(folder: Path) -> Path:
    path = folder / "map.json"
    path.write_text(json.dumps({"format": "discagg/abstraction-v1", "variables": {
        "Lipids": {"nodes": ["Lipids"], "map": {"table": {"LDLlo_HDLlo": "low", "LDLlo_HDLhi": "medium",
                                                          "LDLhi_HDLlo": "medium", "LDLhi_HDLhi": "high"}}},
        "Heart": {"nodes": ["HeartDisease"], "map": {"table": {"none": "no", "angina": "yes",
                                                               "infarction": "yes"}}}}}))
    return path


def test_help(away):
    for command in ("abstraction", "learn-abstraction"):
        result = discagg(command, "--help", cwd=away)
        assert result.returncode == 0 and result.stdout.startswith("usage: discagg") and result.stderr == ""
