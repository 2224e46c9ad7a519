"""Read-only arrays: how core values stay immutable once built."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields

import numpy as np

__all__ = ["readonly", "readonly_float", "equal_values", "equal_fields"]


def readonly(array: np.ndarray) -> np.ndarray:
    """Mark ``array`` read-only in place and return it.

    >>> readonly(np.arange(3)).flags.writeable
    False
    """
    array.setflags(write=False)
    return array


def readonly_float(array: np.ndarray) -> np.ndarray:
    """A C-contiguous float64 read-only version of ``array`` (a copy only when needed).

    >>> readonly_float(np.array([1, 2])).dtype
    dtype('float64')
    """
    return readonly(np.ascontiguousarray(array, dtype=np.float64))


def equal_values(a: object, b: object) -> bool:
    """Equality for result fields: arrays by shape and entries (NaN equal to NaN), tuples item by item.

    >>> equal_values(np.array([1.0, np.nan]), np.array([1.0, np.nan]))
    True
    >>> equal_values((np.zeros(2), None), (np.zeros(3), None))
    False
    """
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        if not (isinstance(a, np.ndarray) and isinstance(b, np.ndarray)) or a.shape != b.shape:
            return False
        inexact = np.issubdtype(a.dtype, np.inexact) and np.issubdtype(b.dtype, np.inexact)
        return bool(np.array_equal(a, b, equal_nan=inexact))
    if isinstance(a, tuple) and isinstance(b, tuple):
        return len(a) == len(b) and all(equal_values(x, y) for x, y in zip(a, b))
    if isinstance(a, Mapping) and isinstance(b, Mapping):  # the same keys (as dicts compare), values as above
        return a.keys() == b.keys() and all(equal_values(a[k], b[k]) for k in a)
    if isinstance(a, float) and isinstance(b, float) and a != a and b != b:  # both NaN
        return True
    return bool(a == b)


def equal_fields(a: object, b: object) -> bool:
    """Two dataclass instances of the same class with :func:`equal_values` in every field.

    >>> from discagg.core.gaussian import GaussianRealization
    >>> r = GaussianRealization([0.0, 1.0], [1.0, 0.0], np.zeros((2, 2)))
    >>> equal_fields(r, GaussianRealization([0.0, 1.0], [1.0, 0.0], np.zeros((2, 2))))
    True
    """
    return type(a) is type(b) and all(equal_values(getattr(a, f.name), getattr(b, f.name))
                                      for f in fields(a))  # type: ignore[arg-type]
