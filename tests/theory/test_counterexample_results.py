"""A Theorem 3.2 counterexample as a result: its repr, its text (the CLI's), its HTML, equality, and the
files ``discagg counterexample --out DIR`` writes loaded back (:func:`discagg.load_counterexample`)."""

from __future__ import annotations

import dataclasses
import io
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from discagg import ModelError, RealizationFamily, load_counterexample, load_model
from discagg.cli import main
from discagg.io.side_files import load_realization
from discagg.report.short import LIMIT
from discagg.theory import Counterexample, counterexample_of, generate_counterexample

from conftest import DATA

# (CLI arguments, the same as generate_counterexample's keywords); sizes, seeds, --exact and --split
CASES = [
    ((4, 3, 4, 2, 2), {"seed": 1, "margin": 0.01}),
    ((6, 4, 5, 2, 2), {"seed": 3, "margin": 0.05, "exact": True}),
    ((9, 5, 7, 3, 3), {"seed": 11, "margin": 0.02, "split": "random"}),
    ((7, 6, 3, 4, 2), {"seed": 2, "margin": 0.01, "exact": True, "split": "random"}),
    ((3, 3, 4, 2, 3), {"seed": 0, "margin": 0.0}),  # outside the stated hypotheses: two of them fail
]


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def cli_argv(sizes: tuple[int, ...], options: dict, out: Path) -> list[str]:
    argv = ["counterexample"]
    for flag, value in zip(("--x-states", "--z-states", "--y-states", "--x-macro", "--y-macro"), sizes):
        argv += [flag, str(value)]
    argv += ["--seed", str(options["seed"]), "--margin", repr(options["margin"]), "--out", str(out)]
    if options.get("exact"):
        argv.append("--exact")
    if "split" in options:
        argv += ["--split", options["split"]]
    return argv


@pytest.fixture(scope="module")
def generated() -> list[Counterexample]:
    return [generate_counterexample(*sizes, **options) for sizes, options in CASES]


def test_the_repr_is_one_short_line_of_sizes_verdicts_and_confounding(generated):
    assert repr(generated[0]) == ("Counterexample(|Z| = 3, |X| = 4 -> 2, |Y| = 4 -> 2, 4 of 4 hypotheses hold, "
                                  "confounding 0.4358)")
    assert repr(generated[-1]).startswith("Counterexample(|Z| = 3, |X| = 3 -> 2, |Y| = 4 -> 3, 2 of 4 hypotheses hold")
    for ce in generated:
        text = repr(ce)
        assert "\n" not in text and len(text) < LIMIT and "Hypothesis(" not in text
        stated = [h for h in ce.hypotheses if h.stated]
        assert f"{sum(h.holds for h in stated)} of {len(stated)} hypotheses hold" in text
        assert f"confounding {ce.confounding:.4g})" in text


@pytest.mark.parametrize("case", range(len(CASES)))
def test_str_is_what_the_command_prints_before_its_line_on_the_files(case, generated, tmp_path):
    sizes, options = CASES[case]
    code, out, err = run(cli_argv(sizes, options, tmp_path / "ce"))
    assert code == 0 and err == ""
    *lines, written = out.rstrip("\n").split("\n")
    assert written.startswith(f"wrote {tmp_path / 'ce' / 'model.json'} and ")
    assert str(generated[case]) == "\n".join(lines)
    # and the lines are the hypotheses, one each, then the confounding, as the command documents them
    ce = generated[case]
    assert len(lines) == len(ce.hypotheses) + 1
    for line, h in zip(lines, ce.hypotheses):
        assert line.startswith("hypothesis " if h.stated else "the remark reading ")
        assert (": holds (" if h.holds else ": does NOT hold (") in line and line.endswith(f"({h.detail})")
    assert lines[-1] == f"(X, Ybar) confounding (max TV): {ce.confounding:.4f}"


