"""``discagg verify`` and ``counterexample``: the paper's results checked on a model, and Theorem 3.2 models."""

from __future__ import annotations

import argparse
import contextlib
from pathlib import Path
from typing import Any

from discagg.cli.arguments import CommandFailed, add_common, add_quiet, dump, input_file, load_aggregation, naming
from discagg.errors import ModelError, describe
from discagg.theory.check_names import CHECKS

__all__ = ["register"]


def register(commands: argparse._SubParsersAction[Any]) -> None:  # any parser class
    """Add the subcommands of this module to ``commands``."""
    verify_cmd = commands.add_parser(
        "verify",
        help="check the hypotheses and conclusions of the paper's results on a model",
        description="Print each hypothesis and conclusion of the named results with its numeric residual. "
                    "Exit 0 when every conclusion that should hold does hold, 1 otherwise. Checks: "
                    f"{', '.join(CHECKS)}; by default theorem-3.1, plus theorem-3.2 with --realization.",
    )
    add_common(verify_cmd)
    verify_cmd.add_argument("--realization", metavar="FILE", type=input_file, help="a discagg/realization-v1 file")
    verify_cmd.add_argument("--check", metavar="NAME", action="append", choices=CHECKS,
                            help=f"a result to check ({', '.join(CHECKS)}); repeatable")
    verify_cmd.add_argument("--adjust", metavar="B1,B2", type=_names,
                            help="theorem-4.1's adjustment set: macro variables by node name or bar(NODE), "
                                 "comma-separated ('' for the empty set); default every non-descendant of the cause")
    verify_cmd.add_argument("--exact", action="store_true",
                            help="also redo every check in rational arithmetic and report which hold exactly")
    verify_cmd.add_argument("--scm", metavar="FILE", type=input_file,
                            help="a discagg/scm-v1 file whose response functions reproduce MODEL's CPTs: condition-14 "
                                 "and condition-15 are decided on it (default check with --scm: condition-15)")
    verify_cmd.add_argument("--save-witnesses", metavar="DIR",
                            help="write the witness SCMs of condition-14, condition-15 and appendix-d as "
                                 "discagg/scm-v1 files into DIR (created if missing; written together)")
    verify_cmd.set_defaults(run=_run_verify)

    counter = commands.add_parser(
        "counterexample",
        help="generate a Theorem 3.2 paradoxical model and its realization family",
        description="Build a micro model Z -> X, Z -> Y, X -> Y in which (X, Y) and (X, Ybar) are confounded "
                    "while a given (or seeded random) realization family is confounding-inhibiting for every "
                    "macro state. Writes DIR/model.json and DIR/realization.json.",
    )
    for flag in ("--x-states", "--z-states", "--y-states", "--x-macro", "--y-macro"):
        counter.add_argument(flag, type=int, required=True, metavar="N")
    counter.add_argument("--macro", metavar="FILE", type=input_file,
                         help='explicit coarsenings {"X": {xbar: [x, ...]}, "Y": {...}} over x0.., y0..')
    counter.add_argument("--realization", metavar="FILE", type=input_file, help="a discagg/realization-v1 file for X")
    counter.add_argument("--seed", type=int, default=0)
    counter.add_argument("--margin", type=float, default=0.05, help="least (X, Ybar) confounding (TV)")
    counter.add_argument("--split", choices=("uniform", "random"), default="uniform",
                         help="how P(Ybar | X, Z) is lifted to P(Y | X, Z)")
    counter.add_argument("--exact", action="store_true",
                         help="build a model whose stored floats satisfy the inhibiting equation exactly "
                              "(certifiable with verify --exact)")
    counter.add_argument("--out", metavar="DIR", required=True,
                         help="directory for model.json and realization.json (created if missing; both files "
                              "appear together or not at all)")
    counter.add_argument("--json", action="store_true",
                         help="print what was written, the hypotheses and their verdicts as one JSON document")
    add_quiet(counter)
    counter.set_defaults(run=_run_counterexample)


def _names(text: str) -> tuple[str, ...]:
    names = tuple(part.strip() for part in text.split(",")) if text.strip() else ()
    if any(not name for name in names):
        raise argparse.ArgumentTypeError(f"a comma-separated list of names, not {text!r}")
    return names


