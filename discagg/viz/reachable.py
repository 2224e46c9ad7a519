"""The reachable set, drawn: what ``do(x̄)`` can mean, against what was observed.

For each macro state ``x̄`` of the cause, the ``P(Ȳ | do(x̄))`` that
micro-realizations reach form the convex hull of the fibre's
``P(Ȳ | do(X = x))``. :func:`reachable` draws that hull with, on it, the
observational ``P(Ȳ | x̄)``, the natural realization's ``P(Ȳ | do(x̄))``, the
solved realization's, the micro states' points and, for a macro state where no
realization is confounding-inhibiting, the certificate's separating line and
the irreducible gap:

- ``|Ȳ|`` = 2: one panel, a row per macro state, the interval of ``P(Ȳ = ȳ | do(x̄))``;
- ``|Ȳ|`` = 3: a panel per macro state, the hull as a polygon in the simplex (ternary);
- otherwise, or when asked: a panel per macro state in the plane of two
  directions (:mod:`discagg.viz.projection`), named on the axes.

With a :class:`~discagg.estimation.posterior.Posterior` of the CPTs (from
data), each panel also shows the credible region of the observational
``P(Ȳ | x̄)`` over the draws, the draws themselves as faint dots, and in how
many draws an inhibiting realization exists (:mod:`discagg.viz.credible`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from discagg.core.aggregation import Aggregation
from discagg.core.model import CausalModel
from discagg.errors import ModelError
from discagg.solvers.solution import Solution
from discagg.viz.backend import LEGEND_STYLE, fit_legend, fit_title, new_figure, renderer, text_width
from discagg.viz.credible import DRAWS_SHOWN
from discagg.viz.panels import ReachablePanel, reachable_panels
from discagg.viz.projection import Projection, projection_for

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from discagg.estimation.posterior import Posterior

__all__ = ["reachable", "LABEL_LIMIT"]

LABEL_LIMIT = 6  # micro states labelled by name when a fibre has at most this many

_HULL = "#3b75af"
_HULL_FILL = "#bcd3ea"
_OBSERVED = "black"
_NATURAL = "#e69f00"
_SOLVED = "#009e73"
_TARGET = "#cc79a7"
_CERTIFICATE = "#c8102e"
_GAP = "#7b3294"
_CREDIBLE = "0.25"
_CREDIBLE_FILL = "0.55"
_DRAW = "0.45"
_STYLE: dict[str, dict[str, Any]] = {
    "observational": {"marker": "D", "s": 36, "color": _OBSERVED, "zorder": 6},
    "natural": {"marker": "o", "s": 120, "facecolors": "none", "edgecolors": _NATURAL, "linewidths": 1.8,
                "zorder": 5},
    "solved": {"marker": "+", "s": 170, "color": _SOLVED, "linewidths": 2.2, "zorder": 7},
    "target": {"marker": "*", "s": 110, "color": _TARGET, "zorder": 6},
    "micro": {"marker": "o", "s": 14, "color": _HULL, "zorder": 4},
    "draw": {"marker": ".", "s": 5, "color": _DRAW, "alpha": 0.25, "linewidths": 0, "zorder": 3},
}
_SOLVED_WORDS = {"max-gap": "most inducing realization", "target": "realization reaching the target"}


def reachable(
    source: Solution | Aggregation | CausalModel,
    aggregation: Aggregation | CausalModel | None = None,
    *,
    cause: str | None = None,
    effect: str | None = None,
    objective: str = "sparse",
    cost: Sequence[float] | np.ndarray | None = None,
    states: Sequence[str] | None = None,
    project: str | Sequence[str] | Mapping[str, Mapping[str, float]] | Projection | None = None,
    title: str | None = None,
    posterior: Posterior | None = None,
    show_draws: bool = True,
) -> "Figure":
    """Draw, per macro state of the cause, the ``P(Ȳ | do(x̄))`` that micro-realizations reach.

    Parameters
    ----------
    source : Solution, Aggregation or CausalModel
        A solution (of :func:`~discagg.solve`, :func:`~discagg.most_inducing` or
        :func:`~discagg.reach`) with ``aggregation`` its model; or the pair to
        solve with ``objective`` (and ``cost``).
    aggregation : Aggregation or CausalModel, optional
        With a Solution only: the model it solves (a Solution holds answers,
        not the model's numbers).
    cause, effect : str, optional
        With a CausalModel, as :meth:`Aggregation.of` takes them (groups included); after a
        Solution whose cause or effect was written inline, as the solve was given them.
    objective : str
        As :func:`~discagg.solve` takes it, when ``source`` is not a Solution.
    cost : sequence of float, ndarray or None
        As :func:`~discagg.solve` takes it (for ``min-cost``), when ``source`` is not a Solution.
    states : sequence of str, optional
        The macro states to draw, in this order (default: all).
    project : optional
        Which picture (see :func:`~discagg.viz.projection.projection_for`):
        None (``|Ȳ|`` = 2: the interval of ``P(Ȳ = last state)``; ``|Ȳ|`` = 3: ternary);
        ``"ybar"`` or ``"ybar,ybar"`` (the probabilities of those macro states);
        ``{label: {ybar: value}}`` with one or two directions; or a Projection.
    title : str, optional
        Default: the model, the cause and the effect (and the posterior's draws, seed and prior).
    posterior : Posterior, optional
        Posterior draws of the CPTs for the same model, cause and effect
        (:func:`~discagg.posterior`; the model drawn is then the fitted one,
        :func:`~discagg.fit`, whose posterior-mean CPTs give the points). Adds
        per panel the credible region of ``P(Ȳ | x̄)`` at the posterior's
        level (an equal-tailed interval, or the hull of the deepest draws:
        :mod:`discagg.viz.credible`) and, when the posterior answers ``solve``,
        "feasible in i of n draws" to the panel's title.
    show_draws : bool
        With a posterior: draw every draw's ``P(Ȳ | x̄)`` as a faint dot (at
        most :data:`~discagg.viz.credible.DRAWS_SHOWN`, the first ones).

    Returns
    -------
    matplotlib.figure.Figure
        One panel (Axes) for an interval picture, one per macro state
        otherwise; the Axes artists carry ``gid`` names (``"hull:x̄"``,
        ``"observational:x̄"``, ...). Not registered with pyplot.

    Raises
    ------
    ModelError
        Bad cause, effect, states or projection; a Solution without its model,
        or of another pair; a posterior of another model or pair.
    DiscaggError
        When matplotlib is not installed.

    Examples
    --------
    >>> import discagg
    >>> figure = discagg.plot.reachable(discagg.load_model("example:cholesterol"))
    >>> [panel.get_xlabel() for panel in figure.axes]
    ['P(Ȳ = yes | ·)   (HeartDisease)']
    """
    agg, solution = _resolve(source, aggregation, cause, effect, objective, cost)
    if not isinstance(project, Projection):
        project = projection_for(agg.effect_map.macro_states, project)
    panels = reachable_panels(agg, solution, project, states)
    if posterior is not None:
        from discagg.estimation.posterior import Posterior
        from discagg.viz.credible import with_posterior

        if not isinstance(posterior, Posterior):
            raise ModelError(None, "posterior", "a Posterior (discagg.posterior)", type(posterior).__name__)
        panels = with_posterior(panels, agg, posterior, project)
    new_figure(1, 1)  # the missing-matplotlib error, after the input errors
    if title is None:
        title = (f"{agg.model.name}: P(Ȳ | do(x̄)) reachable by micro-realizations of x̄\n"
                 f"cause X̄ = {agg.cause}, effect Ȳ = {agg.effect}; {_solved_words(solution.objective)}")
        if posterior is not None:
            title += "\n" + _posterior_words(posterior)
    if project.kind == "interval":
        return _interval_figure(panels, project, agg, solution, title, show_draws)
    return _plane_figure(panels, project, agg, solution, title, show_draws)


def _posterior_words(posterior: Posterior) -> str:
    ess = f", equivalent sample size {posterior.ess:g}" if posterior.prior == "bdeu" else ""
    return (f"CPTs from {posterior.rows} rows (prior {posterior.prior}{ess}): the posterior mean and "
            f"{posterior.draws} draws (seed {posterior.seed})")


def _resolve(source: Solution | Aggregation | CausalModel, aggregation: Aggregation | CausalModel | None,
             cause: str | None, effect: str | None, objective: str,
             cost: Sequence[float] | np.ndarray | None) -> tuple[Aggregation, Solution]:
    from discagg.core.aggregation import as_aggregation
    from discagg.solvers.inhibiting import solve_aggregation

    if isinstance(source, Solution):
        if aggregation is None:
            raise ModelError(None, "aggregation", "the model or Aggregation the Solution solves, as "
                             "reachable(solution, aggregation) (a Solution holds no model)", "none")
        if cost is not None:
            raise ModelError(None, "cost", "no cost with a Solution (it holds its answers)", "a cost")
        if isinstance(aggregation, CausalModel):
            known = set(aggregation.nodes) | set(aggregation.groups)
            if (cause is None and source.cause not in known) or (effect is None and source.effect not in known):
                raise ModelError(None, "cause", "the cause and effect as the solve was given them, e.g. "
                                 "reachable(solution, model, cause='tub,lung:count=yes', effect=...), or the "
                                 "Aggregation it solved (a group written inline is not part of the model)",
                                 f"{source.cause!r} and {source.effect!r}, not in the model")
            aggregation = Aggregation.of(aggregation, cause or source.cause, effect or source.effect)
        elif cause is not None or effect is not None:
            raise ModelError(None, None, "no cause or effect with a Solution and an Aggregation (they fix them)",
                             f"cause={cause!r}, effect={effect!r}")
        return aggregation, source  # panels.check_solution refuses a solution of other coarsenings
    if aggregation is not None:
        raise ModelError(None, "aggregation", "a second argument only after a Solution",
                         type(aggregation).__name__)
    agg = as_aggregation(source, cause, effect)
    return agg, solve_aggregation(agg, objective=objective, cost=cost)


def _solved_words(objective: str) -> str:
    return _SOLVED_WORDS.get(objective, f"solved realization: {objective}")


def _state_title(panel: ReachablePanel) -> str:
    head = f"x̄ = {panel.state}   P(x̄) = {panel.probability:.3g}"
    if panel.status == "unsupported":
        return head + "\nunsupported: no P(Ȳ | x̄) to match"
    tail = panel.status
    if panel.gap is not None and panel.status not in ("inhibiting", "reachable"):
        tail += f", gap {panel.gap:.3g}" + (" (irreducible)" if panel.status == "infeasible" else "")
    return f"{head}\n{tail}" + _feasible_line(panel)


def _feasible_line(panel: ReachablePanel) -> str:
    """``"\\nfeasible in i of n draws (p%)"``, or nothing without a posterior that answers solve.

    >>> from discagg.viz.panels import ReachablePanel
    >>> _feasible_line(ReachablePanel("low", 0.2, "infeasible", (), np.zeros((1, 1)), np.zeros((1, 1)),
    ...                               feasible=(997, 1000)))
    '\\nfeasible in 997 of 1000 draws (99.7%)'
    """
    if panel.feasible is None:
        return ""
    i, n = panel.feasible
    return f"\nfeasible in {i} of {n} draws ({_percent(i, n)})"


def _percent(i: int, n: int) -> str:
    """``i / n`` in percent, never rounded to 0% or 100% unless it is.

    >>> _percent(0, 7), _percent(1, 3), _percent(1, 5000), _percent(4999, 5000), _percent(5, 5)
    ('0%', '33.3%', '<0.1%', '>99.9%', '100%')
    """
    if i in (0, n):
        return f"{100 * i // n}%"
    p = 100 * i / n
    return "<0.1%" if p < 0.05 else (">99.9%" if p >= 99.95 else f"{p:.1f}%".replace(".0%", "%"))


def _axis_label(projection: Projection, i: int, effect: str) -> str:
    label = projection.labels[i]
    if label.startswith("P(Ȳ = ") and projection.probabilities:
        return f"{label}   ({effect})"
    return f"{label}   (f · P(Ȳ | ·))"


def _legend_handles(panels: Sequence[ReachablePanel], solution: Solution, interval: bool,
                    show_draws: bool = False) -> list[Any]:
    from matplotlib.colors import to_rgba
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    def marker(style: Mapping[str, Any], label: str) -> Line2D:
        face = style.get("color", "none") if style.get("facecolors") != "none" else "none"
        edge = style.get("edgecolors", style.get("color"))
        return Line2D([], [], linestyle="none", marker=style["marker"], markersize=np.sqrt(style["s"]),
                      markerfacecolor=face, markeredgecolor=edge,
                      markeredgewidth=style.get("linewidths", 1.0), label=label)

    handles: list[Any] = [Patch(facecolor=_HULL_FILL, edgecolor=_HULL,
                                label="reachable P(Ȳ | do(x̄)): hull of the fibre's micro interventions")]
    micro = {**_STYLE["micro"], "marker": "|", "s": 90} if interval else _STYLE["micro"]
    handles.append(marker(micro, "P(Ȳ | do(X = x)) of a micro state x of the fibre"))
    posterior = [p for p in panels if p.credible is not None]
    if any(p.observational is not None for p in panels):
        handles.append(marker(_STYLE["observational"], "observational P(Ȳ | x̄)"
                              + (" (posterior-mean CPTs)" if posterior else "")))
    if posterior:
        level = f"{100 * (posterior[0].level or 0.0):g}%"
        n = max(len(p.draws) for p in posterior if p.draws is not None)
        if interval:
            handles.append(Line2D([], [], color=_CREDIBLE, linewidth=2.2, marker="|", markersize=9,
                                  markeredgewidth=2.2, label=f"{level} credible interval of P(Ȳ | x̄): equal-tailed, "
                                                             f"over {n} posterior draws"))
        else:
            handles.append(Patch(facecolor=to_rgba(_CREDIBLE_FILL, 0.3), edgecolor=_CREDIBLE, linewidth=1.1,
                                 label=f"{level} credible region of P(Ȳ | x̄): hull of the {level} deepest of {n} "
                                       f"posterior draws (convex-hull peeling)"))
        if show_draws:
            handles.append(marker({**_STYLE["draw"], "s": 30, "color": to_rgba(_DRAW, 0.6)},
                                  "P(Ȳ | x̄) of one posterior draw of the CPTs"))
    if any(p.natural is not None for p in panels):
        handles.append(marker(_STYLE["natural"], "natural realization P(X | x̄)"))
    if any(p.target is not None for p in panels):
        handles.append(marker(_STYLE["target"], "target P(Ȳ | do(x̄))"))
    if any(p.solved is not None for p in panels):
        handles.append(marker(_STYLE["solved"], _solved_words(solution.objective)))
    if any(p.separating is not None for p in panels):
        handles.append(Line2D([], [], color=_CERTIFICATE, linestyle="--",
                              label="certificate c: c · p = c · P(Ȳ | x̄) separates it from the hull"))
    if any(_has_gap(p) for p in panels):
        handles.append(Line2D([], [], color=_GAP, linestyle=":" if not interval else "-", linewidth=1.6,
                              label="irreducible gap (the least total variation)"))
    return handles


def _has_gap(panel: ReachablePanel) -> bool:
    return panel.status in ("infeasible", "unreachable") and panel.solved is not None


def _short(text: str, limit: int = 24) -> str:
    """A name cut to ``limit`` characters for a label.

    >>> _short("TRUE,TRUE,FALSE,HIGH,NORMAL", 12)
    'TRUE,TRUE,F…'
    """
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _arrange(figure: "Figure", handles: Sequence[Any], title: str, content_width: float,
             content_height: float) -> tuple[float, float, float, float]:
    """Size the figure for title, content and legend; return the content's box in figure fractions."""
    columns, (legend_width, legend_height) = fit_legend(figure, handles, max(content_width, 6.0) - 0.3)
    title = fit_title(title, max(content_width, legend_width + 0.3) - 0.3, 10.5)
    title_height = 0.25 + 0.19 * (title.count("\n") + 1)
    width = max(content_width, legend_width + 0.3)
    height = title_height + content_height + legend_height + 0.15
    figure.set_size_inches(width, height)
    figure.text(0.5, 1 - 0.1 / height, title, ha="center", va="top", fontsize=10.5, parse_math=False)
    figure.legend(handles=handles, loc="lower center", ncol=columns, frameon=False, **LEGEND_STYLE)
    return ((width - content_width) / 2 / width, (legend_height + 0.15) / height, content_width / width,
            content_height / height)


# -- |Ȳ| = 2, or one direction: a row per macro state ------------------------------------------------------

_PLOT_WIDTH = 6.2  # inches of the interval axis


def _interval_figure(panels: Sequence[ReachablePanel], projection: Projection, agg: Aggregation,
                     solution: Solution, title: str, show_draws: bool) -> "Figure":
    rows = len(panels)
    label_width = 0.25 + max(text_width(line, 8.5) for p in panels for line in _state_title(p).split("\n"))
    plot_width = _PLOT_WIDTH
    content_height = 0.62 + 0.78 * rows
    figure = new_figure(label_width + plot_width, content_height)
    handles = _legend_handles(panels, solution, interval=True, show_draws=show_draws)
    left, bottom, width, height = _arrange(figure, handles, title, label_width + plot_width + 0.25, content_height)
    inches = figure.get_figwidth()
    axes = figure.add_axes((left + label_width / inches, bottom + 0.5 / figure.get_figheight(),
                            plot_width / inches, height - 0.55 / figure.get_figheight()))
    values = [v for p in panels for v in _values(p, show_draws)]
    axes.set_xlim(*_limits(values, projection.probabilities))
    axes.set_ylim(-rows + 0.45, 0.55)
    axes.set_yticks([-i for i in range(rows)], [_state_title(p) for p in panels], fontsize=8.5)
    axes.tick_params(axis="y", length=0)
    axes.set_xlabel(_axis_label(projection, 0, agg.effect), fontsize=9.5)
    axes.tick_params(axis="x", labelsize=8.5)
    axes.grid(axis="x", color="0.9", linewidth=0.8)
    axes.set_axisbelow(True)
    for spine in ("top", "right", "left"):
        axes.spines[spine].set_visible(False)
    span = np.diff(axes.get_xlim())[0]
    for i, panel in enumerate(panels):
        _interval_row(axes, panel, -float(i), span, show_draws)
    return figure


def _values(panel: ReachablePanel, show_draws: bool = False) -> list[float]:
    arrays = [panel.points, panel.observational, panel.natural, panel.solved, panel.target, panel.separating,
              panel.credible, panel.draws[:DRAWS_SHOWN] if show_draws and panel.draws is not None else None]
    return [float(v) for a in arrays if a is not None for v in np.ravel(a)]


def _limits(values: Sequence[float], probabilities: bool) -> tuple[float, float]:
    lo, hi = min(values), max(values)
    pad = max(0.08 * (hi - lo), 0.03 if probabilities else 0.03 * max(abs(lo), abs(hi), 1.0))
    lo, hi = lo - pad, hi + pad
    if probabilities:
        lo, hi = max(lo, -0.02), min(hi, 1.02)
    return lo, hi


def _interval_row(axes: "Axes", panel: ReachablePanel, y: float, span: float, show_draws: bool) -> None:
    from matplotlib.patches import Rectangle

    s = panel.state
    if show_draws and panel.draws is not None:  # a faint strip across the row, spread by a fixed sequence
        shown = panel.draws[:DRAWS_SHOWN, 0]
        spread = ((np.arange(len(shown)) * 0.6180339887498949) % 1.0 - 0.5) * 0.22
        axes.scatter(shown, y + spread, gid=f"draws:{s}", **_STYLE["draw"])
    if panel.credible is not None:
        axes.plot(panel.credible[:, 0], [y, y], color=_CREDIBLE, linewidth=2.2, marker="|", markersize=11,
                  markeredgewidth=2.2, solid_capstyle="butt", zorder=5, gid=f"credible:{s}")
    lo, hi = float(panel.hull[0, 0]), float(panel.hull[-1, 0])
    axes.add_patch(Rectangle((lo, y - 0.13), hi - lo, 0.26, facecolor=_HULL_FILL, edgecolor=_HULL, linewidth=1.4,
                             zorder=2, gid=f"hull:{s}"))
    xs = panel.points[:, 0]
    axes.scatter(xs, np.full(len(xs), y), gid=f"micro:{s}", **{**_STYLE["micro"], "marker": "|", "s": 150})
    if len(xs) <= LABEL_LIMIT:
        _label_interval_points(axes, panel, y, span)
    if panel.separating is not None:
        x = float(panel.separating[0, 0])
        axes.plot([x, x], [y - 0.32, y + 0.32], color=_CERTIFICATE, linestyle="--", linewidth=1.5, zorder=3,
                  gid=f"certificate:{s}")
    if _has_gap(panel) and panel.observational is not None and panel.solved is not None:
        a, b = float(panel.solved[0]), float(panel.observational[0])
        axes.annotate("", xy=(b, y - 0.3), xytext=(a, y - 0.3), gid=f"gap:{s}",
                      arrowprops={"arrowstyle": "|-|,widthA=0.25,widthB=0.25", "color": _GAP, "linewidth": 1.4,
                                  "shrinkA": 0, "shrinkB": 0})
        axes.text(max(a, b) + 0.01 * span, y - 0.3, f"gap {panel.gap:.3g}", color=_GAP, fontsize=7.5,
                  va="center", ha="left")
    for key in ("natural", "observational", "target", "solved"):
        point = getattr(panel, key)
        if point is not None:
            axes.scatter([float(point[0])], [y], gid=f"{key}:{s}", **_STYLE[key])
    if panel.status == "unsupported":
        axes.text(sum(axes.get_xlim()) / 2, y + 0.3, "P(x̄) = 0: Definition 6 has no gap here", fontsize=7.5,
                  color="0.4", ha="center", va="center")


def _label_interval_points(axes: "Axes", panel: ReachablePanel, y: float, span: float) -> None:
    """Micro state names above their ticks; names of (nearly) coincident points joined, close ones staggered."""
    order = np.argsort(panel.points[:, 0], kind="stable")
    groups: list[tuple[float, list[str]]] = []
    for i in order:
        x = float(panel.points[i, 0])
        if groups and x - groups[-1][0] < 0.004 * span:
            groups[-1][1].append(panel.micro_states[i])
        else:
            groups.append((x, [panel.micro_states[i]]))
    level = 0
    # the certificate's dashed line crosses the labels' height: a name it would cut goes to its side
    line = float(panel.separating[0, 0]) if panel.separating is not None else None
    per_inch = span / _PLOT_WIDTH
    for k, (x, names) in enumerate(groups):
        close = k > 0 and x - groups[k - 1][0] < 0.18 * span
        level = (level + 1) % 2 if close else 0
        text = _short(", ".join(names))
        at, ha = x, "center"
        if line is not None:
            half = (text_width(text, 7) / 2 + 0.06) * per_inch
            if abs(line - x) < half:
                at, ha = (line - 0.06 * per_inch, "right") if line > x else (line + 0.06 * per_inch, "left")
        axes.text(at, y + 0.2 + 0.15 * level, text, fontsize=7, ha=ha, va="bottom", color=_HULL,
                  gid=f"micro-label:{panel.state}", parse_math=False)


# -- |Ȳ| = 3 (ternary) or two directions: a panel per macro state -------------------------------------------


def _plane_figure(panels: Sequence[ReachablePanel], projection: Projection, agg: Aggregation,
                  solution: Solution, title: str, show_draws: bool) -> "Figure":
    n = len(panels)
    columns = min(n, 3)
    rows = -(-n // columns)
    ternary = projection.kind == "ternary"
    size = 3.2
    # room around each panel: its title above; tick labels and axis labels below and left
    above, below, beside = 0.55, (0.1 if ternary else 0.6), (0.1 if ternary else 0.75)
    handles = _legend_handles(panels, solution, interval=False, show_draws=show_draws)
    if not ternary:
        from matplotlib.patches import Patch

        handles.append(Patch(facecolor="none", edgecolor="0.55", label="edge of the simplex (all distributions "
                                                                       "over Ȳ), projected"))
    if any(p.certificate is not None and p.separating is None for p in panels):
        above += 0.17  # a third title line: the certificate has no line here
    if any(p.feasible is not None for p in panels):
        above += 0.17  # and one for the feasible draws
    cell_w, cell_h = size + beside + 0.15, size + above + below
    figure = new_figure(columns * cell_w, rows * cell_h)
    left, bottom, width, height = _arrange(figure, handles, title, columns * cell_w, rows * cell_h)
    fw, fh = figure.get_figwidth(), figure.get_figheight()
    region = projection.region()
    for i, panel in enumerate(panels):
        r, c = divmod(i, columns)
        x0 = left + (c * cell_w + beside) / fw
        y0 = bottom + ((rows - 1 - r) * cell_h + below) / fh
        axes = figure.add_axes((x0, y0, size / fw, size / fh))
        _plane_panel(axes, panel, projection, region, agg.effect, ternary, show_draws)
    return figure


_TERNARY_VIEW = (-0.2, -0.3, 1.2, 1.1)  # x0, y0, x1, y1: the triangle, its corner labels, room for a zoom
_ZOOM_BOX = (0.76, 0.5, 0.44, 0.44)  # where a zoom goes in a ternary panel: outside the triangle, top right
_ZOOM_BELOW = 0.3  # zoom in when the content spans less than this (the triangle's side is 1)


def _plane_panel(axes: "Axes", panel: ReachablePanel, projection: Projection, region: np.ndarray,
                 effect: str, ternary: bool, show_draws: bool) -> None:
    from matplotlib.patches import Polygon

    heading = _state_title(panel)
    if panel.certificate is not None and panel.separating is None:
        heading += "\ncertificate: no line in this plane"
    axes.set_title(heading, fontsize=8.5, parse_math=False)
    axes.add_patch(Polygon(region, closed=True, facecolor="none", edgecolor="0.55", linewidth=0.9, zorder=1,
                           gid="simplex"))
    content = _content_box(panel, show_draws)
    if ternary:
        _ternary_frame(axes, projection)
        axes.set_xlim(_TERNARY_VIEW[0], _TERNARY_VIEW[2])
        axes.set_ylim(_TERNARY_VIEW[1], _TERNARY_VIEW[3])
        extent = max(content[2] - content[0], content[3] - content[1])
        zoom = 1e-6 < extent < _ZOOM_BELOW  # nothing to magnify in a single point
    else:
        axes.set_xlabel(_axis_label(projection, 0, effect), fontsize=8)
        axes.set_ylabel(_axis_label(projection, 1, effect), fontsize=8)
        axes.tick_params(labelsize=7.5)
        axes.grid(color="0.92", linewidth=0.7)
        axes.set_axisbelow(True)
        view = _padded(content, 0.12, 0.04 * max(float(np.abs(region).max()), 1e-9), square=False)
        axes.set_xlim(view[0], view[2])
        axes.set_ylim(view[1], view[3])
        zoom = False
    _plane_content(axes, panel, "", show_draws)
    if zoom:
        inset = axes.inset_axes(_ZOOM_BOX, transform=axes.transData)
        inset.add_patch(Polygon(region, closed=True, facecolor="none", edgecolor="0.55", linewidth=0.9, zorder=1))
        _plane_content(inset, panel, "zoom-", show_draws)
        view = _padded(content, 0.25, 0.004, square=True)
        inset.set_xlim(view[0], view[2])
        inset.set_ylim(view[1], view[3])
        inset.set_xticks([]), inset.set_yticks([])
        inset.set_aspect("equal")
        for spine in inset.spines.values():
            spine.set_edgecolor("0.5")
        axes.indicate_inset_zoom(inset, edgecolor="0.5", linewidth=0.8)
        if len(panel.points) <= LABEL_LIMIT:
            _label_plane_points(inset, panel, view, inward=False)
    elif len(panel.points) <= LABEL_LIMIT:
        _label_plane_points(axes, panel, None, inward=ternary)


def _plane_content(axes: "Axes", panel: ReachablePanel, prefix: str, show_draws: bool) -> None:
    from matplotlib.colors import to_rgba
    from matplotlib.patches import Polygon

    s = panel.state
    hull = panel.hull
    if len(hull) >= 3:
        axes.add_patch(Polygon(hull, closed=True, facecolor=_HULL_FILL, edgecolor=_HULL, linewidth=1.3, zorder=2,
                               alpha=0.9, gid=f"{prefix}hull:{s}"))
    else:
        axes.plot(hull[:, 0], hull[:, 1], color=_HULL, linewidth=3.0, solid_capstyle="round", zorder=2,
                  gid=f"{prefix}hull:{s}")
    axes.scatter(panel.points[:, 0], panel.points[:, 1], gid=f"{prefix}micro:{s}", **_STYLE["micro"])
    if show_draws and panel.draws is not None:
        shown = panel.draws[:DRAWS_SHOWN]
        axes.scatter(shown[:, 0], shown[:, 1], gid=f"{prefix}draws:{s}", **_STYLE["draw"])
    if panel.credible is not None:
        if len(panel.credible) >= 3:  # filled under the markers, outlined over them (a small region stays seen)
            axes.add_patch(Polygon(panel.credible, closed=True, facecolor=to_rgba(_CREDIBLE_FILL, 0.3),
                                   edgecolor="none", zorder=3, gid=f"{prefix}credible:{s}"))
            axes.add_patch(Polygon(panel.credible, closed=True, facecolor="none", edgecolor=_CREDIBLE,
                                   linewidth=1.1, zorder=8))
        else:
            axes.plot(panel.credible[:, 0], panel.credible[:, 1], color=_CREDIBLE, linewidth=2.0, marker="|",
                      solid_capstyle="round", zorder=3, gid=f"{prefix}credible:{s}")
    if panel.separating is not None:
        axes.plot(panel.separating[:, 0], panel.separating[:, 1], color=_CERTIFICATE, linestyle="--",
                  linewidth=1.4, zorder=3, gid=f"{prefix}certificate:{s}")
    if _has_gap(panel) and panel.observational is not None and panel.solved is not None:
        axes.plot([panel.solved[0], panel.observational[0]], [panel.solved[1], panel.observational[1]],
                  color=_GAP, linestyle=":", linewidth=1.8, zorder=4, gid=f"{prefix}gap:{s}")
    for key in ("natural", "observational", "target", "solved"):
        point = getattr(panel, key)
        if point is not None:
            axes.scatter([point[0]], [point[1]], gid=f"{prefix}{key}:{s}", **_STYLE[key])


def _content_box(panel: ReachablePanel, show_draws: bool = False) -> tuple[float, float, float, float]:
    """The bounding box of the hull and the points drawn on it (the posterior's region and draws included)."""
    draws = panel.draws[:DRAWS_SHOWN] if show_draws and panel.draws is not None else None
    points = np.vstack([panel.points] + [np.atleast_2d(a) for a in (panel.observational, panel.natural,
                                                                     panel.solved, panel.target, panel.credible,
                                                                     draws) if a is not None])
    lo, hi = points.min(axis=0), points.max(axis=0)
    return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])


