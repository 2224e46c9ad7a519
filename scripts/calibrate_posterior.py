"""Calibration of the posterior intervals: how often they cover the truth, and how they shrink with n.

A shipped model is the truth (default ``example:cholesterol``, its query). For each
sample size n, R data sets of n rows are sampled from it (seeds 0..R-1); from each,
the CPTs' posterior (prior bdeu, equivalent sample size 1) is drawn D times and the
equal-tailed intervals at ``--level`` are formed, as ``--data DATA --posterior D``
does. The table reports, averaged over the macro states of the cause, how often
the intervals cover the true

- P(Ybar | xbar) (every ybar),
- gap of the natural realization (what ``inspect --posterior`` reports),
- irreducible gap (what ``solve --posterior`` reports: the smallest gap over all
  realizations; 0 where an inhibiting realization exists),

and their mean widths. Coverage should be near the level, widths shrink like 1/sqrt(n).

Run: ``python scripts/calibrate_posterior.py [--model M] [--sizes N ...] [--reps R] [--draws D] [--level L]``
(about a minute with the defaults on 2 cores; pandas needed).
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Sequence

import numpy as np

import discagg
from discagg.cli.tables import format_table
from discagg.estimation.datasets import read_table
from discagg.estimation.fitting import fit_table
from discagg.estimation.posterior import posterior_of_fit

_SLACK = 1e-9  # the tolerance's equality: an interval [0, 0] covers a true gap of 0


def truth_of(agg: discagg.Aggregation) -> dict[str, np.ndarray]:
    """The true P(Ybar | xbar), natural gap and irreducible gap of every macro state."""
    natural = agg.gap(agg.natural_realization()).total_variation
    irreducible = np.array([s.gap if s.gap is not None else np.nan for s in discagg.solve(agg.model, agg.cause,
                                                                                           agg.effect).states])
    return {"observational": np.asarray(agg.observational), "gap": np.asarray(natural), "min_gap": irreducible}


def covered(values: np.ndarray, truth: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Per quantity (trailing axes): whether the equal-tailed interval of the draws covers the truth, and its width."""
    lower, upper = np.quantile(values, [(1 - level) / 2, (1 + level) / 2], axis=0)
    return (lower - _SLACK <= truth) & (truth <= upper + _SLACK), upper - lower


def calibrate(model: discagg.CausalModel, sizes: Sequence[int], reps: int, draws: int, level: float,
              cause: str | None = None, effect: str | None = None) -> list[dict[str, float]]:
    """One row per sample size: coverage and mean width of the three kinds of interval."""
    agg = discagg.Aggregation.of(model, cause, effect)
    truth = truth_of(agg)
    rows = []
    for n in sizes:
        hits: dict[str, list[np.ndarray]] = {"observational": [], "gap": [], "min_gap": []}
        widths: dict[str, list[np.ndarray]] = {"observational": [], "gap": [], "min_gap": []}
        for r in range(reps):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", discagg.DataWarning)
                fitted = fit_table(read_table(discagg.sample(model, n, seed=r)), agg.model, "bdeu", 1.0)
            fitted_agg = discagg.Aggregation.of(fitted.model, agg.cause, agg.effect)
            post = posterior_of_fit(fitted_agg, fitted.counts, fitted.rows, draws=draws, seed=10_000 + r,
                                    level=level, questions=("inspect", "solve"))
            for key in hits:
                hit, width = covered(post.values[key], truth[key], level)
                hits[key].append(hit)
                widths[key].append(width)
        rows.append({"n": n, **{f"cover {k}": float(np.mean(hits[k])) for k in hits},
                     **{f"width {k}": float(np.mean(widths[k])) for k in widths}})
    return rows


def main(argv: Sequence[str] | None = None) -> list[dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="example:cholesterol")
    parser.add_argument("--cause")
    parser.add_argument("--effect")
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 1000, 4000, 16000])
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--level", type=float, default=0.95)
    args = parser.parse_args(argv)
    model = discagg.load_model(args.model)
    start = time.perf_counter()
    rows = calibrate(model, args.sizes, args.reps, args.draws, args.level, args.cause, args.effect)
    print(f"{args.model}: {args.reps} data sets per n, {args.draws} posterior draws each (prior bdeu, ess 1); "
          f"coverage of {100 * args.level:g}% equal-tailed intervals, averaged over the macro states\n")
    print(format_table(
        ["n", "P(Ybar | xbar): cover", "width", "natural gap: cover", "width", "irreducible gap: cover", "width"],
        [[str(r["n"]), f"{r['cover observational']:.3f}", f"{r['width observational']:.4f}", f"{r['cover gap']:.3f}",
          f"{r['width gap']:.4f}", f"{r['cover min_gap']:.3f}", f"{r['width min_gap']:.4f}"] for r in rows]))
    print(f"\n(binomial standard error of a coverage near {args.level:g}: "
          f"{np.sqrt(args.level * (1 - args.level) / args.reps):.3f} per macro state and ybar); "
          f"total time {time.perf_counter() - start:.0f} s")
    return rows


if __name__ == "__main__":
    main()
