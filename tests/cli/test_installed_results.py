"""The installed ``discagg`` prints, for solve, inspect and bounds, exactly ``str()`` of the Python result;
and the JSON it prints loads back into an equal result."""

from __future__ import annotations

import json
from pathlib import Path

from discagg import effect_bounds, inspect_model, load_bounds, load_inspection, load_model, load_solution, solve
from discagg.core.inspection import Inspection
from discagg.solvers.ranges import EffectBounds
from discagg.solvers.solution import Solution

from conftest import installed_discagg


def discagg(*argv: str, cwd: Path) -> str:
    result = installed_discagg(*argv, cwd=cwd)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout




def test_tables_printed_by_the_script_are_str_of_the_results(away):
    model = load_model("example:cholesterol")
    (away / "f.json").write_text(json.dumps({"no": 0, "yes": 1}))
    assert discagg("solve", "example:cholesterol", "--objective", "max-entropy", cwd=away) == \
        str(solve(model, objective="max-entropy")) + "\n"
    assert discagg("inspect", "example:cholesterol", cwd=away) == str(inspect_model(model)) + "\n"
    assert discagg("bounds", "example:cholesterol", "--f", "f.json", cwd=away) == \
        str(effect_bounds(model, f=[0.0, 1.0])) + "\n"


def test_json_printed_by_the_script_loads_back(away):
    model = load_model("example:cholesterol")
    (away / "solution.json").write_text(discagg("solve", "example:cholesterol", "--objective", "min-kl", "--json",
                                                cwd=away))
    (away / "inspection.json").write_text(discagg("inspect", "example:cholesterol", "--json", cwd=away))
    (away / "bounds.json").write_text(discagg("bounds", "example:cholesterol", "--json", cwd=away))
    solution = load_solution(away / "solution.json")
    assert isinstance(solution, Solution) and solution == solve(model, objective="min-kl")
    inspection = load_inspection(away / "inspection.json")
    assert isinstance(inspection, Inspection) and inspection == inspect_model(model)
    bounds = load_bounds(away / "bounds.json")
    assert isinstance(bounds, EffectBounds) and bounds == effect_bounds(model)
