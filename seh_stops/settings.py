"""Where seh-stops keeps its state: the data dir and the paths inside it.

Everything the pipeline writes lives under one data dir (default ``./data``, or the
``SEH_DATA_DIR`` environment variable): the DuckDB warehouse, the raw archive, Dagster's
instance. dbt runs as a subprocess that reads ``SEH_WAREHOUSE_PATH`` from the environment, so
the absolute paths are exported once here and every process agrees on the same files, whatever
its working directory.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

DATA_DIR_ENV = "SEH_DATA_DIR"
WAREHOUSE_PATH_ENV = "SEH_WAREHOUSE_PATH"
# New files 0640 and folders 0750: the warehouse and the archive hold free text (toelichting).
PROCESS_UMASK = 0o027
REPO_ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"


def data_dir() -> Path:
    """The data dir as an absolute path (``SEH_DATA_DIR`` or ``./data``)."""
    return Path(os.environ.get(DATA_DIR_ENV) or "data").resolve()


def warehouse_path() -> Path:
    """The embedded DuckDB warehouse file inside the data dir."""
    return data_dir() / "warehouse.duckdb"


def archive_dir() -> Path:
    """The raw archive: every export-day version as received, never changed."""
    return data_dir() / "archive"


def dagster_home() -> Path:
    """Dagster's instance directory (run history, event logs) inside the data dir."""
    return data_dir() / "dagster_home"


def use_data_dir(path: str | os.PathLike[str] | None = None) -> Path:
    """Fix the data dir for this process and its children (dbt) and return it.

    Called by the CLI (``--data-dir``) and by the Dagster definitions at load time, so that a
    relative ``SEH_DATA_DIR`` means the same folder to Python and to the dbt subprocess. Both
    are where a process starts, so the umask is set here too: what the process and its
    children (dbt, DuckDB, Dagster's storage) create is not readable by other users.
    """
    os.umask(PROCESS_UMASK)
    if path is not None:
        os.environ[DATA_DIR_ENV] = os.fspath(path)
    resolved = data_dir()
    os.environ[DATA_DIR_ENV] = str(resolved)
    os.environ[WAREHOUSE_PATH_ENV] = str(resolved / "warehouse.duckdb")
    os.environ.setdefault("DAGSTER_HOME", str(resolved / "dagster_home"))
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    return resolved


EXPORT_SOURCE_ENV = "LPZ_EXPORT_SOURCE"
FIRST_EXPORT_DAY_ENV = "SEH_FIRST_EXPORT_DAY"
# The first export day the Dagster partitions offer. The LPZ SEH module's exports used here
# start in 2022; set SEH_FIRST_EXPORT_DAY to backfill earlier history.
DEFAULT_FIRST_EXPORT_DAY = "2022-01-01"


def export_source_location() -> str:
    """The export source: ``LPZ_EXPORT_SOURCE``, or the ``exports`` folder in the data dir."""
    return os.environ.get(EXPORT_SOURCE_ENV) or str(data_dir() / "exports")


def first_export_day() -> str:
    """The first daily partition of the ingestion asset (YYYY-MM-DD)."""
    return os.environ.get(FIRST_EXPORT_DAY_ENV) or DEFAULT_FIRST_EXPORT_DAY


DUCKDB_MEMORY_LIMIT_ENV = "SEH_DUCKDB_MEMORY_LIMIT"
# DuckDB takes 80% of the machine's memory by default; on a shared machine it spills to disk
# beyond this instead (dbt_project/profiles.yml reads the same variable, with the same default).
DEFAULT_DUCKDB_MEMORY_LIMIT = "4GB"
_MEMORY_SIZE = re.compile(r"[0-9]+(\.[0-9]+)? ?(K|M|G|T)i?B")


def duckdb_memory_limit() -> str:
    """The DuckDB memory limit for writing connections (``SEH_DUCKDB_MEMORY_LIMIT``)."""
    value = os.environ.get(DUCKDB_MEMORY_LIMIT_ENV) or DEFAULT_DUCKDB_MEMORY_LIMIT
    if not _MEMORY_SIZE.fullmatch(value):
        raise ValueError(
            f"{DUCKDB_MEMORY_LIMIT_ENV}={value!r} is not a memory size: set it like 4GB or 512MB"
        )
    return value


def share_from_env(name: str, default: float) -> float:
    """A share between 0 and 1 from the environment variable ``name``, or ``default`` if unset.

    Shares tune when dirty data stops being data (malformed records of a file, rows of a day
    that fail an expectation); a value out of range is a deployment mistake, so it fails the
    run with the fix instead of silently turning a threshold off.
    """
    text = (os.environ.get(name) or "").strip()
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise ValueError(
            f"{name}={text[:40]!r} is not a share: set it to a number from 0 to 1 (e.g. 0.01 "
            f"for 1 %), or unset it for the default {default}"
        )
    return value
