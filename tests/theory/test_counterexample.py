"""Lemma 5, Theorem 3.2 counterexamples and the verifiers."""

import io
import json
import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from discagg import Aggregation, load_model
from discagg.cli import main
from discagg.io.side_files import load_realization
from discagg.theory import CounterexampleNotFound, HypothesisError, generate_counterexample, lemma5
from discagg.theory.checks import verify
from discagg.theory.hypotheses import StatedHypothesisWarning
from discagg.theory.lemma5_construction import lemma5_hypotheses

from conftest import DATA


@st.composite
def lemma5_inputs(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    m, n, k = draw(st.integers(1, 7)), draw(st.integers(2, 6)), draw(st.integers(2, 5))
    v = rng.normal(size=(m, n))
    if draw(st.booleans()):
        v[rng.random((m, n)) < 0.3] = 0.0  # the proof's "some v_ij = 0" branch
    if draw(st.booleans()):
        v[draw(st.integers(0, m - 1))] = 0.0  # a zero row: outside the stated hypotheses, inside the construction's
    if (v != 0).any():
        v -= v.sum() / v.size * (v != 0)
        v.flat[np.flatnonzero(v)[0]] -= v.sum()
    u = rng.normal(size=(m, n))
    u -= u.mean(axis=1, keepdims=True)
    if draw(st.booleans()):
        u[0] = v[0] - v[0].mean() + u[0]  # correlated with v_0
    # the construction's requirement: u_i is not a multiple of v_i
    assume(all(np.abs(u[i] - ((u[i] @ v[i]) / (v[i] @ v[i]) * v[i] if v[i].any() else 0)).max() > 1e-6
               for i in range(m)))
    return v, u, k, draw(st.integers(0, 1000))


@given(lemma5_inputs())
def test_lemma5_satisfies_both_conditions(case):
    v, u, k, seed = case
    stated = all(h.holds for h in lemma5_hypotheses(v, u, k) if h.stated)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        P = lemma5(v, u, k, seed=seed)
    # it says so exactly when the paper's stated hypotheses fail
    assert any(issubclass(w.category, StatedHypothesisWarning) for w in caught) == (not stated)
    assert P.shape == v.shape + (k,)
    assert (P >= 0).all() and np.allclose(P.sum(axis=-1), 1.0, atol=1e-12)
    assert np.abs(np.einsum("ijk,ij->k", P, v)).max() <= 1e-12                  # condition 1
    assert (np.abs(np.einsum("ijk,ij->ik", P, u)).max(axis=1) > 1e-12).all()    # condition 2


@pytest.mark.parametrize("v, u", [
    # M = 2: the lemma states M >= 3, the construction does not need it
    ([[1.0, -1.0, 0.5], [-0.5, 0.0, 0.0]], [[1.0, 0.0, -1.0], [0.0, 1.0, -1.0]]),
    # a zero row of v: u_1 and v_1 = 0 are linearly dependent, yet u_1 lies outside span(v_1) = {0}
    ([[1.0, -1.0, 0.0], [0.0, 0.0, 0.0], [0.0, 1.0, -1.0]], [[1.0, 0.0, -1.0], [1.0, -1.0, 0.0], [1.0, 0.0, -1.0]]),
])
def test_lemma5_builds_outside_its_stated_hypotheses_and_says_so(v, u):
    v, u = np.array(v), np.array(u)
    failing = [h.name for h in lemma5_hypotheses(v, u, 2) if not h.holds]
    assert failing in (["M >= 3"], ["u_i, v_i linearly independent"])
    with pytest.warns(StatedHypothesisWarning, match="stated hypotheses fail"):
        P = lemma5(v, u, 2)
    assert np.abs(np.einsum("ijk,ij->k", P, v)).max() <= 1e-12
    assert (np.abs(np.einsum("ijk,ij->ik", P, u)).max(axis=1) > 1e-12).all()


def test_lemma5_refuses_rows_where_no_construction_exists():
    v = np.array([[1.0, -1.0], [0.5, -0.5], [0.0, 0.0]])
    u = np.array([[1.0, -1.0], [2.0, -2.0], [1.0, -1.0]])  # u_0 ∥ v_0
    with pytest.raises(HypothesisError, match="row 0 is not"):
        lemma5(v, u, 2)
    u = np.array([[0.0, 0.0], [1.0, -1.0], [1.0, -1.0]])  # u_0 = 0 lies in every span
    with pytest.raises(HypothesisError, match="outside span"):
        lemma5(v, u, 2)


@pytest.mark.parametrize(("shape", "k", "fragment"), [((3, 1), 2, "outside span"), ((3, 2), 1, "K = |Ybar| >= 2")])
def test_lemma5_requirement_messages(shape, k, fragment):
    rng = np.random.default_rng(0)
    v = rng.normal(size=shape)
    v -= v.mean()
    u = rng.normal(size=shape)
    u -= u.mean(axis=1, keepdims=True)  # with N = 1 every u_i is 0
    with pytest.raises(HypothesisError, match=fragment.replace("|", r"\|")):
        lemma5(v, u, k)


def test_lemma5_sums_must_vanish():
    v = np.ones((3, 2))
    u = np.array([[1.0, -1.0]] * 3)
    with pytest.raises(HypothesisError, match="entries of v to sum to 0"):
        lemma5(v, u, 2)
    v = np.array([[1.0, -1.0], [0.0, 0.0], [2.0, -2.0]])
    with pytest.raises(HypothesisError, match="u_0 sums to"):
        lemma5(v, np.ones((3, 2)), 2)


@pytest.mark.filterwarnings("ignore::discagg.CoarseningWarning")  # |Y| = |Ybar| is drawn on purpose
@settings(max_examples=25)
@given(st.integers(3, 12), st.integers(2, 8), st.integers(0, 10_000), st.data())
def test_generated_counterexamples_pass_verify(n_x, n_z, seed, data):
    n_y_macro = data.draw(st.integers(2, max(2, min(n_x, n_z) - 1)))
    n_y = data.draw(st.integers(n_y_macro, n_y_macro + 3))
    n_x_macro = data.draw(st.integers(1, n_x - 1))
    try:
        ce = generate_counterexample(n_x, n_z, n_y, n_x_macro, n_y_macro, seed=seed, margin=0.01,
                                     split=data.draw(st.sampled_from(["uniform", "random"])))
    except CounterexampleNotFound as exc:  # allowed, but only with the LP bound below the margin
        assert exc.best < 0.01
        return
    result = verify(Aggregation.of(ce.model), ("theorem-3.2",), ce.realization)
    assert result.ok, [c for c in result.checks if c.failed]
    assert ce.confounding >= 0.01
    hypotheses = {c.statement.split(" (")[0]: c.holds for c in result.checks if c.kind == "hypothesis"}
    assert hypotheses["graph is Z -> X, Z -> Y, X -> Y"]


def test_large_counterexample():
    ce = generate_counterexample(200, 50, 10, 20, 3, seed=5, margin=0.05)
    assert verify(Aggregation.of(ce.model), ("theorem-3.2",), ce.realization).ok
    assert all(h.holds for h in ce.hypotheses)


def test_failing_hypotheses_are_reported_and_the_tool_still_tries():
    # |Ybar| = 3 is not < min(|X|, |Z|) = 3, and a singleton fibre equals its natural realization.
    ce = generate_counterexample(3, 3, 4, 2, 3, seed=0, margin=0.0)
    failed = [h.name for h in ce.hypotheses if not h.holds]
    assert "|Ybar| < min(|X|, |Z|)" in failed
    assert "realization differs from the natural one for every xbar" in failed
    assert Aggregation.of(ce.model).gap(ce.realization).total_variation.max() <= 1e-9


def test_unreachable_margin_reports_the_lp_bound():
    with pytest.raises(CounterexampleNotFound, match="reach at most") as info:
        generate_counterexample(4, 2, 3, 2, 2, seed=0, margin=0.999)
    assert 0 <= info.value.best < 0.999


def test_explicit_realization_and_macro_maps():
    x_macro = {"A": ["x0", "x1", "x2"], "B": ["x3"]}
    y_macro = {"lo": ["y0"], "hi": ["y1", "y2"]}
    realization = {"A": {"x0": 1.0}, "B": {"x3": 1.0}}
    ce = generate_counterexample(4, 3, 3, 0, 0, x_macro=x_macro, y_macro=y_macro, realization=realization,
                                 seed=2, margin=0.01)
    assert ce.realization.distribution("A") == {"x0": 1.0, "x1": 0.0, "x2": 0.0}
    assert verify(Aggregation.of(ce.model), ("theorem-3.2",), ce.realization).ok


def test_verifiers_fail_on_models_built_to_violate_them():
    shops = Aggregation.of(load_model(DATA / "shops.json"))
    assert verify(shops, ("theorem-3.1",)).ok  # unconfounded: hypothesis and conclusion hold
    consistency = verify(shops, ("consistency",))  # a property with its width, never a failure
    assert consistency.ok and consistency.checks[0].kind == "property"
    assert not consistency.checks[0].holds and consistency.checks[0].residual == pytest.approx(1.0)
    family = shops.natural_realization()
    paradox = verify(shops, ("theorem-3.2",), family)  # not a triangle, not confounded: not a witness
    assert not paradox.ok and not any(c.failed for c in paradox.checks)
    lacking = [c.statement for c in paradox.checks if c.not_witnessed]
    assert len(lacking) == 2
    assert lacking[0].startswith("1. (X, Y) confounded") and lacking[1].startswith("1. (X, Ybar) confounded")
    assert "not a witness of theorem-3.2" in paradox.summary() and "should hold" not in paradox.summary()
    cholesterol = Aggregation.of(load_model(DATA / "cholesterol.json"))
    t31 = verify(cholesterol, ("theorem-3.1",))
    assert t31.ok and not t31.checks[0].holds and not t31.checks[1].holds  # confounded: not required
    no_family = verify(cholesterol, ("theorem-3.2",))
    assert not no_family.ok and "pass --realization" in no_family.checks[-1].statement


def test_shipped_counterexample_verifies():
    model = load_model(DATA / "counterexample" / "model.json")
    family = load_realization(DATA / "counterexample" / "realization.json", model)
    result = verify(Aggregation.of(model), None, family, exact=True)
    assert result.ok
    assert all(c.holds and c.holds_exactly for c in result.checks
               if c.result == "theorem-3.2" and c.kind in ("hypothesis", "witness"))


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    return main(argv, stdout=out, stderr=err), out.getvalue(), err.getvalue()


def test_cli_counterexample_then_verify(tmp_path):
    code, out, err = run(["counterexample", "--x-states", "8", "--z-states", "5", "--y-states", "6",
                          "--x-macro", "3", "--y-macro", "2", "--seed", "4", "--out", str(tmp_path / "ce")])
    assert code == 0 and err == "" and "wrote" in out
    code, out, _ = run(["verify", str(tmp_path / "ce" / "model.json"), "--realization",
                        str(tmp_path / "ce" / "realization.json"), "--json"])
    doc = json.loads(out)
    assert code == 0 and doc["ok"] is True
    assert {c["result"] for c in doc["checks"]} == {"theorem-3.1", "theorem-3.2"}


def test_cli_verify_failure_exits_1_and_not_found_exits_2(tmp_path):
    code, out, _ = run(["verify", "data/shops.json", "--check", "consistency"])
    assert code == 0 and "consistency is a property, reported: it does not hold, width 1" in out
    code, out, _ = run(["verify", "data/shops.json", "--check", "theorem-3.2"])
    assert code == 1 and "lacking" in out and "not a witness of theorem-3.2" in out
    code, out, err = run(["counterexample", "--x-states", "4", "--z-states", "2", "--y-states", "3",
                          "--x-macro", "2", "--y-macro", "2", "--margin", "0.999", "--out", str(tmp_path / "no")])
    assert code == 2 and out == "" and "reach at most" in err
    assert not (tmp_path / "no").exists()


def test_cli_bad_realization_for_counterexample(tmp_path):
    bad = tmp_path / "r.json"
    bad.write_text(json.dumps({"format": "discagg/realization-v1", "cause": "X",
                               "realization": {"X0": {"x0": 0.5, "x1": 0.2}}}))
    macro = tmp_path / "m.json"
    macro.write_text(json.dumps({"X": {"X0": ["x0", "x1"], "X1": ["x2"]}, "Y": {"a": ["y0"], "b": ["y1", "y2"]}}))
    code, out, err = run(["counterexample", "--x-states", "3", "--z-states", "2", "--y-states", "3", "--x-macro",
                          "2", "--y-macro", "2", "--macro", str(macro), "--realization", str(bad), "--out",
                          str(tmp_path / "o")])
    assert code == 2 and out == ""
    assert err.startswith(f"discagg: error: {bad}: realization.X0: expected probabilities over the fibre summing")


@pytest.mark.filterwarnings("ignore::discagg.CoarseningWarning")
@settings(max_examples=20)
@given(st.integers(3, 10), st.integers(2, 6), st.integers(0, 10_000), st.data())
def test_exact_counterexamples_hold_in_rational_arithmetic(n_x, n_z, seed, data):
    n_y_macro = data.draw(st.integers(2, max(2, min(n_x, n_z) - 1)))
    n_y = data.draw(st.integers(n_y_macro, n_y_macro + 2))
    ce = generate_counterexample(n_x, n_z, n_y, data.draw(st.integers(1, n_x - 1)), n_y_macro, seed=seed,
                                 margin=0.0, exact=True, split=data.draw(st.sampled_from(["uniform", "random"])))
    result = verify(Aggregation.of(ce.model), ("theorem-3.2",), ce.realization, exact=True)
    inhibiting = result.checks[-1]
    # exact in rationals; the float re-evaluation (normalising P(Ybar | xbar)) may round by an ulp or so
    assert inhibiting.holds_exactly and inhibiting.holds and inhibiting.residual <= 4 * np.finfo(float).eps
    for check in result.checks:  # float verdicts agree with the exact ones on these strict statements
        if check.kind == "witness" and check.holds_exactly is not None and check.residual > 1e-9:
            assert check.holds == check.holds_exactly


def test_float_counterexample_is_inhibiting_only_within_tolerance():
    ce = generate_counterexample(6, 4, 5, 2, 2, seed=3, margin=0.05)
    inhibiting = verify(Aggregation.of(ce.model), ("theorem-3.2",), ce.realization, exact=True).checks[-1]
    assert inhibiting.holds and 0 < inhibiting.residual <= 1e-12
    assert inhibiting.holds_exactly is False


def test_exact_counterexample_rejects_inexact_inputs():
    with pytest.raises(HypothesisError, match="P\\(Z\\) summing to exactly 1"):
        generate_counterexample(4, 3, 3, 2, 2, p_z=np.array([0.1, 0.2, 0.7]), exact=True, margin=0.0)


def test_exact_verification_size_limit():
    from discagg import ModelError

    ce = generate_counterexample(200, 50, 10, 20, 3, seed=1, margin=0.0, exact=True)
    with pytest.raises(ModelError, match="at most 20000 CPT entries"):
        verify(Aggregation.of(ce.model), ("theorem-3.2",), ce.realization, exact=True)


def test_cli_exact_counterexample_and_exact_verify(tmp_path):
    out = tmp_path / "ce"
    code, _, err = run(["counterexample", "--x-states", "7", "--z-states", "4", "--y-states", "5", "--x-macro", "3",
                        "--y-macro", "2", "--exact", "--margin", "0.01", "--seed", "8", "--out", str(out)])
    assert code == 0, err
    code, text, _ = run(["verify", str(out / "model.json"), "--realization", str(out / "realization.json"),
                         "--check", "theorem-3.2", "--exact"])
    assert code == 0
    assert text.rstrip().endswith("every statement that holds also holds exactly (rational arithmetic)")


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_cli_graph_draws(tmp_path, suffix):
    target = tmp_path / f"g{suffix}"
    code, out, err = run(["graph", "data/figure5.json", "--intervene", "Price", "--out", str(target)])
    assert code == 0 and err == "" and out.strip() == f"wrote {target}"
    head = target.read_bytes()[:64]
    assert head.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in target.read_bytes()[:2000]


def test_cli_graph_bad_inputs(tmp_path):
    code, out, err = run(["graph", "data/figure5.json", "--out", str(tmp_path / "g.jpeg")])
    assert code == 2 and "--out: expected a file name ending in one of" in err
    code, out, err = run(["graph", "data/figure5.json", "--intervene", "Nope", "--out", str(tmp_path / "g.png")])
    assert code == 2 and "data/figure5.json" in err and not (tmp_path / "g.png").exists()


def test_one_macro_state_of_y_cannot_be_paradoxical():
    with pytest.raises(HypothesisError, match=r"needs \|Ybar\| >= 2"):
        generate_counterexample(4, 3, 3, 2, 1, seed=0)
    code, out, err = run(["counterexample", "--x-states", "4", "--z-states", "3", "--y-states", "3", "--x-macro", "2",
                          "--y-macro", "1", "--out", "/tmp/never-written"])
    assert code == 2 and out == "" and "needs |Ybar| >= 2" in err
