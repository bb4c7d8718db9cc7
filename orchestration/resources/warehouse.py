"""The embedded DuckDB warehouse as a Dagster resource.

DuckDB lets one process write a database file, and while it does no other process can open
it, not even read-only. Runs that write are serialised (see ``dagster.yaml``); everything else
reads through :meth:`WarehouseResource.read_connection`, which waits and retries while a run
holds the file.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import ConfigurableResource

from orchestration import settings

_LOCK_MARKERS = ("Could not set lock", "Conflicting lock", "database is locked")


class WarehouseBusy(RuntimeError):
    """Another process kept the warehouse locked for longer than the reader would wait."""


class WarehouseResource(ConfigurableResource):
    """The DuckDB file that holds raw, staging, intermediate and mart schemas."""

    path: str = ""
    read_timeout_seconds: float = 120.0

    def database_path(self) -> Path:
        """The configured file, or ``warehouse.duckdb`` in the data dir."""
        return Path(self.path) if self.path else settings.warehouse_path()

    @contextmanager
    def write_connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection; only assets inside a run use this."""
        path = self.database_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path))
        try:
            con.execute("set TimeZone = 'UTC'")
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


def open_read_only(path: Path, timeout_seconds: float = 120.0) -> duckdb.DuckDBPyConnection:
    """Open ``path`` read-only, retrying with backoff while another process writes it."""
    if not path.exists():
        raise FileNotFoundError(
            f"no warehouse at {path}: run `seh-stops run --source DIR` (or `seh-stops demo`) first"
        )
    deadline = time.monotonic() + timeout_seconds
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(str(path), read_only=True)
            con.execute("set TimeZone = 'UTC'")
            return con
        except duckdb.IOException as exc:
            if not any(marker in str(exc) for marker in _LOCK_MARKERS):
                raise
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"the warehouse {path} stayed locked by a running pipeline for "
                    f"{timeout_seconds:.0f} s; try again when the run has finished"
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
