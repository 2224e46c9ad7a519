"""The planned contraction (:mod:`discagg.core.contraction`) against the hand-written one and the peers.

* random DAGs: :func:`contract` agrees with the former elimination
  (``reference_elimination._contract``) on marginals and interventions, in float
  and exactly in Fractions, also with the view/matmul machinery forced on tiny
  arrays and with inputs in any memory layout;
* the size limit is checked from the plan, before anything runs;
* the plan does not depend on Python's hash seed;
* all 24 shipped networks: the interventional kernel of a cause group (and, for a
  sample of cause states, the observational joint) agrees with pyAgrum's exact
  inference on the mutilated network, and on the smaller networks with pgmpy's
  ``VariableElimination`` too. pyAgrum reads the networks with its own (C++)
  parser, independent of discagg's; state names pyAgrum's BIF parser rejects are
  renamed, which changes no number.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import tempfile
from fractions import Fraction
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reference_elimination import _contract

from discagg import CausalModel, ModelError, Node
from discagg.core import contraction
from discagg.core.contraction import contract, plan
from discagg.core.inference import _factors, interventional_joint, marginal, rational
from discagg.io.shipped import network_names, network_text

from strategies import random_dags

ATOL = 1e-12


def _problem(model, data, *, intervene: bool):
    names = tuple(model.nodes)
    cards = {n: model.cardinality(n) for n in names}
    factors = _factors(model, set(names))
    keep = tuple(data.draw(st.lists(st.sampled_from(names), max_size=4, unique=True)))
    if intervene:
        clamped = data.draw(st.sampled_from(names))
        factors = [f for f in factors if f[1][-1] != clamped]
        keep = (clamped,) + tuple(v for v in keep if v != clamped)
    return factors, keep, cards


@pytest.fixture(params=["default", "views everywhere"])
def thresholds(request, monkeypatch):
    """Run with the default thresholds, and with the strided-view matmul path and layout search forced."""
    if request.param != "default":
        monkeypatch.setattr(contraction, "_SMALL", 0)
        monkeypatch.setattr(contraction, "_ARRANGE_MIN", 0)
    return request.param


# The fixture only patches module constants, the same for every example.
_fixture_ok = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@_fixture_ok
@given(random_dags(max_nodes=7), st.data(), st.booleans())
def test_agrees_with_the_former_elimination(thresholds, model, data, intervene):
    factors, keep, cards = _problem(model, data, intervene=intervene)
    got = contract(factors, keep, cards)
    expected = _contract(factors, keep, cards)
    # The former one returned shape (1,) instead of () when nothing was kept (np.ascontiguousarray).
    assert got.shape == (expected.shape if keep else ()) == tuple(cards[v] for v in keep)
    expected = expected.reshape(got.shape)
    assert got.flags.c_contiguous and got.flags.writeable
    np.testing.assert_allclose(got, expected, rtol=0, atol=ATOL)


@_fixture_ok
@given(random_dags(max_nodes=6), st.data(), st.booleans())
def test_exact_fractions_equal_the_former_elimination(thresholds, model, data, intervene):
    factors, keep, cards = _problem(model, data, intervene=intervene)
    exact = [(rational(x), vs) for x, vs in factors]
    got = contract(exact, keep, cards)
    assert got.dtype == object and all(isinstance(v, Fraction) for v in got.ravel())
    assert (got == _contract(exact, keep, cards).reshape(got.shape)).all()


@_fixture_ok
@given(random_dags(max_nodes=6), st.data())
def test_any_input_layout(thresholds, model, data):
    """CPTs read from files come in any memory order (Fortran, transposed, strided views)."""
    factors, keep, cards = _problem(model, data, intervene=False)
    relaid = []
    for x, vs in factors:
        how = data.draw(st.sampled_from(["fortran", "strided", "reversed"]))
        if how == "fortran":
            y = np.asfortranarray(x)
        elif how == "strided":
            y = np.repeat(x, 2, axis=-1)[..., ::2]
        else:
            y = np.ascontiguousarray(np.transpose(x)).T
        assert np.array_equal(y, x)
        relaid.append((y, vs))
    np.testing.assert_allclose(contract(relaid, keep, cards), contract(factors, keep, cards), rtol=0, atol=ATOL)


def test_the_result_is_never_an_input():
    x = np.array([[0.9, 0.1], [0.2, 0.8]])
    x.setflags(write=False)
    out = contract([(x, ("A", "B"))], ("A", "B"), {"A": 2, "B": 2})
    assert np.array_equal(out, x) and not np.shares_memory(out, x) and out.flags.writeable
    assert contract([], ("A",), {"A": 3}).tolist() == [1.0, 1.0, 1.0]  # the empty product, broadcast


def test_the_size_limit_is_checked_from_the_plan_before_anything_runs(monkeypatch):
    # A - B - C with 300 states each: the one product creates P(A, C), 9e4 entries.
    rng = np.random.default_rng(0)
    cards = {"A": 300, "B": 300, "C": 300}
    factors = [(rng.random((300, 300)), ("A", "B")), (rng.random((300, 300)), ("B", "C"))]
    chosen = plan([vs for _, vs in factors], ("A", "C"), cards)
    assert chosen.largest == 90_000
    monkeypatch.setattr(contraction, "execute", lambda *a, **k: pytest.fail("ran past the size check"))
    monkeypatch.setenv("DISCAGG_MAX_ENTRIES", "89999")
    with pytest.raises(ModelError, match="within the size limit"):
        contract(factors, ("A", "C"), cards)
    # An intermediate larger than the result: the hub H of a star, summed out last.
    factors = [(rng.random((50, 40)), ("H", v)) for v in "XYZ"]
    cards = {"H": 50, "X": 40, "Y": 40, "Z": 40}
    chosen = plan([vs for _, vs in factors], ("X",), cards)
    assert chosen.largest >= 40
    monkeypatch.setenv("DISCAGG_MAX_ENTRIES", str(chosen.largest - 1))
    with pytest.raises(ModelError, match="intermediate factor of the exact contraction"):
        contract(factors, ("X",), cards)


_PLAN_SCRIPT = """
import numpy as np
from discagg.core.contraction import plan
rng = np.random.default_rng(7)
names = [f"v{k}" for k in range(40)]
cards = {v: int(rng.integers(4, 9)) for v in names}
scopes = []
for k, v in enumerate(names):
    parents = sorted(rng.choice(names[:k], size=min(k, 3), replace=False).tolist()) if k else []
    scopes.append(tuple(parents) + (v,))
