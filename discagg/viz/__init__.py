"""Pictures: the paper's graphs drawn with matplotlib (an optional extra, imported only when drawing)."""

from discagg.viz.draw import draw_graph

__all__ = ["draw_graph"]
