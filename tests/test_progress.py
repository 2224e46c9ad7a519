"""Progress bars: drawn on a terminal after the delay, never on a pipe or a file, never with enabled=False."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from discagg.progress import progress

from conftest import run_on_a_terminal


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_is_drawn_on_a_terminal_and_the_items_pass_through():
    stream = Terminal()
    assert list(progress(iter(range(5)), total=5, description="macro states", enabled=True, stream=stream,
                         delay=0.0)) == [0, 1, 2, 3, 4]
    drawn = stream.getvalue()
    assert drawn.startswith("\rmacro states:") and "/5 " in drawn
    assert drawn.endswith("\r") and drawn.rstrip("\r").split("\r")[-1].strip() == ""  # cleared when done


@pytest.mark.parametrize("stream, enabled", [(io.StringIO(), True), (Terminal(), False)])
def test_no_bar_on_a_pipe_or_when_quiet(stream, enabled):
    assert list(progress(range(3), total=3, description="x", enabled=enabled, stream=stream, delay=0.0)) == [0, 1, 2]
    assert stream.getvalue() == ""


def test_quick_work_shows_no_bar_even_on_a_terminal():
    stream = Terminal()
    assert list(progress(range(3), total=3, description="x", enabled=True, stream=stream)) == [0, 1, 2]
    assert stream.getvalue() == ""  # finished before the one-second delay


@pytest.mark.parametrize("quiet", [False, True])
def test_the_installed_command_draws_a_bar_on_a_terminal_unless_quiet(tmp_path, quiet):
    # about 40 fibre LPs over two seconds: past the one-second delay
    argv = ["counterexample", "--x-states", "400", "--z-states", "60", "--y-states", "10", "--x-macro", "40",
            "--y-macro", "3", "--out", "ce", *(["--quiet"] if quiet else [])]
    code, drawn = run_on_a_terminal([str(Path(sys.executable).with_name("discagg")), *argv], tmp_path)
    assert code == 0 and (tmp_path / "ce" / "model.json").exists()
    assert (b"fibre LPs:" in drawn) == (not quiet), drawn[-200:]
