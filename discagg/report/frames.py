"""Results as pandas DataFrames (pandas is optional: imported here, on first use, and only here).

``to_frame()`` of :class:`~discagg.Solution` and :class:`~discagg.Inspection`
gives one row per macro state of the cause, indexed by its name (``xbar``),
distributions over the effect's macro states spread over one column each
(``observational[ȳ]``, ...); that of :class:`~discagg.EffectBounds` gives the
rows of ``discagg bounds``, indexed by ``(xbar, quantity)``. Undefined numbers
are NaN.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from discagg.core.inspection import Inspection
    from discagg.solvers.ranges import EffectBounds
    from discagg.solvers.solution import Solution

__all__ = ["require_pandas", "solution_frame", "inspection_frame", "bounds_frame"]


def require_pandas() -> None:
    """Import pandas, or raise an ImportError that says how to install it."""
    try:
        import pandas  # noqa: F401
    except ImportError:
        raise ImportError("to_frame() needs pandas, which is not installed: pip install pandas "
                          "(or pip install 'discagg[data]')") from None


def _nan(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def _spread(row: dict[str, Any], key: str, names: Sequence[str], values: np.ndarray | Mapping[str, float] | None
            ) -> None:
    """``row[key[name]] = value`` for every name (NaN when ``values`` is None)."""
    if values is None:
        row.update({f"{key}[{n}]": float("nan") for n in names})
    elif isinstance(values, Mapping):
        row.update({f"{key}[{n}]": float(values[n]) for n in names})
    else:
        row.update({f"{key}[{n}]": float(v) for n, v in zip(names, values)})


def _frame(rows: list[dict[str, Any]], index: list[str], name: str) -> pd.DataFrame:
    require_pandas()
    import pandas as pd

    return pd.DataFrame(rows, index=pd.Index(index, name=name))


def solution_frame(solution: Solution) -> pd.DataFrame:
    """The macro states of a :class:`~discagg.Solution`, one row each (see :meth:`Solution.to_frame`).

    >>> from discagg import load_model, solve
    >>> frame = solve(load_model("example:cholesterol")).to_frame()
    >>> frame[["status", "gap"]].round(4)
              status     gap
    xbar
    low       infeasible  0.0471
    medium    inhibiting  0.0000
    high      infeasible  0.0202
    """
    ys = solution.effect_map.macro_states
    rows = []
    for s in solution.states:
        row: dict[str, Any] = {"status": s.status, "probability": s.probability, "gap": _nan(s.gap),
                               "objective_value": _nan(s.objective_value), "certificate_margin": _nan(s.margin)}
        _spread(row, solution.target_key, ys, s.target)
        _spread(row, "interventional", ys, s.interventional)
        _spread(row, "certificate", ys, s.certificate)
        row["realization"] = s.realization_by_state if s.has_realization else None
        rows.append(row)
    return _frame(rows, [s.state for s in solution.states], "xbar")


def inspection_frame(report: Inspection) -> pd.DataFrame:
    """The macro states of an :class:`~discagg.Inspection`, one row each (see :meth:`Inspection.to_frame`)."""
    ys = report.effect_macro
    rows = []
    for s in report.states:
        row: dict[str, Any] = {"status": s.status, "probability": s.probability, "gap": _nan(s.gap),
                               "max_abs": _nan(s.max_abs), "kl": _nan(s.kl)}
        _spread(row, "observational", ys, s.observational)
        _spread(row, "interventional", ys, s.interventional)
        row["realization"] = None if s.realization is None else dict(s.realization)
        rows.append(row)
    return _frame(rows, [s.state for s in report.states], "xbar")


def bounds_frame(bounds: EffectBounds) -> pd.DataFrame:
    """The rows of ``discagg bounds`` (see :meth:`EffectBounds.to_frame`)."""
    require_pandas()
    import pandas as pd

    micro = bounds.micro_states
    rows, index = [], []
    for s in bounds.states:
        for j, y in enumerate(bounds.effect_macro):
            index.append((s.state, f"P({y})"))
            rows.append({"probability": s.probability, "lower": float(s.lower[j]), "upper": float(s.upper[j]),
                         "width": float(s.upper[j] - s.lower[j]),
                         "observational": float("nan") if s.observational is None else float(s.observational[j]),
                         "lower_at": micro[s.lower_at[j]], "upper_at": micro[s.upper_at[j]]})
        if s.expectation is not None and s.expectation_at is not None:
            index.append((s.state, "E[f]"))
            rows.append({"probability": s.probability, "lower": s.expectation[0], "upper": s.expectation[1],
                         "width": s.expectation[1] - s.expectation[0], "observational": _nan(s.observational_expectation),
                         "lower_at": micro[s.expectation_at[0]], "upper_at": micro[s.expectation_at[1]]})
    return pd.DataFrame(rows, index=pd.MultiIndex.from_tuples(index, names=["xbar", "quantity"]))
