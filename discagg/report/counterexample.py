"""The text of a :class:`~discagg.theory.Counterexample`: what ``discagg counterexample`` prints, as text or HTML.

One line per hypothesis of Theorem 3.2 (the remark's reading of the bound
marked as such), then the (X, Ȳ) confounding reached. The command adds a last
line naming the files it wrote and the ``verify`` command that checks them;
the result does not know where (or whether) it was written, so that line is
the command's alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from discagg.report.tables import Table, as_html

if TYPE_CHECKING:
    from discagg.theory.counterexample import Counterexample

__all__ = ["counterexample_lines", "render_counterexample", "counterexample_table", "counterexample_html"]


def _kind(stated: bool) -> str:
    return "hypothesis" if stated else "the remark reading"


def _verdict(holds: bool) -> str:
    return "holds" if holds else "does NOT hold"


def _confounding(result: Counterexample) -> str:
    return f"(X, Ybar) confounding (max TV): {result.confounding:.4f}"


def counterexample_lines(result: Counterexample) -> list[str]:
    """The lines ``discagg counterexample`` prints before the line on the files it wrote."""
    lines = [f"{_kind(h.stated)} {h.name}: {_verdict(h.holds)} ({h.detail})" for h in result.hypotheses]
    lines.append(_confounding(result))
    return lines


def render_counterexample(result: Counterexample) -> str:
    """The text ``discagg counterexample`` prints without its last line (and ``str()`` of the result)."""
    return "\n".join(counterexample_lines(result))


def counterexample_table(result: Counterexample) -> Table:
    """The hypotheses as a table under the model's sizes, the confounding below it."""
    model = result.model
    sizes = ", ".join(f"|{node}| = {model.nodes[node].cardinality}" for node in model.nodes)
    macro = ", ".join(f"|{node}bar| = {coarsening.n_macro}" for node, coarsening in model.macro.items())
    rows = tuple((_kind(h.stated), h.name, _verdict(h.holds), h.detail) for h in result.hypotheses)
    return Table((f"model {model.name} (Theorem 3.2): {sizes}; {macro}",),
                 ("kind", "statement", "verdict", "detail"), rows, (_confounding(result),))


def counterexample_html(result: Counterexample) -> str:
    """:func:`counterexample_table` as HTML, every cell escaped."""
    return as_html(counterexample_table(result))
