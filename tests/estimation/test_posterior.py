"""Posterior draws: batched tables against per-draw models, seeding independent of batching, per-draw answers
against inspect, solve and bounds on the drawn models, and the --json objects of the three commands."""

from __future__ import annotations

import dataclasses
import io
import json

import numpy as np
import pytest

import discagg
from discagg.cli import main
from discagg.core.model import Node
from discagg.core.selection import select
from discagg.estimation.datasets import read_table
from discagg.estimation.fitting import fit_table
from discagg.estimation.posterior import (
    batched_tables,
    dirichlet_parameters,
    draw_cpts,
    posterior,
    posterior_chunk,
    posterior_of_fit,
)

INTERVAL = ["mean", "lower", "upper"]


def drawn_model(model: discagg.CausalModel, cpts: dict, b: int) -> discagg.CausalModel:
    return dataclasses.replace(model, nodes=[Node(n, node.states, node.parents, cpts[n][b] if n in cpts else node.cpt)
                                             for n, node in model.nodes.items()])


@pytest.fixture(scope="module")
def cholesterol_fit():
    truth = discagg.load_model("example:cholesterol")
    fitted = fit_table(read_table(discagg.sample(truth, 3000, seed=4)), truth, "bdeu", 1.0)
    return fitted, discagg.Aggregation.of(fitted.model)


@pytest.mark.parametrize(("network", "cause", "effect"), [
    ("net:alarm", "LVEDVOLUME,STROKEVOLUME:sum", "CVP,PCWP:sum@2,3"),
    ("net:asia", "tub,lung:count=yes", "dysp"),
    ("net:sachs", "PKC", "Erk,Akt:sum>=2"),
])
def test_batched_tables_equal_the_tables_of_each_drawn_model(network, cause, effect):
    model, cause, effect = select(discagg.load_model(network), cause, effect)
    agg = discagg.Aggregation.of(model, cause, effect)
    rng = np.random.default_rng(0)
    counts = {n: rng.integers(0, 5, node.cpt.shape).astype(float) for n, node in model.nodes.items()}
    relevant = model.ancestors(model.members(cause) + model.members(effect))
    parameters = dirichlet_parameters(model, counts, "k2", 1.0, [n for n in model.topological_order if n in relevant])
    cpts = draw_cpts(parameters, np.random.SeedSequence(1).spawn(3))
    joint, kernel = batched_tables(agg, cpts)
    for b in range(3):
        one = discagg.Aggregation.of(drawn_model(model, cpts, b), cause, effect)
        assert np.allclose(one.joint, joint[b], rtol=0, atol=1e-15)
        assert np.allclose(one.kernel, kernel[b], rtol=0, atol=1e-15)


def test_each_draw_depends_on_its_seed_only(cholesterol_fit):
    fitted, agg = cholesterol_fit
    parameters = dirichlet_parameters(agg.model, fitted.counts, "bdeu", 1.0)
    seeds = np.random.SeedSequence(7).spawn(10)
    whole = posterior_chunk(agg, parameters, seeds, ["inspect", "solve", "bounds"])
    pieces = [posterior_chunk(agg, parameters, seeds[a:b], ["inspect", "solve", "bounds"])
              for a, b in ((0, 3), (3, 4), (4, 10))]
    for key, value in whole.items():
        assert np.array_equal(value, np.concatenate([p[key] for p in pieces]), equal_nan=True), key
    again = posterior_of_fit(agg, fitted.counts, fitted.rows, draws=10, seed=7, questions=["inspect"])
    assert np.array_equal(again.values["gap"], whole["gap"])
    other = posterior_of_fit(agg, fitted.counts, fitted.rows, draws=10, seed=8, questions=["inspect"])
    assert not np.array_equal(other.values["gap"], whole["gap"])


def test_draws_follow_their_dirichlet_posterior():
    parameters = {"A": np.array([[3.0, 1.0, 6.0], [0.5, 0.5, 1.0]])}
    draws = draw_cpts(parameters, np.random.SeedSequence(3).spawn(20_000))["A"]
    alpha0 = parameters["A"].sum(axis=1, keepdims=True)
    mean = parameters["A"] / alpha0
    sd = np.sqrt(mean * (1 - mean) / (alpha0 + 1))
    assert np.all(np.abs(draws.mean(axis=0) - mean) <= 5 * sd / np.sqrt(20_000))
    assert np.allclose(draws.std(axis=0), sd, rtol=0.03)


