"""Forward sampling from a model, and samples of a macro experiment run by a given realization.

Nodes are sampled in topological order, each for all rows at once: the parents'
codes select a CPT row per sample (their mixed-radix index), and one uniform
number per sample is turned into a state by the inverse CDF of that row
(the state ``k`` with ``F(k - 1) <= u < F(k)``). The uniforms are drawn one node
at a time from one ``numpy.random.Generator``, so a seed fixes the whole sample.

A *macro experiment* (``realization=``) runs ``n`` samples for every macro state
``x̄`` the realization defines: each draws a micro state ``x`` of the cause from
the realization of ``x̄``, sets the cause's nodes to it (``do(X = x)``: their
CPTs are not used) and samples every other node forward. Its data show the macro
state in a column named after the cause, and leave the cause's micro nodes out:
the implementation of the experiment is what :func:`discagg.identify` infers.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from discagg.core.model import CausalModel
from discagg.core.realization import RealizationFamily
from discagg.errors import ModelError
from discagg.estimation.datasets import require_pandas
from discagg.limits import check_entries

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["sample", "sample_codes", "experiment_codes", "frame", "inverse_cdf", "check_count"]

_CHUNK = 1 << 16  # rows compared against their CDF rows at a time (bounds the temporary to CHUNK x states)


def check_count(n: object, option: str = "n") -> int:
    """``n`` as a positive number of samples, or a :class:`ModelError`.

    >>> check_count(10)
    10
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ModelError(None, option, "a positive whole number of samples", repr(n))
    return int(n)


def inverse_cdf(table: np.ndarray, rows: np.ndarray, u: np.ndarray) -> np.ndarray:
    """For each sample, the state whose CDF interval in its row of ``table`` contains ``u``.

    Parameters
    ----------
    table : (q, r) ndarray
        Rows are distributions (summing to one within the tolerance; the CDF is
        normalised by its last entry).
    rows : (n,) ndarray of int
        The row of every sample.
    u : (n,) ndarray
        Uniform numbers in [0, 1).

    Returns
    -------
    (n,) ndarray of intp

    Examples
    --------
    >>> inverse_cdf(np.array([[0.25, 0.0, 0.75]]), np.zeros(4, dtype=int), np.array([0.0, 0.2, 0.25, 0.9]))
    array([0, 0, 2, 2])
    """
    cdf = np.cumsum(table, axis=1)
    cdf /= cdf[:, -1:]
    cdf[:, -1] = np.inf  # u < 1 always falls in some state, whatever the rounding of the last sum
    out = np.empty(len(u), dtype=np.intp)
    for start in range(0, len(u), _CHUNK):
        part = slice(start, start + _CHUNK)
        out[part] = (cdf[rows[part]] <= u[part, None]).sum(axis=1)
    return out


def sample_codes(model: CausalModel, n: int, rng: np.random.Generator, *,
                 clamp: Mapping[str, np.ndarray] | None = None) -> dict[str, np.ndarray]:
    """Forward-sample ``n`` rows: the state code of every node, in topological order.

    Parameters
    ----------
    model : CausalModel
    n : int
    rng : numpy.random.Generator
    clamp : mapping of str to (n,) ndarray of int, optional
        Nodes set by intervention, with their codes (their CPTs are not used).

    Returns
    -------
    dict of str to (n,) ndarray of intp
    """
    check_entries(n * len(model.nodes), f"{n} samples of {len(model.nodes)} nodes", "n")
    clamp = dict(clamp or {})
    codes: dict[str, np.ndarray] = {}
    for name in model.topological_order:
        if name in clamp:
            codes[name] = np.asarray(clamp[name], dtype=np.intp)
            continue
        node = model.nodes[name]
        r = node.cardinality
        table = node.cpt.reshape(-1, r)
        if node.parents:
            rows = np.ravel_multi_index(tuple(codes[p] for p in node.parents),
                                        tuple(model.cardinality(p) for p in node.parents))
        else:
            rows = np.zeros(n, dtype=np.intp)
        codes[name] = inverse_cdf(table, rows, rng.random(n))
    return codes


