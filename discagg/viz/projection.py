"""Where a distribution over the effect's macro states is drawn: an interval, a ternary plot, or a plane.

A picture maps ``p = P(Ȳ | ·)`` (a point of the simplex over Ȳ's macro states)
linearly to one or two coordinates ``u = D p``:

- ``"interval"``: one direction, e.g. ``P(Ȳ = ȳ)`` (the default for ``|Ȳ|`` = 2, the
  last macro state) or ``E[f(Ȳ)]``;
- ``"ternary"``: ``|Ȳ|`` = 3, the simplex itself as an equilateral triangle;
- ``"plane"``: two directions the user picks (needed for ``|Ȳ|`` > 3).

A linear map takes convex hulls to convex hulls, so the reachable set of a
macro state is drawn exactly as the hull of its micro states' points. A
hyperplane ``c · p = b`` of the simplex is a line (a point, for an interval) of
the picture when ``c`` is a combination of the directions and the all-ones
vector; :meth:`Projection.line` finds it, or says that it has none.

Projection files (``--project FILE``) hold one or two named directions::

    {"E[revenue]": {"low": 0, "medium": 1, "high": 2}, "P(high)": {"high": 1}}

each a number per macro state of the effect (those left out are 0); the name
labels the axis.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from discagg.errors import ModelError, preview
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["Projection", "projection_for", "load_projection", "convex_hull", "clip_line"]

_TRIANGLE = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, np.sqrt(3.0) / 2.0]])  # corners of ȳ1, ȳ2, ȳ3


@dataclass(frozen=True, eq=False)
class Projection:
    """A linear picture ``u = directions @ p`` of distributions over the effect's macro states.

    Attributes
    ----------
    kind : {"interval", "ternary", "plane"}
    directions : (k, d) ndarray
        ``k = 1`` for an interval, 2 otherwise; ``d = ``|Ȳ|````.
    labels : tuple of str
        What each coordinate is (plain text; ``Ybar`` is written ``Ȳ``).
    states : tuple of str
        The effect's macro states (the corners of a ternary plot).
    probabilities : bool
        Every coordinate is a probability (its range is within [0, 1]).
    """

    kind: str
    directions: np.ndarray = field(repr=False)
    labels: tuple[str, ...]
    states: tuple[str, ...] = field(repr=False)
    probabilities: bool = True

    @property
    def dimension(self) -> int:
        """The number of picture coordinates, 1 or 2."""
        return int(self.directions.shape[0])

    def coordinates(self, p: np.ndarray) -> np.ndarray:
        """``p`` of shape ``(..., d)`` in picture coordinates, shape ``(..., k)``."""
        projected: np.ndarray = np.asarray(p, dtype=np.float64) @ self.directions.T
        return projected

    def region(self) -> np.ndarray:
        """The image of the simplex: its corners' hull, shape ``(h, k)``."""
        return convex_hull(self.directions.T)

    def line(self, c: np.ndarray, point: np.ndarray, *, tolerance: Tolerance = DEFAULT_TOLERANCE
             ) -> tuple[np.ndarray, float] | None:
        """The hyperplane ``c · p = c · point`` in picture coordinates: ``(n, b)`` with ``n · u = b``.

        None when the hyperplane has no such image (``c`` is not a combination
        of the directions and the all-ones vector, within ``tolerance.equality``
        relative to ``max |c|``), as for most certificates in a plane chosen
        among more than three macro states.

        Examples
        --------
        >>> pr = projection_for(("no", "yes"))
        >>> n, b = pr.line(np.array([1.0, -1.0]), np.array([0.8, 0.2]))
        >>> round(float(b / n[0]), 12)          # the point P(yes) = 0.2
        0.2
        """
        c = np.asarray(c, dtype=np.float64)
        basis = np.vstack([self.directions, np.ones(self.directions.shape[1])])
        weights, *_ = np.linalg.lstsq(basis.T, c, rcond=None)
        scale = max(float(np.abs(c).max()), 1.0)
        normal = weights[:-1]
        if np.abs(basis.T @ weights - c).max() > tolerance.equality * scale or not np.abs(normal).max() > 0:
            return None
        return normal, float(c @ np.asarray(point, dtype=np.float64) - weights[-1])


def _probability_label(state: str) -> str:
    return f"P(Ȳ = {state} | ·)"


