"""``mypy --strict`` passes on the package and on the README's Python, written as typed code.

``tests/typecheck/readme_usage.py`` holds every statement of the README's Python examples (the
``python``, ``py`` and ``pycon`` blocks) with ``assert_type`` checks of what a user gets back; the
type check runs ``python -m mypy --strict`` on it and on ``discagg`` with the configuration in
``pyproject.toml`` (mypy and the stub packages are in the ``test`` extra). A second test keeps that
file in step with the README: every README statement must appear in it verbatim once the
annotations and ``assert_type`` wrappers added there are taken away.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys

import pytest

from conftest import ROOT

USAGE = ROOT / "tests" / "typecheck" / "readme_usage.py"


def _readme_blocks() -> list[str]:
    """The README's Python: whole ``python``/``py`` blocks, and the input lines of ``pycon`` blocks."""
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:python|py)\n(.*?)```", readme, flags=re.S)
    for session in re.findall(r"```pycon\n(.*?)```", readme, flags=re.S):
        blocks.append("\n".join(line[4:] for line in session.splitlines() if line.startswith((">>> ", "... "))))
    return blocks


class _Untyped(ast.NodeTransformer):
    """``x: T = e`` becomes ``x = e``; ``assert_type(e, T)`` becomes ``e``."""

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        if node.value is None:
            return node
        return ast.Assign(targets=[node.target], value=self.visit(node.value), lineno=node.lineno)

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if isinstance(node.func, ast.Name) and node.func.id == "assert_type":
            return self.visit(node.args[0])
        return self.generic_visit(node)


def _statements(tree: ast.Module) -> set[str]:
    """Every statement of the module and of its functions' bodies, as ``ast.unparse`` writes it."""
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            found.update(ast.unparse(statement) for statement in node.body)
        else:
            found.add(ast.unparse(node))
    return found


def test_every_readme_statement_is_in_the_typed_usage_file():
    typed = _statements(_Untyped().visit(ast.parse(USAGE.read_text())))
    readme = [ast.unparse(s) for block in _readme_blocks() for s in ast.parse(block).body]
    assert len(readme) > 60  # the README's examples were found
    missing = [statement for statement in readme if statement not in typed]
    assert not missing, f"README statements not in {USAGE.name} (add them there, typed): {missing}"


def test_untyping_is_what_the_sync_check_compares():
    tree = ast.parse("def f() -> None:\n    x: int = assert_type(g(assert_type(y, int)), int)\n    assert_type(z, str)\n")
    assert _statements(_Untyped().visit(tree)) == {"x = g(y)", "z"}


def test_mypy_strict_passes_on_the_package_and_the_readme_usage(tmp_path):
    pytest.importorskip("mypy", reason="mypy is not installed: pip install '.[test]' installs it and the stubs")
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "mypy-cache"),
         "discagg", str(USAGE.relative_to(ROOT))],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Success: no issues found" in result.stdout
