"""The README's Python session of results (the ```pycon block without pictures) prints exactly what it shows.

Its output has blank lines (``print(solution)``), which doctest cannot show without ``<BLANKLINE>``:
each statement runs as the interactive interpreter runs it, and what it prints is compared line by line.
The pictures' session is run by ``tests/viz/test_readme_pictures.py``.
"""

from __future__ import annotations

import contextlib
import io
import re

import pytest

from discagg.cli import main

from conftest import ROOT

README = (ROOT / "README.md").read_text()


def examples(block: str) -> list[tuple[str, str]]:
    """``(source, expected output)`` for each ``>>>`` statement, as an interactive session shows them."""
    found: list[tuple[list[str], list[str]]] = []
    for line in block.splitlines():
        if line.startswith(">>> "):
            found.append(([line[4:]], []))
        elif line.startswith("... ") and found and not found[-1][1]:
            found[-1][0].append(line[4:])
        else:
            found[-1][1].append(line)
    return [("\n".join(source) + "\n", "\n".join(output)) for source, output in found]


def run(block: str, namespace: dict[str, object]) -> None:
    for source, expected in examples(block):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(source, "README.md", "single"), namespace)  # expression values shown as the REPL shows them
        got = "\n".join(line.rstrip() for line in printed.getvalue().rstrip("\n").splitlines())
        want = "\n".join(line.rstrip() for line in expected.splitlines())
        assert got == want, f"README: {source}"


def test_the_python_session_shows_what_it_prints(tmp_path, monkeypatch):
    blocks = [block for block in re.findall(r"```pycon\n(.*?)```", README, flags=re.S) if "discagg.plot" not in block]
    assert len(blocks) == 1 and "print(solution)" in blocks[0]
    monkeypatch.chdir(tmp_path)
    with open("solution.json", "w") as file:  # as the text says: discagg solve example:cholesterol --json > solution.json
        assert main(["solve", "example:cholesterol", "--json"], stdout=file) == 0
    for block in blocks:
        run(block, {})


def test_a_session_that_prints_something_else_fails():
    with pytest.raises(AssertionError, match="README: 1 \\+ 1"):
        run(">>> 1 + 1\n3\n", {})
