"""``verify --scm`` and ``--save-witnesses``: an SCM bound to MODEL, and the witness SCMs written out."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from discagg.cli.arguments import naming
from discagg.errors import ModelError
from discagg.report.verification import found_line
from discagg.report.verification import witnesses as _witnesses

__all__ = ["bound_scm", "save_witnesses", "witness_folder", "witness_lines"]

def witness_folder(text: str | None) -> Path | None:
    """The ``--save-witnesses`` directory, checked before any work (None passes)."""
    if text is None:
        return None
    if not text:
        raise ModelError(None, "--save-witnesses", "a directory name", "an empty path")
    folder = Path(text)
    if folder.exists() and not folder.is_dir():
        raise ModelError(None, "--save-witnesses", "a directory", f"the file {text}")
    return folder


def bound_scm(path: str, model: Any) -> Any:
    """The SCM of ``path`` bound to ``model`` (its responses must reproduce the model's CPTs)."""
    from discagg.core.scm import StructuralModel
    from discagg.io.scm_format import load_scm

    loaded = load_scm(path)
    with naming(path):
        if set(loaded.model.nodes) != set(model.nodes):
            raise ModelError(None, "nodes", f"the nodes of the model {sorted(model.nodes)}",
                             repr(sorted(loaded.model.nodes)))
        for name, node in model.nodes.items():
            theirs = loaded.model.nodes[name]
            if theirs.states != node.states or theirs.parents != node.parents:
                raise ModelError(None, f"nodes.{name}", f"the model's states {list(node.states)} and parents "
                                 f"{list(node.parents)} (in that order)",
                                 f"states {list(theirs.states)} and parents {list(theirs.parents)}")
        return StructuralModel(model, loaded.blocks)


def save_witnesses(result: Any, folder: Path) -> list[Path]:
    """Write every witness of the verification into ``folder``, together or not at all; the paths written."""
    import json

    from discagg.io.files import write_texts_atomic

    files = {folder / name: json.dumps(doc, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
             for name, _, doc in _witnesses(result)}
    if not files:
        return []
    created = [d for d in (folder, *folder.parents) if not d.exists()]
    try:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ModelError(str(folder), "--save-witnesses", "a directory that can be created",
                             exc.strerror or str(exc)) from None
        write_texts_atomic(files, "--save-witnesses")
    except BaseException:
        for made in created:
            with contextlib.suppress(OSError):
                made.rmdir()
        raise
    return list(files)


def witness_lines(result: Any, folder: Path | None, written: list[Path]) -> str:
    """The lines after ``verify``'s table that say what was written, or what could be."""
    found = _witnesses(result)
    if not found:
        return ""
    if folder is None:
        return "\n" + found_line(result)
    return "".join(f"\nwrote {path}: {role}" for path, (_, role, _) in zip(written, found))
