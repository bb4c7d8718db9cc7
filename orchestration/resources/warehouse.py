"""The embedded DuckDB warehouse as a Dagster resource.

Runs that write are serialised (see ``dagster.yaml``) and wait for readers
(:meth:`WarehouseResource.write_connection`); everything else reads through short
:meth:`WarehouseResource.read_connection` connections. The waiting itself is
``seh_stops/warehouse.py``, shared with the code outside Dagster.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from dagster import ConfigurableResource

from seh_stops import settings
from seh_stops.durable import FILE_MODE, make_folders
from seh_stops.warehouse import connect_waiting, open_read_only


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
        con = connect_waiting(path, read_only=False, timeout_seconds=self.write_timeout_seconds)
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
