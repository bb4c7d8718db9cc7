"""Writing files so that a crash never leaves half of one, readable by the service only.

A file is written under a temporary name in its folder, flushed to disk and renamed into
place; the folder is then flushed too, so that after a power cut the name does not point at
an empty file. The raw archive and the ministry's deliveries are written this way.

The archive holds ``toelichting`` (free text, possibly staff names), so what is written here
is ``0640`` and its folders ``0750`` (the service user and its group, no one else), whatever
the umask of the process that writes.
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o640
FOLDER_MODE = 0o750


def write_durably(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through ``.<name>.tmp`` and a rename; flush both to disk."""
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(descriptor, "wb") as handle:
        os.fchmod(handle.fileno(), FILE_MODE)  # also when it existed, or the umask is wider
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


def make_folders(folder: Path) -> None:
    """``folder`` and its missing parents, each created ``0750`` (existing ones are left as
    they are: the operator chose them)."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for created in reversed(missing):
        try:
            created.mkdir(mode=FOLDER_MODE)
        except FileExistsError:  # made meanwhile by another process
            continue
        os.chmod(created, FOLDER_MODE)  # mkdir's mode is narrowed by the umask, never widened
