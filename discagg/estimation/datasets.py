"""Reading data: a CSV or Parquet file, or a pandas DataFrame, as state codes per column.

A data set has one column per node, named after it, and one row per sample;
each value is a state name of its node. Files are read with pandas (the
``data`` extra; Parquet also needs pyarrow), after the same checks as every
other input (a regular file of at most 1 GiB, ``.gz`` decompressed):

- CSV: UTF-8 (a byte-order mark is dropped), a header row of column names, every
  value read as text (``NA`` is a state name like any other; only an empty cell
  is missing). Empty lines at the end of the file are not rows.
- Parquet (``.parquet``, ``.pq``): values of any type; a value that is not a
  string is compared by its text (``str(1)`` is ``"1"``; a whole float ``1.0``
  reads as ``"1"``).

Rows are numbered as a spreadsheet shows them: the header is row 1, the first
data row is row 2 (for Parquet too, as if it had a header row). Errors name the
file, the row, the column and the value; for a DataFrame, the index label
instead of the row.
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

from discagg.errors import ModelError, preview

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DataWarning", "DataTable", "read_table", "require_pandas", "PARQUET_SUFFIXES"]

PARQUET_SUFFIXES = (".parquet", ".pq")


class DataWarning(UserWarning):
    """Data were read, but part of them was ignored or is unusual (extra columns, unseen configurations)."""


def require_pandas() -> ModuleType:
    """The pandas module, or a :class:`ModelError` saying how to install it.

    >>> require_pandas().__name__
    'pandas'
    """
    try:
        import pandas
    except ImportError:
        raise ModelError(None, None, "pandas installed to read and write data (pip install 'discagg[data]')",
                         "no module named 'pandas'") from None
    return pandas


@dataclass(frozen=True, eq=False)
class DataTable:
    """A data set as read, with the place of every value for error messages.

    Attributes
    ----------
    source : str
        The file name, or ``"DataFrame"``.
    frame : pandas.DataFrame
        One column per column of the data (never modified).
    spreadsheet_rows : bool
        True for files: row ``i`` (0-based) is called row ``i + 2``; False for a
        DataFrame: rows are named by their index label.

    Examples
    --------
    >>> import pandas as pd
    >>> table = read_table(pd.DataFrame({"X": ["a", "b", "a"]}))
    >>> table.codes("X", ("a", "b"), "node 'X'").tolist()
    [0, 1, 0]
    """

    source: str
    frame: pd.DataFrame = field(repr=False)
    spreadsheet_rows: bool = True

    @property
    def columns(self) -> tuple[str, ...]:
        """The column names, in order."""
        return tuple(str(c) for c in self.frame.columns)

    @property
    def n_rows(self) -> int:
        """The number of data rows."""
        return int(self.frame.shape[0])

    def row_name(self, i: int) -> str:
        """How row ``i`` (0-based position) is named in messages: ``"row 7"`` or ``"index 'a'"``."""
        if self.spreadsheet_rows:
            return f"row {i + 2}"
        return f"index {self.frame.index[i]!r}"

    def where(self, i: int, column: str) -> str:
        """``"row 7, column 'smoke'"``."""
        return f"{self.row_name(i)}, column {column!r}"

    def error(self, i: int, column: str, expected: str, found: str) -> ModelError:
        """A :class:`ModelError` naming this table, row ``i`` and ``column``."""
        return ModelError(self.source, self.where(i, column), expected, found)

    def require(self, columns: Iterable[str], what: str) -> None:
        """Raise a :class:`ModelError` naming the first of ``columns`` that the data lack.

        Parameters
        ----------
        columns : iterable of str
        what : str
            What the columns are, e.g. ``"a column for every node of the structure"``.
        """
        have = set(self.columns)
        for name in columns:
            if name not in have:
                raise ModelError(self.source, "columns", what,
                                 f"no column {name!r} (the columns are {preview(self.columns)})")

    def warn_unused(self, used: Iterable[str], why: str = "name no node of the structure") -> tuple[str, ...]:
        """Warn (:class:`DataWarning`) about the columns not in ``used``, and return them.

        The warning reads ``"FILE: ignored N column(s) that WHY: [...]"``.
        """
        keep = set(used)
        extra = tuple(c for c in self.columns if c not in keep)
        if extra:
            warnings.warn(f"{self.source}: ignored {len(extra)} column(s) that {why}: {preview(extra)}",
                          DataWarning, stacklevel=3)
        return extra

    def missing(self, column: str) -> np.ndarray:
        """Which values of ``column`` are missing, shape ``(n_rows,)`` of bool."""
        return np.asarray(self.frame[column].isna().to_numpy(), dtype=bool)

    def codes(self, column: str, states: Sequence[str], what: str, *, rows: np.ndarray | None = None) -> np.ndarray:
        """The index in ``states`` of every value of ``column``, checked (vectorised).

        Parameters
        ----------
        column : str
        states : sequence of str
            The allowed values, in code order.
        what : str
            Whose states they are, for messages (``"node 'smoke'"``).
        rows : (n_rows,) ndarray of bool, optional
            Check and code only these rows (the others get code -1).

        Returns
        -------
        (n_rows,) ndarray of intp

        Raises
        ------
        ModelError
            At the first missing value or value not in ``states``, naming the
            file, the row, the column and the value.
        """
        codes = self.try_codes(column, states)
        bad = codes < 0
        if rows is not None:
            bad &= rows
        if bad.any():
            i = int(np.argmax(bad))
            raise self.error(i, column, f"a state of {what} {preview(states)}", self.describe_value(i, column))
        if rows is not None:
            codes = np.where(rows, codes, -1)
        return codes

    def try_codes(self, column: str, states: Sequence[str]) -> np.ndarray:
        """The index in ``states`` of every value of ``column``; -1 for a missing or unknown value."""
        require_pandas()
        import pandas as pd

        col = self.frame[column]
        if isinstance(col.dtype, pd.CategoricalDtype) and tuple(map(str, col.cat.categories)) == tuple(states):
            return np.asarray(col.cat.codes.to_numpy(), dtype=np.intp)
        if isinstance(col.dtype, pd.StringDtype):
            text = col
        elif col.dtype.kind == "f":  # whole numbers read as their integer text: 1.0 is state "1"
            values = col.to_numpy(dtype=np.float64, na_value=np.nan)
            whole = np.isfinite(values) & (values == np.round(values)) & (np.abs(values) < 2.0**53)
            text = pd.Series(np.where(whole, np.where(whole, values, 0).astype(np.int64).astype(str),
                                      values.astype(str)), dtype="string")
        else:
            text = col.astype("string")
        codes = np.asarray(pd.Index(list(states), dtype="str").get_indexer(pd.Index(text)), dtype=np.intp)
        codes[self.missing(column)] = -1
        return codes

    def describe_value(self, i: int, column: str) -> str:
        """The value at row ``i`` of ``column`` as a message shows it."""
        value = self.frame[column].iloc[i]
        require_pandas()
        import pandas as pd

        if isinstance(value, np.generic):
            value = value.item()
        if pd.isna(value):
            return "a missing value" + (" (an empty cell)" if self.spreadsheet_rows else f" ({value!r})")
        return repr(value) if isinstance(value, str) else f"{value!r} ({type(value).__name__})"


def read_table(data: str | os.PathLike[str] | pd.DataFrame, *, label: str | None = None) -> DataTable:
    """Read a data set: a CSV or Parquet file, or a pandas DataFrame (used as it is).

    Parameters
    ----------
    data : path-like or pandas.DataFrame
        ``.parquet``/``.pq`` files are Parquet, anything else CSV (optionally ``.gz``).
    label : str, optional
        How a DataFrame is named in messages (default ``"DataFrame"``).

    Returns
    -------
    DataTable

    Raises
    ------
    ModelError
        An unreadable file, a malformed CSV (naming pandas' reason), column
        names that are missing or repeated, or pandas (or pyarrow, for
        Parquet) not installed.
    """
    require_pandas()
    import pandas as pd
    if isinstance(data, pd.DataFrame):
        table = DataTable(label or "DataFrame", data, spreadsheet_rows=False)
    elif isinstance(data, (str, os.PathLike)):
        table = _read_file(os.fspath(data))
    else:
        raise ModelError(label, None, "a data file name or a pandas DataFrame", type(data).__name__)
    _check_columns(table)
    return table


def _read_file(source: str) -> DataTable:
    import pandas as pd

    from discagg.io.files import read_input_bytes

    raw = read_input_bytes(source)
    lower = source.lower()
    if lower.endswith(PARQUET_SUFFIXES):
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            raise ModelError(source, None, "pyarrow installed to read Parquet (pip install 'discagg[data]')",
                             "no module named 'pyarrow'") from None
        try:
            frame = pd.read_parquet(io.BytesIO(raw))
        except Exception as exc:  # pyarrow raises its own types for every malformed file
            raise ModelError(source, None, "a Parquet file", f"{type(exc).__name__}: {exc}") from None
        return DataTable(source, frame.reset_index(drop=True), spreadsheet_rows=True)
    try:
        frame = pd.read_csv(io.BytesIO(raw), header=None, dtype=str, keep_default_na=False, na_values=[""],
                            skip_blank_lines=False, encoding="utf-8-sig")
    except pd.errors.EmptyDataError:
        raise ModelError(source, None, "a CSV file with a header row of column names", "an empty file") from None
    except UnicodeDecodeError as exc:
        raise ModelError(source, None, "UTF-8 text", f"the byte 0x{exc.object[exc.start]:02x} at offset "
                         f"{exc.start}") from None
    except (pd.errors.ParserError, ValueError) as exc:
        raise ModelError(source, None, "a CSV file with as many fields on every row as in the header",
                         str(exc).replace("Error tokenizing data. C error: ", "").strip()) from None
    header = frame.iloc[0]
    body = frame.iloc[1:]
    empty = body.isna().all(axis=1).to_numpy()
    trailing = len(empty) - (int(np.flatnonzero(~empty)[-1]) + 1 if (~empty).any() else 0)
    body = body.iloc[: len(body) - trailing]
    for j, name in enumerate(header):
        if pd.isna(name):
            raise ModelError(source, "row 1", "a name for every column in the header row",
                             f"an empty name in column {j + 1}")
    body = body.set_axis([str(name) for name in header], axis=1).reset_index(drop=True)
    return DataTable(source, body, spreadsheet_rows=True)


def _check_columns(table: DataTable) -> None:
    seen: dict[str, int] = {}
    for j, name in enumerate(table.frame.columns):
        if not isinstance(name, str):
            raise ModelError(table.source, "columns", "column names that are strings (node names)",
                             f"{name!r} ({type(name).__name__}) in column {j + 1}")
        if name in seen:
            raise ModelError(table.source, "columns", "distinct column names",
                             f"{name!r} in columns {seen[name] + 1} and {j + 1}")
        seen[name] = j
