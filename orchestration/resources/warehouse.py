"""The embedded DuckDB warehouse as a Dagster resource.

DuckDB lets one process write a database file, and while it does no other process can open
it, not even read-only; while readers have it open, no process can open it for writing. Runs
that write are serialised (see ``dagster.yaml``) and wait for readers
(:meth:`WarehouseResource.write_connection`); everything else reads through short
:meth:`WarehouseResource.read_connection` (or :func:`open_read_only`) connections, which wait
and retry while a run holds the file. dbt's own connection waits the same way (``retries`` in
``dbt_project/profiles.yml``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import ConfigurableResource

from seh_stops import settings
from seh_stops.durable import FILE_MODE, make_folders

_LOCK_MARKERS = ("Could not set lock", "Conflicting lock", "database is locked")


class WarehouseBusy(RuntimeError):
    """Another process kept the warehouse locked for longer than the caller would wait."""


class WarehouseResource(ConfigurableResource):
    """The DuckDB file that holds raw, staging, intermediate and mart schemas."""

    path: str = ""
    read_timeout_seconds: float = 120.0
    write_timeout_seconds: float = 300.0

    def database_path(self) -> Path:
        """The configured file, or ``warehouse.duckdb`` in the data dir."""
        return Path(self.path) if self.path else settings.warehouse_path()

    @contextmanager
    def write_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection; only assets inside a run use this.

        It waits while readers hold the file: they open it only briefly.
        """
        path = self.database_path()
        make_folders(path.parent)
        con = _connect_waiting(path, read_only=False, timeout_seconds=self.write_timeout_seconds)
        restrict_mode(path)  # DuckDB creates it with the process's umask
        # bounded like dbt's connection (profiles.yml): DuckDB spills beyond it
        con.execute(f"set memory_limit = '{settings.duckdb_memory_limit()}'")
        try:
            yield con
        finally:
            con.close()

    @contextmanager
    def read_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A short read-only connection that waits while a writing run holds the file."""
        con = open_read_only(self.database_path(), self.read_timeout_seconds)
        try:
            yield con
        finally:
            con.close()


def restrict_mode(path: Path) -> None:
    """The warehouse (it holds ``toelichting``) and its WAL readable by the service only."""
    for file in (path, path.with_name(path.name + ".wal")):
        if file.exists() and file.stat().st_mode & 0o777 != FILE_MODE:
            os.chmod(file, FILE_MODE)


def open_read_only(path: Path, timeout_seconds: float = 120.0) -> duckdb.DuckDBPyConnection:
    """Open ``path`` read-only, retrying with backoff while another process writes it."""
    if not path.exists():
        raise FileNotFoundError(
            f"no warehouse at {path}: run `seh-stops run --source DIR` (or `seh-stops demo`) first"
        )
    return _connect_waiting(path, read_only=True, timeout_seconds=timeout_seconds)


def is_lock_error(exc: BaseException) -> bool:
    """Whether ``exc`` says another process holds the DuckDB file (checked on duckdb 1.x, 2.0)."""
    return isinstance(exc, duckdb.IOException) and any(
        marker in str(exc) for marker in _LOCK_MARKERS
    )


def _connect_waiting(
    path: Path, *, read_only: bool, timeout_seconds: float
) -> duckdb.DuckDBPyConnection:
    """Connect to ``path``, waiting with backoff while another process holds its lock.

    A writer holds the file exclusively; readers share it. So a reader waits for a run, and a
    run waits for the (short) read connections of the UI, sensors and the CLI to close.
    """
    deadline = time.monotonic() + timeout_seconds
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            con.execute("set TimeZone = 'UTC'")
            return con
        except duckdb.IOException as exc:
            if not is_lock_error(exc):
                raise
            if time.monotonic() >= deadline:
                failure = exc
            else:
                time.sleep(delay)
                delay = min(delay * 2, 1.0)
                continue
        what = "a running pipeline" if read_only else "another process (a reader or a run)"
        raise WarehouseBusy(
            f"the warehouse {path} stayed locked by {what} for {timeout_seconds:.0f} s; "
            "try again when the run has finished"
        ) from failure