def projection_for(
    states: Sequence[str],
    project: str | Sequence[str] | Mapping[str, Mapping[str, float]] | None = None,
    *,
    option: str = "project",
) -> Projection:
    """The picture for an effect with macro states ``states``.

    Parameters
    ----------
    states : sequence of str
        The effect's macro states, ``d`` of them.
    project : optional
        None: an interval of ``P(Ȳ = last state)`` when ``d = 2``, a ternary
        plot when ``d = 3`` (required when ``d > 3``). One or two macro state
        names (a sequence, or a string ``"a"`` or ``"a,b"``): the probabilities
        of those states. A mapping ``{label: {ȳ: value}}`` of one or two
        directions (macro states left out are 0).
    option : str
        How the argument is named in messages (``"--project"`` on the command line).

    Raises
    ------
    ModelError
        ``|Ȳ|`` < 2; ``|Ȳ|`` > 3 without ``project``; an unknown macro state; not one
        or two directions; a non-finite value.

    Examples
    --------
    >>> projection_for(("no", "yes")).labels
    ('P(Ȳ = yes | ·)',)
    >>> projection_for(("a", "b", "c")).kind
    'ternary'
    >>> projection_for(("0", "[1,2)", ">=2", "x"), "[1,2),x").directions.tolist()
    [[0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 1.0]]
    """
    states = tuple(states)
    d = len(states)
    if d < 2:
        raise ModelError(None, "effect", "an effect with at least 2 macro states to draw what do(xbar) reaches",
                         f"{d} macro state")
    if project is None:
        if d == 2:
            return Projection("interval", np.array([[0.0, 1.0]]), (_probability_label(states[1]),), states)
        if d == 3:
            return Projection("ternary", _TRIANGLE.T.copy(), tuple(_probability_label(s) for s in states), states)
        raise ModelError(None, option, f"one or two directions to draw the {d} macro states of the effect in a plane "
                         f"(ybar,ybar for the probabilities of two of {preview(states)}, or a JSON file "
                         "{label: {ybar: value}})", "none")
    if isinstance(project, Mapping):
        return _from_functions(states, project, option)
    names = _split_names(project, states, option) if isinstance(project, str) else list(project)
    for name in names:
        if name not in states:
            raise ModelError(None, option, f"a macro state of the effect {preview(states)}", repr(name))
    if not 1 <= len(names) <= 2 or len(set(names)) != len(names):
        raise ModelError(None, option, "one or two different macro states of the effect", repr(names))
    directions = np.zeros((len(names), d))
    for row, name in enumerate(names):
        directions[row, states.index(name)] = 1.0
    return Projection("interval" if len(names) == 1 else "plane", directions,
                      tuple(_probability_label(n) for n in names), states)


def _split_names(text: str, states: Sequence[str], option: str) -> list[str]:
    """``"a"`` or ``"a,b"`` as macro state names, where a name may itself hold commas (``"[2,3)"``)."""
    if text in states:
        return [text]
    splits = [[text[:i], text[i + 1:]] for i, ch in enumerate(text) if ch == ","]
    matches = [pair for pair in splits if pair[0] in states and pair[1] in states]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise ModelError(None, option, "two macro states of the effect, split at one comma only",
                         f"{text!r} (it splits as {' or '.join(repr(','.join(m)) for m in matches)})")
    raise ModelError(None, option, f"ybar or ybar,ybar with macro states of the effect {preview(states)}, or an "
                     "existing JSON file", repr(text))


def _from_functions(states: tuple[str, ...], functions: Mapping[str, Mapping[str, float]],
                    option: str) -> Projection:
    if not 1 <= len(functions) <= 2:
        raise ModelError(None, option, "one or two directions {label: {ybar: value}}", f"{len(functions)}")
    directions = np.zeros((len(functions), len(states)))
    for row, (label, values) in enumerate(functions.items()):
        if not isinstance(values, Mapping):
            raise ModelError(None, f"{option}.{label}", "an object {ybar: value}", type(values).__name__)
        for key, value in values.items():
            if key not in states:
                raise ModelError(None, f"{option}.{label}.{key}", f"a macro state of the effect {preview(states)}",
                                 repr(key))
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
                raise ModelError(None, f"{option}.{label}.{key}", "a finite number", repr(value))
            directions[row, states.index(key)] = float(value)
    probabilities = bool(((directions == 0) | (directions == 1)).all())
    labels = tuple(str(label) for label in functions)
    if len(functions) == 2 and np.linalg.matrix_rank(np.vstack([directions, np.ones(len(states))])) < 3:
        raise ModelError(None, option, "two directions that differ by more than a constant and a scale (else the "
                         "picture is a line)", repr(labels))
    return Projection("interval" if len(functions) == 1 else "plane", directions, labels, states, probabilities)


