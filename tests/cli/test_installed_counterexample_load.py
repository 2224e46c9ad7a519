"""What the installed ``discagg counterexample --out DIR`` writes loads back (:func:`discagg.load_counterexample`)
equal to :func:`~discagg.theory.generate_counterexample` with the same arguments, and prints as the command does."""

from __future__ import annotations

from pathlib import Path

import pytest

from discagg import ModelError, load_counterexample
from discagg.theory import Counterexample, generate_counterexample

from conftest import installed_discagg, ok_json

CASES = [
    ((4, 3, 4, 2, 2), {"seed": 1, "margin": 0.01}, []),
    ((6, 4, 5, 2, 2), {"seed": 3, "margin": 0.05, "exact": True}, ["--exact"]),
    ((10, 6, 8, 3, 3), {"seed": 7, "margin": 0.02, "split": "random"}, ["--split", "random"]),
]


def argv(sizes: tuple[int, ...], options: dict, extra: list[str], out: str) -> list[str]:
    flags = ("--x-states", "--z-states", "--y-states", "--x-macro", "--y-macro")
    return ["counterexample", *(a for flag, n in zip(flags, sizes) for a in (flag, str(n))),
            "--seed", str(options["seed"]), "--margin", repr(options["margin"]), *extra, "--out", out]


@pytest.mark.parametrize(("sizes", "options", "extra"), CASES)
def test_the_written_directory_loads_back_and_prints_as_the_command(away, sizes, options, extra):
    result = installed_discagg(*argv(sizes, options, extra, "ce"), cwd=away)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    *lines, written = result.stdout.rstrip("\n").split("\n")
    assert written == ("wrote ce/model.json and ce/realization.json; check with: "
                       "discagg verify ce/model.json --realization ce/realization.json")
    loaded = load_counterexample(away / "ce")
    assert loaded == generate_counterexample(*sizes, **options)
    assert str(loaded) == "\n".join(lines)
    assert "\n" not in repr(loaded) and repr(loaded).startswith("Counterexample(|Z| = ")


def test_the_json_documents_paths_load_back_with_its_hypotheses(away: Path):
    sizes, options, extra = CASES[1]
    document = ok_json(installed_discagg(*argv(sizes, options, extra, "nested/ce"), "--json", cwd=away))
    loaded = Counterexample.from_files(away / document["model"], away / document["realization"])
    assert loaded == generate_counterexample(*sizes, **options)
    assert {k: v for k, v in document.items() if k not in ("model", "realization", "verify")} == loaded.to_dict()


def test_a_directory_the_command_did_not_write_is_refused_naming_it(away: Path):
    sizes, options, extra = CASES[0]
    failed = installed_discagg(*argv(sizes, {**options, "margin": 0.9999}, extra, "ce"), cwd=away)
    assert failed.returncode == 2 and failed.stderr.startswith("discagg: error: ")
    assert not (away / "ce").exists()  # nothing half-written to load
    with pytest.raises(ModelError) as info:
        load_counterexample(away / "ce")
    assert str(info.value).startswith(f"{away / 'ce'}: expected a directory")
