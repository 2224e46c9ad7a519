"""``discagg coarsen``: search for the macro variable (a coarsening of the cause) that makes aggregation meaningful."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from discagg.cli.arguments import MODEL_HELP, add_quiet, dump, input_file, naming, output_path
from discagg.errors import ModelError

if TYPE_CHECKING:
    from discagg.core.aggregation import Aggregation

__all__ = ["register"]

def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``coarsen`` to ``commands``."""
    command = commands.add_parser(
        "coarsen",
        help="find the coarsening of the cause into K macro states that makes aggregation most meaningful",
        description="Search the coarsenings of the cause into K macro states (the effect's coarsening is kept) for "
                    "the least total irreducible macro confounding, ambiguity of do(xbar), or abstraction error. "
                    "Exact with a certificate where tractable (--contiguous: dynamic programming over breakpoints; "
                    "up to 10-14 atoms: every partition), else agglomerative merging and local search with a "
                    "certified lower bound. --causal-partition prints the causal partition instead (the coarsest "
                    "coarsening in which every do(xbar) means one thing), exactly and without search.",
    )
    command.add_argument("model", metavar="MODEL", type=input_file, help=MODEL_HELP)
    command.add_argument("--cause", metavar="X", help="cause: a node or group of the model, NODE,NODE (a group: "
                         "its joint states are searched) or NODE,NODE:MAP (the map is reported beside the result, "
                         "or merged whole with --atoms macro); default: the model's query")
    command.add_argument("--effect", metavar="Y", help="effect, as every command takes it (its coarsening is kept)")
    command.add_argument("--states", metavar="K", type=int, help="number of macro states of the cause to find")
    command.add_argument("--objective", choices=("confounding", "ambiguity", "abstraction"), default="confounding",
                         help="confounding (default), ambiguity or abstraction")
    command.add_argument("--metric", choices=("jsd", "tv"),
                         help="for --objective abstraction: jsd (Jensen-Shannon divergence in bits, default) or tv")
    command.add_argument("--contiguous", action="store_true",
                         help="only runs of consecutive atoms (ordered states): exact by dynamic programming")
    command.add_argument("--atoms", choices=("micro", "macro"), default="micro",
                         help="what is partitioned: the cause's micro states (default; a group's joint states) or "
                              "the macro states of its map, merged whole")
    command.add_argument("--method", choices=("auto", "exhaustive", "heuristic"), default="auto",
                         help="auto (default): every partition up to 12 atoms (ambiguity 14, abstraction 10), else the "
                              "heuristic; exhaustive: up to 16 atoms")
    command.add_argument("--restarts", metavar="N", type=int, default=3,
                         help="random restarts of the heuristic besides the agglomerative one (default 3)")
    command.add_argument("--seed", metavar="S", type=int, default=0, help="seed of the restarts (default 0)")
    command.add_argument("--scheduler", metavar="ADDRESS",
                         help="run the independent parts on a running dask.distributed scheduler (default: locally, "
                              "in this process)")
    command.add_argument("--causal-partition", action="store_true",
                         help="print the causal partition (no search, no --states)")
    command.add_argument("--out", metavar="FILE",
                         help="also write the model with the coarsening found as the cause's macro map and "
                              "(cause, effect) as its query (discagg/model-v1), for solve, inspect and the others")
    command.add_argument("--json", action="store_true", help="print one JSON document instead of a table")
    add_quiet(command)
    command.set_defaults(run=_run)


def _aggregation(args: argparse.Namespace) -> Aggregation:
    from discagg.core.aggregation import Aggregation
    from discagg.core.selection import select
    from discagg.io.loading import load_model
    from discagg.search.maps import select_cause

    model = load_model(args.model)
    with naming(args.model):
        model, cause = select_cause(model, args.cause, label="--cause")
        model, cause, effect = select(model, cause, args.effect, labels=("--cause", "--effect"))
        return Aggregation.of(model, cause, effect)


def _run(args: argparse.Namespace) -> str:
    if args.causal_partition:
        for option, given in (("--states", args.states is not None), ("--contiguous", args.contiguous),
                              ("--metric", args.metric is not None), ("--atoms macro", args.atoms != "micro")):
            if given:
                raise ModelError(None, "--causal-partition", "no search options with --causal-partition",
                                 f"also {option}")
    else:
        if args.states is None:
            raise ModelError(None, "--states", "the number K of macro states to find (--states K)", "none")
        if args.states < 1:
            raise ModelError(None, "--states", "a number of macro states of at least 1", str(args.states))
        if args.metric is not None and args.objective != "abstraction":
            raise ModelError(None, "--metric", "--metric together with --objective abstraction",
                             f"--objective {args.objective}")
        if args.restarts < 0:
            raise ModelError(None, "--restarts", "a non-negative number of restarts", str(args.restarts))
        if args.seed < 0:
            raise ModelError(None, "--seed", "a non-negative seed", str(args.seed))
    if args.scheduler is not None and not args.scheduler.strip():
        raise ModelError(None, "--scheduler", "the address of a running dask.distributed scheduler", "''")
    output_path(args.out, "--out")
    agg = _aggregation(args)
    if args.causal_partition:
        return _run_causal(args, agg)
    from discagg.search.coarsen import coarsen

    n = agg.cause_map.n_micro if args.atoms == "micro" else agg.cause_map.n_macro
    if args.states > n:
        what = "micro states" if args.atoms == "micro" else "macro states of its map"
        raise ModelError(None, "--states", f"at most {n} macro states (the cause {agg.cause!r} has {n} {what})",
                         str(args.states))
    result = coarsen(agg, None, None, args.states, args.objective, metric=args.metric or "jsd",
                     contiguous=args.contiguous, atoms=args.atoms, method=args.method, restarts=args.restarts,
                     seed=args.seed, scheduler=args.scheduler, progress=not args.quiet)
    if args.json:
        document = result.to_dict()
        document["wrote"] = args.out
        text = dump(document)
    else:
        from discagg.report.coarsen import render_search

        text = render_search(result, args.out)
    if args.out:
        _write(result.to_model(), args.out)
    return text


def _write(model, path: str) -> None:  # type: ignore[no-untyped-def]
    from discagg.io.files import write_text_atomic
    from discagg.io.model_format import dumps_model

    write_text_atomic(path, dumps_model(model), option="--out")


def _run_causal(args: argparse.Namespace, agg: Aggregation) -> str:
    from discagg.core.coarsening import Coarsening
    from discagg.search.causal import causal_partition
    from discagg.search.maps import with_cause_map

    part = causal_partition(agg)
    if args.json:
        document = part.to_dict()
        document["wrote"] = args.out
        text = dump(document)
    else:
        from discagg.report.coarsen import render_causal

        text = render_causal(part, args.out)
    if args.out:
        pi = Coarsening.from_assignment(agg.cause, part.micro_states, [f"c{c}" for c in range(part.n_classes)],
                                        part.labels)
        _write(with_cause_map(agg.model, agg.cause, agg.effect, pi), args.out)
    return text
