"""The commands draw their progress bar on a real terminal (a pseudo-terminal) for posterior draws and many
experiments, and none with --quiet. The bar's one-second delay is set to 0 in the child process, so that the test
does not depend on how fast the machine is (that the delay holds quick work back is tested in tests/test_progress.py).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import run_on_a_terminal

CHILD = ("import sys\nimport discagg.progress\ndiscagg.progress.progress.__kwdefaults__['delay'] = 0.0\n"
         "from discagg.cli import main\nsys.exit(main(sys.argv[1:]))\n")


def on_a_terminal(argv: list[str], cwd: Path) -> tuple[int, bytes]:
    """Run ``discagg ARGV`` (with no bar delay) with stderr on a fresh pseudo-terminal."""
    return run_on_a_terminal([sys.executable, "-c", CHILD, *argv], cwd)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    from discagg.cli import main

    where = tmp_path_factory.mktemp("terminal")
    assert main(["sample", "example:cholesterol", "--n", "2000", "--seed", "1", "--out", str(where / "s.csv")]) == 0
    return where


@pytest.mark.parametrize("quiet", [False, True])
def test_posterior_draws_draw_a_bar_on_a_terminal_unless_quiet(folder, quiet):
    argv = ["inspect", "example:cholesterol", "--data", "s.csv", "--posterior", "300", "--seed", "1",
            *(["--quiet"] if quiet else [])]
    code, drawn = on_a_terminal(argv, folder)
    assert code == 0
    assert (b"posterior draws (3 chunks):" in drawn) == (not quiet), drawn[-300:]
