"""Hostile inputs: every class is refused with one line naming the file, the place, the expectation and the finding."""

from __future__ import annotations

import copy
import json
import os
import stat
import time
from pathlib import Path

import numpy as np
import pytest

from discagg import CausalModel, ModelError, Node, load_model, solve
from discagg.io.files import atomic_output, write_text_atomic, write_texts_atomic
from discagg.io.side_files import load_targets, load_values
from discagg.limits import DEFAULT_MAX_ENTRIES

from conftest import BASE_DOC


def write(tmp_path: Path, text: str, name: str = "m.json") -> Path:
    target = tmp_path / name
    target.write_text(text)
    return target


def refused(path: Path, fragment: str, loader=load_model) -> str:
    with pytest.raises(ModelError) as info:
        loader(path)
    message = str(info.value)
    assert "\n" not in message and message.startswith(f"{path}: "), message
    assert fragment in message, message
    return message


@pytest.mark.parametrize(("text", "path"), [
    ('{"format": "discagg/model-v1", "format": "discagg/model-v1", "nodes": {}}', "format"),
    ('{"format": "discagg/model-v1", "nodes": {"X": {"states": ["a"], "parents": [], "cpt": [1.0]}, '
     '"X": {"states": ["a", "b"], "parents": [], "cpt": [0.5, 0.5]}}}', "nodes.X"),
    ('{"format": "discagg/model-v1", "nodes": {"X": {"states": ["a"], "parents": [], "cpt": [1.0], "cpt": [1.0]}}}',
     "nodes.X.cpt"),
])
def test_duplicate_keys_are_refused_with_their_path(tmp_path, text, path):
    refused(write(tmp_path, text), f"{path}: expected each key once in an object, found it twice")


def test_duplicate_keys_in_macro_query_and_side_files(tmp_path):
    doc = json.dumps(BASE_DOC)
    text = doc.replace('"query": {"cause": "X", "effect": "Y"}', '"query": {"cause": "X", "cause": "Z", "effect": "Y"}')
    refused(write(tmp_path, text), "query.cause: expected each key once")
    text = doc.replace('"macro": {"X": {"low": ["x0", "x1"], "high": ["x2"]}',
                       '"macro": {"X": {"low": ["x0"], "low": ["x0", "x1"], "high": ["x2"]}')
    refused(write(tmp_path, text), "macro.X.low: expected each key once")
    cost = write(tmp_path, '{"x0": 1, "x1": 2, "x2": 3, "x0": 4}', "cost.json")
    refused(cost, "x0: expected each key once", lambda p: load_values(p, ("x0", "x1", "x2"), "micro state"))


def test_deep_nesting_is_refused(tmp_path):
    deep = write(tmp_path, '{"format": "discagg/model-v1", "nodes": ' + "[" * 100_000 + "]" * 100_000 + "}")
    refused(deep, "expected JSON nested at most 64 levels deep, found deeper nesting")
    moderate = write(tmp_path, '{"format": "discagg/model-v1", "description": ' + "[" * 80 + "]" * 80 + "}", "d.json")
    refused(moderate, "expected JSON nested at most 64 levels deep")


@pytest.mark.parametrize("number", ["1" + "0" * 400, "9" * 5000, "1e400", "NaN", "-Infinity"])
def test_numbers_beyond_float64_are_refused_where_they_stand(tmp_path, number):
    doc = json.dumps(BASE_DOC).replace('"cpt": [0.4, 0.6]', f'"cpt": [{number}, 0.6]')
    refused(write(tmp_path, doc), "nodes.Z.cpt[0]: expected a finite probability")
    cost = write(tmp_path, f'{{"x0": {number}, "x1": 0, "x2": 0}}', "cost.json")
    refused(cost, "x0: expected a number", lambda p: load_values(p, ("x0", "x1", "x2"), "micro state"))
    target = write(tmp_path, f'{{"low": {{"no": {number}}}}}', "target.json")
    refused(target, "low.no: expected a number", lambda p: load_targets(p, ("low", "high"), ("no", "yes")))
    bins = copy.deepcopy(BASE_DOC)
    bins["groups"] = {"version": 1, "groups": {"G": {"nodes": ["Z", "X"], "map": {"sum": "index", "bins": [0]}}}}
    text = json.dumps(bins).replace('"bins": [0]', f'"bins": [{number}]')
    refused(write(tmp_path, text, "g.json"), "groups.groups.G.map.bins: expected a non-empty increasing list")


