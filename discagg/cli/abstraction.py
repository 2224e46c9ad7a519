"""``discagg abstraction`` and ``learn-abstraction``: the exact abstraction error of value maps, and the best maps."""

from __future__ import annotations

import argparse
import math
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from discagg.cli.arguments import dump, input_file, output_path
from discagg.errors import ModelError

if TYPE_CHECKING:
    from discagg.abstraction.error import AbstractionError
    from discagg.abstraction.search import LearnedAbstraction
    from discagg.core.abstraction import Pair
    from discagg.core.model import CausalModel

__all__ = ["register"]

_MODEL_HELP = ("a MODEL (a discagg/model-v1 file, a network file, net:NAME, example:NAME) or scenario:NAME for the "
               "shipped scenario's {role} model (basic, collapsing, extended, vstruct)")
_METRIC_HELP = "jsd: Jensen-Shannon divergence in bits (default); tv: total variation"


def register(commands: argparse._SubParsersAction[Any]) -> None:  # any parser class
    """Add the subcommands of this module to ``commands``."""
    error = commands.add_parser(
        "abstraction",
        help="the exact abstraction error of value maps from a micro to a macro model",
        description="For each pair (macro sources, macro targets), compare the two paths of the abstraction "
                    "diagram for every micro intervention s on the sources: alpha_T P_micro(T | do(S = s)) "
                    "against P_macro(Tbar | do(Sbar = alpha_S(s))). Prints the error of each pair (the largest "
                    "over its micro interventions, with the one attaining it) and overall. Without MACRO, or "
                    "with --best-mechanism, each pair gets the macro mechanism that minimises its worst-case "
                    "error (a convex problem per macro state); an error of zero then means an exact "
                    "transformation.",
    )
    error.add_argument("micro", metavar="MICRO", type=input_file, help=_MODEL_HELP.format(role="micro"))
    error.add_argument("macro", metavar="MACRO", type=input_file, nargs="?",
                       help=_MODEL_HELP.format(role="macro") + "; leave out for the best macro mechanism")
    error.add_argument("--map", metavar="MAP", type=input_file, required=True,
                       help="a discagg/abstraction-v1 file (or scenario:NAME): the micro nodes of each macro node "
                            "and their value map")
    error.add_argument("--pairs", metavar="FILE", type=input_file,
                       help="a discagg/pairs-v1 file; default: every pair of macro nodes joined by a directed path")
    error.add_argument("--metric", choices=("jsd", "tv"), default="jsd", help=_METRIC_HELP)
    error.add_argument("--best-mechanism", action="store_true",
                       help="compare with each pair's best macro mechanism instead of MACRO's CPTs")
    error.add_argument("--per-intervention", action="store_true",
                       help="list the distance of every micro intervention, not only each pair's worst")
    error.add_argument("--json", action="store_true", help="print one JSON document instead of a table")
    error.set_defaults(run=_run_error)

    learn = commands.add_parser(
        "learn-abstraction",
        help="find the value maps of least abstraction error, with a certificate of optimality",
        description="Given which micro nodes each macro node aggregates, find surjective value maps that "
                    "minimise the overall abstraction error (then, among ties, the sum of the pair errors): "
                    "every combination when they are few, branch and bound otherwise (the error of a partial "
                    "assignment bounds every completion). Prints the optimum, its certificate, the maps and "
                    "their distance to the reference maps.",
    )
    learn.add_argument("micro", metavar="MICRO", type=input_file, help=_MODEL_HELP.format(role="micro"))
    learn.add_argument("macro", metavar="MACRO", type=input_file, help=_MODEL_HELP.format(role="macro"))
    learn.add_argument("--variables", metavar="FILE", type=input_file, required=True,
                       help="a discagg/abstraction-v1 file (or scenario:NAME) giving the micro nodes of each macro "
                            "node; its maps, if any, are the reference")
    learn.add_argument("--reference", metavar="MAP", type=input_file,
                       help="maps to report the distance to (default: the maps in --variables, if any)")
    learn.add_argument("--pairs", metavar="FILE", type=input_file,
                       help="a discagg/pairs-v1 file; default: every pair of macro nodes joined by a directed path")
    learn.add_argument("--metric", choices=("jsd", "tv"), default="jsd", help=_METRIC_HELP)
    learn.add_argument("--method", choices=("auto", "exhaustive", "branch-and-bound"), default="auto",
                       help="auto (default): exhaustive up to 200000 combinations of maps, else branch and bound")
    learn.add_argument("--time-limit", metavar="SECONDS", type=float,
                       help="stop branch and bound after this long, with the best maps and a certified lower bound")
    learn.add_argument("--out", metavar="FILE", help="also write the maps found as a discagg/abstraction-v1 file")
    learn.add_argument("--json", action="store_true", help="print one JSON document instead of a table")
    learn.set_defaults(run=_run_learn)


