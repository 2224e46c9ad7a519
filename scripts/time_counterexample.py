"""Time `generate_counterexample` across cardinalities and verify every model it returns.

From the smallest inputs that satisfy all of Theorem 3.2's stated hypotheses
(|X| = 3 in one fibre, |Z| = 3, |Ybar| = 2) up to |X| = 200, |Z| = 50, in both
modes: the LP construction (largest confounding) and the exact one (every
stored float satisfies the inhibiting equation exactly). The column ``hyp``
says whether every stated hypothesis holds for the fibres the seed drew (a
single-state fibre has no realization other than the natural one). Run:
``python scripts/time_counterexample.py``.
"""

from __future__ import annotations

import time
import warnings

from discagg import Aggregation
from discagg.theory.checks import EXACT_LIMIT, verify
from discagg.theory.counterexample import generate_counterexample

GRID = [  # |X|, |Z|, |Y|, |Xbar|, |Ybar|
    (3, 3, 3, 1, 2),
    (4, 3, 3, 2, 2),
    (6, 4, 5, 2, 2),
    (10, 5, 6, 3, 3),
    (30, 10, 8, 6, 4),
    (60, 20, 10, 10, 5),
    (120, 30, 10, 15, 3),
    (200, 50, 10, 20, 3),
]


def main() -> None:
    warnings.simplefilter("ignore")
    print(f"{'|X|':>4} {'|Z|':>4} {'|Y|':>4} {'|Xb|':>5} {'|Yb|':>5}  {'mode':<5} {'seconds':>8} "
          f"{'confounding':>11}  hyp  witness  exactly")
    for seed, (n_x, n_z, n_y, k_x, k_y) in enumerate(GRID):
        for exact in (False, True):
            start = time.perf_counter()
            ce = generate_counterexample(n_x, n_z, n_y, k_x, k_y, seed=seed, margin=0.01, exact=exact)
            seconds = time.perf_counter() - start
            small = sum(node.cpt.size for node in ce.model.nodes.values()) <= EXACT_LIMIT
            result = verify(Aggregation.of(ce.model), ("theorem-3.2",), ce.realization, exact=small)
            exactly = "-" if not small else ("yes" if all(c.holds_exactly for c in result.checks
                                                          if c.kind == "witness") else "no")
            stated = all(h.holds for h in ce.hypotheses if h.stated)
            print(f"{n_x:>4} {n_z:>4} {n_y:>4} {k_x:>5} {k_y:>5}  {'exact' if exact else 'lp':<5} {seconds:>8.3f} "
                  f"{ce.confounding:>11.4f}  {'yes' if stated else 'no':<3}  {'yes' if result.ok else 'NO':<7}  "
                  f"{exactly}")


if __name__ == "__main__":
    main()
