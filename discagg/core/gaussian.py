"""Linear-Gaussian aggregation models (the paper's sections 3.1 and 3.2.1), and their Gaussian realizations.

The model: micro causes ``X ~ N(mean, cov)`` in ``R^n`` (``n >= 2``), a noise
``N ~ N(noise_mean, noise_var)`` with ``Cov(X, N) = noise_cov``, the macro effect

.. math::

    \\bar Y = \\alpha^\\top X + N

(equation (7); ``noise_cov = 0`` is the unconfounded model of section 3.1) and
the macro cause ``X̄ = wᵀX`` (``w = 1``: the paper's sum). ``N`` is not a
descendant of ``X``: an intervention on ``X`` leaves its distribution alone.

A *Gaussian realization family* (:class:`GaussianRealization`) gives, for every
``x̄``, the micro-realization ``P^do_x̄(X) = N(intercept + slope x̄, cov)``; it
is a realization of ``do(X̄ = x̄)`` (Definition 4) when ``wᵀ(intercept + slope
x̄) = x̄`` and ``cov w = 0``. A *linear-Gaussian conditional*
(:class:`LinearGaussian`) is ``N(intercept + slope x̄, var)``, the form of both
``P(Ȳ | X̄ = x̄)`` and ``P(Ȳ | do(x̄))`` under a Gaussian realization family.

Numerical decisions (symmetry, positive semidefiniteness, ``wᵀ cov w > 0``)
use ``tolerance.equality`` *relative* to the matrix's scale (its largest
absolute eigenvalue or entry), since covariances carry units: a covariance is
accepted as PSD when its smallest eigenvalue is at least ``-equality`` times
its largest absolute eigenvalue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from numpy.typing import ArrayLike

from discagg.core.arrays import equal_fields, readonly_float
from discagg.errors import ModelError
from discagg.report.short import fit, listing, numbers, quoted
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["GaussianModel", "GaussianRealization", "LinearGaussian", "smallest_eigenvalue"]

_REPR_LIMIT = 120  # discagg.report.short.LIMIT
_RANK_LIMIT = 200  # a realization's repr states its covariance's rank up to this many variables (an SVD each time)


def smallest_eigenvalue(matrix: np.ndarray) -> tuple[float, float]:
    """The smallest eigenvalue of a symmetric matrix and its scale (the largest absolute eigenvalue).

    >>> smallest_eigenvalue(np.array([[2.0, 0.0], [0.0, -1.0]]))
    (-1.0, 2.0)
    """
    values = np.linalg.eigvalsh(matrix)
    return float(values[0]), float(np.max(np.abs(values)))


def _vector(values: ArrayLike, n: int | None, path: str) -> np.ndarray:
    array = np.array(values, dtype=np.float64)
    if array.ndim != 1 or (n is not None and array.shape[0] != n):
        expected = f"a vector of {n} numbers" if n is not None else "a vector of numbers"
        raise ModelError(None, path, expected, f"shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ModelError(None, f"{path}[{int(np.flatnonzero(~np.isfinite(array))[0])}]", "a finite number",
                         "a non-finite one")
    return readonly_float(array)


@dataclass(frozen=True, eq=False, init=False)
class GaussianModel:
    """A validated linear-Gaussian aggregation model (see the module docstring).

    Construction checks: at least two micro causes (an aggregation of one
    variable would be injective, Definition 2); ``cov`` an ``(n, n)``
    symmetric positive semidefinite matrix; ``noise_var >= 0``; the joint
    covariance of ``(X, N)`` positive semidefinite; ``w`` not zero and
    ``wᵀ cov w > 0`` (X̄ must vary, or ``P(Ȳ | X̄)`` is undefined). ``cov`` is
    stored symmetrised, ``(cov + covᵀ) / 2``.

    Parameters
    ----------
    mean : (n,) array-like
    cov : (n, n) array-like
    alpha : (n,) array-like
    noise_mean, noise_var : float
    noise_cov : (n,) array-like, optional
        ``Cov(X, N)``; default zero (unconfounded).
    w : (n,) array-like, optional
        Aggregation weights, ``X̄ = wᵀX``; default all ones.
    name, description, provenance : str
    variables : sequence of str, optional
        Names of the micro causes; default ``X1, ..., Xn``.
    tolerance : Tolerance

    Raises
    ------
    ModelError
        With the key path (``cov[0][1]``, ``noise_cov``, ``w``, ...), what was
        expected and what was found.

    Examples
    --------
    >>> m = GaussianModel([1.0, 2.0], [[1.0, 0.0], [0.0, 3.0]], alpha=[1.0, 2.0])
    >>> m.n, m.var_xbar, m.cov_ybar_xbar
    (2, 4.0, 7.0)
    >>> m
    GaussianModel(name='gaussian', 2 variables: X1, X2; unconfounded, noise var 0)
    >>> GaussianModel([0.0, 0.0], [[1.0, 2.0], [2.0, 1.0]], alpha=[1.0, 1.0])
    Traceback (most recent call last):
    ...
    discagg.errors.ModelError: cov: expected a positive semidefinite matrix, found smallest eigenvalue -1
    """

    mean: np.ndarray
    cov: np.ndarray = field(repr=False)
    alpha: np.ndarray
    noise_mean: float = 0.0
    noise_var: float = 0.0
    noise_cov: np.ndarray | None = field(default=None, repr=False)
    w: np.ndarray | None = None
    name: str = "gaussian"
    description: str = field(default="", repr=False)
    provenance: str = field(default="", repr=False)
    variables: tuple[str, ...] | None = field(default=None, repr=False)
    tolerance: Tolerance = field(default=DEFAULT_TOLERANCE, repr=False)

    def __init__(
        self,
        mean: ArrayLike,
        cov: ArrayLike,
        alpha: ArrayLike,
        noise_mean: float = 0.0,
        noise_var: float = 0.0,
        noise_cov: ArrayLike | None = None,
        w: ArrayLike | None = None,
        name: str = "gaussian",
        description: str = "",
        provenance: str = "",
        variables: Iterable[str] | None = None,
        tolerance: Tolerance = DEFAULT_TOLERANCE,
    ) -> None:
        # Array-likes in, validated read-only float64 arrays kept (by _validate): the attributes have the narrow types.
        for key, value in (("mean", mean), ("cov", cov), ("alpha", alpha), ("noise_mean", noise_mean),
                           ("noise_var", noise_var), ("noise_cov", noise_cov), ("w", w), ("name", name),
                           ("description", description), ("provenance", provenance), ("variables", variables),
                           ("tolerance", tolerance)):
            object.__setattr__(self, key, value)
        self._validate()

    def _validate(self) -> None:
        eq = self.tolerance.equality
        mean = _vector(self.mean, None, "mean")
        n = mean.shape[0]
        if n < 2:
            raise ModelError(None, "mean", "at least 2 micro causes (an aggregation of one variable is injective, "
                             "Definition 2)", f"{n}")
        cov = np.array(self.cov, dtype=np.float64)
        if cov.shape != (n, n):
            raise ModelError(None, "cov", f"a {n} x {n} matrix (n = len(mean))", f"shape {cov.shape}")
        if not np.all(np.isfinite(cov)):
            i, j = np.argwhere(~np.isfinite(cov))[0]
            raise ModelError(None, f"cov[{i}][{j}]", "a finite number", "a non-finite one")
        scale = float(np.max(np.abs(cov)))
        asym = np.abs(cov - cov.T)
        if float(asym.max()) > eq * scale:
            i, j = np.unravel_index(int(np.argmax(asym)), asym.shape)
            raise ModelError(None, f"cov[{i}][{j}]", f"a symmetric matrix (within {eq:g} relative)",
                             f"cov[{i}][{j}] = {cov[i, j]:g} but cov[{j}][{i}] = {cov[j, i]:g}")
        cov = (cov + cov.T) / 2.0
        low, cov_top = smallest_eigenvalue(cov)
        if low < -eq * cov_top:
            raise ModelError(None, "cov", "a positive semidefinite matrix", f"smallest eigenvalue {low:.6g}")
        alpha = _vector(self.alpha, n, "alpha")
        noise_mean, noise_var = _scalar(self.noise_mean, "noise_mean"), _scalar(self.noise_var, "noise_var")
        if noise_var < 0:
            raise ModelError(None, "noise_var", "a variance >= 0", f"{noise_var:g}")
        noise_cov = _vector(np.zeros(n) if self.noise_cov is None else self.noise_cov, n, "noise_cov")
        joint = np.block([[cov, noise_cov[:, None]], [noise_cov[None, :], np.array([[noise_var]])]])
        low, top = smallest_eigenvalue(joint)
        if low < -eq * top:
            raise ModelError(None, "noise_cov", "Cov(X, N) with which the joint covariance of (X, N) is positive "
                             "semidefinite", f"smallest eigenvalue {low:.6g} of [[cov, noise_cov], "
                             "[noise_cov', noise_var]]")
        w = _vector(np.ones(n) if self.w is None else self.w, n, "w")
        if not np.any(w):
            raise ModelError(None, "w", "aggregation weights not all zero", "all zero")
        var_xbar = float(w @ cov @ w)
        if var_xbar <= eq * cov_top * float(w @ w):
            raise ModelError(None, "w", "weights with w' cov w > 0 (X̄ = w'X must vary)",
                             f"w' cov w = {var_xbar:.6g}")
        variables = tuple(f"X{i + 1}" for i in range(n)) if self.variables is None else tuple(self.variables)
        if len(variables) != n:
            raise ModelError(None, "variables", f"{n} names (one per micro cause)", f"{len(variables)}")
        if len(set(variables)) != n or not all(isinstance(v, str) and v for v in variables):
            raise ModelError(None, "variables", "distinct non-empty names", repr(list(variables)))
        for key, value in (("mean", mean), ("cov", readonly_float(cov)), ("alpha", alpha), ("noise_mean", noise_mean),
                           ("noise_var", noise_var), ("noise_cov", noise_cov), ("w", w), ("variables", variables)):
            object.__setattr__(self, key, value)

    def __repr__(self) -> str:
        """One line: the name, the micro causes (as many as fit), confounded or not, the noise's variance."""
        n = self.n
        state = "confounded" if self.confounded else "unconfounded"

        def make(width: int) -> str:
            names = listing(self.variables or (), 2 * width)
            return (f"GaussianModel(name={quoted(self.name, width)}, {n} variable{'' if n == 1 else 's'}: {names}; "
                    f"{state}, noise var {self.noise_var:.6g})")

        return fit(make)

    def __eq__(self, other: object) -> bool:
        """Equal in every field (arrays entry by entry), the tolerance included."""
        if not isinstance(other, GaussianModel):
            return NotImplemented
        return equal_fields(self, other)

    __hash__ = None  # type: ignore[assignment]  # unhashable; typeshed types __hash__ as a method

    # -- the macro moments ----------------------------------------------------------------

    @property
    def n(self) -> int:
        """The number of micro causes."""
        return int(self.mean.shape[0])

    @property
    def weights(self) -> np.ndarray:
        """``w`` (never None after construction)."""
        assert self.w is not None
        return self.w

    @property
    def x_noise_cov(self) -> np.ndarray:
        """``Cov(X, N)`` (never None after construction)."""
        assert self.noise_cov is not None
        return self.noise_cov

    @cached_property
    def mean_xbar(self) -> float:
        """``E[X̄] = wᵀ mean``."""
        return float(self.weights @ self.mean)

    @cached_property
    def var_xbar(self) -> float:
        """``Var(X̄) = wᵀ cov w`` (> 0)."""
        return float(self.weights @ self.cov @ self.weights)

    @cached_property
    def mean_ybar(self) -> float:
        """``E[Ȳ] = αᵀ mean + E[N]``."""
        return float(self.alpha @ self.mean + self.noise_mean)

    @cached_property
    def var_ybar(self) -> float:
        """``Var(Ȳ) = αᵀ cov α + 2 αᵀ Cov(X, N) + Var(N)``."""
        return float(self.alpha @ self.cov @ self.alpha + 2.0 * self.alpha @ self.x_noise_cov + self.noise_var)

    @cached_property
    def cov_ybar_xbar(self) -> float:
        """``Cov(Ȳ, X̄) = αᵀ cov w + Cov(X, N)ᵀ w``."""
        return float(self.alpha @ self.cov @ self.weights + self.x_noise_cov @ self.weights)

    @property
    def confounded(self) -> bool:
        """The micro model is confounded: ``Cov(X, N) ≠ 0`` (for jointly Gaussian (X, N), dependence)."""
        return bool(np.any(self.x_noise_cov != 0.0))


