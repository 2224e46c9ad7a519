"""Exception and warning types raised by discagg.

Every error caused by bad input is a :class:`ModelError`, which subclasses
:class:`ValueError`. Its message is one line naming where the problem is (the
file and the key path inside it), what was expected and what was found::

    model.json: nodes.Y.cpt[3][1]: expected a probability in [0, 1], found -0.2

"Infeasible" and "unsupported" are *statuses* in results, never exceptions. A
numerical solver that fails is a :class:`SolverError`, never a silent "no".
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "DiscaggError",
    "ModelError",
    "RealizationError",
    "SolverError",
    "AssumptionWarning",
    "CoarseningWarning",
    "UnrepresentableNumber",
    "describe",
    "preview",
    "printable",
]


class DiscaggError(Exception):
    """Base class of every exception discagg raises on purpose."""


class ModelError(DiscaggError, ValueError):
    """A model, a coarsening, a query or a file describing one is invalid.

    Parameters
    ----------
    source : str or None
        Where the input came from (a file name, or ``None`` for Python objects).
    path : str or None
        Key path inside the input, e.g. ``"nodes.Y.cpt[3][1]"``.
    expected : str
        What a valid input has at that place.
    found : str or None
        What was found instead.

    Examples
    --------
    >>> err = ModelError("m.json", "nodes.Y.cpt[0]", "entries summing to 1", "sum 0.9")
    >>> str(err)
    'm.json: nodes.Y.cpt[0]: expected entries summing to 1, found sum 0.9'
    >>> isinstance(err, ValueError)
    True
    """

    def __init__(
        self,
        source: str | None,
        path: str | None,
        expected: str,
        found: str | None = None,
    ) -> None:
        self.source = source
        self.path = path
        self.expected = expected
        self.found = found
        super().__init__(self._format())

    def _format(self) -> str:
        where = [part for part in (self.source, self.path) if part]
        message = f"expected {self.expected}"
        if self.found is not None:
            message += f", found {self.found}"
        return printable(": ".join([*where, message]))

    def with_source(self, source: str) -> "ModelError":
        """Return a copy of this error that names ``source`` as its origin."""
        return type(self)(source, self.path, self.expected, self.found)


class RealizationError(ModelError):
    """A realization family is not a distribution over each fibre."""


class SolverError(DiscaggError, RuntimeError):
    """A numerical solver failed (as opposed to reporting infeasibility)."""


class AssumptionWarning(UserWarning):
    """A query outside an assumption the paper makes (e.g. Assumption 1: no directed path inside a cause group)."""


class CoarseningWarning(UserWarning):
    """A coarsening is legal but unusual, e.g. it merges no micro states."""


class UnrepresentableNumber(str):
    """A JSON number outside float64's finite range (``1e400``, ``NaN``, a 400-digit integer), kept as its text.

    The JSON readers produce it instead of a number, so that the validators
    reject it with its key path, as they would a string.
    """


def preview(names: Iterable[object], limit: int = 12) -> str:
    """A list of names for a message, cut after ``limit`` so that a 1,000-node model's error stays short.

    >>> preview(["a", "b"])
    "['a', 'b']"
    >>> preview([f"n{i}" for i in range(30)], limit=3)
    "['n0', 'n1', 'n2', ... (30 in all)]"
    """
    items = list(names)
    if len(items) <= limit:
        return repr(items)
    return repr(items[:limit])[:-1] + f", ... ({len(items)} in all)]"


def printable(text: str) -> str:
    """``text`` with every unprintable character escaped, so that a message stays on one line.

    >>> printable("a\\nb\\udc80")
    'a\\\\nb\\\\udc80'
    """
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def describe(value: object, limit: int = 60) -> str:
    """Describe a JSON-like value for an error message: its type and a short repr.

    >>> describe("abc")
    "str 'abc'"
    >>> describe([1, 2])
    'list [1, 2]'
    """
    if isinstance(value, UnrepresentableNumber):
        return f"the number {value[:20]}{'...' if len(value) > 20 else ''} (outside float64's finite range)"
    text = repr(value)
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"{type(value).__name__} {text}"
