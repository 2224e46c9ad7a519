"""``discagg solve`` and ``discagg bounds``: the JSON contract, files and errors."""

import io
import json

import pytest

from discagg import load_model
from discagg.cli import main
from discagg.io.side_files import load_realization

from conftest import DATA

EXAMPLES = sorted(DATA.glob("*.json"))


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("objective", ["sparse", "closest", "min-kl", "max-entropy"])
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_solve_json_contract(path, objective):
    code, out, err = run(["solve", str(path), "--objective", objective, "--json"])
    assert code == 0 and err == ""
    doc = json.loads(out)
    model = json.loads(path.read_text())
    assert set(doc) == {"model", "cause", "effect", "objective", "macro_states", "cause_map", "effect_map"}
    assert doc["objective"] == objective
    cause, effect = doc["cause"], doc["effect"]
    for key, node in (("cause_map", cause), ("effect_map", effect)):  # the coarsenings, as the model declares them
        assert doc[key] == {"micro_states": model["nodes"][node]["states"], "macro": model["macro"][node]}
    assert [e["state"] for e in doc["macro_states"]] == list(model["macro"][cause])
    for entry in doc["macro_states"]:
        assert entry["status"] in {"inhibiting", "infeasible", "unsupported"}
        if entry["status"] == "unsupported":
            assert set(entry) == {"state", "status", "probability"} and entry["probability"] <= 1e-12
            continue
        required = {"state", "status", "probability", "realization", "observational", "interventional", "gap"}
        assert required <= set(entry)
        assert set(entry["realization"]) <= set(model["macro"][cause][entry["state"]])
        assert sum(entry["realization"].values()) == pytest.approx(1.0, abs=1e-12)
        assert set(entry["observational"]) == set(entry["interventional"]) == set(model["macro"][effect])
        if entry["status"] == "inhibiting":
            assert entry["gap"] <= 1e-9 and "certificate" not in entry
        else:
            assert entry["gap"] > 1e-9
            c = entry["certificate"]
            assert sum(c[k] * entry["observational"][k] for k in c) > sum(
                c[k] * entry["interventional"][k] for k in c)


def test_solve_table_explains_the_statuses():
    code, out, _ = run(["solve", str(DATA / "cholesterol.json")])
    assert code == 0
    assert "infeasible: no realization inhibits" in out and "inhibiting: the realization makes" in out


def test_min_cost_from_a_cost_file(tmp_path):
    cost = tmp_path / "cost.json"
    cost.write_text(json.dumps({"0": 0, "1": 1, "2": 5, "3": 2, "4": 9}))
    code, out, _ = run(["solve", str(DATA / "unconfounded.json"), "--objective", "min-cost", "--cost",
                        str(cost), "--json"])
    assert code == 0
    assert json.loads(out)["macro_states"][1]["objective_value"] == pytest.approx(3.0, abs=1e-9)


def test_save_realization_round_trips(tmp_path):
    target = tmp_path / "realization.json"
    code, out, _ = run(["solve", str(DATA / "shops.json"), "--objective", "max-entropy", "--json",
                        "--save-realization", str(target)])
    assert code == 0
    doc = json.loads(target.read_text())
    assert doc["format"] == "discagg/realization-v1" and doc["cause"] == "Sales"
    family = load_realization(target, load_model(DATA / "shops.json"))
    solved = json.loads(out)["macro_states"]
    for entry in solved:
        assert family.distribution(entry["state"]) == pytest.approx(
            {k: entry["realization"].get(k, 0.0) for k in family.distribution(entry["state"])}, abs=0)


