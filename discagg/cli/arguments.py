"""What every ``discagg`` command shares: the MODEL argument, cause and effect, loading, JSON output."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from discagg.core.aggregation import Aggregation
from discagg.core.groups import build_group, parse_group
from discagg.core.model import CausalModel
from discagg.errors import ModelError
from discagg.io.networks import load_any

__all__ = ["MODEL_HELP", "CommandFailed", "add_common", "naming", "with_groups", "load_aggregation", "dump"]

MODEL_HELP = ("a discagg/model-v1 JSON file, a .bif or .xml (XMLBIF) network, or net:NAME for a shipped "
              "network (sachs, asia, alarm, child, win95pts)")


class CommandFailed(Exception):
    """A completed command whose answer is negative: print it, exit 1."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def add_common(command: argparse.ArgumentParser) -> None:
    """Add MODEL, --cause, --effect and --json to a subcommand."""
    command.add_argument("model", metavar="MODEL", help=MODEL_HELP)
    command.add_argument("--cause", metavar="X", help="cause: a node or group of the model, or NODE,NODE:MAP "
                         "(MAP: sum, value-sum, count=STATE, optionally >=K or @E1,E2); default: the model's query")
    command.add_argument("--effect", metavar="Y", help="effect, as --cause")
    command.add_argument("--json", action="store_true", help="print one JSON document instead of a table")


@contextmanager
def naming(source: str) -> Iterator[None]:
    """Let errors about the model's content (e.g. a bad --cause) name the model file."""
    try:
        yield
    except ModelError as exc:
        raise (exc.with_source(source) if exc.source is None else exc) from None


def with_groups(model: CausalModel, args: argparse.Namespace) -> tuple[CausalModel, str | None, str | None]:
    """Add the groups written as --cause/--effect NODE,NODE:MAP to the model."""
    names: list[str | None] = []
    added = dict(model.groups)
    states = {n: node.states for n, node in model.nodes.items()}
    for option, value in (("--cause", args.cause), ("--effect", args.effect)):
        if value is None or value in model.nodes or value in model.groups or not set(",:") & set(value):
            names.append(value)
            continue
        name, nodes, spec = parse_group(value, states, option=option)
        if spec is not None:
            added[name] = build_group(name, nodes, states, spec, path=option)
        names.append(name)
    if len(added) > len(model.groups):
        model = replace(model, groups=added)
    return model, names[0], names[1]


def load_aggregation(args: argparse.Namespace) -> Aggregation:
    """Load MODEL, add the groups of --cause/--effect, and resolve the pair."""
    model = load_any(args.model)
    with naming(args.model):
        model, cause, effect = with_groups(model, args)
        return Aggregation.of(model, cause, effect)


def dump(document: Any) -> str:
    """A JSON document as printed (indented, no NaN)."""
    return json.dumps(document, indent=2, allow_nan=False)
