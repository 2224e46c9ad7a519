"""The files ``discagg counterexample --out DIR`` writes, read back as a :class:`~discagg.theory.Counterexample`.

The command writes ``DIR/model.json`` (``discagg/model-v1``) and
``DIR/realization.json`` (``discagg/realization-v1``). They hold everything the
result does: the hypotheses of Theorem 3.2 and the (X, Ȳ) confounding are
derived values, recomputed from the model and the family by the functions the
generator uses (:func:`~discagg.theory.counterexample.counterexample_of`), so
what loads back equals what was generated. A file that is missing, not as
written, or not a Theorem 3.2 model or family is a
:class:`~discagg.errors.ModelError` naming the file.
"""

from __future__ import annotations

import os
from pathlib import Path

from discagg.errors import ModelError
from discagg.io.loading import load_model
from discagg.io.shipped import EXAMPLE_PREFIX
from discagg.io.side_files import load_realization
from discagg.json_values import with_source
from discagg.theory.counterexample import Counterexample, check_triangle, counterexample_of
from discagg.tolerance import DEFAULT_TOLERANCE, Tolerance

__all__ = ["MODEL_FILE", "REALIZATION_FILE", "counterexample_from_files", "load_counterexample"]

MODEL_FILE = "model.json"
REALIZATION_FILE = "realization.json"


def counterexample_from_files(model: str | os.PathLike[str], realization: str | os.PathLike[str], *,
                              tolerance: Tolerance = DEFAULT_TOLERANCE) -> Counterexample:
    """The counterexample of a Theorem 3.2 model file and a realization file for its ``X``.

    Either may be ``example:counterexample`` (the shipped one).

    Raises
    ------
    ModelError
        Naming the file that cannot be read, is not as written, or is not a
        Theorem 3.2 model (nodes ``Z``, ``X``, ``Y``) or a family for its ``X``.
    """
    loaded = load_model(model, tolerance=tolerance)
    try:
        check_triangle(loaded)
    except ModelError as exc:
        raise with_source(exc, str(model)) from None
    family = load_realization(realization, loaded, tolerance=tolerance)
    try:
        return counterexample_of(loaded, family, tolerance=tolerance)
    except ModelError as exc:  # the model's form is checked: what is left is the family's cause
        raise with_source(exc, str(realization)) from None


def load_counterexample(directory: str | os.PathLike[str], *,
                        tolerance: Tolerance = DEFAULT_TOLERANCE) -> Counterexample:
    """Read what ``discagg counterexample --out DIR`` wrote: ``DIR/model.json`` and ``DIR/realization.json``.

    ``directory`` may also be ``example:counterexample``, the shipped
    counterexample. The result equals the one
    :func:`~discagg.theory.generate_counterexample` returned with the same arguments.

    Parameters
    ----------
    directory : str or path-like
    tolerance : Tolerance
        As given to the generator (the normalisation of the CPTs, and when a
        realization counts as differing from the natural one).

    Returns
    -------
    Counterexample

    Raises
    ------
    ModelError
        Naming the directory when it is not one, or the file that is missing or
        not as the command writes it.

    Examples
    --------
    >>> from discagg.theory import generate_counterexample
    >>> ce = load_counterexample("example:counterexample")
    >>> ce.all_hypotheses_hold, round(ce.confounding, 4)
    (True, 0.2228)
    >>> ce == generate_counterexample(6, 4, 5, 2, 2, seed=3, exact=True)  # how it was made
    True
    """
    text = os.fspath(directory)
    if text.startswith(EXAMPLE_PREFIX):
        return counterexample_from_files(text, text, tolerance=tolerance)
    folder = Path(text)
    if not folder.is_dir():
        expected = f"a directory that 'discagg counterexample --out' wrote ({MODEL_FILE} and {REALIZATION_FILE})"
        found = "a file" if folder.exists() else "no such directory"
        raise ModelError(text, None, expected, found)
    return counterexample_from_files(folder / MODEL_FILE, folder / REALIZATION_FILE, tolerance=tolerance)
