"""Pictures: the paper's graphs and the reachable sets, drawn with matplotlib (an optional extra, imported when drawing)."""

from typing import TYPE_CHECKING

from discagg._lazy import lazy_exports

_EXPORTS = {
    "draw": "discagg.viz.draw",
    "draw_graph": "discagg.viz.draw",
    "reachable": "discagg.viz.reachable",
    "Projection": "discagg.viz.projection",
    "projection_for": "discagg.viz.projection",
    "ReachablePanel": "discagg.viz.panels",
    "reachable_panels": "discagg.viz.panels",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:  # the names as a type checker sees them
    from discagg.viz.draw import draw, draw_graph
    from discagg.viz.panels import ReachablePanel, reachable_panels
    from discagg.viz.projection import Projection, projection_for
    from discagg.viz.reachable import reachable

__all__ = ["Projection", "ReachablePanel", "draw", "draw_graph", "projection_for", "reachable", "reachable_panels"]
