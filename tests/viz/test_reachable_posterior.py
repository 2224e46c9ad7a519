"""The posterior on the picture of the reachable set: credible regions that hold what they say, feasible counts.

The region of a panel is checked against the posterior's own draws: the interval against the
equal-tailed interval the ``--posterior`` tables print, the polygon by counting, with a point-in-polygon
test written here, the draws it holds; the feasible count against ``Posterior.p_inhibiting``.
"""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.spatial import ConvexHull

pytest.importorskip("matplotlib")

import discagg  # noqa: E402
from discagg import Aggregation, ModelError  # noqa: E402
from discagg.errors import AssumptionWarning  # noqa: E402
from discagg.plot import reachable  # noqa: E402
from discagg.viz.credible import DRAWS_SHOWN, credible_region, peeled_region  # noqa: E402
from discagg.viz.projection import projection_for  # noqa: E402

SACHS_CAUSE, SACHS_EFFECT = "Raf,Mek:sum", "Erk,Akt:sum@2,3"


def artists(figure, gid):
    return figure.findobj(lambda a: a.get_gid() == gid)


def artist(figure, gid):
    found = artists(figure, gid)
    assert len(found) == 1, (gid, found)
    return found[0]


def in_convex(polygon: np.ndarray, points: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    """Which points lie in the closed convex polygon (vertices counter-clockwise; a segment or a point too)."""
    polygon, points = np.asarray(polygon, float), np.asarray(points, float)
    scale = max(1.0, float(np.abs(polygon).max()))
    if len(polygon) == 1:
        return np.abs(points - polygon[0]).max(axis=1) <= eps * scale
    if len(polygon) == 2:
        a, b = polygon
        d = b - a
        t = (points - a) @ d / (d @ d)
        off = np.abs((points[:, 0] - a[0]) * d[1] - (points[:, 1] - a[1]) * d[0]) / np.linalg.norm(d)
        return (off <= eps * scale) & (t >= -eps) & (t <= 1 + eps)
    ok = np.ones(len(points), dtype=bool)
    for i in range(len(polygon)):
        a, b = polygon[i], polygon[(i + 1) % len(polygon)]
        cross = (b[0] - a[0]) * (points[:, 1] - a[1]) - (b[1] - a[1]) * (points[:, 0] - a[0])
        ok &= cross >= -eps * scale * np.linalg.norm(b - a)
    return ok


# -- the region itself -------------------------------------------------------------------------------------


@given(st.integers(0, 2**32 - 1), st.integers(5, 400), st.floats(0.05, 0.99), st.booleans())
def test_the_peeled_hull_holds_exactly_the_points_it_keeps(seed, n, level, skewed):
    rng = np.random.default_rng(seed)
    points = rng.dirichlet([0.7, 2.0, 5.0] if skewed else [30.0, 20.0, 40.0], size=n)[:, :2]
    hull, inside = peeled_region(points, level)
    assert inside.sum() == math.ceil(level * n - 1e-9)  # continuous draws: no ties
    assert (in_convex(hull, points) == inside).all()  # the kept draws are in it, every removed one outside
    assert in_convex(ConvexHull(points).points[ConvexHull(points).vertices], hull).all()  # within all draws' hull
    assert {tuple(v) for v in hull.tolist()} <= {tuple(p) for p in points[inside].tolist()}  # a hull of kept draws


@given(st.integers(0, 2**32 - 1), st.integers(3, 200), st.floats(0.05, 0.99))
def test_with_ties_and_on_a_line_every_removed_point_is_outside(seed, n, level):
    rng = np.random.default_rng(seed)
    grid = rng.integers(0, 4, size=(n, 2)).astype(float)  # many coincident points
    line = np.column_stack([rng.integers(0, 6, n), np.zeros(n)]) @ np.array([[1.0, 2.0], [0.0, 1.0]])  # collinear
    for points in (grid, line):
        hull, inside = peeled_region(points, level)
        assert inside.sum() >= math.ceil(level * n - 1e-9)
        assert (in_convex(hull, points) == inside).all()
        # copies of one point are kept or removed together
        for p in np.unique(points, axis=0):
            same = (points == p).all(axis=1)
            assert inside[same].all() or not inside[same].any()


def test_one_point_and_one_coordinate():
    hull, inside = peeled_region(np.ones((7, 2)), 0.9)
    assert hull.tolist() == [[1.0, 1.0]] and inside.all()
    values = np.random.default_rng(3).normal(size=(1000, 1))
    region, held = credible_region(values, 0.95)
    assert region.ravel().tolist() == pytest.approx(np.quantile(values, [0.025, 0.975]))
    assert held == 950


# -- on the pictures ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cholesterol():
    truth = discagg.load_model("example:cholesterol")
    data = discagg.sample(truth, 2000, seed=1)
    fitted = discagg.fit(data, truth)
    post = discagg.posterior(data, truth, draws=400, seed=7, questions=["solve"])
    return fitted, post


@pytest.fixture(scope="module")
def sachs():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AssumptionWarning)  # the group has Raf -> Mek inside
        structure = discagg.load_model("net:sachs")
        data = discagg.sample(structure, 3000, seed=1)
        agg = Aggregation.of(discagg.fit(data, structure), SACHS_CAUSE, SACHS_EFFECT)
        post = discagg.posterior(data, structure, cause=SACHS_CAUSE, effect=SACHS_EFFECT, draws=300, seed=2,
                                 level=0.9, questions=["solve"])
    return agg, post


