"""The README's examples run, and the output it shows is the real output."""

import io
import re

from discagg.cli import main

from conftest import ROOT

README = (ROOT / "README.md").read_text()


def _blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_python_example_runs():
    (code,) = _blocks("python")
    exec(compile(code, "README.md", "exec"), {})


def test_setup_commands_are_exactly_two_and_shown_output_is_current():
    first_screen = README.split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.*?)```", first_screen, flags=re.S)
    assert len(commands) == 2  # the first screen: one runs the main job, one the test suite
    assert commands[1].strip().endswith(".venv/bin/python -m pytest")
    assert commands[1].strip() in open(ROOT / ".ci" / "run").read()  # CI runs the same command
    main_command = commands[0].strip().split("&&")[-1].split()
    assert main_command[0].endswith("discagg")
    shown = _blocks("text")[0]
    out = io.StringIO()
    assert main(main_command[1:], stdout=out) == 0
    assert out.getvalue() == shown
