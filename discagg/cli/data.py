"""``discagg fit`` and ``sample``: CPTs estimated from data, and data drawn from a model."""

from __future__ import annotations

import argparse
from typing import Any

from discagg.cli.arguments import MODEL_HELP, dump, input_file, output_path
from discagg.errors import ModelError

__all__ = ["register"]

_PRIORS = ("bdeu", "k2", "none")  # discagg.estimation.counting.PRIORS, without importing numpy for --help


def register(commands: argparse._SubParsersAction[Any]) -> None:  # any parser class
    """Add ``fit`` and ``sample`` to ``commands``."""
    fit = commands.add_parser(
        "fit",
        help="estimate the CPTs of a structure from data (CSV or Parquet)",
        description="Estimate every CPT of the structure MODEL from DATA: a CSV file with a header row of node "
                    "names and state names as values (or a Parquet file). The structure's nodes, states, "
                    "parents, macro maps, groups and query are kept. Without --out the fitted model "
                    "(discagg/model-v1 JSON) is printed; with --out it is written there and a summary printed. "
                    "Rows are numbered as a spreadsheet shows them (the header is row 1).",
    )
    fit.add_argument("data", metavar="DATA", type=input_file, help="a CSV (optionally .gz) or Parquet file")
    fit.add_argument("--structure", metavar="MODEL", type=input_file, required=True, help=MODEL_HELP)
    fit.add_argument("--prior", choices=_PRIORS, default="bdeu",
                     help="bdeu (default: pseudo-count ESS / (q_i r_i) per cell), k2 (1 per cell) or none "
                          "(maximum likelihood; unseen parent configurations get the uniform row)")
    fit.add_argument("--ess", metavar="A", type=float, default=None,
                     help="equivalent sample size of the bdeu prior (default 1)")
    fit.add_argument("--out", metavar="FILE", help="write the fitted model here (atomically)")
    fit.add_argument("--json", action="store_true", help="with --out: print the summary as one JSON document")
    fit.set_defaults(run=_run_fit)

    sample = commands.add_parser(
        "sample",
        help="draw samples from a model (or runs of a macro experiment) as CSV",
        description="Forward-sample N rows from MODEL: one column per node, holding state names. With "
                    "--realization, run the macro experiment instead: N runs for every macro state the "
                    "realization defines, each setting the cause to a micro state drawn from it; the cause's "
                    "column then holds the macro state of each run and its micro nodes are left out. Without "
                    "--out the CSV goes to stdout.",
    )
    sample.add_argument("model", metavar="MODEL", type=input_file, help=MODEL_HELP)
    sample.add_argument("--n", metavar="N", type=int, required=True,
                        help="number of rows (with --realization: runs per macro state)")
    sample.add_argument("--seed", metavar="S", type=int, default=None,
                        help="seed of the random numbers (default: fresh entropy, reported with --out)")
    sample.add_argument("--realization", metavar="FILE", type=input_file,
                        help="a discagg/realization-v1 file: sample the macro experiment it runs")
    sample.add_argument("--out", metavar="FILE",
                        help="write the samples here (atomically; .parquet or .pq for Parquet, else CSV)")
    sample.add_argument("--json", action="store_true", help="with --out: print what was written as one JSON document")
    sample.set_defaults(run=_run_sample)


def _run_fit(args: argparse.Namespace) -> str:
    from discagg.estimation.datasets import read_table
    from discagg.estimation.fitting import fit_table
    from discagg.io.files import write_text_atomic
    from discagg.io.loading import load_model
    from discagg.io.model_format import dumps_model

    if args.ess is not None and args.prior != "bdeu":
        raise ModelError(None, "--ess", "--ess together with --prior bdeu", f"--prior {args.prior}")
    if args.json and not args.out:
        raise ModelError(None, "--json", "--json together with --out (without --out the model itself is printed)",
                         "--json alone")
    ess = 1.0 if args.ess is None else args.ess
    output_path(args.out, "--out")
    structure = load_model(args.structure)
    try:
        fitted = fit_table(read_table(args.data), structure, args.prior, ess)
    except ModelError as exc:  # a bad --ess names the option
        if exc.path == "ess":
            raise ModelError(None, "--ess", exc.expected, exc.found) from None
        raise
    text = dumps_model(fitted.model)
    if not args.out:
        return text.rstrip("\n")
    write_text_atomic(args.out, text, "--out")
    per_node = {name: {"configurations": int(counts[..., 0].size), "unseen": sum(1 for n, _ in fitted.unseen
                                                                               if n == name)}
                for name, counts in fitted.counts.items()}
    summary: dict[str, Any] = {"wrote": args.out, "data": args.data, "structure": args.structure,
                               "rows": fitted.rows, "prior": fitted.prior,
                               "ess": fitted.ess if fitted.prior == "bdeu" else None,
                               "ignored_columns": list(fitted.ignored), "nodes": per_node}
    if args.json:
        return dump(summary)
    unseen = sum(v["unseen"] for v in per_node.values())
    setting = f"prior {fitted.prior}" + (f" (equivalent sample size {fitted.ess:g})" if fitted.prior == "bdeu" else "")
    return (f"fitted {len(per_node)} CPTs of {fitted.model.name} from {fitted.rows} rows of {args.data}; {setting}\n"
            f"parent configurations never observed: {unseen} of "
            f"{sum(v['configurations'] for v in per_node.values())}\nwrote {args.out}")


def _run_sample(args: argparse.Namespace) -> str:
    import numpy as np

    from discagg.estimation.datasets import PARQUET_SUFFIXES
    from discagg.estimation.sampling import check_count, sample
    from discagg.io.files import atomic_output
    from discagg.io.loading import load_model
    from discagg.io.side_files import load_realization

    if args.json and not args.out:
        raise ModelError(None, "--json", "--json together with --out (without --out the CSV is printed)",
                         "--json alone")
    check_count(args.n, "--n")
    if args.seed is not None and args.seed < 0:
        raise ModelError(None, "--seed", "a non-negative integer", repr(args.seed))
    output_path(args.out, "--out")
    model = load_model(args.model)
    family = load_realization(args.realization, model) if args.realization else None
    entropy = np.random.SeedSequence().entropy  # a fresh SeedSequence draws 128 bits: an int
    assert isinstance(entropy, int)
    seed = args.seed if args.seed is not None else entropy
    data = sample(model, args.n, seed, realization=family)
    if not args.out:
        return data.to_csv(index=False, lineterminator="\n").rstrip("\n")
    parquet = args.out.lower().endswith(PARQUET_SUFFIXES)
    if parquet:
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ModelError(args.out, "--out", "pyarrow installed to write Parquet (pip install 'discagg[data]')",
                             "no module named 'pyarrow'") from None
    with atomic_output(args.out, "--out") as temporary:
        if parquet:
            data.to_parquet(temporary, index=False)
        else:
            data.to_csv(temporary, index=False, lineterminator="\n")
    if args.json:
        return dump({"wrote": args.out, "rows": int(data.shape[0]), "columns": [str(c) for c in data.columns],
                     "seed": seed, "realization": args.realization})
    what = f"{data.shape[0]} runs of the macro experiment" if family is not None else f"{data.shape[0]} rows"
    return f"wrote {what} ({data.shape[1]} columns) to {args.out}; seed {seed}"
