"""Whether a process of this machine still runs: how leftovers of killed processes are told
from the work of live ones (orphaned Dagster runs, a mart check's spilled frames, a run's
staged parses)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def process_exists(pid: int) -> bool:
    """True while ``pid`` runs (also another user's process); a reused pid counts as running,
    which leaves a leftover in place: the safe side."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: it exists
        return True
    return True


def remove_leftover_folders(data_dir: Path, prefix: str) -> list[Path]:
    """Remove the temporary folders ``<prefix><pid>-...`` in ``data_dir`` that processes which
    no longer run left behind (killed mid-way), so a crash leaves nothing to clean up by hand
    (docs/operations.md); a live process's folder stays. Returns what was removed."""
    removed = []
    for folder in sorted(data_dir.glob(f"{prefix}*")):
        pid = folder.name.removeprefix(prefix).split("-", 1)[0]
        if pid.isdigit() and not process_exists(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed
