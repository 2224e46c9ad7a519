"""``discagg coarsen``: search for the macro variable (a coarsening of the cause) that makes aggregation meaningful."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from discagg.cli.arguments import MODEL_HELP, add_quiet, dump, input_file, naming, output_path
from discagg.errors import ModelError

if TYPE_CHECKING:
    from discagg.core.aggregation import Aggregation
    from discagg.search.causal import CausalPartition
    from discagg.search.coarsen import CoarseningSearch

__all__ = ["register"]

_OBJECTIVES = {
    "confounding": "total irreducible macro confounding, sum over xbar of P(xbar) gap(xbar) (0: every macro state "
                   "has a confounding-inhibiting realization)",
    "ambiguity": "total width of the reachable P(Ybar | do(xbar)), sum over xbar of the largest range of "
                 "P(Ybar = ybar | do(xbar)) (0: every do(xbar) means one thing)",
    "abstraction": "abstraction error with the best macro mechanism, the largest over xbar (0: an exact "
                   "transformation)",
}


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
    command.add_argument("--objective", choices=tuple(_OBJECTIVES), default="confounding",
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
        text = render_search(result, agg, args.out)
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
        text = render_causal(part, args.out)
    if args.out:
        pi = Coarsening.from_assignment(agg.cause, part.micro_states, [f"c{c}" for c in range(part.n_classes)],
                                        part.labels)
        _write(with_cause_map(agg.model, agg.cause, agg.effect, pi), args.out)
    return text


def _members(names: tuple[str, ...], limit: int = 6) -> str:
    if len(names) <= limit:
        return " ".join(names)
    return " ".join(names[:limit]) + f" ... ({len(names)} in all)"


def _describe_search(result: CoarseningSearch) -> str:
    k, n = result.k, result.n_atoms
    what = "runs" if result.contiguous else "partitions"
    count = (f"C({n} - 1, {k} - 1) = {result.candidates}" if result.contiguous
             else f"S({n}, {k}) = {result.candidates}")
    timing = f"{result.evaluated} fibre terms, {result.seconds:.2f} s"
    if result.method == "dynamic-programming":
        return f"search: dynamic programming over breakpoints, exact over all {count} {what} ({timing})"
    if result.method == "exhaustive":
        return f"search: exhaustive, every one of the {count} {what} (recursion over subsets; {timing})"
    if result.method == "trivial":
        return f"search: the only candidate ({count}; {timing})"
    if result.method == "causal-partition":
        return (f"search: none needed: the causal partition has {result.causal_classes} classes over the atoms, "
                f"at most K, so a refinement of it into {k} macro states has ambiguity 0 ({timing})")
    return (f"search: heuristic over the {count} {what}: agglomerative merging and local search from it and from "
            f"random restarts ({timing})")


def render_search(result: CoarseningSearch, agg: Aggregation, out: str | None = None) -> str:
    """The text ``discagg coarsen`` prints."""
    from discagg.cli.tables import format_table

    atoms = (f"{result.n_atoms} micro states" if result.atoms == "micro"
             else f"{result.n_atoms} macro states of its map, merged whole")
    effect = agg.effect_map
    effect_states = ", ".join(effect.macro_states[:6]) + (" ..." if effect.n_macro > 6 else "")
    metric = ""
    if result.metric is not None:
        metric = " (Jensen-Shannon divergence, bits)" if result.metric == "jsd" else " (total variation)"
    lines = [f"coarsen: model {result.model}; cause {result.cause} ({atoms}) into {result.k} macro states; effect "
             f"{result.effect} ({effect.n_macro} macro states: {effect_states})",
             f"objective {result.objective}{metric}: {_OBJECTIVES[result.objective]}",
             _describe_search(result),
             f"value {result.value:.6f}; certified lower bound {result.lower_bound:.6f} ({result.bound}); "
             + ("optimal" if result.optimal else "NOT proved optimal"), ""]
    if result.objective == "confounding":
        header = ["xbar", "micro states", "P(xbar)", "gap(TV)", "P(xbar) gap"]
        rows = [[s.state, _members(s.micro), f"{s.probability:.4f}", "-" if s.measure is None else f"{s.measure:.4f}",
                 f"{s.term:.6f}"] for s in result.states]
    elif result.objective == "ambiguity":
        header = ["xbar", "micro states", "P(xbar)", "width"]
        rows = [[s.state, _members(s.micro), f"{s.probability:.4f}", f"{s.term:.6f}"] for s in result.states]
    else:
        header = ["xbar", "micro states", "P(xbar)", "error", "lower bound"]
        rows = [[s.state, _members(s.micro), f"{s.probability:.4f}", f"{s.term:.6f}", f"{s.lower_bound:.6f}"]
                for s in result.states]
    if result.atoms == "macro":
        header.insert(2, "merges")
        for row, s in zip(rows, result.states):
            row.insert(2, " ".join(s.atoms))
    lines += [format_table(header, rows), ""]
    if result.given is not None:
        lines.append(f"the cause's own map ({result.given.k} macro states): {result.given.value:.6f}")
    if result.causal_classes is None:
        lines.append("causal partition: an atom mixes causal classes, so no coarsening over these atoms has "
                     "ambiguity 0")
    else:
        lines.append(f"causal partition: {result.causal_classes} classes over the atoms (ambiguity 0 needs K >= "
                     f"{result.causal_classes}; discagg coarsen --causal-partition lists them)")
    if result.cause_option is not None:
        lines.append(f"as --cause: {result.cause_option}")
    if out is not None:
        lines.append(f"wrote {out}: the model with this map and query (discagg solve {out})")
    elif result.cause_option is None:
        lines.append("--out FILE writes the model with this map as the cause's (a table map), for solve and inspect")
    return "\n".join(lines)


def render_causal(part: CausalPartition, out: str | None = None) -> str:
    """The text ``discagg coarsen --causal-partition`` prints."""
    from discagg.cli.tables import format_distribution, format_table

    rows = []
    for c in range(part.n_classes):
        members = tuple(s for s, label in zip(part.micro_states, part.labels.tolist()) if label == c)
        rows.append([f"c{c}", _members(members), format_distribution(dict(zip(part.effect_states, part.kernel[c]))),
                     f"{part.widths[c]:.2e}"])
    lines = [f"causal partition: model {part.model}; cause {part.cause} ({len(part.micro_states)} micro states), "
             f"effect {part.effect}",
             f"{part.n_classes} classes: micro states with equal P(Ybar | do(X = x)) (within the tolerance, linked "
             "transitively); every coarsening in which each do(xbar) means one thing refines it", "",
             format_table(["class", "micro states", "P(Ybar | do(x))", "width"], rows), "",
             "clean: every class's width is within the tolerance" if part.clean else
             "NOT clean: a chain of nearly equal rows makes a class wider than the tolerance"]
    if out is not None:
        lines.append(f"wrote {out}: the model with the classes as the cause's macro states")
    return "\n".join(lines)
