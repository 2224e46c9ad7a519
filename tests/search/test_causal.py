"""The causal partition: its defining property, exact ties, rounding, and the ambiguity searches it short-cuts."""

from __future__ import annotations

import warnings
from dataclasses import replace
from fractions import Fraction

import numpy as np
from coarsen_reference import brute_value, confounded_model
from hypothesis import given, settings
from hypothesis import strategies as st

import discagg
from discagg import Aggregation, CausalModel, Node, Query
from discagg.search.causal import causal_labels
from discagg.search.partitions import blocks, set_partitions


def tied_model(seed: int, nx: int, classes: int, ky: int) -> CausalModel:
    """A confounded model whose P(Y | X = x, Z) slices repeat: micro states with one slice have equal rows."""
    base = confounded_model(seed, nx, 3, 4, ky)
    rng = np.random.default_rng(seed)
    slice_of = np.concatenate([np.arange(classes), rng.integers(0, classes, nx - classes)])
    rng.shuffle(slice_of)
    y = base.nodes["Y"]
    cpt = np.asarray(y.cpt)[slice_of]  # X = x uses the CPT slice of x's class
    return replace(base, nodes=[base.nodes["Z"], base.nodes["X"], Node("Y", y.states, y.parents, cpt)])


def exact_classes(model: CausalModel) -> list[int]:
    """Classes of exactly equal rational rows P(Ybar | do(X = x)) (Fractions of the float CPTs)."""
    agg = Aggregation.of(model, "X", "Y")
    _, kernel = agg.tables(exact=True)
    rows = agg.effect_map.push_forward(kernel, axis=1)
    seen: dict[tuple[Fraction, ...], int] = {}
    return [seen.setdefault(tuple(row), len(seen)) for row in rows]


@given(st.integers(0, 2**32 - 1), st.integers(2, 7), st.data())
@settings(max_examples=25, deadline=None)
def test_classes_are_the_exactly_equal_rows_and_every_unambiguous_coarsening_refines_them(seed, nx, data):
    classes = data.draw(st.integers(1, nx))
    model = tied_model(seed, nx, classes, data.draw(st.integers(2, 4)))
    part = discagg.causal_partition(model)
    assert part.clean and part.labels.tolist() == exact_classes(model)
    # defining property: inside a class the rows agree; across classes they differ by more than the tolerance
    rows = Aggregation.of(model, "X", "Y").macro_kernel
    for i in range(nx):
        for j in range(nx):
            close = np.abs(rows[i] - rows[j]).max() <= 1e-9
            assert close == (part.labels[i] == part.labels[j])
    # the coarsest unambiguous coarsening: ambiguity 0 exactly from K = number of classes on
    c = part.n_classes
    for k in range(1, nx + 1):
        found = discagg.coarsen(model, None, None, k, "ambiguity")
        assert (found.value == 0.0) == (k >= c)
        assert found.causal_classes == c
        if k >= c:
            assert found.optimal and all(len({part.labels[model.nodes["X"].states.index(m)] for m in s.micro}) == 1
                                         for s in found.states)


@given(st.integers(0, 2**32 - 1), st.integers(2, 5))
@settings(max_examples=10, deadline=None)
def test_by_brute_force_each_unambiguous_partition_lies_inside_the_classes(seed, nx):
    model = tied_model(seed, nx, max(1, nx - 2), 3)
    labels = discagg.causal_partition(model).labels
    for k in range(1, nx + 1):
        for p in set_partitions(nx, k):
            if brute_value(model, p, "ambiguity") == 0.0:
                assert all(len({int(labels[a]) for a in b}) == 1 for b in blocks(p))


def test_rows_equal_but_for_rounding_are_one_class():
    # 0.1 + 0.2 != 0.3 in floats (nor in the rationals of those floats), but the tolerance policy calls them equal
    rows = np.array([[0.1 + 0.2, 0.7], [0.3, 0.7], [0.3, 0.7 + 2e-9]])
    labels, widths = causal_labels(rows, 1e-9)
    assert labels.tolist() == [0, 0, 1] and widths[0] < 1e-15


def test_a_chain_of_nearly_equal_rows_is_linked_transitively_and_reported_unclean():
    rows = np.array([[0.5 + 0.8e-9 * i, 0.5 - 0.8e-9 * i] for i in range(4)])  # neighbours within 1e-9, ends not
    labels, widths = causal_labels(rows, 1e-9)
    assert labels.tolist() == [0, 0, 0, 0] and widths[0] > 1e-9  # an equivalence relation: the closure
    model = _two_node_model(rows)
    part = discagg.causal_partition(model)
    assert not part.clean and part.n_classes == 1
    # then ambiguity 0 is not claimed through the classes: the search decides, and finds it needs 2 fibres
    found = discagg.coarsen(model, None, None, 2, "ambiguity")
    assert found.method == "exhaustive" and found.value == 0.0 and found.causal_classes is None


def _two_node_model(rows: np.ndarray) -> CausalModel:
    n = rows.shape[0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", discagg.CoarseningWarning)
        return CausalModel([Node("X", [f"x{i}" for i in range(n)], [], np.full(n, 1.0 / n)),
                            Node("Y", ["a", "b"], ["X"], rows)], query=Query("X", "Y"))


def test_the_cholesterol_profiles_are_four_classes_and_sachs_kinases_three():
    part = discagg.causal_partition(discagg.load_model("example:cholesterol"))
    assert part.n_classes == 4 and part.clean and part.to_mapping() == {
        "c0": ["LDLlo_HDLlo"], "c1": ["LDLlo_HDLhi"], "c2": ["LDLhi_HDLlo"], "c3": ["LDLhi_HDLhi"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sachs = discagg.causal_partition(discagg.load_model("net:sachs"), "Raf,Mek:sum", "Erk,Akt:sum>=2")
    # do(Raf, Mek) reaches Erk and Akt only through Mek: the classes are Mek's three levels
    mek = [s.split(",")[1] for s in sachs.micro_states]
    assert sachs.n_classes == 3 and all(len({mek[i] for i in np.flatnonzero(sachs.labels == c)}) == 1
                                        for c in range(3))
    assert set(sachs.to_dict()) == {"model", "cause", "effect", "classes", "clean", "macro", "kernel", "widths",
                                     "micro_states"}
    assert "classes=3" in repr(sachs)
