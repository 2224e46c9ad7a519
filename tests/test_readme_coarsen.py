"""The README's coarsen section: its commands run and print what it shows; its Python example holds."""

import io
import re
import shlex
import warnings

import pytest

from discagg.cli import main

from conftest import ROOT

README = (ROOT / "README.md").read_text()
SECTION = README.split("## Searching for meaningful macro variables", 1)[1].split("\n## ", 1)[0]
SHOWN = re.findall(r"```bash\n(discagg [^\n]*)\n```\n\n```text\n(.*?)```", SECTION, flags=re.S)


def _untimed(text: str) -> str:
    return re.sub(r"\d+\.\d+ s\)", "t s)", text)


def test_every_command_prints_what_the_readme_shows(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # --out writes sachs-4.json here, and the next command reads it
    assert [shlex.split(c)[1] for c, _ in SHOWN] == ["coarsen", "solve", "coarsen", "solve"]
    for command, shown in SHOWN:
        out, err = io.StringIO(), io.StringIO()
        assert main(shlex.split(command)[1:], stdout=out, stderr=err) == 0, err.getvalue()
        assert _untimed(out.getvalue()) == _untimed(shown), command


def test_python_example_runs_and_its_comments_hold(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (code,) = re.findall(r"```py\n(.*?)```", SECTION, flags=re.S)
    scope: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Assumption 1: Raf -> Mek inside the group
        exec(compile(code, "README.md", "exec"), scope)
        import discagg

        assert all(s.status == "inhibiting" for s in discagg.solve(scope["model"]).states)
    found = scope["found"]
    assert (found.value, found.optimal) == (0.0, True) and found.given.value == pytest.approx(0.0467, abs=1e-4)
    assert found.macro["0"] == ["LOW,LOW", "LOW,AVG"]
    assert scope["runs"].value == pytest.approx(0.0106, abs=1e-4) and scope["runs"].method == "dynamic-programming"
    assert (scope["part"].n_classes, scope["part"].clean) == (3, True)


def test_the_cli_reference_and_the_layout_list_it():
    reference = README.split("## CLI reference", 1)[1].split("\n## ", 1)[0]
    assert "`discagg coarsen MODEL --cause X --effect Y --states K" in reference
    assert "`coarsen --json` prints" in reference
    layout = README.split("## Layout", 1)[1]
    for name in ("`search/`", "`fibres.py`", "`partitions.py`", "`exact.py`", "`heuristic.py`", "`causal.py`",
                 "`maps.py`", "`coarsen.py`", "`parallel.py`"):
        assert name in layout, name
