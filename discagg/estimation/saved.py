"""A saved ``discagg identify --json`` document read back as an :class:`~discagg.Identification`,
or as :class:`~discagg.Identifications` when it holds several experiments.

The document holds everything the result does, ``kkt_residual`` (the
maximum-likelihood solver's certificate of convergence) included: a document
written before that entry was added reads back with ``kkt_residual`` None, the
value of a state whose realization was observed or that had no runs. The
effect's macro states are the keys of ``observational`` (some macro state of
the cause has ``P(x̄) > 0``, so some entry has it); ``by`` (the column and value
that picked the runs) is there when it was used. A document that is not as
written is a :class:`~discagg.errors.ModelError` naming the key path (and the
file, for :func:`load_identification`).

``discagg identify`` with several experiments (``--experiment`` more than once,
or ``--by COLUMN``) writes ``{"model", "cause", "effect", "level",
"experiments": [one experiment's document, ...]}``; :func:`load_identifications`
reads it (and, as a list of one, a single experiment's document), so that any
``--json`` of the command loads with it; :func:`load_identification` reads a
single experiment's document only, and names :func:`load_identifications` when
given several.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from discagg.errors import ModelError, describe, preview
from discagg.estimation.identification import Identification, Identifications, InhibitingTest, StateIdentification
from discagg.json_values import boolean, check_keys, key_path, number, require_object, state_entries, string

__all__ = ["identification_from_dict", "load_identification", "identifications_from_dict", "load_identifications"]

_KEYS = ("model", "cause", "effect", "experiment", "records", "level", "macro_states")
_STATE_KEYS = ("state", "samples", "realization", "identified", "ranges", "interventional", "observational",
               "inhibiting_test")
_OPTIONAL_STATE_KEYS = ("kkt_residual",)
_SEVERAL_KEYS = ("model", "cause", "effect", "level", "experiments")
_T = TypeVar("_T")
_RECORDS = tuple(f"{effect} effect{cause}" for cause in ("", " and micro cause") for effect in ("micro", "macro"))


def _whole(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ModelError(None, path, "a non-negative whole number", describe(value))
    return value


def _weights(value: Any, path: str) -> dict[str, float] | None:
    if value is None:
        return None
    obj = require_object(value, path, "an object mapping names to numbers, or null")
    return {string(k, path): number(v, key_path(path, k)) for k, v in obj.items()}


def _by_effect(value: Any, path: str, ys: tuple[str, ...]) -> dict[str, float] | None:
    found = _weights(value, path)
    if found is not None and tuple(found) != ys:
        raise ModelError(None, path, f"a probability for each of {preview(ys)}, in order", preview(list(found)))
    return found


def _ranges(value: Any, path: str) -> dict[str, tuple[float, float]] | None:
    if value is None:
        return None
    obj = require_object(value, path, "an object mapping micro states to [lower, upper], or null")
    ranges = {}
    for x, pair in obj.items():
        where = key_path(path, x)
        if not isinstance(pair, list) or len(pair) != 2:
            raise ModelError(None, where, "a list [lower, upper]", describe(pair))
        ranges[x] = (number(pair[0], f"{where}[0]"), number(pair[1], f"{where}[1]"))
    return ranges


def _test(value: Any, path: str) -> InhibitingTest | None:
    if value is None:
        return None
    obj = require_object(value, path, "an object with keys 'statistic', 'df', 'p_value', or null")
    check_keys(obj, ("statistic", "df", "p_value"), ("statistic", "df", "p_value"), path)
    statistic = math.inf if obj["statistic"] is None else number(obj["statistic"], key_path(path, "statistic"))
    return InhibitingTest(statistic, _whole(obj["df"], key_path(path, "df")),
                          number(obj["p_value"], key_path(path, "p_value")))


def _state(entry: Mapping[str, Any], path: str, ys: tuple[str, ...], observed: bool) -> StateIdentification:
    check_keys(entry, (*_STATE_KEYS, *_OPTIONAL_STATE_KEYS), _STATE_KEYS, path)
    residual = entry.get("kkt_residual")
    return StateIdentification(
        string(entry["state"], key_path(path, "state")), _whole(entry["samples"], key_path(path, "samples")),
        _weights(entry["realization"], key_path(path, "realization")),
        boolean(entry["identified"], key_path(path, "identified")), _ranges(entry["ranges"], key_path(path, "ranges")),
        _by_effect(entry["interventional"], key_path(path, "interventional"), ys),
        _by_effect(entry["observational"], key_path(path, "observational"), ys),
        _test(entry["inhibiting_test"], key_path(path, "inhibiting_test")), observed=observed,
        kkt_residual=None if residual is None else number(residual, key_path(path, "kkt_residual")))


def identification_from_dict(document: Any) -> Identification:
    """The :class:`~discagg.Identification` of a ``discagg identify --json`` document.

    Raises
    ------
    ModelError
        Naming the key path of the first entry that is not as :meth:`Identification.to_dict` writes it.
    """
    doc = require_object(document, "", "a JSON object as 'discagg identify --json' prints")
    if "experiments" in doc and "macro_states" not in doc:
        raise ModelError(None, "experiments", "one experiment's document (several experiments' read back with "
                         "discagg.load_identifications or Identifications.from_dict)", "a document of several experiments")
    check_keys(doc, (*_KEYS, "by"), _KEYS, "")
    records = doc["records"]
    if records not in _RECORDS:
        raise ModelError(None, "records", f"one of {list(_RECORDS)}", describe(records))
    level = number(doc["level"], "level")
    if not 0 < level < 1:
        raise ModelError(None, "level", "a number in (0, 1)", repr(level))
    entries = state_entries(doc["macro_states"], "macro_states")
    found = [(k, e["observational"]) for k, e in enumerate(entries) if isinstance(e.get("observational"), dict)]
    if not found:
        raise ModelError(None, "macro_states", "some macro state with its observational distribution",
                         "none (every one null)")
    ys = tuple(found[0][1])
    states = tuple(_state(e, f"macro_states[{k}]", ys, records.endswith("micro cause")) for k, e in enumerate(entries))
    model, cause, effect, experiment = (string(doc[key], key) for key in ("model", "cause", "effect", "experiment"))
    by = None
    if "by" in doc:
        picked = require_object(doc["by"], "by", "an object {'column', 'value'}")
        check_keys(picked, ("column", "value"), ("column", "value"), "by")
        by = (string(picked["column"], "by.column"), string(picked["value"], "by.value"))
    return Identification(model, cause, effect, experiment, records, level, states, ys, by)


def load_identification(path: str | os.PathLike[str]) -> Identification:
    """Read a file that ``discagg identify --json`` (or :meth:`Identification.to_dict`) wrote.

    Raises
    ------
    ModelError
        Naming the file, and the key path of what is not as written.
    """
    from discagg.io.json_files import read_document

    return read_document(path, identification_from_dict)


def _within(prefix: str, read: Callable[[Any], _T], value: Any) -> _T:
    """``read(value)``, an error's key path put under ``prefix``."""
    try:
        return read(value)
    except ModelError as exc:
        if exc.source is not None:
            raise
        raise ModelError(None, key_path(prefix, exc.path) if exc.path else prefix, exc.expected, exc.found) from None


