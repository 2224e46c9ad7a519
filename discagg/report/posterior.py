"""The posterior tables: what ``--data --posterior N`` appends to inspect, solve and bounds (also ``str()``).

:func:`posterior_table` builds, for one question, the table the command line
prints below the command's own; it reads a :class:`~discagg.Posterior` (the
draws) or a :class:`~discagg.estimation.summary.PosteriorSummary` (their
summary, as saved in JSON) alike, through the methods they share
(:class:`PosteriorLike`). :func:`render_posterior` is the text the command
prints, :func:`posterior_text` and :func:`posterior_html` lay out every question
a posterior answers (``str()`` and ``_repr_html_``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from discagg.report.tables import Table, as_html, as_text, format_table

if TYPE_CHECKING:
    from discagg.estimation.posterior import Interval

__all__ = ["PosteriorLike", "posterior_table", "render_posterior", "posterior_text", "posterior_html", "span"]


class PosteriorLike(Protocol):
    """What the posterior tables read: the settings of the draws and the intervals per macro state."""

    @property
    def draws(self) -> int: ...
    @property
    def level(self) -> float: ...
    @property
    def seed(self) -> int: ...
    @property
    def prior(self) -> str: ...
    @property
    def ess(self) -> float | None: ...
    @property
    def rows(self) -> int: ...
    @property
    def cause_macro(self) -> tuple[str, ...]: ...
    @property
    def questions(self) -> tuple[str, ...]: ...

    def gap(self, k: int) -> Interval | None: ...
    def irreducible_gap(self, k: int) -> Interval | None: ...
    def p_inhibiting(self, k: int) -> float | None: ...
    def observational(self, k: int) -> Mapping[str, Interval | None]: ...
    def bounds(self, k: int) -> Mapping[str, tuple[Interval | None, Interval | None]]: ...


def span(value: Interval | None, digits: int = 4) -> str:
    """``"mean [lower, upper]"``, ``-`` for None.

    >>> from discagg.estimation.posterior import Interval
    >>> span(Interval(0.5, 0.25, 0.75)), span(None)
    ('0.5000 [0.2500, 0.7500]', '-')
    """
    if value is None:
        return "-"
    return f"{value.mean:.{digits}f} [{value.lower:.{digits}f}, {value.upper:.{digits}f}]"


def _preamble(post: PosteriorLike) -> str:
    ess = f", equivalent sample size {post.ess:g}" if post.prior == "bdeu" and post.ess is not None else ""
    return (f"posterior: {post.draws} draws of the CPTs from {post.rows} rows (prior {post.prior}{ess}; "
            f"seed {post.seed}); {100 * post.level:g}% equal-tailed intervals")


def posterior_table(post: PosteriorLike, question: str) -> Table:
    """The posterior table of ``question`` (``"inspect"``, ``"solve"`` or ``"bounds"``)."""
    rows: list[tuple[str, ...]] = []
    for k, state in enumerate(post.cause_macro):
        if question == "bounds":
            for j, (y, (lo, hi)) in enumerate(post.bounds(k).items()):
                rows.append((state if j == 0 else "", f"P({y})", span(lo), span(hi)))
            continue
        cells = [state]
        if question == "solve":
            p = post.p_inhibiting(k)
            cells += ["-" if p is None else f"{p:.3f}", span(post.irreducible_gap(k))]
        else:
            cells.append(span(post.gap(k)))
        cells.append(" ".join(f"{y}={span(v, 3)}" for y, v in post.observational(k).items()))
        rows.append(tuple(cells))
    if question == "bounds":
        header: tuple[str, ...] = ("xbar", "quantity", "lower bound: mean [interval]", "upper bound: mean [interval]")
    elif question == "solve":
        header = ("xbar", "P(inhibiting)", "irreducible gap: mean [interval]", "P(Ybar | xbar): mean [interval]")
    else:
        header = ("xbar", "gap of the natural realization: mean [interval]", "P(Ybar | xbar): mean [interval]")
    return Table((_preamble(post),), header, tuple(rows))


def render_posterior(post: PosteriorLike | None, question: str) -> str:
    """The posterior table the command appends to its own table ("" without ``--posterior``)."""
    if post is None:
        return ""
    return "\n\n" + as_text(posterior_table(post, question))


def _tables(post: PosteriorLike, questions: Sequence[str] | None) -> list[Table]:
    return [posterior_table(post, q) for q in (post.questions if questions is None else questions)]


def posterior_text(post: PosteriorLike) -> str:
    """Every question's table under one settings line; for one question, exactly what the command prints."""
    tables = _tables(post, None)
    if not tables:
        return _preamble(post)
    return "\n\n".join([as_text(tables[0])] + [format_table(t.header, t.rows) for t in tables[1:]])


def posterior_html(post: PosteriorLike) -> str:
    """:func:`posterior_text` as HTML: the settings line, then a table per question, every cell escaped."""
    tables = _tables(post, None)
    if not tables:
        return as_html(Table((_preamble(post),), (), ()))
    return "".join([as_html(tables[0])] + [as_html(Table((), t.header, t.rows)) for t in tables[1:]])
