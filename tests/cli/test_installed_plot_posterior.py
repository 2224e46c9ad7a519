"""The installed console script draws the posterior on the picture, from a directory outside the repository."""

from __future__ import annotations

import json

import pytest

from conftest import installed_discagg as discagg

pytest.importorskip("matplotlib")
pytest.importorskip("pandas")





def test_plot_with_data_and_posterior_writes_the_picture(tmp_path):
    away = tmp_path / "elsewhere"
    away.mkdir()
    assert discagg("sample", "example:cholesterol", "--n", "2000", "--seed", "1", "--out", "s.csv",
                   cwd=away).returncode == 0
    result = discagg("plot", "example:cholesterol", "--data", "s.csv", "--posterior", "200", "--seed", "3", "--out",
                     "p.png", "--json", cwd=away)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    doc = json.loads(result.stdout)
    assert doc["wrote"] == "p.png" and doc["posterior"]["seed"] == 3 and doc["posterior"]["rows"] == 2000
    assert [s["posterior"]["draws"] for s in doc["states"]] == [200, 200, 200]
    assert (away / "p.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    result = discagg("plot", "example:cholesterol", "--posterior", "200", "--out", "q.png", cwd=away)
    assert result.returncode == 2 and result.stdout == "" and result.stderr.count("\n") == 1
    assert result.stderr.startswith("discagg: error: --posterior: expected --posterior together with --data DATA")
    assert sorted(p.name for p in away.iterdir()) == ["p.png", "s.csv"]
