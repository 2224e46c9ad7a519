"""An AbstractionError and a LearnedAbstraction in a notebook: ``str()`` = the commands' text, HTML escaped."""

from __future__ import annotations

import dataclasses
import html
import io
import re

import pytest

from discagg import abstraction_error, learn_abstraction
from discagg.cli import main
from discagg.report.abstraction import error_table, render_error

HOSTILE = "<script>alert('x')</script>"


def cli(*argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert main(list(argv), stdout=out, stderr=err) == 0, err.getvalue()
    return out.getvalue()


def _untimed(text: str) -> str:
    return re.sub(r"\(\d+\.\d+ s\)", "(t s)", text)


@pytest.mark.parametrize(("name", "macro", "mechanism", "metric"), [
    ("vstruct", True, None, "jsd"), ("vstruct", False, None, "jsd"), ("basic", True, "best", "tv"),
    ("basic", True, None, "tv"),
])
def test_str_is_what_abstraction_prints(name, macro, mechanism, metric):
    scenario = f"scenario:{name}"
    result = abstraction_error(scenario, scenario if macro else None, scenario, metric=metric, mechanism=mechanism)
    argv = ["abstraction", scenario, *([scenario] if macro else []), "--map", scenario, "--metric", metric,
            *(["--best-mechanism"] if mechanism == "best" else [])]
    assert str(result) + "\n" == cli(*argv)
    assert render_error(result, per_intervention=True) + "\n" == cli(*argv, "--per-intervention")
    assert result.micro_name == f"{name}-micro" and result.macro_name == (f"{name}-macro" if macro else None)


@pytest.mark.parametrize("method", ["exhaustive", "branch-and-bound"])
def test_str_is_what_learn_abstraction_prints(method):
    result = learn_abstraction("scenario:vstruct", "scenario:vstruct", "scenario:vstruct", method=method)
    printed = cli("learn-abstraction", "scenario:vstruct", "scenario:vstruct", "--variables", "scenario:vstruct",
                  "--method", method)
    assert _untimed(str(result) + "\n") == _untimed(printed)
    assert printed.startswith("learn-abstraction: micro vstruct-micro -> macro vstruct-macro; metric jsd")


def _bare(page: str) -> str:
    return re.sub(r"</?(div|p|br|table|thead|tbody|tr|th|td|pre)>", "", page)


def test_html_is_the_pair_table_and_escapes_names():
    result = abstraction_error("scenario:basic", "scenario:basic", "scenario:basic", mechanism="best")
    page = result._repr_html_()
    table = error_table(result)
    rows = [re.findall(r"<t[hd]>(.*?)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", page)]
    assert rows == [[html.escape(c) for c in row] for row in [table.header, *table.rows]]
    hostile = dataclasses.replace(result, micro_name=HOSTILE, macro_name="a&b")
    page = hostile._repr_html_()
    assert html.escape(HOSTILE) in page and "macro a&amp;b" in page and "<" not in _bare(page)
    learned = learn_abstraction("scenario:vstruct", "scenario:vstruct", "scenario:vstruct")
    page = dataclasses.replace(learned, error=dataclasses.replace(learned.error, micro_name=HOSTILE))._repr_html_()
    assert page.startswith("<pre>learn-abstraction: micro " + html.escape(HOSTILE))
    assert "<" not in _bare(page) and page.count("\n") == str(learned).count("\n")
