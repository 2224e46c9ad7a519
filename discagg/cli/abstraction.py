"""``discagg abstraction`` and ``learn-abstraction``: the exact abstraction error of value maps, and the best maps."""

from __future__ import annotations

import argparse
import math
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from discagg.cli.arguments import dump, input_file, output_path
from discagg.errors import ModelError

if TYPE_CHECKING:
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
    from discagg.report.abstraction import render_error

    return render_error(result, args.per_intervention)


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
    from discagg.report.abstraction import render_learned

    text = dump(result.to_dict()) if args.json else render_learned(result)
    if args.out:
        save_abstraction(result.mapping, args.out, option="--out")
    return text
