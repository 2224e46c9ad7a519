"""The inspection of a model: every macro quantity per macro state, as one result.

:func:`inspect_model` gathers, for each macro state ``x̄`` of the cause, ``P(x̄)``,
``P(Ȳ | x̄)``, the realization (natural by default), ``P(Ȳ | do(x̄))`` under it
and the gap, plus the micro confounding of (X, Y) and (X, Ȳ). ``discagg inspect``
prints it (``str(report)`` is that table, ``_repr_html_`` the same as HTML);
:meth:`Inspection.to_dict` is its ``--json`` document, which
:meth:`Inspection.from_dict` reads back.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from discagg.core.aggregation import Aggregation
from discagg.core.model import CausalModel
from discagg.core.realization import RealizationFamily
from discagg.errors import ModelError, describe, preview
from discagg.json_values import (
    boolean,
    check_keys,
    key_path,
    number,
    require_object,
    state_entries,
    string,
    string_list,
)
from discagg.report.short import compact, fit, plain, quoted, tally
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MacroStateReport", "Inspection", "inspect_model"]

INHIBITING = "inhibiting"
INDUCING = "inducing"
UNSUPPORTED = "unsupported"
UNDEFINED = "undefined"


@dataclass(frozen=True)
class MacroStateReport:
    """Everything discagg knows about one macro state of the cause.

    Attributes
    ----------
    state : str
    status : str
        ``"inhibiting"`` (gap within tolerance), ``"inducing"`` (gap above it),
        ``"unsupported"`` (``P(x̄) = 0``: no observational conditional, no gap) or
        ``"undefined"`` (supported, but the realization family has no
        realization for it).
    probability : float
        ``P(x̄)``.
    observational, realization, interventional : mapping or None
        ``P(Ȳ | x̄)``, the micro-realization over the fibre and ``P(Ȳ | do(x̄))``.
    gap, max_abs, kl : float or None
        Total-variation gap, largest absolute difference and
        ``KL(P(Ȳ | x̄) ‖ P(Ȳ | do(x̄)))`` (``inf`` when the observational
        distribution has mass outside the interventional support).
    """

    state: str
    status: str
    probability: float
    observational: Mapping[str, float] | None
    realization: Mapping[str, float] | None
    interventional: Mapping[str, float] | None
    gap: float | None
    max_abs: float | None
    kl: float | None

    def __repr__(self) -> str:
        gap = "" if self.gap is None else f", gap={compact(self.gap)}"
        return fit(lambda w: f"MacroStateReport(state={quoted(self.state, w)}, {plain(self.status, 16)}, "
                   f"P={compact(self.probability)}{gap})")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; unsupported states carry only state, status and probability."""
        doc: dict[str, Any] = {"state": self.state, "status": self.status, "probability": self.probability}
        if self.status == UNSUPPORTED:
            return doc
        for key in ("realization", "observational", "interventional"):
            value = getattr(self, key)
            if value is not None:
                doc[key] = dict(value)
        if self.gap is not None:
            doc["gap"] = self.gap
            doc["max_abs"] = self.max_abs
            doc["kl"] = None if self.kl is None or math.isinf(self.kl) else self.kl
        return doc


