"""``discagg identify``: which realization a macro experiment used, and whether it was inhibiting."""

from __future__ import annotations

import argparse
import math
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
    from discagg.cli.tables import format_distribution, format_table

    alpha = 1 - result.level
    lines = [f"model {result.model}: cause {result.cause}, effect {result.effect}; experiment {result.experiment} "
             f"(records the {result.records})", ""]
    rows, wide = [], []
    for s in result.states:
        test = s.inhibiting_test
        if test is None:
            g = df = p = verdict = "-"
        else:
            g = "inf" if not math.isfinite(test.statistic) else f"{test.statistic:.3f}"
            df, p = str(test.df), f"{test.p_value:.4f}"
            verdict = f"rejected at {alpha:.3g}" if test.p_value < alpha else "not rejected"
        rows.append([s.state, str(s.samples), format_distribution(s.realization, limit=4),
                     ("observed" if s.observed else "yes" if s.identified else "no") if s.samples else "-",
                     format_distribution(s.interventional), format_distribution(s.observational), g, df, p, verdict])
        if s.ranges is not None and any(hi - lo > 1e-7 for lo, hi in s.ranges.values()):
            shown = [f"{x}=[{lo:.3f}, {hi:.3f}]" for x, (lo, hi) in s.ranges.items() if hi > 1e-7]
            more = f" (+{len(shown) - 6} more)" if len(shown) > 6 else ""
            wide.append(f"  {s.state}: " + " ".join(shown[:6]) + more)
    lines.append(format_table(["xbar", "runs", "realization (ML)", "identified", "P(Ybar | do(xbar))",
                               "P(Ybar | xbar)", "G", "df", "p-value", "inhibiting hypothesis"], rows))
    lines.append("")
    lines.append("realization: the maximum-likelihood mixture weights over the fibre (the largest-entropy one when "
                 "several fit equally well); identified: the rows P(outcome | do(x)) are affinely independent")
    if wide:
        lines.append("weights over all maximum-likelihood realizations (the data do not single one out):")
        lines.extend(wide)
    lines.append(f"inhibiting hypothesis: G test of P(Ybar | do(xbar)) = P(Ybar | xbar), decided at significance "
                 f"{alpha:.3g}")
    return "\n".join(lines)
