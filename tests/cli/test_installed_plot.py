"""The installed console script draws: ``discagg plot`` and ``discagg graph`` from a directory outside the repository."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import installed_discagg as discagg

pytest.importorskip("matplotlib")

MAGIC = {".png": b"\x89PNG\r\n\x1a\n", ".svg": b"<?xml", ".pdf": b"%PDF-"}






@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_plot_and_graph_write_each_format(away, suffix):
    result = discagg("plot", "example:cholesterol", "--out", f"r{suffix}", "--json", cwd=away)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    doc = json.loads(result.stdout)
    assert doc["picture"] == "interval" and doc["axes"] == ["P(Ybar = yes | .)"]
    assert [s["status"] for s in doc["states"]] == ["infeasible", "inhibiting", "infeasible"]
    assert (away / f"r{suffix}").read_bytes().startswith(MAGIC[suffix])
    result = discagg("graph", "net:sachs", "--cause", "Raf,Mek:sum", "--effect", "Erk,Akt:sum", "--out",
                     f"g{suffix}", cwd=away)
    assert result.returncode == 0 and result.stdout == f"wrote g{suffix}\n", result.stderr
    assert (away / f"g{suffix}").read_bytes().startswith(MAGIC[suffix])
    assert sorted(p.name for p in away.iterdir()) == sorted([f"r{suffix}", f"g{suffix}"])  # no temporary left


def test_plot_ternary_projection_states_and_a_function_file(away):
    doc = json.loads(discagg("plot", "net:sachs", "--cause", "Raf,Mek:sum", "--effect", "Erk,Akt:sum@2,3", "--state",
                             "4", "0", "--out", "t.png", "--json", cwd=away).stdout)
    assert doc["picture"] == "ternary" and [s["state"] for s in doc["states"]] == ["4", "0"]
    (away / "f.json").write_text(json.dumps({"E[sum]": {"1": 1, "2": 2, "3": 3, "4": 4}, "P(4)": {"4": 1}}))
    result = discagg("plot", "net:sachs", "--cause", "Raf,Mek:sum", "--effect", "Erk,Akt:sum", "--project", "f.json",
                     "--out", "p.svg", "--json", cwd=away)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["axes"] == ["E[sum]", "P(4)"]
    result = discagg("plot", "example:cholesterol", "--objective", "min-cost", "--cost", "c.json", "--out", "m.png",
                     cwd=away)
    assert result.returncode == 2 and "c.json" in result.stderr  # no such file: refused before drawing


def test_bad_input_and_bad_out_are_one_line_exit_2_and_nothing_written(away):
    (away / "a-directory.png").mkdir()
    for argv, message in ((["plot", "example:cholesterol", "--state", "nope", "--out", "x.png"],
                           "--state: expected a macro state of 'Lipids' ['low', 'medium', 'high'], found 'nope'"),
                          (["graph", "net:sachs", "--intervene", "Nope", "--out", "x.png"],
                           "net:sachs: --intervene: expected a node or group"),
                          (["plot", "example:cholesterol", "--out", "a-directory.png"],
                           "a-directory.png: --out: expected a regular file or a new file name")):
        result = discagg(*argv, cwd=away)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.startswith(f"discagg: error: {message}") and result.stderr.count("\n") == 1, \
            result.stderr
        assert sorted(p.name for p in away.iterdir()) == ["a-directory.png"]


def test_without_matplotlib_the_error_names_the_extra(away):
    (away / "sitecustomize.py").write_text("import sys\nsys.modules['matplotlib'] = None\n")  # import fails
    env = {"PYTHONPATH": os.pathsep.join([str(away), os.environ.get("PYTHONPATH", "")])}
    for command in (["plot", "example:cholesterol"], ["graph", "example:cholesterol"]):
        result = discagg(*command, "--out", "x.png", cwd=away, env=env)
        assert result.returncode == 2 and result.stdout == ""
        assert "pip install 'discagg[plot]'" in result.stderr and result.stderr.count("\n") == 1, result.stderr
        assert not (away / "x.png").exists()


def test_plot_help_loads_no_matplotlib(away):
    result = discagg("plot", "--help", cwd=away)
    assert result.returncode == 0 and result.stdout.startswith("usage: discagg plot") and result.stderr == ""
    assert "--project" in result.stdout and "--state" in result.stdout
    probe = subprocess.run([sys.executable, "-c", "import sys\nfrom discagg.cli import main\n"
                            "main(['plot', '--help'])\nprint('matplotlib' in sys.modules, file=sys.stderr)"],
                           cwd=away, capture_output=True, text=True, timeout=120)
    assert probe.stderr.strip() == "False"
