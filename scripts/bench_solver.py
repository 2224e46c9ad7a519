"""Benchmark: the realization solver at 2^20 micro states against one kernel pass, a full-LP baseline and cvxpy.

Model: ``--bits`` binary micro variables form the cause X (2^bits micro states,
independent bits given Z), X̄ = their sum (bits + 1 macro states), |Z| = 8,
|Y| = 10 coarsened to |Ȳ| = 5, random CPTs from ``--seed``. Everything below is
measured in one run, against baselines computed in that same run:

1. ``sparse`` for all macro states vs computing the interventional kernel once
   (target ≤ 3x), and vs one scipy HiGHS LP per fibre on the full gap
   formulation (target ≥ 30x faster).
2. ``min-kl`` for all macro states at 2^small_bits micro states vs the plain
   cvxpy exponential-cone formulation (target ≥ 30x faster), and at 2^bits vs
   the kernel (target ≤ 5x).
3. Peak memory of solving at 2^bits (tracemalloc, which sees numpy's
   allocations) vs the bytes held by the model's CPT arrays (target ≤ 2x: the
   CPTs plus the solver's peak extra memory).
4. Construction and memory (issue "Fast at both ends"): (a) the constructors
   (nodes, coarsenings from assignments, model validation) from arrays in
   memory vs the exact quantities (target <= 1x); (b) the peak RSS of a whole
   process that builds the model at 2^22, computes its quantities and solves
   (measured by the kernel, ru_maxrss) vs the CPT bytes (target <= 1.5x). The
   CPT arrays are handed over read-only, so the model keeps them without a copy.

Every timing is the minimum of ``--repeat`` (default 5) runs in this process.
Solver times are for the solve stage, given the model's exact quantities
(kernel and observational conditionals, computed once); the end-to-end time
including those is printed too. Run: ``python scripts/bench_solver.py``.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
import tracemalloc
import warnings
from typing import Any

import cvxpy as cp
import numpy as np

from discagg import Aggregation, CausalModel, Coarsening, Node, Query, interventional
from discagg.solvers.gap_lp import min_gap_full
from discagg.solvers.inhibiting import solve_aggregation


def arrays(bits: int, seed: int) -> dict[str, Any]:
    """The benchmark model's CPTs and the cause's macro assignment, handed over read-only (no copies), and its state names."""
    rng = np.random.default_rng(seed)
    nz, ny = 8, 10
    p_on = rng.uniform(0.2, 0.8, size=(nz, bits))
    px = np.ones((nz, 1))
    for b in range(bits):  # P(X | Z) over joint states, bit b as the b-th binary digit (big-endian)
        px = (px[:, :, None] * np.stack([1 - p_on[:, b], p_on[:, b]], axis=1)[:, None, :]).reshape(nz, -1)
    py = rng.gamma(1.0, size=(2**bits, nz, ny))
    py /= py.sum(axis=-1, keepdims=True)
    counts = np.zeros(2**bits, dtype=np.intp)
    for b in range(bits):
        counts += (np.arange(2**bits) >> b) & 1
    out = {"pz": rng.dirichlet(np.ones(nz)), "px": px, "py": py, "counts": counts}
    for array in out.values():
        # The ownership rule: an array nothing can write to any more is kept, not copied. px is a view
        # (a reshape) of the last product, so that array is frozen too, base first.
        chain = [array]
        while isinstance(chain[-1].base, np.ndarray):
            chain.append(chain[-1].base)
        for a in reversed(chain):
            a.setflags(write=False)
    # The micro state names are the user's data too, made once here: formatting a million strings
    # (about 0.4 s) is not discagg's construction.
    return {**out, "states": [format(i, f"0{bits}b") for i in range(2**bits)]}


def construct(bits: int, data: dict[str, Any]) -> CausalModel:
    """Validated nodes, coarsenings (from assignments) and model from arrays in memory."""
    nz, ny = data["px"].shape[0], data["py"].shape[-1]
    states = data["states"]
    z = Node("Z", [f"z{i}" for i in range(nz)], [], data["pz"])
    x = Node("X", states, ["Z"], data["px"])
    y = Node("Y", [f"y{i}" for i in range(ny)], ["X", "Z"], data["py"])
    macro = {"X": Coarsening.from_assignment("X", states, [str(k) for k in range(bits + 1)], data["counts"]),
             "Y": Coarsening.from_assignment("Y", y.states, [f"Y{j}" for j in range(ny // 2)],
                                             np.arange(ny) // 2)}
    return CausalModel([z, x, y], macro=macro, name=f"bench-{bits}", query=Query("X", "Y"))


def build(bits: int, seed: int) -> CausalModel:
    return construct(bits, arrays(bits, seed))


def peak_rss(bits: int, seed: int) -> None:
    """In this process only: build, compute the quantities and solve sparse; print peak RSS / CPT bytes."""
    model = build(bits, seed)
    agg = Aggregation.of(model)
    solve_aggregation(agg, objective="sparse")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux
    print(f"{rss} {cpt_bytes(model)}")


def best_of(repeat: int, fn) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def cvxpy_min_kl(agg: Aggregation) -> tuple[float, dict[str, int], list[float]]:
    """The plain cvxpy exponential-cone formulation of min-kl, fibre by fibre.

    Solved with Clarabel; timed whole (modelling and solving). Returns the time,
    the count of each final status (discagg's own cvxpy path refuses anything but
    'optimal'; here every status is kept, to time the baseline fairly) and the
    KL values.
    """
    natural = agg.natural_realization().weights
    statuses: dict[str, int] = {}
    values = []
    start = time.perf_counter()
    for k in range(agg.cause_map.n_macro):
        fibre = agg.cause_map.fibre(k)
        K, o, n = agg.macro_kernel[fibre], agg.observational[k], natural[fibre]
        q = cp.Variable(len(fibre), nonneg=True)
        problem = cp.Problem(cp.Minimize(cp.sum(cp.rel_entr(q, n))), [K.T @ q == o, cp.sum(q) == 1])
        problem.solve(solver="CLARABEL")
        statuses[problem.status] = statuses.get(problem.status, 0) + 1
        values.append(float(problem.value) if problem.value is not None else float("nan"))
    return time.perf_counter() - start, statuses, values


def cpt_bytes(model: CausalModel) -> int:
    return sum(node.cpt.nbytes for node in model.nodes.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bits", type=int, default=20)
    parser.add_argument("--small-bits", type=int, default=16)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=5, help="repeats per timing (the minimum is kept)")
    parser.add_argument("--rss-bits", type=int, default=22, help="size of the peak-RSS run (a process of its own)")
    parser.add_argument("--rss-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    results = []

    def report(name: str, value: float, target: str, ok: bool) -> None:
        results.append(ok)
        print(f"  {name:<58} {value:>9.2f}x   target {target:<8} {'PASS' if ok else 'FAIL'}")

    if args.rss_only:
        peak_rss(args.bits, args.seed)
        return
    # -- large model -------------------------------------------------------------------
    data = arrays(args.bits, args.seed)
    t_construct, model = best_of(args.repeat, lambda: construct(args.bits, data))
    print(f"model: 2^{args.bits} = {2**args.bits} micro states of X, {args.bits + 1} macro states, |Z| = 8, "
          f"|Y| = 10 -> |Ybar| = 5; constructors (nodes, coarsenings, model, validation) {t_construct:.3f} s; "
          f"CPT arrays {cpt_bytes(model) / 2**20:.0f} MiB")
    t_kernel, _ = best_of(args.repeat, lambda: interventional(model, "Y", "X"))

    def fresh() -> Aggregation:
        agg = Aggregation.of(model)
        _ = (agg.macro_kernel, agg.observational)  # the model's exact quantities, computed once
        return agg

    t_quantities, agg = best_of(args.repeat, fresh)
    t_sparse, sparse = best_of(args.repeat, lambda: solve_aggregation(agg, objective="sparse"))
    t_minkl, minkl = best_of(args.repeat, lambda: solve_aggregation(agg, objective="min-kl"))
    statuses = [s.status for s in sparse.states]
    print(f"kernel P(Y | do(X = x)) once: {t_kernel:.3f} s; all exact quantities (kernel, joint, macro "
          f"conditionals): {t_quantities:.3f} s")
    print(f"sparse, all macro states: {t_sparse:.3f} s ({statuses.count('inhibiting')} inhibiting, "
          f"{statuses.count('infeasible')} infeasible); min-kl: {t_minkl:.3f} s")

    pi = agg.cause_map

    def baseline() -> list[float]:
        return [min_gap_full(agg.macro_kernel[pi.fibre(k)], agg.observational[k])[1] for k in range(pi.n_macro)]

    t_full, gaps = best_of(args.repeat, baseline)
    for k, gap in enumerate(gaps):
        assert abs(gap - sparse.states[k].gap) <= 1e-8, (k, gap, sparse.states[k].gap)
    print(f"baseline, one scipy HiGHS LP per fibre on the full formulation: {t_full:.3f} s "
          "(same gaps as the fast path)")

    tracemalloc.start()
    solve_aggregation(Aggregation.of(model), objective="min-kl")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    held = cpt_bytes(model)
    print(f"peak extra memory while computing quantities and solving min-kl: {peak / 2**20:.0f} MiB")

    # -- small model: min-kl against cvxpy ---------------------------------------------------
    small = build(args.small_bits, args.seed)
    small_agg = Aggregation.of(small)
    _ = (small_agg.macro_kernel, small_agg.observational)
    t_small_fast, fast = best_of(args.repeat, lambda: solve_aggregation(small_agg, objective="min-kl"))
    runs = [cvxpy_min_kl(small_agg) for _ in range(args.repeat)]
    t_small_cvx, statuses, values = min(runs, key=lambda run: run[0])
    worst = max(abs(a.objective_value - v) for a, v in zip(fast.states, values) if a.status == "inhibiting")
    print(f"min-kl at 2^{args.small_bits}: fast {t_small_fast:.3f} s, cvxpy (Clarabel, exponential cone) "
          f"{t_small_cvx:.3f} s, statuses {statuses}; largest KL difference {worst:.1e}")
    process = subprocess.run([sys.executable, __file__, "--rss-only", "--bits", str(args.rss_bits), "--seed",
                              str(args.seed)], capture_output=True, text=True, check=True)
    rss, held_large = (int(v) for v in process.stdout.split()[-2:])
    print(f"peak RSS of a whole process at 2^{args.rss_bits} (build, quantities, sparse solve): "
          f"{rss / 2**20:.0f} MiB for {held_large / 2**20:.0f} MiB of CPTs")
    print("\nratios")
    report("1a. sparse solve time / kernel time", t_sparse / t_kernel, "<= 3", t_sparse <= 3 * t_kernel)
    report("    (end to end incl. quantities, for information)", (t_sparse + t_quantities) / t_kernel, "-", True)
    report("1b. full-LP baseline time / sparse solve time", t_full / t_sparse, ">= 30", t_full >= 30 * t_sparse)
    report(f"2a. cvxpy time / min-kl time at 2^{args.small_bits}", t_small_cvx / t_small_fast, ">= 30",
           t_small_cvx >= 30 * t_small_fast)
    report(f"2b. min-kl time at 2^{args.bits} / kernel time", t_minkl / t_kernel, "<= 5", t_minkl <= 5 * t_kernel)
    report("3.  (CPT bytes + peak extra) / CPT bytes", (held + peak) / held, "<= 2", held + peak <= 2 * held)
    report(f"4a. constructors / exact quantities at 2^{args.bits}", t_construct / t_quantities, "<= 1",
           t_construct <= t_quantities)
    report(f"4b. peak RSS / CPT bytes at 2^{args.rss_bits} (whole process)", rss / held_large, "<= 1.5",
           rss <= 1.5 * held_large)
    print(f"\n{sum(results)} of {len(results)} checks pass")


if __name__ == "__main__":
    main()
