"""Bayesian networks from BIF, XMLBIF and pgmpy.

BIF files (and so the shipped networks, ``net:NAME``) are read by discagg's own
reader (:mod:`discagg.io.bif`), with nothing extra installed. XMLBIF parsing,
the writers and the conversion to and from pgmpy's ``DiscreteBayesianNetwork``
are pgmpy's (an optional extra, ``pip install 'discagg[networks]'``, imported
only when needed). Interventions are never computed with pgmpy's ``do``
(which, as of pgmpy issue #2827, replaces a CPT by a column average instead of
cutting the node's parents): discagg's own truncated factorisation is used.

Files are scanned before they are parsed (:mod:`discagg.io.network_scan`), so
that a file declaring tables beyond :mod:`discagg.limits` is refused before
anything is allocated. The shipped networks are in :mod:`discagg.io.shipped`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from discagg.core.model import CausalModel, Node
from discagg.errors import ModelError
from discagg.io.bif import read_bif_text
from discagg.io.files import atomic_output, read_input_bytes
from discagg.io.network_scan import scan_xmlbif

__all__ = ["from_pgmpy", "to_pgmpy", "load_bif", "load_xmlbif", "read_network_text", "save_bif", "save_xmlbif"]


def _pgmpy(source: str | None) -> None:
    """Import pgmpy or raise a one-line :class:`ModelError` saying how to install it."""
    try:
        import pgmpy.models  # noqa: F401
        import pgmpy.readwrite  # noqa: F401
    except ImportError:
        raise ModelError(source, None, "pgmpy installed to read or write Bayesian networks "
                         "(pip install 'discagg[networks]')", "no module named pgmpy") from None


def from_pgmpy(network: Any, *, name: str = "network", description: str = "",
               source: str | None = None) -> CausalModel:
    """Convert a pgmpy ``DiscreteBayesianNetwork`` (or ``BayesianNetwork``) to a model.

    CPDs are re-ordered to discagg's axis convention (parents in pgmpy's
    evidence order, the node's own states last). The model has no coarsenings;
    give them with groups or single-node macro maps.

    Raises
    ------
    ModelError
        If a node has no CPD, or the CPDs are not valid distributions.
    """
    nodes = []
    for variable in network.nodes():
        cpd = network.get_cpds(variable)
        if cpd is None:
            raise ModelError(source, f"nodes.{variable}", "a CPD for every node", "none")
        parents = list(cpd.variables[1:])
        states = [str(s) for s in cpd.state_names[variable]]
        values = np.moveaxis(np.asarray(cpd.values, dtype=np.float64), 0, -1)
        nodes.append(Node(str(variable), states, [str(p) for p in parents], values))
    try:
        return CausalModel(nodes, name=name, description=description)
    except ModelError as exc:
        raise (exc.with_source(source) if source and exc.source is None else exc) from None


def to_pgmpy(model: CausalModel) -> Any:
    """The model as a pgmpy ``DiscreteBayesianNetwork`` (coarsenings are not carried over)."""
    _pgmpy(None)
    from pgmpy.factors.discrete import TabularCPD
    from pgmpy.models import DiscreteBayesianNetwork

    network = DiscreteBayesianNetwork()
    network.add_nodes_from(model.nodes)
    network.add_edges_from(model.graph.edges)
    for node in model.nodes.values():
        values = np.moveaxis(node.cpt, -1, 0).reshape(node.cardinality, -1)
        network.add_cpds(TabularCPD(
            node.name, node.cardinality, values, evidence=list(node.parents) or None,
            evidence_card=[model.cardinality(p) for p in node.parents] or None,
            state_names={n: list(model.nodes[n].states) for n in (node.name, *node.parents)}))
    return network


def _decode(data: bytes, source: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # BIF files in the wild are often Latin-1; every byte decodes


def read_network_text(text: str, kind: str, *, source: str, name: str, description: str = "") -> CausalModel:
    """Build a model from BIF (``kind="bif"``) or XMLBIF (``kind="xmlbif"``) text.

    The text is scanned first (:mod:`discagg.io.network_scan`: declared sizes
    within :mod:`discagg.limits`, one table per variable, state counts as
    declared), then parsed: BIF by discagg's own reader (:mod:`discagg.io.bif`,
    no extra needed), XMLBIF by pgmpy's.

    Raises
    ------
    ModelError
        Naming ``source``.
    """
    if kind == "bif":
        return read_bif_text(text, source=source, name=name, description=description)
    if scan_xmlbif(text, source).nodes == 0:
        raise ModelError(source, None, "a XMLBIF network with at least one variable", "none")
    _pgmpy(source)
    from pgmpy import readwrite

    try:
        network = readwrite.XMLBIFReader(string=text).get_model()
    except Exception as exc:  # pgmpy raises many kinds; report them as one-line input errors
        message = " ".join(str(exc).split()) or type(exc).__name__
        raise ModelError(source, None, "a XMLBIF file pgmpy can read",
                         f"{type(exc).__name__}: {message[:200]}") from None
    return from_pgmpy(network, name=name, description=description, source=source)


def _read(path: str | os.PathLike[str], kind: str) -> CausalModel:
    source = str(path)
    text = _decode(read_input_bytes(path), source)
    file_name = Path(path).name
    stem = file_name.split(".")[0] or Path(path).stem
    return read_network_text(text, kind, source=source, name=stem, description=f"{stem} network read from {file_name}")


def load_bif(path: str | os.PathLike[str]) -> CausalModel:
    """Read a BIF file (``.bif``, or gzip-compressed ``.bif.gz``) with discagg's reader (:mod:`discagg.io.bif`).

    Raises
    ------
    ModelError
    """
    return _read(path, "bif")


def load_xmlbif(path: str | os.PathLike[str]) -> CausalModel:
    """Read an XMLBIF file (``.xml``, ``.xmlbif``, pyAgrum's ``.bifxml``; optionally ``.gz``) with pgmpy.

    Raises
    ------
    ModelError
    """
    return _read(path, "xmlbif")


def _write(model: CausalModel, path: str | os.PathLike[str], writer: str, reader: str) -> None:
    """Write with pgmpy, read the file back, and install it only if nothing was lost."""
    _pgmpy(None)
    from pgmpy import readwrite

    with atomic_output(path) as temporary:
        getattr(readwrite, writer)(to_pgmpy(model)).write(str(temporary))
        try:
            back = from_pgmpy(getattr(readwrite, reader)(str(temporary)).get_model(), name=model.name)
        except Exception as exc:  # pgmpy could not read its own output back
            message = " ".join(str(exc).split())[:200]
            raise ModelError(str(path), None, f"a network {writer} writes and {reader} reads back",
                             f"{type(exc).__name__}: {message}") from None
        for name, node in model.nodes.items():
            if name not in back.nodes or back.nodes[name].states != node.states:
                found = list(back.nodes[name].states) if name in back.nodes else "no such node"
                raise ModelError(str(path), f"nodes.{name}.states", f"state names {writer} can write "
                                 f"({list(node.states)})", f"{found} when read back")
            if back.nodes[name] != node:
                raise ModelError(str(path), f"nodes.{name}.cpt", f"a CPT {writer} writes exactly", "a different one")


def save_bif(model: CausalModel, path: str | os.PathLike[str]) -> None:
    """Write the model's network (not its coarsenings) as BIF with pgmpy's ``BIFWriter``.

    The file is read back before it is installed; nothing is written if any
    state name or CPT entry would not survive.
    """
    _write(model, path, "BIFWriter", "BIFReader")


def save_xmlbif(model: CausalModel, path: str | os.PathLike[str]) -> None:
    """Write the model's network as XMLBIF with pgmpy's ``XMLBIFWriter`` (checked as :func:`save_bif`).

    Raises
    ------
    ModelError
        E.g. for state names such as ``"<7.5"`` and ``">=7.5"``, which pgmpy's
        XMLBIF writer turns into the same name.
    """
    _write(model, path, "XMLBIFWriter", "XMLBIFReader")
