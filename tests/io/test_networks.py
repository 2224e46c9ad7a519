"""Networks from BIF/XMLBIF/pgmpy, groups on them, and cross-checks against pgmpy and pyAgrum."""

import io
import itertools
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from discagg import Aggregation, ModelError, load_model, solve
from discagg.cli import main
from discagg.core.groups import build_group, parse_group
from discagg.io.networks import from_pgmpy, load_bif, load_xmlbif, save_bif, save_xmlbif, to_pgmpy
from discagg.io.shipped import network_text

pgmpy = pytest.importorskip("pgmpy")
pyagrum = pytest.importorskip("pyagrum")

pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning", "ignore::DeprecationWarning",
                                        "ignore::UserWarning")

# (network, cause group, effect group): three networks, one with 37 nodes
QUERIES = [
    ("sachs", "Raf,Mek:sum", "Erk,Akt:sum>=2"),
    ("asia", "tub,lung:count=yes", "xray,dysp:count=yes"),
    ("alarm", "LVEDVOLUME,STROKEVOLUME:sum", "CVP,PCWP:sum@2,3"),
]


def aggregation(network, cause, effect):
    from dataclasses import replace

    model = load_model(f"net:{network}")
    states = {n: node.states for n, node in model.nodes.items()}
    groups = dict(model.groups)
    names = []
    for text in (cause, effect):
        name, nodes, spec = parse_group(text, states)
        groups[name] = build_group(name, nodes, states, spec)
        names.append(name)
    return Aggregation.of(replace(model, groups=groups), *names)


def as_array(factor, variables, model):
    """A pgmpy factor or pyAgrum tensor as an array over ``variables`` in discagg's state order."""
    if hasattr(factor, "state_names"):  # pgmpy DiscreteFactor
        out = np.empty([model.cardinality(v) for v in variables])
        for index in itertools.product(*(range(model.cardinality(v)) for v in variables)):
            out[index] = factor.get_value(**{v: model.nodes[v].states[i] for v, i in zip(variables, index)})
        return out
    out = np.empty([model.cardinality(v) for v in variables])  # pyAgrum Tensor
    for index in itertools.product(*(range(model.cardinality(v)) for v in variables)):
        out[index] = factor[{v: model.nodes[v].states[i] for v, i in zip(variables, index)}]
    return out


@pytest.fixture(scope="module", params=QUERIES, ids=[q[0] for q in QUERIES])
def case(request):
    network, cause, effect = request.param
    agg = aggregation(network, cause, effect)
    bn = to_pgmpy(agg.model)
    return agg, bn


def _peer_kernel(agg, bn, peer):
    """P(Ȳ | do(X = x)) for every joint micro state x of the cause group, from a peer."""
    model = agg.model
    causes, effects = model.members(agg.cause), model.members(agg.effect)
    rows = []
    if peer == "pgmpy":
        from pgmpy.inference import CausalInference

        engine = CausalInference(bn)
    else:
        import pyagrum.causal as csl

        with tempfile.TemporaryDirectory() as folder:  # pyAgrum reads BIF from a file, not from gzip
            bif = Path(folder) / f"{model.name}.bif"
            bif.write_text(network_text(model.name))
            engine = csl.CausalModel(pyagrum.loadBN(str(bif)))
    for joint in itertools.product(*(model.nodes[c].states for c in causes)):
        do = dict(zip(causes, joint))
        if peer == "pgmpy":
            factor = engine.query(list(effects), do=do, show_progress=False)
        else:
            _, factor, _ = csl.causalImpact(engine, on=set(effects), doing=set(causes), values=do)
        rows.append(as_array(factor, effects, model).ravel())
    return agg.effect_map.push_forward(np.array(rows), axis=1)


def test_observational_macro_conditional_matches_pgmpy_variable_elimination(case):
    from pgmpy.inference import VariableElimination

    agg, bn = case
    nodes = agg.model.members(agg.cause) + agg.model.members(agg.effect)
    joint = as_array(VariableElimination(bn).query(list(nodes), joint=True, show_progress=False), nodes, agg.model)
    joint = joint.reshape(agg.cause_map.n_micro, agg.effect_map.n_micro)
    macro = agg.cause_map.push_forward(agg.effect_map.push_forward(joint, axis=1), axis=0)
    s = agg.supported
    np.testing.assert_allclose(agg.observational[s], macro[s] / macro[s].sum(axis=1, keepdims=True), atol=1e-9)