def identifications_from_dict(document: Any) -> Identifications:
    """The :class:`~discagg.Identifications` of a ``discagg identify --json`` document of several experiments.

    A single experiment's document (what the command prints for one) reads as
    :class:`~discagg.Identifications` of that one experiment.

    Raises
    ------
    ModelError
        Naming the key path (``experiments[1].macro_states[0].samples``, ...)
        of the first entry that is not as :meth:`Identifications.to_dict`
        writes it, or an experiment whose model, cause, effect or level differs
        from the document's.
    """
    doc = require_object(document, "", "a JSON object as 'discagg identify --json' prints")
    if "macro_states" in doc and "experiments" not in doc:
        one = identification_from_dict(doc)
        return Identifications(one.model, one.cause, one.effect, one.level, (one,))
    check_keys(doc, _SEVERAL_KEYS, _SEVERAL_KEYS, "")
    model, cause, effect = (string(doc[key], key) for key in ("model", "cause", "effect"))
    level = number(doc["level"], "level")
    if not 0 < level < 1:
        raise ModelError(None, "level", "a number in (0, 1)", repr(level))
    entries = doc["experiments"]
    if not isinstance(entries, list) or not entries:
        raise ModelError(None, "experiments", "a non-empty list of experiments' documents", describe(entries))
    experiments = []
    for i, entry in enumerate(entries):
        path = f"experiments[{i}]"
        found = _within(path, identification_from_dict, entry)
        for key, value, stated in (("model", found.model, model), ("cause", found.cause, cause),
                                   ("effect", found.effect, effect), ("level", found.level, level)):
            if value != stated:
                raise ModelError(None, key_path(path, key), f"the document's {key} {stated!r}", repr(value))
        experiments.append(found)
    return Identifications(model, cause, effect, level, tuple(experiments))


def load_identifications(path: str | os.PathLike[str]) -> Identifications:
    """Read a file that ``discagg identify --json`` (or :meth:`Identifications.to_dict`) wrote.

    Any ``--json`` of the command: several experiments' document, or a single
    experiment's (read as :class:`~discagg.Identifications` of one).

    Raises
    ------
    ModelError
        Naming the file, and the key path of what is not as written.

    Examples
    --------
    >>> import discagg, pandas as pd, json, tempfile, os
    >>> runs = pd.DataFrame({"store": ["a", "a", "b"], "Lipids": ["medium"] * 3,
    ...                      "HeartDisease": ["no", "yes", "no"]})
    >>> found = discagg.identify_experiments(discagg.load_model("example:cholesterol"), runs, by="store")
    >>> with tempfile.TemporaryDirectory() as where:
    ...     path = os.path.join(where, "found.json")
    ...     with open(path, "w") as f:
    ...         _ = f.write(json.dumps(found.to_dict()))
    ...     load_identifications(path) == found
    True
    """
    from discagg.io.json_files import read_document

    return read_document(path, identifications_from_dict)
