"""matplotlib, imported only when something is drawn, and pictures written whole or not at all.

Figures are made with :class:`matplotlib.figure.Figure` directly, not with
pyplot: they belong to the caller (a notebook shows them, nothing keeps them
alive), no GUI backend is touched, and a file is rendered by the backend of
its format (Agg for PNG, written as a 256-colour palette image; the SVG and
PDF backends).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from discagg.errors import DiscaggError, ModelError
from discagg.io.files import atomic_output, check_output_path

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["IMAGE_FORMATS", "LEGEND_STYLE", "MISSING_MATPLOTLIB", "check_image_path", "fit_legend", "fit_title",
           "new_figure", "renderer", "save_figure", "text_width", "wrap"]

IMAGE_FORMATS = (".png", ".svg", ".pdf")
MISSING_MATPLOTLIB = "matplotlib, to draw (install the extra: pip install 'discagg[plot]')"


def new_figure(width: float, height: float) -> "Figure":
    """A Figure of ``width`` x ``height`` inches, not registered with pyplot.

    Raises
    ------
    DiscaggError
        When matplotlib is not installed; the message names the ``plot`` extra.
    """
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise DiscaggError(f"no module named matplotlib: drawing needs {MISSING_MATPLOTLIB}") from None
    return Figure(figsize=(width, height), dpi=100)


def check_image_path(path: str | os.PathLike[str], option: str = "--out") -> Path:
    """Check, before any work, that ``path`` can receive a .png, .svg or .pdf file.

    >>> check_image_path("picture.txt")
    Traceback (most recent call last):
    ...
    discagg.errors.ModelError: --out: expected a file name ending in one of ['.png', '.svg', '.pdf'], found 'picture.txt'
    """
    suffix = Path(path).suffix.lower()
    if suffix not in IMAGE_FORMATS:
        raise ModelError(None, option, f"a file name ending in one of {list(IMAGE_FORMATS)}", repr(str(path)))
    return check_output_path(path, option)


def save_figure(figure: "Figure", path: str | os.PathLike[str], option: str = "--out") -> None:
    """Write ``figure`` to ``path`` in the format its name asks for, atomically.

    A symbolic link named ``g.png`` is written through as a PNG, whatever the
    name of the file it points to; a failed or interrupted write leaves nothing.

    Raises
    ------
    ModelError
        A bad extension or a path that cannot receive the file.
    """
    target = check_image_path(path, option)
    image_format = Path(path).suffix.lower().lstrip(".")
    with atomic_output(target, option) as temporary:
        if image_format == "png":
            _save_png(figure, temporary)
        else:  # fixed metadata: the same picture gives the same file (no creation date)
            figure.savefig(temporary, format=image_format, metadata={"Date": None} if image_format == "svg"
                           else {"CreationDate": None})


def _save_png(figure: "Figure", path: Path) -> None:
    """Render with Agg and write a 256-colour palette PNG: a third of the RGBA file's size, the same to the eye."""
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = FigureCanvasAgg(figure)
    canvas.draw()  # type: ignore[no-untyped-call]
    image = Image.fromarray(np.asarray(canvas.buffer_rgba())).convert("RGB")  # type: ignore[no-untyped-call]
    # median cut, no dithering, in any Pillow (the enums are Pillow >= 9.1)
    method: Any = getattr(getattr(Image, "Quantize", None), "MEDIANCUT", 0)
    dither: Any = getattr(getattr(Image, "Dither", None), "NONE", 0)
    image.quantize(colors=256, method=method, dither=dither).save(path, format="png", optimize=True)


def renderer(figure: "Figure") -> Any:
    """An Agg renderer of ``figure`` (which then draws with Agg), to measure what is drawn."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    return FigureCanvasAgg(figure).get_renderer()  # type: ignore[no-untyped-call]


def text_width(text: str, size: float, *, math: bool = False) -> float:
    """The width in inches of ``text`` at ``size`` points (mathtext when ``math``), as Agg draws it.

    >>> 0.4 < text_width("LVEDVOLUME", 9) < 1.2
    True
    """
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.font_manager import FontProperties

    measure = RendererAgg(10, 10, 72)  # type: ignore[no-untyped-call]
    width = measure.get_text_width_height_descent(text, FontProperties(size=size),  # type: ignore[no-untyped-call]
                                                  ismath=math)[0]
    return float(width) / 72.0


LEGEND_STYLE: dict[str, Any] = {"fontsize": 8, "handlelength": 2.2, "columnspacing": 1.4, "borderaxespad": 0.3}


def fit_legend(figure: "Figure", handles: Sequence[object], width: float) -> tuple[int, tuple[float, float]]:
    """The most columns in which a legend of ``handles`` fits ``width`` inches, and its size in inches."""
    agg = renderer(figure)
    for columns in range(len(handles), 0, -1):
        legend = figure.legend(handles=handles, loc="lower center", ncol=columns, frameon=False, **LEGEND_STYLE)
        box = legend.get_window_extent(agg)
        legend.remove()
        if box.width / figure.dpi <= width or columns == 1:
            return columns, (box.width / figure.dpi, box.height / figure.dpi)
    return 1, (0.0, 0.0)


def wrap(text: str, fits: Callable[[str], bool]) -> str:
    r"""Each line of ``text`` folded at spaces, or after ``+`` and ``,`` in long names, where ``fits`` says so.

    >>> wrap("cause X = A+B+C, effect Y = D", lambda line: len(line) <= 14)
    'cause X = A+B+\nC, effect Y =\nD'
    """
    out = []
    for line in text.split("\n"):
        current = ""
        for piece in (p for p in re.split(r"(?<=[ +,])", line) if p):
            if current and not fits((current + piece).rstrip()):
                out.append(current.rstrip())
                current = ""
            current += piece
        out.append(current.rstrip())
    return "\n".join(out)


def fit_title(title: str, width: float, size: float) -> str:
    """``title`` folded (see :func:`wrap`) so that each line fits ``width`` inches at ``size`` points."""
    return wrap(title, lambda line: text_width(line, size) <= width)
