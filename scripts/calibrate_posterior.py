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

The data sets are independent units of work (:mod:`discagg.estimation.calibration`), run
through Dask: its threads in this process by default, or with ``--scheduler ADDRESS`` a
running ``dask.distributed`` cluster; the table is the same either way (every data set is
fixed by its seeds). A progress bar on stderr counts the data sets (not with ``--quiet``, nor
when stderr is not a terminal).

Run: ``python scripts/calibrate_posterior.py [--model M] [--sizes N ...] [--reps R] [--draws D] [--level L]
[--scheduler ADDRESS] [--chunk-size K] [--quiet]`` (about a minute with the defaults on 2 cores).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

import numpy as np

import discagg
from discagg.cli.tables import format_table
from discagg.errors import ModelError
from discagg.estimation.calibration import calibrate, covered, truth_of

__all__ = ["calibrate", "covered", "truth_of", "main"]


def main(argv: Sequence[str] | None = None) -> list[dict[str, float]]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default="example:cholesterol")
    parser.add_argument("--cause")
    parser.add_argument("--effect")
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 1000, 4000, 16000])
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--level", type=float, default=0.95)
    parser.add_argument("--scheduler", metavar="ADDRESS", default=None,
                        help="'local' (default: Dask's threads here), 'sequential', or the address of a running "
                             "dask.distributed scheduler (tcp://HOST:8786)")
    parser.add_argument("--chunk-size", metavar="K", type=int, default=1, help="data sets per unit of work (default 1)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    args = parser.parse_args(argv)
    model = discagg.load_model(args.model)
    start = time.perf_counter()
    try:
        rows = calibrate(model, args.sizes, args.reps, args.draws, args.level, args.cause, args.effect,
                         scheduler=args.scheduler, chunk_size=args.chunk_size, progress=not args.quiet)
    except ModelError as exc:
        parser.exit(2, f"calibrate_posterior: error: {exc}\n")
    where = "this process" if args.scheduler in (None, "local", "sequential") else args.scheduler
    print(f"{args.model}: {args.reps} data sets per n, {args.draws} posterior draws each (prior bdeu, ess 1); "
          f"coverage of {100 * args.level:g}% equal-tailed intervals, averaged over the macro states\n")
    print(format_table(
        ["n", "P(Ybar | xbar): cover", "width", "natural gap: cover", "width", "irreducible gap: cover", "width"],
        [[str(r["n"]), f"{r['cover observational']:.3f}", f"{r['width observational']:.4f}", f"{r['cover gap']:.3f}",
          f"{r['width gap']:.4f}", f"{r['cover min_gap']:.3f}", f"{r['width min_gap']:.4f}"] for r in rows]))
    print(f"\n(binomial standard error of a coverage near {args.level:g}: "
          f"{np.sqrt(args.level * (1 - args.level) / args.reps):.3f} per macro state and ybar); "
          f"total time {time.perf_counter() - start:.0f} s in {where}", file=sys.stdout)
    return rows


if __name__ == "__main__":
    main()
