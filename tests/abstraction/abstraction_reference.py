"""Independent references for the abstraction tests: brute-force enumeration of the joint distribution.

Nothing here uses discagg's contraction, kernels, distances or maps: an
interventional distribution is summed assignment by assignment from the CPTs
(the truncated factorisation written out), maps are plain lists, and the
distances come from scipy's ``rel_entr`` or are written out.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from scipy.special import rel_entr

from discagg import CausalModel


def do_distribution(model: CausalModel, intervention: dict[str, int], targets: list[str]) -> dict[tuple, float]:
    """``P(targets | do(intervention))`` by enumerating every assignment of every node."""
    names = list(model.nodes)
    cards = [model.cardinality(n) for n in names]
    out: dict[tuple, float] = {}
    for values in itertools.product(*(range(c) for c in cards)):
        value = dict(zip(names, values))
        if any(value[n] != s for n, s in intervention.items()):
            continue
        p = 1.0
        for node in model.nodes.values():
            if node.name in intervention:
                continue
            p *= float(node.cpt[tuple(value[q] for q in node.parents) + (value[node.name],)])
        key = tuple(value[t] for t in targets)
        out[key] = out.get(key, 0.0) + p
    return out


def jsd_nats(p: list[float], q: list[float]) -> float:
    """Jensen–Shannon divergence with natural logarithms (``½ KL(p ‖ m) + ½ KL(q ‖ m)``)."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    m = 0.5 * (p + q)
    return float(0.5 * rel_entr(p, m).sum() + 0.5 * rel_entr(q, m).sum())


def jsd_bits(p: list[float], q: list[float]) -> float:
    return jsd_nats(p, q) / math.log(2.0)


def tv(p: list[float], q: list[float]) -> float:
    return 0.5 * sum(abs(a - b) for a, b in zip(p, q))


def brute_pair_error(micro: CausalModel, macro: CausalModel, maps: dict[str, tuple[list[str], list[int]]],
                     sources: list[str], targets: list[str], metric: str) -> list[float]:
    """The distance for every micro intervention on ``a⁻¹(sources)`` (C order), by enumeration.

    ``maps[macro node] = (micro nodes, image of each joint micro state in C order)``.
    """
    src_nodes = [n for m in sources for n in maps[m][0]]
    tgt_nodes = [n for m in targets for n in maps[m][0]]
    macro_cards = {m: macro.cardinality(m) for m in macro.nodes}

    def image(m: str, micro_values: tuple[int, ...]) -> int:
        nodes, img = maps[m]
        index = 0
        for n, v in zip(nodes, micro_values):
            index = index * micro.cardinality(n) + v
        return img[index]

    def split(values: tuple[int, ...], macro_nodes: list[str]) -> list[tuple[int, ...]]:
        parts, at = [], 0
        for m in macro_nodes:
            size = len(maps[m][0])
            parts.append(values[at:at + size])
            at += size
        return parts

    tgt_macro_states = list(itertools.product(*(range(macro_cards[m]) for m in targets)))
    out = []
    for s in itertools.product(*(range(micro.cardinality(n)) for n in src_nodes)):
        micro_dist = do_distribution(micro, dict(zip(src_nodes, s)), tgt_nodes)
        pushed = {t: 0.0 for t in tgt_macro_states}
        for t, p in micro_dist.items():
            pushed[tuple(image(m, part) for m, part in zip(targets, split(t, targets)))] += p
        macro_s = tuple(image(m, part) for m, part in zip(sources, split(s, sources)))
        macro_dist = do_distribution(macro, dict(zip(sources, macro_s)), targets)
        p = [pushed[t] for t in tgt_macro_states]
        q = [macro_dist.get(t, 0.0) for t in tgt_macro_states]
        total_p, total_q = sum(p), sum(q)
        p, q = [x / total_p for x in p], [x / total_q for x in q]
        out.append(jsd_bits(p, q) if metric == "jsd" else tv(p, q))
    return out


def all_surjections(n: int, k: int) -> list[tuple[int, ...]]:
    return [c for c in itertools.product(range(k), repeat=n) if len(set(c)) == k]


def surjection_count(n: int, k: int) -> int:
    return math.factorial(k) * _stirling(n, k)


def _stirling(n: int, k: int) -> int:
    if n == k:
        return 1
    if k == 0 or n == 0:
        return 0
    return k * _stirling(n - 1, k) + _stirling(n - 1, k - 1)


def random_chain(rng: np.random.Generator, cards: list[int], prefix: str) -> CausalModel:
    """A chain prefix0 -> prefix1 -> ... with the given cardinalities and random CPTs."""
    from discagg import Node

    nodes = []
    for i, c in enumerate(cards):
        parents = [f"{prefix}{i - 1}"] if i else []
        shape = (cards[i - 1], c) if i else (c,)
        nodes.append(Node(f"{prefix}{i}", [str(j) for j in range(c)], parents,
                          rng.dirichlet(np.ones(c), size=shape[:-1]) if i else rng.dirichlet(np.ones(c))))
    return CausalModel(nodes)
