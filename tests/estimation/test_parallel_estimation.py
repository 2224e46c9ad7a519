"""Posterior draws, calibration and many-experiment identification through Dask: the same answers, to the last bit,
on the local threaded scheduler, sequentially, and on a dask.distributed cluster of two worker processes, and for
every chunk size."""

from __future__ import annotations

import dataclasses
import io
import json
import pickle
import re
import warnings

import numpy as np
import pandas as pd
import pytest

import discagg
from discagg.cli import main
from discagg.core.model import Node
from discagg.core.realization import RealizationFamily
from discagg.core.selection import select
from discagg.errors import ModelError
from discagg.estimation.calibration import calibrate
from discagg.estimation.counting import family_counts
from discagg.estimation.identification import identify_experiments
from discagg.estimation.portable import PortableAggregation, carry, unpack
from discagg.estimation.posterior import chunk_batches, posterior_of_fit
from discagg.estimation.sampling import sample_codes

from conftest import ROOT

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes (work really crosses a process boundary, pickled), one thread each."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. the dashboard's port
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=None) as c:
            yield c.scheduler_address


def counts_of(model: discagg.CausalModel, n: int, seed: int) -> dict[str, np.ndarray]:
    return family_counts(model, sample_codes(model, n, np.random.default_rng(seed)))


@pytest.fixture(scope="module")
def alarm():
    """A 4-node cause group on alarm: 81 micro states, 9 macro states; batches of a different size round differently
    here (the contraction's order of products is planned from the sizes), so chunking must keep the batches."""
    model, cause, effect = select(discagg.load_model("net:alarm"), "STROKEVOLUME,TPR,SAO2,ARTCO2:sum", "BP")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", discagg.errors.AssumptionWarning)
        agg = discagg.Aggregation.of(model, cause, effect)
    return agg, counts_of(model, 3000, 0)


def same_values(a, b) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k], equal_nan=True) for k in a)