@dataclass(frozen=True)
class Inspection:
    """The result of :func:`inspect_model`.

    Attributes
    ----------
    model, cause, effect : str
    realization_kind : str
        ``"natural"`` or ``"given"``.
    states : tuple of MacroStateReport
        One per macro state of the cause, in the coarsening's order.
    micro_confounded, micro_macro_confounded : bool
        (X, Y) and (X, Ȳ) confounded: ``P(Y | x) ≠ P(Y | do(x))`` for some x.
    micro_max_tv, micro_macro_max_tv : float
        Largest TV distance between those, over supported micro states.
    cause_micro, effect_micro, effect_macro : tuple of str

    Examples
    --------
    >>> from discagg import load_model
    >>> report = inspect_model(load_model("example:cholesterol"))
    >>> report
    Inspection(model='cholesterol', Lipids -> HeartDisease, natural realization: 3 inducing)
    >>> report.states[0]
    MacroStateReport(state='low', inducing, P=0.21, gap=0.04714)
    """

    model: str
    cause: str
    effect: str
    realization_kind: str
    states: tuple[MacroStateReport, ...]
    micro_confounded: bool
    micro_macro_confounded: bool
    micro_max_tv: float
    micro_macro_max_tv: float
    cause_micro: tuple[str, ...]
    effect_micro: tuple[str, ...]
    effect_macro: tuple[str, ...]

    def __repr__(self) -> str:
        statuses = tally(s.status for s in self.states)
        return fit(lambda w: f"Inspection(model={quoted(self.model, w)}, {plain(self.cause, w)} -> "
                   f"{plain(self.effect, w)}, {plain(self.realization_kind, 8)} realization: {statuses})")

    def __str__(self) -> str:
        from discagg.report.tables import as_text, inspection_table

        return as_text(inspection_table(self))

    def _repr_html_(self) -> str:
        from discagg.report.tables import as_html, inspection_table

        return as_html(inspection_table(self))

    @property
    def macro_confounded(self) -> bool:
        """Definition 6: some supported macro state has a nonzero gap."""
        return any(s.status == INDUCING for s in self.states)

    @classmethod
    def from_dict(cls, document: Mapping[str, Any]) -> Inspection:
        """The Inspection whose :meth:`to_dict` (``discagg inspect --json``) is ``document``.

        Raises
        ------
        ModelError
            Naming the key path of the first entry that is not as :meth:`to_dict` writes it.

        Examples
        --------
        >>> from discagg import load_model
        >>> report = inspect_model(load_model("example:cholesterol"))
        >>> Inspection.from_dict(report.to_dict()) == report
        True
        """
        return _inspection_from_dict(document)

    def to_frame(self) -> pd.DataFrame:
        """One row per macro state of the cause, as a pandas DataFrame (pandas is needed here only).

        Columns: ``status``, ``probability``, ``gap``, ``max_abs``, ``kl``, then
        ``observational[ȳ]`` and ``interventional[ȳ]`` for each macro state ȳ of
        the effect (NaN where undefined), and ``realization``
        (``{micro state: weight}``, or None).

        Raises
        ------
        ImportError
            If pandas is not installed.
        """
        from discagg.report.frames import inspection_frame

        return inspection_frame(self)

    def to_dict(self) -> dict[str, Any]:
        """The ``discagg inspect --json`` document."""
        return {
            "model": self.model,
            "cause": self.cause,
            "effect": self.effect,
            "realization": self.realization_kind,
            "macro_confounded": self.macro_confounded,
            "micro_confounding": {
                "confounded": self.micro_confounded,
                "macro_confounded": self.micro_macro_confounded,
                "max_tv": self.micro_max_tv,
                "max_macro_tv": self.micro_macro_max_tv,
            },
            "macro_states": [s.to_dict() for s in self.states],
            "cause_micro_states": list(self.cause_micro),
            "effect_micro_states": list(self.effect_micro),
            "effect_macro_states": list(self.effect_macro),
        }


def _named(names: tuple[str, ...], values: np.ndarray) -> dict[str, float]:
    return {name: float(v) for name, v in zip(names, values)}


def inspect_model(
    model: CausalModel,
    cause: str | None = None,
    effect: str | None = None,
    *,
    realization: RealizationFamily | None = None,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
) -> Inspection:
    """Compute the macro quantities of every macro state of the cause.

    Parameters
    ----------
    model : CausalModel
    cause, effect : str, optional
        Default to the model's query.
    realization : RealizationFamily, optional
        Default: the natural realization ``P(X | x̄)``.
    tolerance : Tolerance

    Returns
    -------
    Inspection

    Raises
    ------
    ModelError
        If cause or effect is unknown or lacks a coarsening, or the realization
        belongs to another coarsening.

    Examples
    --------
    >>> from discagg import load_model
    >>> report = inspect_model(load_model("data/unconfounded.json"))
    >>> [s.status for s in report.states]
    ['inhibiting', 'inhibiting', 'inhibiting']
    """
    agg = Aggregation.of(model, cause, effect, tolerance=tolerance)
    kind = "given" if realization is not None else "natural"
    micro = agg.micro_confounding()  # first: the micro tables, held from here on, give the macro quantities too
    family = realization if realization is not None else agg.natural_realization()
    do = agg.interventional(family)
    gap = agg.gap(family)
    pi_x, pi_y = agg.cause_map, agg.effect_map
    states = []
    for k, name in enumerate(pi_x.macro_states):
        supported = bool(agg.supported[k])
        defined = bool(family.defined[k])
        if not supported:
            status = UNSUPPORTED
        elif not defined:
            status = UNDEFINED
        else:
            status = INHIBITING if gap.inhibiting[k] else INDUCING
        states.append(MacroStateReport(
            state=name,
            status=status,
            probability=float(agg.p_macro[k]),
            observational=_named(pi_y.macro_states, agg.observational[k]) if supported else None,
            realization=family.distribution(k) if defined else None,
            interventional=_named(pi_y.macro_states, do[k]) if defined else None,
            gap=float(gap.total_variation[k]) if gap.defined[k] else None,
            max_abs=float(gap.max_abs[k]) if gap.defined[k] else None,
            kl=float(gap.kl[k]) if gap.defined[k] else None,
        ))
    s = micro.supported
    return Inspection(
        model=model.name,
        cause=agg.cause,
        effect=agg.effect,
        realization_kind=kind,
        states=tuple(states),
        micro_confounded=micro.confounded,
        micro_macro_confounded=micro.macro_confounded,
        micro_max_tv=float(np.max(micro.effect_tv[s], initial=0.0)),
        micro_macro_max_tv=float(np.max(micro.macro_effect_tv[s], initial=0.0)),
        cause_micro=pi_x.micro_states,
        effect_micro=agg.effect_map.micro_states,
        effect_macro=pi_y.macro_states,
    )


