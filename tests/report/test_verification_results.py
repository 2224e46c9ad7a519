"""A Verification in a notebook: ``str()`` = ``discagg verify``'s text, HTML escaped, its JSON read back."""

from __future__ import annotations

import copy
import html
import io
import json
import math
import re
from pathlib import Path

import pytest

import discagg
from discagg import Aggregation, load_model, load_verification
from discagg.cli import main
from discagg.errors import ModelError
from discagg.theory import Verification, verify

from conftest import BASE_DOC

HOSTILE = "<script>alert('x')</script>"


def cli(*argv: str, code: int = 0) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert main(list(argv), stdout=out, stderr=err) == code, err.getvalue()
    return out.getvalue()


def _verify(model: str | discagg.CausalModel, checks: tuple[str, ...], exact: bool = False) -> Verification:
    agg = Aggregation.of(load_model(model) if isinstance(model, str) else model)
    return verify(agg, checks, exact=exact)


# (checks, --exact, exit code): a passing run, an exact one with Theorem 4.1's tables, a failing witness
# check with a NaN residual, the counterfactual check with its witness SCMs, appendix D.
CASES = [(("theorem-3.1",), False, 0), (("theorem-4.1",), True, 0), (("theorem-3.2",), False, 1),
         (("condition-15",), False, 0), (("appendix-d",), False, 0), (("theorem-3.1", "consistency"), True, 0)]


@pytest.mark.parametrize(("checks", "exact", "code"), CASES)
def test_str_is_what_verify_prints_and_the_json_reads_back(checks, exact, code):
    result = _verify("example:cholesterol", checks, exact)
    argv = ["verify", "example:cholesterol", *(a for c in checks for a in ("--check", c))] + (["--exact"] * exact)
    printed = cli(*argv, code=code)
    assert str(result) + "\n" == printed
    assert ("exactly" in printed.splitlines()[2]) == exact
    document = json.loads(cli(*argv, "--json", code=code))
    loaded = Verification.from_dict(document)
    assert loaded == result and loaded.to_dict() == document and str(loaded) == str(result)


def test_the_witness_line_and_the_nan_residual():
    result = _verify("example:cholesterol", ("condition-15",))
    assert str(result).endswith("2 witness SCM(s) found (condition-15-fails, condition-15-holds); "
                                "--save-witnesses DIR writes them, --json prints them")
    lacking = _verify("example:cholesterol", ("theorem-3.2",))
    assert math.isnan(lacking.checks[-1].residual)  # no family given
    document = lacking.to_dict()
    assert document["checks"][-1]["residual"] is None  # was a crash: NaN is not JSON
    assert json.loads(json.dumps(document, allow_nan=False)) == document


def test_adjusted_effects_round_trip_with_undefined_rows(tmp_path):
    doc = copy.deepcopy(BASE_DOC)
    doc["nodes"]["X"]["cpt"] = [[0.5, 0.5, 0.0], [0.6, 0.3, 0.1]]  # P(high | z0) = 0: no positivity for high
    model = discagg.loads_model(json.dumps(doc))
    result = _verify(model, ("theorem-4.1",))
    assert [bool(d) for d in result.adjusted[0].defined] == [True, False]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(doc))
    printed = cli("verify", str(path), "--check", "theorem-4.1", code=0 if result.ok else 1)
    assert str(result) + "\n" == printed
    assert "\nhigh  undefined (P(xbar, b) = 0 for some b with P(b) > 0)  -\n" in printed
    document = json.loads(cli("verify", str(path), "--check", "theorem-4.1", "--json", code=0 if result.ok else 1))
    assert document["adjusted"][0]["estimate"]["high"] is None
    assert document["adjusted"][0]["condition_13"] == result.adjusted[0].condition_13
    saved = tmp_path / "verification.json"
    saved.write_text(json.dumps(document))
    loaded = load_verification(saved)
    assert loaded == result and loaded.to_dict() == document
    other = copy.deepcopy(document)
    other["adjusted"][0]["estimate"]["low"]["no"] += 1e-3
    assert Verification.from_dict(other) != result


def test_inequality_follows_the_checks():
    result = _verify("example:cholesterol", ("theorem-4.1",))
    document = result.to_dict()
    document["checks"][0]["residual"] += 1e-9
    assert Verification.from_dict(document) != result
    assert result != _verify("example:cholesterol", ("theorem-3.1",))


def _cells(page: str) -> list[list[str]]:
    return [re.findall(r"<t[hd]>(.*?)</t[hd]>", row) for row in re.findall(r"<tr>(.*?)</tr>", page)]


def test_html_is_the_same_tables_and_escapes_hostile_names():
    doc = copy.deepcopy(BASE_DOC)
    doc["name"] = HOSTILE
    doc["nodes"]["X"]["states"] = [HOSTILE, "x1&", "x2"]
    doc["macro"]["X"] = {"<low>": [HOSTILE, "x1&"], "high": ["x2"]}
    doc["macro"]["Y"] = {"<no>": ["y0"], "yes&amp;": ["y1", "y2"]}
    result = _verify(discagg.loads_model(json.dumps(doc)), ("theorem-4.1",), exact=True)
    page = result._repr_html_()
    assert page.count("<table>") == 2  # the checks, the chosen adjustment set
    rows = _cells(page)
    assert rows[0] == [html.escape(h) for h in ("result", "kind", "verdict", "residual", "exactly", "statement")]
    assert rows[len(result.checks) + 2][0] == "&lt;low&gt;" and "&lt;no&gt;=" in rows[len(result.checks) + 2][1]
    assert html.escape(f"model {HOSTILE}") in page and "yes&amp;amp;=" in page
    assert "<" not in re.sub(r"</?(div|p|br|table|thead|tbody|tr|th|td)>", "", page)
    assert Verification.from_dict(json.loads(json.dumps(result.to_dict()))) == result


@pytest.mark.parametrize(("change", "path"), [
    (lambda d: d["checks"][0].update(kind="lemma"), "checks[0].kind"),
    (lambda d: d["checks"][1].update(residual="small"), "checks[1].residual"),
    (lambda d: d["checks"][0].pop("holds"), "checks[0].holds"),
    (lambda d: d.update(ok=not d["ok"]), "ok"),
    (lambda d: d["adjusted"][0]["estimate"]["low"].pop("yes"), "adjusted[0].estimate.low"),
    (lambda d: d["adjusted"][0]["realization_effect"].update(low=None), "adjusted[0].realization_effect"),
    (lambda d: d.pop("effect_states"), "effect_states"),
    (lambda d: d.update(extra=1), "extra"),
])
def test_a_wrong_document_names_its_key_path(change, path, tmp_path):
    document = _verify("example:cholesterol", ("theorem-4.1",)).to_dict()
    change(document)
    with pytest.raises(ModelError) as caught:
        Verification.from_dict(document)
    assert caught.value.path == path
    saved = tmp_path / "bad.json"
    saved.write_text(json.dumps(document))
    with pytest.raises(ModelError, match=re.escape(str(saved))):
        load_verification(saved)


def test_cli_with_save_witnesses_says_what_it_wrote(tmp_path):
    printed = cli("verify", "example:cholesterol", "--check", "condition-15", "--save-witnesses", str(tmp_path / "w"))
    result = _verify("example:cholesterol", ("condition-15",))
    assert printed.startswith(str(result).rsplit("\n", 1)[0])  # the same text, then what was written
    assert printed.count("\nwrote ") == 2 and sorted(p.name for p in Path(tmp_path / "w").iterdir()) == [
        "condition-15-fails.json", "condition-15-holds.json"]
