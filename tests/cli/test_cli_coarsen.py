"""``discagg coarsen`` in-process: the table, the JSON document, the model written, the causal partition, bad inputs."""

from __future__ import annotations

import io
import json

import pytest

from discagg.cli import main

SACHS = ["coarsen", "net:sachs", "--cause", "Raf,Mek:sum", "--effect", "Erk,Akt:sum>=2"]


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_table_then_the_model_written_is_solved_and_inspected_as_any(tmp_path):
    path = tmp_path / "sachs4.json"
    code, out, err = run(SACHS + ["--states", "4", "--out", str(path)])
    assert code == 0, err
    assert "search: exhaustive, every one of the S(9, 4) = 7770 partitions" in out
    assert "value 0.000000; certified lower bound 0.000000" in out and "; optimal" in out
    assert "the cause's own map (5 macro states): 0.046716" in out
    assert f"wrote {path}" in out
    assert err.count("discagg: warning:") == 1 and "Assumption 1" in err  # Raf -> Mek inside the group
    code, out, _ = run(["solve", str(path), "--json"])
    doc = json.loads(out)
    assert code == 0 and doc["cause"] == "Raf+Mek" and doc["effect"] == "Erk+Akt"
    assert [s["status"] for s in doc["macro_states"]] == ["inhibiting"] * 4
    code, out, _ = run(["inspect", str(path), "--json"])
    assert code == 0 and len(json.loads(out)["macro_states"]) == 4


def test_json_has_the_issue_keys_and_matches_the_map_written(tmp_path):
    path = tmp_path / "out.json"
    code, out, err = run(SACHS + ["--states", "3", "--objective", "abstraction", "--metric", "tv", "--json",
                                  "--out", str(path), "--quiet"])
    assert code == 0, err
    doc = json.loads(out)
    assert list(doc)[:6] == ["objective", "k", "value", "optimal", "lower_bound", "macro"]
    assert doc["objective"] == "abstraction" and doc["metric"] == "tv" and doc["k"] == 3
    assert doc["value"] == 0.0 and doc["optimal"] and doc["wrote"] == str(path)
    written = json.loads(path.read_text())
    table = written["groups"]["groups"]["Raf+Mek"]["map"]["table"]
    assert {m: [j for j, v in table.items() if v == m] for m in doc["macro"]} == doc["macro"]
    assert written["query"] == {"cause": "Raf+Mek", "effect": "Erk+Akt"}


def test_a_node_cut_into_runs_is_printed_as_a_cause_option_that_solve_accepts():
    code, out, err = run(["coarsen", "example:cholesterol", "--states", "2", "--contiguous", "--objective",
                          "ambiguity"])
    assert code == 0, err
    option = next(line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("as --cause: "))
    assert option == "Lipids:@2"
    code, out, err = run(["bounds", "example:cholesterol", "--cause", option, "--json"])
    assert code == 0 and [s["state"] for s in json.loads(out)["macro_states"]] == ["<2", ">=2"]


def test_merging_whole_levels_of_a_map_in_order():
    code, out, err = run(SACHS + ["--states", "3", "--atoms", "macro", "--contiguous", "--json"])
    doc = json.loads(out)
    assert code == 0 and doc["atoms"] == "macro" and doc["method"] == "dynamic-programming"
    assert doc["candidates"] == 6  # C(5 - 1, 3 - 1) cuts of the five sum levels
    assert [len(s["atoms"]) for s in doc["states"]] and sum(len(s["atoms"]) for s in doc["states"]) == 5
    levels = [int(a) for s in doc["states"] for a in s["atoms"]]
    assert levels == sorted(levels)  # runs of consecutive levels


def test_the_causal_partition(tmp_path):
    path = tmp_path / "classes.json"
    code, out, err = run(SACHS + ["--causal-partition", "--out", str(path)])
    assert code == 0, err
    assert "3 classes" in out and "clean: every class's width is within the tolerance" in out
    code, out, _ = run(SACHS + ["--causal-partition", "--json"])
    doc = json.loads(out)
    assert doc["classes"] == 3 and doc["clean"] and len(doc["macro"]) == 3
    code, out, _ = run(["bounds", str(path), "--json"])
    for state in json.loads(out)["macro_states"]:  # every class: one P(Ybar | do(xbar)) whatever the realization
        assert all(b["upper"] - b["lower"] <= 1e-9 for b in state["bounds"].values())


def test_a_cluster_gives_the_same_document():
    distributed = pytest.importorskip("distributed")
    argv = ["coarsen", "example:cholesterol", "--states", "2", "--objective", "abstraction", "--json",
            "--method", "heuristic"]
    code, local, _ = run(argv)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0") as c:
        code2, remote, err = run(argv + ["--scheduler", c.scheduler_address])
    assert code == code2 == 0, err
    a, b = json.loads(local), json.loads(remote)
    del a["seconds"], b["seconds"]
    assert a == b


@pytest.mark.parametrize("argv, message", [
    (SACHS + ["--states", "0"], "--states: expected a number of macro states of at least 1, found 0"),
    (SACHS + ["--states", "10"], "--states: expected at most 9 macro states (the cause 'Raf+Mek' has 9 micro states)"),
    (SACHS + ["--states", "6", "--atoms", "macro"], "--states: expected at most 5 macro states"),
    (SACHS, "--states: expected the number K of macro states to find"),
    (SACHS + ["--states", "2", "--objective", "entropy"], "argument --objective: invalid choice: 'entropy'"),
    (SACHS + ["--states", "two"], "argument --states: invalid int value: 'two'"),
    (SACHS + ["--states", "2", "--metric", "tv"], "--metric: expected --metric together with --objective abstraction"),
    (SACHS + ["--states", "2", "--causal-partition"], "--causal-partition: expected no search options"),
    (SACHS + ["--states", "2", "--contiguous", "--method", "heuristic"], "method: expected auto or exhaustive"),
    (SACHS + ["--states", "2", "--scheduler", "tcp://127.0.0.1:9"], "--scheduler: expected the address of a running"),
    (["coarsen", "net:sachs", "--cause", "Raf,Nope", "--effect", "Erk", "--states", "2"], "--cause: expected"),
    (["coarsen", "net:sachs", "--cause", "Raf,Mek", "--effect", "Mek", "--states", "2"], "without common nodes"),
    (["coarsen", "example:cholesterol", "--states", "2", "--method", "exhaustive", "--atoms", "macro",
      "--restarts", "-1"], "--restarts: expected a non-negative number"),
])
def test_bad_inputs_are_one_line_exit_2_and_write_nothing(tmp_path, argv, message):
    path = tmp_path / "never.json"
    code, out, err = run(argv + ["--out", str(path)])
    assert code == 2 and out == "" and not path.exists()
    assert err.count("\n") == 1 and err.startswith("discagg: error: ") and message in err, err
