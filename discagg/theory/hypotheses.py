"""Hypotheses of the paper's results, checked on concrete inputs.

:class:`Hypothesis` is one named condition with its verdict;
:func:`theorem_3_2_hypotheses` lists Theorem 3.2's for given cardinalities (the
counterexample generator reports them, ``verify --check theorem-3.2`` checks
them). A construction whose inputs violate a hypothesis it cannot do without
raises :class:`HypothesisError`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from discagg.errors import DiscaggError

__all__ = ["HypothesisError", "Hypothesis", "StatedHypothesisWarning", "theorem_3_2_hypotheses"]


class HypothesisError(DiscaggError, ValueError):
    """The inputs of a construction violate a hypothesis it needs."""


class StatedHypothesisWarning(UserWarning):
    """A construction succeeded although a hypothesis the paper states for it fails."""


@dataclass(frozen=True)
class Hypothesis:
    """One hypothesis of a theorem, checked on concrete inputs.

    ``stated`` is False for a reading the paper gives elsewhere (e.g. the remark
    after Theorem 3.2 writes ``|Y|`` where the theorem writes ``|Ȳ|``): it is
    reported beside the stated one, not counted among the hypotheses.
    """

    name: str
    holds: bool
    detail: str
    stated: bool = True


def theorem_3_2_hypotheses(
    n_x: int, n_z: int, n_x_macro: int, n_y_macro: int, differs: np.ndarray | None = None, *,
    n_y: int | None = None,
) -> list[Hypothesis]:
    """The hypotheses of Theorem 3.2 for given cardinalities.

    ``differs[k]`` says whether the family's realization of macro state ``k``
    differs from the natural one (omitted: not checked). With ``n_y`` (``|Y|``)
    the remark's reading ``|Y| < min(|X|, |Z|)`` is reported too (``stated=False``):
    the theorem states the bound for ``|Ȳ|``, the remark after it for ``|Y|``.

    Examples
    --------
    >>> [h.holds for h in theorem_3_2_hypotheses(3, 3, 1, 2, n_y=4)]
    [True, False, True, True]
    """
    checks = [
        Hypothesis("|Ybar| < min(|X|, |Z|)", n_y_macro < min(n_x, n_z),
                   f"|Ybar| = {n_y_macro}, |X| = {n_x}, |Z| = {n_z}; as the theorem states it"),
    ]
    if n_y is not None:
        checks.append(Hypothesis(
            "|Y| < min(|X|, |Z|)", n_y < min(n_x, n_z),
            f"|Y| = {n_y}; the remark after the theorem reads the bound for |Y|, the theorem for |Ybar|: reported, "
            "not counted", stated=False))
    checks += [
        Hypothesis("|Ybar| >= 2", n_y_macro >= 2,
                   f"|Ybar| = {n_y_macro}; with one macro state P(Ybar | X) = 1 and (X, Ybar) cannot be "
                   "confounded (the paper's statement omits this)"),
        Hypothesis("|Xbar| < |X|", n_x_macro < n_x, f"|Xbar| = {n_x_macro}, |X| = {n_x}"),
    ]
    if differs is not None:
        same = np.flatnonzero(~np.asarray(differs))
        checks.append(Hypothesis(
            "realization differs from the natural one for every xbar", not same.size,
            "it does" if not same.size else f"equal to the natural realization for macro states {same.tolist()}"
            " (a single-state fibre has no other realization)"))
    return checks
