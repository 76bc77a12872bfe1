"""Code provenance: a hash of exactly the ``depth2`` modules a job depends on.

Snakemake does not see the modules a rule imports. Each rule therefore puts ``code_hash(modules)`` into its
``params:``; Snakemake stores params in its metadata and re-runs a job whose params changed, so a change
to a module re-runs exactly the jobs whose import closure contains it (and, through their outputs, the
jobs downstream). The closure follows ``import depth2...`` / ``from depth2... import ...`` statements
found by parsing the source (nothing is imported, nothing random), starting from the given modules.
Parent packages' ``__init__`` files are followed only when imported explicitly.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Iterable
from functools import cache
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent


def module_file(name: str) -> Path | None:
    """The source file of ``depth2.x.y`` (module or package ``__init__``), or None if there is none."""
    if name != "depth2" and not name.startswith("depth2."):
        return None
    rel = Path(*name.split(".")[1:])
    for cand in (PACKAGE_ROOT / rel.with_suffix(".py"), PACKAGE_ROOT / rel / "__init__.py"):
        if cand.is_file():
            return cand
    return None


@cache
def _direct_imports(path: Path) -> tuple[str, ...]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("depth2"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("depth2"):
            found.add(node.module)
            # "from depth2.papers.guo2025 import figures" imports a submodule
            found.update(f"{node.module}.{a.name}" for a in node.names if module_file(f"{node.module}.{a.name}"))
    return tuple(sorted(n for n in found if module_file(n)))


def closure(modules: Iterable[str]) -> list[str]:
    """Every depth2 module reachable from ``modules`` through import statements, sorted."""
    seen: set[str] = set()
    todo = [m for m in modules]
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        path = module_file(m)
        if path is None:
            raise KeyError(f"no depth2 module named {m!r}")
        seen.add(m)
        todo.extend(_direct_imports(path))
    return sorted(seen)


def code_hash(modules: Iterable[str]) -> str:
    """SHA-256 (16 hex digits) of the names and bytes of every module in the import closure."""
    h = hashlib.sha256()
    for m in closure(modules):
        h.update(m.encode())
        h.update(b"\0")
        h.update(module_file(m).read_bytes())  # type: ignore[union-attr]
    return h.hexdigest()[:16]
