"""``discagg gaussian``: the paper's linear-Gaussian statements (sections 3.1, 3.2.1, appendices B, C, D) on a spec."""

from __future__ import annotations

import argparse
import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from discagg.cli.arguments import dump, input_file
from discagg.errors import ModelError

if TYPE_CHECKING:
    import numpy as np

    from discagg.theory.gaussian import GaussianAnalysis

__all__ = ["register", "render_gaussian"]

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
    return render_gaussian(analysis)


def _g(value: float) -> str:
    text = f"{value:.6g}"
    return "0" if text == "-0" else text


def _vec(values: Sequence[float] | np.ndarray) -> str:
    return "(" + ", ".join(_g(float(v)) for v in values) + ")"


def _mat(matrix: np.ndarray) -> str:
    return "[" + ", ".join("[" + ", ".join(f"{float(v):.4g}" for v in row) + "]" for row in matrix) + "]"


def _wrap(line: str) -> str:
    """A prose line folded at 110 columns, continuation lines indented under it."""
    indent = " " * (len(line) - len(line.lstrip()) + 2)
    return textwrap.fill(line, width=110, subsequent_indent=indent, break_on_hyphens=False)


def render_gaussian(analysis: GaussianAnalysis) -> str:
    """The table printed by ``discagg gaussian``."""
    from discagg.cli.tables import format_table

    m, obs = analysis.model, analysis.observational
    names = ", ".join(m.variables or ())
    prose = [f"model {m.name}: Ybar = alpha'X + N, Xbar = w'X over {m.n} micro causes ({names}); "
             + ("confounded (noise_cov != 0)" if m.confounded else "unconfounded (noise_cov = 0)"),
             f"alpha = {_vec(m.alpha)}, w = {_vec(m.weights)}; E[Xbar] = {_g(m.mean_xbar)}, "
             f"Var(Xbar) = {_g(m.var_xbar)}, E[Ybar] = {_g(m.mean_ybar)}, Var(Ybar) = {_g(m.var_ybar)}, "
             f"Var(N) = {_g(m.noise_var)}"]
    lines = [_wrap(line) for line in prose] + [""]
    rows = [["P(Ybar | Xbar = xbar)", "observational", _g(obs.intercept), _g(obs.slope), _g(obs.var), "-"]]
    labels = {"natural": "natural P(X | xbar)", "absorbing": "shop B, equation (3)",
              "deterministic": "deterministic, equation (33)", "inhibiting": "inhibiting, after (10)"}
    for key, report in analysis.realizations().items():
        i = report.interventional
        rows.append(["P(Ybar | do(xbar))", labels[key], _g(i.intercept), _g(i.slope), _g(i.var),
                     "yes" if report.inhibiting else "no"])
    lines.append(format_table(["distribution", "realization", "intercept", "slope", "var", "inhibiting"], rows))
    shift, c9 = analysis.shift, analysis.condition_9
    prose = [f"natural realization: {analysis.natural.reason}",
              f"  mean(xbar) = {_vec(analysis.natural.realization.intercept)} + "
              f"{_vec(analysis.natural.realization.slope)} xbar, cov = {_mat(analysis.natural.realization.cov)}",
              f"shift: Delta = {_vec(shift.delta)}" + (" (default: Sigma w / w'Sigma w, appendix C.1)"
                                                      if shift.default else "")
              + f"; beta = alpha'Delta = {_g(shift.beta)}; Cov(Xbar, U_beta + N) = {_g(shift.noise_cov_with_xbar)}"
              + ("; Xbar and Ybar look unconfounded" if shift.unconfounded else "; Xbar and Ybar look confounded"),
              f"  Lemma 14: H = {_mat(shift.h)}, first column of H^-1 = Delta",
              f"condition (9): Var(Ybar | xbar) = {_g(c9.var_y_given_xbar)} >= Var(N) = {_g(c9.var_noise)}: "
              + ("holds" if c9.holds else "FAILS") + f" (slack {_g(c9.slack)})",
              f"inhibiting family: {analysis.inhibiting_reason}"]
    if analysis.inhibiting is not None:
        fam = analysis.inhibiting.realization
        prose.append(f"  mean(xbar) = {_vec(fam.intercept)} + {_vec(fam.slope)} xbar, cov = {_mat(fam.cov)}")
    if analysis.beta is not None:
        b = analysis.beta
        prose.append(f"--beta {_g(b.requested)}: " + (f"Delta = {_vec(b.delta)}, H = {_mat(b.h)}"
                                                      if b.exists and b.delta is not None and b.h is not None
                                                      else "no such H") + f" ({b.reason})")
    prose += [f"appendix D: {analysis.appendix_d.statement}", f"  caveat: {analysis.appendix_d.caveat}"]
    lines += [""] + [_wrap(line) for line in prose]
    for ev in analysis.evaluations:
        rows = [["observational", "-", _g(ev.observational[0]), _g(ev.observational[1])]]
        rows += [[labels[key], _vec(mx), _g(my), _g(vy)] for key, (mx, my, vy) in ev.realizations.items()]
        lines += ["", f"at xbar = {_g(ev.xbar)}:",
                  format_table(["distribution", "E[X | do(xbar)]", "E[Ybar]", "Var(Ybar)"], rows)]
    return "\n".join(lines)
