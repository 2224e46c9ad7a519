"""The networks and example models shipped with discagg, as package data (``discagg.data``).

``net:NAME`` names one of the bnlearn networks in ``data/networks/NAME.bif.gz``
(24 networks, from 5 to 1,041 nodes; provenance and citations in
``data/networks/PROVENANCE.md``); ``example:NAME`` names one of the example
models ``data/NAME.json`` (``example:counterexample`` is the shipped Theorem 3.2
model; ``discagg gaussian`` reads ``example:NAME`` as the linear-Gaussian
spec ``data/gaussian/NAME.json``). Both are read from the installed package,
so they work from any directory. Names are plain identifiers: ``net:../x`` or ``net:/abs/path`` can
never reach outside the collection.
"""

from __future__ import annotations

import importlib.resources
import re
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path

from discagg.core.model import CausalModel
from discagg.errors import ModelError
from discagg.io.network_scan import NetworkSummary, scan_bif

__all__ = ["NETWORK_PREFIX", "EXAMPLE_PREFIX", "ShippedNetwork", "network_names", "example_names", "network_text",
           "load_network", "load_example", "example_realization_text", "network_catalogue", "provenance", "provenance_path",
           "gaussian_example_names", "gaussian_example_text"]

NETWORK_PREFIX = "net:"
EXAMPLE_PREFIX = "example:"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*\Z")


@dataclass(frozen=True)
class ShippedNetwork:
    """One shipped network and what it declares (from a scan, without parsing its numbers)."""

    name: str
    summary: NetworkSummary


def _data() -> Traversable:
    """The shipped data: the installed package ``discagg.data``, or ``data/`` of a source checkout.

    ``pyproject.toml`` installs the top-level ``data/`` directory as ``discagg.data``. When
    ``discagg`` is imported from a checkout instead (``python -m pytest`` in the repository puts
    the checkout first on ``sys.path``), that package does not exist, and the directory it is
    made from is read directly.
    """
    try:
        return importlib.resources.files("discagg.data")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[2] / "data"


def network_names() -> tuple[str, ...]:
    """The names of the shipped networks, sorted.

    >>> "asia" in network_names() and "munin4" in network_names()
    True
    """
    folder = _data() / "networks"
    return tuple(sorted(entry.name.removesuffix(".bif.gz") for entry in folder.iterdir()
                        if entry.name.endswith(".bif.gz")))


def example_names() -> tuple[str, ...]:
    """The names of the shipped example models, sorted (``counterexample`` included).

    >>> example_names()[:3]
    ('chain-fails', 'chain-holds', 'cholesterol')
    """
    names = {entry.name.removesuffix(".json") for entry in _data().iterdir() if entry.name.endswith(".json")}
    return tuple(sorted(names | {"counterexample"}))


def _checked(name: str, names: tuple[str, ...], prefix: str, what: str) -> str:
    if not _NAME.match(name) or name not in names:
        raise ModelError(f"{prefix}{name}", None, f"a shipped {what} {list(names)}", "none by that name")
    return name


def network_text(name: str) -> str:
    """The BIF text of shipped network ``name``.

    Raises
    ------
    ModelError
        For a name outside the collection.
    """
    _checked(name, network_names(), NETWORK_PREFIX, "network")
    import gzip

    data = gzip.decompress((_data() / "networks" / f"{name}.bif.gz").read_bytes())
    return data.decode("utf-8")


def load_network(name: str) -> CausalModel:
    """Shipped network ``name`` as a model (read by discagg's own BIF reader: no extra needed).

    >>> load_network("asia").cardinality("smoke")
    2
    """
    from discagg.io.networks import read_network_text

    return read_network_text(network_text(name), "bif", source=f"{NETWORK_PREFIX}{name}", name=name,
                             description=f"the bnlearn network {name} shipped with discagg")


def load_example(name: str) -> CausalModel:
    """Shipped example model ``name`` (``data/NAME.json``; ``counterexample`` is ``data/counterexample/model.json``).

    >>> load_example("cholesterol").query.cause
    'Lipids'
    """
    from discagg.io.json_files import parse_json
    from discagg.io.model_format import model_from_dict

    _checked(name, example_names(), EXAMPLE_PREFIX, "example model")
    entry = _data() / "counterexample" / "model.json" if name == "counterexample" else _data() / f"{name}.json"
    source = f"{EXAMPLE_PREFIX}{name}"
    return model_from_dict(parse_json(entry.read_text(encoding="utf-8"), source), source=source, default_name=name)


def example_realization_text(name: str) -> str:
    """The ``discagg/realization-v1`` text shipped with example ``name`` (only ``counterexample`` has one).

    >>> example_realization_text("counterexample").split('"')[3]
    'discagg/realization-v1'
    """
    _checked(name, ("counterexample",), EXAMPLE_PREFIX, "example realization")
    return (_data() / "counterexample" / "realization.json").read_text(encoding="utf-8")


def network_catalogue() -> tuple[ShippedNetwork, ...]:
    """Every shipped network with its size, from a scan of its declarations (no pgmpy needed)."""
    return tuple(ShippedNetwork(name, scan_bif(network_text(name), f"{NETWORK_PREFIX}{name}"))
                 for name in network_names())


def provenance_path() -> str:
    """Where the installed ``PROVENANCE.md`` of the shipped networks is (a path to open)."""
    return str(_data() / "networks" / "PROVENANCE.md")


def provenance() -> str:
    """The text of ``data/networks/PROVENANCE.md``: sources, citations and licence of the networks."""
    return (_data() / "networks" / "PROVENANCE.md").read_text(encoding="utf-8")


def gaussian_example_names() -> tuple[str, ...]:
    """The names of the shipped linear-Gaussian specs ``data/gaussian/NAME.json``, sorted.

    >>> gaussian_example_names()
    ('hours-and-pay', 'promotion', 'shops')
    """
    folder = _data() / "gaussian"
    return tuple(sorted(entry.name.removesuffix(".json") for entry in folder.iterdir()
                        if entry.name.endswith(".json")))


def gaussian_example_text(name: str) -> str:
    """The text of the shipped ``discagg/gaussian-v1`` spec ``name``.

    Raises
    ------
    ModelError
        For a name outside the collection.
    """
    _checked(name, gaussian_example_names(), EXAMPLE_PREFIX, "linear-Gaussian spec")
    return (_data() / "gaussian" / f"{name}.json").read_text(encoding="utf-8")