def test_batches_are_fixed_and_chunks_hold_whole_batches():
    for size in (1, 99, 100, 101, 250, 10_000):
        chunks = chunk_batches(250, 100, size)
        assert [b for chunk in chunks for b in chunk] == [(0, 100), (100, 200), (200, 250)]
        assert all(len(chunk) == -(-size // 100) for chunk in chunks[:-1])


def test_an_aggregation_crosses_a_process_boundary_unchanged(alarm):
    agg, _ = alarm
    with pytest.raises(TypeError):
        pickle.dumps(agg)  # why the portable form exists (CausalModel keeps mapping proxies)
    back = unpack(pickle.loads(pickle.dumps(carry(agg, "tcp://127.0.0.1:8786"))))
    assert back.model == agg.model and (back.cause, back.effect, back.tolerance) == (agg.cause, agg.effect,
                                                                                     agg.tolerance)
    assert np.array_equal(back.kernel, agg.kernel) and np.array_equal(back.joint, agg.joint)
    assert isinstance(carry(agg, "tcp://h:1"), PortableAggregation) and carry(agg, "sequential") is agg


def test_posterior_draws_are_the_same_on_every_scheduler_and_chunking(alarm, cluster):
    agg, counts = alarm
    questions = ("inspect", "bounds")

    def values(**options):
        return posterior_of_fit(agg, counts, 3000, draws=210, seed=5, questions=questions, **options).values

    reference = values(scheduler="sequential", chunk_size=10_000)     # one chunk of three batches
    for options in ({}, {"chunk_size": 1}, {"chunk_size": 150, "scheduler": "local"},
                    {"scheduler": cluster}, {"scheduler": cluster, "chunk_size": 200}):
        assert same_values(values(**options), reference), options
    other = posterior_of_fit(agg, counts, 3000, draws=210, seed=6, questions=questions).values
    assert not np.array_equal(other["gap"], reference["gap"])           # the seed matters, the scheduler does not


def test_solve_posterior_is_the_same_on_the_cluster():
    truth = discagg.load_model("example:cholesterol")
    agg = discagg.Aggregation.of(truth)
    counts = counts_of(truth, 2000, 1)
    local = posterior_of_fit(agg, counts, 2000, draws=230, seed=2, chunk_size=100)
    assert local.values["min_gap"].shape == (230, 3)
    for options in ({"scheduler": "sequential", "chunk_size": 1000}, {"chunk_size": 200}):
        assert same_values(posterior_of_fit(agg, counts, 2000, draws=230, seed=2, **options).values, local.values)


def test_solve_posterior_on_the_cluster(cluster):
    truth = discagg.load_model("example:cholesterol")
    agg = discagg.Aggregation.of(truth)
    counts = counts_of(truth, 2000, 1)
    local = posterior_of_fit(agg, counts, 2000, draws=230, seed=2)
    remote = posterior_of_fit(agg, counts, 2000, draws=230, seed=2, scheduler=cluster, chunk_size=1)
    assert same_values(remote.values, local.values)
    assert remote.entry(1, "solve") == local.entry(1, "solve")


def test_the_python_posterior_takes_a_scheduler(cluster):
    truth = discagg.load_model("example:cholesterol")
    data = discagg.sample(truth, 1500, seed=3)
    here = discagg.posterior(data, truth, draws=120, seed=4, questions=["inspect"])
    there = discagg.posterior(data, truth, draws=120, seed=4, questions=["inspect"], scheduler=cluster, chunk_size=50)
    assert same_values(here.values, there.values) and here.settings() == there.settings()
    with pytest.raises(ModelError, match="chunk_size: expected a positive whole number of draws per chunk, found 0"):
        discagg.posterior(data, truth, draws=10, seed=4, chunk_size=0)


def experiments() -> dict[str, pd.DataFrame]:
    """Three experiments on cholesterol with different realizations of 'medium' (the last runs no 'high')."""
    model = discagg.load_model("example:cholesterol")
    runs = {}
    for i, q in enumerate((0.2, 0.5, 0.9)):
        family = RealizationFamily.from_mapping(discagg.Aggregation.of(model).cause_map, {
            "low": {"LDLlo_HDLlo": 1.0}, "medium": {"LDLlo_HDLhi": q, "LDLhi_HDLlo": 1 - q},
            "high": {"LDLhi_HDLhi": 1.0}})
        frame = discagg.sample(model, 150 + 50 * i, seed=20 + i, realization=family)[["Lipids", "HeartDisease"]]
        runs[f"exp{i}"] = frame[frame["Lipids"] != "high"].reset_index(drop=True) if i == 2 else frame
    return runs


def test_many_experiments_equal_one_at_a_time_on_every_scheduler(cluster):
    model = discagg.load_model("example:cholesterol")
    runs = experiments()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        one_by_one = [discagg.identify(model, frame).to_dict() for frame in runs.values()]
        reference = identify_experiments(model, runs, scheduler="sequential")
        for label, doc in zip(runs, one_by_one):
            doc["experiment"] = label
        assert [e.to_dict() for e in reference] == one_by_one
        for options in ({}, {"chunk_size": 1}, {"chunk_size": 4}, {"scheduler": cluster},
                        {"scheduler": cluster, "chunk_size": 2}):
            assert identify_experiments(model, runs, **options).to_dict() == reference.to_dict(), options


def test_a_file_split_by_a_column_equals_its_parts(cluster):
    model = discagg.load_model("example:cholesterol")
    runs = experiments()
    stacked = pd.concat([frame.assign(store=label) for label, frame in runs.items()], ignore_index=True)
    stacked = stacked.sample(frac=1.0, random_state=0).reset_index(drop=True)  # the stores' runs interleaved
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the column 'store' is used, not ignored
        split = identify_experiments(model, stacked, by="store", scheduler=cluster)
        first_seen = list(dict.fromkeys(stacked["store"]))
        assert [e.by for e in split] == [("store", s) for s in first_seen]
        for e in split:
            alone = discagg.identify(model, stacked[stacked["store"] == e.by[1]].drop(columns="store"))
            assert e.to_dict()["macro_states"] == alone.to_dict()["macro_states"]
            assert e.state("medium").samples == len(runs[e.by[1]][runs[e.by[1]]["Lipids"] == "medium"])


def test_an_impossible_outcome_on_the_cluster_is_the_same_one_line_error(cluster):
    model = discagg.load_model("example:cholesterol")
    cpt = np.array(model.nodes["HeartDisease"].cpt)
    cpt[3] = [1.0, 0.0, 0.0]                # LDLhi_HDLhi never gives heart disease, whatever the diet
    sure = dataclasses.replace(model, nodes=[n if n.name != "HeartDisease" else Node(n.name, n.states, n.parents, cpt)
                                             for n in model.nodes.values()])
    good = pd.DataFrame({"Lipids": ["high", "low"], "HeartDisease": ["none", "angina"]})
    bad = pd.DataFrame({"Lipids": ["low", "high"], "HeartDisease": ["none", "angina"]})
    messages = set()
    for scheduler in ("sequential", cluster):
        with pytest.raises(ModelError) as info:
            identify_experiments(sure, {"good": good, "bad": bad}, scheduler=scheduler)
        messages.add(str(info.value))
    assert messages == {"bad: runs with Lipids = high: expected outcomes that some micro state of 'high' can produce "
                        "under the model, found HeartDisease = 'angina', which has probability 0 under do(Lipids = x) "
                        "for every x in the fibre ['LDLhi_HDLhi']"}


def test_calibration_is_the_same_on_every_scheduler_and_chunking(cluster):
    model = discagg.load_model("example:cholesterol")

    def rows(**options):
        return calibrate(model, [300, 1200], reps=4, draws=40, level=0.9, **options)

    reference = rows(scheduler="sequential")
    assert [r["n"] for r in reference] == [300, 1200]
    for options in ({}, {"chunk_size": 3}, {"scheduler": cluster}, {"scheduler": cluster, "chunk_size": 8}):
        assert rows(**options) == reference, options


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_the_commands_take_the_cluster_address(tmp_path, cluster):
    data = tmp_path / "samples.csv"
    assert run("sample", "example:cholesterol", "--n", "2000", "--seed", "1", "--out", str(data))[0] == 0
    base = ["example:cholesterol", "--data", str(data), "--posterior", "150", "--seed", "3", "--json", "--quiet"]
    for command in ("inspect", "solve", "bounds"):
        code, here, err = run(command, *base)
        assert code == 0, err
        code, there, err = run(command, *base, "--scheduler", cluster, "--chunk-size", "50")
        assert code == 0, err
        assert json.loads(there) == json.loads(here), command
    experiment = tmp_path / "exp.csv"
    runs = experiments()["exp1"]
    runs.to_csv(experiment, index=False)
    code, here, _ = run("identify", "example:cholesterol", "--experiment", str(experiment), "--experiment",
                        str(experiment), "--json")
    code, there, _ = run("identify", "example:cholesterol", "--experiment", str(experiment), "--experiment",
                         str(experiment), "--json", "--scheduler", cluster, "--chunk-size", "1")
    assert code == 0 and json.loads(there) == json.loads(here)
    doc = json.loads(here)
    assert doc["experiments"][0]["macro_states"] == doc["experiments"][1]["macro_states"]


def test_the_readme_cluster_example_runs():
    section = (ROOT / "README.md").read_text().split("\n### Past one machine: Dask", 1)[1].split("\n## ", 1)[0]
    (code,) = re.findall(r"```python3\n(.*?)```", section, flags=re.S)
    assert "LocalCluster(n_workers=2, threads_per_worker=1)" in code
    # the same code, on worker threads of this process (the module's two-process cluster covers pickling)
    code = code.replace("LocalCluster(n_workers=2, threads_per_worker=1)",
                        "LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None)")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        exec(compile(code, "README.md", "exec"), {"__name__": "__main__"})
