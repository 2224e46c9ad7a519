"""discagg fit, sample and identify through main(): outputs, summaries, warnings and one-line errors."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

import discagg
from discagg.cli import main


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def samples(tmp_path):
    path = tmp_path / "samples.csv"
    code, out, err = run("sample", "example:cholesterol", "--n", "3000", "--seed", "5", "--out", str(path))
    assert code == 0 and err == "" and out == f"wrote 3000 rows (3 columns) to {path}; seed 5\n"
    return path


def test_sample_prints_csv_without_out_and_is_reproducible():
    code, out, err = run("sample", "net:asia", "--n", "50", "--seed", "1")
    assert code == 0 and err == ""
    frame = pd.read_csv(io.StringIO(out), dtype=str)
    assert list(frame.columns) == list(discagg.load_model("net:asia").nodes) and len(frame) == 50
    assert run("sample", "net:asia", "--n", "50", "--seed", "1")[1] == out


def test_sample_parquet_and_json_summary(tmp_path):
    path = tmp_path / "s.parquet"
    code, out, err = run("sample", "net:asia", "--n", "20", "--out", str(path), "--json")
    doc = json.loads(out)
    assert code == 0 and err == "" and doc["rows"] == 20 and doc["wrote"] == str(path)
    assert isinstance(doc["seed"], int)  # fresh entropy, reported so that the sample can be drawn again
    assert pd.read_parquet(path).shape == (20, 8)
    again = tmp_path / "again.parquet"
    run("sample", "net:asia", "--n", "20", "--seed", str(doc["seed"]), "--out", str(again))
    assert pd.read_parquet(again).equals(pd.read_parquet(path))


def test_fit_prints_the_model_or_writes_it(samples, tmp_path):
    code, out, err = run("fit", str(samples), "--structure", "example:cholesterol")
    assert code == 0 and err == ""
    printed = discagg.loads_model(out)
    assert printed.query == discagg.load_model("example:cholesterol").query
    target = tmp_path / "fitted.json"
    code, out, err = run("fit", str(samples), "--structure", "example:cholesterol", "--out", str(target), "--json")
    doc = json.loads(out)
    assert code == 0 and err == ""
    assert doc["rows"] == 3000 and doc["prior"] == "bdeu" and doc["ess"] == 1.0 and doc["ignored_columns"] == []
    assert doc["nodes"]["HeartDisease"] == {"configurations": 8, "unseen": 0}
    assert discagg.load_model(str(target)) == printed


def test_fit_warns_about_extra_columns_and_unseen_configurations(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("Diet,Lipids,HeartDisease,id\nlean,LDLlo_HDLlo,none,1\n")
    code, out, err = run("fit", str(path), "--structure", "example:cholesterol", "--prior", "none")
    assert code == 0
    lines = err.splitlines()
    assert lines[0] == f"discagg: warning: {path}: ignored 1 column(s) that name no node of the structure: ['id']"
    assert lines[1].startswith(f"discagg: warning: {path}: prior none: 8 parent configuration(s) never observed "
                               "got the uniform row: Lipids | Diet=fatty; HeartDisease | Lipids=LDLlo_HDLlo, "
                               "Diet=fatty;")


@pytest.mark.parametrize(("argv", "expected"), [
    (["--prior", "k2", "--ess", "2"], "discagg: error: --ess: expected --ess together with --prior bdeu, found --prior k2"),
    (["--ess", "-1"], "discagg: error: --ess: expected a positive, finite equivalent sample size, found -1.0"),
    (["--json"], "discagg: error: --json: expected --json together with --out (without --out the model itself is "
                 "printed), found --json alone"),
])
def test_fit_option_errors(samples, argv, expected):
    code, out, err = run("fit", str(samples), "--structure", "example:cholesterol", *argv)
    assert (code, out, err) == (2, "", expected + "\n")


def test_bad_data_is_one_line_exit_2_and_nothing_written(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("Diet,Lipids,HeartDisease\nlean,LDLlo_HDLlo,none\nlean,LDL??,none\n")
    target = tmp_path / "fitted.json"
    code, out, err = run("fit", str(path), "--structure", "example:cholesterol", "--out", str(target))
    assert code == 2 and out == "" and not target.exists()
    assert err == (f"discagg: error: {path}: row 3, column 'Lipids': expected a state of node 'Lipids' "
                   "['LDLlo_HDLlo', 'LDLlo_HDLhi', 'LDLhi_HDLlo', 'LDLhi_HDLhi'], found 'LDL??'\n")


def test_sample_errors():
    assert run("sample", "net:asia", "--n", "0") == (
        2, "", "discagg: error: --n: expected a positive whole number of samples, found 0\n")
    assert run("sample", "net:asia", "--n", "5", "--json")[0] == 2
    assert run("sample", "net:asia", "--n", "5", "--seed", "-1")[2] == (
        "discagg: error: --seed: expected a non-negative integer, found -1\n")


def test_identify_table_and_json(tmp_path):
    realization = tmp_path / "r.json"
    assert run("solve", "example:cholesterol", "--save-realization", str(realization))[0] == 0
    experiment = tmp_path / "exp.csv"
    assert run("sample", "example:cholesterol", "--realization", str(realization), "--n", "800", "--seed", "3",
               "--out", str(experiment))[0] == 0
    code, out, err = run("identify", "example:cholesterol", "--experiment", str(experiment))
    assert code == 0
    assert err == (f"discagg: warning: {experiment}: ignored 1 column(s) that are neither the cause nor the effect: "
                   "['Diet']\n")
    header = next(line for line in out.splitlines() if line.startswith("xbar"))
    for column in ("runs", "realization (ML)", "identified", "P(Ybar | do(xbar))", "p-value"):
        assert column in header
    code, out, _ = run("identify", "example:cholesterol", "--experiment", str(experiment), "--json", "--level", "0.9")
    doc = json.loads(out)
    assert code == 0 and doc["level"] == 0.9 and [s["samples"] for s in doc["macro_states"]] == [800, 800, 800]
    medium = doc["macro_states"][1]
    assert sum(medium["realization"].values()) == pytest.approx(1.0) and medium["identified"] is True
    assert 0 <= medium["inhibiting_test"]["p_value"] <= 1 and medium["inhibiting_test"]["df"] == 1


def test_identify_errors(tmp_path):
    experiment = tmp_path / "exp.csv"
    experiment.write_text("Lipids,HeartDisease\nmedium,no\nsomething,yes\n")
    code, out, err = run("identify", "example:cholesterol", "--experiment", str(experiment))
    assert code == 2 and out == ""
    assert err.startswith(f"discagg: error: {experiment}: row 3, column 'Lipids': expected a macro state of the cause")
    assert run("identify", "example:cholesterol", "--experiment", str(experiment), "--level", "1.5")[2] == (
        "discagg: error: discagg identify: argument --level: expected a number in (0, 1), found 1.5 "
        "(see 'discagg identify --help')\n")
