"""Benchmark: discagg's exact abstraction learning against Zennaro et al.'s published joint approach.

On their four synthetic lung-cancer scenarios (``data/abstraction/``, provenance
in ``data/abstraction/PROVENANCE.md``), discagg's ``learn_abstraction`` finds the
value maps of least abstraction error with a certificate; this prints its
optimum, its time (minimum of at least 5 repeats; models loaded beforehand, as
their timing excludes building the models) and its distance to the true maps
beside the numbers they published for the joint approach (CLeaR 2023, the table
of ``SyntheticData - A - Output.ipynb``: L1 0.85 ± 0.64, JSD 0.24 ± 0.03,
8.12 ± 0.20 s per run, and the per-scenario result files it averages).

The definitions differ, so every comparison is made on one yardstick:

- *abstraction error* (their ``src/evaluating.py``): the largest, over their
  pairs and every micro intervention, Jensen–Shannon *distance* with natural
  logarithms (scipy's default). discagg minimises the JS divergence in bits;
  both are monotone in each other (distance = sqrt(ln 2 · bits)), so the optimal
  maps are the same. Their side: this error of the maps their runs learned
  (mean over their 10 runs, re-measured exactly here).
- their *table "JSD"*: their training loss at the discretised maps (softmax at
  temperature 0.1 of the 0/1 maps, summed over pairs, a JS-like sum along the
  intervention axis; see PROVENANCE.md). Shown for information: it is not the
  abstraction error, and at exact maps it is float32 rounding noise (0.00034 for
  ``basic``), so discagg's value of it is computed here in float64.
- *L1*: their distance to the true maps (2 per micro state mapped elsewhere).

PASS for a scenario: discagg's exact optimum is at most the abstraction error of
their learned maps, and discagg's time is under 1 % of their 8.12 s per run.
Run: ``python scripts/bench_abstraction.py [--repeats N]``.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

from discagg.abstraction.kernels import joint_image, pair_kernels, push_rows
from discagg.abstraction.metrics import distance, js_distance_nats
from discagg.abstraction.search import learn_abstraction
from discagg.core.abstraction import default_pairs
from discagg.io.abstraction_format import load_abstraction_spec, load_role_model

SCENARIOS = ("basic", "collapsing", "extended", "vstruct")
TARGET_SECONDS = 0.01 * 8.12  # 1 % of their mean time per run

# FMZennaro/CausalAbstraction @ 4a256be9a1df, papers/2023-jointly-learning-consistent-abstractions/results/synthetic/a/
# avg-best-{endresults,time}-app3-NAME.npy: per scenario, the mean over their 10 runs of the table's "JSD" and L1,
# the mean time per run (10 x the best training's time, as their notebook computes it), and the maps their runs
# learned (argmax per column of the learned matrices) with how many runs learned each.
PUBLISHED = {
    "basic": {"jsd": 0.000336, "l1": 0.0, "seconds": 4.273,
              "maps": [({"Smoking_": [0, 1], "Cancer_": [0, 1]}, 10)]},
    "collapsing": {"jsd": 0.208859, "l1": 0.0, "seconds": 9.283,
                   "maps": [({"Smoking_": [0, 1, 0, 1], "Tar_": [0, 1], "Cancer_": [0, 1]}, 10)]},
    "extended": {"jsd": 0.017146, "l1": 0.4, "seconds": 9.382,
                 "maps": [({"Smoking_": [0, 1, 2, 2], "Tar_": [0, 0, 1], "Cancer_": [0, 1]}, 9),
                          ({"Smoking_": [1, 0, 2, 2], "Tar_": [0, 0, 1], "Cancer_": [0, 1]}, 1)]},
    "vstruct": {"jsd": 0.716380, "l1": 3.0, "seconds": 9.530,
                "maps": [({"Smoking_": [1, 0], "Cancer_": [0, 0], "Fatigue_": [0, 0, 1, 0]}, 3),
                         ({"Smoking_": [1, 0], "Cancer_": [0, 1], "Fatigue_": [0, 0, 1, 0]}, 6),
                         ({"Smoking_": [1, 0], "Cancer_": [0, 1], "Fatigue_": [0, 0, 0, 1]}, 1)]},
}
TABLE = "L1 0.85 +- 0.64, JSD 0.24 +- 0.03, 8.12 +- 0.20 s per run"


def error_of(maps: dict[str, list[int]], kernels, k: dict[str, int]) -> float:
    """The overall JS divergence (bits) of any maps, surjective or not (their runs' maps need not be)."""
    worst = 0.0
    for kern in kernels:
        pair = kern.pair
        upper = push_rows(kern.micro, joint_image([np.array(maps[m]) for m in pair.targets], [k[m] for m in pair.targets]),
                          math.prod(k[m] for m in pair.targets))
        source = joint_image([np.array(maps[m]) for m in pair.sources], [k[m] for m in pair.sources])
        worst = max(worst, float(distance("jsd", upper, kern.macro[source]).max()))
    return worst


def their_table_jsd(maps: dict[str, list[int]], kernels, k: dict[str, int]) -> float:
    """Their table's "JSD" (``src/nn_losses.py`` JSD_loss at the discretised maps), in float64."""
    def soft(m: str) -> np.ndarray:
        image = np.array(maps[m])
        matrix = np.zeros((k[m], len(image)))
        matrix[image, np.arange(len(image))] = 1.0
        e = np.exp(matrix / 0.1)
        return e / e.sum(axis=0, keepdims=True)

    total = 0.0
    for kern in kernels:
        (s,), (t,) = kern.pair.sources, kern.pair.targets
        low = (kern.macro.T @ soft(s)).T     # (micro sources, macro targets): the macro path
        high = (soft(t) @ kern.micro.T).T    # the micro path, pushed forward
        mid = 0.5 * (low + high)

        def kl(a: np.ndarray, b: np.ndarray) -> np.ndarray:
            return np.sum(a * np.log(a / b + 1e-7), axis=0)  # along the intervention axis, as theirs

        total += float(np.max(np.sqrt(0.5 * kl(low, mid) + 0.5 * kl(high, mid))))
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=7, help="runs of each search (at least 5)")
    args = parser.parse_args()
    repeats = max(args.repeats, 5)
    rows, passes, found_all = [], 0, {}
    for name in SCENARIOS:
        source = f"scenario:{name}"
        micro, macro = load_role_model(source, "micro"), load_role_model(source, "macro")
        spec = load_abstraction_spec(source)
        found = learn_abstraction(micro, macro, spec)  # warm-up (imports, caches)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            found = learn_abstraction(micro, macro, spec)
            times.append(time.perf_counter() - start)
        bnb_times = []
        for _ in range(repeats):
            start = time.perf_counter()
            bnb = learn_abstraction(micro, macro, spec, method="branch-and-bound")
            bnb_times.append(time.perf_counter() - start)
        assert bnb.optimal and abs(bnb.value - found.value) <= 1e-12
        end_to_end = []
        for _ in range(repeats):
            start = time.perf_counter()
            learn_abstraction(source, source, source)
            end_to_end.append(time.perf_counter() - start)
        groups = {m: spec.variables[m][0] for m in spec.variables}
        kernels = [pair_kernels(micro, macro, groups, p) for p in default_pairs(spec, macro)]
        k = {m: macro.cardinality(m) for m in macro.nodes}
        published = PUBLISHED[name]
        runs = sum(c for _, c in published["maps"])
        theirs = sum(c * js_distance_nats(error_of(m, kernels, k)) for m, c in published["maps"]) / runs
        ours = js_distance_nats(found.value)
        ours_maps = {m: v.image.tolist() for m, v in found.mapping.variables.items()}
        ok = ours <= theirs + 1e-12 and min(times) < TARGET_SECONDS
        passes += ok
        found_all[name] = found
        rows.append((name, found.candidates, found.value, ours, theirs, published["jsd"],
                     their_table_jsd(ours_maps, kernels, k), published["l1"], found.l1, found.ties, found.tie_l1,
                     published["seconds"], min(times), min(bnb_times), min(end_to_end), ok))
    print("Zennaro et al. (CLeaR 2023), synthetic scenarios, joint approach (10 runs each) against discagg's exact "
          "optimum")
    print(f"times: minimum of {repeats} runs; 'discagg s' = learn_abstraction on loaded models (exhaustive), "
          "'b&b s' = branch and bound, 'e2e s' = with loading the three files")
    print()
    widths = (10, 5, 9, 8, 8, 1, 8, 8, 1, 5, 4, 4, 6, 1, 7, 9, 7, 7, 9)

    def line(cells) -> str:
        return " ".join(str(c).rjust(w) if i else str(c).ljust(w)
                        for i, (c, w) in enumerate(zip(cells, widths))).rstrip()

    print(line(["", "", "optimum", "JS dist", "JS dist", "|", "table", "table", "|", "L1", "L1", "", "L1", "|",
                "their", "discagg", "b&b", "e2e", "discagg"]))
    print(line(["scenario", "maps", "bits", "ours", "theirs", "|", "JSD", "at ours", "|", "thrs", "ours", "ties",
                "ties", "|", "s", "s", "s", "s", "% 8.12 s"]))
    rule = "-" * len(line(["x"] * len(widths)))
    print(rule)
    for (name, candidates, bits, ours, theirs, table, table_ours, l1, our_l1, ties, tie_l1, their_s, secs, bnb_s,
         e2e, ok) in rows:
        print(line([name, candidates, f"{bits:.6f}", f"{ours:.6f}", f"{theirs:.6f}", "|", f"{table:.6f}",
                    f"{table_ours:.6f}", "|", f"{l1:.1f}", our_l1, ties, f"{tie_l1[0]}-{tie_l1[1]}", "|",
                    f"{their_s:.3f}", f"{secs:.4f}", f"{bnb_s:.4f}", f"{e2e:.4f}", f"{100 * secs / 8.12:.3f}%"])
              + ("  PASS" if ok else "  FAIL"))
    mean = [sum(r[i] for r in rows) / len(rows) for i in (3, 4, 5, 6, 7, 8, 11, 12)]
    print(rule)
    print(line(["mean", "", "", f"{mean[0]:.6f}", f"{mean[1]:.6f}", "|", f"{mean[2]:.6f}", f"{mean[3]:.6f}", "|",
                f"{mean[4]:.2f}", f"{mean[5]:.1f}", "", "", "|", f"{mean[6]:.3f}", f"{mean[7]:.4f}", "", "", ""]))
    print()
    print(f"published table (mean of the four scenarios): {TABLE}")
    print("JS dist: the abstraction error as their src/evaluating.py measures it (max over their pairs and micro "
          "interventions of the JS distance, natural log); 'theirs': of the maps their 10 runs learned (mean); "
          "table JSD: their loss at the learned maps as published, and the same formula at discagg's maps")
    print(f"{passes} of {len(rows)} scenarios pass: exact optimum <= the error of their learned maps, and time < 1% of "
          f"8.12 s ({TARGET_SECONDS * 1000:.1f} ms)")


if __name__ == "__main__":
    main()
