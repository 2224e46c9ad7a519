"""Read-only arrays: how core values stay immutable once built."""

from __future__ import annotations

import numpy as np

__all__ = ["readonly", "readonly_float"]


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
