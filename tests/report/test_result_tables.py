"""``str()`` of a result is the table the CLI prints; ``_repr_html_`` is that table in HTML, names escaped."""

from __future__ import annotations

import copy
import html
import io
import json
import re
from pathlib import Path

import pytest

from discagg import Aggregation, effect_bounds, inspect_model, load_model, loads_model, most_inducing, reach, solve
from discagg.cli import main
from discagg.report.tables import bounds_table, inspection_table, solution_table

from conftest import BASE_DOC

COST = {"LDLlo_HDLlo": 1.0, "LDLlo_HDLhi": 2.0, "LDLhi_HDLlo": 0.5, "LDLhi_HDLhi": 4.0}
TARGET = {"medium": {"no": 0.8, "yes": 0.2}, "low": {"no": 0.5, "yes": 0.5}}  # low's fibre is one state: unreachable


def cli(*argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert main(list(argv), stdout=out, stderr=err) == 0, err.getvalue()
    return out.getvalue()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("tables")
    (where / "cost.json").write_text(json.dumps(COST))
    (where / "target.json").write_text(json.dumps(TARGET))
    (where / "f.json").write_text(json.dumps({"no": 0.0, "yes": 1.0}))
    return where


def test_str_of_each_result_is_what_the_cli_prints(files):
    model = load_model("example:cholesterol")
    asia = load_model("net:asia")
    cases = [
        (solve(model), ["solve", "example:cholesterol"]),
        (solve(model, objective="closest"), ["solve", "example:cholesterol", "--objective", "closest"]),
        (solve(model, objective="min-cost", cost=COST),
         ["solve", "example:cholesterol", "--objective", "min-cost", "--cost", str(files / "cost.json")]),
        (most_inducing(model), ["solve", "example:cholesterol", "--induce"]),
        (reach(model, TARGET), ["solve", "example:cholesterol", "--induce", "--target", str(files / "target.json")]),
        (inspect_model(model), ["inspect", "example:cholesterol"]),
        (inspect_model(asia, "tub,lung:count=yes", "dysp"),
         ["inspect", "net:asia", "--cause", "tub,lung:count=yes", "--effect", "dysp"]),
        (effect_bounds(model), ["bounds", "example:cholesterol"]),
        (effect_bounds(model, f={"no": 0.0, "yes": 1.0}), ["bounds", "example:cholesterol", "--f", str(files / "f.json")]),
    ]
    for result, argv in cases:
        printed = cli(*argv)
        assert str(result) + "\n" == printed, argv
        assert printed.startswith(f"model {result.model}: cause {result.cause}")


def _cells(page: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", page)
    return [re.findall(r"<t[hd]>(.*?)</t[hd]>", row) for row in rows]


def test_html_is_the_same_table():
    model = load_model("example:cholesterol")
    for result, table in [(solve(model), solution_table), (inspect_model(model), inspection_table),
                          (effect_bounds(model, f=[0.0, 1.0]), bounds_table)]:
        page = result._repr_html_()
        expected = table(result)
        assert page.startswith("<div>") and page.endswith("</div>") and page.count("<table>") == 1
        assert _cells(page) == [[html.escape(c) for c in row] for row in [expected.header, *expected.rows]]
        for line in [*expected.preamble, *expected.notes]:
            assert html.escape(line) in page


HOSTILE = "<script>alert('x')</script>"


def _hostile_model():
    doc = copy.deepcopy(BASE_DOC)
    doc["name"] = "<i>model</i>"
    x = doc["nodes"]["X"]
    x["states"] = [HOSTILE, "x1&", "x2\n<b>"]
    doc["macro"]["X"] = {"<low>": [HOSTILE, "x1&"], "high\"'": ["x2\n<b>"]}
    doc["macro"]["Y"] = {"<no>": ["y0"], "yes&amp;": ["y1", "y2"]}
    return loads_model(json.dumps(doc))


def test_hostile_state_names_are_escaped_in_html():
    model = _hostile_model()
    agg = Aggregation.of(model)
    for result in (solve(model), inspect_model(model), effect_bounds(agg, f=[0.0, 1.0]), most_inducing(agg)):
        page = result._repr_html_()
        text = re.sub(r"</?(div|p|br|table|thead|tbody|tr|th|td)>", "", page)
        assert "<" not in text and ">" not in text  # the only tags are the table's own
        assert "\n" not in page  # a newline in a name is shown escaped, as in the text table
        assert "&lt;low&gt;" in page and "yes&amp;amp;" in page and "x2\\n&lt;b&gt;" in page
    assert html.escape(HOSTILE) in solve(model)._repr_html_()  # the realization names the micro state
