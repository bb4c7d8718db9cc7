"""What every command checks before it starts a Dagster run (or writes anything).

A mistake on the command line (a reversed range, a source that is a file, an ``ftp://`` URL)
is refused here with one line that names the argument and says what to write instead, raised
as :class:`UsageError` (exit 2, like argparse's own errors). A data dir without a warehouse is
not a typo but a missing first step: :class:`NotReady` (exit 1) says which command to run
first. Either way no run is started, so nothing appears in the Dagster instance and no
warehouse is created by a command that could not have done its work.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from seh_stops import settings
from seh_stops.lpz.source import ARCHIVE_PREFIX

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
_FOLDER_OF_DAYS = "the folder that holds the YYYY-MM-DD export-day folders"
MART_TABLE = "marts.agg_seh_stops_regio_maand"
QUARTER_MART_TABLE = "marts.agg_seh_stops_regio_kwartaal"


class UsageError(ValueError):
    """The command line asks for something that cannot be done; says what to write instead."""


class NotReady(RuntimeError):
    """The data dir lacks what the command reads; says which command to run first."""


def check_range(first: date | None, last: date | None) -> None:
    """Refuse a reversed ``--from``/``--to`` range."""
    if first is not None and last is not None and first > last:
        raise UsageError(
            f"--from {first} is after --to {last}: give the first day with --from and the "
            "last day with --to"
        )


def check_export_days(first: date | None, last: date | None, yesterday: date) -> None:
    """Refuse a range that reaches outside the days there can be exports for: before the first
    partition day (``SEH_FIRST_EXPORT_DAY``) or after yesterday (day D is exported the night
    after D), which Dagster's daily partitions could not take either."""
    check_range(first, last)
    earliest = date.fromisoformat(settings.first_export_day())
    for option, value in (("--from", first), ("--to", last)):
        if value is not None and value < earliest:
            raise UsageError(
                f"{option} {value} is before the first export day {earliest}: give a later "
                f"day, or set {settings.FIRST_EXPORT_DAY_ENV} to load earlier history"
            )
        if value is not None and value > yesterday:
            raise UsageError(
                f"{option} {value} is after yesterday ({yesterday}), the latest day the LPZ "
                f"can have exported: give an earlier day, or leave {option} out"
            )


def check_folder_to_write(path: Path, option: str, purpose: str) -> None:
    """Refuse a folder to write into that is a file, or lies inside one."""
    path = path.expanduser().absolute()
    for candidate in (path, *path.parents):
        if candidate.exists():
            if not candidate.is_dir():
                where = "is a file" if candidate == path else f"lies inside the file {candidate}"
                raise UsageError(
                    f"{option} {path} {where}, not a folder: pass {option} with {purpose} "
                    "(it is created when missing)"
                )
            return


def check_data_dir() -> None:
    """Refuse a ``--data-dir`` that is a file (the commands that write create it)."""
    check_folder_to_write(settings.data_dir(), "--data-dir", "the folder of the pipeline's state")


def export_source(given: str | None) -> str:
    """The export source to use (``--source``, ``$LPZ_EXPORT_SOURCE`` or the data dir's
    ``exports``), refused when it cannot be one. A URL is never echoed: it may hold secrets."""
    if given:
        location, option = given, "--source"
    elif os.environ.get(settings.EXPORT_SOURCE_ENV):
        location, option = settings.export_source_location(), settings.EXPORT_SOURCE_ENV
    else:
        location, option = settings.export_source_location(), "the default export source"
    text = location.strip()
    scheme = _SCHEME.match(text)
    if text.startswith(ARCHIVE_PREFIX):
        _check_archive(Path(text.removeprefix(ARCHIVE_PREFIX)), option)
    elif scheme:
        _check_url(text, scheme.group(1).lower(), option)
    else:
        _check_folder(text, option, given is None)
    return location


def _check_archive(folder: Path, option: str) -> None:
    folder = folder.expanduser().absolute()
    if not folder.is_dir():
        state = "is a file" if folder.exists() else "does not exist"
        raise UsageError(
            f"{option} {ARCHIVE_PREFIX}{folder}: the archive folder {state}: name the raw "
            f"archive, for example {ARCHIVE_PREFIX}{settings.archive_dir()}"
        )


def _check_url(url: str, scheme: str, option: str) -> None:
    example = "https://lpz.example.nl/exports/seh"
    if scheme not in ("http", "https"):
        raise UsageError(
            f"{option} is an {scheme}:// URL, and only http:// and https:// sources can be "
            f"read: give the base URL that serves the export days (like {example}) or "
            f"{_FOLDER_OF_DAYS}"
        )
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - urlsplit checks the port only when it is asked for
    except ValueError:
        raise UsageError(
            f"{option} has a port that is not a number from 0 to 65535: write the URL like "
            "https://lpz.example.nl:8443/exports/seh"
        ) from None
    if not parts.hostname:
        raise UsageError(f"{option} is an {scheme}:// URL without a host: write it like {example}")


def _check_folder(text: str, option: str, defaulted: bool) -> None:
    path = Path(text).expanduser().absolute()
    if path.is_dir():
        return
    subject = f"{option} {path}"
    if defaulted and option != settings.EXPORT_SOURCE_ENV:
        subject = f"no --source was given, and {option} {path}"
    state = "is a file, not a folder" if path.exists() else "does not exist"
    # "http:/host" or "https//host": a URL with a slip, read as a relative folder
    mistyped_url = text.lower().startswith(("http", "ftp")) or ":/" in text
    hint = " (a URL starts with http:// or https://)" if mistyped_url else ""
    raise UsageError(f"{subject} {state}: pass --source with {_FOLDER_OF_DAYS}{hint}")


def require_marts(table: str = MART_TABLE) -> Path:
    """The warehouse, refused unless a run built its marts: the commands that read figures
    say which command to run first instead of failing inside DuckDB or a Dagster run."""
    from seh_stops.warehouse import open_read_only

    path = settings.warehouse_path()
    run_first = "run `seh-stops run --source DIR` (or `seh-stops demo`) with this data dir first"
    if not path.is_file():
        where = "does not exist" if not path.parent.exists() else "holds no warehouse yet"
        raise NotReady(
            f"--data-dir {path.parent} {where}: {run_first}, or pass --data-dir with the "
            "folder they used"
        )
    con = open_read_only(path)
    try:
        [(tables,)] = con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = ? and table_name = ?",
            table.split("."),
        ).fetchall()
    finally:
        con.close()
    if not tables:
        raise NotReady(
            f"the warehouse in --data-dir {path.parent} has no marts: no `seh-stops run` "
            f"finished its dbt build there; {run_first}"
        )
    return path


def check_delivery_month(month: str, months: list[str]) -> None:
    """Refuse a month outside the delivery partitions (first export month .. this month)."""
    check_partition("--month", month, "delivery month", months)


def check_partition(option: str, value: str, noun: str, keys: list[str]) -> None:
    """Refuse a period outside an asset's partitions (first export day's .. the next)."""
    if value not in keys:
        raise UsageError(f"{option} {value} is not a {noun}: give one of {keys[0]} .. {keys[-1]}")
