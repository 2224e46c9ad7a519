"""A saved ``discagg gaussian --json`` document read back as a :class:`~discagg.GaussianAnalysis`.

The document holds the model (``gaussian``: its ``discagg/gaussian-v1``
document) and every part of the analysis as written; they are read, not
recomputed, so a document reads back to the result that was printed. The
model's tolerance is not written and reads back as the default. The macro
moments (``model``, ``variables``, ``confounded``, ``macro``) are derived from
the model and checked against it; so is the realization family's name, fixed
by its key (``natural``, ``absorbing (3)``, ``deterministic (33)`` under
``appendix_d``, ``inhibiting``). The ``spec`` entry the command adds (its SPEC
argument) is accepted and not kept. A document that is not as written is a
:class:`~discagg.errors.ModelError` naming the key path (and the file, for
:func:`load_gaussian_analysis`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np

from discagg.core.arrays import readonly_float
from discagg.core.gaussian import GaussianModel, GaussianRealization, LinearGaussian
from discagg.errors import ModelError, describe, preview
from discagg.io.gaussian_format import gaussian_from_dict
from discagg.json_values import boolean, check_keys, key_path, number, require_object, string
from discagg.theory.gaussian import (
    AppendixD,
    BetaReport,
    Condition9,
    Evaluation,
    GaussianAnalysis,
    RealizationReport,
    ShiftReport,
)

__all__ = ["gaussian_analysis_from_dict", "load_gaussian_analysis"]

_KEYS = ("model", "variables", "confounded", "macro", "observational", "natural", "absorbing", "shift",
         "condition_9", "inhibiting", "inhibiting_reason", "beta", "appendix_d", "at", "gaussian")
_REPORT_KEYS = ("mean", "cov", "interventional", "inhibiting", "gap", "reason")
_APPENDIX_KEYS = (*_REPORT_KEYS, "no_macro_model", "statement", "caveat")
_SHIFT_KEYS = ("delta", "default", "beta", "H", "H_inverse", "noise_cov_with_xbar", "unconfounded")
_BETA_KEYS = ("requested", "exists", "delta", "H", "H_inverse", "reason")
_NAMES = {"natural": "natural", "absorbing": "absorbing (3)", "deterministic": "deterministic (33)",
          "inhibiting": "inhibiting"}


def _vector(value: Any, path: str, n: int) -> np.ndarray:
    if not isinstance(value, list) or len(value) != n:
        raise ModelError(None, path, f"a list of {n} numbers (one per micro cause)", describe(value))
    return readonly_float(np.array([number(v, f"{path}[{i}]") for i, v in enumerate(value)], dtype=np.float64))


def _matrix(value: Any, path: str, n: int) -> np.ndarray:
    if not isinstance(value, list) or len(value) != n:
        raise ModelError(None, path, f"a {n} x {n} matrix (a list of {n} rows)", describe(value))
    return readonly_float(np.array([_vector(row, f"{path}[{i}]", n) for i, row in enumerate(value)],
                                   dtype=np.float64).reshape(n, n))


def _linear(value: Any, path: str) -> LinearGaussian:
    doc = require_object(value, path, "an object with keys 'intercept', 'slope', 'var'")
    check_keys(doc, ("intercept", "slope", "var"), ("intercept", "slope", "var"), path)
    return LinearGaussian(*(number(doc[k], key_path(path, k)) for k in ("intercept", "slope", "var")))


def _report(doc: Mapping[str, Any], path: str, name: str, n: int) -> RealizationReport:
    mean = require_object(doc["mean"], key_path(path, "mean"), "an object with keys 'intercept' and 'slope'")
    check_keys(mean, ("intercept", "slope"), ("intercept", "slope"), key_path(path, "mean"))
    family = GaussianRealization(_vector(mean["intercept"], key_path(path, "mean.intercept"), n),
                                 _vector(mean["slope"], key_path(path, "mean.slope"), n),
                                 _matrix(doc["cov"], key_path(path, "cov"), n))
    where = key_path(path, "gap")
    gap = require_object(doc["gap"], where, "an object with keys 'intercept', 'slope', 'var'")
    check_keys(gap, ("intercept", "slope", "var"), ("intercept", "slope", "var"), where)
    return RealizationReport(name, family, _linear(doc["interventional"], key_path(path, "interventional")),
                             boolean(doc["inhibiting"], key_path(path, "inhibiting")),
                             MappingProxyType({k: number(gap[k], key_path(where, k)) for k in ("intercept", "slope",
                                                                                               "var")}),
                             string(doc["reason"], key_path(path, "reason")))


def _realization(value: Any, path: str, name: str, n: int) -> RealizationReport:
    doc = require_object(value, path, "an object describing one realization family")
    check_keys(doc, _REPORT_KEYS, _REPORT_KEYS, path)
    return _report(doc, path, name, n)


def _shift(value: Any, n: int) -> ShiftReport:
    doc = require_object(value, "shift", "an object describing the shift")
    check_keys(doc, _SHIFT_KEYS, _SHIFT_KEYS, "shift")
    return ShiftReport(_vector(doc["delta"], "shift.delta", n), boolean(doc["default"], "shift.default"),
                       number(doc["beta"], "shift.beta"), _matrix(doc["H"], "shift.H", n),
                       _matrix(doc["H_inverse"], "shift.H_inverse", n),
                       number(doc["noise_cov_with_xbar"], "shift.noise_cov_with_xbar"),
                       boolean(doc["unconfounded"], "shift.unconfounded"))


def _condition(value: Any) -> Condition9:
    keys = ("holds", "var_y_given_xbar", "var_noise", "slack")
    doc = require_object(value, "condition_9", "an object describing condition (9)")
    check_keys(doc, keys, keys, "condition_9")
    return Condition9(boolean(doc["holds"], "condition_9.holds"),
                      *(number(doc[k], f"condition_9.{k}") for k in keys[1:]))


def _beta(value: Any, n: int) -> BetaReport:
    doc = require_object(value, "beta", "an object describing Lemma 14's H, or null")
    check_keys(doc, _BETA_KEYS, _BETA_KEYS, "beta")
    exists = boolean(doc["exists"], "beta.exists")
    arrays: list[np.ndarray | None] = []
    for key, read in (("delta", _vector), ("H", _matrix), ("H_inverse", _matrix)):
        if (doc[key] is None) == exists:
            raise ModelError(None, f"beta.{key}", "a value exactly when 'exists' is true",
                             "null" if doc[key] is None else describe(doc[key]))
        arrays.append(None if doc[key] is None else read(doc[key], f"beta.{key}", n))
    delta, h, h_inverse = arrays
    return BetaReport(number(doc["requested"], "beta.requested"), exists, delta, h, h_inverse,
                      string(doc["reason"], "beta.reason"))


def _appendix(value: Any, n: int) -> AppendixD:
    doc = require_object(value, "appendix_d", "an object describing appendix D")
    check_keys(doc, _APPENDIX_KEYS, _APPENDIX_KEYS, "appendix_d")
    return AppendixD(_report(doc, "appendix_d", _NAMES["deterministic"], n),
                     boolean(doc["no_macro_model"], "appendix_d.no_macro_model"),
                     string(doc["statement"], "appendix_d.statement"), string(doc["caveat"], "appendix_d.caveat"))


def _evaluation(value: Any, path: str, names: tuple[str, ...], n: int) -> Evaluation:
    doc = require_object(value, path, "an object with keys 'xbar', 'observational', 'realizations'")
    check_keys(doc, ("xbar", "observational", "realizations"), ("xbar", "observational", "realizations"), path)
    where = key_path(path, "observational")
    obs = require_object(doc["observational"], where, "an object with keys 'mean' and 'var'")
    check_keys(obs, ("mean", "var"), ("mean", "var"), where)
    where = key_path(path, "realizations")
    found = require_object(doc["realizations"], where, f"an object with an entry for each of {preview(names)}")
    if tuple(found) != names:
        raise ModelError(None, where, f"an entry for each of {preview(names)}, in order", preview(list(found)))
    realizations = {}
    for name in names:
        at = key_path(where, name)
        entry = require_object(found[name], at, "an object with keys 'mean_x', 'mean', 'var'")
        check_keys(entry, ("mean_x", "mean", "var"), ("mean_x", "mean", "var"), at)
        realizations[name] = (_vector(entry["mean_x"], key_path(at, "mean_x"), n), number(entry["mean"],
                              key_path(at, "mean")), number(entry["var"], key_path(at, "var")))
    return Evaluation(number(doc["xbar"], key_path(path, "xbar")),
                      (number(obs["mean"], key_path(path, "observational.mean")),
                       number(obs["var"], key_path(path, "observational.var"))), MappingProxyType(realizations))


def _model(value: Any) -> GaussianModel:
    try:
        return gaussian_from_dict(require_object(value, "gaussian", "the model's discagg/gaussian-v1 document"))
    except ModelError as exc:
        if exc.source is not None:
            raise
        raise ModelError(None, key_path("gaussian", exc.path) if exc.path else "gaussian", exc.expected,
                         exc.found) from None


def _check_derived(doc: Mapping[str, Any], model: GaussianModel) -> None:
    m = model
    moments: dict[str, Any] = {"w": m.weights.tolist(), "mean_xbar": m.mean_xbar, "var_xbar": m.var_xbar,
                               "mean_ybar": m.mean_ybar, "var_ybar": m.var_ybar, "cov_ybar_xbar": m.cov_ybar_xbar}
    macro = require_object(doc["macro"], "macro", "an object with the macro moments")
    check_keys(macro, tuple(moments), tuple(moments), "macro")
    wanted: dict[str, Any] = {"model": m.name, "variables": list(m.variables or ()), "confounded": m.confounded,
                              **{f"macro.{k}": v for k, v in moments.items()}}
    found = {**{k: doc[k] for k in ("model", "variables", "confounded")},
             **{f"macro.{k}": v for k, v in macro.items()}}
    for key, value in wanted.items():
        if found[key] != value:
            raise ModelError(None, key, f"{describe(value)} (what the model in 'gaussian' gives)", describe(found[key]))


def gaussian_analysis_from_dict(document: Any) -> GaussianAnalysis:
    """The :class:`~discagg.GaussianAnalysis` of a ``discagg gaussian --json`` document.

    Raises
    ------
    ModelError
        Naming the key path of the first entry that is not as :meth:`GaussianAnalysis.to_dict` writes it
        (``gaussian.cov[0][1]`` for the model's).

    Examples
    --------
    >>> from discagg import gaussian_analysis, load_gaussian
    >>> analysis = gaussian_analysis(load_gaussian("example:shops"), xbar=[100.0])
    >>> gaussian_analysis_from_dict(analysis.to_dict()) == analysis
    True
    """
    doc = require_object(document, "", "a JSON object as 'discagg gaussian --json' prints")
    check_keys(doc, (*_KEYS, "spec"), _KEYS, "")
    model = _model(doc["gaussian"])
    _check_derived(doc, model)
    n = model.n
    inhibiting = None
    if doc["inhibiting"] is not None:
        inhibiting = _realization(doc["inhibiting"], "inhibiting", _NAMES["inhibiting"], n)
    names = ("natural", "absorbing", "deterministic") + (("inhibiting",) if inhibiting is not None else ())
    at = doc["at"]
    if not isinstance(at, list):
        raise ModelError(None, "at", "a list of evaluations", describe(at))
    return GaussianAnalysis(
        model, _linear(doc["observational"], "observational"),
        _realization(doc["natural"], "natural", _NAMES["natural"], n),
        _realization(doc["absorbing"], "absorbing", _NAMES["absorbing"], n), _shift(doc["shift"], n),
        _condition(doc["condition_9"]), inhibiting, string(doc["inhibiting_reason"], "inhibiting_reason"),
        None if doc["beta"] is None else _beta(doc["beta"], n), _appendix(doc["appendix_d"], n),
        tuple(_evaluation(e, f"at[{i}]", names, n) for i, e in enumerate(at)))


def load_gaussian_analysis(path: str | os.PathLike[str]) -> GaussianAnalysis:
    """Read a file that ``discagg gaussian --json`` (or :meth:`GaussianAnalysis.to_dict`) wrote.

    Raises
    ------
    ModelError
        Naming the file, and the key path of what is not as written.
    """
    from discagg.io.json_files import read_document

    return read_document(path, gaussian_analysis_from_dict)
