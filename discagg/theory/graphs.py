"""The paper's graphs as networkx objects: amalgamated, macro-intervention and macro graphs.

Node names: a micro node keeps its name; the macro node of a coarsened node
``X`` is ``"bar(X)"``. Every node has a ``level``
attribute (``"micro"`` or ``"macro"``); every edge a ``kind`` (``"causal"``,
``"aggregation"`` or ``"intervention"``).
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from discagg.core.model import CausalModel
from discagg.errors import ModelError

__all__ = ["macro_name", "amalgamated_graph", "macro_intervention_graph", "macro_graph", "satisfies_backdoor"]


def macro_name(node: str) -> str:
    """The name of the macro node of ``node`` (``"X"`` → ``"bar(X)"``)."""
    return f"bar({node})"


def amalgamated_graph(model: CausalModel) -> nx.DiGraph:
    """Definition 3: the micro DAG plus each coarsened node's macro node.

    The aggregation ``S ↔ S̄`` is stored as an edge ``S → S̄`` with
    ``kind="aggregation"`` (S̄ is a function of S).

    Examples
    --------
    >>> from discagg import load_model
    >>> g = amalgamated_graph(load_model("data/cholesterol.json"))
    >>> sorted((u, v) for u, v, k in g.edges(data="kind") if k == "aggregation")
    [('HeartDisease', 'bar(HeartDisease)'), ('Lipids', 'bar(Lipids)')]
    """
    graph = nx.DiGraph()
    clash = sorted(set(model.nodes) & {macro_name(n) for n in model.macro})
    if clash:
        raise ModelError(None, "nodes", "node names distinct from the macro nodes' names 'bar(X)'", repr(clash))
    for name in model.nodes:
        graph.add_node(name, level="micro")
    graph.add_edges_from(model.graph.edges, kind="causal")
    for name in model.macro:
        graph.add_node(macro_name(name), level="macro")
        graph.add_edge(name, macro_name(name), kind="aggregation")
    return graph


def macro_intervention_graph(model: CausalModel, cause: str) -> nx.DiGraph:
    """Definition 5: the amalgamated graph after a macro intervention on ``cause``.

    The edges into ``cause`` from other micro nodes are removed, the aggregation
    ``X ↔ X̄`` is removed, and ``X̄ → X`` (``kind="intervention"``) is added.
    """
    if cause not in model.nodes:
        raise ModelError(None, "intervene", f"a node of the model with a macro map {sorted(model.macro)[:12]} (a group "
                         "has no macro node in the amalgamated graph)", repr(cause))
    model.coarsening(cause)
    graph = amalgamated_graph(model)
    graph.remove_edges_from([(p, cause) for p in list(graph.predecessors(cause))])
    graph.remove_edge(cause, macro_name(cause))
    graph.add_edge(macro_name(cause), cause, kind="intervention")
    return graph


def macro_graph(model: CausalModel) -> nx.DiGraph:
    """The DAG Ḡ over the macro variables: ``X̄_i → X̄_j`` when ``X_i → X_j``.

    Nodes without a coarsening stand for themselves, so no path of the micro
    graph is lost (Theorem 4.1 allows Ḡ to have more edges, never fewer).
    """
    rename = {n: macro_name(n) if n in model.macro else n for n in model.nodes}
    return nx.relabel_nodes(nx.DiGraph(model.graph), rename)


def satisfies_backdoor(graph: nx.DiGraph, cause: str, effect: str, adjust: Iterable[str]) -> tuple[bool, str]:
    """Definition 12 (Pearl's back-door criterion) for ``adjust`` relative to (cause, effect).

    Returns ``(holds, reason)``.
    """
    adjust = set(adjust)
    descendants = nx.descendants(graph, cause)
    if adjust & descendants:
        return False, f"{sorted(adjust & descendants)} descend from {cause}"
    if effect in adjust or cause in adjust:
        raise ModelError(None, "adjust", "an adjustment set without the cause and the effect", repr(sorted(adjust)))
    cut = graph.copy()
    cut.remove_edges_from(list(graph.out_edges(cause)))
    if not nx.is_d_separator(cut, {cause}, {effect}, adjust):
        return False, f"{sorted(adjust)} does not block every back-door path from {cause} to {effect}"
    return True, f"{sorted(adjust) or 'the empty set'} blocks every back-door path from {cause} to {effect}"
