"""``discagg verify`` and ``counterexample``: the paper's results checked on a model, and Theorem 3.2 models."""

from __future__ import annotations

import argparse
from pathlib import Path

from discagg.cli.arguments import CommandFailed, add_common, dump, load_aggregation, naming
from discagg.cli.tables import format_table
from discagg.errors import ModelError
from discagg.io.json_files import read_json
from discagg.io.model_format import save_model
from discagg.io.side_files import load_realization, save_realization
from discagg.theory.checks import CHECKS, verify
from discagg.theory.counterexample import CounterexampleNotFound, generate_counterexample
from discagg.theory.hypotheses import HypothesisError

__all__ = ["register"]


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the subcommands of this module to ``commands``."""
    verify_cmd = commands.add_parser(
        "verify",
        help="check the hypotheses and conclusions of the paper's results on a model",
        description="Print each hypothesis and conclusion of the named results with its numeric residual. "
                    "Exit 0 when every conclusion that should hold does hold, 1 otherwise. Checks: "
                    f"{', '.join(CHECKS)}; by default theorem-3.1, plus theorem-3.2 with --realization.",
    )
    add_common(verify_cmd)
    verify_cmd.add_argument("--realization", metavar="FILE", help="a discagg/realization-v1 file")
    verify_cmd.add_argument("--check", metavar="NAME", action="append", choices=CHECKS,
                            help=f"a result to check ({', '.join(CHECKS)}); repeatable")
    verify_cmd.add_argument("--exact", action="store_true",
                            help="also redo every check in rational arithmetic and report which hold exactly")
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
    counter.add_argument("--macro", metavar="FILE",
                         help='explicit coarsenings {"X": {xbar: [x, ...]}, "Y": {...}} over x0.., y0..')
    counter.add_argument("--realization", metavar="FILE", help="a discagg/realization-v1 file for X")
    counter.add_argument("--seed", type=int, default=0)
    counter.add_argument("--margin", type=float, default=0.05, help="least (X, Ybar) confounding (TV)")
    counter.add_argument("--split", choices=("uniform", "random"), default="uniform",
                         help="how P(Ybar | X, Z) is lifted to P(Y | X, Z)")
    counter.add_argument("--exact", action="store_true",
                         help="build a model whose stored floats satisfy the inhibiting equation exactly "
                              "(certifiable with verify --exact)")
    counter.add_argument("--out", metavar="DIR", required=True)
    counter.set_defaults(run=_run_counterexample)


def _run_verify(args: argparse.Namespace) -> str:
    agg = load_aggregation(args)
    family = load_realization(args.realization, agg.model) if args.realization else None
    if family is not None and family.coarsening != agg.cause_map:
        raise ModelError(args.realization, "cause", f"a realization for the cause {agg.cause!r}",
                         repr(family.coarsening.node))
    result = verify(agg, tuple(args.check) if args.check else None, family, exact=args.exact)
    if args.json:
        text = dump(result.to_dict())
    else:
        header = ["result", "kind", "verdict", "residual"] + (["exactly"] if args.exact else []) + ["statement"]
        rows = [[c.result, c.kind, "holds" if c.holds else ("FAILS" if c.failed else "does not hold"),
                 f"{c.residual:.3g}"] + (["yes" if c.holds_exactly else "no"] if args.exact else []) + [c.statement]
                for c in result.checks]
        text = (f"model {result.model}\n\n" + format_table(header, rows)
                + "\n\n" + ("every required conclusion holds" if result.ok
                             else "a conclusion that should hold does not"))
        if args.exact:
            within = [c for c in result.checks if c.holds and not c.holds_exactly]
            text += ("; every statement that holds also holds exactly (rational arithmetic)" if not within else
                     f"; {len(within)} statement(s) hold only within the tolerance, not exactly")
    if not result.ok:
        raise CommandFailed(text)
    return text


def _run_counterexample(args: argparse.Namespace) -> str:
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise ModelError(None, "--out", "a directory", f"the file {args.out}")
    if not 0 <= args.margin < 1:
        raise ModelError(None, "--margin", "a number in [0, 1)", repr(args.margin))
    for flag, value in (("--x-states", args.x_states), ("--z-states", args.z_states), ("--y-states", args.y_states)):
        if value < 1:
            raise ModelError(None, flag, "a positive number of states", repr(value))
    for flag, value, limit in (("--x-macro", args.x_macro, args.x_states), ("--y-macro", args.y_macro, args.y_states)):
        if not 1 <= value <= limit:
            raise ModelError(None, flag, f"a number of macro states in [1, {limit}]", repr(value))
    x_macro = y_macro = None
    if args.macro:
        with naming(args.macro):
            macro = read_json(args.macro)
            if not isinstance(macro, dict) or set(macro) != {"X", "Y"}:
                raise ModelError(None, None, 'an object {"X": {...}, "Y": {...}}', repr(macro)[:60])
            x_macro, y_macro = macro["X"], macro["Y"]
    realization = None
    if args.realization:
        with naming(args.realization):
            doc = read_json(args.realization)
            if not isinstance(doc, dict) or doc.get("format") != "discagg/realization-v1" or doc.get("cause") != "X":
                raise ModelError(None, None, "a discagg/realization-v1 document for cause 'X'", repr(doc)[:60])
            realization = doc["realization"]
    source = args.realization or args.macro
    try:
        result = generate_counterexample(
            args.x_states, args.z_states, args.y_states, args.x_macro, args.y_macro, x_macro=x_macro,
            y_macro=y_macro, realization=realization, seed=args.seed, margin=args.margin, split=args.split,
            exact=args.exact)
    except ModelError as exc:
        raise (exc.with_source(source) if exc.source is None and source else exc) from None
    except (CounterexampleNotFound, HypothesisError) as exc:
        raise ModelError(None, None, "inputs that admit a paradoxical model", str(exc)) from None
    out.mkdir(parents=True, exist_ok=True)
    save_model(result.model, out / "model.json")
    save_realization(result.realization, out / "realization.json")
    lines = [f"hypothesis {h.name}: {'holds' if h.holds else 'does NOT hold'} ({h.detail})" for h in result.hypotheses]
    lines.append(f"(X, Ybar) confounding (max TV): {result.confounding:.4f}")
    lines.append(f"wrote {out / 'model.json'} and {out / 'realization.json'}; "
                 f"check with: discagg verify {out / 'model.json'} --realization {out / 'realization.json'}")
    return "\n".join(lines)