@pytest.mark.parametrize("peer", ["pgmpy", "pyagrum"])
def test_interventional_kernel_and_macro_effects_match_the_peers(case, peer):
    agg, bn = case
    kernel = _peer_kernel(agg, bn, peer)
    np.testing.assert_allclose(agg.macro_kernel, kernel, atol=1e-9)
    # P(Ȳ | do(x̄)) as the mixture Σ_x q(x) P(Ȳ | do(X = x)), under the natural and a solved realization
    for family in (agg.natural_realization(), solve(agg.model, agg.cause, agg.effect,
                                                    objective="max-entropy").realization_family()):
        mixture = agg.cause_map.push_forward(family.weights[:, None] * kernel, axis=0)
        d = family.defined
        np.testing.assert_allclose(agg.interventional(family)[d], mixture[d], atol=1e-9)


def test_sachs_has_inhibiting_and_infeasible_states():
    agg = aggregation("sachs", "Raf,Mek:sum", "Erk,Akt:sum>=2")
    from discagg.solvers.inhibiting import solve_aggregation

    statuses = [s.status for s in solve_aggregation(agg).states]
    assert "inhibiting" in statuses and "infeasible" in statuses


@pytest.mark.parametrize("name", ["sachs", "asia", "alarm", "child", "win95pts"])
def test_shipped_networks_load_and_round_trip(name, tmp_path):
    model = load_model(f"net:{name}")
    assert model.name == name
    again = from_pgmpy(to_pgmpy(model), name=name)
    assert all(again.nodes[n] == model.nodes[n] for n in model.nodes)
    save_bif(model, tmp_path / "n.bif")
    written = [load_bif(tmp_path / "n.bif")]
    if name == "child":  # states "<7.5" and ">=7.5": pgmpy's XMLBIF writer would merge them
        with pytest.raises(ModelError, match=r"XMLBIFWriter (can write|writes and XMLBIFReader reads back)"):
            save_xmlbif(model, tmp_path / "n.xml")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["n.bif"]  # nothing half-written
    else:
        save_xmlbif(model, tmp_path / "n.xml")
        written.append(load_xmlbif(tmp_path / "n.xml"))
    for reread in written:
        assert set(reread.nodes) == set(model.nodes)
        assert all(reread.nodes[n] == model.nodes[n] for n in model.nodes)


def test_unknown_network_and_bad_files(tmp_path):
    with pytest.raises(ModelError, match=r"net:nope: expected a shipped network \[.*'sachs'"):
        load_model("net:nope")
    bad = tmp_path / "bad.bif"
    bad.write_text("variable A { type discrete [ 2 ] { a, b }; }\nprobability ( A ) { table 0.5, 0.2; }\n")
    with pytest.raises(ModelError) as info:
        load_model(str(bad))
    assert str(info.value).startswith(f"{bad}: ") and "\n" not in str(info.value)
    garbage = tmp_path / "garbage.xml"
    garbage.write_text("<not-xmlbif>")
    with pytest.raises(ModelError) as info:
        load_model(str(garbage))
    assert str(info.value).startswith(f"{garbage}: expected a XMLBIF file pgmpy can read, found ")
    code, out, err = run(["inspect", str(bad), "--cause", "A", "--effect", "A"])
    assert code == 2 and out == "" and err.startswith(f"discagg: error: {bad}: ")


XMLBIF_A = """<?xml version="1.0"?><BIF VERSION="0.3"><NETWORK><NAME>a</NAME>
<VARIABLE TYPE="nature"><NAME>A</NAME><OUTCOME>a0</OUTCOME><OUTCOME>a1</OUTCOME></VARIABLE>
<DEFINITION><FOR>A</FOR><TABLE>0.5 0.5</TABLE></DEFINITION></NETWORK></BIF>"""


def test_bif_and_the_shipped_networks_need_no_pgmpy_and_xmlbif_says_how_to_get_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "pgmpy", None)  # as after a plain `pip install .`
    assert load_model("net:asia").cardinality("smoke") == 2
    (tmp_path / "a.bif").write_text("variable A { type discrete [ 2 ] { a0, a1 }; }\n"
                                    "probability ( A ) { table 0.5, 0.5; }\n")
    assert load_model(str(tmp_path / "a.bif")).nodes["A"].cpt.tolist() == [0.5, 0.5]
    (tmp_path / "a.xml").write_text(XMLBIF_A)
    with pytest.raises(ModelError, match=r"pgmpy installed .*pip install 'discagg\[networks\]'"):
        load_model(str(tmp_path / "a.xml"))


ASSUMPTION_1_RAF_MEK = ("discagg: warning: the cause group 'Raf+Mek' has a directed path inside it (Raf -> Mek): the "
                        "paper's Assumption 1 excludes this, and do(Xbar) then fixes a node together with one of its "
                        "causes\n")


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    return main(argv, stdout=out, stderr=err), out.getvalue(), err.getvalue()


