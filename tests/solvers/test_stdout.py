"""No library discagg calls writes to stdout: ``discagg ... --json`` prints exactly one JSON document.

highspy ≥ 1.8 prints HiGHS's banner on file descriptor 1 from ``highspy.Highs()`` itself; cvxpy's
HIGHS interface constructs one. These tests run the installed console script in fresh processes (the
banner appears once per process, so an in-process test would miss it after the first solve) on every
path that reaches a HiGHS: column generation in highspy, the objective LPs and the maximal-support
LPs in scipy's HiGHS, the cvxpy formulations, the exact fallbacks.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

EXE = Path(sys.executable).with_name("discagg")
COMMAND = [str(EXE)] if EXE.exists() else ([shutil.which("discagg")] if shutil.which("discagg") else
                                           [sys.executable, "-m", "discagg"])
FACE = {  # P(Ybar | xbar) on an edge of the hull, so that min-kl and max-entropy need the face LP
    "format": "discagg/model-v1", "name": "face",
    "nodes": {"X": {"states": ["a", "b", "c", "d"], "parents": [], "cpt": [0.25, 0.25, 0.0, 0.5]},
              "Y": {"states": ["y0", "y1", "y2"], "parents": ["X"],
                    "cpt": [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.5, 0.5, 0.0]]}},
    "macro": {"X": {"all": ["a", "b", "c", "d"]}, "Y": {"0": ["y0"], "1": ["y1"], "2": ["y2"]}},
    "query": {"cause": "X", "effect": "Y"}}


def run(args, cwd):
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run(COMMAND + args, capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    where = tmp_path_factory.mktemp("stdout")
    (where / "cost.json").write_text(json.dumps({"LDLlo_HDLlo": 1.0, "LDLlo_HDLhi": 2.0, "LDLhi_HDLlo": 0.5,
                                                 "LDLhi_HDLhi": 4.0}))
    (where / "target.json").write_text(json.dumps({"medium": {"no": 0.8, "yes": 0.2}}))
    (where / "face.json").write_text(json.dumps(FACE))
    return where


CASES = [
    ["solve", "{data}/cholesterol.json", "--json"],
    ["solve", "{data}/cholesterol.json", "--json", "--objective", "closest"],
    ["solve", "{data}/cholesterol.json", "--json", "--objective", "min-cost", "--cost", "{tmp}/cost.json"],
    ["solve", "{data}/cholesterol.json", "--json", "--objective", "min-kl"],
    ["solve", "{data}/cholesterol.json", "--json", "--objective", "max-entropy"],
    ["solve", "{data}/cholesterol.json", "--json", "--objective", "closest", "--method", "cvxpy"],
    ["solve", "{data}/cholesterol.json", "--json", "--objective", "min-cost", "--cost", "{tmp}/cost.json",
     "--method", "cvxpy"],
    ["solve", "{data}/cholesterol.json", "--json", "--objective", "max-entropy", "--method", "cvxpy"],
    ["solve", "{data}/cholesterol.json", "--json", "--induce", "--target", "{tmp}/target.json"],
    ["solve", "{tmp}/face.json", "--json", "--objective", "max-entropy"],
    ["solve", "{tmp}/face.json", "--json", "--objective", "min-kl", "--method", "cvxpy"],
    ["bounds", "{data}/cholesterol.json", "--json"],
]


@pytest.mark.parametrize("args", CASES, ids=lambda a: " ".join(a[2:]).replace("{data}/", "").replace("{tmp}/", ""))
def test_json_output_is_exactly_one_document(args, files, tmp_path):
    argv = [a.format(data=ROOT / "data", tmp=files) for a in args]
    result = run(argv, tmp_path)  # from another directory: nothing depends on the checkout
    assert result.returncode == 0, result.stderr
    assert "HiGHS" not in result.stdout and "third-party" not in result.stdout
    doc = json.loads(result.stdout)  # the whole of stdout: json.loads refuses anything before or after
    assert doc["macro_states"] and result.stdout.startswith("{")


def test_quiet_highs_and_the_cvxpy_formulations_write_nothing_to_fd_1(tmp_path):
    code = (
        "import numpy as np\n"
        "from discagg.solvers.highs import quiet_highs\n"
        "from discagg.solvers.cvx import gap_cvxpy, objective_cvxpy\n"
        "from discagg.solvers.gap_lp import min_gap, maximal_support, objective_lp\n"
        "h = quiet_highs(); h.run()\n"
        "K = np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]); o = np.array([0.6, 0.4])\n"
        "min_gap(K, o); maximal_support(K, o); objective_lp(K, o, 0.0, 'min-cost', cost=np.arange(3.0))\n"
        "gap_cvxpy(K, o); objective_cvxpy(K, o, 'closest', natural=np.ones(3) / 3)\n"
        "objective_cvxpy(K, o, 'max-entropy')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
