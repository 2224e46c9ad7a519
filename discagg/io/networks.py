"""Bayesian networks from BIF, XMLBIF and pgmpy, and the shipped networks (``net:NAME``).

Parsing is pgmpy's (an optional extra, ``pip install 'discagg[networks]'``,
imported only when needed); discagg converts its ``DiscreteBayesianNetwork`` to
a :class:`~discagg.core.model.CausalModel` and back. Interventions are never computed
with pgmpy's ``do`` (which, as of pgmpy issue #2827, replaces a CPT by a column
average instead of cutting the node's parents): discagg's own truncated
factorisation is used.

The shipped networks live in ``data/networks/`` (see its ``PROVENANCE.md``);
``net:sachs`` names ``data/networks/sachs.bif``. They are found in the
directory named by the ``DISCAGG_NETWORKS`` environment variable, else in
``data/networks`` of the current directory, else next to the package source.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from discagg.core.model import CausalModel, Node
from discagg.errors import ModelError
from discagg.io.model_format import load_model as load_json_model

__all__ = ["from_pgmpy", "to_pgmpy", "load_bif", "load_xmlbif", "save_bif", "save_xmlbif", "load_any",
           "network_path", "NETWORK_PREFIX"]

NETWORK_PREFIX = "net:"


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


def _read(path: str | os.PathLike[str], reader: str) -> CausalModel:
    source = str(path)
    if not Path(path).is_file():
        raise ModelError(source, None, "an existing file", "no such file")
    _pgmpy(source)
    from pgmpy import readwrite

    try:
        network = getattr(readwrite, reader)(source).get_model()
    except Exception as exc:  # pgmpy raises many kinds; report them as one-line input errors
        message = " ".join(str(exc).split()) or type(exc).__name__
        raise ModelError(source, None, f"a {reader.removesuffix('Reader')} file pgmpy can read",
                         f"{type(exc).__name__}: {message[:200]}") from None
    stem = Path(path).stem
    return from_pgmpy(network, name=stem, description=f"{stem} network read from {Path(path).name}", source=source)


def load_bif(path: str | os.PathLike[str]) -> CausalModel:
    """Read a BIF file with pgmpy's ``BIFReader``."""
    return _read(path, "BIFReader")


def load_xmlbif(path: str | os.PathLike[str]) -> CausalModel:
    """Read an XMLBIF file with pgmpy's ``XMLBIFReader``."""
    return _read(path, "XMLBIFReader")


def _write(model: CausalModel, path: str | os.PathLike[str], writer: str, reader: str) -> None:
    """Write with pgmpy, read the file back, and install it only if nothing was lost."""
    _pgmpy(None)
    from pgmpy import readwrite

    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=target.suffix, dir=target.parent or ".")
    os.close(handle)
    try:
        getattr(readwrite, writer)(to_pgmpy(model)).write(temporary)
        try:
            back = from_pgmpy(getattr(readwrite, reader)(temporary).get_model(), name=model.name)
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
        os.replace(temporary, target)
    finally:
        Path(temporary).unlink(missing_ok=True)


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


def _network_dirs() -> list[Path]:
    dirs = []
    if os.environ.get("DISCAGG_NETWORKS"):
        dirs.append(Path(os.environ["DISCAGG_NETWORKS"]))
    dirs.append(Path.cwd() / "data" / "networks")
    dirs.append(Path(__file__).resolve().parent.parent / "data" / "networks")
    return dirs


def network_path(name: str) -> Path:
    """The BIF file of a shipped network.

    Raises
    ------
    ModelError
        If no directory holds ``NAME.bif``.
    """
    dirs = _network_dirs()
    for directory in dirs:
        candidate = directory / f"{name}.bif"
        if candidate.is_file():
            return candidate
    available = sorted({p.stem for d in dirs if d.is_dir() for p in d.glob("*.bif")})
    raise ModelError(f"{NETWORK_PREFIX}{name}", None, f"a shipped network {available}", "none by that name")


def load_any(spec: str) -> CausalModel:
    """Load ``net:NAME``, a ``.bif``, an ``.xml``/``.xmlbif`` or a ``discagg/model-v1`` JSON file.

    Examples
    --------
    >>> load_any("net:asia").cardinality("smoke")
    2
    """
    if spec.startswith(NETWORK_PREFIX):
        return load_bif(network_path(spec[len(NETWORK_PREFIX):]))
    suffix = Path(spec).suffix.lower()
    if suffix == ".bif":
        return load_bif(spec)
    if suffix in (".xml", ".xmlbif"):
        return load_xmlbif(spec)
    return load_json_model(spec)