def test_cli_on_networks_with_groups(tmp_path):
    for command, expected in ((["inspect"], "cause Raf+Mek"), (["solve"], "cause Raf+Mek, effect Erk+Akt"),
                              (["bounds"], "cause Raf+Mek, effect Erk+Akt"),
                              (["verify", "--check", "theorem-3.1"], "theorem-3.1  hypothesis")):
        code, out, err = run([command[0], "net:sachs", "--cause", "Raf,Mek:sum", "--effect", "Erk,Akt:sum>=2",
                              *command[1:]])
        # Raf -> Mek inside the cause group: outside Assumption 1, said in one warning line and nothing else
        assert code == 0 and err == ASSUMPTION_1_RAF_MEK, (command, err)
        assert expected in out, (command, out[:300])
    code, out, err = run(["solve", "net:sachs", "--cause", "Raf,Mek:sum", "--effect", "Erk,Akt:sum>=2", "--json",
                          "--save-realization", str(tmp_path / "r.json")])
    assert code == 0
    code, out, err = run(["verify", "net:sachs", "--cause", "Raf,Mek:sum", "--effect", "Erk,Akt:sum>=2",
                          "--realization", str(tmp_path / "r.json"), "--check", "theorem-3.2"])
    assert code == 1 and "the theorem's X and Y are single nodes" in out


@pytest.mark.parametrize(
    ("cause", "fragment"),
    [
        ("Raf,Mek", "a map for a group of nodes"),
        ("Raf,Nope:sum", "found 'Nope'"),
        ("Raf,Mek:median", "a map sum, value-sum or count=STATE"),
        ("Raf,Mek:count=VERY", "a state name of at least one of the nodes"),
        ("Raf,Mek:value-sum", "numeric state names"),
        ("Raf,Mek:sum@9", "bins that every contain some joint state"),
        ("Raf:sum@9", "bins that every contain some joint state"),
        ("Erk", "cause and effect groups without common nodes"),
    ],
)
def test_cli_group_syntax_errors(cause, fragment):
    code, out, err = run(["inspect", "net:sachs", "--cause", cause, "--effect", "Erk,Akt:sum"])
    assert code == 2 and out == "" and fragment in err, err
    assert len(err.strip().splitlines()) == 1


def test_provenance_table_matches_the_catalogue():
    """Every shipped network is in PROVENANCE.md with the sizes `discagg networks` reports."""
    from discagg.io.shipped import network_catalogue, provenance

    text = provenance()
    catalogue = network_catalogue()
    assert len(catalogue) == 24
    for entry in catalogue:
        if entry.name.startswith("munin"):
            continue  # one row for the five munin networks, checked below
        row = next(line for line in text.splitlines() if line.startswith(f"| {entry.name} |"))
        cells = [c.strip() for c in row.split("|")[2:6]]
        s = entry.summary
        assert cells == [str(s.nodes), str(s.arcs), str(s.max_states), str(s.parameters)], entry.name
    munin = {e.name: e.summary for e in catalogue if e.name.startswith("munin")}
    row = next(line for line in text.splitlines() if line.startswith("| munin,"))
    nodes = [int(v) for v in row.split("|")[2].split(",")]
    assert nodes == [munin[n].nodes for n in ("munin", "munin1", "munin2", "munin3", "munin4")]


@pytest.mark.parametrize("name", ["cancer", "earthquake", "survey", "insurance"])
def test_more_shipped_networks_load_with_pgmpy_and_agree_with_the_scan(name):
    from discagg.io.shipped import network_catalogue

    model = load_model(f"net:{name}")
    summary = {e.name: e.summary for e in network_catalogue()}[name]
    assert len(model.nodes) == summary.nodes and model.graph.number_of_edges() == summary.arcs
    assert sum(node.cpt.size for node in model.nodes.values()) == summary.parameters


def test_the_shipped_data_is_found_with_or_without_the_installed_data_package(monkeypatch):
    """Installed, it is the package discagg.data; imported from a checkout, the top-level data/ directory."""
    import importlib.resources

    from discagg.io import shipped

    installed = shipped.network_names(), shipped.example_names()
    real = importlib.resources.files

    def checkout(package):
        if package == "discagg.data":
            raise ModuleNotFoundError("No module named 'discagg.data'")
        return real(package)

    monkeypatch.setattr(importlib.resources, "files", checkout)
    assert (shipped.network_names(), shipped.example_names()) == installed
    assert len(installed[0]) == 24 and load_model("net:asia").cardinality("smoke") == 2
