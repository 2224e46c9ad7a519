"""Reading data: every bad value is named by file, spreadsheet row, column and value."""

from __future__ import annotations

import gzip
import warnings

import numpy as np
import pandas as pd
import pytest

from discagg.errors import ModelError
from discagg.estimation.datasets import DataWarning, read_table
from discagg.estimation.fitting import fit_table
from discagg.io.model_format import loads_model

STRUCTURE = loads_model('{"format": "discagg/model-v1", "nodes": {'
                        '"A": {"states": ["a0", "a1"], "parents": [], "cpt": [0.5, 0.5]},'
                        '"B": {"states": ["b0", "b1", "NA"], "parents": ["A"], '
                        '"cpt": [[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]]}}}')


def write(tmp_path, text: str, name: str = "data.csv") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return str(path)


def fit_error(path_or_frame) -> str:
    with pytest.raises(ModelError) as info:
        fit_table(read_table(path_or_frame), STRUCTURE)
    return str(info.value)


def test_a_value_that_is_not_a_state_names_file_row_column_and_value(tmp_path):
    path = write(tmp_path, "A,B\na0,b0\na1,b1\na1,maybe\n")
    assert fit_error(path) == (f"{path}: row 4, column 'B': expected a state of node 'B' ['b0', 'b1', 'NA'], "
                               "found 'maybe'")


def test_a_missing_value_is_an_empty_cell_and_NA_is_a_state_like_any_other(tmp_path):
    path = write(tmp_path, "A,B\na0,NA\na1,\n")
    assert fit_error(path) == (f"{path}: row 3, column 'B': expected a state of node 'B' ['b0', 'b1', 'NA'], "
                               "found a missing value (an empty cell)")
    with pytest.warns(DataWarning, match=r"never observed got the uniform row: B \| A=a1"):
        fitted = fit_table(read_table(write(tmp_path, "A,B\na0,NA\n", "ok.csv")), STRUCTURE, "none")
    assert fitted.counts["B"][0].tolist() == [0, 0, 1]


def test_an_interior_blank_line_is_a_row_of_missing_values_and_trailing_ones_are_not_rows(tmp_path):
    path = write(tmp_path, "A,B\na0,b0\n\na1,b1\n")
    assert "row 3, column 'A'" in fit_error(path)
    table = read_table(write(tmp_path, "A,B\na0,b0\na1,b1\n\n\n", "trailing.csv"))
    assert table.n_rows == 2


def test_an_absent_node_and_extra_columns(tmp_path):
    path = write(tmp_path, "A,C\na0,x\n")
    assert fit_error(path) == (f"{path}: columns: expected a column for every node of the structure, found no "
                               "column 'B' (the columns are ['A', 'C'])")
    path = write(tmp_path, "id,A,B,note\n1,a0,b0,x\n", "extra.csv")
    with pytest.warns(DataWarning, match=r"ignored 2 column\(s\) that name no node of the structure: \['id', 'note'\]"):
        fitted = fit_table(read_table(path), STRUCTURE)
    assert fitted.ignored == ("id", "note")


@pytest.mark.parametrize(("text", "expected"), [
    ("A,A\na0,a0\n", "columns: expected distinct column names, found 'A' in columns 1 and 2"),
    ("A,,B\na0,x,b0\n", "row 1: expected a name for every column in the header row, found an empty name in column 2"),
    ("A,B\na0,b0\na1,b1,b2\n", "expected a CSV file with as many fields on every row as in the header, found "
                               "Expected 2 fields in line 3, saw 3"),
    ("", "expected a CSV file with a header row of column names, found an empty file"),
    ("A,B\n", "expected at least one data row, found only the header"),
])
def test_malformed_files(tmp_path, text, expected):
    path = write(tmp_path, text)
    assert fit_error(path) == f"{path}: {expected}"


def test_not_utf8_and_not_a_file(tmp_path):
    path = write(tmp_path, b"A,B\na0,b\xff\n")
    assert fit_error(path) == f"{path}: expected UTF-8 text, found the byte 0xff at offset 8"
    assert fit_error(str(tmp_path)) == f"{tmp_path}: expected a file, found a directory"
    assert "no such file" in fit_error(str(tmp_path / "missing.csv"))


def test_byte_order_mark_gzip_and_quoted_fields(tmp_path):
    text = '\ufeffA,B\na0,"b0"\n"a1",b1\n'
    plain = read_table(write(tmp_path, text))
    assert plain.columns == ("A", "B")
    path = tmp_path / "data.csv.gz"
    path.write_bytes(gzip.compress(text.encode("utf-8")))
    zipped = read_table(str(path))
    assert zipped.codes("B", ("b0", "b1"), "B").tolist() == plain.codes("B", ("b0", "b1"), "B").tolist() == [0, 1]


def test_parquet_reads_like_csv_and_numbers_rows_the_same_way(tmp_path):
    frame = pd.DataFrame({"A": ["a0", "a1", "a1"], "B": ["b0", "b1", "bad"]})
    path = str(tmp_path / "data.parquet")
    frame.to_parquet(path)
    assert fit_error(path) == (f"{path}: row 4, column 'B': expected a state of node 'B' ['b0', 'b1', 'NA'], "
                               "found 'bad'")
    frame.loc[2, "B"] = "NA"
    frame.to_parquet(path)
    from_parquet = fit_table(read_table(path), STRUCTURE, "none")
    from_frame = fit_table(read_table(frame), STRUCTURE, "none")
    assert from_parquet.rows == from_frame.rows == 3
    for name in STRUCTURE.nodes:
        assert np.array_equal(from_parquet.counts[name], from_frame.counts[name])
        assert np.array_equal(from_parquet.model.nodes[name].cpt, from_frame.model.nodes[name].cpt)


def test_dataframe_errors_name_the_index_label_and_values_are_compared_as_text():
    frame = pd.DataFrame({"A": ["a0", None], "B": ["b0", "b1"]}, index=["first", "second"])
    assert fit_error(frame) == ("DataFrame: index 'second', column 'A': expected a state of node 'A' ['a0', 'a1'], "
                                "found a missing value (nan)")
    numeric = loads_model('{"format": "discagg/model-v1", "nodes": {'
                          '"N": {"states": ["0", "1"], "parents": [], "cpt": [0.5, 0.5]}}}')
    assert fit_table(read_table(pd.DataFrame({"N": [0, 1, 1]})), numeric, "none").model.nodes["N"].cpt.tolist() == [
        1 / 3, 2 / 3]
    with pytest.raises(ModelError, match=r"index 2, column 'N': expected a state of node 'N' \['0', '1'\], "
                                         r"found 1\.5 \(float\)"):
        fit_table(read_table(pd.DataFrame({"N": [0.0, 1.0, 1.5]})), numeric)


def test_codes_of_a_categorical_column_match_its_text():
    values = np.array(["b1", "b0", "NA", "b1"])
    as_text = read_table(pd.DataFrame({"B": values}))
    as_category = read_table(pd.DataFrame({"B": pd.Categorical(values, categories=["b0", "b1", "NA"])}))
    reordered = read_table(pd.DataFrame({"B": pd.Categorical(values, categories=["NA", "b1", "b0"])}))
    states = ("b0", "b1", "NA")
    expected = [1, 0, 2, 1]
    for table in (as_text, as_category, reordered):
        assert table.codes("B", states, "B").tolist() == expected


def test_a_structure_column_named_twice_in_a_frame_is_refused():
    frame = pd.DataFrame([["a0", "b0"]], columns=["A", "A"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert fit_error(frame) == "DataFrame: columns: expected distinct column names, found 'A' in columns 1 and 2"
