"""The table of an :class:`~discagg.Identification`: what ``discagg identify`` prints, as text or HTML.

The lines under the table are printed as they are (not wrapped), as ``discagg
identify`` has always printed them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from discagg.report.tables import Table, as_html, as_text, format_distribution

if TYPE_CHECKING:
    from discagg.estimation.identification import Identification

__all__ = ["identification_table", "render_identification", "identification_html"]

_WIDE = 1e-7  # a weight range narrower than this is shown as a point (the ML solver's resolution)


def identification_table(result: Identification) -> Table:
    """The table of ``discagg identify``, with the lines printed under it as its notes."""
    alpha = 1 - result.level
    preamble = (f"model {result.model}: cause {result.cause}, effect {result.effect}; experiment "
                f"{result.experiment} (records the {result.records})",)
    rows, wide = [], []
    for s in result.states:
        test = s.inhibiting_test
        if test is None:
            g = df = p = verdict = "-"
        else:
            g = "inf" if not math.isfinite(test.statistic) else f"{test.statistic:.3f}"
            df, p = str(test.df), f"{test.p_value:.4f}"
            verdict = f"rejected at {alpha:.3g}" if test.p_value < alpha else "not rejected"
        rows.append((s.state, str(s.samples), format_distribution(s.realization, limit=4),
                     ("observed" if s.observed else "yes" if s.identified else "no") if s.samples else "-",
                     format_distribution(s.interventional), format_distribution(s.observational), g, df, p, verdict))
        if s.ranges is not None and any(hi - lo > _WIDE for lo, hi in s.ranges.values()):
            shown = [f"{x}=[{lo:.3f}, {hi:.3f}]" for x, (lo, hi) in s.ranges.items() if hi > _WIDE]
            more = f" (+{len(shown) - 6} more)" if len(shown) > 6 else ""
            wide.append(f"  {s.state}: " + " ".join(shown[:6]) + more)
    notes = ["realization: the maximum-likelihood mixture weights over the fibre (the largest-entropy one when "
             "several fit equally well); identified: the rows P(outcome | do(x)) are affinely independent"]
    if wide:
        notes.append("weights over all maximum-likelihood realizations (the data do not single one out):")
        notes.extend(wide)
    notes.append(f"inhibiting hypothesis: G test of P(Ybar | do(xbar)) = P(Ybar | xbar), decided at significance "
                 f"{alpha:.3g}")
    header = ("xbar", "runs", "realization (ML)", "identified", "P(Ybar | do(xbar))", "P(Ybar | xbar)", "G", "df",
              "p-value", "inhibiting hypothesis")
    return Table(preamble, header, tuple(rows), tuple(notes))


def render_identification(result: Identification) -> str:
    """The text ``discagg identify`` prints (and ``str()`` of the result)."""
    table = identification_table(result)
    return as_text(Table(table.preamble, table.header, table.rows)) + "\n\n" + "\n".join(table.notes)


def identification_html(result: Identification) -> str:
    """The same table as HTML, every cell escaped."""
    return as_html(identification_table(result))
