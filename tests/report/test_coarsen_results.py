"""A CoarseningSearch and a CausalPartition in a notebook: ``str()`` = ``discagg coarsen``'s text, HTML, JSON back."""

from __future__ import annotations

import copy
import dataclasses
import html
import io
import json
import re

import pytest

import discagg
from discagg import CausalPartition, CoarseningSearch, causal_partition, coarsen, load_model
from discagg.cli import main
from discagg.errors import ModelError

from conftest import BASE_DOC

HOSTILE = "<script>alert('x')</script>"


def cli(*argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert main(list(argv), stdout=out, stderr=err) == 0, err.getvalue()
    return out.getvalue()


def _untimed(text: str) -> str:
    return re.sub(r"\d+\.\d+ s\)", "t s)", text)


# (argv after the model, the same search in Python)
CASES = [
    (["--states", "2"], dict(k=2)),
    (["--states", "2", "--objective", "ambiguity"], dict(k=2, objective="ambiguity")),
    (["--states", "2", "--objective", "abstraction", "--metric", "tv"], dict(k=2, objective="abstraction", metric="tv")),
    (["--states", "2", "--contiguous"], dict(k=2, contiguous=True)),
    (["--states", "3", "--method", "heuristic"], dict(k=3, method="heuristic")),
    (["--states", "1"], dict(k=1)),
]


@pytest.mark.parametrize(("argv", "kwargs"), CASES)
def test_str_is_what_coarsen_prints_and_the_json_reads_back(argv, kwargs):
    kwargs = dict(kwargs)
    result = coarsen(load_model("example:cholesterol"), None, None, kwargs.pop("k"), **kwargs)
    printed = cli("coarsen", "example:cholesterol", *argv)
    assert _untimed(str(result) + "\n") == _untimed(printed)
    document = json.loads(cli("coarsen", "example:cholesterol", *argv, "--json"))
    loaded = CoarseningSearch.from_dict(document)
    assert loaded == dataclasses.replace(result, seconds=document["seconds"])  # the one field that varies
    assert loaded.source is None and loaded.effect_states == ("no", "yes")
    document.pop("wrote")
    assert loaded.to_dict() == document and str(loaded) == str(dataclasses.replace(result, seconds=loaded.seconds))
    with pytest.raises(ValueError, match="does not hold the model"):
        loaded.to_model()


def test_a_group_merged_whole_and_a_file(tmp_path):
    argv = ["net:sachs", "--cause", "Raf,Mek:sum", "--effect", "Erk,Akt:sum>=2", "--states", "2", "--atoms", "macro"]
    document = json.loads(cli("coarsen", *argv, "--json"))
    (tmp_path / "search.json").write_text(json.dumps(document))
    loaded = discagg.load_coarsening_search(tmp_path / "search.json")
    assert loaded.atoms == "macro" and loaded.n_atoms == 5 and "merges" in str(loaded)
    assert _untimed(str(loaded) + "\n") == _untimed(cli("coarsen", *argv))


def test_causal_partition_str_html_and_json(tmp_path):
    part = causal_partition(load_model("example:cholesterol"))
    assert str(part) + "\n" == cli("coarsen", "example:cholesterol", "--causal-partition")
    document = json.loads(cli("coarsen", "example:cholesterol", "--causal-partition", "--json"))
    loaded = CausalPartition.from_dict(document)
    assert loaded == part and str(loaded) == str(part)
    document.pop("wrote")
    assert loaded.to_dict() == document
    (tmp_path / "part.json").write_text(json.dumps(document))
    assert discagg.load_causal_partition(tmp_path / "part.json") == part
    other = copy.deepcopy(document)
    other["kernel"]["c0"]["no"] += 1e-3
    assert CausalPartition.from_dict(other) != part


def _hostile_model() -> discagg.CausalModel:
    doc = copy.deepcopy(BASE_DOC)
    doc["name"] = HOSTILE
    doc["nodes"]["X"]["states"] = [HOSTILE, "x1&", "x2"]
    doc["macro"]["X"] = {"<low>": [HOSTILE, "x1&"], "high": ["x2"]}
    doc["macro"]["Y"] = {"<no>": ["y0"], "yes&amp;": ["y1", "y2"]}
    return discagg.loads_model(json.dumps(doc))


def _bare(page: str) -> str:
    return re.sub(r"</?(div|p|br|table|thead|tbody|tr|th|td)>", "", page)


def test_html_escapes_hostile_names():
    model = _hostile_model()
    search = coarsen(model, None, None, 2)
    page = search._repr_html_()
    assert page.count("<table>") == 1 and html.escape(HOSTILE) in page and "&lt;no&gt;" in page
    assert "<" not in _bare(page)
    assert CoarseningSearch.from_dict(json.loads(json.dumps(search.to_dict()))) == search
    part = causal_partition(model)
    page = part._repr_html_()
    assert html.escape(HOSTILE) in page and "yes&amp;amp;=" in page and "<" not in _bare(page)
    assert CausalPartition.from_dict(json.loads(json.dumps(part.to_dict()))) == part


@pytest.mark.parametrize(("change", "path"), [
    (lambda d: d.update(objective="speed"), "objective"),
    (lambda d: d.update(metric="jsd"), "metric"),
    (lambda d: d["states"][1].update(term="big"), "states[1].term"),
    (lambda d: d["states"].reverse(), "states"),
    (lambda d: d["macro"][next(iter(d["macro"]))].append("nowhere"), "macro"),
    (lambda d: d.update(k=3), "k"),
    (lambda d: d.pop("micro_states"), "micro_states"),
    (lambda d: d.update(given={"k": 0, "value": 0.0, "macro": {}}), "given.k"),
])
def test_a_wrong_search_document_names_its_key_path(change, path, tmp_path):
    document = coarsen(load_model("example:cholesterol"), None, None, 2).to_dict()
    change(document)
    with pytest.raises(ModelError) as caught:
        CoarseningSearch.from_dict(document)
    assert caught.value.path == path
    (tmp_path / "bad.json").write_text(json.dumps(document))
    with pytest.raises(ModelError, match=re.escape(str(tmp_path / "bad.json"))):
        discagg.load_coarsening_search(tmp_path / "bad.json")


@pytest.mark.parametrize(("change", "path"), [
    (lambda d: d.update(classes=5), "macro"),
    (lambda d: d.update(clean=not d["clean"]), "clean"),
    (lambda d: d["kernel"]["c1"].pop("no"), "kernel.c1"),  # the first class's row names the effect's states
    (lambda d: d["widths"].update(c0="wide"), "widths.c0"),
])
def test_a_wrong_partition_document_names_its_key_path(change, path):
    document = causal_partition(load_model("example:cholesterol")).to_dict()
    change(document)
    with pytest.raises(ModelError) as caught:
        CausalPartition.from_dict(document)
    assert caught.value.path == path
