"""Brute force for the coarsening searches: every partition, each evaluated through discagg's public commands.

The value of a coarsening is computed the way a user would check it: build the
model with that coarsening of X, then ``solve`` (the gaps of infeasible macro
states, weighted by P(x̄)), ``effect_bounds`` (the widest range of
P(Ȳ = ȳ | do(x̄)) per macro state) or ``coarsening_error`` (section 1's error
with the best macro mechanism). None of it goes through discagg.search.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

import numpy as np

from discagg import Aggregation, CausalModel, Coarsening, coarsening_error, effect_bounds
from discagg.solvers.inhibiting import solve_aggregation

EQUALITY = 1e-9


def with_labels(model: CausalModel, labels: Sequence[int], node: str = "X") -> CausalModel:
    states = model.nodes[node].states
    k = max(labels) + 1
    pi = Coarsening.from_assignment(node, states, [f"m{b}" for b in range(k)], np.asarray(labels))
    return replace(model, macro={**model.macro, node: pi})


def brute_value(model: CausalModel, labels: Sequence[int], objective: str, metric: str = "jsd",
                cause: str = "X", effect: str = "Y") -> float:
    agg = Aggregation.of(with_labels(model, labels, cause), cause, effect)
    if objective == "confounding":
        solution = solve_aggregation(agg)
        return float(sum(s.probability * s.gap for s in solution.states if s.status == "infeasible"))
    if objective == "ambiguity":
        widths = [float((s.upper - s.lower).max()) for s in effect_bounds(agg).states]
        return float(sum(w for w in widths if w > EQUALITY))
    return coarsening_error(agg, metric=metric).value


def brute_optimum(model: CausalModel, partitions: Iterable[Sequence[int]], objective: str, metric: str = "jsd"
                  ) -> tuple[float, list[tuple[float, tuple[int, ...]]]]:
    values = [(brute_value(model, p, objective, metric), tuple(p)) for p in partitions]
    return min(v for v, _ in values), values


def labels_of(coarsening: Coarsening) -> tuple[int, ...]:
    return tuple(int(a) for a in coarsening.assignment)


def confounded_model(seed: int, nx: int, nz: int, ny: int, ky: int, *, concentration: float = 0.3) -> CausalModel:
    """Z -> X, Z -> Y, X -> Y with spiky CPTs (Dirichlet(concentration)): strong confounding, so that many
    coarsenings leave macro states that no realization can make inhibiting."""
    from discagg import Node, Query

    rng = np.random.default_rng(seed)

    def cpt(shape: tuple[int, ...]) -> np.ndarray:
        rows = rng.dirichlet(np.full(shape[-1], concentration), size=int(np.prod(shape[:-1], dtype=int)))
        rows = np.maximum(rows, 1e-3)  # no exact zeros: every micro state supported
        return (rows / rows.sum(axis=1, keepdims=True)).reshape(shape)

    xs, ys, zs = ([f"{p}{i}" for i in range(n)] for p, n in (("x", nx), ("y", ny), ("z", nz)))
    nodes = [Node("Z", zs, [], cpt((nz,))), Node("X", xs, ["Z"], cpt((nz, nx))),
             Node("Y", ys, ["X", "Z"], cpt((nx, nz, ny)))]
    cut = sorted(rng.choice(np.arange(1, ny), size=ky - 1, replace=False).tolist())
    y_map = Coarsening.from_assignment("Y", ys, [f"Y{j}" for j in range(ky)],
                                       np.searchsorted(np.asarray(cut, dtype=int), np.arange(ny), side="right"))
    return CausalModel(nodes, macro={"Y": y_map}, name=f"confounded-{seed}", query=Query("X", "Y"))
