"""``discagg plot`` and ``discagg graph`` in-process: what they print, and every bad input refused before writing."""

from __future__ import annotations

import io
import json

import pytest

pytest.importorskip("matplotlib")

from discagg.cli import main  # noqa: E402


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_graph_json_says_what_was_drawn_and_cut(tmp_path):
    code, out, err = run(["graph", "net:win95pts", "--cause", "Problem1", "--effect", "Problem2", "--out",
                          str(tmp_path / "w.png"), "--json"])
    assert code == 0, err
    doc = json.loads(out)
    assert doc["cut"].startswith("42 of 76 nodes") and doc["cause"] == ["Problem1"] and doc["effect"] == ["Problem2"]
    code, out, _ = run(["graph", "example:figure5", "--intervene", "Price", "--out", str(tmp_path / "f.svg"),
                        "--json"])
    doc = json.loads(out)
    assert doc["graph"] == "macro-intervention" and doc["intervene"] == "Price" and doc["cut"] is None


def test_plot_min_cost_with_a_cost_file(tmp_path):
    cost = tmp_path / "cost.json"
    cost.write_text(json.dumps({"LDLlo_HDLlo": 0, "LDLlo_HDLhi": 1, "LDLhi_HDLlo": 2, "LDLhi_HDLhi": 3}))
    code, out, err = run(["plot", "example:cholesterol", "--objective", "min-cost", "--cost", str(cost), "--out",
                          str(tmp_path / "m.png"), "--json"])
    assert code == 0, err
    assert json.loads(out)["objective"] == "min-cost" and (tmp_path / "m.png").stat().st_size > 0


@pytest.mark.parametrize(("argv", "message"), [
    (["plot", "example:cholesterol", "--state", "low", "nope"], "--state: expected a macro state of 'Lipids' "
                                                                "['low', 'medium', 'high'], found 'nope'"),
    (["plot", "example:cholesterol", "--project", "no,maybe"], "--project: expected ybar or ybar,ybar with macro "
                                                               "states of the effect ['no', 'yes']"),
    (["plot", "example:cholesterol", "--project", "no,yes,no"], "--project: expected ybar or ybar,ybar"),
    (["plot", "example:cholesterol", "--project", "yes,yes"], "--project: expected one or two different macro states"),
    (["plot", "net:sachs", "--cause", "Raf,Mek:sum", "--effect", "Erk,Akt:sum"], "--project: expected one or two "
                                                                                 "directions to draw the 5"),
    (["plot", "example:cholesterol", "--project", ""], "discagg plot: argument --project: expected a file path"),
    (["plot", "example:cholesterol", "--cost", "c.json"], "--cost: expected --cost together with --objective min-cost"),
    (["plot", "example:cholesterol", "--objective", "min-cost"], "--cost: expected a cost file"),
    (["plot", "example:cholesterol", "--cause", "Nope"], "example:cholesterol: --cause: expected a node or group"),
    (["graph", "net:sachs", "--intervene", "Nope"], "net:sachs: --intervene: expected a node or group"),
    (["graph", "net:win95pts"], "net:win95pts: --cause, --effect: expected a cause and an effect"),
    (["graph", "net:win95pts", "--cause", "Problem1", "--effect", "Problem2", "--max-nodes", "20"],
     "net:win95pts: --max-nodes: expected at most 20 nodes to draw legibly"),
    (["graph", "net:sachs", "--max-nodes", "0"], "discagg graph: argument --max-nodes: expected a positive number"),
    (["graph", "net:sachs", "--max-nodes", "many"], "discagg graph: argument --max-nodes: expected a whole number"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path, argv, message):
    code, out, err = run([*argv, "--out", str(tmp_path / "x.png")])
    assert code == 2 and out == ""
    assert err.startswith(f"discagg: error: {message}") and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []


def test_a_bad_projection_file_is_named(tmp_path):
    project = tmp_path / "p.json"
    project.write_text(json.dumps({"f": {"maybe": 1}}))
    code, out, err = run(["plot", "example:cholesterol", "--project", str(project), "--out", str(tmp_path / "x.png")])
    assert code == 2 and out == ""
    assert err == f"discagg: error: {project}: f.maybe: expected a macro state of the effect ['no', 'yes'], " \
                  "found 'maybe'\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.json"]


@pytest.mark.parametrize("command", ["plot", "graph"])
def test_bad_out_is_one_line_exit_2_and_nothing_written(tmp_path, command):
    (tmp_path / "a-directory.png").mkdir()
    (tmp_path / "a-file").write_text("")
    for out, message in (("x.jpg", "--out: expected a file name ending in one of ['.png', '.svg', '.pdf'], found"),
                         ("x", "--out: expected a file name ending in one of"),
                         ("missing/x.png", "missing/x.png: --out: expected a file in an existing directory"),
                         ("a-file/x.png", "a-file/x.png: --out: expected a file in an existing directory"),
                         ("a-directory.png", "a-directory.png: --out: expected a regular file or a new file name")):
        code, stdout, err = run([command, "example:cholesterol", "--out", str(tmp_path / out)])
        assert code == 2 and stdout == ""
        assert err.startswith("discagg: error: ") and message.split(": ", 1)[-1] in err and err.count("\n") == 1, err
        assert sorted(p.name for p in tmp_path.iterdir()) == ["a-directory.png", "a-file"]
        assert list((tmp_path / "a-directory.png").iterdir()) == []


def test_an_unwritable_directory_leaves_nothing(tmp_path, monkeypatch):
    """A failure while writing (here: a full disk, simulated) is one line, exit 2, and no temporary file stays."""
    import matplotlib.figure

    def full(*_, **__):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", full)
    code, out, err = run(["plot", "example:cholesterol", "--out", str(tmp_path / "x.svg")])
    assert code == 2 and out == "" and err.endswith("No space left on device\n") and err.count("\n") == 1, err
    assert list(tmp_path.iterdir()) == []
