"""The installed ``discagg`` console script, run as users run it: a subprocess, from another directory.

In-process tests of ``main()`` cannot see what C libraries print on file
descriptor 1, nor how the process ends on a closed pipe or a full disk; these
run the real entry point next to the test interpreter, in a temporary working
directory outside the repository, and parse what it prints.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import BIN, DATA, ok_json
from conftest import installed_discagg as discagg


@pytest.mark.parametrize("objective", ["sparse", "closest", "min-kl", "max-entropy"])
@pytest.mark.parametrize("method", ["fast", "cvxpy"])
def test_solve_json_is_the_only_thing_on_stdout(away, objective, method):
    doc = ok_json(discagg("solve", "example:cholesterol", "--objective", objective, "--method", method, "--json",
                          cwd=away))
    assert [s["status"] for s in doc["macro_states"]] == ["infeasible", "inhibiting", "infeasible"]


def test_solve_min_cost_induce_target_and_saved_realization(away):
    cost = away / "cost.json"
    cost.write_text(json.dumps({"LDLlo_HDLlo": 0, "LDLlo_HDLhi": 1, "LDLhi_HDLlo": 2, "LDLhi_HDLhi": 3}))
    doc = ok_json(discagg("solve", "example:cholesterol", "--objective", "min-cost", "--cost", str(cost), "--json",
                          "--save-realization", "r.json", cwd=away))
    assert doc["objective"] == "min-cost"
    saved = json.loads((away / "r.json").read_text())
    assert saved["format"] == "discagg/realization-v1" and saved["cause"] == "Lipids"
    assert oct((away / "r.json").stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    assert ok_json(discagg("solve", "example:cholesterol", "--induce", "--json", cwd=away))["objective"] == "max-gap"
    target = away / "target.json"
    target.write_text(json.dumps({"medium": {"no": 0.7, "yes": 0.3}}))
    doc = ok_json(discagg("solve", "example:cholesterol", "--induce", "--target", str(target), "--json", cwd=away))
    assert doc["macro_states"][1]["status"] == "reachable"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_inspect_bounds_verify_on_shipped_models_from_elsewhere(away):
    doc = ok_json(discagg("inspect", "example:unconfounded", "--json", cwd=away))
    assert doc["macro_confounded"] is False
    f = away / "f.json"
    f.write_text(json.dumps({"no": 0, "yes": 1}))
    doc = ok_json(discagg("bounds", "example:cholesterol", "--f", str(f), "--json", cwd=away))
    assert doc["macro_states"][1]["expectation"]["lower"] == pytest.approx(0.13, abs=5e-3)
    doc = ok_json(discagg("verify", "example:counterexample", "--realization",
                          str(DATA / "counterexample" / "realization.json"), "--json", cwd=away))
    assert doc["ok"] is True
    table = discagg("inspect", "example:cholesterol", cwd=away)
    assert table.returncode == 0 and table.stdout.startswith("model cholesterol") and table.stderr == ""


def test_networks_by_name_from_any_directory(away):
    doc = ok_json(discagg("networks", "--json", cwd=away))
    names = [n["name"] for n in doc["networks"]]
    assert len(names) == 24 and {"asia", "munin4", "win95pts"} <= set(names)
    assert {n["name"]: (n["nodes"], n["arcs"]) for n in doc["networks"]}["alarm"] == (37, 46)
    assert "example:cholesterol" in doc["examples"]
    doc = ok_json(discagg("inspect", "net:asia", "--cause", "smoke:count=yes", "--effect", "dysp", "--json",
                          cwd=away))
    assert doc["cause"] == "smoke" and doc["effect"] == "dysp"
    result = discagg("solve", "net:sachs", "--cause", "Raf,Mek:sum", "--effect", "Erk,Akt:sum>=2",
                     "--objective", "min-kl", "--json", cwd=away)
    assert result.returncode == 0
    # Raf -> Mek lies inside the cause group: outside the paper's Assumption 1, said once on stderr
    assert result.stderr.startswith("discagg: warning: the cause group 'Raf+Mek' has a directed path inside it "
                                    "(Raf -> Mek): the paper's Assumption 1") and result.stderr.count("\n") == 1
    doc = json.loads(result.stdout)
    assert doc["cause"] == "Raf+Mek" and len(doc["macro_states"]) == 5


def test_counterexample_and_graph_json(away):
    doc = ok_json(discagg("counterexample", "--x-states", "4", "--z-states", "3", "--y-states", "3", "--x-macro",
                          "2", "--y-macro", "2", "--exact", "--out", "ce", "--json", cwd=away))
    assert doc["model"] == str(Path("ce") / "model.json") and doc["confounding"] > 0
    assert {h["name"] for h in doc["hypotheses"]} >= {"|Ybar| >= 2", "|Xbar| < |X|"}
    assert sorted(p.name for p in (away / "ce").iterdir()) == ["model.json", "realization.json"]
    pytest.importorskip("matplotlib")
    doc = ok_json(discagg("graph", "example:figure5", "--intervene", "Price", "--out", "g.png", "--json", cwd=away))
    assert doc["graph"] == "macro-intervention" and (away / "g.png").read_bytes()[:4] == b"\x89PNG"
    weird = away / "weird.json"
    model = json.loads((DATA / "figure5.json").read_text())
    model["nodes"]["Growth%}$"] = {"states": ["a", "b"], "parents": [], "cpt": [0.5, 0.5]}
    model["macro"]["Growth%}$"] = {"all": ["a", "b"]}
    weird.write_text(json.dumps(model))
    assert ok_json(discagg("graph", str(weird), "--out", "w.svg", "--json", cwd=away))["nodes"] > 0


def test_help_and_every_subcommand_help(away):
    for argv in (["--help"], *([c, "--help"] for c in ("inspect", "solve", "bounds", "verify", "counterexample",
                                                         "graph", "networks"))):
        result = discagg(*argv, cwd=away)
        assert result.returncode == 0 and result.stdout.startswith("usage: discagg") and result.stderr == ""


@pytest.mark.parametrize("argv", [
    ["networks"],
    ["solve", "example:cholesterol", "--json"],
    ["--help"],
])
def test_closed_pipe_ends_quietly(away, argv):
    process = subprocess.Popen([str(BIN), *argv], cwd=away, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
    process.stdout.close()  # the reader is gone before anything is written (as `| head -0`)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert err.strip() == "discagg: error: output stopped: the reader closed the pipe before the output ended"


def test_full_disk_ends_quietly(away):
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with open("/dev/full", "w") as full:
        result = discagg("solve", "example:cholesterol", cwd=away, stdout=full)
    assert result.returncode == 1
    assert result.stderr.strip() == "discagg: error: cannot write the output: No space left on device"


@pytest.mark.parametrize(("argv", "message"), [
    (["solve", "example:cholesterol", "--objective", "nope"], "discagg: error: discagg solve: argument --objective"),
    (["inspect"], "discagg: error: discagg inspect: the following arguments are required: MODEL"),
    (["inspect", "net:../x"], "discagg: error: net:../x: expected a shipped network ["),
    (["inspect", "net:/etc/passwd"], "discagg: error: net:/etc/passwd: expected a shipped network ["),
    (["inspect", "/dev/zero"], "discagg: error: /dev/zero: expected a file, found a character device"),
    (["inspect", "."], "discagg: error: .: expected a file, found a directory"),
    (["solve", "example:cholesterol", "--save-realization", ""], "discagg: error: --save-realization: expected a "
                                                                   "file name, found an empty path"),
    (["solve", "example:cholesterol", "--save-realization", "/dev/null"], "discagg: error: /dev/null: "
                                                                            "--save-realization: expected a regular"),
    (["solve", "example:cholesterol", "--save-realization", "missing/r.json"], "discagg: error: missing/r.json: "
                                                                                 "--save-realization: expected a file "
                                                                                 "in an existing directory"),
    (["counterexample", "--x-states", "4", "--z-states", "3", "--y-states", "3", "--x-macro", "2", "--y-macro", "2",
      "--seed", "-1", "--out", "x"], "discagg: error: --seed: expected a non-negative integer, found -1"),
    (["counterexample", "--x-states", "1000000000", "--z-states", "3", "--y-states", "3", "--x-macro", "2",
      "--y-macro", "2", "--out", "x"], "discagg: error: --x-states * --z-states * --y-states: expected the CPT"),
    (["graph", "net:sachs", "--intervene", "Raf,Nope:sum", "--out", "g.png"], "discagg: error: net:sachs: "
                                                                              "--intervene: expected"),
    # an empty input path is refused, not read as "option not given"
    (["bounds", "example:cholesterol", "--f", ""], "discagg: error: discagg bounds: argument --f: expected a file "
                                                   "path, found an empty string"),
    (["solve", "example:cholesterol", "--induce", "--target", ""], "discagg: error: discagg solve: argument "
                                                                   "--target: expected a file path"),
    (["solve", "example:cholesterol", "--objective", "min-cost", "--cost", ""], "discagg: error: discagg solve: "
                                                                                "argument --cost: expected a file"),
    (["verify", "example:cholesterol", "--realization", ""], "discagg: error: discagg verify: argument "
                                                             "--realization: expected a file path"),
    (["counterexample", "--x-states", "4", "--z-states", "3", "--y-states", "4", "--x-macro", "2", "--y-macro", "2",
      "--macro", "", "--out", "x"], "discagg: error: discagg counterexample: argument --macro: expected a file"),
    (["counterexample", "--x-states", "4", "--z-states", "3", "--y-states", "4", "--x-macro", "2", "--y-macro", "2",
      "--realization", "", "--out", "x"], "discagg: error: discagg counterexample: argument --realization: expected"),
    (["inspect", ""], "discagg: error: discagg inspect: argument MODEL: expected a file path, found an empty string"),
    # a warning noticed on the way (single-state fibres merge nothing) does not precede the one error line
    (["counterexample", "--x-states", "4", "--z-states", "3", "--y-states", "5", "--x-macro", "4", "--y-macro", "2",
      "--out", "ce"], "discagg: error: expected inputs that admit a paradoxical model, found no model reaches"),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(away, argv, message):
    result = discagg(*argv, cwd=away)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1, result.stderr
    assert list(away.iterdir()) == []


def test_sigterm_leaves_no_half_pair_and_no_temporary_files(away):
    process = subprocess.Popen([str(BIN), "counterexample", "--x-states", "400", "--z-states", "100", "--y-states",
                                "20", "--x-macro", "20", "--y-macro", "4", "--seed", "1", "--out", "ce"],
                               cwd=away, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3.0)
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=120)
    if process.returncode == 0:
        pytest.fail("the counterexample finished before SIGTERM; choose a larger size for this test")
    assert process.returncode == 1 and err.strip() == "discagg: interrupted; nothing was written"
    assert not (away / "ce").exists()


def test_lone_surrogates_and_newlines_in_names_print_escaped(away):
    model = json.loads((DATA / "cholesterol.json").read_text())
    text = json.dumps(model).replace('"fatty"', '"fat\\udc80ty"')  # a lone surrogate, as JSON allows
    path = away / "odd.json"
    path.write_text(text)
    result = discagg("inspect", str(path), "--cause", "Diet", cwd=away)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "fat\\udc80ty" in result.stdout
    assert ok_json(discagg("inspect", str(path), "--cause", "Diet", "--json", cwd=away))["cause"] == "Diet"
    bad = away / "bad.json"
    bad.write_text(text.replace('"Diet"', '"Di\\net"', 1))
    result = discagg("inspect", str(bad), "--cause", "nope\nline2", cwd=away)
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr


def test_the_shipped_counterexample_verifies_exactly_from_elsewhere(away):
    doc = ok_json(discagg("verify", "example:counterexample", "--realization", "example:counterexample", "--exact",
                          "--json", cwd=away))
    assert doc["ok"] is True
    conclusions = [c for c in doc["checks"] if c["result"] == "theorem-3.2" and c["kind"] == "witness"]
    assert conclusions and all(c["holds"] and c["holds_exactly"] for c in conclusions)
    result = discagg("verify", "example:counterexample", "--realization", "example:cholesterol", cwd=away)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "expected a shipped example realization ['counterexample']" in result.stderr