chosen = plan(scopes, names[::7], cards)
print(chosen.cost, chosen.steps)
"""


def test_the_plan_does_not_depend_on_the_hash_seed():
    outputs = []
    for seed in ("1", "2"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, "-c", _PLAN_SCRIPT], capture_output=True, text=True, env=env,
                              check=True)
        outputs.append(done.stdout)
    cost = int(outputs[0].split()[0])
    assert cost > contraction.HARD  # the randomised search ran
    assert outputs[0] == outputs[1]


# -- the shipped networks ---------------------------------------------------------------------

_SAFE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_TOKEN = re.compile(r"[^\s,(){};|\[\]]+")


def _for_pyagrum(text: str) -> str:
    """BIF text with the state names pyAgrum's parser rejects (``Asy/Patch``, ``2``) renamed."""
    states = set()
    for body in re.findall(r"type\s+discrete\s*\[\s*\d+\s*\]\s*\{([^}]*)\}", text):
        states.update(s.strip() for s in body.split(",") if s.strip())
    table = {s: f"zz_state_{k}" for k, s in enumerate(sorted(s for s in states if not _SAFE.match(s)))}

    def swap(part: str) -> str:
        return _TOKEN.sub(lambda m: table.get(m.group(0), m.group(0)), part)

    text = re.sub(r"(type\s+discrete\s*\[\s*\d+\s*\]\s*\{)([^}]*)(\})",
                  lambda m: m.group(1) + swap(m.group(2)) + m.group(3), text)
    return re.sub(r"(probability\s*\([^)]*\)\s*\{)(.*?)(\})",
                  lambda m: m.group(1) + re.sub(r"\(([^)]*)\)", lambda r: "(" + swap(r.group(1)) + ")", m.group(2))
                  + m.group(3), text, flags=re.S)


@pytest.fixture(scope="module")
def networks():
    """name -> (pyAgrum BayesNet, the same network as a discagg CausalModel)."""
    gum = pytest.importorskip("pyagrum")
    loaded = {}
    with tempfile.TemporaryDirectory() as folder:
        for name in network_names():
            path = Path(folder) / f"{name}.bif"
            path.write_text(_for_pyagrum(network_text(name)))
            bn = gum.loadBN(str(path))
            nodes = []
            for i in bn.topologicalOrder():
                cpt = bn.cpt(i)
                parents = tuple(reversed(cpt.names[1:]))  # toarray() axes: the names reversed
                nodes.append(Node(cpt.names[0], list(bn.variable(i).labels()), parents, cpt.toarray()))
            loaded[name] = (bn, CausalModel(nodes, name=name))
    return loaded


def _query(model: CausalModel, size: int):
    """The effect with the most ancestors and its ``size`` farthest ancestors, at most 65,536 joint states."""
    graph = model.graph
    effect = max(graph, key=lambda n: (len(nx.ancestors(graph, n)), n))
    distance = nx.shortest_path_length(graph.reverse(), effect)
    group, states = [], 1
    for n in sorted(nx.ancestors(graph, effect), key=lambda n: (-distance[n], n)):
        if len(group) < size and states * model.cardinality(n) <= 65536:
            group.append(n)
            states *= model.cardinality(n)
    return group, effect


