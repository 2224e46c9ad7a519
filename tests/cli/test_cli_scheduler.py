"""--scheduler, --chunk-size, --quiet and several experiments on the command line (the cluster itself is exercised in
tests/estimation/test_parallel_estimation.py)."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

import discagg
import discagg.parallel
from discagg.cli import main
from discagg.core.realization import RealizationFamily


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "samples.csv"
    assert run("sample", "example:cholesterol", "--n", "2000", "--seed", "1", "--out", str(path))[0] == 0
    return str(path)


@pytest.fixture(scope="module")
def experiment(tmp_path_factory):
    """A cholesterol experiment in three stores, each with its own realization of 'medium'."""
    model = discagg.load_model("example:cholesterol")
    frames = []
    for store, q in (("north", 0.2), ("south", 0.8), ("east", 0.5)):
        family = RealizationFamily.from_mapping(discagg.Aggregation.of(model).cause_map, {
            "low": {"LDLlo_HDLlo": 1.0}, "medium": {"LDLlo_HDLhi": q, "LDLhi_HDLlo": 1 - q},
            "high": {"LDLhi_HDLhi": 1.0}})
        runs = discagg.sample(model, 400, seed=len(frames), realization=family)[["Lipids", "HeartDisease"]]
        frames.append(runs.assign(store=store))
    path = tmp_path_factory.mktemp("exp") / "stores.csv"
    pd.concat(frames, ignore_index=True).to_csv(path, index=False)
    return str(path)


@pytest.mark.parametrize("command", ["inspect", "solve", "bounds"])
def test_the_chunk_size_and_the_scheduler_do_not_change_the_answer(data, command):
    base = [command, "example:cholesterol", "--data", data, "--posterior", "250", "--seed", "9", "--json"]
    code, reference, err = run(*base, "--scheduler", "sequential", "--chunk-size", "1000")
    assert code == 0, err
    for extra in ([], ["--chunk-size", "1"], ["--chunk-size", "150", "--scheduler", "local"]):
        assert json.loads(run(*base, *extra)[1]) == json.loads(reference), extra


@pytest.mark.parametrize("argv, expected", [
    (["--scheduler", "local"], "--scheduler: expected --scheduler together with --data DATA --posterior N, "
                               "found --scheduler alone"),
    (["--data", "DATA", "--chunk-size", "10"], "--chunk-size: expected --chunk-size together with --posterior N, "
                                               "found --chunk-size alone"),
    (["--data", "DATA", "--posterior", "5", "--scheduler", "tcp://127.0.0.1:9"],
     "--scheduler: expected the address of a running dask.distributed scheduler (e.g. tcp://HOST:8786), found "
     "'tcp://127.0.0.1:9', where nothing answers"),
    (["--data", "DATA", "--posterior", "5", "--scheduler", "nonsense"],
     "--scheduler: expected the address of a running dask.distributed scheduler (e.g. tcp://HOST:8786), found "
     "'nonsense'"),
    (["--data", "DATA", "--posterior", "5", "--chunk-size", "0"],
     "discagg inspect: argument --chunk-size: expected a positive whole number, found 0"),
])
def test_option_errors_are_one_line_with_exit_2(data, argv, expected):
    code, out, err = run("inspect", "example:cholesterol", *[data if a == "DATA" else a for a in argv])
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith(f"discagg: error: {expected}"), err


class Bars:
    """Records the progress bars map_chunks asks for (the bars themselves are tested in tests/test_progress.py)."""

    def __init__(self):
        self.asked = []

    def __call__(self, iterable, *, total, description, enabled, **_):
        self.asked.append((description, total, enabled))
        return iter(iterable)


@pytest.mark.parametrize("quiet", [False, True])
def test_long_work_asks_for_a_bar_unless_quiet(data, experiment, monkeypatch, quiet):
    bars = Bars()
    monkeypatch.setattr(discagg.parallel, "progress_bar", bars)
    flag = ["--quiet"] if quiet else []
    assert run("inspect", "example:cholesterol", "--data", data, "--posterior", "300", "--seed", "1", *flag)[0] == 0
    assert run("identify", "example:cholesterol", "--experiment", experiment, "--by", "store", *flag)[0] == 0
    assert bars.asked == [("posterior draws (3 chunks)", 3, not quiet), ("experiments' macro states", 9, not quiet)]


def test_several_experiments_from_one_file_split_by_a_column(experiment):
    code, out, err = run("identify", "example:cholesterol", "--experiment", experiment, "--by", "store", "--json")
    assert code == 0 and err == ""  # the column 'store' is used, so no warning about ignored columns
    doc = json.loads(out)
    assert list(doc) == ["model", "cause", "effect", "level", "experiments"]
    assert [e["by"] for e in doc["experiments"]] == [{"column": "store", "value": v} for v in ("north", "south", "east")]
    medium = [e["macro_states"][1] for e in doc["experiments"]]
    assert [m["samples"] for m in medium] == [400, 400, 400]
    # each store's realization of 'medium' is recovered within sampling error (Fisher sd about 0.08 at 400 runs)
    for m, q in zip(medium, (0.2, 0.8, 0.5)):
        assert abs(m["realization"]["LDLlo_HDLhi"] - q) < 0.25, m["realization"]
    code, table, _ = run("identify", "example:cholesterol", "--experiment", experiment, "--by", "store")
    assert code == 0
    lines = table.splitlines()
    assert lines[0] == "model cholesterol: cause Lipids, effect HeartDisease; 3 experiments"
    assert [line.split()[0] for line in lines[4::3][:3]] == ["store=north", "store=south", "store=east"]
    assert f"experiments: the runs of {experiment} by their value of 'store'" in lines


def test_several_experiment_files(experiment, tmp_path):
    other = tmp_path / "other.csv"
    pd.read_csv(experiment).query("store == 'east'").drop(columns="store").to_csv(other, index=False)
    code, out, err = run("identify", "example:cholesterol", "--experiment", str(other), "--experiment", str(other),
                         "--json")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert [e["experiment"] for e in doc["experiments"]] == [str(other)] * 2
    assert "by" not in doc["experiments"][0]
    alone = json.loads(run("identify", "example:cholesterol", "--experiment", str(other), "--json")[1])
    assert doc["experiments"][0] == doc["experiments"][1] == alone  # one file alone: the document of one experiment


def test_by_errors_name_the_file_row_and_column(experiment, tmp_path):
    code, out, err = run("identify", "example:cholesterol", "--experiment", experiment, "--by", "shop")
    assert code == 2 and err == (f"discagg: error: {experiment}: columns: expected a column 'shop' naming the "
                                 "experiment of each run (by), found no column 'shop' (the columns are ['Lipids', "
                                 "'HeartDisease', 'store'])\n")
    holes = tmp_path / "holes.csv"
    frame = pd.read_csv(experiment)
    frame.loc[4, "store"] = None
    frame.to_csv(holes, index=False)
    code, out, err = run("identify", "example:cholesterol", "--experiment", str(holes), "--by", "store")
    assert code == 2 and err == (f"discagg: error: {holes}: row 6, column 'store': expected a value naming the run's "
                                 "experiment, found a missing value (an empty cell)\n")
