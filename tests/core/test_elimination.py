"""The indexed variable elimination: same greedy order and results, linear on long chains.

``_contract`` (the hand-written elimination, now the reference copy in
``reference_elimination.py``) keeps an index from variables to factors and a heap
of elimination costs; these tests pin it to the plain list-based greedy rule it
replaced (bitwise: the same order gives the same floating-point operations). The
inference functions, now planned by :mod:`discagg.core.contraction`, are checked
against brute-force enumeration on random DAGs and against the closed form on a
long chain. No test here is timed: ``scripts/bench_chain.py`` measures the scaling.
"""

from fractions import Fraction

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from reference_elimination import _contract, _pair

from discagg import CausalModel, Node
from discagg.core.inference import _factors, interventional, interventional_joint, marginal

from strategies import brute_force_joint, random_dags

ATOL = 1e-12


def reference_contract(factors, keep, cards):
    """The greedy elimination as originally written: rescan every factor for every candidate.

    Pick the variable whose elimination creates the smallest factor (``min`` over
    ``(cost, name)``), multiply the factors that mention it pairwise, smallest
    first, keeping a variable only while a kept, remaining or pending factor
    needs it, and sum it out. Cubic in the chain length; fine on small models.
    """
    factors = list(factors)
    kept = set(keep)
    while True:
        candidates = {v for _, vs in factors for v in vs} - kept
        if not candidates:
            break

        def cost(v, factors=factors):
            scope = {u for _, vs in factors if v in vs for u in vs} - {v}
            return float(np.prod([cards[u] for u in scope], dtype=np.float64)), v

        var = min(candidates, key=cost)
        involved = sorted((f for f in factors if var in f[1]), key=lambda f: f[0].size)
        factors = [f for f in factors if var not in f[1]]
        others = {v for _, vs in factors for v in vs} | kept
        result = involved[0]
        for i, factor in enumerate(involved[1:], start=2):
            result = _pair(result, factor, others | {v for _, vs in involved[i:] for v in vs}, cards)
        if len(involved) == 1:
            array, vs = result
            result = (array.sum(axis=vs.index(var)), tuple(v for v in vs if v != var))
        factors.append(result)
    result = factors[0] if factors else (np.ones(()), ())
    for factor in factors[1:]:
        result = _pair(result, factor, kept, cards)
    array, vs = result
    shape = tuple(cards[v] if v in vs else 1 for v in keep)
    array = np.transpose(array, [vs.index(v) for v in keep if v in vs]).reshape(shape)
    return np.ascontiguousarray(np.broadcast_to(array, tuple(cards[v] for v in keep)))


def _point_mass_model(model, clamp):
    """The mutilated model with each node of ``clamp`` (name -> state index) set by a point mass."""
    nodes = []
    for node in model.nodes.values():
        if node.name in clamp:
            point = np.zeros(node.cardinality)
            point[clamp[node.name]] = 1.0
            node = Node(node.name, node.states, [], point)
        nodes.append(node)
    return CausalModel(nodes)


@given(random_dags(max_nodes=7), st.data())
def test_elimination_is_bitwise_the_greedy_reference(model, data):
    names = tuple(model.nodes)
    keep = tuple(data.draw(st.lists(st.sampled_from(names), max_size=3, unique=True)))
    cards = {n: model.cardinality(n) for n in names}
    factors = _factors(model, set(names))
    got = _contract(factors, keep, cards)
    expected = reference_contract(factors, keep, cards)
    assert got.shape == expected.shape
    assert np.array_equal(got, expected)
    # Also on the factors of an intervention (a clamped node with its CPT dropped).
    x = data.draw(st.sampled_from(names))
    cut = [f for f in factors if f[1][-1] != x]
    keep = (x,) + tuple(v for v in keep if v != x)
    assert np.array_equal(_contract(cut, keep, cards), reference_contract(cut, keep, cards))


