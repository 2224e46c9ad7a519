"""Sphinx configuration: the API reference (autodoc, autosummary, numpydoc) and the executed tutorial.

Build with ``python -m sphinx -W --keep-going -b html docs docs/_build/html`` (``pip install '.[docs]'``);
``tests/test_docs.py`` runs the same build.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import discagg  # noqa: E402  (after the path: the extension lives beside this file)

project = "discagg"
author = "discagg developers"
copyright = "discagg developers (MIT licence)"
release = version = discagg.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "executed_pages",
]

# The tutorial's ``>>>`` examples run when the docs are built, in the directory its pictures go to;
# a failing example (an output that differs from the page) fails the build.
executed_pages = ["tutorial.rst"]
executed_output = "_generated"

exclude_patterns = ["_build"]
templates_path = ["_templates"]

autosummary_generate = True
autosummary_imported_members = False
autodoc_typehints = "none"  # the signature shows the annotations; numpydoc's sections describe the parameters
autodoc_member_order = "bysource"

numpydoc_show_class_members = False  # each class page lists its members itself (_templates/autosummary/class.rst)
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

html_theme = "alabaster"
html_title = f"discagg {release}"
html_static_path: list[str] = []
html_theme_options = {"page_width": "1200px", "sidebar_width": "220px", "code_font_size": "0.8em"}

# numpydoc's docstring checks on every documented object, warnings (errors with -W) for all but these:
numpydoc_validation_checks = {
    "all",
    "ES01",  # no extended summary: a one-line summary is enough for a small function or a property
    "SA01",  # no See Also section: the docstrings cross-reference in their text
    "EX01",  # no Examples section: the examples are in the modules, the classes' main entry points and the tutorial
    "PR01",  # parameters not listed: a result dataclass documents its fields under Attributes, not Parameters
    "PR07",  # a parameter without a description: ``cause, effect : str, optional`` says what they are
    "RT01",  # no Returns section: a method whose summary says what it returns (``to_dict``, ``state``)
    "RT03",  # a return value without a description: the type (``Solution``) is the description
    "SS05",  # summary not starting with an infinitive: summaries are noun phrases ("Weights of ..."),
             # which this heuristic takes for verbs when they end in s
}
numpydoc_validation_exclude = {
    r"\.[A-Z][A-Z0-9_]+$",  # module constants: numpydoc would validate the docstring of their type (str, tuple)
}

