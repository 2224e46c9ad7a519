"""The README's pictures: each is drawn by the command shown above it, and that command still draws it.

Not a pixel comparison: the command is re-run, the Figure it draws is caught before it is written, and
its artists are checked against the model (panels, hulls, observational points, legend); the committed
PNG must be small and of the size the command draws now. The README's Python session runs as a doctest.
"""

from __future__ import annotations

import doctest
import re
import shlex

import numpy as np
import pytest
from scipy.spatial import ConvexHull

pytest.importorskip("matplotlib")

import discagg.viz.backend  # noqa: E402
from discagg import Aggregation, load_model  # noqa: E402
from discagg.cli import main  # noqa: E402
from discagg.viz.projection import projection_for  # noqa: E402

from conftest import ROOT  # noqa: E402

README = (ROOT / "README.md").read_text()
# a bash block whose command writes docs/images/NAME.png, then the image itself
PICTURES = re.findall(r"```bash\n(discagg plot [^\n]*--out (docs/images/[\w.-]+\.png))[^\n]*\n```\n\n!\[[^\]]+\]\(\2\)",
                      README)


def test_the_readme_shows_two_pictures_each_under_its_command():
    assert len(PICTURES) == 2
    assert {path for _, path in PICTURES} == {"docs/images/cholesterol-reachable.png", "docs/images/sachs-reachable.png"}


@pytest.mark.parametrize(("command", "path"), PICTURES, ids=[p for _, p in PICTURES])
def test_each_picture_is_redrawn_by_its_command(tmp_path, monkeypatch, command, path):
    caught = []
    save = discagg.viz.backend.save_figure

    def catch(figure, out, option="--out"):
        caught.append(figure)
        save(figure, out, option)

    monkeypatch.setattr(discagg.viz.backend, "save_figure", catch)
    argv = shlex.split(command)[1:]
    out = tmp_path / "redrawn.png"
    argv[argv.index("--out") + 1] = str(out)
    assert main(argv) == 0
    (figure,) = caught
    from PIL import Image

    committed = ROOT / path
    assert committed.stat().st_size < 60_000  # a few tens of KB
    with Image.open(committed) as old, Image.open(out) as new:
        assert old.size == new.size  # drawn at the size the command draws today

    option = {argv[i]: argv[i + 1] for i in range(1, len(argv) - 1) if argv[i].startswith("--")}
    agg = Aggregation.of(load_model(argv[1]), option.get("--cause"), option.get("--effect"))
    states = argv[argv.index("--state") + 1:argv.index("--out")] if "--state" in argv else list(
        agg.cause_map.macro_states)
    projection = projection_for(agg.effect_map.macro_states)
    assert len(figure.axes) == (1 if projection.kind == "interval" else len(states))
    for row, name in enumerate(states):
        k = agg.cause_map.macro_index(name)
        rows = projection.coordinates(agg.macro_kernel[agg.cause_map.fibre(k)])
        (hull,) = figure.findobj(lambda a: a.get_gid() == f"hull:{name}")
        (observed,) = figure.findobj(lambda a: a.get_gid() == f"observational:{name}")
        point = projection.coordinates(agg.observational[k])
        if projection.kind == "interval":
            assert (hull.get_x(), hull.get_x() + hull.get_width()) == pytest.approx((rows.min(), rows.max()))
            assert np.asarray(observed.get_offsets()).tolist() == [[pytest.approx(point[0]), -row]]
        else:
            drawn = hull.get_xy()[:-1] if len(rows) >= 3 else hull.get_xydata()
            expected = rows[ConvexHull(rows).vertices] if len(rows) >= 3 else rows
            assert sorted(map(tuple, np.round(drawn, 12))) == sorted(map(tuple, np.round(expected, 12)))
            assert np.asarray(observed.get_offsets()).tolist() == [pytest.approx(point.tolist())]
            assert figure.axes[row].get_title().startswith(f"x̄ = {name}")
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    for words in ("reachable P(Ȳ | do(x̄))", "observational P(Ȳ | x̄)", "natural realization P(X | x̄)",
                  "solved realization", "certificate c", "irreducible gap"):
        assert any(t.startswith(words) for t in legend), (words, legend)


def test_the_python_session_runs(tmp_path, monkeypatch):
    (session,) = [block for block in re.findall(r"```pycon\n(.*?)```", README, flags=re.S) if "discagg.plot" in block]
    monkeypatch.chdir(tmp_path)
    test = doctest.DocTestParser().get_doctest(session, {}, "README.md", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
    assert (tmp_path / "cholesterol.png").read_bytes().startswith(b"\x89PNG")
