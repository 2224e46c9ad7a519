"""The data workflow through the installed console script, from a directory outside the repository."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import installed_discagg as discagg


def test_sample_fit_identify(away):
    assert discagg("sample", "example:cholesterol", "--n", "5000", "--seed", "1", "--out", "data.csv",
                   cwd=away).returncode == 0
    fitted = discagg("fit", "data.csv", "--structure", "example:cholesterol", "--out", "fitted.json", "--json",
                     cwd=away)
    assert fitted.returncode == 0 and fitted.stderr == "" and json.loads(fitted.stdout)["rows"] == 5000
    (away / "exp.csv").write_text("Lipids,HeartDisease\n" + "medium,none\n" * 30 + "medium,angina\n" * 10
                                  + "low,infarction\n" * 5)
    result = discagg("identify", "fitted.json", "--experiment", "exp.csv", "--json", cwd=away)
    assert result.returncode == 0 and result.stderr == ""
    doc = json.loads(result.stdout)
    assert [(s["state"], s["samples"], s["identified"]) for s in doc["macro_states"]] == [
        ("low", 5, True), ("medium", 40, True), ("high", 0, True)]


def test_bad_data_exits_2_with_one_line_and_writes_nothing(away):
    (away / "d.csv").write_text("Diet,Lipids\nlean,LDLlo_HDLlo\n")
    result = discagg("fit", "d.csv", "--structure", "example:cholesterol", "--out", "m.json", cwd=away)
    assert result.returncode == 2 and result.stdout == "" and not (away / "m.json").exists()
    assert result.stderr == ("discagg: error: d.csv: columns: expected a column for every node of the structure, "
                             "found no column 'HeartDisease' (the columns are ['Diet', 'Lipids'])\n")


def test_import_and_help_load_no_pandas():
    code = ("import sys, discagg\nfrom discagg.cli import build_parser\nbuild_parser()\n"
            "discagg.fit, discagg.identify, discagg.sample\nprint('pandas' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
