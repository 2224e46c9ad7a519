"""The pictures' geometry without matplotlib: projections, hulls, separating lines."""

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.spatial import ConvexHull

from discagg import ModelError
from discagg.viz.projection import clip_line, convex_hull, load_projection, projection_for


def test_default_pictures_by_the_number_of_macro_states():
    two = projection_for(("no", "yes"))
    assert two.kind == "interval" and two.directions.tolist() == [[0.0, 1.0]]
    three = projection_for(("a", "b", "c"))
    assert three.kind == "ternary"
    # the corners of the simplex are the triangle's corners, and the triangle is equilateral
    corners = three.coordinates(np.eye(3))
    sides = [np.linalg.norm(corners[i] - corners[(i + 1) % 3]) for i in range(3)]
    assert np.allclose(sides, 1.0)
    with pytest.raises(ModelError, match="one or two directions to draw the 4 macro states"):
        projection_for(("a", "b", "c", "d"))
    with pytest.raises(ModelError, match="at least 2 macro states"):
        projection_for(("a",))


def test_names_with_commas_split_where_both_halves_are_states():
    states = ("<2", "[2,3)", ">=3", "x")
    assert projection_for(states, "[2,3),x").directions.tolist() == [[0, 1, 0, 0], [0, 0, 0, 1]]
    assert projection_for(states, "[2,3)").kind == "interval"
    assert projection_for(states, ["x", "<2"]).labels == ("P(Ȳ = x | ·)", "P(Ȳ = <2 | ·)")
    with pytest.raises(ModelError, match="found 'nope'"):
        projection_for(states, "nope")
    with pytest.raises(ModelError, match="split at one comma only"):
        projection_for(("a", "b,c", "a,b", "c"), "a,b,c")  # 'a' + 'b,c' or 'a,b' + 'c'
    assert projection_for(("a", "b", "a,b", "c"), "a,b,c").directions.tolist() == [[0, 0, 1, 0], [0, 0, 0, 1]]
    with pytest.raises(ModelError, match="one or two different"):
        projection_for(states, ["x", "x"])


def test_function_directions_from_a_file(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"E[revenue]": {"low": 0, "medium": 1, "high": 2}, "P(high)": {"high": 1}}))
    pr = load_projection(path, ("low", "medium", "high"))
    assert pr.kind == "plane" and pr.labels == ("E[revenue]", "P(high)") and not pr.probabilities
    assert pr.coordinates(np.array([0.2, 0.3, 0.5])).tolist() == pytest.approx([1.3, 0.5])
    path.write_text(json.dumps({"f": {"nope": 1}}))
    with pytest.raises(ModelError, match=r"p\.json: f\.nope: expected a macro state of the effect"):
        load_projection(path, ("low", "medium", "high"))
    path.write_text(json.dumps({"f": {"low": 1}, "g": {"low": 2}}))  # g = 2 f: a line, not a plane
    with pytest.raises(ModelError, match="differ by more than a constant and a scale"):
        load_projection(path, ("low", "medium", "high"))
    path.write_text(json.dumps({"f": {"low": 1}, "g": {"low": 2}, "h": {}}))
    with pytest.raises(ModelError, match="one or two directions"):
        load_projection(path, ("low", "medium", "high"))


@given(st.lists(st.tuples(st.integers(-50, 50), st.integers(-50, 50)), min_size=3, max_size=40))
def test_convex_hull_agrees_with_qhull(raw):
    points = np.array(raw, dtype=np.float64) / 7.0
    hull = convex_hull(points)
    try:
        reference = points[ConvexHull(points).vertices]
    except Exception:  # degenerate for qhull: every point on a line
        assert len(hull) <= 2
        direction = hull[-1] - hull[0]
        offsets = points - hull[0]
        assert np.allclose(offsets[:, 0] * direction[1] - offsets[:, 1] * direction[0], 0.0, atol=1e-9)
        return
    assert {tuple(p) for p in hull} == {tuple(p) for p in reference}
    # counter-clockwise: positive area
    x, y = hull[:, 0], hull[:, 1]
    assert 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) > 0


def test_hull_of_an_interval_and_of_a_point():
    assert convex_hull(np.array([[0.3], [0.1], [0.2]])).tolist() == [[0.1], [0.3]]
    assert convex_hull(np.array([[0.3], [0.3]])).tolist() == [[0.3]]
    assert convex_hull(np.array([[0.3, 0.1], [0.3, 0.1]])).tolist() == [[0.3, 0.1]]


@given(st.floats(-3, 3), st.floats(-3, 3), st.floats(-1, 1))
def test_clipped_line_lies_on_the_line_and_in_the_triangle(a, b, offset):
    if abs(a) + abs(b) < 1e-3:
        return
    triangle = projection_for(("x", "y", "z")).region()
    normal = np.array([a, b])
    segment = clip_line(normal, offset, triangle)
    values = triangle @ normal - offset
    if values.min() > 1e-12 or values.max() < -1e-12:
        assert segment is None
        return
    if segment is None:  # touches at a corner only
        assert min(abs(values)) < 1e-9
        return
    assert np.allclose(segment @ normal, offset, atol=1e-9)
    # each end is on the triangle's boundary: a convex combination of two corners
    barycentric = np.linalg.solve(np.vstack([triangle.T, np.ones(3)]), np.vstack([segment.T, np.ones(2)]))
    assert (barycentric > -1e-9).all() and (np.isclose(barycentric, 0.0, atol=1e-9).any(axis=0)).all()


def test_a_certificate_is_a_line_of_the_picture_exactly_when_it_depends_on_the_shown_coordinates():
    ternary = projection_for(("a", "b", "c"))
    rng = np.random.default_rng(3)
    for _ in range(20):  # every c is a line of the ternary plot, through the given point
        c, t = rng.normal(size=3), rng.dirichlet(np.ones(3))
        normal, b = ternary.line(c, t)
        assert float(normal @ ternary.coordinates(t)) == pytest.approx(b)
        p = rng.dirichlet(np.ones(3))  # the line's two sides are the hyperplane's
        assert np.sign(normal @ ternary.coordinates(p) - b) == np.sign(c @ p - c @ t)
    plane = projection_for(("a", "b", "c", "d"), "a,b")
    assert plane.line(np.array([1.0, -1.0, 0.5, 0.5]), np.full(4, 0.25)) is not None  # c = 0.5 + 0.5 e_a - 1.5 e_b
    assert plane.line(np.array([1.0, -1.0, 0.5, 0.0]), np.full(4, 0.25)) is None
