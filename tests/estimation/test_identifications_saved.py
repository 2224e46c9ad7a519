"""Several experiments' identification: str() = ``discagg identify``'s table, HTML, a short repr, and its JSON read back."""

from __future__ import annotations

import html
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

import discagg
from discagg import Identification, Identifications, ModelError, identify_experiments, load_identifications
from discagg.cli import main
from discagg.core.realization import RealizationFamily
from discagg.estimation.sampling import sample
from discagg.report.identification import identifications_table

from conftest import installed_discagg, ok_json


def cli(*argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert main(list(argv), stdout=out, stderr=err) == 0, err.getvalue()
    return out.getvalue()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """Two experiments' runs (an inhibiting and a point-mass realization) and one file of both, split by 'store'."""
    where = tmp_path_factory.mktemp("experiments")
    model = discagg.load_model("example:cholesterol")
    pi = discagg.Aggregation.of(model).cause_map
    point = RealizationFamily.from_mapping(pi, {"low": {"LDLlo_HDLlo": 1.0}, "medium": {"LDLhi_HDLlo": 1.0},
                                                "high": {"LDLhi_HDLhi": 1.0}})
    half = RealizationFamily.from_mapping(pi, {"low": {"LDLlo_HDLlo": 1.0},
                                               "medium": {"LDLlo_HDLhi": 0.5, "LDLhi_HDLlo": 0.5},
                                               "high": {"LDLhi_HDLhi": 1.0}})
    a = sample(model, 400, 1, realization=point)[["Lipids", "HeartDisease"]]
    b = sample(model, 250, 2, realization=half)[["Lipids", "HeartDisease"]]
    a.to_csv(where / "a.csv", index=False)
    b.to_csv(where / "b.csv", index=False)
    both = pd.concat([a.assign(store="north"), b.assign(store="south")], ignore_index=True)
    both.to_csv(where / "both.csv", index=False)
    return where / "a.csv", where / "b.csv", where / "both.csv"


def through_json(document: dict) -> dict:
    return json.loads(json.dumps(document, indent=2, allow_nan=False))


@pytest.mark.parametrize("split", [False, True])
def test_str_is_the_table_identify_prints_and_json_reads_back(files, split, tmp_path):
    a, b, both = files
    model = discagg.load_model("example:cholesterol")
    if split:
        result = identify_experiments(model, both, by="store")
        argv = ["identify", "example:cholesterol", "--experiment", str(both), "--by", "store"]
    else:
        result = identify_experiments(model, [a, b])
        argv = ["identify", "example:cholesterol", "--experiment", str(a), "--experiment", str(b)]
    printed = cli(*argv)
    assert str(result) + "\n" == printed
    assert printed.startswith("model cholesterol: cause Lipids, effect HeartDisease; 2 experiments\n")
    document = json.loads(cli(*argv, "--json"))
    assert document == through_json(result.to_dict()) and set(document) == {"model", "cause", "effect", "level",
                                                                               "experiments"}
    loaded = Identifications.from_dict(document)
    assert loaded == result and loaded.to_dict() == result.to_dict()
    assert str(loaded) == str(result) and repr(loaded) == repr(result)
    assert [e.by for e in loaded] == ([("store", "north"), ("store", "south")] if split else [None, None])
    path = tmp_path / "found.json"
    path.write_text(json.dumps(document))
    assert load_identifications(path) == result
    assert discagg.load_identifications(str(path)) == result


def test_the_repr_is_one_line_counting_the_tables_rejections(files):
    a, b, _ = files
    result = identify_experiments(discagg.load_model("example:cholesterol"), [a, b])
    text = repr(result)
    # 'rejected at 0.05' appears once per rejected row of the table (and not in its notes)
    rejected = str(result).count("rejected at 0.05")
    tested = sum(1 for e in result for s in e.states if s.inhibiting_test is not None)
    assert tested == 6 and rejected >= 1  # the point mass on LDLhi_HDLlo for 'medium' induces confounding
    assert text == (f"Identifications(model='cholesterol', Lipids -> HeartDisease, 2 experiments, inhibition "
                    f"rejected in {rejected} of 6 at 0.05)")
    assert "\n" not in text and len(text) < 120


def test_html_is_the_same_table_escaped(files):
    _, _, both = files
    result = identify_experiments(discagg.load_model("example:cholesterol"), both, by="store")
    page = result._repr_html_()
    table = identifications_table(result)
    cells = [re.findall(r"<t[hd]>(.*?)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", page)]
    assert cells == [[html.escape(c) for c in row] for row in [table.header, *table.rows]]
    assert [row[0] for row in table.rows] == ["store=north", "", "", "store=south", "", ""]
    for line in [*table.preamble, *table.notes]:
        assert html.escape(line) in page and line in str(result)


def test_a_single_experiment_document_reads_as_one(files, tmp_path):
    a, _, _ = files
    path = tmp_path / "one.json"
    path.write_text(cli("identify", "example:cholesterol", "--experiment", str(a), "--json"))
    one = discagg.load_identification(path)
    several = load_identifications(path)
    assert isinstance(one, Identification) and len(several) == 1 and several[0] == one
    assert (several.model, several.cause, several.effect, several.level) == (one.model, one.cause, one.effect,
                                                                              one.level)


def test_load_identification_names_load_identifications_for_several(files, tmp_path):
    a, b, _ = files
    path = tmp_path / "several.json"
    path.write_text(cli("identify", "example:cholesterol", "--experiment", str(a), "--experiment", str(b), "--json"))
    with pytest.raises(ModelError, match=r"several\.json: experiments: expected one experiment's document .*"
                                         r"load_identifications"):
        discagg.load_identification(path)


def _several(files: tuple[Path, Path, Path]) -> dict:
    a, b, _ = files
    return json.loads(cli("identify", "example:cholesterol", "--experiment", str(a), "--experiment", str(b), "--json"))


@pytest.mark.parametrize(("change", "where"), [
    (lambda d: d["experiments"][1]["macro_states"][0].update(samples=-1), r"experiments\[1\]\.macro_states\[0\]\.samples"),
    (lambda d: d["experiments"][0].update(model="other"), r"experiments\[0\]\.model: expected the document's model "
                                                          r"'cholesterol', found 'other'"),
    (lambda d: d["experiments"][1].update(level=0.9), r"experiments\[1\]\.level"),
    (lambda d: d.update(experiments=[]), r"experiments: expected a non-empty list"),
    (lambda d: d.update(extra=1), r"extra: expected only the keys"),
    (lambda d: d.pop("level"), r"level: expected this key to be present"),
    (lambda d: d["experiments"][0].pop("records"), r"experiments\[0\]\.records: expected this key"),
])
def test_a_bad_document_names_the_file_and_key_path(files, tmp_path, change, where):
    document = _several(files)
    change(document)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    with pytest.raises(ModelError, match=where) as caught:
        load_identifications(path)
    assert caught.value.source == str(path)


def test_through_the_installed_script(files, away):
    a, b, both = files
    model = discagg.load_model("example:cholesterol")
    document = ok_json(installed_discagg("identify", "example:cholesterol", "--experiment", str(both), "--by", "store",
                                         "--json", "--quiet", cwd=away))
    (away / "found.json").write_text(json.dumps(document))
    expected = identify_experiments(model, both, by="store")
    assert load_identifications(away / "found.json") == expected
    shown = installed_discagg("identify", "example:cholesterol", "--experiment", str(a), "--experiment", str(b),
                              "--quiet", cwd=away)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout == str(identify_experiments(model, [a, b])) + "\n"
