"""discagg's own BIF reader against pgmpy's, and its errors."""

from __future__ import annotations

import numpy as np
import pytest

from discagg import ModelError
from discagg.io.bif import read_bif_text
from discagg.io.shipped import network_names, network_text

# pgmpy's reader takes 0.5 to 10 s a network (70 s for all 24); the larger ones are compared in
# scripts/bench_networks.py's run and were compared when the reader was written (all 24 identical).
QUICK = [n for n in network_names() if n not in {"barley", "diabetes", "link", "mildew", "munin", "munin1", "munin2",
                                                 "munin3", "munin4", "pathfinder", "pigs"}]

TWO = "variable A { type discrete [ 2 ] { a0, a1 }; }\nvariable B { type discrete [ 3 ] { b0, b1, b2 }; }\n"


def pgmpy_model(text: str, name: str):
    pytest.importorskip("pgmpy")
    from pgmpy.readwrite import BIFReader

    from discagg.io.networks import from_pgmpy

    return from_pgmpy(BIFReader(string=text).get_model(), name=name)


@pytest.mark.parametrize("name", QUICK)
def test_the_shipped_networks_read_exactly_as_pgmpy_reads_them(name):
    text = network_text(name)
    ours, theirs = read_bif_text(text, source=name, name=name), pgmpy_model(text, name)
    assert list(ours.nodes) == list(theirs.nodes)
    for node in theirs.nodes.values():
        mine = ours.nodes[node.name]
        assert (mine.states, mine.parents) == (node.states, node.parents)
        assert np.array_equal(mine.cpt, node.cpt)  # the same floats, not merely close ones


def test_a_table_with_parents_is_read_as_pgmpy_reads_it():
    # the child's state varies slowest: B = b0 for a0, a1; then b1; then b2
    text = ("variable A {\n  type discrete [ 2 ] { a0, a1 };\n}\nvariable B {\n  type discrete [ 3 ] { b0, b1, b2 };\n}\n"
            "probability ( A ) {\n  table 0.3, 0.7;\n}\nprobability ( B | A ) {\n  table 0.1, 0.6, 0.2, 0.3, 0.7, 0.1;\n}\n")
    ours = read_bif_text(text, source="t.bif", name="t")
    assert ours.nodes["B"].cpt.tolist() == [[0.1, 0.2, 0.7], [0.6, 0.3, 0.1]]
    assert np.array_equal(ours.nodes["B"].cpt, pgmpy_model(text, "t").nodes["B"].cpt)


def test_comments_properties_and_row_order_do_not_matter():
    text = (TWO + "/* a block\ncomment */ probability ( A ) { property note = x; table 0.3, 0.7; } // trailing\n"
            "probability ( B | A ) {\n (a1) 0.6, 0.3, 0.1;\n (a0) 0.1, 0.2, 0.7;\n}")
    assert read_bif_text(text, source="t.bif", name="t").nodes["B"].cpt.tolist() == [[0.1, 0.2, 0.7], [0.6, 0.3, 0.1]]


ROOT = "probability ( A ) { table 0.3, 0.7; }\n"


@pytest.mark.parametrize(("body", "message"), [
    ("(a0) 0.1, 0.2, 0.7;", "probability ( B ): expected a row for every parent configuration, found none for (a1)"),
    ("(a0) 0.1, 0.2, 0.7; (a0) 0.1, 0.2, 0.7; (a1) 1, 0, 0;",
     "probability ( B ) (a0): expected one row per parent configuration, found a second one"),
    ("(a0) 0.1, 0.2, 0.7; (a2) 1, 0, 0;", "probability ( B ) (a2): expected a state of A ['a0', 'a1'], found 'a2'"),
    ("(a0) 0.1, 0.9; (a1) 1, 0, 0;", "probability ( B ) (a0): expected 3 probabilities, one per state of B, found 2"),
    ("(a0) 0.1, x, 0.7; (a1) 1, 0, 0;", "probability ( B ) (a0): expected probabilities (numbers separated by "
                                        "commas), found 'x'"),
    ("(a0, a1) 0.1, 0.2, 0.7; (a1) 1, 0, 0;",
     "probability ( B ) (a0, a1): expected one state for each of the 1 parents ['A'], found 2"),
    ("table 0.1, 0.2;", "probability ( B ) table: expected 6 numbers (3 states x 2 parent configurations), found 2"),
    ("default 0.2, 0.3, 0.5;", "probability ( B ): expected rows '(parent states) probabilities;' or a 'table', "
                               "found a 'default' entry"),
    ("(a0) 0.1, 0.2, 0.7; (a1) 0.5, 0.5, 0.5;", "nodes.B.cpt[1]: expected entries summing to 1"),
])
def test_bad_probability_blocks_are_refused_with_the_place(body, message):
    with pytest.raises(ModelError) as info:
        read_bif_text(TWO + ROOT + f"probability ( B | A ) {{ {body} }}", source="bad.bif", name="bad")
    assert str(info.value).startswith(f"bad.bif: {message}"), str(info.value)
    assert "\n" not in str(info.value)


def test_a_variable_without_a_block_and_a_block_for_an_unknown_parent_are_refused():
    with pytest.raises(ModelError, match=r"^bad.bif: variable B: expected a probability block for every variable"):
        read_bif_text(TWO + ROOT, source="bad.bif", name="bad")
    with pytest.raises(ModelError, match=r"^bad.bif: probability B: expected parents declared as variables \['A', 'B'\], found 'C'"):
        read_bif_text(TWO + ROOT + "probability ( B | C ) { table 1, 0, 0; }", source="bad.bif", name="bad")


def test_quotes_and_comment_markers_inside_quotes_are_read_as_pgmpy_reads_them(tmp_path):
    from discagg import load_model

    text = ('variable A {\n  type discrete [ 2 ] { "a0", "a1" };\n}\n'
            'variable B {\n  type discrete [ 2 ] { b0, b1 };\n}\n'
            'probability ( A ) {\n  table 0.3, 0.7;\n}\n'
            'probability ( B | A ) {\n  property "source http://example.org/x" ;\n'
            '  (a0) 0.1, 0.9;\n  (a1) 0.5, 0.5;\n}\n'
            '/* an old block:\nprobability ( A ) {\n  table 0.5, 0.5;\n}\n*/\n')
    ours, theirs = read_bif_text(text, source="q.bif", name="q"), pgmpy_model(text, "q")
    for name in ("A", "B"):
        assert ours.nodes[name].states == theirs.nodes[name].states
        assert np.array_equal(ours.nodes[name].cpt, theirs.nodes[name].cpt)
    assert ours.nodes["A"].states == ("a0", "a1")
    path = tmp_path / "q.bif"
    path.write_text(text)
    assert load_model(str(path)).nodes["B"].cpt.tolist() == [[0.1, 0.9], [0.5, 0.5]]  # the scan ignores comments too