def _models(args: argparse.Namespace) -> tuple[CausalModel, CausalModel | None]:
    from discagg.io.abstraction_format import load_role_model

    micro = load_role_model(args.micro, "micro")
    macro = load_role_model(args.macro, "macro") if args.macro else None
    return micro, macro


def _pairs(args: argparse.Namespace, names: tuple[str, ...]) -> tuple[Pair, ...] | None:
    from discagg.io.abstraction_format import load_pairs

    return load_pairs(args.pairs, names) if args.pairs else None


def _naming(source: str) -> AbstractContextManager[None]:
    from discagg.cli.arguments import naming

    return naming(source)


def _run_error(args: argparse.Namespace) -> str:
    from discagg.abstraction.error import abstraction_error
    from discagg.io.abstraction_format import load_abstraction_spec

    micro, macro = _models(args)
    spec = load_abstraction_spec(args.map)
    names = tuple(macro.nodes) if macro is not None else tuple(spec.variables)
    pairs = _pairs(args, names)
    with _naming(args.map):
        result = abstraction_error(micro, macro, spec, pairs, args.metric,
                                   mechanism="best" if args.best_mechanism or macro is None else "model")
    if args.json:
        return dump(result.to_dict())
    return _render_error(result, micro, macro, args.per_intervention)


def _unit(metric: str) -> str:
    return "Jensen-Shannon divergence, bits" if metric == "jsd" else "total variation"


def _state(assignment: dict[str, str]) -> str:
    return " ".join(f"{k}={v}" for k, v in assignment.items())


def _render_error(result: AbstractionError, micro: CausalModel, macro: CausalModel | None,
                  per_intervention: bool = False) -> str:
    from discagg.cli.tables import format_table

    best = result.mechanism == "best"
    header = ["sources", "targets", "error"] + (["lower bound"] if best else []) + [
        "worst micro intervention", "its macro intervention", "max TV"]
    rows = []
    for p in result.pairs:
        row = [",".join(p.pair.sources), ",".join(p.pair.targets), f"{p.error:.6f}"]
        if best:
            row.append(f"{p.mechanism.lower_bound:.6f}" if p.mechanism is not None else "-")
        row += [_state(p.argmax), _state(p.macro_intervention(p.argmax_index)), f"{float(p.tv.max()):.6f}"]
        rows.append(row)
    against = (f"macro {macro.name}" if macro is not None else "the macro states of the maps") + (
        ", with the best macro mechanism of each pair" if best else "")
    lines = [f"abstraction: micro {micro.name} -> {against}; metric {result.metric} ({_unit(result.metric)})", "",
             format_table(header, rows), ""]
    if per_intervention:
        lines.append(format_table(["sources", "targets", "micro intervention", "macro intervention", "distance",
                                   "TV"],
                                  [[",".join(p.pair.sources), ",".join(p.pair.targets), _state(p.intervention(i)),
                                    _state(p.macro_intervention(i)), f"{d:.6f}", f"{t:.6f}"]
                                   for p in result.pairs for i, (d, t) in enumerate(zip(p.distances, p.tv))]))
        lines.append("")
    worst = result.argmax_pair
    lines.append(f"overall abstraction error: {result.overall:.6f} (pair {','.join(worst.pair.sources)} -> "
                 f"{','.join(worst.pair.targets)})")
    if best:
        lines.append("exact transformation (some macro mechanism makes every diagram commute): "
                     + ("yes" if result.exact else "no"))
        for p in result.pairs:
            sources, targets = ",".join(p.pair.sources), ",".join(p.pair.targets)
            lines.append(f"best mechanism P({targets} | do({sources})):")
            for source, dist in p.mechanism_table().items():
                lines.append(f"  do({sources}={source}): " + " ".join(f"{t}={v:.4f}" for t, v in dist.items()))
    else:
        lines.append("every diagram commutes (exact abstraction): " + ("yes" if result.exact else "no"))
    return "\n".join(lines)


