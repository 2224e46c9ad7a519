"""The pieces of short reprs: names cut to a width, name lists cut to a budget, compact numbers.

A result's ``repr`` is one line that stays short: it shows counts, never an
array; names longer than a width are cut with ``...``; lists of names stop when
their budget is spent and say how many were left out; and :func:`fit` cuts the
names harder until the line is under :data:`LIMIT` characters (or they are down
to a few characters each).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from discagg.errors import printable

__all__ = ["LIMIT", "fit", "quoted", "plain", "listing", "tally", "compact", "numbers"]

LIMIT = 120  # a repr is shorter than this whenever cutting names can make it so
_WIDTHS = (32, 24, 16, 8)


def fit(make: Callable[[int], str]) -> str:
    """``make(width)`` for the largest width of names (32, 24, 16, 8) giving fewer than :data:`LIMIT` characters.

    >>> fit(lambda w: "X(" + plain("n" * 100, w) + ")")
    'X(nnnnnnnnnnnnnnnnnnnnnnnnnnnnn...)'
    >>> len(fit(lambda w: plain("a" * 200, w) + plain("b" * 200, w) + plain("c" * 200, w) + "d" * 60))
    108
    """
    text = ""
    for width in _WIDTHS:
        text = make(width)
        if len(text) < LIMIT:
            break
    return text


def quoted(name: str, width: int = 32) -> str:
    """``repr(name)``, cut to ``width`` characters (keeping the closing quote).

    >>> quoted("Lipids")
    "'Lipids'"
    >>> quoted("a" * 50, width=12)
    "'aaaaaaa...'"
    """
    text = repr(name)
    if len(text) <= width:
        return text
    return text[: max(width - 4, 2)] + "..." + text[0]


def plain(name: str, width: int = 32) -> str:
    """``name`` without quotes, unprintable characters escaped, cut to ``width`` characters.

    >>> plain("HeartDisease")
    'HeartDisease'
    >>> plain("x" * 40, width=10)
    'xxxxxxx...'
    >>> plain("a\\nb")
    'a\\\\nb'
    """
    text = printable(name)
    if len(text) <= width:
        return text
    return text[: max(width - 3, 1)] + "..."


def listing(names: Iterable[str], budget: int = 40) -> str:
    """Names joined by ``", "`` until ``budget`` characters are spent, then how many more.

    >>> listing(["low", "medium", "high"])
    'low, medium, high'
    >>> listing([f"state{i}" for i in range(100)], budget=20)
    'state0, state1 (+98 more)'
    """
    items = [plain(n, budget) for n in names]
    shown: list[str] = []
    used = 0
    for item in items:
        cost = len(item) + (2 if shown else 0)
        if shown and used + cost > budget:
            break
        shown.append(item)
        used += cost
    text = ", ".join(shown)
    if len(shown) < len(items):
        text += f" (+{len(items) - len(shown)} more)"
    return text


def tally(statuses: Iterable[str]) -> str:
    """How many of each status, in order of first appearance.

    >>> tally(["infeasible", "inhibiting", "infeasible"])
    '2 infeasible, 1 inhibiting'
    """
    counts: dict[str, int] = {}
    for status in statuses:
        counts[status] = counts.get(status, 0) + 1
    return ", ".join(f"{n} {plain(status, 16)}" for status, n in counts.items())


def compact(value: float | None) -> str:
    """Four significant digits, ``-`` for None.

    >>> compact(0.21000000000000002), compact(1e-20), compact(None)
    ('0.21', '1e-20', '-')
    """
    return "-" if value is None else f"{value:.4g}"


def numbers(values: Iterable[float], shown: int = 3) -> str:
    """The first ``shown`` values to four significant digits in brackets, then how many more.

    >>> numbers([0.0, 1.5, 2.25])
    '[0, 1.5, 2.25]'
    >>> numbers(range(100))
    '[0, 1, 2 (+97 more)]'
    """
    items = [float(v) for v in values]
    text = ", ".join(f"{v:.4g}" for v in items[:shown])
    more = f" (+{len(items) - shown} more)" if len(items) > shown else ""
    return f"[{text}{more}]"
