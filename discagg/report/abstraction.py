"""The text of an :class:`~discagg.AbstractionError` and a :class:`~discagg.LearnedAbstraction`.

:func:`render_error` is what ``discagg abstraction`` prints (``per_intervention``:
with ``--per-intervention``'s table), :func:`render_learned` what ``discagg
learn-abstraction`` prints; both are also ``str()`` of the result. In HTML the
error's pair table is a table (:func:`error_html`) and the learned maps, which
the command prints as lines, are that text escaped in ``<pre>``
(:func:`learned_html`).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from discagg.errors import printable
from discagg.report.tables import Table, as_html, format_table

if TYPE_CHECKING:
    from discagg.abstraction.error import AbstractionError
    from discagg.abstraction.search import LearnedAbstraction

__all__ = ["error_table", "render_error", "error_html", "render_learned", "learned_html"]


def _unit(metric: str) -> str:
    return "Jensen-Shannon divergence, bits" if metric == "jsd" else "total variation"


def _state(assignment: dict[str, str]) -> str:
    return " ".join(f"{k}={v}" for k, v in assignment.items())


def error_table(result: AbstractionError) -> Table:
    """The pair table of ``discagg abstraction``, its title line and the lines below it."""
    best = result.mechanism == "best"
    header = ["sources", "targets", "error"] + (["lower bound"] if best else []) + [
        "worst micro intervention", "its macro intervention", "max TV"]
    rows = []
    for p in result.pairs:
        row = [",".join(p.pair.sources), ",".join(p.pair.targets), f"{p.error:.6f}"]
        if best:
            row.append(f"{p.mechanism.lower_bound:.6f}" if p.mechanism is not None else "-")
        row += [_state(p.argmax), _state(p.macro_intervention(p.argmax_index)), f"{float(p.tv.max()):.6f}"]
        rows.append(tuple(row))
    against = (f"macro {result.macro_name}" if result.macro_name is not None else "the macro states of the maps") + (
        ", with the best macro mechanism of each pair" if best else "")
    preamble = (f"abstraction: micro {result.micro_name} -> {against}; metric {result.metric} "
                f"({_unit(result.metric)})",)
    worst = result.argmax_pair
    notes = [f"overall abstraction error: {result.overall:.6f} (pair {','.join(worst.pair.sources)} -> "
             f"{','.join(worst.pair.targets)})"]
    if best:
        notes.append("exact transformation (some macro mechanism makes every diagram commute): "
                     + ("yes" if result.exact else "no"))
        for p in result.pairs:
            sources, targets = ",".join(p.pair.sources), ",".join(p.pair.targets)
            notes.append(f"best mechanism P({targets} | do({sources})):")
            for source, dist in p.mechanism_table().items():
                notes.append(f"  do({sources}={source}): " + " ".join(f"{t}={v:.4f}" for t, v in dist.items()))
    else:
        notes.append("every diagram commutes (exact abstraction): " + ("yes" if result.exact else "no"))
    return Table(preamble, tuple(header), tuple(rows), tuple(notes))


def _interventions(result: AbstractionError) -> str:
    return format_table(["sources", "targets", "micro intervention", "macro intervention", "distance", "TV"],
                        [[",".join(p.pair.sources), ",".join(p.pair.targets), _state(p.intervention(i)),
                          _state(p.macro_intervention(i)), f"{d:.6f}", f"{t:.6f}"]
                         for p in result.pairs for i, (d, t) in enumerate(zip(p.distances, p.tv))])


def render_error(result: AbstractionError, per_intervention: bool = False) -> str:
    """The text ``discagg abstraction`` prints (``per_intervention``: with ``--per-intervention``)."""
    table = error_table(result)
    lines = [*table.preamble, "", format_table(table.header, table.rows), ""]
    if per_intervention:
        lines += [_interventions(result), ""]
    return "\n".join(lines + list(table.notes))


def error_html(result: AbstractionError) -> str:
    """The pair table as HTML, every cell escaped (the lines below it as paragraphs)."""
    return as_html(error_table(result))


def render_learned(result: LearnedAbstraction) -> str:
    """The text ``discagg learn-abstraction`` prints."""
    error = result.error
    lines = [f"learn-abstraction: micro {error.micro_name} -> macro {error.macro_name}; metric {result.metric} "
             f"({_unit(result.metric)}); {len(error.pairs)} pair{'s' if len(error.pairs) != 1 else ''}"]
    if result.method == "exhaustive":
        lines.append(f"search: exhaustive, every one of {result.candidates} combinations of surjective maps "
                     f"evaluated ({result.seconds:.3f} s)")
    else:
        lines.append(f"search: branch and bound over {result.candidates} combinations of surjective maps: "
                     f"{result.nodes} partial assignments expanded, {result.pruned} pruned, {result.evaluated} "
                     f"complete ones evaluated ({result.seconds:.3f} s)"
                     + ("; stopped by the time limit" if result.stopped else "; every branch explored or pruned"))
    lines.append(f"least overall error: {result.value:.6f}; certified lower bound: {result.lower_bound:.6f}; "
                 + ("optimal" if result.optimal else "NOT proved optimal")
                 + (f"; {result.ties} optimal combinations (the one with the least sum of pair errors is shown)"
                    if result.ties is not None and result.ties > 1 else ""))
    lines.append("exact abstraction (every diagram commutes): " + ("yes" if error.exact else "no"))
    if result.undetermined:
        lines.append(f"in no pair (any map is optimal): {', '.join(result.undetermined)}")
    lines.append("maps:")
    for name, variable in result.mapping.variables.items():
        table = " ".join(f"{micro_state}->{macro_state}" for micro_state, macro_state in variable.to_table().items())
        lines.append(f"  {name} <- {','.join(variable.nodes)}: {table}")
    lines.append("pair errors: " + "; ".join(f"{','.join(p.pair.sources)} -> {','.join(p.pair.targets)} "
                                            f"{p.error:.6f}" for p in error.pairs))
    if result.differing is not None:
        differing = ", ".join(f"{m} {d}" for m, d in result.differing.items())
        lines.append(f"distance to the reference maps: L1 {result.l1} (micro states mapped differently: {differing})"
                     + (f"; over the tied optima, L1 from {result.tie_l1[0]} to {result.tie_l1[1]}"
                        if result.tie_l1 is not None and result.tie_l1[0] != result.tie_l1[1] else ""))
    return "\n".join(lines)


def learned_html(result: LearnedAbstraction) -> str:
    """The text of :func:`render_learned`, escaped, in ``<pre>``."""
    return "<pre>" + "\n".join(html.escape(printable(line)) for line in render_learned(result).split("\n")) + "</pre>"
