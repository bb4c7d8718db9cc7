"""Where deliveries live and how a revision folder comes into being, atomically.

Layout under the delivery root (``SEH_DELIVERY_DIR``, default ``<data dir>/levering``)::

    2023-01/revisie-1/      final revisions, 1, 2, ... never overwritten or deleted
    2023-01/voorlopig-1/    forced preliminary deliveries of a month that was not yet due

and the same for the quarterly publication under the publication root
(``SEH_PUBLICATION_DIR``, default ``<data dir>/publicatie``): ``2023-Q1/revisie-1/``. A period
is a month (YYYY-MM) or a quarter (YYYY-QN); the rules of the folders are the same.

A folder is written in full under a hidden temporary name (every file itself to a temporary
name, then renamed) and renamed into place last, so a reader sees a complete revision or none.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from seh_stops import settings
from seh_stops.durable import FOLDER_MODE, fsync_directory, make_folders, write_durably

DELIVERY_DIR_ENV = "SEH_DELIVERY_DIR"
PUBLICATION_DIR_ENV = "SEH_PUBLICATION_DIR"
FINAL = "revisie"
PRELIMINARY = "voorlopig"
MANIFEST = "manifest.json"


class RevisionExists(RuntimeError):
    """Another delivery wrote the same revision meanwhile; nothing was overwritten."""


@dataclass(frozen=True)
class Revision:
    """One delivered folder of a period (month or quarter): ``<kind>-<number>``."""

    period: str
    kind: str  # FINAL or PRELIMINARY
    number: int
    folder: Path

    @property
    def preliminary(self) -> bool:
        return self.kind == PRELIMINARY

    def file(self, suffix: str) -> Path:
        """The delivered file with this suffix (``.csv``, ``.html``, ``.xlsx``)."""
        return self.folder / file_name(self.period, suffix, self.preliminary)


def delivery_root() -> Path:
    """The delivery location: ``SEH_DELIVERY_DIR`` or ``levering`` in the data dir."""
    configured = os.environ.get(DELIVERY_DIR_ENV)
    return Path(configured).resolve() if configured else settings.data_dir() / "levering"


def publication_root() -> Path:
    """The quarterly publication's location: ``SEH_PUBLICATION_DIR`` or ``publicatie`` in the
    data dir (specification, section 10.3)."""
    configured = os.environ.get(PUBLICATION_DIR_ENV)
    return Path(configured).resolve() if configured else settings.data_dir() / "publicatie"


def file_name(period: str, suffix: str, preliminary: bool = False) -> str:
    """``seh_stops_2023-01.csv``, ``seh_stops_2023-Q1.csv``; a preliminary file says so."""
    marker = "_VOORLOPIG" if preliminary else ""
    return f"seh_stops_{period}{marker}{suffix}"


def revisions(root: Path, period: str, kind: str = FINAL) -> list[Revision]:
    """The period's delivered folders of one kind, oldest first (temporary folders ignored)."""
    pattern = re.compile(rf"{kind}-([1-9][0-9]*)")
    period_dir = root / period
    found = []
    if period_dir.is_dir():
        for child in period_dir.iterdir():
            match = pattern.fullmatch(child.name)
            if match and child.is_dir():
                found.append(Revision(period, kind, int(match.group(1)), child))
    return sorted(found, key=lambda revision: revision.number)


def latest_revision(root: Path, period: str, kind: str = FINAL) -> Revision | None:
    """The highest-numbered delivered folder of that kind, if any."""
    found = revisions(root, period, kind)
    return found[-1] if found else None


def write_folder(target: Path, files: dict[str, bytes]) -> None:
    """Write ``files`` into a new folder ``target``, all at once or not at all.

    The files go into a hidden temporary sibling folder, which is renamed to ``target`` last.
    An existing ``target`` is never replaced: then :class:`RevisionExists` is raised and the
    temporary folder removed.
    """
    make_folders(target.parent)
    temporary = target.parent / f".{target.name}.{uuid.uuid4().hex}.tmp"
    temporary.mkdir(mode=FOLDER_MODE)
    os.chmod(temporary, FOLDER_MODE)
    try:
        for name, data in files.items():
            write_durably(temporary / name, data)
        fsync_directory(temporary)
        try:
            # os.rename replaces only an *empty* directory, and a revision never is one
            os.rename(temporary, target)
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
                raise
            raise RevisionExists(
                f"{target} was written meanwhile by another delivery; nothing was overwritten"
            ) from exc
        fsync_directory(target.parent)
    finally:
        shutil.rmtree(temporary, ignore_errors=True)  # gone after a successful rename
