"""``discagg gaussian``: the paper's linear-Gaussian statements (sections 3.1, 3.2.1, appendices B, C, D) on a spec."""

from __future__ import annotations

import argparse
import math
from typing import Any

from discagg.cli.arguments import dump, input_file
from discagg.errors import ModelError

__all__ = ["register"]

SPEC_HELP = ("a discagg/gaussian-v1 JSON file, or example:NAME for a shipped spec (example:shops, "
             "example:hours-and-pay, example:promotion)")


def _finite(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, found {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number, found {text!r}")
    return value


def register(commands: argparse._SubParsersAction[Any]) -> None:  # any parser class
    """Add ``gaussian`` to ``commands``."""
    command = commands.add_parser(
        "gaussian",
        help="the paper's linear-Gaussian results in closed form: natural, shift, inhibiting realizations",
        description="For Xbar = w'X and Ybar = alpha'X + N with X, N jointly Gaussian: P(Ybar | Xbar = xbar) "
                    "(equation (2)), the natural realization P(X | xbar) and P(Ybar | do(xbar)) under it "
                    "(Theorem 3.1), shop B's realization (3), a shift Delta with its beta and Lemma 14's H "
                    "(appendices B, C), condition (9) and a confounding-inhibiting Gaussian realization "
                    "(section 3.2.1), and the deterministic realization (33) of appendix D.",
    )
    command.add_argument("spec", metavar="SPEC", type=input_file, help=SPEC_HELP)
    command.add_argument("--xbar", metavar="V", type=_finite, nargs="+", action="extend",
                         help="macro values at which to evaluate every distribution (default: E[Xbar])")
    command.add_argument("--shift", metavar="D1,D2,...",
                         help="a shift Delta per unit of Xbar, with w'Delta = 1 (default: Sigma w / w'Sigma w, "
                              "which gives the natural realization's coefficient, appendix C.1)")
    command.add_argument("--beta", metavar="C", type=_finite,
                         help="build Lemma 14's H with first row w' and sum_i alpha_i (H^-1)_i1 = C")
    command.add_argument("--json", action="store_true", help="print one JSON document instead of a table")
    command.set_defaults(run=_run)


def _parse_shift(text: str, n: int) -> list[float]:
    parts = text.split(",")
    values = []
    for i, part in enumerate(parts):
        try:
            value = float(part)
        except ValueError:
            raise ModelError(None, "--shift", f"{n} comma-separated numbers", f"{part.strip()!r} at position {i + 1}"
                             ) from None
        if not math.isfinite(value):
            raise ModelError(None, "--shift", "finite numbers", f"{part.strip()!r} at position {i + 1}")
        values.append(value)
    return values


def _run(args: argparse.Namespace) -> str:
    from discagg.io.gaussian_format import load_gaussian
    from discagg.theory.gaussian import check_shift, gaussian_analysis

    model = load_gaussian(args.spec)
    shift = None
    if args.shift is not None:
        shift = check_shift(model, _parse_shift(args.shift, model.n), "--shift").tolist()
    xbar = args.xbar if args.xbar else [model.mean_xbar]
    analysis = gaussian_analysis(model, xbar=xbar, shift=shift, beta=args.beta)
    if args.json:
        return dump({"spec": args.spec, **analysis.to_dict()})
    from discagg.report.gaussian import render_gaussian

    return render_gaussian(analysis)
