"""A small run of scripts/calibrate_posterior.py and scripts/identify_power.py: they run, and what they measure holds."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import pytest

from conftest import ROOT


def script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_posterior_intervals_cover_and_shrink(capsys):
    rows = script("calibrate_posterior").main(["--sizes", "400", "6400", "--reps", "12", "--draws", "60"])
    assert "P(Ybar | xbar): cover" in capsys.readouterr().out
    for row in rows:
        # 12 data sets x 3 macro states x 2 ybar: a 95% interval covering under 80% of the time is miscalibrated
        assert row["cover observational"] >= 0.8 and row["cover gap"] >= 0.75, row
    small, large = rows
    for key in ("width observational", "width gap", "width min_gap"):
        assert large[key] < small[key] / 2.5, key           # 16 times the data: widths about 4 times smaller


@pytest.mark.filterwarnings("ignore::discagg.estimation.datasets.DataWarning")
def test_identify_power_script_runs():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "identify_power.py"), "--reps", "6", "--runs",
                             "200"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "size (medium)" in result.stdout and "power low" in result.stdout
