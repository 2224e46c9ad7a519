"""Pictures, by their short names: ``discagg.plot.reachable`` and ``discagg.plot.draw``.

Importing this module costs nothing; matplotlib (the ``plot`` extra:
``pip install 'discagg[plot]'``) is imported when a picture is drawn. Both
functions return a :class:`matplotlib.figure.Figure`, not registered with
pyplot: a notebook shows it, ``figure.savefig(path)`` writes it.

>>> import discagg.plot
>>> sorted(discagg.plot.__all__)
['draw', 'reachable']
"""

from typing import TYPE_CHECKING

from discagg._lazy import lazy_exports

_EXPORTS = {
    "draw": "discagg.viz.draw",
    "reachable": "discagg.viz.reachable",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # the names as a type checker sees them
    from discagg.viz.draw import draw
    from discagg.viz.reachable import reachable

__all__ = ["draw", "reachable"]