def load_projection(path: str | os.PathLike[str], states: Sequence[str]) -> Projection:
    """Read a projection file (see the module docstring) for an effect with macro states ``states``.

    Raises
    ------
    ModelError
        Naming the file and the key of the first bad entry.
    """
    from discagg.io.json_files import read_json, require_object, with_source

    data = read_json(path)
    try:
        data = require_object(data, "", "a JSON object {label: {ybar: value}} of one or two directions")
        return _from_functions(tuple(states), data, "")
    except ModelError as exc:
        raise with_source(_unprefixed(exc), str(path)) from None


def _unprefixed(exc: ModelError) -> ModelError:
    path = exc.path[1:] if exc.path and exc.path.startswith(".") else exc.path
    return type(exc)(exc.source, path or None, exc.expected, exc.found)


def project_argument(text: str, states: Sequence[str]) -> Projection:
    """``--project``: an existing file, else ``ybar`` or ``ybar,ybar``."""
    if Path(text).is_file():
        return load_projection(text, states)
    return projection_for(states, text, option="--project")


_TURN_ROUNDING = 8 * float(np.finfo(np.float64).eps)
"""Relative size of a cross product's rounding error (a few ulps of |u| |v|): a drawing threshold, not a decision."""


def convex_hull(points: np.ndarray) -> np.ndarray:
    """Vertices of the convex hull of ``points``, shape ``(n, k)`` with ``k`` in {1, 2}.

    For ``k = 1``: ``[[min], [max]]`` (one row if they are equal). For ``k = 2``:
    counter-clockwise from the lowest-then-leftmost point, without collinear
    points (Andrew's monotone chain); one or two rows when the points are one
    point or on a segment.

    Examples
    --------
    >>> convex_hull(np.array([[0, 0], [1, 0], [0.5, 0.2], [0, 1], [0.5, 0.5]])).tolist()
    [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]
    """
    points = np.asarray(points, dtype=np.float64)
    if points.shape[1] == 1:
        lo, hi = float(points.min()), float(points.max())
        return np.array([[lo]] if lo == hi else [[lo], [hi]])
    unique = np.unique(points, axis=0)  # sorted by x, then y
    if len(unique) <= 2:
        return unique

    def left_turn(o: np.ndarray, a: np.ndarray, b: np.ndarray) -> bool:
        # A turn by less than the rounding of the cross product counts as none: points collinear in exact
        # arithmetic (e.g. rows of a kernel that are exact mixtures of two others) stay off the hull.
        u0, u1, v0, v1 = a[0] - o[0], a[1] - o[1], b[0] - o[0], b[1] - o[1]
        return float(u0 * v1 - u1 * v0) > _TURN_ROUNDING * math.hypot(u0, u1) * math.hypot(v0, v1)

    def chain(sequence: np.ndarray) -> list[np.ndarray]:
        out: list[np.ndarray] = []
        for p in sequence:
            while len(out) >= 2 and not left_turn(out[-2], out[-1], p):
                out.pop()
            out.append(p)
        return out

    lower, upper = chain(unique), chain(unique[::-1])
    hull = np.array(lower[:-1] + upper[:-1])
    if len(hull) < 2:  # every point on one segment: its two ends
        return np.array([unique[0], unique[-1]])
    start = int(np.lexsort((hull[:, 0], hull[:, 1]))[0])
    return np.roll(hull, -start, axis=0)


def clip_line(normal: np.ndarray, offset: float, polygon: np.ndarray) -> np.ndarray | None:
    """The segment of the line ``normal · u = offset`` inside a convex polygon (CCW vertices), shape (2, 2).

    None when the line misses the polygon.

    >>> clip_line(np.array([1.0, 0.0]), 0.5, np.array([[0, 0], [1, 0], [1, 1], [0, 1]])).tolist()
    [[0.5, 0.0], [0.5, 1.0]]
    """
    polygon = np.asarray(polygon, dtype=np.float64)
    values = polygon @ normal - offset
    hits = []
    for i in range(len(polygon)):
        a, b = polygon[i], polygon[(i + 1) % len(polygon)]
        va, vb = values[i], values[(i + 1) % len(polygon)]
        if va == 0:
            hits.append(a)
        if (va < 0 < vb) or (vb < 0 < va):
            hits.append(a + (b - a) * va / (va - vb))
    if len(hits) < 2:
        return None
    direction = np.array([-normal[1], normal[0]])
    along = [float(h @ direction) for h in hits]
    return np.array([hits[int(np.argmin(along))], hits[int(np.argmax(along))]])
