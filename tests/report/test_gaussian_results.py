"""A GaussianAnalysis in a notebook: ``str()`` = ``discagg gaussian``'s text, HTML its escaped text."""

from __future__ import annotations

import html
import io
import re

import numpy as np
import pytest

from discagg import GaussianModel, gaussian_analysis, load_gaussian
from discagg.cli import main

HOSTILE = "<script>alert('x')</script>"


def cli(*argv: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert main(list(argv), stdout=out, stderr=err) == 0, err.getvalue()
    return out.getvalue()


@pytest.mark.parametrize(("spec", "argv", "kwargs"), [
    ("example:shops", [], {}),
    ("example:hours-and-pay", ["--xbar", "1", "2"], {"xbar": [1.0, 2.0]}),
    ("example:promotion", ["--beta", "0.5"], {"beta": 0.5}),
    ("example:shops", ["--shift", "1,0"], {"shift": [1.0, 0.0]}),
])
def test_str_is_what_gaussian_prints(spec, argv, kwargs):
    model = load_gaussian(spec)
    kwargs.setdefault("xbar", [model.mean_xbar])
    analysis = gaussian_analysis(model, **kwargs)
    assert str(analysis) + "\n" == cli("gaussian", spec, *argv)


def test_html_is_the_text_escaped():
    model = GaussianModel([0.0, 1.0], np.eye(2), alpha=[1.0, 3.0], name=HOSTILE, variables=["a&b", "<c>"])
    analysis = gaussian_analysis(model, xbar=[1.0])
    page = analysis._repr_html_()
    assert page.startswith("<pre>model " + html.escape(HOSTILE)) and "(a&amp;b, &lt;c&gt;)" in page
    assert "<" not in re.sub(r"</?pre>", "", page)
    assert html.unescape(page[len("<pre>"):-len("</pre>")]) == str(analysis)
