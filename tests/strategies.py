"""Hypothesis strategies and builders for random discrete models, shared by the tests."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
from hypothesis import strategies as st

from discagg import CausalModel, Coarsening, Node, Query


def cpt_array(rng: np.random.Generator, shape: tuple[int, ...], *, sparse: bool = False) -> np.ndarray:
    """A random CPT: Dirichlet rows over the last axis (some exact zeros if ``sparse``)."""
    rows = rng.dirichlet(np.ones(shape[-1]), size=int(np.prod(shape[:-1], dtype=int)))
    if sparse and shape[-1] > 1:
        keep = rng.random(rows.shape) < 0.6
        keep[np.arange(rows.shape[0]), rng.integers(0, shape[-1], rows.shape[0])] = True
        rows = np.where(keep, rows, 0.0)
        rows /= rows.sum(axis=1, keepdims=True)
    return rows.reshape(shape)


def random_partition(rng: np.random.Generator, n: int, k: int) -> list[int]:
    """A random surjective assignment of ``n`` items to ``k`` groups."""
    assignment = np.concatenate([np.arange(k), rng.integers(0, k, n - k)])
    rng.shuffle(assignment)
    return assignment.tolist()


def coarsening_from_assignment(node: str, states: Sequence[str], assignment: Sequence[int]) -> Coarsening:
    k = max(assignment) + 1
    mapping = {f"m{j}": [s for s, a in zip(states, assignment) if a == j] for j in range(k)}
    return Coarsening.from_mapping(node, states, mapping)


def triangle_model(
    seed: int,
    nx: int,
    nz: int,
    ny: int,
    kx: int,
    ky: int,
    *,
    confounded: bool = True,
    z_causes_y: bool = True,
    independent_x: bool = False,
    sparse: bool = False,
) -> CausalModel:
    """Z → X, Z → Y, X → Y with random CPTs and random partitions of X and Y.

    ``confounded=False`` drops Z → X (Z then only affects Y, or nothing if
    ``z_causes_y`` is false). ``independent_x=True`` keeps the edge Z → X but
    makes every row of P(X | Z) equal, so X ⊥ Z in distribution.
    """
    rng = np.random.default_rng(seed)
    zs = [f"z{i}" for i in range(nz)]
    xs = [f"x{i}" for i in range(nx)]
    ys = [f"y{i}" for i in range(ny)]
    z = Node("Z", zs, [], cpt_array(rng, (nz,), sparse=sparse))
    if confounded:
        px = cpt_array(rng, (nz, nx), sparse=sparse)
        if independent_x:
            px = np.broadcast_to(px[0], (nz, nx))
        x = Node("X", xs, ["Z"], px)
    else:
        x = Node("X", xs, [], cpt_array(rng, (nx,), sparse=sparse))
    if z_causes_y:
        y = Node("Y", ys, ["X", "Z"], cpt_array(rng, (nx, nz, ny), sparse=sparse))
    else:
        y = Node("Y", ys, ["X"], cpt_array(rng, (nx, ny), sparse=sparse))
    macro = {
        "X": coarsening_from_assignment("X", xs, random_partition(rng, nx, kx)),
        "Y": coarsening_from_assignment("Y", ys, random_partition(rng, ny, ky)),
    }
    return CausalModel([z, x, y], macro=macro, name=f"triangle-{seed}", query=Query("X", "Y"))


@st.composite
def triangle_models(draw: st.DrawFn, **flags: bool) -> CausalModel:
    """Random triangle models with |X| in 2..6 (|X̄| < |X|), |Z| in 1..4, |Y| in 2..5 (|Ȳ| < |Y|)."""
    nx = draw(st.integers(2, 6))
    ny = draw(st.integers(2, 5))
    return triangle_model(
        draw(st.integers(0, 2**32 - 1)),
        nx,
        draw(st.integers(1, 4)),
        ny,
        draw(st.integers(1, nx - 1)),
        draw(st.integers(1, ny - 1)),
        sparse=draw(st.booleans()),
        **flags,
    )


@st.composite
def random_dags(draw: st.DrawFn, max_nodes: int = 5) -> CausalModel:
    """Random DAGs on 2..max_nodes nodes with 1..3 states each and random CPTs."""
    n = draw(st.integers(2, max_nodes))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    order = [f"V{i}" for i in range(n)]
    cards = {v: int(rng.integers(1, 4)) for v in order}
    nodes = []
    for i, v in enumerate(order):
        parents = [u for u in order[:i] if rng.random() < 0.5]
        rng.shuffle(parents)
        shape = tuple(cards[p] for p in parents) + (cards[v],)
        nodes.append(Node(v, [f"{v.lower()}{s}" for s in range(cards[v])], parents,
                          cpt_array(rng, shape, sparse=draw(st.booleans()))))
    return CausalModel(nodes, name=f"dag-{seed}")


def brute_force_joint(model: CausalModel) -> tuple[tuple[str, ...], np.ndarray]:
    """The full joint over all nodes by enumerating every assignment (independent of einsum)."""
    names = tuple(model.nodes)
    cards = [model.cardinality(n) for n in names]
    joint = np.zeros(cards)
    for assignment in itertools.product(*(range(c) for c in cards)):
        value = dict(zip(names, assignment))
        p = 1.0
        for node in model.nodes.values():
            p *= node.cpt[tuple(value[q] for q in node.parents) + (value[node.name],)]
        joint[assignment] = p
    return names, joint


def with_node_replaced(model: CausalModel, node: Node) -> CausalModel:
    """The model with one node's CPT (and parents) replaced: a soft intervention."""
    nodes = [node if n.name == node.name else n for n in model.nodes.values()]
    return CausalModel(nodes, macro=dict(model.macro), name=model.name, query=model.query)
