"""A Sphinx extension that runs the ``>>>`` examples of chosen pages when the docs are built.

Each page listed in ``executed_pages`` is run as a doctest (stdlib :mod:`doctest`, with
``ELLIPSIS`` and ``NORMALIZE_WHITESPACE``) in the directory ``executed_output`` under the source
directory, where the examples write their pictures (which the page then shows with
``.. image:: _generated/NAME.png``). Any failing example stops the build with the example, what the
page shows and what it printed: the page cannot go stale.
"""

from __future__ import annotations

import doctest
import io
import os
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)


def run_page(page: Path, output: Path) -> tuple[int, int, str]:
    """Run the examples of ``page`` in ``output``; returns (failed, attempted, report)."""
    text = page.read_text(encoding="utf-8")
    test = doctest.DocTestParser().get_doctest(text, {"__name__": page.stem}, page.name, str(page), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report = io.StringIO()
    output.mkdir(parents=True, exist_ok=True)
    previous = os.getcwd()
    os.chdir(output)
    try:
        runner.run(test, out=report.write)  # what the examples print is compared with the page, not shown
    finally:
        os.chdir(previous)
    return runner.failures, runner.tries, report.getvalue()


def _run_pages(app: Sphinx) -> None:
    output = Path(app.srcdir) / app.config.executed_output
    for name in app.config.executed_pages:
        failed, attempted, report = run_page(Path(app.srcdir) / name, output)
        if failed:
            raise ExtensionError(f"{name}: {failed} of {attempted} examples failed\n{report}")
        logger.info(f"executed_pages: {name}: {attempted} examples ran as shown")


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("executed_pages", [], "env")
    app.add_config_value("executed_output", "_generated", "env")
    app.connect("builder-inited", _run_pages)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
