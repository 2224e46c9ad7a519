"""Calibration of the posterior intervals: how often they cover a known truth, and how they shrink with n.

A model with CPTs is the truth. For each sample size ``n``, data sets of ``n``
rows are sampled from it (data set ``r`` with seed ``r``); from each, the CPTs'
posterior is drawn ``draws`` times (seed ``10_000 + r``) and the equal-tailed
intervals at ``level`` are formed, as ``--data DATA --posterior D`` does. For
every data set and macro state of the cause this records whether the intervals
cover the true

- ``observational``: ``P(ȳ | x̄)`` (every ``ȳ``),
- ``gap``: the gap of the natural realization (``inspect --posterior``),
- ``min_gap``: the irreducible gap (``solve --posterior``; 0 where an
  inhibiting realization exists),

and their widths. :func:`calibrate` averages them per ``n``.

Data sets are independent units of work: they run through
:func:`discagg.parallel.map_chunks`, locally or on a ``dask.distributed``
cluster, and every data set is fixed by its seeds, so the table is the same for
every scheduler and chunk size. ``scripts/calibrate_posterior.py`` prints it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from discagg.core.aggregation import Aggregation
from discagg.core.model import CausalModel
from discagg.errors import ModelError
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["QUANTITIES", "SLACK", "truth_of", "covered", "calibrate"]

QUANTITIES = ("observational", "gap", "min_gap")
SLACK = 1e-9
"""The tolerance's equality: an interval ``[0, 0]`` covers a true gap of 0 computed as ``1e-17``."""
_POSTERIOR_SEED = 10_000
"""Data set ``r`` is drawn with seed ``r`` and its posterior with seed ``_POSTERIOR_SEED + r``."""


def truth_of(agg: Aggregation) -> dict[str, np.ndarray]:
    """The true ``P(Ȳ | x̄)`` ``(|X̄|, |Ȳ|)``, natural gap ``(|X̄|,)`` and irreducible gap ``(|X̄|,)`` of ``agg``.

    >>> import discagg
    >>> truth = truth_of(discagg.Aggregation.of(discagg.load_model("example:cholesterol")))
    >>> truth["observational"].shape, truth["min_gap"].round(4).tolist()
    ((3, 2), [0.0471, 0.0, 0.0202])
    """
    from discagg.solvers.inhibiting import solve_aggregation

    natural = agg.gap(agg.natural_realization()).total_variation
    irreducible = np.array([s.gap if s.gap is not None else np.nan for s in solve_aggregation(agg).states])
    return {"observational": np.asarray(agg.observational), "gap": np.asarray(natural), "min_gap": irreducible}


