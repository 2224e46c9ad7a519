"""The size limit: how large an array discagg agrees to allocate, checked before allocating.

A model file can ask for arrays far beyond memory (a node with 40 binary parents
declares a CPT of 2^41 entries; a group of 40 binary nodes has 2^40 joint
states). discagg computes the size an input would need from its shape alone and
refuses it, with that size, before allocating anything.

The limit is on the number of float64 entries of any one array (a CPT, a group's
joint states, the cause-by-effect tables, a generated model's CPT). The default,
``2**28`` entries (2 GiB), fits the machines discagg is tested on; set the
environment variable ``DISCAGG_MAX_ENTRIES`` to raise or lower it, e.g.
``DISCAGG_MAX_ENTRIES=1e10 discagg solve ...`` (a number, read when the check runs).

Examples
--------
>>> check_entries(1000, "the CPT of Y", "nodes.Y.cpt")
>>> check_entries(2**60, "the CPT of Y", "nodes.Y.cpt")
Traceback (most recent call last):
...
discagg.errors.ModelError: nodes.Y.cpt: expected the CPT of Y within the size limit of 268435456 entries \
(2 GiB; set DISCAGG_MAX_ENTRIES to change it), found 1152921504606846976 entries (8 EiB)
"""

from __future__ import annotations

import math
import os

from discagg.errors import ModelError

__all__ = ["DEFAULT_MAX_ENTRIES", "ENVIRONMENT_VARIABLE", "max_entries", "check_entries", "describe_bytes"]

DEFAULT_MAX_ENTRIES = 2**28
ENVIRONMENT_VARIABLE = "DISCAGG_MAX_ENTRIES"


def max_entries() -> int:
    """The limit in force: ``DISCAGG_MAX_ENTRIES`` if set, else :data:`DEFAULT_MAX_ENTRIES`.

    Raises
    ------
    ModelError
        If the environment variable is not a positive number.
    """
    text = os.environ.get(ENVIRONMENT_VARIABLE)
    if text is None or not text.strip():
        return DEFAULT_MAX_ENTRIES
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value >= 1):
        raise ModelError(ENVIRONMENT_VARIABLE, None, "a positive number of array entries", repr(text))
    return int(value)


def describe_bytes(entries: int) -> str:
    """``entries`` float64 values in binary units, e.g. ``"2 GiB"``.

    >>> describe_bytes(2**28)
    '2 GiB'
    """
    size = float(entries) * 8
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"):
        if size < 1024 or unit == "EiB":
            return f"{size:.3g} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def check_entries(entries: int, what: str, path: str | None, source: str | None = None) -> None:
    """Refuse an array of ``entries`` float64 values beyond the limit, before it is allocated.

    Parameters
    ----------
    entries : int
        The size the input would need (an exact integer, possibly huge).
    what : str
        What the array is, for the message.
    path : str or None
        Key path or option naming the input.
    source : str, optional
        The file it came from.

    Raises
    ------
    ModelError
    """
    limit = max_entries()
    if entries > limit:
        raise ModelError(source, path, f"{what} within the size limit of {limit} entries ({describe_bytes(limit)}; "
                         f"set {ENVIRONMENT_VARIABLE} to change it)", f"{entries} entries ({describe_bytes(entries)})")
