"""Lazy re-exports (PEP 562): a package names its public API without importing it until first use.

``import discagg`` then costs almost nothing, and ``discagg --help`` does not
load numpy, scipy, cvxpy or networkx; each name is imported from its module the
first time it is looked up, and kept in the package's namespace after that.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, exports: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of a package whose names live in its submodules.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    exports : mapping of str to str
        Each public name and the module (absolute name) that defines it; a
        name mapped to ``package.name`` is that submodule itself.

    Returns
    -------
    __getattr__, __dir__ : callables
        To assign at the package's top level.
    """
    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        imported = importlib.import_module(module)
        value = imported if module == f"{package}.{name}" else getattr(imported, name)
        importlib.import_module(package).__dict__[name] = value  # later look-ups bypass __getattr__
        return value

    def __dir__() -> list[str]:
        return sorted(set(exports) | set(importlib.import_module(package).__dict__))

    return __getattr__, __dir__
