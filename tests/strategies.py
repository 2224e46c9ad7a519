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


# -- near-degenerate fibres -------------------------------------------------------------------------------------

EQUALITY = 1e-9  # DEFAULT_TOLERANCE.equality, the scale the distances below are placed around
NEAR = (0.0, 1e-14, 1e-12, 1e-10, 5e-10, 1e-9, 2e-9, 1e-8, 2e-8, 1e-6)


def _outward(rng: np.random.Generator, K: np.ndarray, face: np.ndarray, y: np.ndarray) -> np.ndarray:
    """A direction v with Σv = 0 and ½‖v‖₁ = 1 that increases y·p (out of the hull through the face of y)."""
    d = K.shape[1]
    if d == 1:
        return np.zeros(1)  # one macro state: every distribution is the point 1
    v = y - y.mean()
    if not np.abs(v).sum() > 0:
        v = np.zeros(d)
        v[0], v[1] = 1.0, -1.0
    return v / (0.5 * np.abs(v).sum())


@st.composite
def degenerate_fibres(draw: st.DrawFn, max_m: int = 10, max_d: int = 5) -> dict:
    """One fibre on the numerical edges of the inhibiting decision.

    Returns ``{"K", "o", "natural", "cost", "kind", "distance"}``: rows ``K`` (shape
    ``(m, d)``, ``|Ȳ| = d`` from 1 to ``max_d``) with exact zeros, duplicate rows and
    rows equal up to 1e-14; a target ``o`` inside the hull, on a face of it (a
    vertex, an edge, the face a random direction exposes), or moved off such a
    point, in or out, by a distance from 1e-14 to 1e-6 (around the equality
    tolerance 1e-9), or sitting exactly 1e-9 beyond an end of the hull when
    ``d = 2``; a natural realization with weights down to 1e-12 (or exact zeros)
    and costs, sometimes near 1e300. Single-row fibres are included.
    """
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    d = draw(st.integers(1, max_d))
    m = draw(st.sampled_from([1, 2, 2, 3, 4, max_m]))
    K = rng.dirichlet(np.full(d, draw(st.sampled_from([0.2, 1.0, 5.0]))), size=m)
    if d > 1 and draw(st.booleans()):
        K[rng.random(K.shape) < 0.3] = 0.0
        K[K.sum(axis=1) == 0, 0] = 1.0
        K /= K.sum(axis=1, keepdims=True)
    if m > 1:
        for _ in range(draw(st.integers(0, 2))):
            i, j = rng.integers(0, m, 2)
            K[j] = K[i]  # duplicate rows
        if d > 1 and draw(st.booleans()):
            i, j = rng.integers(0, m, 2)
            a, b = np.argsort(-K[i])[:2]
            K[j] = K[i]
            K[j, a] -= 1e-14  # equal up to 1e-14
            K[j, b] += 1e-14
    # weights of the point inside: down to 1e-12
    def mixture(rows: np.ndarray) -> np.ndarray:
        w = rng.dirichlet(np.ones(len(rows)))
        if len(rows) > 1 and draw(st.booleans()):
            w[rng.integers(0, len(rows))] = draw(st.sampled_from([1e-12, 1e-10, 1e-8]))
            w /= w.sum()
        return w @ rows

    kind = draw(st.sampled_from(["interior", "vertex", "edge", "face", "floor"]))
    y = rng.normal(size=d)
    scores = K @ y
    face = np.flatnonzero(scores >= scores.max() - 1e-15)
    if kind == "interior":
        point = mixture(K)
    elif kind == "vertex":
        point = K[int(np.argmax(scores))].copy()
    elif kind == "edge":
        i, j = rng.integers(0, m, 2)
        t = draw(st.sampled_from([0.5, 1e-12, 1 - 1e-12, float(rng.random())]))
        point = t * K[i] + (1 - t) * K[j]
    else:
        point = mixture(K[face])
    distance = draw(st.sampled_from(NEAR))
    if kind == "floor" and d == 2:
        top = int(np.argmax(K[:, 0]))
        o = np.array([K[top, 0] + EQUALITY, K[top, 1] - EQUALITY])  # exactly 1e-9 beyond the end (if ≥ 0)
        distance = EQUALITY
    else:
        v = _outward(rng, K, face, y) * (1 if draw(st.booleans()) else -1)
        o = point + distance * v
    if (o < 0).any():  # stay a distribution: move off along a feasible direction instead
        o = np.clip(o, 0.0, None)
    o = o / o.sum()
    natural = rng.dirichlet(np.ones(m))
    natural_kind = draw(st.sampled_from(["dirichlet", "tiny", "zeros"]))
    if natural_kind == "tiny" and m > 1:
        natural[rng.integers(0, m)] = draw(st.sampled_from([1e-12, 1e-10, 1e-8]))
    elif natural_kind == "zeros" and m > 1:
        natural[rng.random(m) < 0.4] = 0.0
        if natural.sum() == 0:
            natural[0] = 1.0
    natural = natural / natural.sum()
    cost = rng.normal(size=m) * draw(st.sampled_from([1.0, 1e300]))
    return {"K": K, "o": o, "natural": natural, "cost": cost, "kind": kind, "distance": distance}
