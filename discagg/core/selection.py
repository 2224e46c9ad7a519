"""Which cause and effect: nodes, groups, and macro variables written inline.

Every function that takes a cause or an effect (:meth:`Aggregation.of
<discagg.core.aggregation.Aggregation.of>`, :func:`discagg.solve`,
:func:`discagg.inspect_model`, the command line) accepts:

- the name of a node or of a group of the model;
- ``NODE,NODE[:MAP]``, a group written inline (:func:`~discagg.core.groups.parse_group`),
  added to the model under the name ``NODE+NODE``;
- ``NODE:MAP``, a single node coarsened by MAP (e.g. ``smoke:count=yes``,
  ``Age:@2,4``), which replaces that node's own macro map;
- a bare node without a macro map, which gets the identity coarsening (every
  micro state its own macro state) without a warning.

:func:`select` returns the model extended accordingly and the resolved names.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from discagg.core.coarsening import Coarsening
from discagg.core.groups import build_group, parse_group
from discagg.core.model import CausalModel
from discagg.errors import ModelError, preview

__all__ = ["select", "select_one", "identity_coarsening"]


def identity_coarsening(node: str, states: tuple[str, ...]) -> Coarsening:
    """The coarsening that keeps every micro state as its own macro state (no warning).

    >>> identity_coarsening("X", ("a", "b")).to_mapping()
    {'a': ['a'], 'b': ['b']}
    """
    return Coarsening.from_assignment(node, states, states, np.arange(len(states)))


def select(model: CausalModel, cause: str | None, effect: str | None, *,
           labels: tuple[str, str] = ("cause", "effect")) -> tuple[CausalModel, str, str]:
    """Resolve cause and effect, extending the model with what they write inline.

    Parameters
    ----------
    model : CausalModel
    cause, effect : str or None
        See the module docstring; None takes the model's query.
    labels : (str, str)
        How the two are named in error messages (``("--cause", "--effect")`` on
        the command line).

    Returns
    -------
    model : CausalModel
        ``model`` itself, or a copy with the inline groups and coarsenings added.
    cause, effect : str
        Names of nodes or groups of the returned model, each with a coarsening.

    Raises
    ------
    ModelError
        An unknown name, a bad map, or no cause/effect and no query.

    Examples
    --------
    >>> from discagg import load_model
    >>> m, cause, effect = select(load_model("net:asia"), "smoke,lung:count=yes", "dysp")
    >>> cause, effect, m.coarsening(cause).macro_states, m.coarsening(effect).macro_states
    ('smoke+lung', 'dysp', ('0', '1', '2'), ('yes', 'no'))
    """
    if cause is None or effect is None:
        if model.query is None:
            missing = "a cause" if cause is None else "an effect"
            raise ModelError(None, "query", f"{missing} node (give one, or add a 'query' to the model)", "none")
        cause = model.query.cause if cause is None else cause
        effect = model.query.effect if effect is None else effect
    model, cause_name = select_one(model, cause, label=labels[0])
    model, effect_name = select_one(model, effect, label=labels[1])
    return model, cause_name, effect_name


def select_one(model: CausalModel, text: str, *, label: str = "cause") -> tuple[CausalModel, str]:
    """Resolve one node or group, as :func:`select` does for each of cause and effect.

    Parameters
    ----------
    model : CausalModel
    text : str
        A node or group of the model, ``NODE,NODE:MAP`` or ``NODE:MAP``.
    label : str
        How it is named in error messages (e.g. ``"--intervene"``).

    Returns
    -------
    model : CausalModel
        ``model`` itself, or a copy with the inline group or coarsening added.
    name : str
        A node or group of the returned model, with a coarsening.

    Raises
    ------
    ModelError
        An unknown name or a bad map.

    Examples
    --------
    >>> from discagg import load_model
    >>> m, name = select_one(load_model("net:asia"), "tub,lung:count=yes")
    >>> name, m.members(name)
    ('tub+lung', ('tub', 'lung'))
    """
    groups, macro = dict(model.groups), dict(model.macro)
    states = {n: node.states for n, node in model.nodes.items()}
    if not isinstance(text, str) or not text:
        raise ModelError(None, label, "a node or group name (or NODE,NODE:MAP)", repr(text))
    if text in model.nodes or text in groups:
        name = text
    elif set(",:") & set(text):
        name, nodes, spec = parse_group(text, states, option=label)
        if spec is None:  # a lone node, written "NODE:" or "NODE,": its own coarsening
            name = nodes[0]
        elif len(nodes) == 1:
            macro[name] = build_group(name, nodes, states, spec, path=label).coarsening
        else:
            groups[name] = build_group(name, nodes, states, spec, path=label)
    else:
        known = list(model.nodes) + list(model.groups)
        raise ModelError(None, label, f"a node or group of the model {preview(known)}", repr(text))
    if name in model.nodes and name not in macro:
        macro[name] = identity_coarsening(name, model.nodes[name].states)
    if groups.keys() != model.groups.keys() or macro.keys() != model.macro.keys() or any(
            macro[n] is not model.macro[n] for n in model.macro):
        model = replace(model, macro=macro, groups=groups)
    return model, name
