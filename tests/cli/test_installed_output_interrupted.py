"""Large output cut short, as users meet it: a reader that goes away, Ctrl-C or SIGTERM while discagg writes.

``sample`` of 300,000 rows prints about 7 MB, far more than a pipe holds, so the
command is blocked in its output stage once the test has read its first bytes.
"""

from __future__ import annotations

import signal
import subprocess

import pytest

from tests.conftest import BIN

ROWS = ["sample", "example:cholesterol", "--n", "300000", "--seed", "1"]


def _writing(away):
    """The command, started and known to be in its output stage (its first bytes have arrived)."""
    process = subprocess.Popen([str(BIN), *ROWS], cwd=away, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout.read(16)  # blocks until the output begins; the rest fills the pipe and waits
    return process


def test_a_reader_that_goes_away_mid_output_is_reported(away):
    process = _writing(away)
    process.stdout.close()  # as `| head -c 16`
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1
    assert err.decode().strip() == "discagg: error: output stopped: the reader closed the pipe before the output ended"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interruption_while_writing_is_one_line_and_exit_1(away, signum):
    process = _writing(away)
    process.send_signal(signum)
    out, err = process.communicate(timeout=120)  # no hang: what was still buffered is not flushed at exit
    assert process.returncode == 1, err
    assert err.decode().strip() == "discagg: interrupted while writing the output; it is incomplete"
    assert len(out) < 7_000_000  # cut short, as the message says
