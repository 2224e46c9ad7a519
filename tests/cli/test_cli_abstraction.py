"""``discagg abstraction`` and ``learn-abstraction`` in-process: tables, JSON, outputs and one-line errors."""

from __future__ import annotations

import io
import json

import pytest

from discagg.cli import main
from discagg.io.abstraction_format import load_abstraction_spec

from conftest import DATA

SCENARIOS = ("basic", "collapsing", "extended", "vstruct")


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("name", SCENARIOS)
def test_abstraction_table_and_json(name):
    s = f"scenario:{name}"
    code, out, err = run(["abstraction", s, s, "--map", s])
    assert code == 0 and err == ""
    assert "overall abstraction error" in out and "worst micro intervention" in out
    code, out, err = run(["abstraction", s, s, "--map", s, "--json", "--metric", "tv"])
    doc = json.loads(out)
    assert code == 0 and doc["metric"] == "tv" and doc["base"] is None and doc["mechanism"] == "model"
    assert doc["overall"] == max(p["error"] for p in doc["pairs"])


def test_abstraction_from_files(tmp_path):
    folder = DATA / "abstraction"
    code, out, _ = run(["abstraction", str(folder / "collapsing-micro.json"), str(folder / "collapsing-macro.json"),
                        "--map", str(folder / "collapsing-map.json"), "--json"])
    doc = json.loads(out)
    assert code == 0 and doc["base"] == 2.0
    assert [(p["sources"], p["targets"]) for p in doc["pairs"]] == [
        (["Smoking_"], ["Tar_"]), (["Smoking_"], ["Cancer_"]), (["Tar_"], ["Cancer_"])]
    assert doc["pairs"][0]["argmax"] == {"Environment": "0", "Smoking": "0"}
    pairs = tmp_path / "pairs.json"
    pairs.write_text(json.dumps({"format": "discagg/pairs-v1",
                                 "pairs": [{"sources": ["Smoking_", "Tar_"], "targets": ["Cancer_"]}]}))
    code, out, _ = run(["abstraction", "scenario:collapsing", "scenario:collapsing", "--map", "scenario:collapsing",
                        "--pairs", str(pairs), "--json"])
    doc = json.loads(out)
    assert code == 0 and len(doc["pairs"]) == 1
    assert set(doc["pairs"][0]["argmax"]) == {"Environment", "Smoking", "Tar"}


def test_per_intervention_rows():
    s = "scenario:collapsing"
    code, out, _ = run(["abstraction", s, s, "--map", s, "--per-intervention"])
    assert code == 0
    rows = [line for line in out.splitlines() if line.startswith(("Smoking_ ", "Tar_ ")) and "=" in line]
    assert len(rows) == 3 + (4 + 4 + 2)  # the pair table, then every micro intervention of every pair
    assert "Smoking_  Tar_     Environment=1 Smoking=0  Smoking_=0          0.025462  0.050000" in out


def test_best_mechanism_without_a_macro_model():
    code, out, err = run(["abstraction", "scenario:collapsing", "--map", "scenario:collapsing", "--json"])
    doc = json.loads(out)
    assert code == 0 and doc["mechanism"] == "best" and doc["exact"] is True and doc["overall"] == 0
    assert doc["pairs"][0]["mechanism"] == {"0": {"0": pytest.approx(0.95), "1": pytest.approx(0.05)},
                                            "1": {"0": pytest.approx(0.2), "1": pytest.approx(0.8)}}
    code, out, _ = run(["abstraction", "scenario:collapsing", "scenario:collapsing", "--map", "scenario:collapsing",
                        "--best-mechanism"])
    assert code == 0 and "best mechanism P(Tar_ | do(Smoking_)):" in out and "exact transformation" in out


@pytest.mark.parametrize("name", SCENARIOS)
def test_learn_recovers_the_true_maps(name, tmp_path):
    s = f"scenario:{name}"
    target = tmp_path / "learned.json"
    code, out, err = run(["learn-abstraction", s, s, "--variables", s, "--json", "--out", str(target)])
    doc = json.loads(out)
    assert code == 0 and err == ""
    assert doc["optimal"] is True and doc["method"] == "exhaustive" and doc["distance"]["l1"] == 0
    learned = load_abstraction_spec(target)
    true = load_abstraction_spec(s)
    assert {m: v[0] for m, v in learned.variables.items()} == {m: v[0] for m, v in true.variables.items()}
    code, out, _ = run(["abstraction", s, s, "--map", str(target), "--json"])
    assert json.loads(out)["overall"] == pytest.approx(doc["value"], abs=1e-15)


