"""Plain-text rendering of results for the command line."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from discagg.core.inspection import Inspection
from discagg.errors import printable

if TYPE_CHECKING:
    from discagg.solvers.ranges import EffectBounds
    from discagg.solvers.solution import Solution

__all__ = ["format_distribution", "format_table", "render_inspection", "render_solution", "render_bounds"]


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


def _number(value: float | None, digits: int = 4) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def render_inspection(report: Inspection) -> str:
    """The human-readable table printed by ``discagg inspect``."""
    n_macro_y = len(report.effect_macro)
    lines = [
        f"model {report.model}: cause {report.cause} ({len(report.cause_micro)} micro states -> "
        f"{len(report.states)} macro), effect {report.effect} ({len(report.effect_micro)} micro -> "
        f"{n_macro_y} macro)",
        "micro model: (X, Y) " + ("confounded" if report.micro_confounded else "unconfounded")
        + f" (max TV between P(Y|x) and P(Y|do(x)) = {report.micro_max_tv:.4f}); (X, Ybar) "
        + ("confounded" if report.micro_macro_confounded else "unconfounded")
        + f" (max TV {report.micro_macro_max_tv:.4f})",
        "realization: " + ("natural, P(X | xbar)" if report.realization_kind == "natural" else "given"),
        "",
    ]
    rows = [
        [
            s.state,
            _number(s.probability, 4),
            format_distribution(s.observational),
            format_distribution(s.interventional),
            _number(s.gap),
            s.status,
            format_distribution(s.realization, limit=4),
        ]
        for s in report.states
    ]
    header = ["xbar", "P(xbar)", "P(Ybar | xbar)", "P(Ybar | do(xbar))", "gap(TV)", "status", "realization"]
    lines.append(format_table(header, rows))
    lines.append("")
    verdict = ("macro confounded: the realization is confounding-inducing for some xbar"
               if report.macro_confounded else
               "macro unconfounded: the realization is confounding-inhibiting for every supported xbar")
    lines.append(verdict)
    return "\n".join(lines)


def _vector(names: Sequence[str], values: object) -> str:
    if values is None:
        return "-"
    return " ".join(f"{n}={v:+.3f}" for n, v in zip(names, values))  # type: ignore[call-overload]


def render_solution(solution: "Solution") -> str:
    """The table printed by ``discagg solve`` (and ``--induce``)."""
    micro = solution.cause_map.micro_states
    ys = solution.effect_map.macro_states
    target_label = "P(Ybar | xbar)" if solution.target_key == "observational" else "target"
    lines = [f"model {solution.model}: cause {solution.cause}, effect {solution.effect}; "
             f"objective {solution.objective}", ""]
    rows = []
    for s in solution.states:
        named = None if s.target is None else dict(zip(ys, s.target))
        done = None if s.interventional is None else dict(zip(ys, s.interventional))
        realization = {micro[i]: float(w) for i, w in zip(s.support, s.weights)} if s.has_realization else None
        certificate = "-"
        if s.certificate is not None:
            certificate = f"{_vector(ys, s.certificate)} (margin {s.margin:.4f})"
        rows.append([s.state, _number(s.probability), s.status, _number(s.gap), format_distribution(named),
                     format_distribution(done), format_distribution(realization, limit=4), certificate])
    lines.append(format_table(["xbar", "P(xbar)", "status", "gap(TV)", target_label, "P(Ybar | do(xbar))",
                               "realization", "certificate"], rows))
    statuses = [s.status for s in solution.states]
    notes = {
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
    lines.append("")
    for key, text in notes.items():
        if key in statuses:
            lines.extend(textwrap.wrap(text, width=100, subsequent_indent="  "))
    return "\n".join(lines)


def render_bounds(bounds: "EffectBounds") -> str:
    """The table printed by ``discagg bounds``."""
    micro = bounds.micro_states
    lines = [f"model {bounds.model}: cause {bounds.cause}, effect {bounds.effect}; range of P(Ybar | do(xbar)) "
             "over all micro-realizations", ""]
    rows = []
    for s in bounds.states:
        for j, y in enumerate(bounds.effect_macro):
            rows.append([s.state if j == 0 else "", f"P({y})", f"{s.lower[j]:.4f}", f"{s.upper[j]:.4f}",
                         f"{s.upper[j] - s.lower[j]:.4f}",
                         "-" if s.observational is None else f"{s.observational[j]:.4f}",
                         f"{micro[s.lower_at[j]]} / {micro[s.upper_at[j]]}"])
        if s.expectation is not None and s.expectation_at is not None:
            rows.append(["", "E[f]", f"{s.expectation[0]:.4f}", f"{s.expectation[1]:.4f}",
                         f"{s.expectation[1] - s.expectation[0]:.4f}",
                         "-" if s.observational_expectation is None else f"{s.observational_expectation:.4f}",
                         f"{micro[s.expectation_at[0]]} / {micro[s.expectation_at[1]]}"])
    lines.append(format_table(["xbar", "quantity", "lower", "upper", "width", "observational",
                               "attained at (lower / upper)"], rows))
    return "\n".join(lines)
