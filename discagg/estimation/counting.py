"""Family counts and Dirichlet priors: the sufficient statistics of a discrete Bayesian network.

For node ``i`` with ``r_i`` states and ``q_i`` parent configurations, ``N_ijk``
counts the rows with parents in configuration ``j`` and node ``i`` in state
``k``. Counting is one ``np.bincount`` per node over the mixed-radix code of
(parents, node), in the CPT's own axis order (parents as listed, then the node),
so the counts have the CPT's shape.

Priors (Dirichlet, a pseudo-count ``α`` added to every cell):

- ``bdeu``: ``α = A / (q_i r_i)`` for an equivalent sample size ``A``
  (Heckerman, Geiger and Chickering 1995): the prior is worth ``A`` rows in
  total, spread evenly, whatever the number of parents;
- ``k2``: ``α = 1`` (Cooper and Herskovits 1992; Laplace smoothing);
- ``none``: ``α = 0``, maximum likelihood.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from discagg.core.model import CausalModel, Node
from discagg.errors import ModelError
from discagg.limits import check_entries

__all__ = ["PRIORS", "DEFAULT_PRIOR", "family_counts", "pseudo_count", "check_prior", "parent_configuration"]

PRIORS = ("bdeu", "k2", "none")
DEFAULT_PRIOR = "bdeu"


def check_prior(prior: str, ess: float) -> None:
    """Raise a :class:`ModelError` for an unknown prior or an equivalent sample size that is not positive.

    >>> check_prior("bdeu", 1.0)
    """
    if prior not in PRIORS:
        raise ModelError(None, "prior", f"one of {list(PRIORS)}", repr(prior))
    if isinstance(ess, bool) or not isinstance(ess, (int, float)) or not (math.isfinite(ess) and ess > 0):
        raise ModelError(None, "ess", "a positive, finite equivalent sample size", repr(ess))


def pseudo_count(prior: str, ess: float, shape: tuple[int, ...]) -> float:
    """The Dirichlet pseudo-count of every cell of a CPT of ``shape`` under ``prior``.

    Parameters
    ----------
    prior : {"bdeu", "k2", "none"}
    ess : float
        Equivalent sample size ``A`` (``bdeu`` only).
    shape : tuple of int
        The CPT's shape ``(|pa_1|, ..., |pa_k|, r)``.

    Examples
    --------
    >>> pseudo_count("bdeu", 1.0, (2, 3, 2))        # A / (q r) = 1 / (6 * 2)
    0.08333333333333333
    >>> pseudo_count("k2", 1.0, (2, 3, 2)), pseudo_count("none", 1.0, (2,))
    (1.0, 0.0)
    """
    check_prior(prior, ess)
    if prior == "bdeu":
        return float(ess) / math.prod(shape)
    return 1.0 if prior == "k2" else 0.0


def family_counts(model: CausalModel, codes: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """``N_ijk`` for every node of ``model``, each of its CPT's shape.

    Parameters
    ----------
    model : CausalModel
        The structure (its CPTs are not used).
    codes : mapping of str to (n,) ndarray of int
        The state index of every row, per node (all valid).

    Returns
    -------
    dict of str to ndarray of float64
        ``counts[name][j_1, ..., j_k, s]``: rows with the parents in states
        ``j`` and the node in state ``s``.

    Examples
    --------
    >>> from discagg.core.model import Node
    >>> m = CausalModel([Node("A", "ab", [], [0.5, 0.5]), Node("B", "xy", ["A"], [[1, 0], [0, 1]])])
    >>> family_counts(m, {"A": np.array([0, 0, 1]), "B": np.array([1, 0, 1])})["B"]
    array([[1., 1.],
           [0., 1.]])
    """
    return {name: node_counts(node, model, codes) for name, node in model.nodes.items()}


def node_counts(node: Node, model: CausalModel, codes: Mapping[str, np.ndarray]) -> np.ndarray:
    """The counts of one node's family, shape of its CPT (see :func:`family_counts`)."""
    shape = tuple(model.cardinality(p) for p in node.parents) + (node.cardinality,)
    size = math.prod(shape)
    check_entries(size, f"the counts of node {node.name!r} (shape {shape})", f"nodes.{node.name}")
    if node.parents:
        flat = np.ravel_multi_index(tuple(codes[p] for p in node.parents) + (codes[node.name],), shape)
    else:
        flat = codes[node.name]
    return np.bincount(flat, minlength=size).astype(np.float64).reshape(shape)


def parent_configuration(model: CausalModel, node: str, index: tuple[int, ...]) -> str:
    """``"X=x0, Z=z1"``: a configuration of ``node``'s parents, by state indices.

    >>> from discagg import load_model
    >>> parent_configuration(load_model("net:asia"), "either", (0, 1))
    'lung=yes, tub=no'
    """
    parents = model.nodes[node].parents
    return ", ".join(f"{p}={model.nodes[p].states[i]}" for p, i in zip(parents, index))