@pytest.mark.parametrize("case", [0, 1, 4])
def test_to_dict_is_the_json_document_without_the_paths(case, generated, tmp_path):
    sizes, options = CASES[case]
    code, out, err = run([*cli_argv(sizes, options, tmp_path / "ce"), "--json"])
    assert code == 0 and err == ""
    document = json.loads(out)
    assert list(document) == ["model", "realization", "hypotheses", "all_hypotheses_hold", "confounding", "verify"]
    expected = {k: v for k, v in document.items() if k not in ("model", "realization", "verify")}
    assert json.loads(json.dumps(generated[case].to_dict())) == expected
    assert expected["all_hypotheses_hold"] == (case != 4)


def test_the_html_is_the_table_of_hypotheses_escaped(generated):
    ce = generated[-1]
    page = ce._repr_html_()
    assert page.startswith("<div>") and page.endswith("</div>") and page.count("<tr>") == len(ce.hypotheses) + 1
    assert "|Ybar| &lt; min(|X|, |Z|)" in page and "|Ybar| < min" not in page  # names escaped
    assert page.count("does NOT hold") == sum(not h.holds for h in ce.hypotheses)
    assert f"(X, Ybar) confounding (max TV): {ce.confounding:.4f}" in page
    assert "model counterexample (Theorem 3.2): |Z| = 3, |X| = 3, |Y| = 4; |Xbar| = 2, |Ybar| = 3" in page


def test_equality_is_by_value_on_every_field(generated):
    ce = generated[0]
    again = generate_counterexample(*CASES[0][0], **CASES[0][1])
    assert ce == again and ce is not again and ce != generated[1]
    assert ce != dataclasses.replace(ce, confounding=np.nextafter(ce.confounding, 1.0))
    assert ce != dataclasses.replace(ce, hypotheses=ce.hypotheses[:-1])
    assert ce != dataclasses.replace(ce, model=generated[1].model)
    uniform = np.concatenate([np.full(len(f), 1.0 / len(f)) for f in ce.realization.coarsening.members])
    order = np.concatenate([ce.realization.coarsening.fibre(k) for k in range(ce.realization.coarsening.n_macro)])
    weights = np.empty_like(uniform)
    weights[order] = uniform
    same_fibres = RealizationFamily.from_weights(ce.realization.coarsening, weights)
    assert ce != dataclasses.replace(ce, realization=same_fibres)  # another family on the same fibres
    assert ce == dataclasses.replace(ce, realization=RealizationFamily.from_weights(
        ce.realization.coarsening, ce.realization.weights.copy()))  # an equal one
    assert ce != "a counterexample"
    with pytest.raises(TypeError):
        hash(ce)


def test_hypotheses_and_confounding_are_recomputed_from_the_model_and_family(generated):
    for ce in generated:
        assert counterexample_of(ce.model, ce.realization) == ce
        # the confounding by hand: max_x TV(P(Ybar | x), P(Ybar | do(x))) from the three CPTs
        pz, pxz, pyxz = (ce.model.nodes[n].cpt for n in "ZXY")
        pz_given_x = (pz[:, None] * pxz) / (pz[:, None] * pxz).sum(axis=0)  # (z, x)
        observed = np.einsum("zx,xzy->xy", pz_given_x, pyxz)
        intervened = np.einsum("z,xzy->xy", pz, pyxz)
        coarse = ce.model.macro["Y"]
        tv = 0.5 * np.abs(np.stack([coarse.push_forward(r) for r in observed - intervened])).sum(axis=1)
        assert ce.confounding == pytest.approx(tv.max(), abs=1e-12)


@pytest.mark.parametrize("case", range(len(CASES)))
def test_what_the_command_writes_loads_back_equal(case, generated, tmp_path):
    sizes, options = CASES[case]
    assert run(cli_argv(sizes, options, tmp_path / "ce"))[0] == 0
    loaded = load_counterexample(tmp_path / "ce")
    assert loaded == generated[case] and str(loaded) == str(generated[case])
    assert loaded == load_counterexample(str(tmp_path / "ce"))
    assert Counterexample.from_files(tmp_path / "ce" / "model.json", tmp_path / "ce" / "realization.json") == loaded


