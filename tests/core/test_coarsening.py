import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from discagg import Coarsening, CoarseningWarning, ModelError

STATES = ["a", "b", "c", "d"]


def test_fibres_follow_micro_order_and_partition():
    pi = Coarsening.from_mapping("X", STATES, {"odd": ["d", "b"], "even": ["c", "a"]})
    assert pi.macro_states == ("odd", "even")
    assert pi.assignment.tolist() == [1, 0, 1, 0]
    assert pi.fibre("odd").tolist() == [1, 3]
    assert pi.fibre(1).tolist() == [0, 2]
    assert sorted(np.concatenate([pi.fibre(k) for k in range(pi.n_macro)]).tolist()) == [0, 1, 2, 3]
    assert pi.to_mapping() == {"odd": ["d", "b"], "even": ["c", "a"]}  # declared order kept


def test_push_forward_sums_over_fibres_along_any_axis():
    pi = Coarsening.from_mapping("X", STATES, {"ab": ["a", "b"], "cd": ["c", "d"]})
    p = np.array([[0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1]])
    np.testing.assert_allclose(pi.push_forward(p), [[0.3, 0.7], [0.7, 0.3]], rtol=0, atol=1e-15)
    np.testing.assert_allclose(pi.push_forward(p.T, axis=0), [[0.3, 0.7], [0.7, 0.3]], rtol=0, atol=1e-15)
    with pytest.raises(ValueError, match="expected 4 micro states"):
        pi.push_forward(np.ones(3))


def test_arrays_are_read_only():
    pi = Coarsening.from_mapping("X", STATES, {"ab": ["a", "b"], "cd": ["c", "d"]})
    with pytest.raises(ValueError):
        pi.assignment[0] = 1
    with pytest.raises(ValueError):
        pi.fibre(0)[0] = 3


@pytest.mark.parametrize(
    ("mapping", "path", "fragment"),
    [
        ({"ab": ["a", "b"], "cd": ["c"]}, "macro.X", "['d'] in none"),
        ({"ab": ["a", "b"], "bcd": ["b", "c", "d"]}, "macro.X.bcd[0]", "also in macro state 'ab'"),
        ({"ab": ["a", "b"], "e": ["c", "d", "e"]}, "macro.X.e[2]", "found 'e'"),
        ({"abcd": ["a", "b", "c", "d"], "none": []}, "macro.X.none", "non-empty list"),
        ({}, "macro.X", "non-empty object"),
        ({"ab": "ab", "cd": ["c", "d"]}, "macro.X.ab", "a list of micro states"),
    ],
)
def test_invalid_partitions_name_the_place(mapping, path, fragment):
    with pytest.raises(ModelError) as info:
        Coarsening.from_mapping("X", STATES, mapping)
    assert info.value.path == path
    assert fragment in str(info.value)


def test_identity_coarsening_is_allowed_with_a_warning():
    with pytest.warns(CoarseningWarning, match="merges no micro states"):
        pi = Coarsening.from_mapping("X", ["a", "b"], {"A": ["a"], "B": ["b"]})
    assert pi.merges_nothing


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.integers(1, 6), st.integers(0, 2), st.integers(0, 2**32 - 1), st.booleans(),
       st.sampled_from([8, 64, 1 << 25]))
def test_push_forward_in_blocks_equals_the_sum_over_each_fibre(n, k, axis, seed, weighted, block):
    # Blocks of whole fibres (here as small as one row) give the very same sums as one gathered copy, bit for bit.
    import discagg.core.coarsening as module

    rng = np.random.default_rng(seed)
    assignment = rng.integers(0, min(k, n), size=n)
    assignment[: min(k, n)] = np.arange(min(k, n))  # every macro state has a micro state
    coarsening = Coarsening.from_assignment("X", [f"x{i}" for i in range(n)], [f"m{j}" for j in range(min(k, n))],
                                            assignment)
    shape = [3, 2, 4]
    shape[axis] = n
    p = rng.random(shape)
    weights = np.where(rng.random(n) < 0.7, rng.random(n), 0.0) if weighted else None
    scaled = p if weights is None else p * weights.reshape((-1,) + (1,) * (2 - axis))
    # one gathered copy of every micro state (weighted: of those of non-zero weight), summed fibre by fibre
    fibres = [coarsening.fibre(j) for j in range(coarsening.n_macro)]
    if weights is not None:
        fibres = [f[weights[f] != 0] for f in fibres]
    order = np.concatenate(fibres)
    starts = np.cumsum([0] + [len(f) for f in fibres[:-1]])
    nonempty = np.array([len(f) > 0 for f in fibres])
    gathered = np.add.reduceat(np.take(scaled, order, axis=axis), starts[nonempty], axis=axis) if order.size else 0
    expected = np.zeros(scaled.shape[:axis] + (coarsening.n_macro,) + scaled.shape[axis + 1:])
    expected[(slice(None),) * axis + (np.flatnonzero(nonempty),)] = gathered
    np.testing.assert_allclose(expected, np.stack([np.take(scaled, coarsening.fibre(j), axis=axis).sum(axis=axis)
                                                   for j in range(coarsening.n_macro)], axis=axis), rtol=1e-13)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(module, "_BLOCK_BYTES", block)
        assert np.array_equal(coarsening.push_forward(p, axis=axis, weights=weights), expected)
