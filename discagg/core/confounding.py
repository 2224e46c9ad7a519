"""Confounding measures: the macro gap of a realization family, and micro confounding.

:func:`macro_gap` compares ``P(Ȳ | x̄)`` with ``P(Ȳ | do(x̄))`` per macro state
(Definition 6: the realization is inhibiting where they are equal, inducing
elsewhere); :func:`micro_confounding` compares ``P(Y | x)`` with
``P(Y | do(x))`` per micro state (Theorem 3.2's conclusion 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from discagg.core.arrays import readonly_float
from discagg.core.coarsening import Coarsening
from discagg.core.distances import kl_divergence, max_abs_difference, total_variation
from discagg.report.short import compact
from discagg.tolerance import Tolerance

__all__ = ["MacroGap", "MicroConfounding", "macro_gap", "micro_confounding"]


@dataclass(frozen=True, eq=False)
class MacroGap:
    """Macro confounding per macro state of the cause (Definition 6).

    Arrays have shape ``(|X̄|,)`` and hold NaN where the gap is not defined
    (unsupported macro state, or no realization for it).

    Attributes
    ----------
    total_variation : ndarray
        ``TV(P(Ȳ | x̄), P(Ȳ | do(x̄)))``.
    max_abs : ndarray
        ``max_ȳ |P(ȳ | x̄) - P(ȳ | do(x̄))|``.
    kl : ndarray
        ``KL(P(Ȳ | x̄) ‖ P(Ȳ | do(x̄)))`` in nats; ``inf`` where the observational
        distribution puts mass outside the interventional support.
    inhibiting : ndarray of bool
        Gap defined and ``total_variation <= tolerance.equality``.
    defined : ndarray of bool
    """

    total_variation: np.ndarray
    max_abs: np.ndarray
    kl: np.ndarray
    inhibiting: np.ndarray
    defined: np.ndarray

    def __repr__(self) -> str:
        n, defined = len(self.defined), int(np.sum(self.defined))
        inhibiting = int(np.sum(self.inhibiting))
        largest = float(np.max(self.total_variation[self.defined])) if defined else None
        return (f"MacroGap({n} macro states: {inhibiting} inhibiting, {defined - inhibiting} inducing, "
                f"{n - defined} undefined; largest TV {compact(largest)})")


@dataclass(frozen=True, eq=False)
class MicroConfounding:
    """Micro confounding of (X, Y) and (X, Ȳ), as in Theorem 3.2's conclusion 1.

    Compares ``P(Y | X = x)`` with ``P(Y | do(X = x))`` for every micro state
    ``x`` with ``P(x) > 0``; arrays have shape ``(|X|,)`` with NaN elsewhere.

    Attributes
    ----------
    effect_tv : ndarray
        TV distance between ``P(Y | x)`` and ``P(Y | do(x))``.
    macro_effect_tv : ndarray
        TV distance between ``P(Ȳ | x)`` and ``P(Ȳ | do(x))``.
    supported : ndarray of bool
    confounded : bool
        Some ``effect_tv`` exceeds ``tolerance.equality``: (X, Y) confounded.
    macro_confounded : bool
        Some ``macro_effect_tv`` exceeds it: (X, Ȳ) confounded.
    """

    effect_tv: np.ndarray
    macro_effect_tv: np.ndarray
    supported: np.ndarray
    confounded: bool
    macro_confounded: bool

    def __repr__(self) -> str:
        s = self.supported
        tv = float(np.max(self.effect_tv[s], initial=0.0))
        macro_tv = float(np.max(self.macro_effect_tv[s], initial=0.0))
        return (f"MicroConfounding((X, Y) {'' if self.confounded else 'un'}confounded, max TV {compact(tv)}; "
                f"(X, Ybar) {'' if self.macro_confounded else 'un'}confounded, max TV {compact(macro_tv)})")


def macro_gap(observational: np.ndarray, interventional: np.ndarray, defined: np.ndarray,
              tolerance: Tolerance) -> MacroGap:
    """The gap between ``P(Ȳ | x̄)`` and ``P(Ȳ | do(x̄))`` for every macro state.

    Parameters
    ----------
    observational, interventional : (|X̄|, |Ȳ|) ndarray
    defined : (|X̄|,) ndarray of bool
        Supported macro states that carry a realization; NaN elsewhere.
    tolerance : Tolerance
        ``equality`` decides "inhibiting".

    Returns
    -------
    MacroGap
    """
    tv = np.where(defined, total_variation(observational, interventional), np.nan)
    with np.errstate(invalid="ignore"):
        inhibiting = defined & (tv <= tolerance.equality)
    for array in (tv, defined, inhibiting):
        array.setflags(write=False)
    return MacroGap(
        total_variation=tv,
        max_abs=readonly_float(np.where(defined, max_abs_difference(observational, interventional), np.nan)),
        kl=readonly_float(np.where(defined, kl_divergence(observational, interventional), np.nan)),
        inhibiting=inhibiting,
        defined=defined,
    )


def micro_confounding(joint: np.ndarray, kernel: np.ndarray, macro_kernel: np.ndarray, effect_map: Coarsening,
                      tolerance: Tolerance) -> MicroConfounding:
    """Compare ``P(Y | x)`` with ``P(Y | do(x))``, and their push-forwards to Ȳ, for every supported ``x``.

    Parameters
    ----------
    joint : (|X|, |Y|) ndarray
        Observational ``P(x, y)``.
    kernel : (|X|, |Y|) ndarray
        ``P(y | do(x))``.
    macro_kernel : (|X|, |Ȳ|) ndarray
        ``P(ȳ | do(x))``.
    effect_map : Coarsening
        ``π_Y``.
    tolerance : Tolerance

    Returns
    -------
    MicroConfounding
    """
    p_cause = joint.sum(axis=1)
    supported = p_cause > tolerance.support
    conditional = np.full(joint.shape, np.nan)
    conditional[supported] = joint[supported] / p_cause[supported, None]
    tv = np.where(supported, total_variation(conditional, kernel), np.nan)
    macro_conditional = effect_map.push_forward(conditional, axis=1)
    macro_tv = np.where(supported, total_variation(macro_conditional, macro_kernel), np.nan)
    eq = tolerance.equality
    return MicroConfounding(
        effect_tv=readonly_float(tv),
        macro_effect_tv=readonly_float(macro_tv),
        supported=supported,
        confounded=bool(np.any(tv[supported] > eq)),
        macro_confounded=bool(np.any(macro_tv[supported] > eq)),
    )
