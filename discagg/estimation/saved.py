"""A saved ``discagg identify --json`` document read back as an :class:`~discagg.Identification`.

The document holds everything the result does, ``kkt_residual`` (the
maximum-likelihood solver's certificate of convergence) included: a document
written before that entry was added reads back with ``kkt_residual`` None, the
value of a state whose realization was observed or that had no runs. The
effect's macro states are the keys of ``observational`` (some macro state of
the cause has ``P(x̄) > 0``, so some entry has it); ``by`` (the column and value
that picked the runs) is there when it was used. A document that is not as
written is a :class:`~discagg.errors.ModelError` naming the key path (and the
file, for :func:`load_identification`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import Any

from discagg.errors import ModelError, describe, preview
from discagg.estimation.identification import Identification, InhibitingTest, StateIdentification
from discagg.json_values import boolean, check_keys, key_path, number, require_object, state_entries, string

__all__ = ["identification_from_dict", "load_identification"]

_KEYS = ("model", "cause", "effect", "experiment", "records", "level", "macro_states")
_STATE_KEYS = ("state", "samples", "realization", "identified", "ranges", "interventional", "observational",
               "inhibiting_test")
_OPTIONAL_STATE_KEYS = ("kkt_residual",)
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
