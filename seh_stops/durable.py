"""Writing files so that a crash never leaves half of one.

A file is written under a temporary name in its folder, flushed to disk and renamed into
place; the folder is then flushed too, so that after a power cut the name does not point at
an empty file. The raw archive and the ministry's deliveries are written this way.
"""

from __future__ import annotations

import os
from pathlib import Path


def write_durably(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through ``.<name>.tmp`` and a rename; flush both to disk."""
    temporary = path.with_name(f".{path.name}.tmp")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    fsync_directory(path.parent)


def fsync_directory(folder: Path) -> None:
    """Make the renames in ``folder`` durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