def test_induce_and_target(tmp_path):
    code, out, _ = run(["solve", str(DATA / "shops.json"), "--induce", "--json"])
    assert code == 0
    statuses = [e["status"] for e in json.loads(out)["macro_states"]]
    assert statuses == ["inhibiting", "inducing", "inducing", "inducing", "inhibiting"]
    target = tmp_path / "target.json"
    target.write_text(json.dumps({"2": {"low": 0.5, "medium": 0.5}, "4": {"low": 1.0}}))
    code, out, _ = run(["solve", str(DATA / "shops.json"), "--induce", "--target", str(target), "--json"])
    assert code == 0
    entries = json.loads(out)["macro_states"]
    assert [e["status"] for e in entries] == ["untargeted", "untargeted", "reachable", "untargeted",
                                              "unreachable"]
    assert entries[2]["realization"] == pytest.approx({"(2,0)": 0.5, "(1,1)": 0.5}, abs=1e-12)
    assert entries[4]["target"] == {"low": 1.0, "medium": 0.0, "high": 0.0}
    assert entries[4]["certificate"]["low"] > entries[4]["certificate"]["high"]


def test_bounds_json_and_f(tmp_path):
    f = tmp_path / "f.json"
    f.write_text(json.dumps({"no": 0, "yes": 1}))
    code, out, _ = run(["bounds", str(DATA / "cholesterol.json"), "--f", str(f), "--json"])
    assert code == 0
    medium = json.loads(out)["macro_states"][1]
    assert medium["expectation"]["lower"] == pytest.approx(0.13, abs=1e-12)
    assert medium["expectation"]["upper"] == pytest.approx(0.44, abs=1e-12)
    code, out, _ = run(["bounds", str(DATA / "cholesterol.json")])
    assert code == 0 and "attained at" in out


@pytest.mark.parametrize(
    ("argv", "files", "fragment"),
    [
        (["solve", "data/shops.json", "--target", "{t}"], {"t": "{}"}, "--target: expected --target together"),
        (["solve", "data/shops.json", "--induce", "--objective", "closest"], {}, "--induce: expected no --obj"),
        (["solve", "data/shops.json", "--objective", "min-cost"], {}, "--cost: expected a cost file"),
        (["solve", "data/shops.json", "--cost", "{t}"], {"t": "{}"}, "--cost: expected --cost together"),
        (["solve", "data/unconfounded.json", "--objective", "min-cost", "--cost", "{t}"],
         {"t": '{"0": 1, "1": 1, "2": 1, "3": 1}'}, "expected a value for every micro state of 'Dose', found none "
                                                     "for ['4']"),
        (["solve", "data/unconfounded.json", "--objective", "min-cost", "--cost", "{t}"],
         {"t": '{"0": 1, "1": 1, "2": 1, "3": 1, "4": "x"}'}, ": 4: expected a number, found str 'x'"),
        (["solve", "data/shops.json", "--induce", "--target", "{t}"], {"t": '{"2": {"low": 0.5}}'},
         ": 2: expected probabilities summing to 1"),
        (["solve", "data/shops.json", "--induce", "--target", "{t}"], {"t": '{"9": {"low": 1}}'},
         ": 9: expected a macro state of the cause"),
        (["bounds", "data/shops.json", "--f", "{t}"], {"t": '{"low": 1, "mid": 2}'}, ": mid: expected a macro state"),
    ],
)
def test_bad_solver_inputs_exit_2(argv, files, fragment, tmp_path):
    paths = {}
    for key, text in files.items():
        paths[key] = tmp_path / f"{key}.json"
        paths[key].write_text(text)
    argv = [a.format(**{k: str(v) for k, v in paths.items()}) for a in argv]
    code, out, err = run(argv)
    assert code == 2 and out == ""
    assert err.startswith("discagg: error: ") and len(err.strip().splitlines()) == 1
    assert fragment in err, err


def test_solver_failure_exits_1(monkeypatch):
    import discagg.solvers.inhibiting as solver_module
    from discagg import SolverError

    def broken(K, o):
        raise SolverError("HiGHS did not solve the gap LP: Solve error")

    monkeypatch.setattr(solver_module, "min_gap", broken)
    code, out, err = run(["solve", "data/shops.json"])
    assert code == 1 and out == ""
    assert err.strip() == "discagg: solver error: HiGHS did not solve the gap LP: Solve error"
