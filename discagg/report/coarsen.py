"""The text of a :class:`~discagg.CoarseningSearch` and a :class:`~discagg.CausalPartition`, as ``discagg coarsen`` prints them.

:func:`search_table` and :func:`causal_table` build a
:class:`~discagg.report.tables.Table` once; :func:`render_search` and
:func:`render_causal` lay it out as ``discagg coarsen`` (``--causal-partition``)
prints it, which is also ``str()`` of the result, and :func:`search_html` /
:func:`causal_html` as HTML, every cell escaped. The line on ``--out`` is the
command's (with ``out``); without it, the text says what ``--out`` would write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from discagg.report.tables import Table, as_html, format_distribution, format_table

if TYPE_CHECKING:
    from discagg.search.causal import CausalPartition
    from discagg.search.coarsen import CoarseningSearch

__all__ = ["OBJECTIVES", "search_table", "render_search", "search_html", "causal_table", "render_causal",
           "causal_html"]

OBJECTIVES = {
    "confounding": "total irreducible macro confounding, sum over xbar of P(xbar) gap(xbar) (0: every macro state "
                   "has a confounding-inhibiting realization)",
    "ambiguity": "total width of the reachable P(Ybar | do(xbar)), sum over xbar of the largest range of "
                 "P(Ybar = ybar | do(xbar)) (0: every do(xbar) means one thing)",
    "abstraction": "abstraction error with the best macro mechanism, the largest over xbar (0: an exact "
                   "transformation)",
}


def _members(names: tuple[str, ...], limit: int = 6) -> str:
    if len(names) <= limit:
        return " ".join(names)
    return " ".join(names[:limit]) + f" ... ({len(names)} in all)"


def _describe_search(result: CoarseningSearch) -> str:
    k, n = result.k, result.n_atoms
    what = "runs" if result.contiguous else "partitions"
    count = (f"C({n} - 1, {k} - 1) = {result.candidates}" if result.contiguous
             else f"S({n}, {k}) = {result.candidates}")
    timing = f"{result.evaluated} fibre terms, {result.seconds:.2f} s"
    if result.method == "dynamic-programming":
        return f"search: dynamic programming over breakpoints, exact over all {count} {what} ({timing})"
    if result.method == "exhaustive":
        return f"search: exhaustive, every one of the {count} {what} (recursion over subsets; {timing})"
    if result.method == "trivial":
        return f"search: the only candidate ({count}; {timing})"
    if result.method == "causal-partition":
        return (f"search: none needed: the causal partition has {result.causal_classes} classes over the atoms, "
                f"at most K, so a refinement of it into {k} macro states has ambiguity 0 ({timing})")
    return (f"search: heuristic over the {count} {what}: agglomerative merging and local search from it and from "
            f"random restarts ({timing})")


def search_table(result: CoarseningSearch, out: str | None = None) -> Table:
    """The table of ``discagg coarsen``, the lines above it and the lines below it."""
    atoms = (f"{result.n_atoms} micro states" if result.atoms == "micro"
             else f"{result.n_atoms} macro states of its map, merged whole")
    ys = result.effect_states
    effect_states = ", ".join(ys[:6]) + (" ..." if len(ys) > 6 else "")
    metric = ""
    if result.metric is not None:
        metric = " (Jensen-Shannon divergence, bits)" if result.metric == "jsd" else " (total variation)"
    preamble = (f"coarsen: model {result.model}; cause {result.cause} ({atoms}) into {result.k} macro states; "
                f"effect {result.effect} ({len(ys)} macro states: {effect_states})",
                f"objective {result.objective}{metric}: {OBJECTIVES[result.objective]}",
                _describe_search(result),
                f"value {result.value:.6f}; certified lower bound {result.lower_bound:.6f} ({result.bound}); "
                + ("optimal" if result.optimal else "NOT proved optimal"))
    if result.objective == "confounding":
        header = ["xbar", "micro states", "P(xbar)", "gap(TV)", "P(xbar) gap"]
        rows = [[s.state, _members(s.micro), f"{s.probability:.4f}", "-" if s.measure is None else f"{s.measure:.4f}",
                 f"{s.term:.6f}"] for s in result.states]
    elif result.objective == "ambiguity":
        header = ["xbar", "micro states", "P(xbar)", "width"]
        rows = [[s.state, _members(s.micro), f"{s.probability:.4f}", f"{s.term:.6f}"] for s in result.states]
    else:
        header = ["xbar", "micro states", "P(xbar)", "error", "lower bound"]
        rows = [[s.state, _members(s.micro), f"{s.probability:.4f}", f"{s.term:.6f}", f"{s.lower_bound:.6f}"]
                for s in result.states]
    if result.atoms == "macro":
        header.insert(2, "merges")
        for row, s in zip(rows, result.states):
            row.insert(2, " ".join(s.atoms))
    notes = []
    if result.given is not None:
        notes.append(f"the cause's own map ({result.given.k} macro states): {result.given.value:.6f}")
    if result.causal_classes is None:
        notes.append("causal partition: an atom mixes causal classes, so no coarsening over these atoms has "
                     "ambiguity 0")
    else:
        notes.append(f"causal partition: {result.causal_classes} classes over the atoms (ambiguity 0 needs K >= "
                     f"{result.causal_classes}; discagg coarsen --causal-partition lists them)")
    if result.cause_option is not None:
        notes.append(f"as --cause: {result.cause_option}")
    if out is not None:
        notes.append(f"wrote {out}: the model with this map and query (discagg solve {out})")
    elif result.cause_option is None:
        notes.append("--out FILE writes the model with this map as the cause's (a table map), for solve and inspect")
    return Table(preamble, tuple(header), tuple(tuple(row) for row in rows), tuple(notes))


def _lines(table: Table) -> str:
    """Preamble, a blank line, the table, a blank line, the notes unwrapped (as ``coarsen`` prints them)."""
    return "\n".join([*table.preamble, "", format_table(table.header, table.rows), "", *table.notes])


def render_search(result: CoarseningSearch, out: str | None = None) -> str:
    """The text ``discagg coarsen`` prints (``out``: the ``--out`` file it wrote)."""
    return _lines(search_table(result, out))


def search_html(result: CoarseningSearch) -> str:
    """The same table as HTML, every cell escaped."""
    return as_html(search_table(result))


def causal_table(part: CausalPartition, out: str | None = None) -> Table:
    """The table of ``discagg coarsen --causal-partition``."""
    rows = []
    for c in range(part.n_classes):
        members = tuple(s for s, label in zip(part.micro_states, part.labels.tolist()) if label == c)
        rows.append((f"c{c}", _members(members),
                     format_distribution(dict(zip(part.effect_states, part.kernel[c].tolist()))),
                     f"{part.widths[c]:.2e}"))
    preamble = (f"causal partition: model {part.model}; cause {part.cause} ({len(part.micro_states)} micro states), "
                f"effect {part.effect}",
                f"{part.n_classes} classes: micro states with equal P(Ybar | do(X = x)) (within the tolerance, linked "
                "transitively); every coarsening in which each do(xbar) means one thing refines it")
    notes = ["clean: every class's width is within the tolerance" if part.clean else
             "NOT clean: a chain of nearly equal rows makes a class wider than the tolerance"]
    if out is not None:
        notes.append(f"wrote {out}: the model with the classes as the cause's macro states")
    return Table(preamble, ("class", "micro states", "P(Ybar | do(x))", "width"), tuple(rows), tuple(notes))


def render_causal(part: CausalPartition, out: str | None = None) -> str:
    """The text ``discagg coarsen --causal-partition`` prints."""
    return _lines(causal_table(part, out))


def causal_html(part: CausalPartition) -> str:
    """The same table as HTML, every cell escaped."""
    return as_html(causal_table(part))
