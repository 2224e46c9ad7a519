"""``discagg identify``: which realization a macro experiment used, and whether it was inhibiting."""

from __future__ import annotations

import argparse
import math
from typing import TYPE_CHECKING, Any

from discagg.cli.arguments import add_common, dump, input_file, load_aggregation
from discagg.cli.posterior import add_scheduler_options

if TYPE_CHECKING:
    from discagg.estimation.identification import Identification, Identifications, StateIdentification

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


def _test_cells(s: StateIdentification, alpha: float) -> list[str]:
    test = s.inhibiting_test
    if test is None:
        return ["-", "-", "-", "-"]
    g = "inf" if not math.isfinite(test.statistic) else f"{test.statistic:.3f}"
    verdict = f"rejected at {alpha:.3g}" if test.p_value < alpha else "not rejected"
    return [g, str(test.df), f"{test.p_value:.4f}", verdict]


def _identified(s: StateIdentification) -> str:
    if not s.samples:
        return "-"
    return "observed" if s.observed else "yes" if s.identified else "no"


def _wide(s: StateIdentification, label: str) -> str | None:
    """The line of weight ranges of a macro state whose realization the data do not single out (else None)."""
    if s.ranges is None or not any(hi - lo > 1e-7 for lo, hi in s.ranges.values()):
        return None
    shown = [f"{x}=[{lo:.3f}, {hi:.3f}]" for x, (lo, hi) in s.ranges.items() if hi > 1e-7]
    more = f" (+{len(shown) - 6} more)" if len(shown) > 6 else ""
    return f"  {label}: " + " ".join(shown[:6]) + more


def render_identifications(results: Identifications) -> str:
    """The table printed by ``discagg identify`` for several experiments: one row per experiment and macro state."""
    from discagg.cli.tables import format_distribution, format_table

    alpha = 1 - results.level
    files = len({e.experiment for e in results})
    lines = [f"model {results.model}: cause {results.cause}, effect {results.effect}; {len(results)} experiments",
             ""]
    rows, wide = [], []
    for e in results:
        if e.by is None:
            label = e.experiment
        else:
            label = f"{e.by[0]}={e.by[1]}" if files == 1 else f"{e.experiment}: {e.by[0]}={e.by[1]}"
        for j, s in enumerate(e.states):
            rows.append([label if j == 0 else "", s.state, str(s.samples),
                         format_distribution(s.realization, limit=4), _identified(s),
                         format_distribution(s.interventional), *_test_cells(s, alpha)])
            line = _wide(s, f"{label}, {s.state}")
            if line is not None:
                wide.append(line)
    lines.append(format_table(["experiment", "xbar", "runs", "realization (ML)", "identified", "P(Ybar | do(xbar))",
                               "G", "df", "p-value", "inhibiting hypothesis"], rows))
    lines.append("")
    observational = "; ".join(f"{s.state}: {format_distribution(s.observational)}" for s in results[0].states)
    lines.append(f"P(Ybar | xbar) of the model: {observational}")
    if files == 1 and results[0].by is not None:
        lines.append(f"experiments: the runs of {results[0].experiment} by their value of {results[0].by[0]!r}")
    lines.append("realization: the maximum-likelihood mixture weights over the fibre (the largest-entropy one when "
                 "several fit equally well); identified: the rows P(outcome | do(x)) are affinely independent")
    if wide:
        lines.append("weights over all maximum-likelihood realizations (the data do not single one out):")
        lines.extend(wide)
    lines.append(f"inhibiting hypothesis: G test of P(Ybar | do(xbar)) = P(Ybar | xbar), decided at significance "
                 f"{alpha:.3g} in each experiment and macro state on its own (no correction for testing several)")
    return "\n".join(lines)


def render_identification(result: Identification) -> str:
    """The table printed by ``discagg identify``."""
    from discagg.report.identification import render_identification as render

    return render(result)
