"""``abstraction``, ``learn-abstraction`` and ``gaussian --json`` from the installed script load back, and print
what the command prints without ``--json``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from discagg import (
    AbstractionError,
    GaussianAnalysis,
    LearnedAbstraction,
    abstraction_error,
    gaussian_analysis,
    learn_abstraction,
    load_abstraction_error,
    load_gaussian,
    load_gaussian_analysis,
    load_learned_abstraction,
)

from conftest import installed_discagg, ok_json


def discagg(*argv: str, cwd: Path) -> str:
    result = installed_discagg(*argv, cwd=cwd)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout


def saved(argv: tuple[str, ...], cwd: Path) -> Path:
    """The command's --json output in a file (checked to be one JSON document)."""
    text = discagg(*argv, "--json", cwd=cwd)
    ok_json(installed_discagg(*argv, "--json", cwd=cwd))
    path = cwd / "saved.json"
    path.write_text(text)
    return path


@pytest.mark.parametrize("argv", [
    ("abstraction", "scenario:collapsing", "scenario:collapsing", "--map", "scenario:collapsing"),
    ("abstraction", "scenario:extended", "--map", "scenario:extended", "--metric", "tv"),
    ("abstraction", "scenario:vstruct", "scenario:vstruct", "--map", "scenario:vstruct", "--best-mechanism"),
])
def test_abstraction_json_loads_back_and_prints_the_table(argv, away):
    loaded = load_abstraction_error(saved(argv, away))
    assert isinstance(loaded, AbstractionError)
    assert str(loaded) + "\n" == discagg(*argv, cwd=away)
    name = argv[1]
    macro = argv[2] if argv[2].startswith("scenario:") else None
    assert loaded == abstraction_error(name, macro, name, metric="tv" if "tv" in argv else "jsd",
                                       mechanism="best" if "--best-mechanism" in argv or macro is None else "model")


def without_time(text: str) -> str:
    """The search's running time differs between two runs."""
    return re.sub(r"\(\d+\.\d{3} s\)", "(T s)", text)


@pytest.mark.parametrize("argv", [
    ("learn-abstraction", "scenario:extended", "scenario:extended", "--variables", "scenario:extended"),
    ("learn-abstraction", "scenario:basic", "scenario:basic", "--variables", "scenario:basic", "--metric", "tv",
     "--method", "branch-and-bound"),
])
def test_learned_json_loads_back_and_prints_the_text(argv, away):
    path = saved(argv, away)
    loaded = load_learned_abstraction(path)
    assert isinstance(loaded, LearnedAbstraction)
    assert f"({loaded.seconds:.3f} s)" in str(loaded)
    assert without_time(str(loaded)) + "\n" == without_time(discagg(*argv, cwd=away))
    name = argv[1]
    computed = learn_abstraction(name, name, name, metric="tv" if "tv" in argv else "jsd",
                                 method="branch-and-bound" if "branch-and-bound" in argv else "auto")
    assert loaded.mapping == computed.mapping and loaded.error == computed.error and loaded.l1 == computed.l1


@pytest.mark.parametrize("argv", [
    ("gaussian", "example:shops", "--xbar", "90", "110", "--beta", "2.5"),
    ("gaussian", "example:promotion"),
    ("gaussian", "example:hours-and-pay", "--shift", "1,0,0,0", "--xbar", "0"),
])
def test_gaussian_json_loads_back_and_prints_the_text(argv, away):
    loaded = load_gaussian_analysis(saved(argv, away))
    assert isinstance(loaded, GaussianAnalysis)
    assert str(loaded) + "\n" == discagg(*argv, cwd=away)
    assert loaded.model == load_gaussian(argv[1])
    if argv[1] == "example:promotion":
        model = load_gaussian(argv[1])
        assert loaded == gaussian_analysis(model, xbar=[model.mean_xbar])