def _padded(box: tuple[float, float, float, float], fraction: float, least: float, *,
            square: bool) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = box
    w, h = max(x1 - x0, least), max(y1 - y0, least)
    if square:
        w = h = max(w, h)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w, h = w * (1 + 2 * fraction), h * (1 + 2 * fraction)
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def _ternary_frame(axes: "Axes", projection: Projection) -> None:
    axes.set_aspect("equal")
    axes.set_axis_off()
    corners = projection.directions.T
    for level in (0.2, 0.4, 0.6, 0.8):
        for i in range(3):  # the line P(ȳ_i) = level
            j, k = (i + 1) % 3, (i + 2) % 3
            a = level * corners[i] + (1 - level) * corners[j]
            b = level * corners[i] + (1 - level) * corners[k]
            axes.plot([a[0], b[0]], [a[1], b[1]], color="0.9", linewidth=0.7, zorder=0)
    offsets = [(0.0, -0.06, "top"), (0.0, -0.06, "top"), (0.0, 0.04, "bottom")]
    for state, corner, (dx, dy, va) in zip(projection.states, corners, offsets):
        axes.text(corner[0] + dx, corner[1] + dy, f"Ȳ = {state}", fontsize=8, ha="center", va=va,
                  parse_math=False, gid=f"corner:{state}")


