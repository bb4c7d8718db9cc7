"""Where export days come from: a pluggable reader over ``{base}/YYYY-MM-DD/<file>``.

The pipeline only ever asks a source two things: which export-day folders exist, and the bytes
of one contract file of one day. A local folder is the default; an HTTP(S) source serves the
same paths. File names come from :mod:`seh_stops.lpz.contract`, never from a manifest, so
nothing read can escape the base folder or URL.
"""

from __future__ import annotations

import enum
import errno
import json
import os
import re
import stat
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from seh_stops.lpz.contract import DATA_FILES, MANIFEST_FILE
from seh_stops.lpz.limits import RefusedFile, max_bytes, too_large
from seh_stops.lpz.timestamps import parse_lpz_timestamp

ARCHIVE_PREFIX = "archive:"
_DAY_FOLDER = re.compile(r"\d{4}-\d{2}-\d{2}")
_ALLOWED_FILES = frozenset((*DATA_FILES, MANIFEST_FILE))
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


class _FromEnv(enum.Enum):
    FROM_ENV = "from the environment"


FROM_ENV = _FromEnv.FROM_ENV


class ExportSourceError(RuntimeError):
    """The source itself cannot be read (not: a day is missing). Says what to check."""


class ExportSource(Protocol):
    """A place that publishes export days."""

    def describe(self) -> str:
        """Where the source is, for logs and lineage (never a secret)."""
        ...

    def list_days(self, first: date | None = None, last: date | None = None) -> list[date]:
        """The export days published at the source, oldest first, within ``first..last``.

        A folder lists what it holds; HTTP cannot list, so it probes every day of the range
        (by default a window of recent days up to yesterday).
        """
        ...

    def read(self, day: date, name: str) -> bytes | None:
        """The bytes of contract file ``name`` of ``day``, or None when it is not there.

        Raises :class:`~seh_stops.lpz.limits.RefusedFile` for a file it will not hand over
        (a link, not a regular file, beyond its size cap): that day is incomplete.
        """
        ...


class LocalFolderSource:
    """Export days as folders ``YYYY-MM-DD/`` under a local directory."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser().resolve()

    def describe(self) -> str:
        return str(self.root)

    def list_days(self, first: date | None = None, last: date | None = None) -> list[date]:
        if not self.root.is_dir():
            raise ExportSourceError(
                f"export source {self.root} is not a directory: pass --source with the folder "
                "that holds the YYYY-MM-DD export-day folders"
            )
        days = []
        for child in self.root.iterdir():
            if child.is_dir() and _DAY_FOLDER.fullmatch(child.name):
                try:
                    day = date.fromisoformat(child.name)
                except ValueError:  # e.g. 2023-02-30: not an export day
                    continue
                if (first is None or day >= first) and (last is None or day <= last):
                    days.append(day)
        return sorted(days)

    def read(self, day: date, name: str) -> bytes | None:
        """The bytes of ``name`` of ``day``; None when the folder lacks it.

        Raises :class:`~seh_stops.lpz.limits.RefusedFile` (the day is incomplete) for a day
        folder or file that is a symbolic link, a file that is not a regular file (a FIFO
        would block forever, ``/dev/zero`` never ends) and a file beyond its size cap. The
        folder and the file are opened without following links, and the file is checked on
        its open descriptor, so nothing can be swapped in between the check and the read.
        """
        if name not in _ALLOWED_FILES:
            raise ValueError(f"{name!r} is not a file of the LPZ export contract")
        path = self.root / day.isoformat()
        if path.is_symlink():
            raise RefusedFile(
                name,
                "the export-day folder is a symbolic link; the source reads real folders only "
                "(copy the day into the source instead of linking it)",
            )
        try:
            # no following links here either: a link swapped in after the check fails
            folder = os.open(path, os.O_RDONLY | os.O_DIRECTORY | _NO_FOLLOW)
        except (FileNotFoundError, NotADirectoryError):
            # no folder for the day, or its "folder" is a file (a range can name a day that
            # no folder holds), or a link swapped in: not published
            return None
        try:
            return _read_regular_file(folder, name)
        finally:
            os.close(folder)


def _read_regular_file(folder: int, name: str) -> bytes | None:
    """``name`` in the open folder ``folder``, bounded; see :meth:`LocalFolderSource.read`."""
    try:
        handle = os.open(name, os.O_RDONLY | os.O_NONBLOCK | _NO_FOLLOW, dir_fd=folder)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise RefusedFile(
                name, "a symbolic link; the source reads regular files only"
            ) from None
        raise
    status = os.fstat(handle)
    if stat.S_ISDIR(status.st_mode):
        os.close(handle)
        return None  # a folder by that name: the day lacks the file
    with os.fdopen(handle, "rb") as file:
        if not stat.S_ISREG(status.st_mode):
            raise RefusedFile(
                name,
                "not a regular file (a FIFO, socket or device); the source reads "
                "regular files only",
            )
        limit = max_bytes(name)
        if status.st_size > limit:
            raise too_large(name, limit)
        content = file.read(limit + 1)
        if len(content) > limit:  # it grew while being read
            raise too_large(name, limit)
        return content


class ArchiveSource:
    """The raw archive as a source, to rebuild a lost warehouse from what was received.

    The archive keeps every loaded version of a day under
    ``archive/YYYY-MM-DD/<gegenereerd_op>/``; this source serves each day in its latest
    archived version (by the manifest's ``gegenereerd_op`` instant), so loading it gives the
    current versions the warehouse had. Chosen with ``archive:<folder>`` as the source.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).expanduser().resolve()

    def describe(self) -> str:
        return f"{ARCHIVE_PREFIX}{self.root}"

    def list_days(self, first: date | None = None, last: date | None = None) -> list[date]:
        return [
            day
            for day in LocalFolderSource(self.root).list_days(first, last)
            if self._latest_version(day) is not None
        ]

    def read(self, day: date, name: str) -> bytes | None:
        if name not in _ALLOWED_FILES:
            raise ValueError(f"{name!r} is not a file of the LPZ export contract")
        version = self._latest_version(day)
        path = version / name if version is not None else None
        return path.read_bytes() if path is not None and path.is_file() else None

    def _latest_version(self, day: date) -> Path | None:
        versions = []
        folder = self.root / day.isoformat()
        for version in folder.iterdir() if folder.is_dir() else []:
            manifest = version / MANIFEST_FILE
            if manifest.is_file():
                generated_at = manifest_instant(manifest.read_bytes())
                if generated_at is not None:
                    versions.append((generated_at, version.name, version))
        return max(versions)[2] if versions else None


