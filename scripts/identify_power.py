"""Size and power of identify's inhibiting test, and recovery of the realization, by simulation.

The experiment runs the cholesterol example's sparse inhibiting realization
(``discagg solve example:cholesterol``): for "medium" it is inhibiting, so the
hypothesis P(Ybar | do(medium)) = P(Ybar | medium) holds and the rejection rate
is the test's size; "low" and "high" are single micro states whose gap no
realization closes (0.047 and 0.020), so their rejection rate is the test's
power, shown next to the asymptotic power (non-central chi-square with
non-centrality 2 n KL(P(Ybar | do) || P(Ybar | xbar))). For "medium" the script
also reports the root-mean-square error of the maximum-likelihood weight against
its Fisher standard error, and how often the truth lies within 2 standard errors.

Every experiment goes through the whole pipeline: ``discagg.sample`` with the
realization (n runs per macro state), then ``discagg.identify`` on its records of
the macro cause and the micro effect.

Run: ``python scripts/identify_power.py [--reps R] [--runs N N ...] [--level 0.95]``.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from scipy.stats import chi2, ncx2

import discagg
from discagg.cli.tables import format_table


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=400, help="simulated experiments per row (default 400)")
    parser.add_argument("--runs", type=int, nargs="+", default=[100, 300, 1000, 3000],
                        help="runs per macro state (default 100 300 1000 3000)")
    parser.add_argument("--level", type=float, default=0.95)
    args = parser.parse_args()
    warnings.simplefilter("ignore", discagg.DataWarning)  # the Diet column of the simulated records
    model = discagg.load_model("example:cholesterol")
    agg = discagg.Aggregation.of(model)
    family = discagg.solve(model).realization_family()
    do, obs = agg.interventional(family), agg.observational
    alpha = 1 - args.level
    critical = chi2.ppf(args.level, 1)
    medium = agg.cause_map.fibre("medium")
    q_true = family.weights[medium]
    K = agg.kernel[medium]
    p = q_true @ K
    fisher = 1 / np.sqrt(np.sum((K[0] - K[1]) ** 2 / p))            # per run: the sd is fisher / sqrt(n)
    shown = ", ".join(f"{agg.cause_map.micro_states[x]}={w:.4f}" for x, w in zip(medium, q_true))
    print(f"cholesterol, sparse inhibiting realization: medium = {shown}; {args.reps} experiments per row; "
          f"test at significance {alpha:.3g}\n")
    rows = []
    start = time.perf_counter()
    for n in args.runs:
        rejected = {"low": 0, "medium": 0, "high": 0}
        errors, covered = [], 0
        for seed in range(args.reps):
            result = discagg.identify(model, discagg.sample(model, n, seed, realization=family), level=args.level)
            for s in result.states:
                rejected[s.state] += s.inhibiting_test.p_value < alpha
            estimate = result.state("medium").realization.get(agg.cause_map.micro_states[medium[0]], 0.0)
            errors.append(estimate - q_true[0])
            covered += abs(estimate - q_true[0]) <= 2 * fisher / np.sqrt(n)
        predicted = {name: float(ncx2.sf(critical, 1, 2 * n * float(do[k] @ np.log(do[k] / obs[k]))))
                     for k, name in ((0, "low"), (2, "high"))}
        se = np.sqrt(alpha * (1 - alpha) / args.reps)
        rows.append([str(n), f"{rejected['medium'] / args.reps:.3f} ± {2 * se:.3f}",
                     f"{rejected['low'] / args.reps:.3f} ({predicted['low']:.3f})",
                     f"{rejected['high'] / args.reps:.3f} ({predicted['high']:.3f})",
                     f"{np.sqrt(np.mean(np.square(errors))):.4f}", f"{fisher / np.sqrt(n):.4f}",
                     f"{covered / args.reps:.3f}"])
    print(format_table(["runs", "size (medium)", "power low (asympt.)", "power high (asympt.)", "RMSE q",
                        "Fisher sd", "|err| <= 2 sd"], rows))
    print(f"\nsize: rejection rate where the hypothesis holds (nominal {alpha:.3g}, ± 2 binomial standard errors); "
          f"power: where it fails;\nRMSE q: of the maximum-likelihood weight of {agg.cause_map.micro_states[medium[0]]}"
          f" for 'medium'; |err| <= 2 sd: how often within 2 Fisher standard errors (nominal 0.954)")
    print(f"total time {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
