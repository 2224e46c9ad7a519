"""The README's posterior picture: drawn by the commands above it, and what the text says of it holds."""

from __future__ import annotations

import re
import shlex

import numpy as np
import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("pandas")

import discagg.viz.backend  # noqa: E402
from discagg import Aggregation, load_model  # noqa: E402
from discagg.cli import main  # noqa: E402

from conftest import ROOT  # noqa: E402

README = (ROOT / "README.md").read_text()
SECTION = README.split("## Pictures: what do(x̄) can reach", 1)[1].split("\n## ", 1)[0]
(BLOCK,) = [b for b in re.findall(r"```bash\n(.*?)```", SECTION, flags=re.S) if "--posterior" in b]
COMMANDS = [shlex.split(line.split("  #")[0]) for line in BLOCK.splitlines()]


def test_the_commands_redraw_the_picture_and_the_text_is_true(tmp_path, monkeypatch):
    caught = []
    save = discagg.viz.backend.save_figure

    def catch(figure, out, option="--out"):
        caught.append(figure)
        save(figure, out, option)

    monkeypatch.setattr(discagg.viz.backend, "save_figure", catch)
    monkeypatch.chdir(tmp_path)
    sample, plot = COMMANDS
    assert sample[:2] == ["discagg", "sample"] and plot[:2] == ["discagg", "plot"]
    assert main(sample[1:]) == 0
    committed = ROOT / plot[plot.index("--out") + 1]
    plot[plot.index("--out") + 1] = "redrawn.png"
    assert main(plot[1:]) == 0
    assert "\n\n![The cholesterol picture from 2,000 samples" in SECTION
    assert f"]({committed.relative_to(ROOT)})" in SECTION
    from PIL import Image

    assert committed.stat().st_size < 60_000
    with Image.open(committed) as old, Image.open(tmp_path / "redrawn.png") as new:
        assert old.size == new.size and old.mode == new.mode == "P"  # a palette image, as the other pictures
    (figure,) = caught
    (axes,) = figure.axes
    titles = {t.get_text().split("   ")[0].removeprefix("x̄ = "): t.get_text() for t in axes.get_yticklabels()}
    assert titles["low"].endswith("feasible in 0 of 1000 draws (0%)")
    assert titles["high"].endswith("feasible in 0 of 1000 draws (0%)")
    assert titles["medium"].endswith("feasible in 1000 of 1000 draws (100%)")
    # "high's interval covers its micro state's point"
    (line,) = figure.findobj(lambda a: a.get_gid() == "credible:high")
    agg = Aggregation.of(load_model("example:cholesterol"))
    (micro,) = figure.findobj(lambda a: a.get_gid() == "micro:high")
    (point,) = micro.get_offsets()[:, 0]
    lower, upper = line.get_xdata()
    assert lower < point < upper
    assert agg.cause_map.fibre(agg.cause_map.macro_index("high")).size == 1


@pytest.mark.parametrize("rows", [None, 2000])
def test_a_micro_state_name_is_not_cut_by_the_certificate_line(rows):
    import discagg
    from discagg.plot import reachable
    from discagg.viz.backend import renderer

    truth = load_model("example:cholesterol")
    if rows is None:
        figure = reachable(truth)
    else:  # the README's posterior picture, where high's name was cut
        data = discagg.sample(truth, rows, seed=1)
        figure = reachable(discagg.fit(data, truth), posterior=discagg.posterior(data, truth, draws=50, seed=3))
    drawn = renderer(figure)
    (axes,) = figure.axes
    for state in ("low", "high"):
        (line,) = figure.findobj(lambda a, s=state: a.get_gid() == f"certificate:{s}")
        x = axes.transData.transform((line.get_xdata()[0], 0))[0]
        assert np.isfinite(x)
        clear = line.get_linewidth() * figure.dpi / 72 / 2 + 2  # half the dashes' width, and 2 pixels
        for label in figure.findobj(lambda a, s=state: a.get_gid() == f"micro-label:{s}"):
            box = label.get_window_extent(drawn)
            assert not box.x0 - clear < x < box.x1 + clear, (state, label.get_text(), box, x)
