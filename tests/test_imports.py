"""Start-up: importing discagg loads none of the heavy optional or solver libraries."""

import subprocess
import sys


def modules_after(code: str) -> set[str]:
    result = subprocess.run([sys.executable, "-c", code + "\nimport sys\nprint(' '.join(sys.modules))"],
                            capture_output=True, text=True, check=True)
    return {name.split(".")[0] for name in result.stdout.split()}


def test_import_discagg_loads_no_heavy_library():
    loaded = modules_after("import discagg")
    assert not loaded & {"cvxpy", "matplotlib", "pgmpy", "scipy", "networkx", "highspy", "numpy"}, loaded


def test_the_cli_parser_loads_no_heavy_library():
    loaded = modules_after("from discagg.cli import build_parser\nbuild_parser()")
    assert not loaded & {"cvxpy", "matplotlib", "pgmpy", "scipy", "networkx", "highspy", "numpy"}, loaded


def test_a_model_and_its_quantities_need_only_numpy():
    loaded = modules_after("import discagg\nm = discagg.load_model('example:cholesterol')\n"
                           "discagg.inspect_model(m)")
    assert "numpy" in loaded
    assert not loaded & {"cvxpy", "matplotlib", "pgmpy", "scipy", "networkx", "highspy"}, loaded


def test_public_names_resolve_lazily_and_completely():
    import discagg

    assert set(discagg.__all__) <= set(dir(discagg))
    for name in discagg.__all__:
        assert getattr(discagg, name) is not None, name


def test_fast_solves_do_not_import_cvxpy():
    loaded = modules_after("import discagg\nm = discagg.load_model('example:cholesterol')\n"
                           "for o in discagg.OBJECTIVES:\n"
                           "    discagg.solve(m, objective=o, cost=[1.0, 2.0, 3.0, 4.0] if o == 'min-cost' else None)\n"
                           "discagg.effect_bounds(m)\ndiscagg.most_inducing(m)")
    assert "highspy" in loaded  # the fast paths did run
    assert "cvxpy" not in loaded


def test_method_cvxpy_imports_cvxpy_when_used():
    loaded = modules_after("import discagg\nm = discagg.load_model('example:cholesterol')\n"
                           "discagg.solve(m, objective='closest', method='cvxpy')")
    assert "cvxpy" in loaded