def _label_plane_points(axes: "Axes", panel: ReachablePanel, view: tuple[float, float, float, float] | None, *,
                        inward: bool) -> None:
    """Micro state names beside their points, each where it covers least of the markers and the other names.

    Names of coincident points are joined. Eight places around a point are
    tried (towards the simplex's or the zoom's middle first); a name in a zoom
    is clipped to it.
    """
    seen: dict[tuple[float, float], list[str]] = {}
    for name, point in zip(panel.micro_states, panel.points):
        seen.setdefault((round(float(point[0]), 9), round(float(point[1]), 9)), []).append(name)
    figure = axes.get_figure(root=True)
    assert figure is not None
    dpi = figure.dpi
    to_pixels = axes.transData.transform
    window = axes.get_window_extent()
    frame = (window.x0, window.y0, window.x1, window.y1)
    markers = [to_pixels(np.atleast_2d(a))[0] for a in (panel.observational, panel.natural, panel.solved,
                                                         panel.target) if a is not None]
    markers += list(to_pixels(panel.points))
    taken = [(float(m[0]) - 10, float(m[1]) - 10, float(m[0]) + 10, float(m[1]) + 10) for m in markers]
    if panel.credible is not None:  # the posterior's region: a name should not cover it
        corners = to_pixels(panel.credible)
        taken.append((*corners.min(axis=0).tolist(), *corners.max(axis=0).tolist()))
    agg = renderer(figure)
    for corner in axes.texts:  # the corner names of a ternary plot
        if str(corner.get_gid()).startswith("corner:"):
            extent = corner.get_window_extent(agg)
            taken.append((extent.x0, extent.y0, extent.x1, extent.y1))
    if view is not None:
        middle = np.array([(view[0] + view[2]) / 2, (view[1] + view[3]) / 2])
    else:
        middle = np.array([0.5, np.sqrt(3.0) / 6]) if inward else panel.hull.mean(axis=0)
    centre = to_pixels(np.atleast_2d(middle))[0]
    for (x, y), names in seen.items():
        text = _short(", ".join(names))
        w, h = text_width(text, 7) * dpi, 7 * 1.2 * dpi / 72 + 2
        px, py = to_pixels(np.array([[x, y]]))[0]
        best: tuple[float, float, float, str, str] | None = None
        for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1)):
            ax_, ay_ = px + dx * 11, py + dy * 11
            x0 = ax_ if dx > 0 else (ax_ - w if dx < 0 else ax_ - w / 2)
            y0 = ay_ if dy > 0 else (ay_ - h if dy < 0 else ay_ - h / 2)
            box = (x0, y0, x0 + w, y0 + h)
            cost = sum((_overlap(box, t) for t in taken), 0.0)
            outside = w * h - _overlap(box, frame)
            towards = float(np.dot((dx, dy), centre - (px, py)) > 0) if (inward or view is not None) else 0.0
            score = cost + 1000 * outside - 0.5 * towards
            if best is None or score < best[0]:
                best = (score, dx * 11 * 72 / dpi, dy * 11 * 72 / dpi, "left" if dx > 0 else (
                    "right" if dx < 0 else "center"), "bottom" if dy > 0 else ("top" if dy < 0 else "center"))
                chosen = box
        assert best is not None
        taken.append(chosen)
        axes.annotate(text, (x, y), xytext=(best[1], best[2]), textcoords="offset points", fontsize=7,
                      color=_HULL, ha=best[3], va=best[4], gid=f"micro-label:{panel.state}",
                      annotation_clip=False, parse_math=False, clip_on=view is not None)


def _overlap(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0
