"""Whether a process of this machine still runs: how leftovers of killed processes are told
from the work of live ones (orphaned Dagster runs, a mart check's spilled frames)."""

from __future__ import annotations

import os


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
