"""The bridge to the discrete solver: the shops model discretised finely approaches equation (2).

Each product's sales X_i ~ N(mu_i, sigma_i^2) become m grid points over mu_i +- 4 sigma_i with weights
proportional to the Gaussian density (the same truncation in standard units for both, so the truncation
shrinks both variances by the same factor and leaves (2) unchanged); revenues Y_i = alpha_i X_i are
deterministic children. The macro cause is total sales X1 + X2 binned into B equal bins over the range,
each labelled by its centre; the macro effect is total revenue (its exact value: a value-sum group). discagg's
exact discrete machinery gives P(Xbar), the natural realization P(X | xbar) and P(Ybar | do(xbar)) under it;
the macro slope is the P(xbar)-weighted least-squares slope of E[Ybar | do(xbar)] on the bin centres.
Labelling a bin by its centre instead of E[Xbar | bin] biases that slope by about width^2 / (12 Var(Xbar)),
so the error falls as the grid refines (width ~ 1/B).
"""

from __future__ import annotations

import numpy as np
import pytest

from discagg import Aggregation, CausalModel, GaussianModel, Node, gaussian_analysis, load_gaussian
from discagg.core.groups import build_group

LEVELS = [(9, 4), (17, 8), (33, 16), (49, 24)]   # (grid points per product, macro bins)


def discretised(spec: GaussianModel, points: int, bins: int) -> tuple[CausalModel, np.ndarray]:
    """The two-product model on a grid, with total sales binned; returns it and the bin centres."""
    sd = np.sqrt(np.diag(spec.cov))
    t = np.linspace(-4.0, 4.0, points)
    weights = np.exp(-t ** 2 / 2)
    weights /= weights.sum()
    nodes, states = [], {}
    for i in range(2):
        xs = [repr(float(v)) for v in spec.mean[i] + sd[i] * t]
        ys = [repr(float(spec.alpha[i]) * float(v)) for v in xs]
        nodes += [Node(f"X{i + 1}", xs, (), weights), Node(f"Y{i + 1}", ys, (f"X{i + 1}",), np.eye(points))]
        states[f"X{i + 1}"], states[f"Y{i + 1}"] = xs, ys
    low, high = float(spec.mean.sum() - 4 * sd.sum()), float(spec.mean.sum() + 4 * sd.sum())
    width = (high - low) / bins
    edges = [low + width * k for k in range(1, bins)]
    groups = {"Sales": build_group("Sales", ["X1", "X2"], states, {"sum": "value", "bins": edges}),
              "Revenue": build_group("Revenue", ["Y1", "Y2"], states, {"sum": "value"})}
    return CausalModel(nodes, groups=groups, name="shops-grid"), low + width * (np.arange(bins) + 0.5)


def weighted_slope(p: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    dx, dy = x - p @ x, y - p @ y
    return float((p * dx) @ dy / ((p * dx) @ dx))


def discrete_natural_slopes(spec: GaussianModel, points: int, bins: int) -> tuple[float, float, float]:
    """Slope of E[Ybar | do(xbar)] under the discrete natural realization on the bin centres and on
    E[Xbar | bin], and the largest macro confounding gap (TV)."""
    model, centres = discretised(spec, points, bins)
    agg = Aggregation.of(model, "Sales", "Revenue")
    natural = agg.natural_realization()
    revenue = np.array([float(s) for s in agg.effect_map.macro_states])   # value-sum labels are exact reprs
    effect = agg.interventional(natural) @ revenue
    totals = np.array([sum(float(v) for v in s.split(",")) for s in agg.cause_map.micro_states])
    bin_means = agg.cause_map.push_forward(agg.p_cause * totals) / agg.p_macro
    gap = float(np.max(agg.gap(natural).total_variation))
    return weighted_slope(agg.p_macro, centres, effect), weighted_slope(agg.p_macro, bin_means, effect), gap


@pytest.fixture(scope="module")
def slopes():
    spec = load_gaussian("example:shops")
    return spec, [discrete_natural_slopes(spec, points, bins) for points, bins in LEVELS]


def test_discrete_natural_slope_approaches_equation_2(slopes):
    spec, found = slopes
    target = gaussian_analysis(spec).observational.slope
    sd = np.sqrt(np.diag(spec.cov))
    assert target == pytest.approx((spec.alpha @ sd ** 2) / (sd ** 2).sum(), abs=1e-12)   # (2) = 1.72
    errors = [abs(centre - target) for centre, _, _ in found]
    assert all(later < earlier for earlier, later in zip(errors, errors[1:])), errors
    assert errors[-1] < 0.02 * target, errors            # 49 points per product, 24 bins: within 2 %
    # the bias is the one bin labels explain: width^2 / (12 Var(Xbar)), to within a factor 2 at the finest grid
    width = 8 * sd.sum() / LEVELS[-1][1]
    predicted = target * width ** 2 / (12 * spec.var_xbar)
    assert 0.5 * predicted < errors[-1] < 2 * predicted, (errors[-1], predicted)


def test_on_bin_means_the_discrete_slope_is_equation_2_up_to_the_grid(slopes):
    """Regressing on E[Xbar | bin] removes the label bias: what is left is the micro grid's error."""
    spec, found = slopes
    target = gaussian_analysis(spec).observational.slope
    assert abs(found[-1][1] - target) < 1e-4 and abs(found[-2][1] - target) < 1e-4


def test_discrete_natural_realization_inhibits(slopes):
    """Theorem 3.1 in the discrete model: no macro confounding gap at any bin."""
    _, found = slopes
    assert all(gap <= 1e-9 for _, _, gap in found)
