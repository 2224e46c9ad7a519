"""The tables of an :class:`~discagg.Identification` and of :class:`~discagg.Identifications` (several
experiments): what ``discagg identify`` prints, as text or HTML.

The lines under the table are printed as they are (not wrapped), as ``discagg
identify`` has always printed them.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from discagg.report.tables import Table, as_html, as_text, format_distribution

if TYPE_CHECKING:
    from discagg.estimation.identification import Identification, Identifications, StateIdentification

__all__ = ["identification_table", "render_identification", "identification_html", "identifications_table",
           "render_identifications", "identifications_html"]

_WIDE = 1e-7  # a weight range narrower than this is shown as a point (the ML solver's resolution)


_REALIZATION_NOTE = ("realization: the maximum-likelihood mixture weights over the fibre (the largest-entropy one "
                     "when several fit equally well); identified: the rows P(outcome | do(x)) are affinely independent")


def _test_cells(s: StateIdentification, alpha: float) -> tuple[str, str, str, str]:
    """G, df, p-value and the verdict of a macro state's test (``-`` without one)."""
    test = s.inhibiting_test
    if test is None:
        return ("-", "-", "-", "-")
    g = "inf" if not math.isfinite(test.statistic) else f"{test.statistic:.3f}"
    verdict = f"rejected at {alpha:.3g}" if test.p_value < alpha else "not rejected"
    return (g, str(test.df), f"{test.p_value:.4f}", verdict)


def _identified(s: StateIdentification) -> str:
    if not s.samples:
        return "-"
    return "observed" if s.observed else "yes" if s.identified else "no"


def _wide(s: StateIdentification, label: str) -> str | None:
    """The line of weight ranges of a macro state whose realization the data do not single out (else None)."""
    if s.ranges is None or not any(hi - lo > _WIDE for lo, hi in s.ranges.values()):
        return None
    shown = [f"{x}=[{lo:.3f}, {hi:.3f}]" for x, (lo, hi) in s.ranges.items() if hi > _WIDE]
    more = f" (+{len(shown) - 6} more)" if len(shown) > 6 else ""
    return f"  {label}: " + " ".join(shown[:6]) + more


def identification_table(result: Identification) -> Table:
    """The table of ``discagg identify``, with the lines printed under it as its notes."""
    alpha = 1 - result.level
    preamble = (f"model {result.model}: cause {result.cause}, effect {result.effect}; experiment "
                f"{result.experiment} (records the {result.records})",)
    rows, wide = [], []
    for s in result.states:
        g, df, p, verdict = _test_cells(s, alpha)
        rows.append((s.state, str(s.samples), format_distribution(s.realization, limit=4), _identified(s),
                     format_distribution(s.interventional), format_distribution(s.observational), g, df, p, verdict))
        line = _wide(s, s.state)
        if line is not None:
            wide.append(line)
    notes = [_REALIZATION_NOTE]
    if wide:
        notes.append("weights over all maximum-likelihood realizations (the data do not single one out):")
        notes.extend(wide)
    notes.append(f"inhibiting hypothesis: G test of P(Ybar | do(xbar)) = P(Ybar | xbar), decided at significance "
                 f"{alpha:.3g}")
    header = ("xbar", "runs", "realization (ML)", "identified", "P(Ybar | do(xbar))", "P(Ybar | xbar)", "G", "df",
              "p-value", "inhibiting hypothesis")
    return Table(preamble, header, tuple(rows), tuple(notes))


def _text_with_notes_unwrapped(table: Table) -> str:
    """The table as text, its notes below it one per line as written (``identify`` prints them unwrapped)."""
    return as_text(Table(table.preamble, table.header, table.rows)) + "\n\n" + "\n".join(table.notes)


def render_identification(result: Identification) -> str:
    """The text ``discagg identify`` prints (and ``str()`` of the result)."""
    table = identification_table(result)
    return _text_with_notes_unwrapped(table)


def identification_html(result: Identification) -> str:
    """The same table as HTML, every cell escaped."""
    return as_html(identification_table(result))


def identifications_table(results: Identifications) -> Table:
    """The table of ``discagg identify`` for several experiments: one row per experiment and macro state.

    Its notes are the lines printed under it (the model's ``P(Ȳ | x̄)``, how
    the experiments were split, the weight ranges the data leave open, the test).
    """
    alpha = 1 - results.level
    files = len({e.experiment for e in results})
    preamble = (f"model {results.model}: cause {results.cause}, effect {results.effect}; {len(results)} experiments",)
    rows, wide = [], []
    for e in results:
        if e.by is None:
            label = e.experiment
        else:
            label = f"{e.by[0]}={e.by[1]}" if files == 1 else f"{e.experiment}: {e.by[0]}={e.by[1]}"
        for j, s in enumerate(e.states):
            rows.append((label if j == 0 else "", s.state, str(s.samples), format_distribution(s.realization, limit=4),
                         _identified(s), format_distribution(s.interventional), *_test_cells(s, alpha)))
            line = _wide(s, f"{label}, {s.state}")
            if line is not None:
                wide.append(line)
    observational = "; ".join(f"{s.state}: {format_distribution(s.observational)}" for s in results[0].states)
    notes = [f"P(Ybar | xbar) of the model: {observational}"]
    if files == 1 and results[0].by is not None:
        notes.append(f"experiments: the runs of {results[0].experiment} by their value of {results[0].by[0]!r}")
    notes.append(_REALIZATION_NOTE)
    if wide:
        notes.append("weights over all maximum-likelihood realizations (the data do not single one out):")
        notes.extend(wide)
    notes.append(f"inhibiting hypothesis: G test of P(Ybar | do(xbar)) = P(Ybar | xbar), decided at significance "
                 f"{alpha:.3g} in each experiment and macro state on its own (no correction for testing several)")
    header = ("experiment", "xbar", "runs", "realization (ML)", "identified", "P(Ybar | do(xbar))", "G", "df",
              "p-value", "inhibiting hypothesis")
    return Table(preamble, header, tuple(rows), tuple(notes))


def render_identifications(results: Identifications) -> str:
    """The text ``discagg identify`` prints for several experiments (and ``str()`` of the result)."""
    table = identifications_table(results)
    return _text_with_notes_unwrapped(table)


def identifications_html(results: Identifications) -> str:
    """The same table as HTML, every cell escaped."""
    return as_html(identifications_table(results))