def _pyagrum_rows(bn, model, causes, effect, samples, *, intervene: bool):
    """pyAgrum's P(effect | causes = x) and P(causes = x) for sampled x, in the mutilated network if ``intervene``.

    In the mutilated network (the causes without parents, with uniform CPTs),
    conditioning on the causes is intervening on them.
    """
    import pyagrum as gum

    net = gum.BayesNet(bn)
    if intervene:
        for c in causes:
            for p in list(net.parents(c)):
                net.eraseArc(p, net.idFromName(c))
            k = model.cardinality(c)
            net.cpt(c).fillWith([1.0 / k] * k)
    rows, evidence = [], []
    for index in samples:
        engine = gum.LazyPropagation(net)
        engine.setEvidence({c: model.nodes[c].states[i] for c, i in zip(causes, index)})
        engine.addTarget(effect)
        try:
            engine.makeInference()
            rows.append(engine.posterior(effect).toarray())
            evidence.append(engine.evidenceProbability())
        except gum.IncompatibleEvidence:  # P(x) = 0: no conditional
            rows.append(np.full(model.cardinality(effect), np.nan))
            evidence.append(0.0)
    return np.array(rows), np.array(evidence)


def _conditionals(rows):
    rows = np.asarray(rows)
    return rows / rows.sum(axis=-1, keepdims=True)


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("name", network_names())
def test_shipped_networks_agree_with_pyagrum(networks, name):
    """P(Y | do(x)) and P(x, Y) for the benchmark's cause group (up to 16 nodes), on sampled states x.

    On networks of at most 100 nodes, also P(Y | do(x)) for a 3-node group.

    BIF files round CPT entries, so rows sum to one only within 1e-6: discagg's
    kernel rows are normalised here as :meth:`Aggregation.tables` does, and P(x)
    is compared relatively (pyAgrum's P(evidence) also sums CPTs of non-ancestors).
    """
    bn, model = networks[name]
    rng = np.random.default_rng(0)
    for size in (3, 16) if len(model.nodes) <= 100 else (16,):
        causes, effect = _query(model, size)
        kernel = interventional_joint(model, [effect], causes)
        shape = [model.cardinality(c) for c in causes]
        samples = [tuple(int(rng.integers(0, k)) for k in shape) for _ in range(4)]
        expected, _ = _pyagrum_rows(bn, model, causes, effect, samples, intervene=True)
        np.testing.assert_allclose(_conditionals([kernel[s] for s in samples]), expected, rtol=0, atol=1e-9)
        if size == 16:
            joint = marginal(model, causes + [effect])
            expected, p_cause = _pyagrum_rows(bn, model, causes, effect, samples, intervene=False)
            rows = np.array([joint[s] for s in samples])
            np.testing.assert_allclose(rows.sum(axis=1), p_cause, rtol=1e-6, atol=1e-15)
            supported = p_cause > 1e-12
            np.testing.assert_allclose(_conditionals(rows[supported]), expected[supported], rtol=0, atol=1e-9)


@pytest.mark.filterwarnings("ignore::UserWarning", "ignore::FutureWarning", "ignore::DeprecationWarning")
@pytest.mark.parametrize("name", ["asia", "sachs", "child", "insurance", "alarm", "win95pts"])
def test_small_networks_agree_with_pgmpy_variable_elimination(networks, name):
    pytest.importorskip("pgmpy")
    from pgmpy.inference import VariableElimination

    from discagg.io.networks import to_pgmpy

    _, model = networks[name]
    causes, effect = _query(model, 3)
    # The mutilated network: the causes lose their parents and get uniform CPTs, so that
    # conditioning on them there is intervening on them here.
    nodes = [Node(n, node.states, (), np.full(node.cardinality, 1 / node.cardinality)) if n in causes else node
             for n, node in model.nodes.items()]
    engine = VariableElimination(to_pgmpy(CausalModel(nodes, name=name)))
    kernel = interventional_joint(model, [effect], causes)
    for index in itertools.islice(np.ndindex(*kernel.shape[:-1]), 12):
        evidence = {c: model.nodes[c].states[i] for c, i in zip(causes, index)}
        factor = engine.query([effect], evidence=evidence, show_progress=False)
        values = [factor.get_value(**{effect: s}) for s in model.nodes[effect].states]
        np.testing.assert_allclose(_conditionals(kernel[index]), values, rtol=0, atol=1e-9)


def test_a_large_operand_whose_free_variables_the_contracted_one_separates_is_not_copied():
    """P(y | x, z) against P(z), as in every kernel P(Y | do(X)): x and y are split by z in memory.

    Copying P(y | x, z) into (x, y, z) order for BLAS would allocate its full size again (the
    largest CPT of the model); the product must read it in place (peak = the result, not the CPT).
    """
    import tracemalloc

    rng = np.random.default_rng(0)
    cards = {"X": 2**14, "Z": 8, "Y": 10}
    p_z, p_y = rng.dirichlet(np.ones(8)), rng.dirichlet(np.ones(10), size=(2**14, 8))
    tracemalloc.start()
    try:
        kernel = contract([(p_z, ("Z",)), (p_y, ("X", "Z", "Y"))], ("X", "Y"), cards)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    np.testing.assert_allclose(kernel, np.einsum("z,xzy->xy", p_z, p_y), atol=ATOL)
    assert peak < 2 * kernel.nbytes < p_y.nbytes / 2