def test_version_true_is_not_version_1(tmp_path):
    doc = copy.deepcopy(BASE_DOC)
    doc["groups"] = {"version": True, "groups": {}}
    refused(write(tmp_path, json.dumps(doc)), "groups.version: expected 1, found bool True")


def test_oversized_cpt_is_refused_before_allocating(tmp_path):
    nodes = {f"P{i}": {"states": ["a", "b"], "parents": [], "cpt": [0.5, 0.5]} for i in range(40)}
    nodes["C"] = {"states": ["a", "b"], "parents": [f"P{i}" for i in range(40)], "cpt": []}
    start = time.perf_counter()
    message = refused(write(tmp_path, json.dumps({"format": "discagg/model-v1", "nodes": nodes})),
                      "nodes.C.cpt: expected a CPT of shape")
    assert "2199023255552 entries (16 TiB)" in message and "DISCAGG_MAX_ENTRIES" in message
    assert time.perf_counter() - start < 5  # refused from the shape alone (a generous bound, not a benchmark)


def test_oversized_groups_are_refused_and_the_limit_can_be_raised(monkeypatch):
    nodes = [Node(f"B{i}", ["0", "1"], [], [0.5, 0.5]) for i in range(40)]
    nodes.append(Node("Y", ["0", "1"], ["B0"], [[0.5, 0.5], [0.2, 0.8]]))
    model = CausalModel(nodes)
    group = ",".join(f"B{i}" for i in range(40)) + ":sum"
    with pytest.raises(ModelError, match=r"cause\.nodes: expected the joint states of the 40 nodes .* within the "
                                         r"size limit of 268435456 entries \(2 GiB; .*found 1099511627776 entries"):
        solve(model, cause=group, effect="Y")
    with pytest.raises(ModelError, match="found 536870912 entries"):
        solve(model, cause=",".join(f"B{i}" for i in range(29)) + ":sum", effect="Y")
    monkeypatch.setenv("DISCAGG_MAX_ENTRIES", "64")
    with pytest.raises(ModelError, match="size limit of 64 entries"):
        solve(model, cause="B0,B1,B2,B3,B4,B5,B6:sum", effect="Y")  # 128 joint states
    assert solve(model, cause="B0,B1,B2:sum", effect="Y").states[0].status == "inhibiting"
    monkeypatch.setenv("DISCAGG_MAX_ENTRIES", "many")
    with pytest.raises(ModelError, match="DISCAGG_MAX_ENTRIES: expected a positive number of array entries"):
        solve(model, cause="B0,B1:sum", effect="Y")
    assert DEFAULT_MAX_ENTRIES == 2**28


BIF_HEAD = "network unknown {\n}\n"


def bif_variable(name: str, n: int) -> str:
    return f"variable {name} {{\n  type discrete [ {n} ] {{ {', '.join(f's{i}' for i in range(n))} }};\n}}\n"


def test_bif_tables_beyond_the_limit_are_refused_before_pgmpy(tmp_path):
    text = BIF_HEAD + "".join(bif_variable(v, 300) for v in "ABCD")
    text += "probability ( A | B, C, D ) {\n  table 0.5;\n}\n"
    refused(write(tmp_path, text, "big.bif"), "probability A: expected the CPT of 'A' (parents ['B', 'C', 'D']) "
                                              "within the size limit")


def test_bif_duplicate_tables_and_miscounted_states(tmp_path):
    text = BIF_HEAD + bif_variable("A", 2) + "probability ( A ) {\n  table 0.5, 0.5;\n}\n" * 2
    refused(write(tmp_path, text, "dup.bif"), "probability ( A ): expected one probability block per variable")
    text = BIF_HEAD + bif_variable("A", 2).replace("[ 2 ]", "[ 3 ]") + "probability ( A ) {\n  table 0.5, 0.5;\n}\n"
    refused(write(tmp_path, text, "count.bif"), "variable A: expected as many states as declared (3), found 2 states")


