"""``discagg gaussian`` through the installed console script, run from a directory outside the repository."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import installed_discagg as discagg
from conftest import ok_json

KEYS = {"spec", "model", "variables", "confounded", "macro", "observational", "natural", "absorbing", "shift",
        "condition_9", "inhibiting", "inhibiting_reason", "beta", "appendix_d", "at", "gaussian"}


def test_shops_json_has_every_key_the_issue_lists(away):
    doc = ok_json(discagg("gaussian", "example:shops", "--xbar", "90", "110", "--beta", "2.5", "--json", cwd=away))
    assert set(doc) == KEYS
    assert set(doc["observational"]) == {"intercept", "slope", "var"}
    assert doc["observational"]["slope"] == pytest.approx(1.72, abs=1e-12)            # equation (2)
    natural = doc["natural"]
    assert set(natural["mean"]) == {"intercept", "slope"} and len(natural["cov"]) == 2
    assert natural["inhibiting"] is True and "Theorem 3.1" in natural["reason"]
    assert set(natural["interventional"]) == {"intercept", "slope", "var"}
    assert doc["absorbing"]["interventional"]["slope"] == 3.0                            # (3), (4)
    shift = doc["shift"]
    assert shift["default"] and shift["beta"] == pytest.approx(1.72, abs=1e-12) and shift["H"][0] == [1.0, 1.0]
    assert shift["delta"] == pytest.approx([0.64, 0.36], abs=1e-12)                   # variances / their sum
    assert set(doc["condition_9"]) == {"holds", "var_y_given_xbar", "var_noise", "slack"}
    assert doc["inhibiting"]["inhibiting"] is True
    beta = doc["beta"]
    assert beta["exists"] and sum(a * h for a, h in zip([1.0, 3.0], [r[0] for r in beta["H_inverse"]])) == \
        pytest.approx(2.5, abs=1e-12)
    assert doc["appendix_d"]["no_macro_model"] is True and "no macro causal model" in doc["appendix_d"]["statement"]
    assert [e["xbar"] for e in doc["at"]] == [90.0, 110.0]
    assert doc["at"][0]["realizations"]["deterministic"]["mean_x"] == [90.0, 0.0]


def test_promotion_is_confounded_with_an_inhibiting_family(away):
    doc = ok_json(discagg("gaussian", "example:promotion", "--json", cwd=away))
    assert doc["confounded"] and not doc["natural"]["inhibiting"]
    assert doc["condition_9"]["holds"] and doc["inhibiting"]["inhibiting"]
    assert doc["inhibiting"]["interventional"] == pytest.approx(doc["observational"], rel=1e-12)
    assert [e["xbar"] for e in doc["at"]] == [90.0]                                   # default: E[Xbar]


def test_table_and_a_given_shift(away):
    result = discagg("gaussian", "example:hours-and-pay", "--shift", "1,0,0,0", cwd=away)
    assert result.returncode == 0 and result.stderr == ""
    out = result.stdout
    assert "natural P(X | xbar)" in out and "condition (9)" in out and "appendix D" in out
    assert "beta = alpha'Delta = 15;" in out                                             # all of the shift on X1


def test_a_spec_file_by_path(away):
    spec = away / "g.json"
    spec.write_text(json.dumps({"format": "discagg/gaussian-v1", "mean": [0, 0], "cov": [[1, 0], [0, 1]],
                                "alpha": [1, 3], "noise_var": 1, "noise_cov": [0.5, 0]}))
    doc = ok_json(discagg("gaussian", "g.json", "--json", cwd=away))
    assert doc["model"] == "g" and doc["spec"] == "g.json" and doc["confounded"]


BAD = [
    ({"cov": [[1, 0.5], [0.4, 1]]}, "g.json: cov[0][1]: expected a symmetric matrix"),
    ({"cov": [[1, 2], [2, 1]]}, "g.json: cov: expected a positive semidefinite matrix, found smallest eigenvalue -1"),
    ({"cov": [[1, 0, 0], [0, 1, 0], [0, 0, 1]]}, "g.json: cov: expected a 2 x 2 matrix"),
    ({"noise_var": 0}, "g.json: noise_cov: expected Cov(X, N) with which"),   # no noise, yet correlated with X
    ({"noise_var": -1}, "g.json: noise_var: expected a variance >= 0, found -1"),
    ({"noise_cov": [5, 0]}, "g.json: noise_cov: expected Cov(X, N) with which the joint covariance of (X, N) is "
                            "positive semidefinite"),
    ({"w": [0, 0]}, "g.json: w: expected aggregation weights not all zero"),
    ({"format": "x"}, "g.json: format: expected 'discagg/gaussian-v1'"),
]


@pytest.mark.parametrize("changes, message", BAD)
def test_bad_specs_exit_2_with_one_line(away, changes, message):
    spec = {"format": "discagg/gaussian-v1", "mean": [0, 0], "cov": [[1, 0], [0, 1]], "alpha": [1, 3],
            "noise_var": 1, "noise_cov": [0.5, 0]}
    spec.update(changes)
    (away / "g.json").write_text(json.dumps(spec))
    result = discagg("gaussian", "g.json", "--json", cwd=away)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"discagg: error: {message}"), result.stderr


@pytest.mark.parametrize("argv, message", [
    (["--shift", "0.5,0.4"], "--shift: expected a shift with w'Δ = sum of w_i Δ_i = 1 (within 1e-06), found 0.9"),
    (["--shift", "1"], "--shift: expected 2 numbers (one per micro cause), found 1"),
    (["--shift", "1,x"], "--shift: expected 2 comma-separated numbers, found 'x' at position 2"),
    (["--shift", "nan,1"], "--shift: expected finite numbers, found 'nan' at position 1"),
    (["--xbar", "inf"], "argument --xbar: expected a finite number, found 'inf'"),
    (["--beta", "abc"], "argument --beta: expected a number, found 'abc'"),
])
def test_bad_arguments_exit_2_with_one_line(away, argv, message):
    result = discagg("gaussian", "example:shops", *argv, cwd=away)
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and message in lines[0] and lines[0].startswith("discagg: error: "), result.stderr


def test_missing_spec_and_unknown_example(away):
    for spec, message in [("nope.json", "discagg: error: nope.json"),
                          ("example:cholesterol", "expected a shipped linear-Gaussian spec")]:
        result = discagg("gaussian", spec, cwd=away)
        assert result.returncode == 2 and result.stdout == "" and message in result.stderr
        assert len(result.stderr.splitlines()) == 1


def test_readme_shows_the_real_output(away):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    command = "discagg gaussian example:shops --xbar 120"
    block = readme.split(f"$ {command}\n", 1)[1].split("```", 1)[0]
    result = discagg(*command.split()[1:], cwd=away)
    assert result.returncode == 0 and result.stdout == block
