"""The README's data workflow: the commands shown print what the README shows, and the Python example runs."""

from __future__ import annotations

import io
import re
import shlex
import warnings

from discagg.cli import main

from conftest import ROOT

SECTION = (ROOT / "README.md").read_text().split("\n## From data", 1)[1].split("\n## ", 1)[0]


def test_the_workflow_prints_what_the_readme_shows(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bash = re.search(r"```bash\n(.*?)```", SECTION, flags=re.S).group(1)
    commands = [line.split("  #")[0].strip() for line in bash.splitlines() if line.startswith("discagg ")]
    shown = re.search(r"```text\n(.*?)```", SECTION, flags=re.S).group(1)
    chunks = [chunk.rstrip("\n").split("\n") for chunk in shown.split("$ ")[1:]]
    assert [chunk[0] for chunk in chunks] == commands
    for command, *lines in chunks:
        out, err = io.StringIO(), io.StringIO()
        assert main(shlex.split(command)[1:], stdout=out, stderr=err) == 0, err.getvalue()
        actual = (err.getvalue() + out.getvalue()).splitlines()
        expected = [line for line in lines if line and not line.startswith("(")]
        position = 0
        for line in expected:  # every shown line, in order (lines in brackets stand for output left out)
            while position < len(actual) and actual[position].rstrip() != line.rstrip():
                position += 1
            assert position < len(actual), f"{command}: {line!r} not printed (in order)"
            position += 1


def test_the_python_example_runs():
    (code,) = re.findall(r"```py\n(.*?)```", SECTION, flags=re.S)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the experiment's Diet column is ignored with a warning
        exec(compile(code, "README.md", "exec"), {})
