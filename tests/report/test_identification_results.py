"""An Identification in a notebook: ``str()`` = ``discagg identify``'s table, HTML escaped, its JSON read back."""

from __future__ import annotations

import copy
import html
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest

import discagg
from discagg import Identification, identify, load_model
from discagg.cli import main
from discagg.errors import ModelError
from discagg.estimation.saved import load_identification
from discagg.report.identification import identification_table

from conftest import BASE_DOC

HOSTILE = "<script>alert('x')</script>"


def cli(*argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert main(list(argv), stdout=out, stderr=err) == 0, err.getvalue()
    return out.getvalue()


@pytest.fixture(scope="module")
def experiment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("identify")
    cli("solve", "example:cholesterol", "--save-realization", str(where / "inhibiting.json"))
    cli("sample", "example:cholesterol", "--realization", str(where / "inhibiting.json"), "--n", "300", "--seed", "3",
        "--out", str(where / "experiment.csv"))
    return where / "experiment.csv"


@pytest.mark.parametrize("level", ["0.95", "0.999"])
def test_str_is_what_identify_prints(experiment, level):
    result = identify(load_model("example:cholesterol"), experiment, level=float(level))
    printed = cli("identify", "example:cholesterol", "--experiment", str(experiment), "--level", level)
    assert str(result) + "\n" == printed
    assert printed.startswith("model cholesterol: cause Lipids, effect HeartDisease; experiment ")
    assert f"decided at significance {1 - float(level):.3g}" in printed


def _cells(page: str) -> list[list[str]]:
    return [re.findall(r"<t[hd]>(.*?)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", page)]


def test_html_is_the_same_table(experiment):
    result = identify(load_model("example:cholesterol"), experiment)
    page = result._repr_html_()
    table = identification_table(result)
    assert page.count("<table>") == 1
    assert _cells(page) == [[html.escape(c) for c in row] for row in [table.header, *table.rows]]
    assert [row[0] for row in table.rows] == ["low", "medium", "high"]
    for line in [*table.preamble, *table.notes]:
        assert html.escape(line) in page and line in str(result)


def test_hostile_names_are_escaped():
    doc = copy.deepcopy(BASE_DOC)
    doc["nodes"]["X"]["states"] = [HOSTILE, "x1&", "x2"]
    doc["macro"]["X"] = {"<low>": [HOSTILE, "x1&"], "high": ["x2"]}
    doc["macro"]["Y"] = {"<no>": ["y0"], "yes&amp;": ["y1", "y2"]}
    model = discagg.loads_model(json.dumps(doc))
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    runs = pd.DataFrame({"X": rng.choice(["<low>", "high"], 200), "Y": rng.choice(["y0", "y1", "y2"], 200)})
    result = identify(model, runs)
    page = result._repr_html_()
    assert "&lt;low&gt;" in page and "yes&amp;amp;" in page and html.escape(HOSTILE) in page
    assert "<" not in re.sub(r"</?(div|p|br|table|thead|tbody|tr|th|td)>", "", page)
    assert Identification.from_dict(json.loads(json.dumps(result.to_dict()))) == result


def test_the_json_reads_back_equal(experiment, tmp_path):
    result = identify(load_model("example:cholesterol"), experiment)
    document = json.loads(cli("identify", "example:cholesterol", "--experiment", str(experiment), "--json"))
    loaded = Identification.from_dict(document)
    assert loaded == result and loaded.to_dict() == document
    assert loaded.effect_macro == ("no", "yes") and str(loaded) == str(result)
    assert [s.kkt_residual for s in loaded.states] == [s.kkt_residual for s in result.states]  # in the JSON
    assert any(s.kkt_residual is not None for s in result.states)
    other = json.loads(json.dumps(document))
    other["macro_states"][1]["realization"]["LDLlo_HDLhi"] += 1e-3
    assert Identification.from_dict(other) != result
    path = tmp_path / "identification.json"
    path.write_text(json.dumps(document))
    assert load_identification(path) == result
    assert discagg.load_identification(path) == result


def test_a_document_not_as_written_names_its_key_path(experiment, tmp_path):
    document = identify(load_model("example:cholesterol"), experiment).to_dict()
    cases = [
        (lambda d: d.update(level=1.5), "level"),
        (lambda d: d.update(records="everything"), "records"),
        (lambda d: d["macro_states"][1].pop("ranges"), "macro_states[1].ranges"),
        (lambda d: d["macro_states"][1]["ranges"].update(LDLlo_HDLhi=[0.1]), "macro_states[1].ranges.LDLlo_HDLhi"),
        (lambda d: d["macro_states"][2]["inhibiting_test"].update(df=-1), "macro_states[2].inhibiting_test.df"),
        (lambda d: d["macro_states"][2]["interventional"].pop("no"), "macro_states[2].interventional"),
        (lambda d: d["macro_states"][0].update(samples="300"), "macro_states[0].samples"),
    ]
    for change, where in cases:
        bad = json.loads(json.dumps(document))
        change(bad)
        with pytest.raises(ModelError) as caught:
            Identification.from_dict(bad)
        assert caught.value.path == where, (where, str(caught.value))
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**document, "level": "high"}))
    with pytest.raises(ModelError, match=r"bad\.json.*level"):
        load_identification(path)
