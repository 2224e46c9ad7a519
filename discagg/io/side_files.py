"""The side files of the commands: costs and ``f`` values, targets, and realization families.

``--cost`` and ``--f`` files map state names to numbers (:func:`load_values`);
``--target`` files map macro states of the cause to distributions over the
effect's macro states (:func:`load_targets`). The same content given in Python
as a dict (``cost=``, ``f=``, ``reach`` targets) is checked by the same code,
:func:`values_from_mapping` and :func:`targets_from_mapping`, with the same
messages. A realization family is saved and loaded as ``discagg/realization-v1``::

    {"format": "discagg/realization-v1", "cause": "X", "realization": {x̄: {x: p, ...}}}
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

import numpy as np

from discagg.core.model import CausalModel
from discagg.core.realization import RealizationFamily
from discagg.errors import ModelError, preview
from discagg.io.files import write_text_atomic
from discagg.io.json_files import (
    check_format,
    check_keys,
    nonempty_string,
    number,
    parse_json,
    read_document,
    read_json,
    require_object,
    with_source,
)
from discagg.io.shipped import EXAMPLE_PREFIX, example_realization_text
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["REALIZATION_FORMAT", "values_from_mapping", "load_values", "targets_from_mapping", "load_targets",
           "realization_to_dict", "dumps_realization", "save_realization", "load_realization"]

REALIZATION_FORMAT = "discagg/realization-v1"


def values_from_mapping(data: Any, names: tuple[str, ...], what: str) -> np.ndarray:
    """Check ``{name: number}`` covering exactly ``names``: a cost file's or ``f`` file's content, or a dict.

    The check :func:`load_values` makes on a file, and ``cost=``/``f=`` make on
    a dict in Python (:func:`~discagg.solve`, :func:`~discagg.effect_bounds`),
    with the same messages.

    Parameters
    ----------
    data : object
        The parsed JSON (a dict), or a mapping given in Python.
    names : tuple of str
        The states that need a value, in order.
    what : str
        What the states are, for messages (e.g. ``"micro state of 'X'"``).

    Returns
    -------
    (len(names),) ndarray

    Raises
    ------
    ModelError
        Naming the key of the first bad, unknown or missing entry (no file).

    Examples
    --------
    >>> values_from_mapping({"b": 2, "a": 1.5}, ("a", "b"), "state")
    array([1.5, 2. ])
    >>> values_from_mapping({"a": 1.5}, ("a", "b"), "state")
    Traceback (most recent call last):
    ...
    discagg.errors.ModelError: expected a value for every state, found none for ['b']
    """
    data = require_object(_python_numbers(data), "", f"a JSON object mapping each {what} to a number")
    index = {name: i for i, name in enumerate(names)}
    values = np.full(len(names), np.nan)
    for key, value in data.items():
        if key not in index:
            raise ModelError(None, key, f"a {what} {preview(names)}", f"unknown key {key!r}")
        values[index[key]] = number(value, key)
    missing = [n for n in names if np.isnan(values[index[n]])]
    if missing:
        raise ModelError(None, None, f"a value for every {what}", f"none for {missing[:10]}")
    return values


def _python_numbers(data: Any) -> Any:
    """A mapping given in Python as the dict a JSON file would give: numpy scalars as Python numbers."""
    if isinstance(data, Mapping) and not isinstance(data, dict):
        data = dict(data)
    if isinstance(data, dict) and any(isinstance(v, (np.generic, Mapping)) for v in data.values()):
        data = {k: (v.item() if isinstance(v, np.generic) else _python_numbers(v) if isinstance(v, Mapping) else v)
                for k, v in data.items()}
    return data


def load_values(path: str | os.PathLike[str], names: tuple[str, ...], what: str) -> np.ndarray:
    """Read ``{name: number}`` covering exactly ``names`` (a cost file, or ``f`` for bounds).

    Parameters
    ----------
    path : path-like
    names : tuple of str
        The states that need a value, in order.
    what : str
        What the states are, for messages (e.g. ``"micro state of 'X'"``).

    Returns
    -------
    (len(names),) ndarray

    Raises
    ------
    ModelError
        Naming the file and the key of the first bad, unknown or missing entry.
    """
    return read_document(path, lambda data: values_from_mapping(data, names, what))


def targets_from_mapping(
    data: Any,
    cause_macro: tuple[str, ...],
    effect_macro: tuple[str, ...],
    *,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
) -> dict[str, np.ndarray]:
    """Check target distributions ``{x̄: {ȳ: probability}}``: a target file's content, or a dict.

    Macro states of the effect left out of a target get probability zero; each
    target must be non-negative and sum to one within ``tolerance.normalisation``.
    :func:`load_targets` makes this check on a file, :func:`~discagg.reach` on
    dict targets given in Python, with the same messages.

    Returns
    -------
    dict of str to (len(effect_macro),) ndarray

    Raises
    ------
    ModelError
        Naming the key path (no file).

    Examples
    --------
    >>> targets_from_mapping({"b": {"yes": 1.0}}, ("a", "b"), ("no", "yes"))
    {'b': array([0., 1.])}
    """
    data = require_object(_python_numbers(data), "", "a JSON object mapping macro states of the cause to "
                          "distributions")
    targets: dict[str, np.ndarray] = {}
    for state, dist in data.items():
        if state not in cause_macro:
            raise ModelError(None, state, f"a macro state of the cause {preview(cause_macro)}", repr(state))
        dist = require_object(dist, state, "an object mapping macro states of the effect to probabilities")
        target = np.zeros(len(effect_macro))
        for key, value in dist.items():
            if key not in effect_macro:
                raise ModelError(None, f"{state}.{key}", f"a macro state of the effect {preview(effect_macro)}",
                                 repr(key))
            target[effect_macro.index(key)] = number(value, f"{state}.{key}")
            if target[effect_macro.index(key)] < 0:
                raise ModelError(None, f"{state}.{key}", "a non-negative probability", repr(value))
        if abs(target.sum() - 1.0) > tolerance.normalisation:
            raise ModelError(None, state, f"probabilities summing to 1 (within {tolerance.normalisation:g})",
                             f"sum {float(target.sum())!r}")
        targets[state] = target
    return targets


def load_targets(
    path: str | os.PathLike[str],
    cause_macro: tuple[str, ...],
    effect_macro: tuple[str, ...],
    *,
    tolerance: Tolerance = DEFAULT_TOLERANCE,
) -> dict[str, np.ndarray]:
    """Read target distributions ``{x̄: {ȳ: probability}}`` for ``discagg solve --target``.

    Macro states of the effect left out of a target get probability zero; each
    target must be non-negative and sum to one within ``tolerance.normalisation``.

    Raises
    ------
    ModelError
    """
    return read_document(path, lambda data: targets_from_mapping(data, cause_macro, effect_macro, tolerance=tolerance))


def realization_to_dict(family: RealizationFamily) -> dict[str, Any]:
    """The ``discagg/realization-v1`` document of a realization family.

    ``{"format": "discagg/realization-v1", "cause": "X", "realization": {x̄: {x: p, ...}}}``,
    listing the macro states the family defines and, for each, the micro states
    with positive probability.
    """
    mapping = {
        macro: {micro: p for micro, p in dist.items() if p > 0} for macro, dist in family.to_mapping().items()
    }
    return {"format": REALIZATION_FORMAT, "cause": family.coarsening.node, "realization": mapping}


def dumps_realization(family: RealizationFamily) -> str:
    """A realization family as ``discagg/realization-v1`` JSON text."""
    return json.dumps(realization_to_dict(family), indent=1, allow_nan=False) + "\n"


def save_realization(family: RealizationFamily, path: str | os.PathLike[str], *, option: str = "output") -> None:
    """Save a realization family as ``discagg/realization-v1`` JSON (atomically).

    Raises
    ------
    ModelError
        When ``path`` cannot receive the file (``option`` names it in the message).
    """
    write_text_atomic(path, dumps_realization(family), option)


def load_realization(
    path: str | os.PathLike[str], model: CausalModel, *, tolerance: Tolerance = DEFAULT_TOLERANCE
) -> RealizationFamily:
    """Load a ``discagg/realization-v1`` file for a node of ``model`` and validate it.

    ``path`` may also be ``example:counterexample``: the realization family
    shipped with that example model.

    Raises
    ------
    ModelError
        Bad format, unknown cause, or a realization that is not a distribution
        over its fibre (a :class:`~discagg.errors.RealizationError`).
    """
    source = str(path)
    if source.startswith(EXAMPLE_PREFIX):
        data = parse_json(example_realization_text(source[len(EXAMPLE_PREFIX):]), source)
    else:
        data = read_json(path)
    try:
        data = require_object(data, "", "a JSON object with keys 'format', 'cause' and 'realization'")
        check_format(data, REALIZATION_FORMAT)
        check_keys(data, ("format", "cause", "realization"), ("format", "cause", "realization"), "")
        cause = nonempty_string(data["cause"], "cause", "a node name")
        coarsening = model.coarsening(cause)
        mapping = require_object(data["realization"], "realization", "an object mapping macro states to "
                                  "distributions over their fibres")
        return RealizationFamily.from_mapping(coarsening, mapping, tolerance=tolerance)
    except ModelError as exc:
        raise with_source(exc, source) from None