def test_explicit_macro_maps_and_realization_load_back(tmp_path):
    x_macro = {"A": ["x0", "x1", "x2"], "B": ["x3"]}
    y_macro = {"lo": ["y0"], "hi": ["y1", "y2"]}
    realization = {"A": {"x0": 1.0}, "B": {"x3": 1.0}}  # zero weights are left out of the file
    (tmp_path / "macro.json").write_text(json.dumps({"X": x_macro, "Y": y_macro}))
    (tmp_path / "family.json").write_text(json.dumps({"format": "discagg/realization-v1", "cause": "X",
                                                      "realization": realization}))
    code, _, err = run(["counterexample", "--x-states", "4", "--z-states", "3", "--y-states", "3", "--x-macro", "2",
                        "--y-macro", "2", "--macro", str(tmp_path / "macro.json"), "--realization",
                        str(tmp_path / "family.json"), "--seed", "2", "--margin", "0.01", "--out",
                        str(tmp_path / "ce")])
    assert code == 0, err
    assert load_counterexample(tmp_path / "ce") == generate_counterexample(
        4, 3, 3, 0, 0, x_macro=x_macro, y_macro=y_macro, realization=realization, seed=2, margin=0.01)


def test_the_shipped_counterexample_loads_as_it_was_made():
    shipped = load_counterexample("example:counterexample")
    assert shipped == generate_counterexample(6, 4, 5, 2, 2, seed=3, margin=0.05, exact=True)  # make_examples.py
    assert shipped == load_counterexample(DATA / "counterexample")


@pytest.fixture
def written(tmp_path: Path) -> Path:
    folder = tmp_path / "ce"
    assert run(cli_argv(*CASES[0], folder))[0] == 0
    return folder


def message(call) -> str:
    with pytest.raises(ModelError) as info:
        call()
    return str(info.value)


def test_no_directory_or_a_file_instead_is_named(tmp_path, written):
    missing = tmp_path / "nowhere"
    assert message(lambda: load_counterexample(missing)) == (
        f"{missing}: expected a directory that 'discagg counterexample --out' wrote (model.json and "
        "realization.json), found no such directory")
    assert message(lambda: load_counterexample(written / "model.json")).endswith("found a file")


@pytest.mark.parametrize("name", ["model.json", "realization.json"])
def test_a_missing_or_broken_file_is_named(written, name):
    (written / name).write_text("{")
    assert message(lambda: load_counterexample(written)).startswith(f"{written / name}: line 1 column 2: ")
    (written / name).unlink()
    assert message(lambda: load_counterexample(written)).startswith(f"{written / name}: ")


def test_a_model_that_is_not_the_triangle_is_named(written):
    shutil.copy(DATA / "cholesterol.json", written / "model.json")
    assert message(lambda: load_counterexample(written)).startswith(
        f"{written / 'model.json'}: nodes: expected a Theorem 3.2 model Z -> X, Z -> Y, X -> Y")


@pytest.mark.parametrize(("edit", "fragment"), [
    (lambda doc: doc.__setitem__("query", {"cause": "Z", "effect": "Y"}), "query: expected "),
    (lambda doc: doc["macro"].pop("Y"), "macro: expected "),
])
def test_a_triangle_of_another_form_is_named(written, edit, fragment):
    doc = json.loads((written / "model.json").read_text())
    edit(doc)
    (written / "model.json").write_text(json.dumps(doc))
    load_model(written / "model.json")  # a valid model, only not as the command writes it
    assert message(lambda: load_counterexample(written)).startswith(f"{written / 'model.json'}: {fragment}")


def test_a_family_for_y_or_not_summing_to_one_is_named(written):
    model = load_model(written / "model.json")
    path = written / "realization.json"
    doc = json.loads(path.read_text())
    path.write_text(json.dumps({"format": "discagg/realization-v1", "cause": "Y",
                                "realization": {ybar: {members[0]: 1.0}
                                                for ybar, members in model.macro["Y"].to_mapping().items()}}))
    load_realization(path, model)  # a valid family, for the wrong node
    assert message(lambda: load_counterexample(written)).startswith(f"{path}: cause: expected a realization "
                                                                     "family for the coarsening of 'X'")
    first = next(iter(doc["realization"]))
    doc["realization"][first] = {x: 2 * p for x, p in doc["realization"][first].items()}
    path.write_text(json.dumps(doc))
    assert message(lambda: load_counterexample(written)).startswith(f"{path}: realization.{first}: expected ")
