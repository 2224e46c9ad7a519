"""The paper's graphs as networkx objects: amalgamated, macro-intervention and macro graphs.

Node names: a micro node keeps its name; the macro node of a coarsened node
or group ``X`` is ``"bar(X)"``. Every node has a ``level``
attribute (``"micro"`` or ``"macro"``), and every macro node its ``members``
(the nodes it aggregates: one, or a group's nodes); every edge a ``kind``
(``"causal"``, ``"aggregation"`` or ``"intervention"``).
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


def amalgamated_graph(model: CausalModel) -> nx.DiGraph[str]:
    """Definition 3: the micro DAG plus the macro node of each coarsened node and group.

    The aggregation ``S ↔ S̄`` is stored as an edge ``S → S̄`` with
    ``kind="aggregation"`` (S̄ is a function of S); a group's macro node has
    one such edge from each of its nodes.

    Examples
    --------
    >>> from discagg import load_model
    >>> g = amalgamated_graph(load_model("data/cholesterol.json"))
    >>> sorted((u, v) for u, v, k in g.edges(data="kind") if k == "aggregation")
    [('HeartDisease', 'bar(HeartDisease)'), ('Lipids', 'bar(Lipids)')]
    """
    graph: nx.DiGraph[str] = nx.DiGraph()
    clash = sorted(set(model.nodes) & {macro_name(n) for n in [*model.macro, *model.groups]})
    if clash:
        raise ModelError(None, "nodes", "node names distinct from the macro nodes' names 'bar(X)'", repr(clash))
    for name in model.nodes:
        graph.add_node(name, level="micro")
    graph.add_edges_from(model.graph.edges, kind="causal")
    for name in [*model.macro, *model.groups]:
        members = model.members(name)
        graph.add_node(macro_name(name), level="macro", members=members)
        graph.add_edges_from(((m, macro_name(name)) for m in members), kind="aggregation")
    return graph


def macro_intervention_graph(model: CausalModel, cause: str) -> nx.DiGraph[str]:
    """Definition 5: the amalgamated graph after a macro intervention on ``cause``.

    ``cause`` is a coarsened node or a group. The edges into its nodes are
    removed (for a group, also those between its nodes: do(X̄ = x̄) sets them
    all), the aggregation ``X ↔ X̄`` is removed, and ``X̄ → X``
    (``kind="intervention"``, one edge to each node of a group) is added.

    Examples
    --------
    >>> from discagg import load_model
    >>> from discagg.core.selection import select_one
    >>> m, x = select_one(load_model("net:asia"), "tub,lung:count=yes")
    >>> g = macro_intervention_graph(m, x)
    >>> sorted((u, v) for u, v, k in g.edges(data="kind") if k == "intervention")
    [('bar(tub+lung)', 'lung'), ('bar(tub+lung)', 'tub')]
    >>> list(g.predecessors("tub")), list(g.predecessors("lung"))
    (['bar(tub+lung)'], ['bar(tub+lung)'])
    """
    if cause not in model.nodes and cause not in model.groups:
        raise ModelError(None, "intervene", f"a node with a macro map {sorted(model.macro)[:12]} or a group "
                         f"{sorted(model.groups)[:12]} of the model", repr(cause))
    model.coarsening(cause)
    graph = amalgamated_graph(model)
    for member in model.members(cause):
        graph.remove_edges_from([(p, member) for p in list(graph.predecessors(member))])
        graph.remove_edge(member, macro_name(cause))
        graph.add_edge(macro_name(cause), member, kind="intervention")
    return graph


def macro_graph(model: CausalModel) -> nx.DiGraph[str]:
    """The DAG Ḡ over the macro variables: ``X̄_i → X̄_j`` when ``X_i → X_j``.

    Nodes without a coarsening stand for themselves, so no path of the micro
    graph is lost (Theorem 4.1 allows Ḡ to have more edges, never fewer).
    """
    rename = {n: macro_name(n) if n in model.macro else n for n in model.nodes}
    relabelled: nx.DiGraph[str] = nx.relabel_nodes(nx.DiGraph(model.graph), rename)
    return relabelled


def satisfies_backdoor(graph: nx.DiGraph[str], cause: str, effect: str, adjust: Iterable[str]) -> tuple[bool, str]:
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
