"""Posterior draws through the installed console script draw a progress bar on a terminal (that --quiet asks for
none is checked in test_cli_scheduler.py, that a bar is never drawn into a pipe in tests/test_progress.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_progress import _run_on_a_terminal

BIN = Path(sys.executable).with_name("discagg")


def discagg(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    if not BIN.exists():
        pytest.fail(f"the console script is not installed next to {sys.executable}: pip install '.[test]' first")
    return subprocess.run([str(BIN), *argv], cwd=cwd, capture_output=True, text=True, timeout=300,
                          env=dict(os.environ))


@pytest.fixture(scope="module")
def away(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("elsewhere")
    assert discagg("sample", "example:cholesterol", "--n", "3000", "--seed", "1", "--out", "s.csv",
                   cwd=folder).returncode == 0
    return folder


def test_posterior_draws_draw_a_bar_on_a_terminal(away):
    # 2,000 draws with a gap LP each for 'low' and 'high': a few seconds, past the one-second delay
    argv = ["solve", "example:cholesterol", "--data", "s.csv", "--posterior", "2000", "--seed", "1"]
    code, drawn = _run_on_a_terminal(argv, away)
    assert code == 0
    assert b"posterior draws (20 chunks):" in drawn, drawn[-200:]
