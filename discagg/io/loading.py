"""One entry point for every MODEL form: ``net:NAME``, ``example:NAME``, BIF, XMLBIF and ``discagg/model-v1``."""

from __future__ import annotations

import os

from discagg.core.model import CausalModel
from discagg.io.model_format import load_json_model
from discagg.io.networks import load_bif, load_xmlbif
from discagg.io.shipped import EXAMPLE_PREFIX, NETWORK_PREFIX, load_example, load_network
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["load_model", "NETWORK_SUFFIXES", "XMLBIF_SUFFIXES"]

NETWORK_SUFFIXES = (".bif", ".bif.gz")
XMLBIF_SUFFIXES = (".xml", ".xmlbif", ".bifxml", ".xml.gz", ".xmlbif.gz", ".bifxml.gz")


def load_model(source: str | os.PathLike[str], *, tolerance: Tolerance = DEFAULT_TOLERANCE) -> CausalModel:
    """Load a model from any of the forms the command line accepts, and validate it.

    Parameters
    ----------
    source : str or path-like
        ``net:NAME`` (a shipped bnlearn network), ``example:NAME`` (a shipped
        example model), a ``.bif``/``.bif.gz`` file, an XMLBIF file (``.xml``,
        ``.xmlbif``, pyAgrum's ``.bifxml``, optionally ``.gz``), or a
        ``discagg/model-v1`` JSON file (any other name; a ``discagg/scm-v1`` file
        gives the model of its derived CPTs, :mod:`discagg.io.scm_format`).
    tolerance : Tolerance
        Normalisation tolerance for the CPT rows of JSON models (networks are
        read with the default policy).

    Returns
    -------
    CausalModel

    Raises
    ------
    ModelError
        On any problem; the message names the file (or ``net:NAME``) and the key path.

    Examples
    --------
    >>> load_model("data/cholesterol.json").name
    'cholesterol'
    >>> load_model("net:asia").cardinality("smoke")
    2
    """
    text = os.fspath(source)
    if text.startswith(NETWORK_PREFIX):
        return load_network(text[len(NETWORK_PREFIX):])
    if text.startswith(EXAMPLE_PREFIX):
        return load_example(text[len(EXAMPLE_PREFIX):])
    lower = text.lower()
    if lower.endswith(NETWORK_SUFFIXES):
        return load_bif(text)
    if lower.endswith(XMLBIF_SUFFIXES):
        return load_xmlbif(text)
    return load_json_model(text, tolerance=tolerance)
