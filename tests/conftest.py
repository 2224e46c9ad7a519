"""Shared fixtures: the repository's data directory and a valid base document."""

from __future__ import annotations

import copy
import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"

settings.register_profile("ci", max_examples=60, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

BASE_DOC: dict[str, Any] = {
    "format": "discagg/model-v1",
    "name": "base",
    "description": "a valid triangle used as the starting point of bad-input tests",
    "nodes": {
        "Z": {"states": ["z0", "z1"], "parents": [], "cpt": [0.4, 0.6]},
        "X": {"states": ["x0", "x1", "x2"], "parents": ["Z"],
              "cpt": [[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]]},
        "Y": {"states": ["y0", "y1", "y2"], "parents": ["X", "Z"],
              "cpt": [[[0.1, 0.2, 0.7], [0.3, 0.3, 0.4]],
                      [[0.5, 0.25, 0.25], [0.6, 0.2, 0.2]],
                      [[0.9, 0.05, 0.05], [0.2, 0.2, 0.6]]]},
    },
    "macro": {"X": {"low": ["x0", "x1"], "high": ["x2"]},
              "Y": {"no": ["y0"], "yes": ["y1", "y2"]}},
    "query": {"cause": "X", "effect": "Y"},
}


@pytest.fixture
def base_doc() -> dict[str, Any]:
    """A fresh deep copy of a valid model document."""
    return copy.deepcopy(BASE_DOC)


@pytest.fixture(autouse=True)
def _run_in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Doctests and tests refer to ``data/...`` relative to the repository root."""
    monkeypatch.chdir(ROOT)


def run_on_a_terminal(command: list[str], cwd: Path) -> tuple[int, bytes]:
    """Run ``command`` with stderr on a fresh pseudo-terminal; its exit code and what it drew there."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=follower, env=dict(os.environ))
    os.close(follower)
    drawn = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            drawn += chunk
        elif process.poll() is not None:
            break
    os.close(leader)
    return process.wait(timeout=120), drawn


BIN = Path(sys.executable).with_name("discagg")
"""The installed console script, next to the interpreter running the tests."""


def installed_discagg(*argv: str, cwd: Path, stdout: int | object = subprocess.PIPE, timeout: float = 300,
                      env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the installed ``discagg`` as a user does: a subprocess, in ``cwd`` (a directory outside the repository)."""
    if not BIN.exists():
        pytest.fail(f"the console script is not installed next to {sys.executable}: pip install '.[test]' first")
    return subprocess.run([str(BIN), *argv], cwd=cwd, stdout=stdout, stderr=subprocess.PIPE, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def ok_json(result: subprocess.CompletedProcess[str]) -> Any:
    """The one JSON document a successful command printed, with nothing on stderr."""
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and result.stderr == "", result.stderr
    return json.loads(result.stdout)  # stdout is exactly one JSON document: no banner, no log line


@pytest.fixture
def away(tmp_path: Path) -> Path:
    """A working directory outside the repository."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    return folder
