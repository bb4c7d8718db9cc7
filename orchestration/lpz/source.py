"""Where export days come from: a pluggable reader over ``{base}/YYYY-MM-DD/<file>``.

The pipeline only ever asks a source two things: which export-day folders exist, and the bytes
of one contract file of one day. A local folder is the default; an HTTP(S) source serves the
same paths. File names come from :mod:`orchestration.lpz.contract`, never from a manifest, so
nothing read can escape the base folder or URL.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Protocol

from orchestration.lpz.contract import DATA_FILES, MANIFEST_FILE

_DAY_FOLDER = re.compile(r"\d{4}-\d{2}-\d{2}")
_ALLOWED_FILES = frozenset((*DATA_FILES, MANIFEST_FILE))


class ExportSourceError(RuntimeError):
    """The source itself cannot be read (not: a day is missing). Says what to check."""


class ExportSource(Protocol):
    """A place that publishes export days."""

    def describe(self) -> str:
        """Where the source is, for logs and lineage (never a secret)."""
        ...

    def list_days(self) -> list[date]:
        """The export days that have a folder at the source, oldest first."""
        ...

    def read(self, day: date, name: str) -> bytes | None:
        """The bytes of contract file ``name`` of ``day``, or None when it is not there."""
        ...


class LocalFolderSource:
    """Export days as folders ``YYYY-MM-DD/`` under a local directory."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser().resolve()

    def describe(self) -> str:
        return str(self.root)

    def list_days(self) -> list[date]:
        if not self.root.is_dir():
            raise ExportSourceError(
                f"export source {self.root} is not a directory: pass --source with the folder "
                "that holds the YYYY-MM-DD export-day folders"
            )
        days = []
        for child in self.root.iterdir():
            if child.is_dir() and _DAY_FOLDER.fullmatch(child.name):
                try:
                    days.append(date.fromisoformat(child.name))
                except ValueError:  # e.g. 2023-02-30: not an export day
                    continue
        return sorted(days)

    def read(self, day: date, name: str) -> bytes | None:
        if name not in _ALLOWED_FILES:
            raise ValueError(f"{name!r} is not a file of the LPZ export contract")
        path = self.root / day.isoformat() / name
        try:
            return path.read_bytes()
        except FileNotFoundError:
            return None


def open_source(location: str | Path) -> ExportSource:
    """The source for ``location``: a local folder (HTTP(S) URLs are not supported yet)."""
    text = str(location)
    if text.startswith(("http://", "https://")):
        raise ExportSourceError(
            f"HTTP(S) export sources are not supported yet ({text}); "
            "download the export days to a folder and pass that folder"
        )
    return LocalFolderSource(text)
