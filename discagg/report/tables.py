"""The tables of the results, built once and laid out as text (the CLI's) or as HTML (notebooks).

:func:`solution_table`, :func:`inspection_table` and :func:`bounds_table` build a
:class:`Table`; :func:`as_text` lays it out as ``discagg solve``, ``inspect`` and
``bounds`` print it (and as ``str()`` of the result returns it), :func:`as_html`
as the HTML table a notebook shows (``_repr_html_``), every name escaped.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from discagg.errors import printable

if TYPE_CHECKING:
    from discagg.core.inspection import Inspection
    from discagg.solvers.ranges import EffectBounds
    from discagg.solvers.solution import Solution

__all__ = ["Table", "as_text", "as_html", "format_distribution", "format_table", "solution_table",
           "inspection_table", "bounds_table", "render_solution", "render_inspection", "render_bounds"]


@dataclass(frozen=True)
class Table:
    """A result as a table: lines above it, the header and rows, and paragraphs below it.

    Attributes
    ----------
    preamble : tuple of str
        Lines printed above the table (the model, cause, effect, ...).
    header : tuple of str
    rows : tuple of tuple of str
        Cells as printed.
    notes : tuple of str
        Paragraphs printed below the table (wrapped at 100 characters in text).
    """

    preamble: tuple[str, ...]
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = ()


def format_distribution(dist: Mapping[str, float] | None, *, limit: int = 6, digits: int = 3) -> str:
    """``"a=0.250 b=0.750"``; only the ``limit`` largest entries of long ones.

    >>> format_distribution({"a": 0.25, "b": 0.75})
    'a=0.250 b=0.750'
    >>> format_distribution({str(i): 0.1 for i in range(10)}, limit=2)
    '0=0.100 1=0.100 (+8 more)'
    """
    if dist is None:
        return "-"
    items = list(dist.items())
    if len(items) > limit:
        shown = sorted(items, key=lambda kv: -kv[1])[:limit]
        order = {k: i for i, (k, _) in enumerate(items)}
        shown.sort(key=lambda kv: order[kv[0]])
        return " ".join(f"{k}={v:.{digits}f}" for k, v in shown) + f" (+{len(items) - limit} more)"
    return " ".join(f"{k}={v:.{digits}f}" for k, v in items)


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns separated by two spaces, with a rule under the header.

    >>> print(format_table(["a", "bb"], [["1", "2"]]))
    a  bb
    -  --
    1  2
    """
    # Cells are escaped before they are measured: a newline or a lone surrogate in a state name would
    # otherwise split a row or print wider than it was counted.
    cells = [[printable(str(c)) for c in line] for line in [header, *rows]]
    widths = [max(len(c) for c in col) for col in zip(*cells)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip()
             for line in [cells[0], ["-" * w for w in widths], *cells[1:]]]
    return "\n".join(lines)


def as_text(table: Table) -> str:
    """The table as the command line prints it (without the final newline).

    >>> print(as_text(Table(("title",), ("a", "b"), (("1", "2"),), ("a note",))))
    title
    <BLANKLINE>
    a  b
    -  -
    1  2
    <BLANKLINE>
    a note
    """
    lines = [*table.preamble, "", format_table(table.header, table.rows)]
    if table.notes:
        lines.append("")
        for note in table.notes:
            lines.extend(textwrap.wrap(note, width=100, subsequent_indent="  "))
    return "\n".join(lines)


def _cell(text: str) -> str:
    return html.escape(printable(text))


def as_html(table: Table) -> str:
    """The table as HTML: the same cells as the text, every one escaped.

    >>> as_html(Table(("<b>",), ("x",), (("<script>",),)))
    '<div><p>&lt;b&gt;</p><table><thead><tr><th>x</th></tr></thead><tbody><tr><td>&lt;script&gt;</td></tr></tbody></table></div>'
    """
    parts = ["<div>"]
    if table.preamble:
        parts.append("<p>" + "<br>".join(_cell(line) for line in table.preamble) + "</p>")
    parts.append("<table><thead><tr>" + "".join(f"<th>{_cell(h)}</th>" for h in table.header) + "</tr></thead>")
    parts.append("<tbody>" + "".join("<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in row) + "</tr>"
                                     for row in table.rows) + "</tbody></table>")
    parts.extend(f"<p>{_cell(note)}</p>" for note in table.notes)
    parts.append("</div>")
    return "".join(parts)


