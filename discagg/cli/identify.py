"""``discagg identify``: which realization a macro experiment used, and whether it was inhibiting."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from discagg.cli.arguments import add_common, dump, input_file, load_aggregation

if TYPE_CHECKING:
    from discagg.estimation.identification import Identification

__all__ = ["register", "render_identification"]


def _level(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1), found {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1), found {text}")
    return value


def register(commands: argparse._SubParsersAction[Any]) -> None:  # any parser class
    """Add ``identify`` to ``commands``."""
    identify = commands.add_parser(
        "identify",
        help="infer the realization a macro experiment used, and test whether it was inhibiting",
        description="Given the runs of a macro experiment do(Xbar = xbar) (EXP: a CSV or Parquet file with a "
                    "column named after the cause holding each run's macro state, and the effect's micro "
                    "columns or one column named after the effect holding macro states), estimate for each "
                    "macro state the realization by maximum likelihood over the fibre, whether the experiment "
                    "identifies it, the range of each weight over all maximum-likelihood realizations, and the "
                    "likelihood-ratio test of P(Ybar | do(xbar)) = P(Ybar | xbar). If the cause's micro "
                    "columns are present, the realization is read from them.",
    )
    add_common(identify)
    identify.add_argument("--experiment", metavar="EXP", type=input_file, required=True,
                          help="the experiment's runs (CSV, optionally .gz, or Parquet)")
    identify.add_argument("--level", metavar="L", type=_level, default=0.95,
                          help="the table's test decisions are at significance 1 - L (default 0.95)")
    identify.set_defaults(run=_run_identify)


def _run_identify(args: argparse.Namespace) -> str:
    from discagg.estimation.identification import identify

    agg = load_aggregation(args)
    result = identify(agg, args.experiment, level=args.level)
    return dump(result.to_dict()) if args.json else render_identification(result)


def render_identification(result: Identification) -> str:
    """The table printed by ``discagg identify``."""
    from discagg.report.identification import render_identification as render

    return render(result)
