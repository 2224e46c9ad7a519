"""The picture of the reachable set: what each panel holds, checked against the model's own numbers."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from scipy.spatial import ConvexHull

pytest.importorskip("matplotlib")

from discagg import Aggregation, ModelError, load_model, model_from_dict, most_inducing, reach, solve  # noqa: E402
from discagg.plot import reachable  # noqa: E402
from discagg.viz.panels import reachable_panels  # noqa: E402
from discagg.viz.projection import projection_for  # noqa: E402

from conftest import BASE_DOC  # noqa: E402


def artist(figure, gid):
    """The one artist named ``gid`` anywhere in the figure (insets included)."""
    found = [a for a in figure.findobj(lambda a: a.get_gid() == gid)]
    assert len(found) == 1, (gid, found)
    return found[0]


def has(figure, gid):
    return bool(figure.findobj(lambda a: a.get_gid() == gid))


def legend_texts(figure):
    return [t.get_text() for legend in figure.legends for t in legend.get_texts()]


@pytest.fixture(scope="module")
def cholesterol():
    agg = Aggregation.of(load_model("example:cholesterol"))
    return agg, solve(agg.model), reachable(agg)


def test_two_macro_states_of_the_effect_one_panel_a_row_per_macro_state(cholesterol):
    agg, solution, figure = cholesterol
    (axes,) = figure.axes
    assert [t.get_text().split("\n")[0] for t in axes.get_yticklabels()] == [
        "x̄ = low   P(x̄) = 0.21", "x̄ = medium   P(x̄) = 0.545", "x̄ = high   P(x̄) = 0.245"]
    assert axes.get_xlabel().startswith("P(Ȳ = yes | ·)")
    natural = agg.interventional(agg.natural_realization())
    for row, name in enumerate(agg.cause_map.macro_states):
        k = agg.cause_map.macro_index(name)
        reached = agg.macro_kernel[agg.cause_map.fibre(k), 1]  # P(yes | do(X = x)) on the fibre
        hull = artist(figure, f"hull:{name}")
        assert hull.get_x() == pytest.approx(reached.min()) and hull.get_width() == pytest.approx(np.ptp(reached))
        assert hull.get_y() + hull.get_height() / 2 == pytest.approx(-row)
        for key, value in (("observational", agg.observational[k, 1]), ("natural", natural[k, 1]),
                           ("solved", solution.states[k].interventional[1])):
            assert artist(figure, f"{key}:{name}").get_offsets().tolist() == [[pytest.approx(value), -row]]
        assert sorted(artist(figure, f"micro:{name}").get_offsets()[:, 0]) == pytest.approx(sorted(reached))
    # medium is inhibiting: the solved point is the observational one, and no certificate is drawn
    assert not has(figure, "certificate:medium") and not has(figure, "gap:medium")
    for name in ("low", "high"):  # infeasible: the separating point is P(yes | xbar), the gap bracket spans the gap
        k = agg.cause_map.macro_index(name)
        assert artist(figure, f"certificate:{name}").get_xdata() == pytest.approx([agg.observational[k, 1]] * 2)
        bracket = artist(figure, f"gap:{name}")
        ends = sorted([bracket.xy[0], bracket.xyann[0]])
        assert ends[1] - ends[0] == pytest.approx(solution.states[k].gap)  # |Ybar| = 2: TV = |difference|
    texts = legend_texts(figure)
    for words in ("observational P(Ȳ | x̄)", "natural realization P(X | x̄)", "solved realization: sparse",
                  "irreducible gap"):
        assert any(words in t for t in texts), (words, texts)
    assert any(t.startswith("certificate c") for t in texts)
    assert any(t.startswith("reachable P(Ȳ | do(x̄))") for t in texts)


def test_micro_states_are_named_when_few(cholesterol):
    _, _, figure = cholesterol
    names = {t.get_text() for t in figure.findobj(lambda a: str(a.get_gid()).startswith("micro-label:"))}
    assert names == {"LDLlo_HDLlo", "LDLlo_HDLhi", "LDLhi_HDLlo", "LDLhi_HDLhi"}


@pytest.fixture(scope="module")
def sachs():
    agg = Aggregation.of(load_model("net:sachs"), "Raf,Mek:sum", "Erk,Akt:sum@2,3")
    return agg, reachable(agg)


def test_ternary_panels_hold_the_hull_of_the_fibre_and_the_separating_line(sachs):
    agg, figure = sachs
    assert len(figure.axes) == 5  # one panel per macro state (zooms are inset in their panel)
    projection = projection_for(agg.effect_map.macro_states)
    solution = solve(agg.model, agg.cause, agg.effect)
    for k, name in enumerate(agg.cause_map.macro_states):
        rows = projection.coordinates(agg.macro_kernel[agg.cause_map.fibre(k)])
        hull = artist(figure, f"hull:{name}")
        drawn = hull.get_xy()[:-1] if len(rows) >= 3 else hull.get_xydata()
        expected = rows[ConvexHull(rows).vertices] if len(rows) >= 3 else rows
        assert sorted(map(tuple, np.round(drawn, 12))) == sorted(map(tuple, np.round(expected, 12)))
        observed = projection.coordinates(agg.observational[k])
        assert np.asarray(artist(figure, f"observational:{name}").get_offsets()[0]).tolist() == pytest.approx(
            observed.tolist())
        # every state is infeasible here: the line separates the hull's corners from nothing but itself
        line = artist(figure, f"certificate:{name}").get_xydata()
        c = solution.states[k].certificate
        direction = line[1] - line[0]
        normal = np.array([-direction[1], direction[0]])
        assert float(normal @ (observed - line[0])) == pytest.approx(0.0, abs=1e-9)  # through P(Ybar | xbar)
        sides = np.sign((rows - line[0]) @ normal)
        assert len(set(sides)) == 1 and sides[0] != 0  # the whole fibre strictly on one side
        assert c @ agg.observational[k] > (agg.macro_kernel[agg.cause_map.fibre(k)] @ c).max()
        assert has(figure, f"gap:{name}")
    # corners of the simplex are named; the smallest hulls get a zoom with the same content
    assert {t.get_text() for t in figure.findobj(lambda a: str(a.get_gid()).startswith("corner:"))} == {
        "Ȳ = <2", "Ȳ = [2,3)", "Ȳ = >=3"}
    assert has(figure, "zoom-hull:2") and not has(figure, "zoom-hull:4")


def test_more_than_three_macro_states_need_two_directions_named_on_the_axes():
    model = load_model("net:sachs")
    with pytest.raises(ModelError, match="one or two directions to draw the 5 macro states"):
        reachable(model, cause="Raf,Mek:sum", effect="Erk,Akt:sum")
    figure = reachable(model, cause="Raf,Mek:sum", effect="Erk,Akt:sum", project="1,4", states=["2", "0"])
    assert len(figure.axes) == 2
    first = figure.axes[0]
    assert first.get_title().startswith("x̄ = 2")
    assert first.get_xlabel().startswith("P(Ȳ = 1 | ·)") and first.get_ylabel().startswith("P(Ȳ = 4 | ·)")
    # a certificate over five macro states is rarely a function of two of their probabilities: said, not drawn
    assert "certificate: no line in this plane" in first.get_title() and not has(figure, "certificate:2")
    functions = {"E[sum]": {str(v): float(v) for v in range(5)}, "P(sum >= 3)": {"3": 1, "4": 1}}
    figure = reachable(model, cause="Raf,Mek:sum", effect="Erk,Akt:sum", project=functions, states=["4"])
    assert figure.axes[0].get_xlabel().startswith("E[sum]")


def test_an_unsupported_macro_state_has_hull_and_micro_points_only():
    doc = copy.deepcopy(BASE_DOC)
    doc["nodes"]["X"]["cpt"] = [[0.4, 0.6, 0.0], [0.5, 0.5, 0.0]]  # P(high) = 0
    model = model_from_dict(doc)
    figure = reachable(model)
    assert has(figure, "hull:high") and has(figure, "micro:high")
    assert not has(figure, "observational:high") and not has(figure, "natural:high") and not has(figure,
                                                                                                  "solved:high")
    assert "unsupported" in figure.axes[0].get_yticklabels()[1].get_text()


def test_identity_effect_with_three_states_is_ternary_and_every_state_drawn():
    doc = copy.deepcopy(BASE_DOC)
    del doc["macro"]["Y"]
    figure = reachable(model_from_dict(doc))
    assert len(figure.axes) == 2 and figure.axes[0].get_title().startswith("x̄ = low")


def test_solutions_of_most_inducing_and_reach_draw_their_own_points():
    agg = Aggregation.of(load_model("example:cholesterol"))
    induced = most_inducing(agg)
    figure = reachable(induced, agg)
    assert any("most inducing realization" in t for t in legend_texts(figure))
    assert artist(figure, "solved:medium").get_offsets()[0, 0] == pytest.approx(induced.state("medium")
                                                                                .interventional[1])
    reached = reach(agg, {"medium": np.array([0.5, 0.5])})  # P(yes) = 0.5 is beyond the hull [0.13, 0.44]
    figure = reachable(reached, agg)
    assert artist(figure, "target:medium").get_offsets()[0, 0] == pytest.approx(0.5)
    assert artist(figure, "certificate:medium").get_xdata() == pytest.approx([0.5, 0.5])  # through the target
    assert not has(figure, "target:low")  # untargeted


def test_bad_arguments():
    agg = Aggregation.of(load_model("example:cholesterol"))
    solution = solve(agg.model)
    with pytest.raises(ModelError, match="the model or Aggregation the Solution solves"):
        reachable(solution)
    other = Aggregation.of(load_model("example:cholesterol"), "Diet", "HeartDisease")
    with pytest.raises(ModelError, match="a solution for cause 'Diet'"):
        reachable(solution, other)
    with pytest.raises(ModelError, match="--state: expected a macro state of 'Lipids'"):
        reachable(agg, states=["nope"])
    with pytest.raises(ModelError, match="found 'maybe'"):
        reachable(agg, project="maybe")
    with pytest.raises(ModelError, match="cause and effect with a model"):
        reachable(agg, cause="Lipids")


def test_panels_without_matplotlib_agree_with_the_figure(cholesterol):
    agg, solution, _ = cholesterol
    panels = reachable_panels(agg, solution, projection_for(agg.effect_map.macro_states), ["high", "low"])
    assert [p.state for p in panels] == ["high", "low"]
    assert panels[0].separating.ravel().tolist() == pytest.approx([agg.observational[2, 1]] * 2)


def test_a_solution_of_an_inline_group_draws_with_the_words_the_solve_was_given():
    asia = load_model("net:asia")
    solution = solve(asia, "tub,lung:count=yes", "dysp")
    with pytest.raises(ModelError, match="as the solve was given them"):  # 'tub+lung' is not part of the model
        reachable(solution, asia)
    figure = reachable(solution, asia, cause="tub,lung:count=yes", effect="dysp")
    assert len(figure.axes) >= 1
    assert reachable(solution, Aggregation.of(asia, "tub,lung:count=yes", "dysp")) is not None
    with pytest.raises(ModelError, match="a solution for cause 'tub\\+lung' and effect 'dysp' with their coarsenings"):
        reachable(solution, asia, cause="tub,lung:count=no", effect="dysp")  # another map of the same nodes
