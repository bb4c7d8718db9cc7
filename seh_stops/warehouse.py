"""Connecting to the embedded DuckDB warehouse while other processes may hold it.

DuckDB lets one process write a database file, and while it does no other process can open
it, not even read-only; while readers have it open, no process can open it for writing. Runs
that write are serialised (``dagster.yaml``); everything else reads through short read-only
connections that wait and retry while a run holds the file. This module is that waiting, in
one place: the Dagster resource (``orchestration/resources/warehouse.py``), the CLI, the
sensors and schedules and the delivery all connect through it. dbt's own connection waits
the same way (``retries`` in ``dbt_project/profiles.yml``).
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb

_LOCK_MARKERS = ("Could not set lock", "Conflicting lock", "database is locked")


class WarehouseBusy(RuntimeError):
    """Another process kept the warehouse locked for longer than the caller would wait."""


def open_read_only(path: Path, timeout_seconds: float = 120.0) -> duckdb.DuckDBPyConnection:
    """Open ``path`` read-only, retrying with backoff while another process writes it."""
    if not path.exists():
        raise FileNotFoundError(
            f"no warehouse at {path}: run `seh-stops run --source DIR` (or `seh-stops demo`) first"
        )
    return connect_waiting(path, read_only=True, timeout_seconds=timeout_seconds)


def is_lock_error(exc: BaseException) -> bool:
    """Whether ``exc`` says another process holds the DuckDB file (checked on duckdb 1.x, 2.0)."""
    return isinstance(exc, duckdb.IOException) and any(
        marker in str(exc) for marker in _LOCK_MARKERS
    )


def connect_waiting(
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