def test_learn_table_and_branch_and_bound():
    s = "scenario:vstruct"
    code, out, _ = run(["learn-abstraction", s, s, "--variables", s])
    assert code == 0
    assert "every one of 56 combinations" in out and "2 optimal combinations" in out and "L1 0" in out
    assert "over the tied optima, L1 from 0 to 4" in out
    code, out, _ = run(["learn-abstraction", s, s, "--variables", s, "--method", "branch-and-bound",
                        "--time-limit", "30"])
    assert code == 0 and "branch and bound over 56 combinations" in out and "; optimal" in out


def test_learn_from_nodes_only(tmp_path):
    variables = tmp_path / "variables.json"
    variables.write_text(json.dumps({"format": "discagg/abstraction-v1", "variables": {
        "Smoking_": {"nodes": ["Smoking"]}, "Tar_": {"nodes": ["Tar"]}, "Cancer_": {"nodes": ["Cancer"]}}}))
    code, out, _ = run(["learn-abstraction", "scenario:extended", "scenario:extended", "--variables", str(variables),
                        "--json"])
    doc = json.loads(out)
    assert code == 0 and doc["distance"] is None and doc["value"] == 0
    code, out, _ = run(["learn-abstraction", "scenario:extended", "scenario:extended", "--variables", str(variables),
                        "--reference", "scenario:extended", "--json"])
    assert json.loads(out)["distance"]["l1"] == 0


@pytest.mark.parametrize("argv, message", [
    (["abstraction", "scenario:basic", "scenario:basic", "--map", "scenario:nope"],
     "scenario:nope: expected a shipped scenario"),
    (["abstraction", "scenario:basic", "scenario:vstruct", "--map", "scenario:basic"],
     "scenario:basic: variables: expected an entry for every node of the macro model, found none for ['Fatigue_']"),
    (["abstraction", "scenario:basic", "scenario:basic", "--map", "scenario:vstruct"],
     "scenario:vstruct: variables.Fatigue_: expected a node of the macro model"),
    (["abstraction", "scenario:basic", "scenario:basic", "--map", "missing.json"], "missing.json"),
    (["learn-abstraction", "scenario:basic", "scenario:basic", "--variables", "scenario:basic", "--time-limit", "0"],
     "--time-limit: expected a positive number of seconds"),
    (["learn-abstraction", "scenario:basic", "scenario:basic", "--variables", "scenario:basic", "--time-limit",
      "nan"], "--time-limit: expected a positive number of seconds"),
    (["abstraction", "scenario:basic", "scenario:basic"], "--map"),
])
def test_bad_input_is_one_line_and_exit_2(argv, message):
    code, out, err = run(argv)
    assert code == 2 and out == ""
    assert err.startswith("discagg: error: ") and err.count("\n") == 1 and message in err, err


def test_bad_map_file_names_the_key(tmp_path):
    bad = tmp_path / "map.json"
    doc = json.loads((DATA / "abstraction" / "basic-map.json").read_text())
    doc["variables"]["Cancer_"]["map"] = {"table": {"0": "0", "1": "0"}}
    bad.write_text(json.dumps(doc))
    code, out, err = run(["abstraction", "scenario:basic", "scenario:basic", "--map", str(bad)])
    assert code == 2 and out == ""
    assert f"{bad}: variables.Cancer_.map: expected a surjective map onto the states of 'Cancer_'" in err


def test_no_output_file_on_bad_input(tmp_path):
    target = tmp_path / "learned.json"
    code, _, _ = run(["learn-abstraction", "scenario:basic", "scenario:vstruct", "--variables", "scenario:basic",
                      "--out", str(target)])
    assert code == 2 and not target.exists()


def test_best_mechanism_on_a_shipped_network_matches_the_group_coarsening(tmp_path):
    # macro variables over node groups of net:sachs, no macro model: with two macro target states the TV
    # error of the best mechanism is, per macro state, half the spread of P(Ybar = <2 | do(x)) over its fibre
    from discagg import Aggregation, load_model

    path = tmp_path / "map.json"
    path.write_text(json.dumps({"format": "discagg/abstraction-v1", "variables": {
        "RafMek": {"nodes": ["Raf", "Mek"], "map": {"sum": "index"}},
        "ErkAkt": {"nodes": ["Erk", "Akt"], "map": {"sum": "index", "bins": [2]}}}}))
    code, out, _ = run(["abstraction", "net:sachs", "--map", str(path), "--metric", "tv", "--json"])
    (pair,) = json.loads(out)["pairs"]
    agg = Aggregation.of(load_model("net:sachs"), "Raf,Mek:sum", "Erk,Akt:sum>=2")
    low = agg.macro_kernel[:, 0]
    spreads = [(low[f].max() - low[f].min()) / 2 for f in (agg.cause_map.fibre(k) for k in range(agg.cause_map.n_macro))]
    assert code == 0 and pair["error"] == pytest.approx(max(spreads), abs=1e-9)
