"""``discagg plot --data DATA --posterior N``: the same draws as ``solve --posterior``, the same picture for the same seed."""

from __future__ import annotations

import io
import json

import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("pandas")

import discagg.viz.backend  # noqa: E402
from discagg.cli import main  # noqa: E402


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    path = tmp_path_factory.mktemp("data") / "s.csv"
    assert run("sample", "example:cholesterol", "--n", "2000", "--seed", "1", "--out", str(path))[0] == 0
    return path


@pytest.fixture
def caught(monkeypatch):
    """The Figures ``plot`` draws, caught as they are saved."""
    figures = []
    save = discagg.viz.backend.save_figure

    def catch(figure, out, option="--out"):
        figures.append(figure)
        save(figure, out, option)

    monkeypatch.setattr(discagg.viz.backend, "save_figure", catch)
    return figures


def test_on_a_ternary_picture_too_partly_feasible_states_included(tmp_path, caught):
    data = tmp_path / "sachs.csv"
    assert run("sample", "net:sachs", "--n", "3000", "--seed", "1", "--out", str(data))[0] == 0
    common = ("net:sachs", "--cause", "Raf,Mek:sum", "--effect", "Erk,Akt:sum@2,3", "--data", str(data),
              "--posterior", "120", "--seed", "5", "--json")
    code, out, err = run("plot", *common, "--state", "2", "0", "--out", str(tmp_path / "t.svg"))
    assert code == 0, err
    plotted = {s["state"]: s for s in json.loads(out)["states"]}
    solved = {s["state"]: s for s in json.loads(run("solve", *common)[1])["macro_states"]}
    (figure,) = caught
    for panel, state in zip(figure.axes, ("2", "0")):
        drawn = plotted[state]["posterior"]
        assert drawn["p_inhibiting"] == solved[state]["posterior"]["p_inhibiting"]
        assert drawn["region"] == "hull of the deepest draws (convex-hull peeling)"
        assert f"feasible in {drawn['feasible']} of 120 draws (" in panel.get_title()
    assert 0 < plotted["2"]["posterior"]["p_inhibiting"] < 1  # a state where the draws disagree
    assert list(plotted) == ["2", "0"]


def test_the_feasible_fraction_is_solves_p_inhibiting_for_the_same_seed(samples, tmp_path, caught):
    common = ("example:cholesterol", "--data", str(samples), "--posterior", "150", "--seed", "11", "--level", "0.9",
              "--json")
    code, out, err = run("plot", *common, "--out", str(tmp_path / "p.png"))
    assert code == 0 and err == "", err
    plotted = json.loads(out)
    code, out, err = run("solve", *common)
    assert code == 0, err
    solved = json.loads(out)
    assert plotted["posterior"] == solved["posterior"]  # draws, level, seed, prior, ess, rows
    (figure,) = caught
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels()]
    for entry, state, label in zip(plotted["states"], solved["macro_states"], labels):
        assert entry["state"] == state["state"] and entry["status"] == state["status"]
        p = state["posterior"]["p_inhibiting"]
        assert entry["posterior"]["p_inhibiting"] == p
        assert entry["posterior"]["feasible"] / entry["posterior"]["draws"] == p and entry["posterior"]["draws"] == 150
        assert entry["posterior"]["level"] == 0.9 and entry["posterior"]["region"] == "equal-tailed interval"
        assert f"feasible in {entry['posterior']['feasible']} of 150 draws" in label
        # the interval drawn is the one solve's table reports for P(yes | xbar)
        yes = state["posterior"]["observational"]["yes"]
        (line,) = figure.findobj(lambda a, s=state["state"]: a.get_gid() == f"credible:{s}")
        assert line.get_xdata().tolist() == pytest.approx([yes["lower"], yes["upper"]])
        # and the point is the point answer's (posterior-mean CPTs), as solve --data prints it
        (point,) = figure.findobj(lambda a, s=state["state"]: a.get_gid() == f"observational:{s}")
        assert point.get_offsets()[0, 0] == pytest.approx(state["observational"]["yes"])


def test_the_same_command_writes_the_same_picture_and_a_fresh_seed_is_reported(samples, tmp_path):
    pictures = []
    for name in ("a.png", "b.png"):
        code, out, err = run("plot", "example:cholesterol", "--data", str(samples), "--posterior", "60", "--seed",
                             "4", "--out", str(tmp_path / name))
        assert code == 0 and out == f"wrote {tmp_path / name}\n" and err == ""
        pictures.append((tmp_path / name).read_bytes())
    assert pictures[0] == pictures[1]
    code, out, _ = run("plot", "example:cholesterol", "--data", str(samples), "--posterior", "60", "--out",
                       str(tmp_path / "c.png"), "--json")
    seed = json.loads(out)["posterior"]["seed"]
    run("plot", "example:cholesterol", "--data", str(samples), "--posterior", "60", "--seed", str(seed), "--out",
        str(tmp_path / "d.png"))
    assert (tmp_path / "c.png").read_bytes() == (tmp_path / "d.png").read_bytes()
    assert (tmp_path / "c.png").read_bytes() != pictures[0]  # another seed, other draws


def test_data_without_posterior_draws_the_fitted_model(samples, tmp_path, caught):
    code, out, err = run("plot", "example:cholesterol", "--data", str(samples), "--prior", "k2", "--out",
                         str(tmp_path / "f.png"), "--json")
    assert code == 0 and "posterior" not in json.loads(out)
    code, out, err = run("inspect", "example:cholesterol", "--data", str(samples), "--prior", "k2", "--json")
    inspected = json.loads(out)
    (figure,) = caught
    assert not figure.findobj(lambda a: str(a.get_gid()).startswith("credible:"))
    for entry in inspected["macro_states"]:
        (point,) = figure.findobj(lambda a, s=entry["state"]: a.get_gid() == f"observational:{s}")
        assert point.get_offsets()[0, 0] == pytest.approx(entry["observational"]["yes"])


@pytest.mark.parametrize(("extra", "message"), [
    (["--posterior", "10"], "--posterior: expected --posterior together with --data DATA, found --posterior alone"),
    (["--data", "S", "--seed", "1"], "--seed: expected --seed together with --posterior N, found --seed alone"),
    (["--data", "S", "--level", "0.9"], "--level: expected --level together with --posterior N"),
    (["--data", "S", "--posterior", "10", "--prior", "none"], "--prior: expected a Dirichlet prior (bdeu or k2)"),
    (["--data", "S", "--posterior", "0"], "--posterior: expected a positive number of draws, found 0"),
    (["--data", "S", "--prior", "k2", "--ess", "3"], "--ess: expected --ess together with --prior bdeu"),
    (["--data", "S", "--no-draws"], "--no-draws: expected --no-draws together with --posterior N"),
    (["--data", "S", "--posterior", "5", "--level", "1.5"], "discagg plot: argument --level: expected a number in"),
    (["--data", "missing.csv", "--posterior", "5"], "missing.csv: expected an existing file"),
])
def test_bad_option_combinations_exit_2_with_one_line_and_write_nothing(samples, tmp_path, extra, message):
    argv = [str(samples) if a == "S" else str(tmp_path / a) if a == "missing.csv" else a for a in extra]
    code, out, err = run("plot", "example:cholesterol", *argv, "--out", str(tmp_path / "x.png"))
    assert code == 2 and out == ""
    assert err.startswith("discagg: error: ") and err.count("\n") == 1, err
    assert message in err.replace(str(tmp_path) + "/", "")
    assert not (tmp_path / "x.png").exists()
