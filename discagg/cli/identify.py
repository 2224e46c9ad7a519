"""``discagg identify``: which realization a macro experiment used, and whether it was inhibiting."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from discagg.cli.arguments import add_common, dump, input_file, load_aggregation
from discagg.cli.posterior import add_scheduler_options

if TYPE_CHECKING:
    from discagg.estimation.identification import Identification, Identifications

__all__ = ["register", "render_identification", "render_identifications"]


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
                    "columns are present, the realization is read from them. Several experiments (--experiment "
                    "given more than once, or one file split with --by COLUMN) are identified one by one, in "
                    "parallel.",
    )
    add_common(identify)
    identify.add_argument("--experiment", metavar="EXP", type=input_file, required=True, action="append",
                          help="the experiment's runs (CSV, optionally .gz, or Parquet); repeat it for several "
                               "experiments")
    identify.add_argument("--by", metavar="COLUMN",
                          help="a column naming the experiment of each run: each EXP is split by its values")
    identify.add_argument("--level", metavar="L", type=_level, default=0.95,
                          help="the table's test decisions are at significance 1 - L (default 0.95)")
    add_scheduler_options(identify, "experiments' macro states",
                          "macro states (of all experiments) per unit of work (default: about 32 units)")
    identify.set_defaults(run=_run_identify)


def _run_identify(args: argparse.Namespace) -> str:
    from discagg.estimation.identification import identify, identify_experiments

    agg = load_aggregation(args)
    options = {"level": args.level, "scheduler": args.scheduler, "chunk_size": args.chunk_size,
               "progress": not args.quiet}
    if len(args.experiment) == 1 and args.by is None:
        result = identify(agg, args.experiment[0], **options)
        return dump(result.to_dict()) if args.json else render_identification(result)
    results = identify_experiments(agg, args.experiment, by=args.by, **options)
    return dump(results.to_dict()) if args.json else render_identifications(results)


def render_identifications(results: Identifications) -> str:
    """The table printed by ``discagg identify`` for several experiments: one row per experiment and macro state."""
    from discagg.report.identification import render_identifications as render

    return render(results)


def render_identification(result: Identification) -> str:
    """The table printed by ``discagg identify``."""
    from discagg.report.identification import render_identification as render

    return render(result)
