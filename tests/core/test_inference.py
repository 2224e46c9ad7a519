"""Variable elimination against brute-force enumeration of the full joint."""

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

from discagg import CausalModel, Node, interventional, marginal

from strategies import brute_force_joint, random_dags

ATOL = 1e-12


@given(random_dags(), st.data())
def test_marginal_matches_enumeration(model, data):
    names, joint = brute_force_joint(model)
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=3, unique=True))
    axes = [names.index(v) for v in chosen]
    expected = np.einsum(joint, list(range(len(names))), axes)
    np.testing.assert_allclose(marginal(model, chosen), expected, rtol=0, atol=ATOL)


@given(random_dags(), st.data())
def test_interventional_matches_mutilated_enumeration(model, data):
    names = tuple(model.nodes)
    x, y = data.draw(st.lists(st.sampled_from(names), min_size=2, max_size=2, unique=True))
    kernel = interventional(model, y, x)
    node_x = model.nodes[x]
    for i in range(node_x.cardinality):
        # do(X = x_i): replace X's CPT by a point mass and forget its parents.
        point = np.zeros(node_x.cardinality)
        point[i] = 1.0
        nodes = [Node(x, node_x.states, [], point) if n.name == x else n for n in model.nodes.values()]
        mutilated = CausalModel(nodes)
        enum_names, joint = brute_force_joint(mutilated)
        expected = joint.sum(axis=tuple(a for a, v in enumerate(enum_names) if v != y))
        np.testing.assert_allclose(kernel[i], expected, rtol=0, atol=ATOL)


def test_intervention_on_a_non_ancestor_leaves_the_target_alone():
    z = Node("Z", ["z0", "z1"], [], [0.3, 0.7])
    y = Node("Y", ["y0", "y1"], ["Z"], [[0.9, 0.1], [0.4, 0.6]])
    x = Node("X", ["x0", "x1", "x2"], ["Y"], [[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]])
    kernel = interventional(CausalModel([z, y, x]), "Y", "X")
    p_y = np.array([0.3 * 0.9 + 0.7 * 0.4, 0.3 * 0.1 + 0.7 * 0.6])
    np.testing.assert_allclose(kernel, np.tile(p_y, (3, 1)), rtol=0, atol=1e-15)


@given(random_dags(), st.data())
def test_interventional_joint_marginalises_to_the_kernel(model, data):
    from discagg.core.inference import interventional_joint

    names = tuple(model.nodes)
    assume(len(names) >= 3)
    x, y, w = data.draw(st.lists(st.sampled_from(names), min_size=3, max_size=3, unique=True))
    joint = interventional_joint(model, [y, w], x)
    np.testing.assert_allclose(joint.sum(axis=2), interventional(model, y, x), rtol=0, atol=ATOL)
    np.testing.assert_allclose(joint.sum(axis=1), interventional(model, w, x), rtol=0, atol=ATOL)
