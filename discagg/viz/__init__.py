"""Pictures: the paper's graphs drawn with matplotlib (an optional extra, imported only when drawing)."""

from typing import TYPE_CHECKING

from discagg._lazy import lazy_exports

_EXPORTS = {
    "draw_graph": "discagg.viz.draw",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # the names as a type checker sees them
    from discagg.viz.draw import draw_graph

__all__ = ["draw_graph"]