def covered(values: np.ndarray, truth: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Whether the equal-tailed interval of the draws (first axis) covers the truth, and its width, per quantity.

    >>> hit, width = covered(np.arange(101.0)[:, None], np.array([3.0, 50.0]), 0.9)
    >>> hit.tolist(), width.tolist()
    ([False, True], [90.0])
    """
    lower, upper = np.quantile(values, [(1 - level) / 2, (1 + level) / 2], axis=0)
    return (lower - SLACK <= truth) & (truth <= upper + SLACK), upper - lower


def _data_set(agg: Aggregation, truth: dict[str, np.ndarray], n: int, r: int, draws: int, level: float,
              prior: str, ess: float) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Coverage and widths of the intervals from data set ``r`` of ``n`` rows."""
    from discagg.estimation.counting import family_counts
    from discagg.estimation.posterior import posterior_of_fit
    from discagg.estimation.sampling import sample_codes

    # the codes discagg.sample(model, n, seed=r) would write: same generator, same order
    counts = family_counts(agg.model, sample_codes(agg.model, n, np.random.default_rng(r)))
    post = posterior_of_fit(agg, counts, n, draws=draws, prior=prior, ess=ess, seed=_POSTERIOR_SEED + r,
                            level=level, questions=("inspect", "solve"), scheduler="sequential")
    return {key: covered(post.values[key], truth[key], level) for key in QUANTITIES}


def _calibration_task(chunk: tuple[Any, dict[str, np.ndarray], list[tuple[int, int]], int, float, str, float]
                      ) -> list[dict[str, tuple[np.ndarray, np.ndarray]]]:
    """The data sets ``(n, r)`` of one chunk (a module-level function, so that it pickles)."""
    from discagg.estimation.portable import unpack

    carried, truth, sets, draws, level, prior, ess = chunk
    agg = unpack(carried)
    return [_data_set(agg, truth, n, r, draws, level, prior, ess) for n, r in sets]


def calibrate(model: CausalModel, sizes: Sequence[int], reps: int, draws: int, level: float,
              cause: str | None = None, effect: str | None = None, *, prior: str = "bdeu", ess: float = 1.0,
              tolerance: Tolerance = DEFAULT_TOLERANCE, scheduler: str | None = None, chunk_size: int = 1,
              progress: bool = False) -> list[dict[str, float]]:
    """One row per sample size: how often the intervals cover the truth, and their mean widths.

    Parameters
    ----------
    model : CausalModel
        The truth (its CPTs) and the structure the posterior is fitted on.
    sizes : sequence of int
        Sample sizes ``n``.
    reps : int
        Data sets per sample size.
    draws : int
        Posterior draws per data set.
    level : float
        Of the equal-tailed intervals.
    cause, effect : str, optional
        Default: the model's query.
    prior, ess
        The Dirichlet prior (``bdeu`` or ``k2``).
    tolerance : Tolerance
    scheduler : str, optional
        Where the data sets run (:func:`discagg.parallel.map_chunks`).
    chunk_size : int
        Data sets per unit of work.
    progress : bool
        A bar over the chunks on stderr, when it is a terminal.

    Returns
    -------
    list of dict
        ``{"n", "cover observational", "cover gap", "cover min_gap", "width observational", "width gap",
        "width min_gap"}``, coverage averaged over the macro states (and the ``ȳ`` for
        ``P(Ȳ | x̄)``), widths likewise.

    Examples
    --------
    >>> import discagg
    >>> rows = calibrate(discagg.load_model("example:cholesterol"), [500], reps=2, draws=50, level=0.9)
    >>> sorted(rows[0]) == sorted(["n"] + [f"{w} {q}" for w in ("cover", "width") for q in QUANTITIES])
    True
    """
    from discagg.estimation.portable import carry
    from discagg.estimation.posterior import check_posterior_options
    from discagg.estimation.sampling import check_count
    from discagg.parallel import map_chunks

    check_posterior_options(draws, prior, level)
    sizes = [check_count(n, "sizes") for n in sizes]
    reps = check_count(reps, "reps")
    if isinstance(chunk_size, bool) or not isinstance(chunk_size, (int, np.integer)) or chunk_size < 1:
        raise ModelError(None, "chunk_size", "a positive whole number of data sets per chunk", repr(chunk_size))
    agg = Aggregation.of(model, cause, effect, tolerance=tolerance)
    truth = truth_of(agg)
    sets = [(n, r) for n in sizes for r in range(reps)]
    carried = carry(agg, scheduler)
    chunks = [(carried, truth, sets[i:i + chunk_size], int(draws), float(level), prior, float(ess))
              for i in range(0, len(sets), chunk_size)]
    done = [one for chunk in map_chunks(_calibration_task, chunks, scheduler=scheduler, progress=progress,
                                        description="calibration data sets") for one in chunk]
    rows = []
    for i, n in enumerate(sizes):
        mine = done[i * reps:(i + 1) * reps]
        row: dict[str, float] = {"n": n}
        row.update({f"cover {key}": float(np.mean([one[key][0] for one in mine])) for key in QUANTITIES})
        row.update({f"width {key}": float(np.mean([one[key][1] for one in mine])) for key in QUANTITIES})
        rows.append(row)
    return rows
