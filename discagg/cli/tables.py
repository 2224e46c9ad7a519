"""Plain-text rendering of results for the command line (the tables live in :mod:`discagg.report.tables`).

The command line and ``str()`` of a result share one formatter, so that
``print(solution)`` shows exactly what ``discagg solve`` prints.
"""

from __future__ import annotations

from discagg.report.tables import format_distribution, format_table, render_bounds, render_inspection, render_solution

__all__ = ["format_distribution", "format_table", "render_inspection", "render_solution", "render_bounds"]