def _number(value: float | None, digits: int = 4) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def inspection_table(report: Inspection) -> Table:
    """The table of ``discagg inspect``."""
    n_macro_y = len(report.effect_macro)
    preamble = (
        f"model {report.model}: cause {report.cause} ({len(report.cause_micro)} micro states -> "
        f"{len(report.states)} macro), effect {report.effect} ({len(report.effect_micro)} micro -> "
        f"{n_macro_y} macro)",
        "micro model: (X, Y) " + ("confounded" if report.micro_confounded else "unconfounded")
        + f" (max TV between P(Y|x) and P(Y|do(x)) = {report.micro_max_tv:.4f}); (X, Ybar) "
        + ("confounded" if report.micro_macro_confounded else "unconfounded")
        + f" (max TV {report.micro_macro_max_tv:.4f})",
        "realization: " + ("natural, P(X | xbar)" if report.realization_kind == "natural" else "given"),
    )
    rows = tuple(
        (
            s.state,
            _number(s.probability, 4),
            format_distribution(s.observational),
            format_distribution(s.interventional),
            _number(s.gap),
            s.status,
            format_distribution(s.realization, limit=4),
        )
        for s in report.states
    )
    header = ("xbar", "P(xbar)", "P(Ybar | xbar)", "P(Ybar | do(xbar))", "gap(TV)", "status", "realization")
    verdict = ("macro confounded: the realization is confounding-inducing for some xbar"
               if report.macro_confounded else
               "macro unconfounded: the realization is confounding-inhibiting for every supported xbar")
    return Table(preamble, header, rows, (verdict,))


def _vector(names: Sequence[str], values: np.ndarray | None) -> str:
    if values is None:
        return "-"
    return " ".join(f"{n}={float(v):+.3f}" for n, v in zip(names, values))


_NOTES = {
    "inhibiting": "inhibiting: the realization makes P(Ybar | do(xbar)) equal P(Ybar | xbar) "
                  "(no macro confounding for xbar)",
    "infeasible": "infeasible: no realization inhibits; the realization shown has the smallest gap (the "
                  "irreducible macro confounding) and the certificate c scores every micro intervention "
                  "below the observation: c.P(Ybar | do(x)) < c.P(Ybar | xbar) for every x in the fibre",
    "inducing": "inducing: the point mass shown gives the largest gap any realization can",
    "reachable": "reachable: the realization produces the target (gap within tolerance)",
    "unreachable": "unreachable: the certificate c scores every micro intervention below the target; the "
                   "realization shown comes closest",
    "unsupported": "unsupported: P(xbar) = 0, so P(Ybar | xbar) is undefined",
}


def solution_table(solution: Solution) -> Table:
    """The table of ``discagg solve`` (and ``--induce``)."""
    micro = solution.cause_map.micro_states
    ys = solution.effect_map.macro_states
    target_label = "P(Ybar | xbar)" if solution.target_key == "observational" else "target"
    preamble = (f"model {solution.model}: cause {solution.cause}, effect {solution.effect}; "
                f"objective {solution.objective}",)
    rows = []
    for s in solution.states:
        named = None if s.target is None else dict(zip(ys, s.target.tolist()))
        done = None if s.interventional is None else dict(zip(ys, s.interventional.tolist()))
        realization = {micro[i]: float(w) for i, w in zip(s.support, s.weights)} if s.has_realization else None
        certificate = "-"
        if s.certificate is not None:
            certificate = f"{_vector(ys, s.certificate)} (margin {_number(s.margin)})"
        rows.append((s.state, _number(s.probability), s.status, _number(s.gap), format_distribution(named),
                     format_distribution(done), format_distribution(realization, limit=4), certificate))
    header = ("xbar", "P(xbar)", "status", "gap(TV)", target_label, "P(Ybar | do(xbar))", "realization",
              "certificate")
    statuses = {s.status for s in solution.states}
    notes = tuple(text for key, text in _NOTES.items() if key in statuses)
    return Table(preamble, header, tuple(rows), notes)


def bounds_table(bounds: EffectBounds) -> Table:
    """The table of ``discagg bounds``."""
    micro = bounds.micro_states
    preamble = (f"model {bounds.model}: cause {bounds.cause}, effect {bounds.effect}; range of P(Ybar | do(xbar)) "
                "over all micro-realizations",)
    rows = []
    for s in bounds.states:
        for j, y in enumerate(bounds.effect_macro):
            rows.append((s.state if j == 0 else "", f"P({y})", f"{s.lower[j]:.4f}", f"{s.upper[j]:.4f}",
                         f"{s.upper[j] - s.lower[j]:.4f}",
                         "-" if s.observational is None else f"{s.observational[j]:.4f}",
                         f"{micro[s.lower_at[j]]} / {micro[s.upper_at[j]]}"))
        if s.expectation is not None and s.expectation_at is not None:
            rows.append(("", "E[f]", f"{s.expectation[0]:.4f}", f"{s.expectation[1]:.4f}",
                         f"{s.expectation[1] - s.expectation[0]:.4f}",
                         "-" if s.observational_expectation is None else f"{s.observational_expectation:.4f}",
                         f"{micro[s.expectation_at[0]]} / {micro[s.expectation_at[1]]}"))
    header = ("xbar", "quantity", "lower", "upper", "width", "observational", "attained at (lower / upper)")
    return Table(preamble, header, tuple(rows))


def render_inspection(report: Inspection) -> str:
    """The human-readable table printed by ``discagg inspect``."""
    return as_text(inspection_table(report))


def render_solution(solution: Solution) -> str:
    """The table printed by ``discagg solve`` (and ``--induce``)."""
    return as_text(solution_table(solution))


def render_bounds(bounds: EffectBounds) -> str:
    """The table printed by ``discagg bounds``."""
    return as_text(bounds_table(bounds))
