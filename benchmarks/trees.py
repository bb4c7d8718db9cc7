"""The code a benchmark measures: the working tree, and optionally a baseline git ref beside it.

An improvement is measured side by side, in one run on one machine, never against a number from
another day: ``benchmarks.run --baseline REF`` checks REF out into a git worktree under the work
dir, sets it up as ``make setup`` does (its own virtualenv, GX context and dbt manifest), and
then measures both trees on the same simulated files, interleaved step by step so that a
change of the machine's load affects both alike.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from seh_stops.settings import REPO_ROOT


@dataclass(frozen=True)
class Tree:
    """One checkout of seh-stops with its own virtualenv."""

    label: str  # "baseline" or "working tree"
    slug: str  # a short name for its data dirs and logs
    root: Path

    @property
    def bin(self) -> Path:
        return self.root / ".venv" / "bin"

    @property
    def seh_stops(self) -> str:
        return str(self.bin / "seh-stops")

    def env(self, base: dict[str, str]) -> dict[str, str]:
        """``base`` with this tree's code first on the path."""
        return {**base, "PYTHONPATH": str(self.root)}


WORKING_TREE = Tree("working tree", "work", REPO_ROOT)


def baseline_tree(ref: str, work: Path, progress) -> Tree:
    """A worktree of ``ref`` under ``work``, set up once per commit and reused."""
    commit = _git("rev-parse", "--verify", f"{ref}^{{commit}}").strip()
    root = work / f"baseline-{commit[:12]}"
    ready = root / ".bench-setup-done"
    if not ready.exists():
        progress(f"setting up the baseline {ref} ({commit[:12]}) in {root} ...")
        if root.exists():
            _git("worktree", "remove", "--force", str(root))
            shutil.rmtree(root, ignore_errors=True)
        _git("worktree", "add", "--detach", str(root), commit)
        env = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
        env.pop("VIRTUAL_ENV", None)
        for command in (
            ["uv", "sync", "--frozen", "--python", "python3.11", "--compile-bytecode"],
            [".venv/bin/python", "-m", _gx_setup_module(root)],
        ):
            subprocess.run(command, cwd=root, env=env, check=True, capture_output=True)
        _copy_data_docs_assets(root)
        subprocess.run(
            ["../.venv/bin/dbt", "parse", "--profiles-dir", ".", "--quiet"],
            cwd=root / "dbt_project",
            env={**env, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"},
            check=True,
            capture_output=True,
        )
        ready.write_text(commit + "\n")
    return Tree(f"baseline {ref}", f"base-{commit[:8]}", root)


def _copy_data_docs_assets(root: Path) -> None:
    """The Data Docs' scripts and styles that ``make setup`` fetched for the working tree
    (uncommitted, pinned by hash): without them the baseline's GX checks refuse to write
    pages."""
    assets = Path("expectations") / "uncommitted" / "data_docs_assets"
    if (REPO_ROOT / assets).is_dir() and not (root / assets).exists():
        shutil.copytree(REPO_ROOT / assets, root / assets)


def _gx_setup_module(root: Path) -> str:
    """The GX set-up module of that tree (it moved with the package layout)."""
    for module in ("seh_stops.quality.gx_setup", "orchestration.quality.gx_setup"):
        if (root / Path(*module.split("."))).with_suffix(".py").exists():
            return module
    raise FileNotFoundError(f"no GX set-up module in {root}")


def _git(*args: str) -> str:
    done = subprocess.run(
        ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout
