import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from discagg.cli import main

from bad_inputs import CASES
from conftest import DATA

EXAMPLES = sorted(DATA.glob("*.json"))


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_inspect_table(path):
    code, out, err = run(["inspect", str(path)])
    assert code == 0 and err == ""
    header = next(line for line in out.splitlines() if line.startswith("xbar"))
    for column in ("P(xbar)", "P(Ybar | xbar)", "P(Ybar | do(xbar))", "gap(TV)", "status", "realization"):
        assert column in header
    assert "micro model: (X, Y) " in out


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_inspect_json(path):
    code, out, err = run(["inspect", str(path), "--json"])
    assert code == 0 and err == ""
    doc = json.loads(out)
    model = json.loads(path.read_text())
    assert doc["model"] == model["name"]
    assert (doc["cause"], doc["effect"]) == (model["query"]["cause"], model["query"]["effect"])
    macro_x = model["macro"][doc["cause"]]
    assert [s["state"] for s in doc["macro_states"]] == list(macro_x)
    for entry in doc["macro_states"]:
        assert entry["status"] in {"inhibiting", "inducing"}
        assert set(entry["realization"]) <= set(macro_x[entry["state"]])
        assert sum(entry["realization"].values()) == pytest.approx(1.0, abs=1e-12)
        assert set(entry["observational"]) == set(model["macro"][doc["effect"]])
        tv = 0.5 * sum(abs(entry["observational"][k] - entry["interventional"][k]) for k in entry["observational"])
        assert entry["gap"] == pytest.approx(tv, abs=1e-15)
    assert isinstance(doc["micro_confounding"]["confounded"], bool)


def test_inspect_with_explicit_cause_and_effect():
    code, out, _ = run(["inspect", str(DATA / "cholesterol.json"), "--cause", "Lipids",
                        "--effect", "HeartDisease", "--json"])
    assert code == 0 and json.loads(out)["cause"] == "Lipids"


@pytest.mark.parametrize(("case", "make", "path", "fragment"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_exits_2_with_one_line(case, make, path, fragment, base_doc, tmp_path):
    target = tmp_path / f"{case}.json"
    target.write_text(make(base_doc))
    code, out, err = run(["inspect", str(target)])
    assert code == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"discagg: error: {target}: ")
    if path is not None:
        assert path in lines[0]
    assert fragment in lines[0]
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["inspect", "data/cholesterol.json", "--cause", "Nope"],
         "data/cholesterol.json: --cause: expected a node or group of the model"),
        (["inspect", "data/cholesterol.json", "--cause", "Lipids", "--effect", "Lipids"],
         "data/cholesterol.json: expected different cause and effect nodes"),
        (["inspect", "no/such/file.json"], "no/such/file.json: expected an existing file, found no such file"),
    ],
)
def test_bad_arguments_exit_2(argv, fragment):
    code, out, err = run(argv)
    assert code == 2 and out == ""
    assert err.startswith("discagg: error: " + fragment), err


def test_node_without_macro_map_is_not_coarsened():
    code, out, err = run(["inspect", "data/cholesterol.json", "--cause", "Diet", "--json"])
    assert code == 0 and err == ""  # identity coarsening, no warning
    doc = json.loads(out)
    assert [s["state"] for s in doc["macro_states"]] == ["lean", "fatty"]
    assert all(len(s["realization"]) == 1 for s in doc["macro_states"])


def test_usage_errors_exit_2():
    assert run(["inspect"])[0] == 2
    assert run(["frobnicate"])[0] == 2


def test_warnings_go_to_stderr_as_one_line(base_doc, tmp_path):
    base_doc["macro"]["Y"] = {"a": ["y0"], "b": ["y1"], "c": ["y2"]}
    target = tmp_path / "identity.json"
    target.write_text(json.dumps(base_doc))
    code, out, err = run(["inspect", str(target), "--json"])
    assert code == 0
    json.loads(out)
    assert err.startswith("discagg: warning: macro.Y: the coarsening of node 'Y' merges no micro states")


def test_console_script_end_to_end(tmp_path):
    """The installed entry point, in a real process: success and a bad input."""
    exe = Path(sys.executable).with_name("discagg")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "discagg"]
    ok = subprocess.run([*command, "inspect", "data/shops.json"], capture_output=True, text=True,
                        env={**os.environ, "PYTHONWARNINGS": ""})
    assert ok.returncode == 0 and "inhibiting" in ok.stdout
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    failed = subprocess.run([*command, "inspect", str(bad)], capture_output=True, text=True)
    assert failed.returncode == 2 and failed.stdout == ""
    assert failed.stderr.strip() == (f"discagg: error: {bad}: line 1 column 2: expected valid JSON, "
                                     "found Expecting property name enclosed in double quotes")


def test_an_interrupted_counterexample_write_leaves_no_directory_it_made(tmp_path, monkeypatch):
    import discagg.io.files

    def interrupted(*_, **__):
        raise KeyboardInterrupt

    monkeypatch.setattr(discagg.io.files, "write_texts_atomic", interrupted)
    out = tmp_path / "new" / "ce"
    code, stdout, stderr = run(["counterexample", "--x-states", "4", "--z-states", "3", "--y-states", "4",
                                "--x-macro", "2", "--y-macro", "2", "--seed", "1", "--out", str(out)])
    assert code == 1 and stdout == "" and stderr.strip() == "discagg: interrupted; nothing was written"
    assert list(tmp_path.iterdir()) == []  # neither ce nor the parent it had to create


def test_odd_state_names_neither_split_nor_misalign_table_rows(tmp_path):
    doc = json.loads((DATA / "cholesterol.json").read_text())
    plain = run(["solve", str(DATA / "cholesterol.json")])[1]
    odd = tmp_path / "odd.json"
    odd.write_text(json.dumps(doc).replace('"LDLlo_HDLlo"', '"LDL\\nlo\\udc80"'))
    code, out, _ = run(["solve", str(odd)])
    assert code == 0 and len(out.splitlines()) == len(plain.splitlines())
    header, _, low = out.splitlines()[2:5]
    assert low.index("LDL\\nlo\\udc80=1.000") == header.index("realization")


def test_graph_through_a_link_takes_the_format_from_the_name_given(tmp_path):
    pytest.importorskip("matplotlib")
    (tmp_path / "blob").write_bytes(b"")
    link = tmp_path / "graph.png"
    link.symlink_to("blob")
    code, _, err = run(["graph", str(DATA / "cholesterol.json"), "--out", str(link)])
    assert code == 0, err
    assert link.is_symlink() and (tmp_path / "blob").read_bytes().startswith(b"\x89PNG")
