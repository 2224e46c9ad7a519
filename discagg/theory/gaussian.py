"""The paper's linear-Gaussian statements on one model, as one result (``discagg gaussian``).

:func:`gaussian_analysis` evaluates, in closed form (the constructions are in
:mod:`discagg.theory.gaussian_constructions`):

- ``P(Ȳ | X̄ = x̄)`` (slope: equation (2)'s coefficient ``Cov(Ȳ, X̄)/Var(X̄)``);
- the natural realization ``P(X | x̄)`` and ``P(Ȳ | do(x̄))`` under it, and whether
  it is confounding-inhibiting (Theorem 3.1 when the micro model is unconfounded);
- shop B's realization (3) and its structural equation (4), and the
  deterministic realization (33) with appendix D's statement;
- a shift Δ (``wᵀΔ = 1``; default ``Σw/wᵀΣw``, appendix C.1), its structural
  coefficient ``β = αᵀΔ`` and Lemma 14's change of coordinates ``H``;
- condition (9)/(10), ``Var(Ȳ | x̄) >= Var(N)``, and, when it holds and α is
  not parallel to w, a Gaussian confounding-inhibiting realization family
  (section 3.2.1), verified before it is returned;
- with ``beta=C``, Lemma 14's ``H`` whose ``Σ_i α_i (H⁻¹)_{i1} = C``.

Two linear-Gaussian conditionals are *equal* when, at ``x̄ = E[X̄]``, their
means, their slopes times ``sd(X̄)`` and their variances differ by at most
``tolerance.equality`` relative to the spread of ``Ȳ`` (the larger of
``Var(Ȳ)`` and ``αᵀΣα + Var(N)``, or of the compared values).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np

from discagg.core.arrays import equal_fields, readonly_float
from discagg.core.gaussian import GaussianModel, GaussianRealization, LinearGaussian, smallest_eigenvalue
from discagg.errors import ModelError, SolverError
from discagg.report.short import quoted
from discagg.theory.gaussian_constructions import (
    absorbing_realization,
    delta_for_beta,
    deterministic_realization,
    inhibiting_family,
    lemma14_matrix,
    natural_delta,
    natural_realization,
    observational,
    parallel_to_weights,
)

__all__ = ["RealizationReport", "ShiftReport", "Condition9", "BetaReport", "AppendixD", "Evaluation",
           "GaussianAnalysis", "gaussian_analysis", "check_shift", "conditionals_equal"]


def _spread2(model: GaussianModel) -> float:
    """The squared spread of Ȳ: the larger of ``Var(Ȳ)`` and ``αᵀΣα + Var(N)``."""
    return max(model.var_ybar, float(model.alpha @ model.cov @ model.alpha) + model.noise_var)


def conditionals_equal(a: LinearGaussian, b: LinearGaussian, model: GaussianModel) -> bool:
    """Whether two linear-Gaussian conditionals are the same for every ``x̄`` (see the module docstring).

    >>> m = GaussianModel([0.0, 0.0], np.eye(2), alpha=[1.0, 3.0])
    >>> conditionals_equal(LinearGaussian(0.0, 2.0, 2.0), LinearGaussian(1e-12, 2.0, 2.0), m)
    True
    >>> conditionals_equal(LinearGaussian(0.0, 2.0, 2.0), LinearGaussian(0.0, 3.0, 2.0), m)
    False
    """
    tol = model.tolerance.equality
    spread2 = _spread2(model)
    spread, sx, x0 = math.sqrt(spread2), math.sqrt(model.var_xbar), model.mean_xbar
    pairs = ((a.mean(x0), b.mean(x0), spread), (a.slope * sx, b.slope * sx, spread), (a.var, b.var, spread2))
    return all(abs(p - q) <= tol * max(abs(p), abs(q), unit) for p, q, unit in pairs)


def _gap(interventional: LinearGaussian, obs: LinearGaussian) -> Mapping[str, float]:
    return MappingProxyType({"intercept": interventional.intercept - obs.intercept,
                             "slope": interventional.slope - obs.slope, "var": interventional.var - obs.var})


@dataclass(frozen=True)
class RealizationReport:
    """A Gaussian realization family, ``P(Ȳ | do(x̄))`` under it and its verdict.

    Attributes
    ----------
    name : str
        ``"natural"``, ``"absorbing (3)"``, ``"deterministic (33)"`` or ``"inhibiting"``.
    realization : GaussianRealization
    interventional : LinearGaussian
    inhibiting : bool
        ``P(Ȳ | do(x̄)) = P(Ȳ | X̄ = x̄)`` for every x̄ (Definition 7).
    gap : mapping
        ``interventional − observational`` for ``intercept``, ``slope`` and ``var``.
    reason : str
        Why it is (or is not) inhibiting, in the paper's terms.
    """

    name: str
    realization: GaussianRealization = field(repr=False)
    interventional: LinearGaussian
    inhibiting: bool
    gap: Mapping[str, float] = field(repr=False)
    reason: str = field(repr=False)

    def __repr__(self) -> str:
        """One line: the name, ``P(Ȳ | do(x̄))`` to six significant digits, inhibiting or inducing."""
        verdict = "inhibiting" if self.inhibiting else "inducing"
        return f"RealizationReport(name={quoted(self.name)}, Ybar|do(xbar) ~ {_normal(self.interventional)}, {verdict})"

    def to_dict(self) -> dict[str, Any]:
        """``{"mean", "cov", "interventional", "inhibiting", "gap", "reason"}``."""
        return {**self.realization.to_dict(), "interventional": self.interventional.to_dict(),
                "inhibiting": self.inhibiting, "gap": dict(self.gap), "reason": self.reason}


def _normal(conditional: LinearGaussian) -> str:
    """``N(a + b xbar, v)`` to six significant digits.

    >>> _normal(LinearGaussian(8.0, -1.72, 92.16000000000003))
    'N(8 - 1.72 xbar, 92.16)'
    """
    sign = "-" if conditional.slope < 0 else "+"
    return f"N({conditional.intercept:.6g} {sign} {abs(conditional.slope):.6g} xbar, {conditional.var:.6g})"


@dataclass(frozen=True)
class ShiftReport:
    """A shift intervention ``X ↦ X + δΔ`` (appendices B, C.1) and Lemma 14's ``H`` for it.

    Attributes
    ----------
    delta : (n,) ndarray
        The shift per unit of X̄ (``wᵀΔ = 1``).
    default : bool
        Δ is the default ``Σw/wᵀΣw`` (the natural realization's mean slope).
    beta : float
        ``αᵀΔ``: ``Ȳ = βX̄ + Ū_β + N`` with ``Ū_β = αᵀX − βX̄``; a shift of X̄ by δ
        shifts Ȳ by ``βδ``.
    h, h_inverse : (n, n) ndarray
        Lemma 14: first row of ``H`` is ``wᵀ``, first column of ``H⁻¹`` is Δ.
    noise_cov_with_xbar : float
        ``Cov(X̄, Ū_β + N) = Cov(Ȳ, X̄) − β Var(X̄)``: zero exactly when β is the
        observational slope (X̄ and Ȳ then look unconfounded).
    unconfounded : bool
        Definition 13 for this shift: ``P(Ȳ^δ | X̄^δ = x̄) = N(a + b x̄ + δ(β − b), V)``
        equals ``P(Ȳ | X̄ = x̄) = N(a + b x̄, V)`` for every δ, i.e. β is the
        observational slope b (by Lemma 4, the same as for atomic interventions).
    """

    delta: np.ndarray = field(repr=False)
    default: bool
    beta: float
    h: np.ndarray = field(repr=False)
    h_inverse: np.ndarray = field(repr=False)
    noise_cov_with_xbar: float
    unconfounded: bool

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ShiftReport):
            return NotImplemented
        return equal_fields(self, other)

    __hash__ = None  # type: ignore[assignment]  # unhashable; typeshed types __hash__ as a method

    def __repr__(self) -> str:
        kind = "default" if self.default else "given"
        return (f"ShiftReport({kind} shift, beta={self.beta:.6g}, Cov(Xbar, U+N)={self.noise_cov_with_xbar:.6g}, "
                f"{'unconfounded' if self.unconfounded else 'confounded'})")

    def to_dict(self) -> dict[str, Any]:
        """``{"delta", "default", "beta", "H", "H_inverse", "noise_cov_with_xbar", "unconfounded"}``."""
        return {"delta": self.delta.tolist(), "default": self.default, "beta": self.beta, "H": self.h.tolist(),
                "H_inverse": self.h_inverse.tolist(), "noise_cov_with_xbar": self.noise_cov_with_xbar,
                "unconfounded": self.unconfounded}


@dataclass(frozen=True)
class Condition9:
    """Condition (9)/(10): ``Var(Ȳ | x̄) >= Var(N)``, necessary for a confounding-inhibiting realization."""

    holds: bool
    var_y_given_xbar: float
    var_noise: float
    slack: float

    def __repr__(self) -> str:
        """One line, six significant digits.

        >>> Condition9(True, 92.16000000000003, 0.0, 92.16000000000003)
        Condition9(holds, Var(Ybar | xbar)=92.16 >= Var(N)=0, slack 92.16)
        """
        relation = ">=" if self.holds else "<"
        return (f"Condition9({'holds' if self.holds else 'fails'}, Var(Ybar | xbar)={self.var_y_given_xbar:.6g} "
                f"{relation} Var(N)={self.var_noise:.6g}, slack {self.slack:.6g})")

    def to_dict(self) -> dict[str, Any]:
        """``{"holds", "var_y_given_xbar", "var_noise", "slack"}``."""
        return {"holds": self.holds, "var_y_given_xbar": self.var_y_given_xbar, "var_noise": self.var_noise,
                "slack": self.slack}


@dataclass(frozen=True)
class BetaReport:
    """Lemma 14 for a requested coefficient: ``H`` with first row ``wᵀ`` and ``Σ_i α_i (H⁻¹)_{i1} = requested``."""

    requested: float
    exists: bool
    delta: np.ndarray | None = field(repr=False)
    h: np.ndarray | None = field(repr=False)
    h_inverse: np.ndarray | None = field(repr=False)
    reason: str = field(repr=False)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, BetaReport):
            return NotImplemented
        return equal_fields(self, other)

    __hash__ = None  # type: ignore[assignment]  # unhashable; typeshed types __hash__ as a method

    def to_dict(self) -> dict[str, Any]:
        """``{"requested", "exists", "delta", "H", "H_inverse", "reason"}`` (nulls when none exists)."""
        def listed(a: np.ndarray | None) -> Any:
            return None if a is None else a.tolist()
        return {"requested": self.requested, "exists": self.exists, "delta": listed(self.delta), "H": listed(self.h),
                "H_inverse": listed(self.h_inverse), "reason": self.reason}


@dataclass(frozen=True)
class AppendixD:
    """Appendix D: the deterministic realization (33) and whether no macro causal model explains both distributions."""

    report: RealizationReport
    no_macro_model: bool
    statement: str = field(repr=False)
    caveat: str = field(repr=False)

    def __repr__(self) -> str:
        """One line: ``P(Ȳ | do(x̄))`` under (33), and whether no macro causal model explains both distributions."""
        verdict = "no macro causal model explains both" if self.no_macro_model else "the argument does not apply"
        return f"AppendixD(Ybar|do(xbar) ~ {_normal(self.report.interventional)} under (33): {verdict})"

    def to_dict(self) -> dict[str, Any]:
        """The realization report plus ``{"no_macro_model", "statement", "caveat"}``."""
        return {**self.report.to_dict(), "no_macro_model": self.no_macro_model, "statement": self.statement,
                "caveat": self.caveat}


@dataclass(frozen=True)
class Evaluation:
    """Every distribution at one macro value ``x̄``: ``{name: (E[X], E[Ȳ], Var(Ȳ))}`` per realization."""

    xbar: float
    observational: tuple[float, float]
    realizations: Mapping[str, tuple[np.ndarray, float, float]] = field(repr=False)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Evaluation):
            return NotImplemented
        return equal_fields(self, other)

    __hash__ = None  # type: ignore[assignment]  # unhashable; typeshed types __hash__ as a method

    def to_dict(self) -> dict[str, Any]:
        """``{"xbar", "observational": {"mean", "var"}, "realizations": {name: {"mean_x", "mean", "var"}}}``."""
        return {"xbar": self.xbar, "observational": {"mean": self.observational[0], "var": self.observational[1]},
                "realizations": {name: {"mean_x": mx.tolist(), "mean": my, "var": vy}
                                 for name, (mx, my, vy) in self.realizations.items()}}


@dataclass(frozen=True)
class GaussianAnalysis:
    """What :func:`gaussian_analysis` finds; :meth:`to_dict` is ``discagg gaussian --json``.

    Attributes
    ----------
    model : GaussianModel
    observational : LinearGaussian
        ``P(Ȳ | X̄ = x̄)``.
    natural, absorbing : RealizationReport
        The natural realization (Definition 8) and shop B's (3).
    shift : ShiftReport
    condition_9 : Condition9
    inhibiting : RealizationReport or None
        A confounding-inhibiting Gaussian family (section 3.2.1), or None.
    inhibiting_reason : str
    beta : BetaReport or None
        Only when a coefficient was requested.
    appendix_d : AppendixD
    evaluations : tuple of Evaluation
    """

    model: GaussianModel
    observational: LinearGaussian
    natural: RealizationReport
    absorbing: RealizationReport
    shift: ShiftReport
    condition_9: Condition9
    inhibiting: RealizationReport | None
    inhibiting_reason: str
    beta: BetaReport | None
    appendix_d: AppendixD
    evaluations: tuple[Evaluation, ...] = field(repr=False)

    def __repr__(self) -> str:
        """One line: ``P(Ȳ | x̄)``, whether the natural realization inhibits, condition (9), a family, beta.

        The numbers to six significant digits; shorter than 160 characters on the shipped specs.
        """
        natural = "inhibiting" if self.natural.inhibiting else "inducing"
        family = "no inhibiting family" if self.inhibiting is None else "an inhibiting family"
        condition = "holds" if self.condition_9.holds else "fails"
        return (f"GaussianAnalysis(model={quoted(self.model.name)}, Ybar|xbar ~ {_normal(self.observational)}: "
                f"natural {natural}, (9) {condition}, {family}, beta {self.shift.beta:.6g})")

    def __str__(self) -> str:
        """The text ``discagg gaussian`` prints."""
        from discagg.report.gaussian import render_gaussian

        return render_gaussian(self)

    def _repr_html_(self) -> str:
        from discagg.report.gaussian import gaussian_html

        return gaussian_html(self)

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> GaussianAnalysis:
        """The analysis whose :meth:`to_dict` (or ``discagg gaussian --json``) is ``document``.

        Raises
        ------
        ModelError
            Naming the key path of the first entry that is not as :meth:`to_dict` writes it.
        """
        from discagg.theory.gaussian_saved import gaussian_analysis_from_dict

        return gaussian_analysis_from_dict(document)

    def realizations(self) -> dict[str, RealizationReport]:
        """Every realization family studied, by name (inhibiting only when one exists)."""
        found = {"natural": self.natural, "absorbing": self.absorbing, "deterministic": self.appendix_d.report}
        if self.inhibiting is not None:
            found["inhibiting"] = self.inhibiting
        return found

    def to_dict(self) -> dict[str, Any]:
        """The ``discagg gaussian --json`` document (less ``spec``, the command's argument).

        ``gaussian`` is the model's ``discagg/gaussian-v1`` document, with which
        :meth:`from_dict` reads the analysis back.
        """
        from discagg.io.gaussian_format import gaussian_to_dict

        m = self.model
        return {
            "model": m.name,
            "variables": list(m.variables or ()),
            "confounded": m.confounded,
            "macro": {"w": m.weights.tolist(), "mean_xbar": m.mean_xbar, "var_xbar": m.var_xbar,
                      "mean_ybar": m.mean_ybar, "var_ybar": m.var_ybar, "cov_ybar_xbar": m.cov_ybar_xbar},
            "observational": self.observational.to_dict(),
            "natural": self.natural.to_dict(),
            "absorbing": self.absorbing.to_dict(),
            "shift": self.shift.to_dict(),
            "condition_9": self.condition_9.to_dict(),
            "inhibiting": None if self.inhibiting is None else self.inhibiting.to_dict(),
            "inhibiting_reason": self.inhibiting_reason,
            "beta": None if self.beta is None else self.beta.to_dict(),
            "appendix_d": self.appendix_d.to_dict(),
            "at": [e.to_dict() for e in self.evaluations],
            "gaussian": gaussian_to_dict(m),
        }


def check_shift(model: GaussianModel, shift: Sequence[float], path: str = "shift") -> np.ndarray:
    """A shift vector Δ checked: ``n`` finite numbers with ``wᵀΔ = 1`` within ``tolerance.normalisation``.

    Returned divided by ``wᵀΔ``, so that the shift moves X̄ by exactly one unit.

    Raises
    ------
    ModelError
        Naming ``path``.

    >>> check_shift(GaussianModel([0.0, 0.0], np.eye(2), alpha=[1.0, 3.0]), [0.5, 0.4], "--shift")
    Traceback (most recent call last):
    ...
    discagg.errors.ModelError: --shift: expected a shift with w'Δ = sum of w_i Δ_i = 1 (within 1e-06), found 0.9
    """
    delta = np.array(shift, dtype=np.float64)
    if delta.ndim != 1 or delta.shape[0] != model.n:
        raise ModelError(None, path, f"{model.n} numbers (one per micro cause)", f"{delta.size}")
    if not np.all(np.isfinite(delta)):
        raise ModelError(None, path, "finite numbers", repr(list(shift)))
    total = float(model.weights @ delta)
    if abs(total - 1.0) > model.tolerance.normalisation:
        raise ModelError(None, path, f"a shift with w'Δ = sum of w_i Δ_i = 1 (within "
                         f"{model.tolerance.normalisation:g})", f"{total:.6g}")
    return delta / total


def _report(name: str, family: GaussianRealization, model: GaussianModel, obs: LinearGaussian,
            reason: str | None = None) -> RealizationReport:
    interventional = family.interventional(model)
    equal = conditionals_equal(interventional, obs, model)
    if reason is None:
        reason = ("P(Ybar | do(xbar)) = P(Ybar | Xbar = xbar) for every xbar" if equal else
                  "P(Ybar | do(xbar)) differs from P(Ybar | Xbar = xbar): confounding-inducing")
    return RealizationReport(name, family, interventional, equal, _gap(interventional, obs), reason)


def _natural_reason(model: GaussianModel, equal: bool) -> str:
    if not model.confounded:
        return "inhibiting, by Theorem 3.1 (the micro model is unconfounded: noise_cov = 0)"
    if equal:
        return "inhibiting although the micro model is confounded: Cov(N, Xbar) = 0 and Cov(N, alpha'X) = 0"
    return "confounding-inducing: the micro model is confounded (noise_cov != 0)"


def _verified_inhibiting(model: GaussianModel, obs: LinearGaussian, slack: float) -> RealizationReport:
    """The construction after (10), checked: a realization of do(x̄), PSD, and inhibiting."""
    family = inhibiting_family(model, obs, max(slack, 0.0))
    tol = model.tolerance.equality
    w = model.weights
    scale_x = math.sqrt(float(np.trace(model.cov)) / model.n) + float(np.max(np.abs(model.mean)))
    low, top = smallest_eigenvalue(family.cov)
    problems = []
    if abs(float(w @ family.slope) - 1.0) > tol * max(1.0, float(np.abs(w) @ np.abs(family.slope))):
        problems.append(f"w'slope = {float(w @ family.slope):.17g}, not 1")
    if abs(float(w @ family.intercept)) > tol * max(scale_x, float(np.abs(w) @ np.abs(family.intercept))):
        problems.append(f"w'intercept = {float(w @ family.intercept):.3g}, not 0")
    if low < -tol * max(top, 1e-300) or float(np.linalg.norm(family.cov @ w)) > tol * max(top, 1e-300) * float(
            np.linalg.norm(w)):
        problems.append(f"cov not PSD with w in its kernel (smallest eigenvalue {low:.3g}, |cov w| = "
                        f"{float(np.linalg.norm(family.cov @ w)):.3g})")
    report = _report("inhibiting", family, model, obs, "the construction after (10): w in the kernel of cov, "
                     "alpha' cov alpha = Var(Ybar | xbar) - Var(N), means matching (11)")
    if not report.inhibiting:
        problems.append(f"P(Ybar | do(xbar)) = {report.interventional} differs from P(Ybar | xbar) = {obs}")
    if problems:
        raise SolverError("the confounding-inhibiting construction failed its verification: " + "; ".join(problems))
    return report


def _shift(model: GaussianModel, delta: np.ndarray | None, obs: LinearGaussian) -> ShiftReport:
    default = delta is None
    chosen = natural_delta(model) if delta is None else delta
    h, h_inverse = lemma14_matrix(model.weights, chosen)
    beta = float(model.alpha @ chosen)
    noise_cov = model.cov_ybar_xbar - beta * model.var_xbar
    unconfounded = conditionals_equal(LinearGaussian(obs.intercept, beta, obs.var), obs, model)
    return ShiftReport(readonly_float(chosen), default, beta, readonly_float(h), readonly_float(h_inverse), noise_cov,
                       unconfounded)


def _beta(model: GaussianModel, requested: float) -> BetaReport:
    delta = delta_for_beta(model, requested)
    if delta is None:
        forced = float(model.alpha @ model.weights / (model.weights @ model.weights))
        return BetaReport(requested, False, None, None, None,
                          f"alpha is parallel to w (Lemma 14 assumes it is not): every shift Delta with w'Delta = 1 "
                          f"gives beta = alpha'Delta = {forced:.6g}")
    h, h_inverse = lemma14_matrix(model.weights, delta)
    got = float(model.alpha @ h_inverse[:, 0])
    if abs(got - requested) > model.tolerance.equality * max(abs(requested), float(np.abs(model.alpha) @ np.abs(delta))):
        raise SolverError(f"Lemma 14's construction gave sum alpha_i (H^-1)_i1 = {got!r}, not {requested!r}")
    reason = ("Lemma 14's construction: Delta = w/w'w moved along the part of alpha orthogonal to w; H has first "
              "row w' and H^-1 first column Delta")
    if parallel_to_weights(model):
        reason = "alpha is parallel to w, so every shift gives this beta; H is built for Delta = w/w'w"
    return BetaReport(requested, True, readonly_float(delta), readonly_float(h), readonly_float(h_inverse), reason)


def _appendix_d(model: GaussianModel, obs: LinearGaussian) -> AppendixD:
    family = deterministic_realization(model)
    k = int(np.flatnonzero(model.weights)[0])
    report = _report("deterministic (33)", family, model, obs)
    tol, spread2 = model.tolerance.equality, _spread2(model)
    name = (model.variables or ())[k]
    deterministic = report.interventional.var <= tol * spread2
    noisy_obs = obs.var > tol * spread2
    if deterministic and noisy_obs:
        offset = f" + {model.noise_mean:.6g}" if model.noise_mean else ""
        statement = (f"under (33) (all of xbar on {name}) Ybar = {report.interventional.slope:.6g} xbar{offset} "
                     f"deterministically, while Var(Ybar | Xbar = xbar) = {obs.var:.6g} > 0: no "
                     "macro causal model Ybar = f(Xbar, U), with any macro confounder U, explains both distributions "
                     "(appendix D; in the paper's two-product setting, alpha_1 != alpha_2)")
    elif not deterministic:
        statement = (f"appendix D's argument does not apply: Var(N) = {model.noise_var:.6g} > 0, so P(Ybar | do(xbar)) "
                     "under (33) is not deterministic")
    else:
        statement = ("appendix D's argument does not apply: P(Ybar | Xbar = xbar) is deterministic too "
                     "(Var(Ybar | xbar) = 0; in the paper's setting, equal prices alpha_i)")
    caveat = ("the argument takes f(xbar, .) constant on the whole range of U (e.g. f continuous); if it need only "
              "be constant almost surely under P(U), a confounder U that copies Xbar escapes it, since "
              "P(Xbar = xbar) = 0 for a continuous Xbar")
    return AppendixD(report, deterministic and noisy_obs, statement, caveat)


def gaussian_analysis(
    model: GaussianModel,
    *,
    xbar: Sequence[float] = (),
    shift: Sequence[float] | None = None,
    beta: float | None = None,
) -> GaussianAnalysis:
    """The paper's linear-Gaussian statements on ``model``, in closed form (see the module docstring).

    Parameters
    ----------
    model : GaussianModel
    xbar : sequence of float
        Macro values at which to evaluate every distribution (default: none).
    shift : (n,) sequence of float, optional
        A shift Δ with ``wᵀΔ = 1`` (default ``Σw/wᵀΣw``, which gives the
        natural realization's coefficient; appendix C.1).
    beta : float, optional
        A coefficient for Lemma 14's first statement.

    Returns
    -------
    GaussianAnalysis

    Raises
    ------
    ModelError
        A bad ``shift`` (path ``shift``) or a non-finite ``xbar`` or ``beta``.
    SolverError
        A construction that fails its own verification (a defect, never expected).

    Examples
    --------
    >>> m = GaussianModel([60.0, 40.0], np.diag([64.0, 36.0]), alpha=[1.0, 3.0])   # the shops, section 3.1
    >>> a = gaussian_analysis(m)
    >>> a.observational.slope                       # equation (2): (1*64 + 3*36) / (64 + 36)
    1.72
    >>> a.natural.inhibiting, a.absorbing.interventional.slope, a.absorbing.inhibiting   # Theorem 3.1; (3), (4)
    (True, 3.0, False)
    >>> a.shift.beta, a.appendix_d.no_macro_model   # appendix C.1; appendix D
    (1.72, True)
    """
    for value, path in [(x, f"xbar[{i}]") for i, x in enumerate(xbar)] + [(beta, "beta")]:
        if value is not None and not math.isfinite(value):
            raise ModelError(None, path, "a finite number", repr(value))
    delta = None if shift is None else check_shift(model, shift)
    obs = observational(model)
    natural = _report("natural", natural_realization(model), model, obs)
    natural = RealizationReport(natural.name, natural.realization, natural.interventional, natural.inhibiting,
                                natural.gap, _natural_reason(model, natural.inhibiting))
    absorbing = _report("absorbing (3)", absorbing_realization(model), model, obs)
    slack = obs.var - model.noise_var
    holds = slack >= -model.tolerance.equality * _spread2(model)
    condition = Condition9(bool(holds), obs.var, model.noise_var, slack)
    inhibiting: RealizationReport | None = None
    if not holds:
        reason = (f"condition (9) fails: Var(Ybar | xbar) = {obs.var:.6g} < Var(N) = {model.noise_var:.6g}, and by (8) "
                  "every realization has Var(Ybar | do(xbar)) >= Var(N)")
    elif parallel_to_weights(model):
        if natural.inhibiting:
            reason = ("alpha is parallel to w (the trivial case): P(Ybar | do(xbar)) is the same for every "
                      "realization, and it is inhibiting (the natural realization is one)")
        else:
            reason = ("alpha is parallel to w (the trivial case): every realization gives P(Ybar | do(xbar)) = "
                      "N(c xbar + E[N], Var(N)), which differs from P(Ybar | xbar) since Cov(N, Xbar) != 0")
    else:
        inhibiting = _verified_inhibiting(model, obs, slack)
        reason = ("condition (9) holds and alpha is not parallel to w: the construction after (10), verified "
                  "(w'mean(xbar) = xbar, equal means (11) and variances, cov PSD with w in its kernel)")
    analysis_d = _appendix_d(model, obs)
    found = {"natural": natural, "absorbing": absorbing, "deterministic": analysis_d.report}
    if inhibiting is not None:
        found["inhibiting"] = inhibiting
    evaluations = tuple(
        Evaluation(float(x), (obs.mean(float(x)), obs.var), MappingProxyType(
                   {name: (readonly_float(r.realization.mean(float(x))), r.interventional.mean(float(x)),
                           r.interventional.var) for name, r in found.items()}))
        for x in xbar)
    return GaussianAnalysis(model, obs, natural, absorbing, _shift(model, delta, obs), condition, inhibiting, reason,
                            None if beta is None else _beta(model, float(beta)), analysis_d, evaluations)
