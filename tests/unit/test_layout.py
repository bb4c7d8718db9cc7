"""The layout the architecture map promises (docs/architecture.md): the domain libraries and the
simulator import nothing of Dagster, so they can be read, tested and reused without it."""

from __future__ import annotations

import ast
from pathlib import Path

from seh_stops.settings import REPO_ROOT

DAGSTER_FREE = ("seh_stops", "simulator")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_the_domain_libraries_and_the_simulator_import_nothing_of_dagster():
    offending = []
    for package in DAGSTER_FREE:
        for path in sorted((REPO_ROOT / package).rglob("*.py")):
            for module in imported_modules(path):
                top = module.split(".")[0]
                if top.startswith("dagster") or top in ("orchestration", "cli"):
                    offending.append(f"{path.relative_to(REPO_ROOT)} imports {module}")
    assert offending == []