def test_interval_rows_show_the_tables_interval_the_draws_and_the_feasible_count(cholesterol):
    fitted, post = cholesterol
    agg = Aggregation.of(fitted)
    figure = reachable(agg, posterior=post)
    (axes,) = figure.axes
    labels = [t.get_text() for t in axes.get_yticklabels()]
    observational = post.values["observational"]
    for row, name in enumerate(agg.cause_map.macro_states):
        k = agg.cause_map.macro_index(name)
        line = artist(figure, f"credible:{name}")
        yes = post.observational(k)["yes"]  # what the --posterior table prints for P(yes | xbar)
        assert line.get_xdata().tolist() == pytest.approx([yes.lower, yes.upper])
        assert line.get_ydata().tolist() == [-row, -row]
        draws = observational[:, k, 1]
        held = np.count_nonzero((draws >= yes.lower) & (draws <= yes.upper))
        assert abs(held - 0.95 * len(draws)) <= 1  # the equal-tailed interval holds 95% of the draws
        dots = artist(figure, f"draws:{name}").get_offsets()
        assert dots[:, 0].tolist() == pytest.approx(draws.tolist())
        assert np.abs(dots[:, 1] + row).max() <= 0.11 + 1e-12  # a strip on its own row
        i, n = post.inhibiting_draws(k)
        assert i / n == post.p_inhibiting(k) and n == 400
        assert labels[row].endswith(f"\nfeasible in {i} of {n} draws ({'100%' if i == n else '0%'})"), labels[row]
        # the point answer is still the fitted model's (the posterior mean)
        assert artist(figure, f"observational:{name}").get_offsets()[0, 0] == pytest.approx(agg.observational[k, 1])
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert "observational P(Ȳ | x̄) (posterior-mean CPTs)" in legend
    assert "95% credible interval of P(Ȳ | x̄): equal-tailed, over 400 posterior draws" in legend
    assert "P(Ȳ | x̄) of one posterior draw of the CPTs" in legend
    assert "400 draws (seed 7)" in figure.texts[0].get_text().replace("\n", " ")


def test_ternary_regions_hold_the_level_of_the_draws_and_titles_count_the_feasible(sachs):
    agg, post = sachs
    figure = reachable(agg, posterior=post, states=["0", "2", "4"])
    projection = projection_for(agg.effect_map.macro_states)
    counts = {}
    for panel, name in zip(figure.axes[::1], ["0", "2", "4"]):
        k = agg.cause_map.macro_index(name)
        draws = projection.coordinates(post.values["observational"][:, k])
        polygon = artist(figure, f"credible:{name}").get_xy()[:-1]  # closed: the first vertex repeated
        inside = in_convex(polygon, draws)
        assert inside.sum() == math.ceil(0.9 * 300)  # the region holds 90% of the draws, by count
        assert in_convex(ConvexHull(draws).points[ConvexHull(draws).vertices], polygon).all()
        i, n = post.inhibiting_draws(k)
        counts[name] = i
        assert f"feasible in {i} of {n} draws (" in panel.get_title()
    assert counts["2"] > 0 and counts["0"] == 0  # on this data "2" is feasible in some draws only
    zoomed = artists(figure, "zoom-credible:0")  # the zoom shows the region too
    assert len(zoomed) == 1
    legend = [t.get_text() for t in figure.legends[0].get_texts()]
    assert "90% credible region of P(Ȳ | x̄): hull of the 90% deepest of 300 posterior draws (convex-hull " \
           "peeling)" in legend


def test_the_same_seed_draws_the_same_picture_and_the_dots_are_optional(cholesterol):
    fitted, post = cholesterol
    truth = discagg.load_model("example:cholesterol")
    again = discagg.posterior(discagg.sample(truth, 2000, seed=1), truth, draws=400, seed=7, questions=["solve"])
    one, two = reachable(fitted, posterior=post), reachable(fitted, posterior=again)
    for name in ("low", "medium", "high"):
        for gid in (f"credible:{name}", f"draws:{name}"):
            a, b = artist(one, gid), artist(two, gid)
            assert np.array_equal(*(x.get_xdata() if gid.startswith("credible") else x.get_offsets()
                                    for x in (a, b)))
    bare = reachable(fitted, posterior=post, show_draws=False)
    assert not artists(bare, "draws:low") and artists(bare, "credible:low")
    assert not any("one posterior draw" in t.get_text() for t in bare.legends[0].get_texts())


def test_many_draws_show_at_most_the_first_ones_as_dots_but_count_them_all(cholesterol):
    fitted, _ = cholesterol
    truth = discagg.load_model("example:cholesterol")
    post = discagg.posterior(discagg.sample(truth, 500, seed=4), truth, draws=DRAWS_SHOWN + 50, seed=1,
                             questions=["inspect"])
    figure = reachable(fitted, posterior=post, states=["low"])
    dots = artist(figure, "draws:low").get_offsets()
    assert len(dots) == DRAWS_SHOWN
    assert dots[:, 0].tolist() == pytest.approx(post.values["observational"][:DRAWS_SHOWN, 0, 1].tolist())
    # a posterior without the solve question: the region, no feasible count
    (axes,) = figure.axes
    assert "feasible in" not in axes.get_yticklabels()[0].get_text()
    assert artists(figure, "credible:low")


def test_a_posterior_of_another_model_or_pair_or_not_a_posterior_is_refused(cholesterol, sachs):
    fitted, post = cholesterol
    agg, other = sachs
    with pytest.raises(ModelError, match="posterior: expected a posterior of model 'sachs'"):
        reachable(agg, posterior=post)
    with pytest.raises(ModelError, match="posterior: expected a Posterior"):
        reachable(fitted, posterior={"draws": 3})
    renamed = dataclasses.replace(post, cause_macro=("a", "b", "c"))
    with pytest.raises(ModelError, match="with other macro states"):
        reachable(fitted, posterior=renamed)
