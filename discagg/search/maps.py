"""The cause as the searches take it, and the model with a coarsening found as the cause's macro map.

:func:`select_cause` lets a group be written without a map (``"Raf,Mek"``: its
joint states are the atoms to partition); :func:`with_cause_map` puts a
coarsening of the cause into the model (under ``macro`` for a node, as a group
with a ``table`` map for a group), with (cause, effect) as the query, which is
what ``discagg coarsen --out`` writes.
"""

from __future__ import annotations

from dataclasses import replace

from discagg.core.coarsening import Coarsening
from discagg.core.model import CausalModel, Query
from discagg.errors import ModelError

__all__ = ["select_cause", "with_cause_map"]


def with_cause_map(model: CausalModel, cause: str, effect: str, coarsening: Coarsening) -> CausalModel:
    """``model`` with ``coarsening`` as the macro map of ``cause`` (a node, or a group: a ``table`` map) and the query
    (cause, effect).

    Examples
    --------
    >>> from discagg import load_model
    >>> m = load_model("example:cholesterol")
    >>> pi = Coarsening.from_mapping("Lipids", m.nodes["Lipids"].states, {"a": ["LDLlo_HDLlo", "LDLlo_HDLhi"],
    ...                              "b": ["LDLhi_HDLlo", "LDLhi_HDLhi"]})
    >>> with_cause_map(m, "Lipids", "HeartDisease", pi).macro["Lipids"].macro_states
    ('a', 'b')
    """
    from discagg.core.groups import build_group

    if cause in model.groups:
        nodes = model.groups[cause].nodes
        table = {micro: macro for macro, members in coarsening.to_mapping().items() for micro in members}
        group = build_group(cause, nodes, {n: model.nodes[n].states for n in nodes}, {"table": table})
        return replace(model, groups={**model.groups, cause: group}, query=Query(cause, effect))
    return replace(model, macro={**model.macro, cause: coarsening}, query=Query(cause, effect))


def select_cause(model: CausalModel, cause: str | None, *, label: str = "cause") -> tuple[CausalModel, str | None]:
    """Add ``A,B`` (a group written without a map) as the group ``A+B`` whose macro states are its joint states."""
    import math

    from discagg.core.groups import Group, joint_states
    from discagg.core.selection import identity_coarsening
    from discagg.errors import preview
    from discagg.limits import check_entries

    if not (isinstance(cause, str) and "," in cause and ":" not in cause and cause not in model.nodes
            and cause not in model.groups):
        return model, cause
    nodes = tuple(n.strip() for n in cause.split(",") if n.strip())
    for i, node in enumerate(nodes):
        if node not in model.nodes or node in nodes[:i]:
            raise ModelError(None, label, f"distinct nodes of the model {preview(sorted(model.nodes))}",
                             repr(node))
    name = "+".join(nodes)
    check_entries(math.prod(len(model.nodes[n].states) for n in nodes),
                  f"the joint states of the {len(nodes)} nodes of group {name!r}", label)
    names = tuple(joint_states([model.nodes[n].states for n in nodes]))
    group = Group(name, nodes, {"table": {j: j for j in names}}, identity_coarsening(name, names))
    return replace(model, groups={**model.groups, name: group}), name
