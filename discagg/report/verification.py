"""The table of a :class:`~discagg.Verification`: what ``discagg verify`` prints, as text or HTML.

The main table has an ``exactly`` column when the checks were redone in
rational arithmetic (``verify --exact``: every row then records
``holds_exactly``). Theorem 4.1's adjusted effects follow as tables of their
own, then the summary sentence, then the line saying how many witness SCMs were
found (``verify`` without ``--save-witnesses``; with it, the command says what
it wrote instead).
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import numpy as np

from discagg.errors import printable
from discagg.report.tables import Table, as_html, format_table

if TYPE_CHECKING:
    from discagg.theory.checks import Check, Verification

__all__ = ["WITNESS_ROLES", "witnesses", "found_line", "verification_table", "adjusted_tables", "render_verification",
           "verification_html"]

WITNESS_ROLES = {"holds": "a compatible SCM where the condition holds",
                 "fails": "a compatible SCM where the condition fails"}


def witnesses(result: Verification) -> list[tuple[str, str, Any]]:
    """(file name, role, scm-v1 document) of every witness in the verification's details."""
    found = []
    for check in result.checks:
        detail = check.detail or {}
        for role, witness in (detail.get("witnesses") or {}).items():
            if witness is not None:
                found.append((f"{check.result}-{role}.json", WITNESS_ROLES[role], witness["scm"]))
        if detail.get("witness") is not None:
            found.append((f"{check.result}.json", "a macro causal model reproducing P(Xbar, Ybar) and "
                          "P(Ybar | do(xbar))", detail["witness"]["scm"]))
    return found


def _exact(result: Verification) -> bool:
    return any(c.holds_exactly is not None for c in result.checks)


def _verdict(c: Check) -> str:
    return "holds" if c.holds else ("FAILS" if c.failed else "lacking" if c.not_witnessed else "does not hold")


def verification_table(result: Verification, exact: bool | None = None) -> Table:
    """The main table of ``discagg verify`` (``exact``: with the ``exactly`` column; default: when recorded)."""
    exact = _exact(result) if exact is None else exact
    header = ("result", "kind", "verdict", "residual") + (("exactly",) if exact else ()) + ("statement",)
    rows = tuple((c.result, c.kind, _verdict(c), f"{c.residual:.3g}")
                 + ((("yes" if c.holds_exactly else "no"),) if exact else ()) + (c.statement,)
                 for c in result.checks)
    return Table((f"model {result.model}",), header, rows)


def _adjusted(result: Verification) -> list[tuple[str, Table]]:
    """Theorem 4.1's tables: (title line, table) for the chosen set and, if any, the other valid sets."""
    if not result.adjusted:
        return []
    first, others = result.adjusted[0], result.adjusted[1:]

    def cells(table: Any, i: int) -> str:
        return " ".join(f"{y}={float(table[i, j]):.3f}" for j, y in enumerate(result.effect_states))

    rows = tuple((x, cells(first.estimate, i), cells(first.realization_effect, i)) if first.defined[i]
                 else (x, "undefined (P(xbar, b) = 0 for some b with P(b) > 0)", "-")
                 for i, x in enumerate(result.cause_states))
    tables = [(f"adjustment set B = {list(first.adjust)}; (15) residual {float(first.condition_15):.3g}",
               Table((), ("xbar", "sum_b P(Ybar | xbar, b) P(b)", "effect of P(X | xbar, b)"), rows))]
    if others:
        more = []
        for other in others:
            both = np.asarray(first.defined & other.defined, dtype=bool)
            gap = (np.abs(np.asarray(first.estimate, dtype=float) - np.asarray(other.estimate, dtype=float))
                   .sum(axis=1)[both] / 2)
            more.append((", ".join(other.adjust) or "(empty)", f"{gap.max(initial=0.0):.3g}",
                         f"{float(other.condition_15):.3g}"))
        tables.append(("the other valid back-door sets (--json lists their estimands)",
                       Table((), ("B", "max TV to B's estimand", "(15) residual"), tuple(more))))
    return tables


def adjusted_tables(result: Verification) -> str:
    """Theorem 4.1's back-door estimand and its realization's effect for the chosen set, and how the others compare."""
    return "".join(f"\n\n{title}\n" + format_table(t.header, t.rows) for title, t in _adjusted(result))


def _closing(result: Verification, exact: bool) -> str:
    text = result.summary()
    if exact:
        within = [c for c in result.checks if c.holds and not c.holds_exactly]
        text += ("; every statement that holds also holds exactly (rational arithmetic)" if not within else
                 f"; {len(within)} statement(s) hold only within the tolerance, not exactly")
    return text


def found_line(result: Verification) -> str:
    """How many witness SCMs were found and how to get them (empty when none)."""
    found = witnesses(result)
    if not found:
        return ""
    return (f"{len(found)} witness SCM(s) found ("
            + ", ".join(sorted({name.removesuffix('.json') for name, _, _ in found}))
            + "); --save-witnesses DIR writes them, --json prints them")


def render_verification(result: Verification, *, exact: bool | None = None, witness_text: str | None = None) -> str:
    """The text ``discagg verify`` prints (and ``str()`` of the result).

    ``witness_text`` replaces the closing line on witnesses (``verify --save-witnesses`` says what it
    wrote); by default it says how many were found, as ``verify`` without that option does.
    """
    exact = _exact(result) if exact is None else exact
    table = verification_table(result, exact)
    text = (f"model {result.model}\n\n" + format_table(table.header, table.rows) + adjusted_tables(result)
            + "\n\n" + _closing(result, exact))
    if witness_text is None:
        line = found_line(result)
        witness_text = "\n" + line if line else ""
    return text + witness_text


def verification_html(result: Verification) -> str:
    """The same tables as HTML, every cell escaped, the summary and witness line below them."""
    parts = [as_html(verification_table(result))]
    for title, table in _adjusted(result):
        parts.append(as_html(Table((title,), table.header, table.rows)))
    notes = [_closing(result, _exact(result)), found_line(result)]
    parts.extend(f"<p>{html.escape(printable(note))}</p>" for note in notes if note)
    return "<div>" + "".join(parts) + "</div>"
