"""The installed console script on SCMs: ``verify --scm``, witnesses, ``appendix-d``, and bad SCM files."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from scm_examples import CORRELATED, MARKOV

from conftest import installed_discagg as discagg
from conftest import ok_json

MODEL = {
    "format": "discagg/model-v1", "name": "lohi",
    "nodes": {"X": {"states": ["x0", "x1", "x2"], "parents": [], "cpt": [0.25, 0.25, 0.5]},
              "Y": {"states": ["n", "y"], "parents": ["X"], "cpt": [[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]]}},
    "macro": {"X": {"lo": ["x0", "x1"], "hi": ["x2"]}},
    "query": {"cause": "X", "effect": "Y"},
}






def refused(result: subprocess.CompletedProcess[str], *parts: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert result.stdout == "" and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    for part in parts:
        assert part in result.stderr, result.stderr
    return result.stderr


@pytest.fixture
def away(tmp_path: Path) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    for name, doc in (("markov.json", MARKOV), ("correlated.json", CORRELATED), ("lohi.json", MODEL)):
        (folder / name).write_text(json.dumps(doc))
    return folder


def _rows(doc: dict) -> dict[str, dict]:
    return {("condition" if "on the given SCM" in c["statement"] or "compatible" in c["statement"] else
             c["statement"].split(" ")[0]): c for c in doc["checks"]}


def test_verify_scm_decides_condition_15_on_the_given_scm(away):
    doc = ok_json(discagg("verify", "markov.json", "--scm", "correlated.json", "--json", cwd=away))
    condition = _rows(doc)["condition"]
    assert [c["result"] for c in doc["checks"]] == ["condition-15"] * 4  # the default check with --scm
    assert (condition["holds"], condition["residual"], condition["detail"]["source"]) == (False, 0.5, "scm")
    assert doc["ok"] is True
    doc = ok_json(discagg("verify", "markov.json", "--scm", "markov.json", "--check", "condition-15", "--exact",
                          "--json", cwd=away))
    assert _rows(doc)["condition"]["holds"] is True and _rows(doc)["condition"]["holds_exactly"] is True


def test_verdict_over_compatible_scms_and_its_witnesses_round_trip(away):
    doc = ok_json(discagg("verify", "markov.json", "--check", "condition-15", "--save-witnesses", "wit", "--json",
                          cwd=away))
    detail = _rows(doc)["condition"]["detail"]
    assert detail["verdict"] == "some" and detail["response_functions"] == 24
    assert detail["markov"]["holds"] is True and detail["witnesses"]["fails"]["residual"] > 0
    assert sorted(doc["witnesses_written"]) == ["wit/condition-15-fails.json", "wit/condition-15-holds.json"]
    for role, holds in (("holds", True), ("fails", False)):
        again = ok_json(discagg("verify", "markov.json", "--scm", f"wit/condition-15-{role}.json", "--json", cwd=away))
        assert _rows(again)["condition"]["holds"] is holds
    text = discagg("verify", "markov.json", "--check", "condition-15", cwd=away)
    assert text.returncode == 0 and "holds for some compatible SCMs but not all" in text.stdout
    assert "2 witness SCM(s) found (condition-15-fails, condition-15-holds)" in text.stdout


def test_an_scm_file_is_a_model_for_every_command(away):
    doc = ok_json(discagg("inspect", "correlated.json", "--cause", "X", "--effect", "Y", "--json", cwd=away))
    assert doc["macro_confounded"] is False


def test_appendix_d_inside_and_outside_the_bounds(away):
    (away / "det.json").write_text(json.dumps({"format": "discagg/realization-v1", "cause": "X",
                                               "realization": {"lo": {"x0": 1.0}, "hi": {"x2": 1.0}}}))
    (away / "edge.json").write_text(json.dumps({"format": "discagg/realization-v1", "cause": "X",
                                                "realization": {"lo": {"x0": 0.75, "x1": 0.25}, "hi": {"x2": 1.0}}}))
    outside = ok_json(discagg("verify", "lohi.json", "--check", "appendix-d", "--realization", "det.json", "--json",
                              cwd=away))
    bounds, model = outside["checks"]
    assert (bounds["holds"], bounds["residual"], model["holds"], model["required"]) == (False, 0.25, False, False)
    inside = ok_json(discagg("verify", "lohi.json", "--check", "appendix-d", "--realization", "edge.json",
                             "--save-witnesses", "w", "--exact", "--json", cwd=away))
    assert [c["holds_exactly"] for c in inside["checks"]] == [True, True]
    assert inside["witnesses_written"] == ["w/appendix-d.json"]
    macro = ok_json(discagg("inspect", "w/appendix-d.json", "--json", cwd=away))  # a model of its own
    assert [s["interventional"] for s in macro["macro_states"]][0]["n"] == pytest.approx(0.75)


@pytest.mark.parametrize("edit,parts", [
    (lambda d: d.update(nodes=None), ["bad.json: nodes: expected an object mapping node names to nodes"]),
    (lambda d: d["nodes"]["X"]["responses"][0].update(p=0.5), ["bad.json: nodes.X.responses: expected response "
                                                               "probabilities summing to 1"]),
    (lambda d: d["nodes"]["Y"]["responses"][0]["f"].update(d="n"), ["bad.json: nodes.Y.responses[0].f.d: expected a "
                                                                     "state of 'X'"]),
    (lambda d: d["nodes"]["Y"]["responses"][0].update(p=0.25) or d["nodes"]["Y"]["responses"][1].update(p=0.75),
     ["bad.json: nodes.Y: expected response functions of 'Y' that reproduce the model's CPT"]),
    (lambda d: d["nodes"]["Y"].update(states=["n", "y", "m"]), ["bad.json: nodes.Y: expected the model's states"]),
])
def test_bad_scm_files_exit_2_with_one_line(away, edit, parts):
    doc = json.loads(json.dumps(MARKOV))
    edit(doc)
    (away / "bad.json").write_text(json.dumps(doc))
    refused(discagg("verify", "markov.json", "--scm", "bad.json", cwd=away), "discagg: error: ", *parts)


def test_more_refusals(away):
    (away / "broken.json").write_text('{"format": "discagg/scm-v1", "nodes": {')
    refused(discagg("verify", "markov.json", "--scm", "broken.json", cwd=away), "broken.json: line 1 column",
            "expected valid JSON")
    visible = json.loads(json.dumps(CORRELATED))
    visible["joint"][0]["responses"][0]["f"]["Y"]["a"] = "y"  # now Y depends on X beyond do(X)
    visible["joint"][0]["responses"][1]["f"]["Y"]["a"] = "y"
    visible["joint"][0]["responses"][2]["f"]["Y"]["a"] = "n"
    visible["joint"][0]["responses"][3]["f"]["Y"]["a"] = "n"
    (away / "visible.json").write_text(json.dumps(visible))
    refused(discagg("verify", "visible.json", "--cause", "X", "--effect", "Y", cwd=away),
            "visible.json: joint[0]: expected response functions whose correlation no intervention shows")
    refused(discagg("verify", "markov.json", "--scm", "lohi.json", cwd=away),
            "lohi.json: format: expected 'discagg/scm-v1', found str 'discagg/model-v1'")
    (away / "file").write_text("")
    refused(discagg("verify", "markov.json", "--check", "condition-15", "--save-witnesses", "file", cwd=away),
            "--save-witnesses: expected a directory, found the file file")
    refused(discagg("verify", "example:figure5", "--check", "condition-14", cwd=away),
            "--check: expected relevant nodes ['Region', 'Price', 'Sales'] with at most 262144 joint response "
            "functions", "found 44079842304")
    assert not (away / "wit").exists()
