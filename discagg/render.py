"""Plain-text rendering of results for the command line."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from discagg.report import Inspection

__all__ = ["format_distribution", "format_table", "render_inspection"]


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
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip()
             for line in [header, ["-" * w for w in widths], *rows]]
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