def read_unless_refused(source: ExportSource, day: date, name: str) -> bytes | None:
    """``source.read``, with None for a file the source refuses too: for callers that only
    compare manifests (which days are pending, which changed); verification reports why."""
    try:
        return source.read(day, name)
    except RefusedFile:
        return None


def manifest_instant(manifest: bytes) -> datetime | None:
    """The instant of a manifest's ``gegenereerd_op``, or None when it cannot be read.

    Only for choosing and comparing versions; loading verifies the manifest in full."""
    try:
        generated_on = json.loads(manifest.decode("utf-8-sig")).get("gegenereerd_op")
    except (ValueError, RecursionError, AttributeError):
        # ValueError: bad UTF-8, bad JSON, or a number beyond Python's 4300 digits;
        # RecursionError: nested thousands deep; AttributeError: JSON but not an object
        return None
    return parse_lpz_timestamp(generated_on) if isinstance(generated_on, str) else None


def is_url(location: str | Path) -> bool:
    """Whether ``location`` names an HTTP(S) source rather than a local folder."""
    return str(location).strip().lower().startswith(("http://", "https://"))


def open_source(
    location: str | Path,
    *,
    token: str | _FromEnv | None = FROM_ENV,
    ca_bundle: str | _FromEnv | None = FROM_ENV,
    **http_options: Any,
) -> ExportSource:
    """The source for ``location``: ``archive:<folder>`` (the raw archive), an HTTP(S) base URL,
    or else a local folder.

    For a URL the bearer token and CA bundle default to the environment (``LPZ_EXPORT_TOKEN``,
    ``LPZ_EXPORT_CA_BUNDLE``); the Dagster resource passes them explicitly.
    ``http_options`` go to :class:`~seh_stops.lpz.http_source.HttpExportSource`.
    """
    if str(location).startswith(ARCHIVE_PREFIX):
        return ArchiveSource(str(location).removeprefix(ARCHIVE_PREFIX))
    if not is_url(location):
        return LocalFolderSource(location)
    from seh_stops.lpz import http_settings, http_source

    return http_source.HttpExportSource(
        str(location).strip(),
        token=http_settings.token_from_env() if token is FROM_ENV else token,
        ca_bundle=http_settings.ca_bundle_from_env() if ca_bundle is FROM_ENV else ca_bundle,
        **http_options,
    )