def _run_verify(args: argparse.Namespace) -> str:
    from discagg.io.side_files import load_realization
    from discagg.report.verification import render_verification
    from discagg.theory.checks import verify

    agg = load_aggregation(args)
    family = load_realization(args.realization, agg.model) if args.realization else None
    if family is not None and family.coarsening != agg.cause_map:
        raise ModelError(args.realization, "cause", f"a realization for the cause {agg.cause!r}",
                         repr(family.coarsening.node))
    from discagg.cli.scm_options import bound_scm, save_witnesses, witness_folder, witness_lines

    witness_dir = witness_folder(args.save_witnesses)
    scm = bound_scm(args.scm, agg.model) if args.scm else None
    checks = tuple(args.check) if args.check else (("condition-15",) if scm is not None else None)
    if args.adjust is not None and not {"theorem-4.1", "condition-14", "condition-15"} & set(checks or ()):
        raise ModelError(None, "--adjust", "--check theorem-4.1, condition-14 or condition-15 with it",
                         "none of them asked for")
    result = verify(agg, checks, family, args.adjust, exact=args.exact, scm=scm)
    written = save_witnesses(result, witness_dir) if witness_dir is not None else []
    if args.json:
        document = result.to_dict()
        if witness_dir is not None:
            document["witnesses_written"] = [str(path) for path in written]
        text = dump(document)
    else:
        text = render_verification(result, exact=args.exact,
                                   witness_text=witness_lines(result, witness_dir, written))
    if not result.ok:
        raise CommandFailed(text)
    return text


def _read_side_document(path: str, keys: tuple[str, ...], what: str) -> dict[str, Any]:
    """A JSON object with exactly ``keys`` (none null), for --macro and --realization."""
    from discagg.io.json_files import check_keys, read_json

    with naming(path):
        doc = read_json(path)
        if not isinstance(doc, dict):
            raise ModelError(None, None, what, describe(doc))
        check_keys(doc, keys, keys, "")
        for key in keys:
            if doc[key] is None:
                raise ModelError(None, key, "an object", "null")
    return doc


def _run_counterexample(args: argparse.Namespace) -> str:
    from discagg.io.files import write_texts_atomic
    from discagg.io.model_format import dumps_model
    from discagg.io.side_files import REALIZATION_FORMAT, dumps_realization
    from discagg.limits import check_entries
    from discagg.theory.counterexample import CounterexampleNotFound, generate_counterexample
    from discagg.theory.counterexample_saved import MODEL_FILE, REALIZATION_FILE
    from discagg.theory.hypotheses import HypothesisError

    if not str(args.out):
        raise ModelError(None, "--out", "a directory name", "an empty path")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ModelError(None, "--out", "a directory", f"the file {args.out}")
    if not 0 <= args.margin < 1:
        raise ModelError(None, "--margin", "a number in [0, 1)", repr(args.margin))
    if args.seed < 0:
        raise ModelError(None, "--seed", "a non-negative integer", repr(args.seed))
    for flag, value in (("--x-states", args.x_states), ("--z-states", args.z_states), ("--y-states", args.y_states)):
        if value < 1:
            raise ModelError(None, flag, "a positive number of states", repr(value))
    for flag, value, limit in (("--x-macro", args.x_macro, args.x_states), ("--y-macro", args.y_macro, args.y_states)):
        if not 1 <= value <= limit:
            raise ModelError(None, flag, f"a number of macro states in [1, {limit}]", repr(value))
    check_entries(args.x_states * args.z_states * args.y_states, "the CPT P(Y | X, Z) of the generated model",
                  "--x-states * --z-states * --y-states")
    x_macro = y_macro = None
    if args.macro:
        macro = _read_side_document(args.macro, ("X", "Y"), 'an object {"X": {...}, "Y": {...}}')
        x_macro, y_macro = macro["X"], macro["Y"]
    realization = None
    if args.realization:
        doc = _read_side_document(args.realization, ("format", "cause", "realization"),
                                  "a discagg/realization-v1 document for cause 'X'")
        if doc["format"] != REALIZATION_FORMAT or doc["cause"] != "X":
            raise ModelError(args.realization, None, "a discagg/realization-v1 document for cause 'X'",
                             f"format {doc['format']!r}, cause {doc['cause']!r}")
        realization = doc["realization"]
    source = args.realization or args.macro
    try:
        result = generate_counterexample(
            args.x_states, args.z_states, args.y_states, args.x_macro, args.y_macro, x_macro=x_macro,
            y_macro=y_macro, realization=realization, seed=args.seed, margin=args.margin, split=args.split,
            exact=args.exact, progress=not args.quiet)
    except ModelError as exc:
        raise (exc.with_source(source) if exc.source is None and source else exc) from None
    except (CounterexampleNotFound, HypothesisError) as exc:
        raise ModelError(None, None, "inputs that admit a paradoxical model", str(exc)) from None
    model_path, realization_path = out / MODEL_FILE, out / REALIZATION_FILE
    created = [d for d in (out, *out.parents) if not d.exists()]  # what mkdir makes, deepest first
    try:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ModelError(str(out), "--out", "a directory that can be created", exc.strerror or str(exc)) from None
        write_texts_atomic({model_path: dumps_model(result.model),
                            realization_path: dumps_realization(result.realization)}, "--out")
    except BaseException:  # an error or an interruption: leave no directory that this run made
        for folder in created:
            with contextlib.suppress(OSError):
                folder.rmdir()  # only while empty
        raise
    check = f"discagg verify {model_path} --realization {realization_path}"
    if args.json:
        return dump({"model": str(model_path), "realization": str(realization_path), **result.to_dict(),
                     "verify": check})
    return f"{result}\nwrote {model_path} and {realization_path}; check with: {check}"
