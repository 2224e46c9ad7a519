"""The README's examples run, and the output it shows is the real output."""

import io
import re

from conftest import ROOT
from discagg.cli import main

README = (ROOT / "README.md").read_text()


def _blocks(language):
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def test_python_example_runs():
    (code,) = _blocks("python")
    exec(compile(code, "README.md", "exec"), {})


def test_setup_commands_are_exactly_two_and_shown_output_is_current():
    commands = _blocks("bash")
    assert len(commands) == 2
    main_command = commands[0].strip().split("&&")[-1].split()
    assert main_command[0].endswith("discagg")
    shown = _blocks("text")[0]
    out = io.StringIO()
    assert main(main_command[1:], stdout=out) == 0
    assert out.getvalue() == shown
