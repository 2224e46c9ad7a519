"""Reading linear-Gaussian aggregation models in the versioned JSON format ``discagg/gaussian-v1``.

The format (a public contract)::

    {"format": "discagg/gaussian-v1", "name": "shops", "description": "...", "provenance": "...",
     "variables": ["product 1", "product 2"],
     "mean": [60, 40], "cov": [[64, 0], [0, 36]], "alpha": [1, 3],
     "noise_mean": 0.0, "noise_var": 0.0, "noise_cov": [0, 0], "w": [1, 1]}

Micro causes ``X ~ N(mean, cov)``, the macro effect ``Ȳ = alphaᵀX + N`` with
``N ~ N(noise_mean, noise_var)`` and ``Cov(X, N) = noise_cov``, the macro cause
``X̄ = wᵀX``. ``format``, ``mean``, ``cov`` and ``alpha`` are required;
``noise_mean`` and ``noise_var`` default to 0 (no noise, as in the paper's
section 3.1), ``noise_cov`` to zeros (unconfounded), ``w`` to ones (the sum),
``variables`` to ``X1, ..., Xn``, ``name`` to the file's stem. Unknown keys are
errors; the numeric checks are :class:`~discagg.core.gaussian.GaussianModel`'s.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from discagg.core.gaussian import GaussianModel
from discagg.errors import ModelError, describe
from discagg.io.json_files import (
    check_format,
    check_keys,
    nonempty_string,
    number,
    parse_json,
    read_json,
    require_object,
    string_list,
    with_source,
)
from discagg.io.shipped import EXAMPLE_PREFIX, gaussian_example_text
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["GAUSSIAN_FORMAT", "load_gaussian", "loads_gaussian", "gaussian_from_dict", "gaussian_to_dict"]

GAUSSIAN_FORMAT = "discagg/gaussian-v1"

_KEYS = ("format", "name", "description", "provenance", "variables", "mean", "cov", "alpha", "noise_mean",
         "noise_var", "noise_cov", "w")
_REQUIRED = ("format", "mean", "cov", "alpha")


def load_gaussian(source: str | os.PathLike[str], *, tolerance: Tolerance = DEFAULT_TOLERANCE) -> GaussianModel:
    """Load and validate a ``discagg/gaussian-v1`` file, or ``example:NAME`` (``data/gaussian/NAME.json``).

    Raises
    ------
    ModelError
        On any problem; the message names the file and the key path.

    Examples
    --------
    >>> load_gaussian("example:shops").alpha
    array([1., 3.])
    """
    text = os.fspath(source)
    if text.startswith(EXAMPLE_PREFIX):
        name = text[len(EXAMPLE_PREFIX):]
        return loads_gaussian(gaussian_example_text(name), source=text, default_name=name, tolerance=tolerance)
    return gaussian_from_dict(read_json(text), source=text, default_name=Path(text).stem, tolerance=tolerance)


def loads_gaussian(text: str, *, source: str = "<string>", default_name: str = "gaussian",
                   tolerance: Tolerance = DEFAULT_TOLERANCE) -> GaussianModel:
    """Load a model from ``discagg/gaussian-v1`` text (see :func:`load_gaussian`).

    >>> loads_gaussian('{"format": "discagg/gaussian-v1", "mean": [0, 0], "cov": [[1, 0], [0, 1]], '
    ...                '"alpha": [1, 2], "noise_var": -1}')
    Traceback (most recent call last):
    ...
    discagg.errors.ModelError: <string>: noise_var: expected a variance >= 0, found -1
    """
    return gaussian_from_dict(parse_json(text, source), source=source, default_name=default_name, tolerance=tolerance)


def gaussian_from_dict(data: Any, *, source: str | None = None, default_name: str = "gaussian",
                       tolerance: Tolerance = DEFAULT_TOLERANCE) -> GaussianModel:
    """Validate a parsed ``discagg/gaussian-v1`` document and build the model.

    Raises
    ------
    ModelError
        Naming ``source`` and the key path of the first problem found.
    """
    try:
        return _from_dict(data, default_name, tolerance)
    except ModelError as exc:
        raise (with_source(exc, source) if source is not None else exc) from None


def _numbers(value: Any, path: str) -> list[float]:
    if not isinstance(value, list):
        raise ModelError(None, path, "a list of numbers", describe(value))
    return [number(item, f"{path}[{i}]") for i, item in enumerate(value)]


def _matrix(value: Any, path: str, n: int) -> list[list[float]]:
    if not isinstance(value, list):
        raise ModelError(None, path, f"a {n} x {n} matrix (a list of rows, lists of numbers)", describe(value))
    if len(value) != n:
        raise ModelError(None, path, f"a {n} x {n} matrix (n = len(mean))", f"{len(value)} rows")
    rows = [_numbers(row, f"{path}[{i}]") for i, row in enumerate(value)]
    for i, row in enumerate(rows):
        if len(row) != n:
            raise ModelError(None, f"{path}[{i}]", f"a row of {n} numbers (n = len(mean))", f"{len(row)} numbers")
    return rows


def _from_dict(data: Any, default_name: str, tolerance: Tolerance) -> GaussianModel:
    data = require_object(data, "", "a JSON object with keys 'format', 'mean', 'cov' and 'alpha'")
    check_format(data, GAUSSIAN_FORMAT)
    check_keys(data, _KEYS, _REQUIRED, "")
    name = nonempty_string(data.get("name", default_name), "name", "a non-empty string")
    texts = {}
    for key in ("description", "provenance"):
        texts[key] = data.get(key, "")
        if not isinstance(texts[key], str):
            raise ModelError(None, key, "a string", describe(texts[key]))
    mean = _numbers(data["mean"], "mean")
    n = len(mean)
    if n < 2:
        raise ModelError(None, "mean", "at least 2 micro causes (an aggregation of one variable is injective, "
                         "Definition 2)", f"{n}")
    sized = {}
    for key in ("alpha", "noise_cov", "w"):
        if key in data:
            sized[key] = _numbers(data[key], key)
            if len(sized[key]) != n:
                raise ModelError(None, key, f"{n} numbers (as many as in mean)", f"{len(sized[key])}")
    cov = _matrix(data["cov"], "cov", n)
    variables = string_list(data["variables"], "variables", "names") if "variables" in data else None
    return GaussianModel(
        mean, cov, sized["alpha"],
        noise_mean=number(data.get("noise_mean", 0.0), "noise_mean"),
        noise_var=number(data.get("noise_var", 0.0), "noise_var"),
        noise_cov=sized.get("noise_cov"), w=sized.get("w"), name=name, description=texts["description"],
        provenance=texts["provenance"], variables=variables, tolerance=tolerance)


def gaussian_to_dict(model: GaussianModel) -> dict[str, Any]:
    """The ``discagg/gaussian-v1`` document of a model, every key written (``gaussian_from_dict`` reads it back equal).

    >>> m = load_gaussian("example:shops")
    >>> gaussian_from_dict(gaussian_to_dict(m)) == m
    True
    """
    return {"format": GAUSSIAN_FORMAT, "name": model.name, "description": model.description,
            "provenance": model.provenance, "variables": list(model.variables or ()), "mean": model.mean.tolist(),
            "cov": model.cov.tolist(), "alpha": model.alpha.tolist(), "noise_mean": model.noise_mean,
            "noise_var": model.noise_var, "noise_cov": model.x_noise_cov.tolist(), "w": model.weights.tolist()}
