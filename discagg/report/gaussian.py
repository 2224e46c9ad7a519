"""The text of a :class:`~discagg.GaussianAnalysis`: what ``discagg gaussian`` prints, as text or HTML.

The command prints prose lines between its tables; :func:`gaussian_html` shows
that text, escaped, in ``<pre>``.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from discagg.errors import printable
from discagg.report.tables import format_table

if TYPE_CHECKING:
    from discagg.theory.gaussian import GaussianAnalysis

__all__ = ["render_gaussian", "gaussian_html"]


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
    """The text ``discagg gaussian`` prints (and ``str()`` of the analysis)."""
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


def gaussian_html(analysis: GaussianAnalysis) -> str:
    """The text of :func:`render_gaussian`, escaped line by line, in ``<pre>``."""
    return "<pre>" + "\n".join(html.escape(printable(line)) for line in render_gaussian(analysis).split("\n")) + "</pre>"
