"""Verifiers for the paper's results on a concrete model.

Each verifier returns :class:`Check` rows (hypotheses and conclusions, each with
a numeric residual) computed exactly on the model's distribution with the
project's tolerance, not by statistical tests. A :class:`Verification` passes
when every conclusion that *should* hold does hold:

``theorem-3.1``
    If (X, Y) is unconfounded in the micro model (``P(Y | x) = P(Y | do(x))``),
    the natural realization is confounding-inhibiting. The conclusion is
    required only when the hypothesis holds.
``theorem-3.2``
    Whether the model is a paradoxical example for a realization family: the
    hypotheses (triangle graph, ``|Ȳ| < min(|X|, |Z|)``, ``|X̄| < |X|``, family
    ≠ natural) are reported, and the conclusions ((X, Y) and (X, Ȳ) confounded,
    the family confounding-inhibiting) are required.
``consistency``
    Consistency in the sense of Rubenstein et al. (the paper's appendix A):
    every realization gives the same ``P(Ȳ | do(x̄))``; the residual is the
    width of the ambiguity, the largest range of ``P(ȳ | do(x̄))``. Required.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from discagg.aggregation import Aggregation
from discagg.errors import ModelError
from discagg.paradox import theorem_3_2_hypotheses
from discagg.ranges import effect_bounds
from discagg.realization import RealizationFamily

__all__ = ["CHECKS", "Check", "Verification", "verify"]

CHECKS = ("theorem-3.1", "theorem-3.2", "consistency")


@dataclass(frozen=True)
class Check:
    """One hypothesis or conclusion of a result, evaluated on the model.

    Attributes
    ----------
    result : str
        E.g. ``"theorem-3.1"``.
    kind : str
        ``"hypothesis"`` or ``"conclusion"``.
    statement : str
    holds : bool
    residual : float
        The quantity the decision is based on (a TV distance, a width, a
        cardinality margin), compared with the tolerance.
    required : bool
        For conclusions: whether it must hold for the verification to pass.
    """

    result: str
    kind: str
    statement: str
    holds: bool
    residual: float
    required: bool = False

    @property
    def failed(self) -> bool:
        return self.kind == "conclusion" and self.required and not self.holds


@dataclass(frozen=True)
class Verification:
    """All checks run on one model."""

    model: str
    checks: tuple[Check, ...]

    @property
    def ok(self) -> bool:
        """Every required conclusion holds."""
        return not any(c.failed for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "ok": self.ok,
                "checks": [{"result": c.result, "kind": c.kind, "statement": c.statement, "holds": c.holds,
                            "residual": c.residual, "required": c.required} for c in self.checks]}


def _theorem_3_1(agg: Aggregation) -> list[Check]:
    tol = agg.tolerance.equality
    micro = agg.micro_confounding()
    s = micro.supported
    confounding = float(np.max(micro.effect_tv[s], initial=0.0))
    hypothesis = confounding <= tol
    gap = agg.gap(agg.natural_realization())
    worst = float(np.max(gap.total_variation[gap.defined], initial=0.0))
    return [
        Check("theorem-3.1", "hypothesis", "micro (X, Y) unconfounded: P(Y | x) = P(Y | do(x)) for all x "
              "(residual: max TV)", hypothesis, confounding),
        Check("theorem-3.1", "conclusion", "the natural realization P(X | xbar) is confounding-inhibiting "
              "(residual: max gap)", worst <= tol, worst, required=hypothesis),
    ]


def _is_triangle(agg: Aggregation) -> tuple[bool, str]:
    model, x, y = agg.model, agg.cause, agg.effect
    others = [n for n in model.nodes if n not in (x, y)]
    if len(others) != 1:
        return False, f"the model has {len(model.nodes)} nodes; the theorem's graph has 3"
    z = others[0]
    ok = (set(model.nodes[z].parents) == set() and set(model.nodes[x].parents) == {z}
          and set(model.nodes[y].parents) == {x, z})
    return ok, f"Z = {z!r}"


def _theorem_3_2(agg: Aggregation, family: RealizationFamily | None) -> list[Check]:
    tol = agg.tolerance.equality
    triangle, detail = _is_triangle(agg)
    checks = [Check("theorem-3.2", "hypothesis", f"graph is Z -> X, Z -> Y, X -> Y ({detail})", triangle,
                    0.0 if triangle else 1.0)]
    n_z = agg.model.cardinality(next(n for n in agg.model.nodes if n not in (agg.cause, agg.effect))) \
        if len(agg.model.nodes) == 3 else 0
    differs = None
    if family is not None:
        natural = agg.natural_realization()
        pi = agg.cause_map
        differs = np.array([0.5 * np.abs(natural.weights[pi.fibre(k)] - family.weights[pi.fibre(k)]).sum() > tol
                            for k in range(pi.n_macro)])
    for h in theorem_3_2_hypotheses(agg.cause_map.n_micro, n_z, agg.cause_map.n_macro, agg.effect_map.n_macro,
                                    differs):
        checks.append(Check("theorem-3.2", "hypothesis", f"{h.name} ({h.detail})", h.holds, 0.0 if h.holds else 1.0))
    micro = agg.micro_confounding()
    s = micro.supported
    tv = float(np.max(micro.effect_tv[s], initial=0.0))
    macro_tv = float(np.max(micro.macro_effect_tv[s], initial=0.0))
    checks.append(Check("theorem-3.2", "conclusion", "1. (X, Y) confounded: P(Y | x) != P(Y | do(x)) for some x "
                        "(residual: max TV)", tv > tol, tv, required=True))
    checks.append(Check("theorem-3.2", "conclusion", "1. (X, Ybar) confounded (residual: max TV)", macro_tv > tol,
                        macro_tv, required=True))
    if family is None:
        checks.append(Check("theorem-3.2", "conclusion", "2. the realization family is confounding-inhibiting "
                            "(no family given: pass --realization)", False, float("nan"), required=True))
    else:
        gap = agg.gap(family)
        worst = float(np.max(gap.total_variation[gap.defined], initial=0.0))
        complete = bool((family.defined | ~agg.supported).all())
        checks.append(Check("theorem-3.2", "conclusion", "2. the realization family is confounding-inhibiting for "
                            "every supported xbar (residual: max gap)", worst <= tol and complete, worst,
                            required=True))
    return checks


def _consistency(agg: Aggregation) -> list[Check]:
    bounds = effect_bounds(agg)
    width = max(float((s.upper - s.lower).max()) for s in bounds.states)
    return [Check("consistency", "conclusion", "every realization gives the same P(Ybar | do(xbar)) "
                  "(Rubenstein et al.; residual: largest width of P(ybar | do(xbar)) over realizations)",
                  width <= agg.tolerance.equality, width, required=True)]


def verify(agg: Aggregation, checks: tuple[str, ...] | None = None,
           realization: RealizationFamily | None = None) -> Verification:
    """Run the named checks (default: theorem-3.1, plus theorem-3.2 when a realization is given).

    Raises
    ------
    ModelError
        For an unknown check name.
    """
    if checks is None:
        checks = ("theorem-3.1", "theorem-3.2") if realization is not None else ("theorem-3.1",)
    rows: list[Check] = []
    for name in checks:
        if name == "theorem-3.1":
            rows += _theorem_3_1(agg)
        elif name == "theorem-3.2":
            rows += _theorem_3_2(agg, realization)
        elif name == "consistency":
            rows += _consistency(agg)
        else:
            raise ModelError(None, "--check", f"one of {list(CHECKS)}", repr(name))
    return Verification(agg.model.name, tuple(rows))
