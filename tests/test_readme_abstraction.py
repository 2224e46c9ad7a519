"""The README's abstraction examples run, and the outputs it shows are the real ones."""

import io
import re

import pytest

from discagg.cli import main

from conftest import ROOT

README = (ROOT / "README.md").read_text()
SECTION = README.split("## Causal abstraction", 1)[1].split("\n## ", 1)[0]


def _shown_output(command: str) -> str:
    """The ```text block that follows the ```bash block holding ``command``."""
    match = re.search(r"```bash\n" + re.escape(command) + r"\n```\n\n```text\n(.*?)```", SECTION, flags=re.S)
    assert match, command
    return match.group(1)


def _run(argv: list[str]) -> str:
    out = io.StringIO()
    assert main(argv, stdout=out) == 0
    return out.getvalue()


def test_abstraction_output_is_current():
    command = "discagg abstraction scenario:vstruct scenario:vstruct --map scenario:vstruct"
    assert _run(command.split()[1:]) == _shown_output(command)


def test_learn_abstraction_output_is_current_but_for_the_time():
    command = "discagg learn-abstraction scenario:vstruct scenario:vstruct --variables scenario:vstruct"

    def untimed(text: str) -> str:
        return re.sub(r"\(\d+\.\d+ s\)", "(t s)", text)

    assert untimed(_run(command.split()[1:])) == untimed(_shown_output(command))


def test_python_example_runs_and_its_comments_hold():
    (code,) = re.findall(r"```py\n(.*?)```", SECTION, flags=re.S)
    scope: dict = {}
    exec(compile(code, "README.md", "exec"), scope)
    assert scope["err"].overall == pytest.approx(0.025462, abs=1e-6) and not scope["err"].exact
    assert scope["err"].argmax_pair.argmax == {"Environment": "0", "Smoking": "0"}
    found = scope["found"]
    assert (found.value, found.optimal, found.candidates, found.l1) == (0.0, True, 432, 0)
    assert scope["best"].value == pytest.approx(0.155) and not scope["best"].exact


def test_the_cli_reference_lists_both_commands():
    reference = README.split("## CLI reference", 1)[1].split("\n## ", 1)[0]
    assert "`discagg abstraction MICRO [MACRO] --map MAP" in reference
    assert "`discagg learn-abstraction MICRO MACRO --variables FILE" in reference
    layout = README.split("## Layout", 1)[1]
    for name in ("`abstraction/`", "`kernels.py`", "`error.py`", "`mechanism.py`", "`search.py`",
                 "`abstraction_format.py`", "`abstraction.py`"):
        assert name in layout