@given(random_dags(max_nodes=6), st.data())
def test_elimination_matches_brute_force(model, data):
    names, joint = brute_force_joint(model)
    chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=4, unique=True))
    expected = np.einsum(joint, list(range(len(names))), [names.index(v) for v in chosen])
    np.testing.assert_allclose(marginal(model, chosen), expected, rtol=0, atol=ATOL)
    # Joint intervention on one or two nodes against enumeration of the mutilated model.
    rest = [n for n in names if n not in chosen]
    if not rest:
        return
    clamped = data.draw(st.lists(st.sampled_from(rest), min_size=1, max_size=2, unique=True))
    result = interventional_joint(model, chosen, clamped)
    for index in np.ndindex(*(model.cardinality(c) for c in clamped)):
        enum_names, mutilated = brute_force_joint(_point_mass_model(model, dict(zip(clamped, index))))
        expected = np.einsum(mutilated, list(range(len(enum_names))), [enum_names.index(v) for v in chosen])
        np.testing.assert_allclose(result[index], expected, rtol=0, atol=ATOL)


def _chain(n, seed, *, exact_halves=False):
    """A binary chain X0 → … → X{n-1}: its model and its CPTs (P(X0), then the transitions)."""
    rng = np.random.default_rng(seed)
    if exact_halves:  # dyadic entries: exact Fractions stay small
        cpts = [np.array([0.25, 0.75])] + [np.array([[0.5, 0.5], [0.25, 0.75]])[:, ::s] for s in
                                           rng.choice([1, -1], size=n - 1)]
    else:
        # Each transition is the identity or the swap up to a little noise, so that the
        # end-to-end kernel of a long chain is still far from stationary.
        flips = np.array([np.eye(2), np.eye(2)[::-1]])[rng.integers(0, 2, size=n - 1)]
        noise = rng.dirichlet([1.0, 1.0], size=(n - 1, 2))
        cpts = [rng.dirichlet([1.0, 1.0])] + list((1 - 1e-4) * flips + 1e-4 * noise)
    nodes = [Node(f"X{i}", ["a", "b"], [f"X{i - 1}"] if i else [], cpt) for i, cpt in enumerate(cpts)]
    return CausalModel(nodes), cpts


def test_long_chain_matches_the_product_of_transition_matrices():
    n = 2000
    model, cpts = _chain(n, seed=3)
    product = np.eye(2)
    for t in cpts[1:]:
        product = product @ t
    kernel = interventional(model, f"X{n - 1}", "X0")
    assert np.abs(product - product.mean(axis=0)).max() > 0.05  # not yet mixed: the test has teeth
    np.testing.assert_allclose(kernel, product, rtol=0, atol=1e-12)
    np.testing.assert_allclose(marginal(model, ["X0", f"X{n - 1}"]), cpts[0][:, None] * product, rtol=0, atol=1e-12)
    # A kernel from the middle of the chain, and the same through interventional_joint.
    middle = np.eye(2)
    for t in cpts[n // 2 + 1:]:
        middle = middle @ t
    np.testing.assert_allclose(interventional(model, f"X{n - 1}", f"X{n // 2}"), middle, rtol=0, atol=1e-12)
    np.testing.assert_allclose(interventional_joint(model, [f"X{n - 1}"], [f"X{n // 2}"]), middle,
                               rtol=0, atol=1e-12)


def test_long_chain_exact_path():
    n = 300
    model, cpts = _chain(n, seed=5, exact_halves=True)
    product = np.array([[Fraction(1), Fraction(0)], [Fraction(0), Fraction(1)]], dtype=object)
    for t in cpts[1:]:
        product = product.dot(np.vectorize(Fraction, otypes=[object])(t))
    kernel = interventional(model, f"X{n - 1}", "X0", exact=True)
    assert kernel.dtype == object
    assert all(isinstance(v, Fraction) for v in kernel.ravel())
    assert (kernel == product).all()
    joint = marginal(model, [f"X{n - 1}", "X0"], exact=True)
    p0 = [Fraction(1, 4), Fraction(3, 4)]
    assert (joint == np.array([[p0[i] * product[i, j] for i in range(2)] for j in range(2)], dtype=object)).all()