_STATUSES = (INHIBITING, INDUCING, UNSUPPORTED, UNDEFINED)
_KEYS = ("model", "cause", "effect", "realization", "macro_confounded", "micro_confounding", "macro_states",
         "cause_micro_states", "effect_micro_states", "effect_macro_states")


def _distribution(value: Any, path: str, names: Mapping[str, int] | tuple[str, ...], every: bool) -> dict[str, float]:
    mapping = require_object(value, path, f"an object mapping {preview(names)} to probabilities")
    result = {}
    for key, p in mapping.items():
        if key not in names:
            raise ModelError(None, key_path(path, key), f"one of {preview(names)}", f"unknown key {key!r}")
        result[key] = number(p, key_path(path, key))
    if every and list(result) != list(names):
        raise ModelError(None, path, f"a probability for each of {preview(names)}, in order", preview(list(result)))
    return result


def _report_from_dict(entry: Mapping[str, Any], path: str, micro: Mapping[str, int], ys: tuple[str, ...]
                      ) -> MacroStateReport:
    status = entry.get("status")
    if status not in _STATUSES:
        raise ModelError(None, key_path(path, "status"), f"one of {list(_STATUSES)}", describe(status))
    name = string(entry.get("state"), key_path(path, "state"))
    probability = number(entry.get("probability"), key_path(path, "probability"))
    if status == UNSUPPORTED:
        check_keys(entry, ("state", "status", "probability"), ("state", "status", "probability"), path)
        return MacroStateReport(name, status, probability, None, None, None, None, None, None)
    check_keys(entry, ("state", "status", "probability", "realization", "observational", "interventional", "gap",
                       "max_abs", "kl"), ("state", "status", "probability", "observational"), path)
    realization = interventional = None
    if "realization" in entry:
        realization = _distribution(entry["realization"], key_path(path, "realization"), micro, False)
    observational = _distribution(entry["observational"], key_path(path, "observational"), ys, True)
    if "interventional" in entry:
        interventional = _distribution(entry["interventional"], key_path(path, "interventional"), ys, True)
    gap = max_abs = kl = None
    if "gap" in entry:
        check_keys(entry, tuple(entry), ("gap", "max_abs", "kl"), path)
        gap, max_abs = number(entry["gap"], key_path(path, "gap")), number(entry["max_abs"], key_path(path, "max_abs"))
        kl = math.inf if entry["kl"] is None else number(entry["kl"], key_path(path, "kl"))  # null: infinite
    return MacroStateReport(name, status, probability, observational, realization, interventional, gap, max_abs, kl)


def _inspection_from_dict(document: Any) -> Inspection:
    doc = require_object(document, "", "a JSON object as 'discagg inspect --json' prints")
    check_keys(doc, _KEYS, _KEYS, "")
    model, cause, effect = (string(doc[key], key) for key in ("model", "cause", "effect"))
    kind = doc["realization"]
    if kind not in ("natural", "given"):
        raise ModelError(None, "realization", "'natural' or 'given'", describe(kind))
    micro_doc = require_object(doc["micro_confounding"], "micro_confounding", "an object")
    keys = ("confounded", "macro_confounded", "max_tv", "max_macro_tv")
    check_keys(micro_doc, keys, keys, "micro_confounding")
    cause_micro = string_list(doc["cause_micro_states"], "cause_micro_states", "micro states of the cause")
    effect_micro = string_list(doc["effect_micro_states"], "effect_micro_states", "micro states of the effect")
    ys = string_list(doc["effect_macro_states"], "effect_macro_states", "macro states of the effect")
    index = {x: i for i, x in enumerate(cause_micro)}
    states = tuple(_report_from_dict(entry, f"macro_states[{k}]", index, ys)
                   for k, entry in enumerate(state_entries(doc["macro_states"], "macro_states")))
    report = Inspection(
        model, cause, effect, kind, states,
        boolean(micro_doc["confounded"], "micro_confounding.confounded"),
        boolean(micro_doc["macro_confounded"], "micro_confounding.macro_confounded"),
        number(micro_doc["max_tv"], "micro_confounding.max_tv"),
        number(micro_doc["max_macro_tv"], "micro_confounding.max_macro_tv"),
        cause_micro, effect_micro, ys)
    if boolean(doc["macro_confounded"], "macro_confounded") != report.macro_confounded:
        raise ModelError(None, "macro_confounded", f"{str(report.macro_confounded).lower()}, as the statuses say",
                         str(doc["macro_confounded"]).lower())
    return report
