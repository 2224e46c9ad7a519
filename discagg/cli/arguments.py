"""What every ``discagg`` command shares: the MODEL argument, cause and effect, loading, JSON output."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from discagg.errors import ModelError

if TYPE_CHECKING:
    from discagg.core.aggregation import Aggregation
    from discagg.core.model import CausalModel

__all__ = ["MODEL_HELP", "CommandFailed", "add_common", "add_quiet", "input_file", "naming", "select_pair", "load_aggregation", "output_path",
           "dump"]

MODEL_HELP = ("a discagg/model-v1 JSON file, a .bif/.bif.gz or XMLBIF (.xml, .bifxml) network, net:NAME for a "
              "shipped network (see 'discagg networks') or example:NAME for a shipped example model")


class CommandFailed(Exception):
    """A completed command whose answer is negative: print it, exit 1."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def input_file(text: str) -> str:
    """The argparse type of an input FILE option: any path but the empty one.

    An empty path would otherwise read as "option not given" and the command
    would run without the file the user meant to pass.

    >>> input_file("cost.json")
    'cost.json'
    """
    if not text:
        raise argparse.ArgumentTypeError("expected a file path, found an empty string")
    return text


def add_common(command: argparse.ArgumentParser) -> None:
    """Add MODEL, --cause, --effect and --json to a subcommand."""
    command.add_argument("model", metavar="MODEL", type=input_file, help=MODEL_HELP)
    command.add_argument("--cause", metavar="X", help="cause: a node or group of the model, NODE,NODE:MAP or NODE:MAP "
                         "(MAP: sum, value-sum, count=STATE, optionally >=K or @E1,E2); a node without a macro map "
                         "is not coarsened; default: the model's query")
    command.add_argument("--effect", metavar="Y", help="effect, as --cause")
    command.add_argument("--json", action="store_true", help="print one JSON document instead of a table")
    add_quiet(command)


def add_quiet(command: argparse.ArgumentParser) -> None:
    """Add --quiet: no progress bar (bars are drawn only on a terminal anyway)."""
    command.add_argument("--quiet", action="store_true",
                         help="no progress bar on stderr (one is drawn only on a terminal, after a second of work)")


@contextmanager
def naming(source: str) -> Iterator[None]:
    """Let errors about the model's content (e.g. a bad --cause) name the model file."""
    try:
        yield
    except ModelError as exc:
        raise (exc.with_source(source) if exc.source is None else exc) from None


def select_pair(model: CausalModel, args: argparse.Namespace) -> tuple[CausalModel, str, str]:
    """The model extended with what ``--cause``/``--effect`` write inline, and the resolved names."""
    from discagg.core.selection import select

    return select(model, args.cause, args.effect, labels=("--cause", "--effect"))


def load_aggregation(args: argparse.Namespace) -> Aggregation:
    """Load MODEL, add what --cause/--effect write inline, and resolve the pair."""
    from discagg.core.aggregation import Aggregation
    from discagg.io.loading import load_model

    model = load_model(args.model)
    with naming(args.model):
        model, cause, effect = select_pair(model, args)
        return Aggregation.of(model, cause, effect)


def output_path(path: str | None, option: str) -> str | None:
    """Check an output path named by ``option`` before any work (None passes)."""
    from discagg.io.files import check_output_path

    if path is not None:
        check_output_path(path, option)
    return path


def dump(document: Any) -> str:
    """A JSON document as printed (indented, no NaN)."""
    return json.dumps(document, indent=2, allow_nan=False)
