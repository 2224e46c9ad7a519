"""``--data`` and ``--posterior`` for inspect, solve and bounds: answers from data, with their uncertainty."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from discagg.cli.arguments import input_file, naming, select_pair
from discagg.errors import ModelError

if TYPE_CHECKING:
    from discagg.core.aggregation import Aggregation
    from discagg.core.model import CausalModel
    from discagg.estimation.fitting import Fit
    from discagg.estimation.posterior import Posterior

__all__ = ["add_data_options", "add_scheduler_options", "model_from", "aggregation_from", "posterior_for", "attach",
           "render_posterior"]

_PRIORS = ("bdeu", "k2", "none")


def _level(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1), found {text!r}") from None
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a number in (0, 1), found {text}")
    return value


def add_data_options(command: argparse.ArgumentParser) -> None:
    """Add ``--data``, ``--posterior``, ``--prior``, ``--ess``, ``--seed`` and ``--level`` to a subcommand."""
    group = command.add_argument_group(
        "from data", "With --data, MODEL gives the structure and the CPTs are fitted from DATA (the posterior mean "
                     "under --prior); --posterior N adds the posterior of the answer over N draws of the CPTs.")
    group.add_argument("--data", metavar="DATA", type=input_file, help="samples of the nodes (CSV or Parquet)")
    group.add_argument("--posterior", metavar="N", type=int, help="number of posterior draws of the CPTs")
    group.add_argument("--prior", choices=_PRIORS, default=None,
                       help="bdeu (default), k2, or none (maximum likelihood; not with --posterior)")
    group.add_argument("--ess", metavar="A", type=float, default=None,
                       help="equivalent sample size of the bdeu prior (default 1)")
    group.add_argument("--seed", metavar="S", type=int, default=None,
                       help="seed of the posterior draws (default: fresh entropy, reported with --json)")
    group.add_argument("--level", metavar="L", type=_level, default=None,
                       help="level of the equal-tailed posterior intervals (default 0.95)")
    add_scheduler_options(group, "posterior draws", "draws per unit of work (default 100, rounded up to whole "
                                                    "batches of 100 draws)")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, found {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, found {text}")
    return value


def _address(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("expected 'local', 'sequential' or a scheduler address, found an empty "
                                         "string")
    return text


def add_scheduler_options(group: argparse._ActionsContainer, work: str, chunk_help: str) -> None:
    """Add ``--scheduler ADDRESS`` and ``--chunk-size N`` (where ``work`` runs, and in what pieces)."""
    group.add_argument("--scheduler", metavar="ADDRESS", type=_address, default=None,
                       help=f"where the {work} run: 'local' (default: Dask's threads in this process), 'sequential', "
                            "or the address of a running dask.distributed scheduler (tcp://HOST:8786); the answer "
                            "is the same")
    group.add_argument("--chunk-size", metavar="N", type=_positive, default=None,
                       help=f"{chunk_help}; the answer is the same")


def _check(args: argparse.Namespace) -> None:
    if args.data is None:
        given = [f"--{name.replace('_', '-')}" for name in ("posterior", "prior", "ess", "seed", "level", "scheduler",
                                                            "chunk_size")
                 if getattr(args, name) is not None]
        if given:
            needs = "--data DATA --posterior N" if given[0] in ("--scheduler", "--chunk-size") else "--data DATA"
            raise ModelError(None, given[0], f"{given[0]} together with {needs}", f"{given[0]} alone")
        return
    if args.posterior is None:
        for name in ("seed", "level", "scheduler", "chunk_size"):
            if getattr(args, name) is not None:
                option = f"--{name.replace('_', '-')}"
                raise ModelError(None, option, f"{option} together with --posterior N", f"{option} alone")
    elif args.posterior < 1:
        raise ModelError(None, "--posterior", "a positive number of draws", repr(args.posterior))
    prior = args.prior or "bdeu"
    if args.ess is not None and prior != "bdeu":
        raise ModelError(None, "--ess", "--ess together with --prior bdeu", f"--prior {prior}")
    if args.posterior is not None and prior == "none":
        raise ModelError(None, "--prior", "a Dirichlet prior (bdeu or k2) with --posterior",
                         "--prior none (no posterior for unseen parent configurations)")
    if args.seed is not None and args.seed < 0:
        raise ModelError(None, "--seed", "a non-negative integer", repr(args.seed))


def model_from(args: argparse.Namespace) -> tuple[CausalModel, Fit | None]:
    """MODEL as it is, or (with ``--data``) MODEL's structure with the CPTs fitted from DATA."""
    from discagg.io.loading import load_model

    _check(args)
    model = load_model(args.model)
    if args.data is None:
        return model, None
    from discagg.estimation.datasets import read_table
    from discagg.estimation.fitting import fit_table

    try:
        fitted = fit_table(read_table(args.data), model, args.prior or "bdeu", 1.0 if args.ess is None else args.ess)
    except ModelError as exc:
        if exc.path == "ess":
            raise ModelError(None, "--ess", exc.expected, exc.found) from None
        raise
    return fitted.model, fitted


def aggregation_from(args: argparse.Namespace) -> tuple[Aggregation, Fit | None]:
    """As :func:`~discagg.cli.arguments.load_aggregation`, on the model :func:`model_from` gives."""
    from discagg.core.aggregation import Aggregation

    model, fitted = model_from(args)
    with naming(args.model):
        model, cause, effect = select_pair(model, args)
        return Aggregation.of(model, cause, effect), fitted


def posterior_for(args: argparse.Namespace, agg: Aggregation, fitted: Fit | None, question: str) -> Posterior | None:
    """The posterior draws ``--posterior`` asks for (None without it)."""
    if args.posterior is None or fitted is None:
        return None
    from discagg.estimation.posterior import posterior_of_fit

    return posterior_of_fit(agg, fitted.counts, fitted.rows, draws=args.posterior, prior=args.prior or "bdeu",
                            ess=1.0 if args.ess is None else args.ess, seed=args.seed,
                            level=0.95 if args.level is None else args.level, questions=(question,),
                            scheduler=args.scheduler, chunk_size=args.chunk_size, progress=not args.quiet)


def attach(doc: dict[str, Any], post: Posterior | None, question: str) -> dict[str, Any]:
    """Add the ``"posterior"`` object to every macro state of a ``--json`` document (and the settings on top)."""
    if post is None:
        return doc
    for k, entry in enumerate(doc["macro_states"]):
        if entry["state"] != post.cause_macro[k]:
            raise AssertionError(f"macro states out of order: {entry['state']!r} against {post.cause_macro[k]!r}")
        entry["posterior"] = post.entry(k, question)
    doc["posterior"] = post.settings()
    return doc


def render_posterior(post: Posterior | None, question: str) -> str:
    """The posterior table appended to the command's table ("" without ``--posterior``)."""
    from discagg.report.posterior import render_posterior as render

    return render(post, question)
