"""The tolerance policy: every numerical threshold discagg uses, in one place.

All arithmetic is float64. Decisions that compare floating-point numbers use
the fields of a :class:`Tolerance`, passed explicitly to the functions that
decide (there is no global, mutable setting). :data:`DEFAULT_TOLERANCE` is the
policy used when none is given.

The policy
----------
``normalisation`` (default ``1e-6``)
    A CPT row, or a realization over a fibre, is accepted when its entries sum
    to 1 within this absolute tolerance. Values are stored exactly as given (a
    row summing to ``1 - 5e-7`` is *not* renormalised), so saving a model
    reproduces the file. Derived distributions are normalised instead: the
    conditionals ``P(Ȳ | x̄)`` by construction and each row ``P(Y | do(X = x))``
    of the interventional kernel explicitly, so a CPT off by up to this
    tolerance (BIF files are often rounded to 8 decimals) cannot show up as a
    confounding gap.
``support`` (default ``1e-12``)
    A probability at or below this value counts as zero when deciding support:
    a macro state ``x̄`` with ``P(x̄) <= support`` is *unsupported*, so no
    conditional given it is formed and nothing divides by (almost) zero.
``equality`` (default ``1e-9``)
    Two distributions are equal when their total-variation distance is at most
    this. It decides "confounded or not" and "inhibiting or not". A certificate
    of infeasibility must separate by more than this (its margin is twice the
    gap, which exceeds this for every infeasible state).

Examples
--------
>>> from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance
>>> DEFAULT_TOLERANCE.equality
1e-09
>>> strict = Tolerance(equality=1e-12)
>>> strict.normalisation
1e-06
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Tolerance", "DEFAULT_TOLERANCE"]


@dataclass(frozen=True)
class Tolerance:
    """Numerical thresholds for discagg's decisions (see module docstring).

    Parameters
    ----------
    normalisation : float
        Accepted absolute deviation of a distribution's sum from 1.
    support : float
        Probabilities at or below this count as zero for support decisions.
    equality : float
        Total-variation distance at or below which two distributions are equal.
    """

    normalisation: float = 1e-6
    support: float = 1e-12
    equality: float = 1e-9

    def __post_init__(self) -> None:
        for name in ("normalisation", "support", "equality"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and 0.0 <= float(value) < 1.0):
                raise ValueError(f"Tolerance.{name} must be a number in [0, 1), got {value!r}")


DEFAULT_TOLERANCE = Tolerance()