def test_per_draw_answers_equal_the_commands_on_each_drawn_model(cholesterol_fit):
    fitted, agg = cholesterol_fit
    parameters = dirichlet_parameters(agg.model, fitted.counts, "bdeu", 1.0)
    seeds = np.random.SeedSequence(11).spawn(6)
    values = posterior_chunk(agg, parameters, seeds, ["inspect", "solve", "bounds"])
    cpts = draw_cpts(parameters, seeds)
    for b in range(6):
        model = drawn_model(agg.model, cpts, b)
        report = discagg.inspect_model(model)
        solution = discagg.solve(model)
        bounds = discagg.effect_bounds(model)
        for k, state in enumerate(report.states):
            assert values["gap"][b, k] == pytest.approx(state.gap, abs=1e-12)
            assert values["observational"][b, k].tolist() == pytest.approx(list(state.observational.values()),
                                                                            abs=1e-12)
            assert values["min_gap"][b, k] == pytest.approx(solution.states[k].gap, abs=1e-9)
            assert np.allclose(values["lower"][b, k], bounds.states[k].lower, atol=1e-12)
            assert np.allclose(values["upper"][b, k], bounds.states[k].upper, atol=1e-12)


def test_posterior_concentrates_on_the_truth_as_data_grow():
    truth = discagg.load_model("example:cholesterol")
    true_obs = discagg.Aggregation.of(truth).observational
    widths = []
    for n in (500, 20_000):
        post = posterior(discagg.sample(truth, n, seed=n), truth, draws=300, seed=1, questions=["inspect"])
        widths.append(max(post.observational(k)["yes"].upper - post.observational(k)["yes"].lower for k in range(3)))
        for k in range(3):
            yes = post.observational(k)["yes"]
            assert abs(yes.mean - true_obs[k, 1]) <= 2.5 * (yes.upper - yes.lower)
    assert widths[1] < widths[0] / 4  # 40 times the data: intervals about sqrt(40) ~ 6 times narrower


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def data_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("posterior") / "samples.csv"
    discagg.sample(discagg.load_model("example:cholesterol"), 2000, seed=2).to_csv(path, index=False)
    return str(path)


@pytest.mark.parametrize(("command", "keys"), [
    ("inspect", ["draws", "level", "gap", "observational"]),
    ("solve", ["draws", "level", "p_inhibiting", "gap", "observational"]),
    ("bounds", ["draws", "level", "bounds"]),
])
def test_json_posterior_objects_have_the_issue_keys(data_file, command, keys):
    code, out, err = run(command, "example:cholesterol", "--data", data_file, "--posterior", "40", "--seed", "3",
                         "--level", "0.9", "--json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["posterior"] == {"draws": 40, "level": 0.9, "seed": 3, "prior": "bdeu", "ess": 1.0, "rows": 2000}
    for entry in doc["macro_states"]:
        post = entry["posterior"]
        assert list(post) == keys and post["draws"] == 40 and post["level"] == 0.9
        if command == "bounds":
            for y in ("no", "yes"):
                assert list(post["bounds"][y]) == ["lower", "upper"]
                assert list(post["bounds"][y]["lower"]) == INTERVAL
        else:
            assert list(post["gap"]) == INTERVAL and list(post["observational"]) == ["no", "yes"]
            for value in [post["gap"], *post["observational"].values()]:
                assert value["lower"] <= value["mean"] <= value["upper"]
    # the point answer stays where it is: from the posterior-mean CPTs, i.e. the fitted model
    plain = json.loads(run(command, "example:cholesterol", "--data", data_file, "--json")[1])
    assert [{k: v for k, v in e.items() if k != "posterior"} for e in doc["macro_states"]] == plain["macro_states"]


@pytest.mark.parametrize(("argv", "expected"), [
    (["solve", "example:cholesterol", "--posterior", "5"],
     "--posterior: expected --posterior together with --data DATA, found --posterior alone"),
    (["solve", "example:cholesterol", "--data", "D", "--seed", "1"],
     "--seed: expected --seed together with --posterior N, found --seed alone"),
    (["inspect", "example:cholesterol", "--data", "D", "--posterior", "5", "--prior", "none"],
     "--prior: expected a Dirichlet prior (bdeu or k2) with --posterior, found --prior none (no posterior for unseen "
     "parent configurations)"),
    (["bounds", "example:cholesterol", "--data", "D", "--posterior", "0"],
     "--posterior: expected a positive number of draws, found 0"),
    (["solve", "example:cholesterol", "--data", "D", "--posterior", "5", "--induce"],
     "--posterior: expected --posterior without --induce (its posterior is of the inhibiting question), found "
     "--induce"),
])
def test_option_errors(data_file, argv, expected):
    argv = [data_file if a == "D" else a for a in argv]
    assert run(*argv) == (2, "", f"discagg: error: {expected}\n")