def _run_learn(args: argparse.Namespace) -> str:
    from discagg.abstraction.search import learn_abstraction
    from discagg.io.abstraction_format import load_abstraction_spec, save_abstraction

    if args.time_limit is not None and not (math.isfinite(args.time_limit) and args.time_limit > 0):
        raise ModelError(None, "--time-limit", "a positive number of seconds", repr(args.time_limit))
    output_path(args.out, "--out")
    micro, macro = _models(args)
    assert macro is not None
    spec = load_abstraction_spec(args.variables, require_maps=False)
    reference = load_abstraction_spec(args.reference) if args.reference else None
    pairs = _pairs(args, tuple(macro.nodes))
    with _naming(args.reference or args.variables):
        result = learn_abstraction(micro, macro, spec, pairs, args.metric, reference=reference, method=args.method,
                                   time_limit=args.time_limit)
    text = dump(result.to_dict()) if args.json else _render_learned(result, micro, macro)
    if args.out:
        save_abstraction(result.mapping, args.out, option="--out")
    return text


def _render_learned(result: LearnedAbstraction, micro: CausalModel, macro: CausalModel) -> str:
    lines = [f"learn-abstraction: micro {micro.name} -> macro {macro.name}; metric {result.metric} "
             f"({_unit(result.metric)}); {len(result.error.pairs)} pair{'s' if len(result.error.pairs) != 1 else ''}"]
    if result.method == "exhaustive":
        lines.append(f"search: exhaustive, every one of {result.candidates} combinations of surjective maps "
                     f"evaluated ({result.seconds:.3f} s)")
    else:
        lines.append(f"search: branch and bound over {result.candidates} combinations of surjective maps: "
                     f"{result.nodes} partial assignments expanded, {result.pruned} pruned, {result.evaluated} "
                     f"complete ones evaluated ({result.seconds:.3f} s)"
                     + ("; stopped by the time limit" if result.stopped else "; every branch explored or pruned"))
    lines.append(f"least overall error: {result.value:.6f}; certified lower bound: {result.lower_bound:.6f}; "
                 + ("optimal" if result.optimal else "NOT proved optimal")
                 + (f"; {result.ties} optimal combinations (the one with the least sum of pair errors is shown)"
                    if result.ties is not None and result.ties > 1 else ""))
    lines.append("exact abstraction (every diagram commutes): " + ("yes" if result.error.exact else "no"))
    if result.undetermined:
        lines.append(f"in no pair (any map is optimal): {', '.join(result.undetermined)}")
    lines.append("maps:")
    for name, variable in result.mapping.variables.items():
        table = " ".join(f"{micro_state}->{macro_state}" for micro_state, macro_state in variable.to_table().items())
        lines.append(f"  {name} <- {','.join(variable.nodes)}: {table}")
    lines.append("pair errors: " + "; ".join(f"{','.join(p.pair.sources)} -> {','.join(p.pair.targets)} "
                                            f"{p.error:.6f}" for p in result.error.pairs))
    if result.differing is not None:
        differing = ", ".join(f"{m} {d}" for m, d in result.differing.items())
        lines.append(f"distance to the reference maps: L1 {result.l1} (micro states mapped differently: {differing})"
                     + (f"; over the tied optima, L1 from {result.tie_l1[0]} to {result.tie_l1[1]}"
                        if result.tie_l1 is not None and result.tie_l1[0] != result.tie_l1[1] else ""))
    return "\n".join(lines)