def _scalar(value: object, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise ModelError(None, path, "a number", repr(value))
    if not np.isfinite(value):
        raise ModelError(None, path, "a finite number", repr(value))
    return float(value)


@dataclass(frozen=True)
class LinearGaussian:
    """``N(intercept + slope x̄, var)``: a conditional ``P(Ȳ | X̄ = x̄)`` or ``P(Ȳ | do(x̄))``.

    >>> LinearGaussian(1.0, 2.0, 0.5).mean(3.0)
    7.0
    >>> LinearGaussian(8.0, 1.72, 92.16000000000003)
    LinearGaussian(intercept=8, slope=1.72, var=92.16)
    """

    intercept: float
    slope: float
    var: float

    def __repr__(self) -> str:
        """One line, the numbers to six significant digits (``to_dict`` keeps them all)."""
        return f"LinearGaussian(intercept={self.intercept:.6g}, slope={self.slope:.6g}, var={self.var:.6g})"

    def mean(self, xbar: float) -> float:
        """The mean at ``x̄``."""
        return self.intercept + self.slope * xbar

    def to_dict(self) -> dict[str, float]:
        """``{"intercept", "slope", "var"}``."""
        return {"intercept": self.intercept, "slope": self.slope, "var": self.var}


def _span(values: np.ndarray) -> str:
    """``[smallest, largest]`` to four significant digits."""
    return f"[{float(np.min(values)):.4g}, {float(np.max(values)):.4g}]"


@dataclass(frozen=True, eq=False)
class GaussianRealization:
    """A Gaussian realization family: ``P^do_x̄(X) = N(intercept + slope x̄, cov)`` for every ``x̄``.

    Attributes
    ----------
    intercept, slope : (n,) ndarray, read-only
    cov : (n, n) ndarray, read-only
        The same for every ``x̄`` (may be singular, e.g. zero for a deterministic one).

    Examples
    --------
    >>> r = GaussianRealization([0.0, 0.0], [1.0, 0.0], np.zeros((2, 2)))   # equation (33)
    >>> r.mean(5.0)
    array([5., 0.])
    >>> r
    GaussianRealization(2 variables, intercept [0, 0], slope [1, 0], cov zero)
    """

    intercept: np.ndarray
    slope: np.ndarray
    cov: np.ndarray = field(repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "intercept", readonly_float(np.array(self.intercept, dtype=np.float64)))
        object.__setattr__(self, "slope", readonly_float(np.array(self.slope, dtype=np.float64)))
        object.__setattr__(self, "cov", readonly_float(np.array(self.cov, dtype=np.float64)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GaussianRealization):
            return NotImplemented
        return equal_fields(self, other)

    __hash__ = None  # type: ignore[assignment]  # unhashable; typeshed types __hash__ as a method

    def __repr__(self) -> str:
        """One line: the intercept and slope (their ranges when the entries do not fit), the covariance's rank."""
        n = int(self.intercept.shape[0])
        if not np.any(self.cov):
            cov = "cov zero"
        else:
            cov = f"cov rank {int(np.linalg.matrix_rank(self.cov))}" if n <= _RANK_LIMIT else "cov nonzero"
        head = f"GaussianRealization({n} variable{'' if n == 1 else 's'}"
        text = f"{head}, intercept {numbers(self.intercept)}, slope {numbers(self.slope)}, {cov})"
        if len(text) < _REPR_LIMIT:
            return text
        return (f"{head}, intercept in {_span(self.intercept)}, slope in {_span(self.slope)}, {cov})")

    def mean(self, xbar: float) -> np.ndarray:
        """The mean of ``P^do_x̄(X)``, shape ``(n,)``."""
        return self.intercept + self.slope * xbar

    def interventional(self, model: GaussianModel) -> LinearGaussian:
        """``P(Ȳ | do(x̄))`` under this family: equation (8) for the variance.

        ``do(x̄)`` draws ``X`` from the realization, independently of ``N``,
        which keeps its distribution (it is not a descendant of X), so
        ``Ȳ = αᵀX + N`` has mean ``αᵀ(intercept + slope x̄) + E[N]`` and variance
        ``αᵀ cov α + Var(N)``.
        """
        alpha = model.alpha
        return LinearGaussian(float(alpha @ self.intercept + model.noise_mean), float(alpha @ self.slope),
                              float(alpha @ self.cov @ alpha + model.noise_var))

    def to_dict(self) -> dict[str, object]:
        """``{"mean": {"intercept": [..], "slope": [..]}, "cov": [[..]]}``."""
        return {"mean": {"intercept": self.intercept.tolist(), "slope": self.slope.tolist()},
                "cov": self.cov.tolist()}
