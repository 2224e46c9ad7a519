"""Fitting CPTs from data: the structure's DAG, states and coarsenings, with CPTs estimated from counts.

With a Dirichlet prior of pseudo-count ``α`` per cell (:mod:`~discagg.estimation.counting`),
the estimate of each CPT row is the posterior mean

.. math::

    \\hat P(X_i = k \\mid pa_i = j) = \\frac{N_{ijk} + \\alpha}{N_{ij} + r_i \\alpha}.

With ``prior="none"`` (``α = 0``, maximum likelihood) a parent configuration
that no row shows (``N_ij = 0``) gets the uniform row, and a
:class:`~discagg.estimation.datasets.DataWarning` lists those configurations.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from discagg.core.model import CausalModel, Node
from discagg.errors import ModelError
from discagg.estimation.counting import DEFAULT_PRIOR, check_prior, family_counts, parent_configuration, pseudo_count
from discagg.estimation.datasets import DataTable, DataWarning, read_table

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["fit", "fit_table", "Fit", "data_codes", "estimate", "structure_of"]

_LISTED = 10  # unseen configurations named in the warning


@dataclass(frozen=True, eq=False)
class Fit:
    """A fitted model and how it was fitted.

    Attributes
    ----------
    model : CausalModel
        The structure with the estimated CPTs.
    counts : mapping of str to ndarray
        The family counts ``N_ijk`` of every node (each of its CPT's shape).
    rows : int
        Data rows used.
    prior : str
    ess : float
    ignored : tuple of str
        Data columns that name no node.
    unseen : tuple of (str, str)
        ``(node, parent configuration)`` for every configuration no row shows.
    """

    model: CausalModel
    counts: Mapping[str, np.ndarray]
    rows: int
    prior: str
    ess: float
    ignored: tuple[str, ...]
    unseen: tuple[tuple[str, str], ...]

    def __repr__(self) -> str:
        return f"Fit(model={self.model.name!r}, rows={self.rows}, prior={self.prior!r}, ess={self.ess})"


def structure_of(structure: CausalModel | str | os.PathLike[str]) -> CausalModel:
    """A structure given as a model or as anything :func:`~discagg.io.loading.load_model` takes."""
    if isinstance(structure, CausalModel):
        return structure
    if isinstance(structure, (str, os.PathLike)):
        from discagg.io.loading import load_model

        return load_model(structure)
    raise ModelError(None, "structure", "a CausalModel or a MODEL (file, net:NAME, example:NAME)",
                     type(structure).__name__)


def data_codes(table: DataTable, structure: CausalModel) -> dict[str, np.ndarray]:
    """The state code of every row for every node of ``structure``, checked; extra columns are warned about.

    Raises
    ------
    ModelError
        A node without a column, no data rows, a missing value or a value that
        is not a state of its node (naming the file, row, column and value).
    """
    table.require(structure.nodes, "a column for every node of the structure")
    table.warn_unused(structure.nodes)
    if table.n_rows == 0:
        raise ModelError(table.source, None, "at least one data row", "only the header")
    return {name: table.codes(name, node.states, f"node {name!r}") for name, node in structure.nodes.items()}


def estimate(structure: CausalModel, counts: Mapping[str, np.ndarray], prior: str, ess: float
             ) -> tuple[list[Node], tuple[tuple[str, str], ...]]:
    """The posterior-mean CPTs from counts, and the parent configurations no row shows.

    Returns
    -------
    nodes : list of Node
        In the structure's declaration order.
    unseen : tuple of (str, str)
    """
    nodes, unseen = [], []
    for name, node in structure.nodes.items():
        n = counts[name]
        alpha = pseudo_count(prior, ess, n.shape)
        totals = n.sum(axis=-1, keepdims=True)
        empty = totals[..., 0] == 0
        for index in np.argwhere(empty) if empty.ndim else ([()] if empty else []):
            unseen.append((name, parent_configuration(structure, name, tuple(int(i) for i in index))))
        r = node.cardinality
        if alpha > 0:
            cpt = (n + alpha) / (totals + r * alpha)
        else:
            cpt = np.divide(n, totals, out=np.full(n.shape, 1.0 / r), where=totals > 0)
        cpt.setflags(write=False)
        nodes.append(Node(name, node.states, node.parents, cpt))
    return nodes, tuple(unseen)


def fit_table(table: DataTable, structure: CausalModel, prior: str = DEFAULT_PRIOR, ess: float = 1.0) -> Fit:
    """:func:`fit` on a data table already read, with the counts and what was ignored."""
    check_prior(prior, ess)
    codes = data_codes(table, structure)
    counts = family_counts(structure, codes)
    nodes, unseen = estimate(structure, counts, prior, ess)
    if prior == "none" and unseen:
        shown = "; ".join(f"{node} | {config}" if config else node for node, config in unseen[:_LISTED])
        more = f"; ... ({len(unseen)} in all)" if len(unseen) > _LISTED else ""
        warnings.warn(f"{table.source}: prior none: {len(unseen)} parent configuration(s) never observed got the "
                      f"uniform row: {shown}{more}", DataWarning, stacklevel=3)
    setting = f"prior {prior}" + (f", equivalent sample size {ess:g}" if prior == "bdeu" else "")
    model = replace(structure, nodes={node.name: node for node in nodes},
                    description=f"CPTs fitted from {table.source} ({table.n_rows} rows; {setting}) to the "
                                f"structure of {structure.name}")
    for column in counts.values():
        column.setflags(write=False)
    ignored = tuple(c for c in table.columns if c not in structure.nodes)
    return Fit(model, counts, table.n_rows, prior, float(ess), ignored, unseen)


def fit(
    data: str | os.PathLike[str] | pd.DataFrame,
    structure: CausalModel | str | os.PathLike[str],
    prior: str = DEFAULT_PRIOR,
    ess: float = 1.0,
) -> CausalModel:
    """Estimate the CPTs of ``structure`` from data.

    Parameters
    ----------
    data : path-like or pandas.DataFrame
        A CSV or Parquet file (see :mod:`~discagg.estimation.datasets`) or a
        DataFrame, with a column per node holding state names; other columns
        are ignored (with a :class:`~discagg.estimation.datasets.DataWarning`).
    structure : CausalModel or str
        The DAG, states, coarsenings, groups and query to keep (a model, or
        anything :func:`~discagg.io.loading.load_model` takes); its CPTs are
        replaced.
    prior : {"bdeu", "k2", "none"}
        ``bdeu`` (default): pseudo-count ``ess / (q_i r_i)`` per cell; ``k2``:
        1 per cell; ``none``: maximum likelihood, with the uniform row for an
        unseen parent configuration (and a warning).
    ess : float
        The equivalent sample size of ``bdeu`` (default 1; ignored by the others).

    Returns
    -------
    CausalModel
        The structure with the posterior-mean (or maximum-likelihood) CPTs.

    Raises
    ------
    ModelError
        A node without a column, a missing value, a value that is not a state
        of its node (naming the file, the row, the column and the value), no
        data rows, an unknown prior or a non-positive ``ess``.

    Examples
    --------
    >>> import pandas as pd
    >>> from discagg.io.model_format import loads_model
    >>> structure = loads_model('{"format": "discagg/model-v1", "nodes": {'
    ...     '"A": {"states": ["a0", "a1"], "parents": [], "cpt": [0.5, 0.5]},'
    ...     '"B": {"states": ["b0", "b1"], "parents": ["A"], "cpt": [[0.5, 0.5], [0.5, 0.5]]}}}')
    >>> rows = pd.DataFrame({"A": ["a0", "a0", "a0", "a1"], "B": ["b0", "b0", "b1", "b1"]})
    >>> fit(rows, structure, prior="none").nodes["B"].cpt.tolist()
    [[0.6666666666666666, 0.3333333333333333], [0.0, 1.0]]
    >>> fit(rows, structure, prior="k2").nodes["A"].cpt.tolist()     # (3 + 1) / (4 + 2), (1 + 1) / (4 + 2)
    [0.6666666666666666, 0.3333333333333333]
    """
    check_prior(prior, ess)
    return fit_table(read_table(data), structure_of(structure), prior, ess).model