def test_special_files_are_not_read(tmp_path):
    refused(Path("/dev/zero"), "expected a file, found a character device")
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    refused(fifo, "expected a file, found a FIFO (named pipe)")
    refused(tmp_path, "expected a file, found a directory")
    refused(write(tmp_path, "\x00\xff", "x.bif"), "")  # binary garbage: one line, naming the file


def test_outputs_refuse_bad_places_and_write_nothing(tmp_path):
    with pytest.raises(ModelError, match="--out: expected a file name, found an empty path"):
        write_text_atomic("", "x", "--out")
    with pytest.raises(ModelError, match="expected a file in an existing directory"):
        write_text_atomic(tmp_path / "missing" / "x.json", "x")
    with pytest.raises(ModelError, match="expected a regular file or a new file name to write, found a directory"):
        write_text_atomic(tmp_path, "x")
    with pytest.raises(ModelError, match="found a character device"):
        write_text_atomic("/dev/null", "x")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)  # the device is still a device
    if Path("/proc/self").is_dir():
        with pytest.raises(ModelError, match="expected a file in a writable directory"):
            write_text_atomic("/proc/discagg-test.json", "x")
    assert list(tmp_path.iterdir()) == []


def test_outputs_get_normal_permissions_and_keep_a_replaced_files_mode(tmp_path):
    mask = os.umask(0o022)
    try:
        write_text_atomic(tmp_path / "new.json", "{}")
        assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o644
        existing = tmp_path / "old.json"
        existing.write_text("old")
        existing.chmod(0o600)
        write_text_atomic(existing, "new")
        assert existing.read_text() == "new" and stat.S_IMODE(existing.stat().st_mode) == 0o600
    finally:
        os.umask(mask)


def test_an_interrupted_pair_leaves_neither_file_nor_temporaries(tmp_path):
    class Interrupted(BaseException):
        pass

    with pytest.raises(Interrupted):
        with atomic_output(tmp_path / "image.png") as temporary:
            temporary.write_bytes(b"half")
            raise Interrupted
    assert list(tmp_path.iterdir()) == []
    write_texts_atomic({tmp_path / "a.json": "1", tmp_path / "b.json": "2"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]
    with pytest.raises(ModelError):
        write_texts_atomic({tmp_path / "c.json": "3", tmp_path / "missing" / "d.json": "4"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json", "b.json"]


def test_unprintable_names_keep_errors_on_one_line(tmp_path):
    doc = copy.deepcopy(BASE_DOC)
    doc["nodes"]["X"]["states"] = ["x0\nINJECTED", "x1", "x2"]
    doc["macro"]["X"] = {"low\n": ["nope\n"], "high": ["x2"]}
    message = refused(write(tmp_path, json.dumps(doc)), "macro.X.low\\n[0]: expected a state of node 'X'")
    assert "\\n" in message


def test_groups_in_json_with_nulls_and_unknown_keys(tmp_path):
    doc = copy.deepcopy(BASE_DOC)
    doc["groups"] = {"version": 1, "groups": {"G": {"nodes": ["Z", "X"], "map": None}}}
    refused(write(tmp_path, json.dumps(doc)), "groups.groups.G.map: expected an object")
    doc["groups"] = {"version": 1, "groups": {"G": {"nodes": ["Z", "X"], "map": {"sum": "index"}, "extra": 1}}}
    refused(write(tmp_path, json.dumps(doc)), "groups.groups.G.extra: expected only the keys")


def test_numbers_that_are_fine_still_load(tmp_path):
    doc = copy.deepcopy(BASE_DOC)
    doc["nodes"]["Z"]["cpt"] = [0, 1]  # integers are probabilities too
    model = load_model(write(tmp_path, json.dumps(doc)))
    assert np.array_equal(model.nodes["Z"].cpt, [0.0, 1.0])


def test_an_output_through_a_symbolic_link_replaces_the_file_it_names_and_keeps_the_link(tmp_path):
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real.name)
    write_text_atomic(link, "new", "--save-realization")
    assert link.is_symlink() and os.readlink(link) == "real.json"
    assert real.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "real.json"]  # no temporary left
