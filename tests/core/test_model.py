import numpy as np
import pytest

from discagg import CausalModel, ModelError, Node, Query


def chain():
    a = Node("A", ["a0", "a1"], [], [0.5, 0.5])
    b = Node("B", ["b0", "b1"], ["A"], [[0.9, 0.1], [0.1, 0.9]])
    c = Node("C", ["c0", "c1"], ["B"], [[0.7, 0.3], [0.2, 0.8]])
    return a, b, c


def test_topological_order_and_ancestors():
    a, b, c = chain()
    model = CausalModel([c, a, b])
    assert model.topological_order == ("A", "B", "C")
    assert model.ancestors(["C"]) == {"A", "B", "C"}
    assert model.ancestors(["C"], cut_incoming=["B"]) == {"B", "C"}


def test_cpts_are_read_only_copies():
    values = np.array([0.5, 0.5])
    node = Node("A", ["a0", "a1"], [], values)
    values[0] = 0.9
    assert node.cpt[0] == 0.5
    with pytest.raises(ValueError):
        node.cpt[0] = 0.1


def test_cycle_is_rejected_with_the_cycle_named():
    a = Node("A", ["a0", "a1"], ["C"], [[0.5, 0.5], [0.5, 0.5]])
    _, b, c = chain()
    with pytest.raises(ModelError, match="expected an acyclic graph") as info:
        CausalModel([a, b, c])
    assert str(info.value).endswith("found the cycle A -> B -> C -> A")


def test_self_parent_and_unknown_parent():
    with pytest.raises(ModelError, match=r"nodes\.A\.parents\[0\]"):
        CausalModel([Node("A", ["a0"], ["A"], [[1.0]])])
    with pytest.raises(ModelError, match=r"nodes\.A\.parents\[0\].*found 'Q'"):
        CausalModel([Node("A", ["a0"], ["Q"], [[1.0]])])


@pytest.mark.parametrize(
    ("cpt", "path", "fragment"),
    [
        ([[0.9, 0.1]], "nodes.B.cpt", "shape (2, 2)"),
        ([[0.9, 0.1], [np.nan, 0.5]], "nodes.B.cpt[1][0]", "finite"),
        ([[1.1, -0.1], [0.5, 0.5]], "nodes.B.cpt[0][0]", "in [0, 1]"),
        ([[0.9, 0.1], [0.5, 0.4]], "nodes.B.cpt[1]", "summing to 1"),
    ],
)
def test_bad_cpts_name_the_entry(cpt, path, fragment):
    a, _, _ = chain()
    with pytest.raises(ModelError) as info:
        CausalModel([a, Node("B", ["b0", "b1"], ["A"], cpt)])
    assert info.value.path == path
    assert fragment in str(info.value)


def test_normalisation_tolerance_is_the_documented_one():
    a, _, _ = chain()
    ok = Node("B", ["b0", "b1"], ["A"], [[0.9, 0.1 - 9e-7], [0.5, 0.5]])
    CausalModel([a, ok])  # within 1e-6: accepted, stored unchanged
    bad = Node("B", ["b0", "b1"], ["A"], [[0.9, 0.1 - 2e-6], [0.5, 0.5]])
    with pytest.raises(ModelError, match="within 1e-06"):
        CausalModel([a, bad])


def test_query_must_name_two_distinct_nodes():
    a, b, _ = chain()
    with pytest.raises(ModelError, match=r"query\.effect"):
        CausalModel([a, b], query=Query("A", "Q"))
    with pytest.raises(ModelError, match="different cause and effect"):
        CausalModel([a, b], query=Query("A", "A"))


def test_missing_coarsening_is_reported():
    a, b, _ = chain()
    with pytest.raises(ModelError, match=r"macro\.B: expected a coarsening"):
        CausalModel([a, b]).coarsening("B")


def test_a_bad_row_beyond_the_first_block_of_rows_is_named_exactly():
    from discagg.core.validation import _BLOCK_ENTRIES

    _ROW_BLOCK = _BLOCK_ENTRIES // 2  # rows of two states in one block

    parent = Node("P", [f"p{i}" for i in range(_ROW_BLOCK + 10)], [], np.full(_ROW_BLOCK + 10, 1.0 / (_ROW_BLOCK + 10)))
    cpt = np.full((_ROW_BLOCK + 10, 2), 0.5)
    cpt[_ROW_BLOCK + 3] = [0.5, 0.6]
    with pytest.raises(ModelError, match=rf"^nodes\.Y\.cpt\[{_ROW_BLOCK + 3}\]: expected entries summing to 1 "
                                         r"\(within 1e-06\), found sum 1\.1"):
        CausalModel([parent, Node("Y", ["y0", "y1"], ["P"], cpt)])


def test_a_bad_entry_in_a_later_block_is_reported_before_a_bad_row_sum_in_an_earlier_one():
    from discagg.core.validation import _BLOCK_ENTRIES

    n = _BLOCK_ENTRIES  # rows of two states: two blocks
    parent = Node("P", [f"p{i}" for i in range(n)], [], np.full(n, 1.0 / n))
    cpt = np.full((n, 2), 0.5)
    cpt[1] = [0.5, 0.6]           # a bad row sum in the first block
    cpt[n - 1, 0] = np.nan        # a non-finite entry in the last block
    with pytest.raises(ModelError, match=rf"^nodes\.Y\.cpt\[{n - 1}\]\[0\]: expected a finite probability"):
        CausalModel([parent, Node("Y", ["y0", "y1"], ["P"], cpt)])
