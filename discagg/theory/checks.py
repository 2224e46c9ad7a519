"""Verifiers for the paper's results on a concrete model.

Each verifier returns :class:`Check` rows, each with a numeric residual,
computed exactly on the model's distribution with the project's tolerance, not
by statistical tests. A row is one of four kinds, and the kinds say what a
failure means:

- ``hypothesis``: a premise of a theorem, reported (a failed one is no error);
- ``conclusion``: what a theorem asserts when its hypotheses hold; a required
  conclusion that fails would contradict the theorem (:attr:`Check.failed`);
- ``witness``: a property the model must have to be an *example* of an
  existence statement (Theorem 3.2 asserts that such models exist and says
  nothing about any given one), so a failure means "not a witness";
- ``property``: a property reported with its size (consistency), never a
  failure;
- ``remark``: a reading of a hypothesis that the paper gives elsewhere (the
  remark after Theorem 3.2 bounds ``|Y|`` where the theorem bounds ``|Ȳ|``),
  reported beside the stated one and not counted.

A :class:`Verification` passes when no required conclusion fails and every
witness property asked for holds:

``theorem-3.1``
    If (X, Y) is unconfounded in the micro model (``P(Y | x) = P(Y | do(x))``),
    the natural realization is confounding-inhibiting. The conclusion is
    required only when the hypothesis holds.
``theorem-3.2``
    Whether the model is a *witness* of the theorem for a realization family:
    the witness properties ((X, Y) and (X, Ȳ) confounded, the family
    confounding-inhibiting) are checked, and the hypotheses (triangle graph,
    ``|Ȳ| < min(|X|, |Z|)`` as the theorem states it and ``|Y| < min(|X|, |Z|)``
    as the remark after it reads, ``|X̄| < |X|``, family ≠ natural) reported.
``lemma-10``
    On a chain X → Y → Z: condition (12) ``X̄ ⊥ Z̄ | Ȳ``, whether ``do(ȳ)`` by
    ``P(Y | ȳ)`` and by ``P(Y | ȳ, x̄)`` give the same effect on Z̄ (required when
    (12) holds), and the lemma's equivalence of the two (required).
``theorem-4.1``
    For the query's (cause, effect) and an adjustment set B̄ of macro variables
    (default: every node that is neither a descendant of the cause nor the
    effect): that P(X̄_1, ..., X̄_n) is Markov relative to the macro graph Ḡ
    (exact local conditional independences), the back-door criterion for B̄ in
    Ḡ, condition (15) in the distributional form the proof uses,
    ``P(X̄_j | do(x_i), b̄) = P(X̄_j | x_i, b̄)`` (the paper prints ``(X̄_i)_{x_i}``
    in (15); ``(X̄_j)_{x_i}`` is meant, as its own gloss says), and equality
    (13) for the realization ``P(X_i | x̄_i, b̄)`` (required when every
    hypothesis holds). Every valid back-door set of Ḡ is then found, and the
    estimands ``Σ_b̄ P(X̄_j | x̄_i, b̄) P(b̄)`` of the valid sets are required
    to agree when P(X̄) is Markov relative to Ḡ, as are the realizations'
    effects over the sets where (15) holds (the remark after the theorem);
    :attr:`Verification.adjusted` holds them.
``lemma-11``
    Theorem 4.1 on the paper's Figure 5 (X → Y, X → Z, Y → Z, intervening on Y
    with effect Z, B = {X̄}), plus that graph as a hypothesis.
``consistency``
    Consistency in the sense of Rubenstein et al. (the paper's appendix A):
    whether every realization gives the same ``P(Ȳ | do(x̄))``, a property
    reported with its width (the largest range of ``P(ȳ | do(x̄))``), never a
    failure: the paper's own appendix-A model is inconsistent by design.
``condition-14``, ``condition-15``
    Conditions (14) and (15) as the counterfactual statements they are, decided on a
    given SCM (``scm=``) or over every SCM compatible with the CPTs, with witness SCMs
    (:mod:`discagg.theory.counterfactual_checks`).
``appendix-d``
    Whether a macro causal model with a macro confounder reproduces ``P(X̄, Ȳ)`` and
    ``P(Ȳ | do(x̄))`` for the realization family (default: the natural one); the natural
    bounds decide it (:mod:`discagg.theory.macro_scm`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np

from discagg.core.aggregation import Aggregation, natural_weights
from discagg.core.inference import interventional, marginal, rational
from discagg.core.model import CausalModel
from discagg.core.realization import RealizationFamily
from discagg.errors import ModelError
from discagg.report.short import fit, quoted
from discagg.theory.adjustment import (
    SET_SEARCH_LIMIT,
    AdjustedEffect,
    adjusted_effect,
    backdoor_sets,
    display_name,
    markov_residual,
)
from discagg.theory.check_names import CHECKS
from discagg.theory.graphs import macro_graph, satisfies_backdoor
from discagg.theory.hypotheses import theorem_3_2_hypotheses

if TYPE_CHECKING:
    from discagg.core.scm import StructuralModel

__all__ = ["CHECKS", "Check", "Verification", "verify", "resolve_adjustment"]




@dataclass(frozen=True)
class Check:
    """One hypothesis or conclusion of a result, evaluated on the model.

    Attributes
    ----------
    result : str
        E.g. ``"theorem-3.1"``.
    kind : str
        ``"hypothesis"``, ``"conclusion"``, ``"witness"``, ``"property"`` or ``"remark"``
        (see the module docstring).
    statement : str
    holds : bool
    residual : float
        The quantity the decision is based on (a TV distance, a width, a
        cardinality margin), compared with the tolerance.
    required : bool
        For conclusions: whether it must hold for the verification to pass.
    holds_exactly : bool or None
        With ``exact=True``: whether the statement holds in rational arithmetic
        (the model's float CPT entries taken as the rationals they are; equalities
        must then hold with zero residual).
    detail : mapping or None
        JSON-ready particulars of a row (the counterfactual checks' verdicts and witness SCMs).
    """

    result: str
    kind: str
    statement: str
    holds: bool
    residual: float
    required: bool = False
    holds_exactly: bool | None = None
    detail: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)

    @property
    def failed(self) -> bool:
        """A required conclusion that does not hold (it would contradict the theorem)."""
        return self.kind == "conclusion" and self.required and not self.holds

    @property
    def not_witnessed(self) -> bool:
        """A witness property that the model does not have."""
        return self.kind == "witness" and not self.holds


@dataclass(frozen=True)
class Verification:
    """All checks run on one model, and Theorem 4.1's adjusted effects when it was checked.

    Attributes
    ----------
    model : str
    checks : tuple of Check
    adjusted : tuple of AdjustedEffect
        One per valid back-door set examined (the chosen set first).
    cause_states, effect_states : tuple of str
        Labels of the rows and columns of the adjusted effects.
    """

    model: str
    checks: tuple[Check, ...]
    adjusted: tuple[AdjustedEffect, ...] = ()
    cause_states: tuple[str, ...] = ()
    effect_states: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return fit(lambda width: f"Verification(model={quoted(self.model, width)}, {len(self.checks)} checks, "
                   f"ok={self.ok})")

    @property
    def ok(self) -> bool:
        """No required conclusion fails, and every witness property holds."""
        return not any(c.failed or c.not_witnessed for c in self.checks)

    def summary(self) -> str:
        """One sentence on the outcome, in the terms of the results checked."""
        parts = []
        failed = [c for c in self.checks if c.failed]
        if failed:
            parts.append(f"{len(failed)} conclusion(s) that should hold do not: "
                         + "; ".join(f"{c.result}: {c.statement}" for c in failed))
        witness = [c for c in self.checks if c.kind == "witness"]
        for result in dict.fromkeys(c.result for c in witness):
            rows = [c for c in witness if c.result == result]
            hypotheses = [c for c in self.checks if c.result == result and c.kind == "hypothesis" and not c.holds]
            if all(c.holds for c in rows):
                scope = ("inside the theorem's stated hypotheses" if not hypotheses else
                         "outside the theorem's hypotheses (" + "; ".join(c.statement for c in hypotheses) + ")")
                parts.append(f"the model is a witness of {result}, {scope}")
            else:
                parts.append(f"the model is not a witness of {result} (the theorem asserts that witnesses exist "
                             "and makes no claim about this model): it lacks "
                             + "; ".join(c.statement for c in rows if not c.holds))
        for c in self.checks:
            if c.kind == "property":
                parts.append(f"{c.result} is a property, reported: "
                             + ("it holds" if c.holds else f"it does not hold, width {c.residual:.3g}"))
        if not failed and any(c.kind == "conclusion" for c in self.checks):
            parts.insert(0, "every required conclusion holds")
        return "; ".join(parts) if parts else "nothing to report"

    def __str__(self) -> str:
        """The text ``discagg verify`` prints (its ``exactly`` column when the checks were redone exactly)."""
        from discagg.report.verification import render_verification

        return render_verification(self)

    def _repr_html_(self) -> str:
        from discagg.report.verification import verification_html

        return verification_html(self)

    def __eq__(self, other: object) -> bool:
        """Equal checks (``detail`` included, a NaN residual equal to a NaN) and adjusted effects.

        Rows of the adjusted effects where positivity fails (``defined`` false) are meaningless and
        not compared; the others are compared as float64 values (the JSON's).
        """
        if not isinstance(other, Verification):
            return NotImplemented
        return (self.model == other.model and self.cause_states == other.cause_states
                and self.effect_states == other.effect_states
                and len(self.checks) == len(other.checks)
                and all(_same_check(a, b) for a, b in zip(self.checks, other.checks))
                and len(self.adjusted) == len(other.adjusted)
                and all(_same_adjusted(a, b) for a, b in zip(self.adjusted, other.adjusted)))

    __hash__ = None  # type: ignore[assignment]  # mutable arrays inside; equality is by value

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Verification:
        """The Verification whose :meth:`to_dict` (``discagg verify --json``) is ``document``.

        Raises
        ------
        ModelError
            Naming the key path of the first entry that is not as :meth:`to_dict` writes it.
        """
        from discagg.theory.saved import verification_from_dict

        return verification_from_dict(document)

    def to_dict(self) -> dict[str, Any]:
        """The ``discagg verify --json`` document (a NaN residual is written as null).

        ``cause_states`` and ``effect_states`` are written with the adjusted effects; a row of them
        where positivity fails is null.
        """
        doc: dict[str, Any] = {
            "model": self.model, "ok": self.ok,
            "checks": [{"result": c.result, "kind": c.kind, "statement": c.statement, "holds": c.holds,
                        "residual": None if math.isnan(c.residual) else c.residual, "required": c.required,
                        "holds_exactly": c.holds_exactly, **({"detail": c.detail} if c.detail is not None else {})}
                       for c in self.checks]}
        if self.adjusted:
            doc["cause_states"], doc["effect_states"] = list(self.cause_states), list(self.effect_states)
            doc["adjusted"] = [
                {"adjust": list(a.adjust), "condition_15": float(a.condition_15),
                 "condition_13": float(a.condition_13),
                 "estimate": {x: ({y: float(a.estimate[i, j]) for j, y in enumerate(self.effect_states)}
                                  if a.defined[i] else None) for i, x in enumerate(self.cause_states)},
                 "realization_effect": {x: ({y: float(a.realization_effect[i, j])
                                             for j, y in enumerate(self.effect_states)} if a.defined[i] else None)
                                        for i, x in enumerate(self.cause_states)}}
                for a in self.adjusted]
        return doc


def _same_check(a: Check, b: Check) -> bool:
    both_nan = math.isnan(a.residual) and math.isnan(b.residual)
    return (a == b or (both_nan and replace(a, residual=0.0) == replace(b, residual=0.0))) and _plain(a.detail) == _plain(b.detail)


def _plain(detail: Mapping[str, Any] | None) -> Any:
    """A detail as its JSON reads back (tuples as lists)."""
    return None if detail is None else json.loads(json.dumps(detail))


def _same_adjusted(a: AdjustedEffect, b: AdjustedEffect) -> bool:
    defined = np.asarray(a.defined, dtype=bool)
    if a.adjust != b.adjust or not np.array_equal(defined, np.asarray(b.defined, dtype=bool)):
        return False
    return (float(a.condition_15) == float(b.condition_15) and float(a.condition_13) == float(b.condition_13)
            and all(np.array_equal(np.asarray(p, dtype=float)[defined], np.asarray(q, dtype=float)[defined])
                    for p, q in ((a.estimate, b.estimate), (a.realization_effect, b.realization_effect))))


class _Quantities:
    """The macro quantities the checks compare, in float64 or exactly (object arrays of Fractions).

    In exact mode the decisions use zero tolerance: an equality holds only with
    a zero residual.
    """

    def __init__(self, agg: Aggregation, exact: bool) -> None:
        self.pi_x, self.pi_y = agg.cause_map, agg.effect_map
        if exact:
            self.joint, self.kernel = agg.tables(exact=True)
            self.tol: float = 0
            self.support: float = 0
        else:
            self.joint, self.kernel = agg.joint, agg.kernel
            self.tol, self.support = agg.tolerance.equality, agg.tolerance.support
        self.exact = exact
        self.p_x = self.joint.sum(axis=1)
        self.p_macro = self.pi_x.push_forward(self.p_x)
        self.supported = np.asarray(self.p_macro > self.support, dtype=bool)
        self.macro_kernel = self.pi_y.push_forward(self.kernel, axis=1)
        macro_joint = self.pi_x.push_forward(self.pi_y.push_forward(self.joint, axis=1), axis=0)
        self.observational, _ = _conditional(macro_joint, self.support)

    def micro_tv(self) -> tuple[float | Fraction, float | Fraction]:
        """Largest TV between P(Y | x) and P(Y | do(x)), and between their Ȳ versions."""
        conditional, mask = _conditional(self.joint, self.support)
        macro_conditional = self.pi_y.push_forward(conditional, axis=1)
        return (_tv_max(conditional, self.kernel, mask),
                _tv_max(macro_conditional, self.macro_kernel, mask))

    def natural(self) -> np.ndarray:
        """Weights of the natural realization (zero on unsupported fibres)."""
        return natural_weights(self.p_x, self.pi_x, self.support)

    def weights(self, family: RealizationFamily) -> np.ndarray:
        return rational(family.weights) if self.exact else family.weights

    def max_gap(self, weights: np.ndarray, defined: np.ndarray) -> float | Fraction:
        """Largest TV between P(Ȳ | x̄) and P(Ȳ | do(x̄)) under ``weights`` over defined, supported x̄."""
        do = self.pi_x.push_forward(weights[:, None] * self.macro_kernel, axis=0)
        return _tv_max(self.observational, do, self.supported & defined)

    def width(self) -> float | Fraction:
        """Largest range of P(ȳ | do(x̄)) over the realizations of any x̄ (the ambiguity)."""
        widths = [self.macro_kernel[self.pi_x.fibre(k)].max(axis=0) - self.macro_kernel[self.pi_x.fibre(k)].min(axis=0)
                  for k in range(self.pi_x.n_macro)]
        widest: float | Fraction = max(max(w) for w in widths)
        return widest


def _theorem_3_1(agg: Aggregation, exact: bool = False) -> list[Check]:
    q = _Quantities(agg, exact)
    confounding, _ = q.micro_tv()
    hypothesis = confounding <= q.tol
    worst = q.max_gap(q.natural(), q.supported)
    return [
        Check("theorem-3.1", "hypothesis", "micro (X, Y) unconfounded: P(Y | x) = P(Y | do(x)) for all x "
              "(residual: max TV)", bool(hypothesis), float(confounding)),
        Check("theorem-3.1", "conclusion", "the natural realization P(X | xbar) is confounding-inhibiting "
              "(residual: max gap)", bool(worst <= q.tol), float(worst), required=bool(hypothesis)),
    ]


def _is_triangle(agg: Aggregation) -> tuple[bool, str]:
    model, x, y = agg.model, agg.cause, agg.effect
    if x not in model.nodes or y not in model.nodes:
        return False, "the theorem's X and Y are single nodes, not groups"
    others = [n for n in model.nodes if n not in (x, y)]
    if len(others) != 1:
        return False, f"the model has {len(model.nodes)} nodes; the theorem's graph has 3"
    z = others[0]
    ok = (set(model.nodes[z].parents) == set() and set(model.nodes[x].parents) == {z}
          and set(model.nodes[y].parents) == {x, z})
    return ok, f"Z = {z!r}"


def _theorem_3_2(agg: Aggregation, family: RealizationFamily | None, exact: bool = False) -> list[Check]:
    q = _Quantities(agg, exact)
    triangle, detail = _is_triangle(agg)
    checks = [Check("theorem-3.2", "hypothesis", f"graph is Z -> X, Z -> Y, X -> Y ({detail})", triangle,
                    0.0 if triangle else 1.0)]
    n_z = agg.model.cardinality(next(n for n in agg.model.nodes if n not in (agg.cause, agg.effect))) \
        if len(agg.model.nodes) == 3 and triangle else 0
    differs = None
    if family is not None:
        natural, weights = q.natural(), q.weights(family)
        pi = agg.cause_map
        differs = np.array([sum(abs(natural[i] - weights[i]) for i in pi.fibre(k)) / 2 > q.tol
                            for k in range(pi.n_macro)])
    for h in theorem_3_2_hypotheses(agg.cause_map.n_micro, n_z, agg.cause_map.n_macro, agg.effect_map.n_macro,
                                    differs, n_y=agg.effect_map.n_micro):
        checks.append(Check("theorem-3.2", "hypothesis" if h.stated else "remark", f"{h.name} ({h.detail})", h.holds,
                            0.0 if h.holds else 1.0))
    tv, macro_tv = q.micro_tv()
    checks.append(Check("theorem-3.2", "witness", "1. (X, Y) confounded: P(Y | x) != P(Y | do(x)) for some x "
                        "(residual: max TV)", bool(tv > q.tol), float(tv)))
    checks.append(Check("theorem-3.2", "witness", "1. (X, Ybar) confounded (residual: max TV)",
                        bool(macro_tv > q.tol), float(macro_tv)))
    if family is None:
        checks.append(Check("theorem-3.2", "witness", "2. the realization family is confounding-inhibiting "
                            "(no family given: pass --realization)", False, float("nan")))
    else:
        worst = q.max_gap(q.weights(family), family.defined)
        complete = bool((family.defined | ~q.supported).all())
        checks.append(Check("theorem-3.2", "witness", "2. the realization family is confounding-inhibiting for "
                            "every supported xbar (residual: max gap)", bool(worst <= q.tol) and complete,
                            float(worst)))
    return checks


def _push(model: CausalModel, table: np.ndarray, axis: int, node: str) -> np.ndarray:
    """Push an axis forward through the node's coarsening (identity when it has none)."""
    return model.macro[node].push_forward(table, axis=axis) if node in model.macro else table


def _conditional(table: np.ndarray, support: float) -> tuple[np.ndarray, np.ndarray]:
    """Normalise over axis 1 where the mass over it exceeds ``support``; returns (conditional, mask)."""
    total = table.sum(axis=1, keepdims=True)
    mask = np.asarray(total > support, dtype=bool)
    return np.divide(table, total, out=np.zeros_like(table), where=mask), mask[:, 0]


def _tv_max(p: np.ndarray, q: np.ndarray, mask: np.ndarray) -> float | Fraction:
    """Largest TV distance over axis 1 between ``p`` and ``q`` where ``mask`` (a Fraction when exact)."""
    tv = np.abs(p - q).sum(axis=1) / 2
    largest: float | Fraction = max(tv[np.asarray(mask, dtype=bool)], default=0)
    return largest


def _chain(model: CausalModel) -> tuple[str, str, str] | None:
    if len(model.nodes) != 3:
        return None
    order = model.topological_order
    edges = set(model.graph.edges)
    if edges != {(order[0], order[1]), (order[1], order[2])}:
        return None
    first, second, third = order
    return first, second, third


def _lemma_10(model: CausalModel, agg: Aggregation, exact: bool = False) -> list[Check]:
    tol, support = (0, 0) if exact else (agg.tolerance.equality, agg.tolerance.support)
    chain = _chain(model)
    if chain is None:
        return [Check("lemma-10", "hypothesis", "graph is a chain X -> Y -> Z (three nodes)", False, 1.0)]
    x, y, z = chain
    for node in chain:
        model.coarsening(node)
    checks = [Check("lemma-10", "hypothesis", f"graph is a chain X -> Y -> Z (X = {x!r}, Y = {y!r}, Z = {z!r})",
                    True, 0.0)]
    pi_y = model.macro[y]
    # (12): P(Z̄ | x̄, ȳ) = P(Z̄ | ȳ) wherever P(x̄, ȳ) > 0
    joint = _push(model, _push(model, _push(model, marginal(model, [x, y, z], exact=exact), 0, x), 1, y), 2, z)
    kx, ky, kz = joint.shape
    given_xy, mask_xy = _conditional(joint.reshape(kx * ky, kz), support)  # rows (x̄, ȳ)
    given_y, _ = _conditional(joint.sum(axis=0), support)  # P(Z̄ | ȳ)
    cond12 = _tv_max(given_xy, np.tile(given_y, (kx, 1)), mask_xy)
    holds12 = bool(cond12 <= tol)
    checks.append(Check("lemma-10", "hypothesis", "(12) Xbar independent of Zbar given Ybar (residual: max TV "
                        "between P(Zbar | xbar, ybar) and P(Zbar | ybar))", holds12, float(cond12)))
    # the two realizations of do(ȳ) and their effects on Z̄
    effect = _push(model, interventional(model, z, y, exact=exact), 1, z)  # P(Z̄ | do(y)), (|Y|, kz)
    p_xy = _push(model, marginal(model, [x, y], exact=exact), 0, x)  # P(x̄, y), (kx, |Y|)
    p_y = p_xy.sum(axis=0)
    fibre_of = pi_y.assignment
    natural = np.divide(p_y, pi_y.push_forward(p_y)[fibre_of], out=np.zeros_like(p_y),
                        where=np.asarray(pi_y.push_forward(p_y)[fibre_of] > support, dtype=bool))
    e1 = pi_y.push_forward(natural[:, None] * effect, axis=0)  # (ky, kz)
    p_xybar = pi_y.push_forward(p_xy, axis=1)  # P(x̄, ȳ)
    within = np.divide(p_xy, p_xybar[:, fibre_of], out=np.zeros_like(p_xy),
                       where=np.asarray(p_xybar[:, fibre_of] > support, dtype=bool))
    e2 = np.stack([pi_y.push_forward(within[i][:, None] * effect, axis=0) for i in range(kx)])  # (kx, ky, kz)
    mask = np.asarray(p_xybar > support, dtype=bool).reshape(-1)
    agree = _tv_max(e2.reshape(kx * ky, kz), np.tile(e1, (kx, 1)), mask)
    agrees = bool(agree <= tol)
    checks.append(Check("lemma-10", "conclusion", "do(ybar) by P(Y | ybar) and by P(Y | ybar, xbar) give the "
                        "same P(Zbar | do(ybar)) (residual: max TV)", agrees, float(agree), required=holds12))
    checks.append(Check("lemma-10", "conclusion", "equivalence: (12) holds exactly when the two realizations "
                        "agree", agrees == holds12,
                        float(abs(Fraction(cond12) - Fraction(agree))), required=True))  # exact either way
    return checks


def _theorem_4_1(model: CausalModel, agg: Aggregation, adjust: tuple[str, ...] | None,
                 label: str = "theorem-4.1", exact: bool = False) -> tuple[list[Check], list[AdjustedEffect]]:
    tol, support = (0, 0) if exact else (agg.tolerance.equality, agg.tolerance.support)
    i, j = agg.cause, agg.effect
    if i not in model.nodes or j not in model.nodes:
        raise ModelError(None, "--check", f"{label} with a single-node cause and effect", "a group")
    if adjust is None:
        descendants = nx.descendants(model.graph, i)
        adjust = tuple(n for n in model.nodes if n not in descendants and n not in (i, j))
    adjust = resolve_adjustment(model, adjust, i, j)
    name = {n: display_name(model, n) for n in model.nodes}
    checks = []
    markov = markov_residual(model, exact=exact)
    if markov is None:
        markov_holds = False
        checks.append(Check(label, "hypothesis", "P(Xbar_1, ..., Xbar_n) is Markov relative to the macro graph: not "
                            "checked, the joint distribution is too large to form", False, float("nan")))
    else:
        markov_holds = bool(markov[0] <= tol)
        worst = "" if markov_holds else f", worst at {markov[1]}"
        checks.append(Check(label, "hypothesis", "P(Xbar_1, ..., Xbar_n) is Markov relative to the macro graph "
                            f"(local Markov property; residual: max TV{worst})", markov_holds, float(markov[0])))
    backdoor, reason = satisfies_backdoor(macro_graph(model), name[i], name[j], [name[b] for b in adjust])
    checks.append(Check(label, "hypothesis", f"back-door criterion for B = {[name[b] for b in adjust]} relative to "
                        f"({name[i]}, {name[j]}) in the macro graph ({reason})", backdoor, 0.0 if backdoor else 1.0))
    chosen = adjusted_effect(model, i, j, adjust, support=support, exact=exact)
    holds15 = bool(chosen.condition_15 <= tol)
    checks.append(Check(label, "hypothesis", f"(15) as used by the proof: P({name[j]} | do(x_i), b) = "
                        f"P({name[j]} | x_i, b) (residual: max TV; the paper's (15) prints Xbar_i where Xbar_j, "
                        "the effect, is meant)", holds15, float(chosen.condition_15)))
    checks.append(Check(label, "conclusion", f"(13) P({name[j]} | do(xbar_i), b) = P({name[j]} | xbar_i, b) for "
                        "the realization P(X_i | xbar_i, b) (residual: max TV)", bool(chosen.condition_13 <= tol),
                        float(chosen.condition_13), required=markov_holds and backdoor and holds15))
    sets = backdoor_sets(model, i, j)
    others = [] if sets is None else [s for s in sets if tuple(s) != tuple(adjust)][:_MAX_SETS - 1]
    results = [chosen] + [adjusted_effect(model, i, j, s, support=support, exact=exact) for s in others]
    valid = [r for r in results if backdoor or r is not chosen]
    listed = "; ".join(str(list(r.adjust)) for r in valid) or "none"
    if sets is None:
        checks.append(Check(label, "hypothesis", f"the valid back-door sets were not searched (more than "
                            f"{SET_SEARCH_LIMIT} candidate macro variables)", False, float("nan")))
    elif len(valid) >= 2:
        spread = _spread([r.estimate for r in valid], [r.defined for r in valid])
        checks.append(Check(label, "conclusion", f"the back-door estimands sum_b P({name[j]} | xbar_i, b) P(b) agree "
                            f"over the {len(valid)} valid adjustment sets ({listed}) (residual: max TV)",
                            bool(spread <= tol), float(spread), required=markov_holds))
        inhibited = [r for r in valid if r.condition_15 <= tol]
        if len(inhibited) >= 2:
            spread = _spread([r.realization_effect for r in inhibited], [r.defined for r in inhibited])
            checks.append(Check(label, "conclusion", "the realizations P(X_i | xbar_i, b) give the same effect on "
                                f"{name[j]} over the {len(inhibited)} valid sets where (15) holds (residual: max TV)",
                                bool(spread <= tol), float(spread), required=markov_holds))
    return checks, results if backdoor else results[1:]


_MAX_SETS = 16  # adjustment sets whose estimands are computed and compared


def _spread(tables: list[np.ndarray], defined: list[np.ndarray]) -> Any:
    """Largest TV between the first table's rows and the others', where both are defined."""
    worst: Any = 0
    for table, mask in zip(tables[1:], defined[1:], strict=True):
        both = np.asarray(defined[0] & mask, dtype=bool)
        worst = max(worst, _tv_max(tables[0], table, both))
    return worst


def resolve_adjustment(model: CausalModel, adjust: tuple[str, ...], cause: str, effect: str) -> tuple[str, ...]:
    """The nodes of an adjustment set of macro variables, given by node name or macro name (``bar(X)``).

    Raises
    ------
    ModelError
        For a name that is neither, a repeated one, or the cause or the effect.
    """
    by_name = {display_name(model, n): n for n in model.nodes} | {n: n for n in model.nodes}
    nodes = []
    for b in adjust:
        if b not in by_name:
            raise ModelError(None, "--adjust", f"macro variables of the model ({sorted(by_name)[:12]})", repr(b))
        node = by_name[b]
        if node in (cause, effect):
            raise ModelError(None, "--adjust", "macro variables other than the cause and the effect", repr(b))
        if node in nodes:
            raise ModelError(None, "--adjust", "distinct macro variables", f"{b!r} twice")
        nodes.append(node)
    return tuple(nodes)


def _lemma_11(model: CausalModel, agg: Aggregation, exact: bool = False) -> list[Check]:
    y, z = agg.cause, agg.effect
    others = [n for n in model.nodes if n not in (y, z)]
    figure5 = len(others) == 1 and set(model.graph.edges) == {(others[0], y), (others[0], z), (y, z)}
    checks = [Check("lemma-11", "hypothesis", "graph is Figure 5: X -> Y, X -> Z, Y -> Z, with Y the cause and Z "
                    "the effect", figure5, 0.0 if figure5 else 1.0)]
    if not figure5:
        return checks
    model.coarsening(others[0])
    rows, _ = _theorem_4_1(model, agg, (others[0],), label="lemma-11", exact=exact)
    return checks + rows


def _consistency(agg: Aggregation, exact: bool = False) -> list[Check]:
    q = _Quantities(agg, exact)
    width = q.width()
    return [Check("consistency", "property", "every realization gives the same P(Ybar | do(xbar)) "
                  "(Rubenstein et al.; residual: largest width of P(ybar | do(xbar)) over realizations)",
                  bool(width <= q.tol), float(width))]


EXACT_LIMIT = 20_000  # CPT entries, for exact (rational) re-checking


def _run(agg: Aggregation, checks: tuple[str, ...], realization: RealizationFamily | None,
         adjust: tuple[str, ...] | None, exact: bool, scm: StructuralModel | None = None
         ) -> tuple[list[Check], list[AdjustedEffect]]:
    rows: list[Check] = []
    adjusted: list[AdjustedEffect] = []
    for name in checks:
        if name == "theorem-3.1":
            rows += _theorem_3_1(agg, exact)
        elif name == "theorem-3.2":
            rows += _theorem_3_2(agg, realization, exact)
        elif name == "consistency":
            rows += _consistency(agg, exact)
        elif name == "lemma-10":
            rows += _lemma_10(agg.model, agg, exact)
        elif name == "lemma-11":
            rows += _lemma_11(agg.model, agg, exact)
        elif name == "theorem-4.1":
            more, adjusted = _theorem_4_1(agg.model, agg, adjust, exact=exact)
            rows += more
        elif name in ("condition-14", "condition-15"):
            from discagg.theory.counterfactual_checks import counterfactual_checks

            rows += counterfactual_checks(name, agg, adjust, scm, exact=exact)
        elif name == "appendix-d":
            from discagg.theory.macro_scm import appendix_d_checks

            rows += appendix_d_checks(agg, realization, exact=exact)
        else:
            raise ModelError(None, "--check", f"one of {list(CHECKS)}", repr(name))
    return rows, adjusted


def verify(agg: Aggregation, checks: tuple[str, ...] | None = None,
           realization: RealizationFamily | None = None, adjust: tuple[str, ...] | None = None,
           *, exact: bool = False, scm: StructuralModel | None = None) -> Verification:
    """Run the named checks (default: theorem-3.1, plus theorem-3.2 when a realization is given).

    With ``exact=True`` every check is run a second time in rational arithmetic
    (each float CPT entry and realization weight taken as the rational it is,
    zero tolerance), and each row records whether it holds exactly; the verdict
    (``holds``, ``ok``) stays the float one, within the tolerance policy.

    ``scm`` (a :class:`~discagg.core.scm.StructuralModel` whose responses reproduce the
    model's CPTs) makes ``condition-14`` and ``condition-15`` decide the counterfactual
    condition on that SCM instead of over every SCM compatible with the CPTs.

    Raises
    ------
    ModelError
        For an unknown check name, or ``exact`` on a model with more than
        ``EXACT_LIMIT`` CPT entries.
    """
    if checks is None:
        checks = ("theorem-3.1", "theorem-3.2") if realization is not None else ("theorem-3.1",)
    rows, adjusted = _run(agg, checks, realization, adjust, exact=False, scm=scm)
    if exact:
        size = sum(node.cpt.size for node in agg.model.nodes.values())
        if size > EXACT_LIMIT:
            raise ModelError(None, "--exact", f"a model with at most {EXACT_LIMIT} CPT entries for rational "
                             "arithmetic", f"{size} entries")
        exact_rows, _ = _run(agg, checks, realization, adjust, exact=True, scm=scm)
        rows = [replace(row, holds_exactly=twin.holds) for row, twin in zip(rows, exact_rows, strict=True)]
    labels: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
    if adjusted:
        labels = (agg.cause_map.macro_states, agg.effect_map.macro_states)
    return Verification(agg.model.name, tuple(rows), tuple(adjusted), *labels)
