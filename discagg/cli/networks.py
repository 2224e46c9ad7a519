"""``discagg networks``: the shipped networks with their sizes, and the shipped example models."""

from __future__ import annotations

import argparse
from typing import Any

from discagg.cli.arguments import dump

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[Any]) -> None:  # any parser class
    """Add ``networks`` to ``commands``."""
    networks = commands.add_parser(
        "networks",
        help="list the shipped networks (net:NAME) with their sizes, and the example models (example:NAME)",
        description="List the bnlearn networks shipped with discagg, usable as MODEL by net:NAME from any "
                    "directory, with their numbers of nodes, arcs, largest state count and CPT entries; and the "
                    "example models, usable as example:NAME. Sources and citations: data/networks/PROVENANCE.md "
                    "(discagg.io.shipped.provenance()).",
    )
    networks.add_argument("--json", action="store_true", help="print one JSON document instead of a table")
    networks.set_defaults(run=_run_networks)


def _run_networks(args: argparse.Namespace) -> str:
    from discagg.cli.tables import format_table
    from discagg.io.shipped import EXAMPLE_PREFIX, NETWORK_PREFIX, example_names, network_catalogue, provenance_path

    catalogue = network_catalogue()
    if args.json:
        return dump({"networks": [{"name": n.name, "model": f"{NETWORK_PREFIX}{n.name}", "nodes": n.summary.nodes,
                                   "arcs": n.summary.arcs, "max_states": n.summary.max_states,
                                   "parameters": n.summary.parameters} for n in catalogue],
                     "examples": [f"{EXAMPLE_PREFIX}{name}" for name in example_names()]})
    rows = [[f"{NETWORK_PREFIX}{n.name}", str(n.summary.nodes), str(n.summary.arcs), str(n.summary.max_states),
             str(n.summary.parameters)] for n in catalogue]
    return (format_table(["network", "nodes", "arcs", "max states", "CPT entries"], rows)
            + "\n\nexample models: " + " ".join(f"{EXAMPLE_PREFIX}{name}" for name in example_names())
            + f"\nsources and citations: {provenance_path()}")
