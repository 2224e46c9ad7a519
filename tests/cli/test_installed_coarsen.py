"""The installed console script runs ``discagg coarsen`` from another directory, and refuses bad inputs in one line."""

from __future__ import annotations

import json

import pytest

from conftest import installed_discagg as discagg


def test_coarsen_a_shipped_network_and_solve_the_model_written(away):
    result = discagg("coarsen", "net:asia", "--cause", "tub,lung,bronc", "--effect", "dysp", "--states", "3",
                     "--json", "--out", "asia3.json", "--quiet", cwd=away)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)  # one JSON document and nothing else on stdout
    assert doc["k"] == 3 and doc["optimal"] and doc["method"] == "exhaustive" and doc["candidates"] == 966
    result = discagg("solve", "asia3.json", "--json", cwd=away)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["macro_states"]) == 3


def test_the_causal_partition_from_elsewhere(away):
    result = discagg("coarsen", "example:cholesterol", "--causal-partition", cwd=away)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert "4 classes" in result.stdout


@pytest.mark.parametrize("argv, message", [
    (["--states", "0"], "--states: expected a number of macro states of at least 1, found 0"),
    (["--states", "5"], "--states: expected at most 4 macro states"),
    (["--states", "2", "--objective", "usefulness"], "invalid choice: 'usefulness'"),
    (["--states", "2", "--cause", "Nope"], "--cause: expected a node or group of the model"),
])
def test_bad_inputs_exit_2_with_one_line(away, argv, message):
    result = discagg("coarsen", "example:cholesterol", *argv, "--out", "never.json", cwd=away)
    assert result.returncode == 2 and result.stdout == "" and not (away / "never.json").exists()
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("discagg: error: ")
    assert message in result.stderr, result.stderr