def experiment_codes(model: CausalModel, realization: RealizationFamily, n: int, rng: np.random.Generator
                     ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """``n`` runs of the macro experiment for every macro state the realization defines.

    Returns
    -------
    macro : (n * k,) ndarray of intp
        The macro state of every run (``k`` defined macro states, in order).
    codes : dict of str to ndarray
        Every node's codes, the cause's nodes as set by the realization.
    """
    pi = realization.coarsening
    members = model.members(pi.node)
    defined = np.flatnonzero(realization.defined)
    macro = np.repeat(defined, n)
    check_entries(len(macro) * len(model.nodes), f"{len(macro)} runs of {len(model.nodes)} nodes", "n")
    # the micro state of every run: the inverse CDF of its macro state's realization over the micro states
    table = np.zeros((pi.n_macro, pi.n_micro))
    table[pi.assignment, np.arange(pi.n_micro)] = realization.weights
    table[~realization.defined, 0] = 1.0  # never used: keeps every row a distribution
    micro = inverse_cdf(table, macro, rng.random(len(macro)))
    cards = tuple(model.cardinality(m) for m in members)
    clamp = dict(zip(members, np.unravel_index(micro, cards)))
    return macro, sample_codes(model, len(macro), rng, clamp=clamp)


def frame(model: CausalModel, codes: Mapping[str, np.ndarray], columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The samples as a DataFrame of state names (categorical columns), in ``columns`` order (default: the model's)."""
    require_pandas()
    import pandas as pd

    names = tuple(model.nodes) if columns is None else columns
    return pd.DataFrame({name: pd.Categorical.from_codes(np.asarray(codes[name], dtype=np.intp),
                                                         categories=pd.Index(model.nodes[name].states))
                         for name in names})


def sample(
    model: CausalModel,
    n: int,
    seed: int | np.random.SeedSequence | None = None,
    *,
    realization: RealizationFamily | None = None,
) -> pd.DataFrame:
    """Draw ``n`` samples from ``model`` (or ``n`` runs per macro state of a macro experiment).

    Parameters
    ----------
    model : CausalModel
    n : int
        Number of rows (with ``realization``: of runs per macro state it defines).
    seed : int or numpy.random.SeedSequence, optional
        Fixes the sample (default: fresh entropy).
    realization : RealizationFamily, optional
        Run the macro experiment on its cause (a node or group of ``model``)
        instead: the cause's column holds the macro state of each run, and its
        micro nodes are left out.

    Returns
    -------
    pandas.DataFrame
        One categorical column per node, in the model's declaration order (for
        an experiment: the cause's column first, then the nodes outside it).

    Raises
    ------
    ModelError
        ``n`` not a positive integer, more samples than the array size limit,
        or a realization whose cause is not a node or group of ``model``.

    Examples
    --------
    >>> from discagg import load_model
    >>> data = sample(load_model("net:asia"), 5, seed=1)
    >>> data.shape, list(data.columns[:3])
    ((5, 8), ['asia', 'tub', 'smoke'])
    """
    n = check_count(n)
    rng = np.random.default_rng(seed)
    if realization is None:
        return frame(model, sample_codes(model, n, rng))
    cause = realization.coarsening.node
    with_cause = model.members(cause)
    if model.coarsening(cause) != realization.coarsening:
        raise ModelError(None, "realization", f"a realization for the coarsening of {cause!r} in the model",
                         "one for another coarsening")
    macro, codes = experiment_codes(model, realization, n, rng)
    require_pandas()
    import pandas as pd

    data = frame(model, codes, tuple(name for name in model.nodes if name not in with_cause))
    column = pd.Categorical.from_codes(np.asarray(macro, dtype=np.intp),
                                       categories=pd.Index(realization.coarsening.macro_states))
    data.insert(0, cause, column)  # type: ignore[arg-type]  # pandas-stubs leave out Categorical, which pandas takes
    return data
