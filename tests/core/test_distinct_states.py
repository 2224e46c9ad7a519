"""Distinct state names: the hashed check for many names agrees with a set, collisions included."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import discagg.core.validation as validation
from discagg import CausalModel, Node
from discagg.errors import ModelError


class _Colliding(str):
    """A state name whose hash collides with every other one's (equality stays the string's)."""

    def __hash__(self) -> int:
        return 7


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(alphabet="ab", min_size=0, max_size=4), max_size=40), st.integers(1, 8))
def test_hashed_check_agrees_with_a_set(names, threshold):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(validation, "_HASHED_CHECK", threshold)
        assert validation._distinct(tuple(names)) == (len(set(names)) == len(names))


def test_colliding_hashes_fall_back_to_equality():
    distinct = tuple(_Colliding(f"s{i}") for i in range(validation._HASHED_CHECK + 5))
    assert validation._distinct(distinct)
    assert not validation._distinct(distinct + (_Colliding("s3"),))


def test_a_duplicate_among_many_states_is_named():
    n = validation._HASHED_CHECK + 10
    states = [f"x{i}" for i in range(n)]
    states[-1] = "x17"
    node = Node("X", states, [], np.full(n, 1.0 / n))
    with pytest.raises(ModelError, match=r"nodes\.X\.states.*distinct state names.*'x17'"):
        CausalModel([node])
    states[-1] = "fresh"
    assert CausalModel([Node("X", states, [], np.full(n, 1.0 / n))]).nodes["X"].cardinality == n
