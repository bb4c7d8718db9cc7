"""Loading verified export days into the raw layer of the warehouse.

Each version of a day is archived as received (write to a temporary name, then rename) and
its rows are inserted in one transaction, with lineage: export day, file, line number and the
manifest's generation time. Loading the same version again changes nothing; a later version (a
correction) becomes the day's current version while the older one stays in the archive and in
the raw tables; an older or equal version is not loaded and is reported as stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from seh_stops import settings
from seh_stops.durable import make_folders, write_durably
from seh_stops.lpz.contract import COLUMNS_BY_FILE, LOCATIONS_FILE, MUTATIONS_FILE
from seh_stops.lpz.export_day import LoadableExportDay
from seh_stops.lpz.parse_store import LINE_COLUMNS, StoredFile, parse_store, stored

# Threads that archive the days of a batch; their work is waiting for the disk (see
# archive_export_days), so more threads than cores: 8 archived a day in a quarter of the time.
ARCHIVE_WRITERS = 8
RAW_TABLE_BY_FILE = {LOCATIONS_FILE: "raw.seh_locaties", MUTATIONS_FILE: "raw.seh_statusmutaties"}
_LINEAGE_COLUMNS = (
    "versie_id",
    "export_datum",
    "gegenereerd_op",
    "bestand",
    "regelnummer",
    "recordnummer",
)


class LoadOutcome(StrEnum):
    """What loading one export-day version did."""

    LOADED = "loaded"  # first version of the day
    REPLACED = "replaced"  # a correction: now the day's current version
    UNCHANGED = "unchanged"  # this version was loaded before: nothing to do
    STALE = "stale"  # not later than the loaded version: that one stays current


@dataclass(frozen=True)
class LoadResult:
    """The outcome for one export day, with row counts per file."""

    day: str
    version_id: str
    outcome: LoadOutcome
    rows: dict[str, int] = field(default_factory=dict)
    quarantined: dict[str, int] = field(default_factory=dict)
    current_version_id: str | None = None


def ensure_raw_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw schema and tables when they do not exist yet (idempotent)."""
    con.execute(resources.files("seh_stops.lpz").joinpath("raw_schema.sql").read_text())


def load_export_day(
    con: duckdb.DuckDBPyConnection, export_day: LoadableExportDay, archive_root: Path
) -> LoadResult:
    """Archive ``export_day`` and load it into the raw tables in one transaction."""
    (result,) = load_export_days(con, [export_day], archive_root)
    return result


def load_export_days(
    con: duckdb.DuckDBPyConnection, export_days: Sequence[LoadableExportDay], archive_root: Path
) -> list[LoadResult]:
    """Archive each of ``export_days`` and load the new versions among them in one transaction.

    A backfill loads its days in batches: a commit costs DuckDB milliseconds whatever it
    holds, thousands of times in a backfill of years. A batch is loaded entirely or not at
    all, so a crash still leaves only whole versions of days, and a rerun loads what is
    missing. Archiving comes first, as for a single day: a version is in the archive before
    its rows are in the warehouse.
    """
    ensure_raw_schema(con)
    current = _current_versions(con, [export_day.day for export_day in export_days])
    loaded = _loaded_version_ids(con, [export_day.version_id for export_day in export_days])
    archived = archive_export_days(
        [export_day for export_day in export_days if export_day.version_id not in loaded],
        archive_root,
    )
    results, to_load = [], []
    for export_day in export_days:
        day = export_day.day.isoformat()
        now = current.get(export_day.day)
        if export_day.version_id in loaded:
            results.append(
                LoadResult(
                    day, export_day.version_id, LoadOutcome.UNCHANGED, current_version_id=now[0]
                )
            )
            continue
        archive_path = archived[export_day.version_id]
        if now is not None and now[1] >= export_day.generated_at:
            results.append(
                LoadResult(day, export_day.version_id, LoadOutcome.STALE, current_version_id=now[0])
            )
            continue
        rows = {name: file.well_formed_count for name, file in export_day.files.items()}
        quarantined = {name: file.malformed_count for name, file in export_day.files.items()}
        outcome = LoadOutcome.LOADED if now is None else LoadOutcome.REPLACED
        results.append(
            LoadResult(
                day, export_day.version_id, outcome, rows, quarantined, export_day.version_id
            )
        )
        to_load.append((export_day, archive_path))
        current[export_day.day] = (export_day.version_id, export_day.generated_at)
        loaded.add(export_day.version_id)
    if to_load:
        _insert_versions(con, to_load)
    return results


def _current_versions(
    con: duckdb.DuckDBPyConnection, days: list[date]
) -> dict[date, tuple[str, datetime]]:
    """Per day, the loaded version with the latest gegenereerd_op, as (versie_id, instant)."""
    rows = con.execute(
        """
        select export_datum, versie_id, gegenereerd_at
        from raw.export_versies
        where list_contains(?::date[], export_datum)
        qualify row_number() over (partition by export_datum order by gegenereerd_at desc) = 1
        """,
        [days],
    ).fetchall()
    return {day: (version_id, generated_at) for day, version_id, generated_at in rows}


def _loaded_version_ids(con: duckdb.DuckDBPyConnection, version_ids: list[str]) -> set[str]:
    rows = con.execute(
        "select versie_id from raw.export_versies where list_contains(?::varchar[], versie_id)",
        [version_ids],
    ).fetchall()
    return {row[0] for row in rows}


def _insert_versions(
    con: duckdb.DuckDBPyConnection, to_load: list[tuple[LoadableExportDay, Path]]
) -> None:
    """The versions, their records and their malformed records, in one transaction.

    The rows come from the files' stored parses (``seh_stops.lpz.parse_store``): a run's
    verification stored them, or they are stored here from the parses in memory.
    """
    with parse_store(settings.data_dir()):
        files = {
            (export_day.version_id, name): _stored_file(export_day, name)
            for export_day, _ in to_load
            for name in export_day.files
        }
        con.execute("begin transaction")
        try:
            _insert_export_versions(con, to_load)
            for export_day, _archive_path in to_load:
                for name in export_day.files:
                    _insert_malformed(con, export_day, files[(export_day.version_id, name)])
            for name in RAW_TABLE_BY_FILE:
                _insert_records(con, [export_day for export_day, _ in to_load], name, files)
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise


def _stored_file(export_day: LoadableExportDay, name: str) -> StoredFile:
    """File ``name`` of ``export_day`` on disk (stored now if it is a parse in memory)."""
    file = export_day.files[name]
    if isinstance(file, StoredFile):
        return file
    digest = hashlib.sha256(export_day.contents[name]).hexdigest()
    return stored(file, digest, COLUMNS_BY_FILE[name])


def _insert_export_versions(
    con: duckdb.DuckDBPyConnection, to_load: list[tuple[LoadableExportDay, Path]]
) -> None:
    """One row per version in raw.export_versies, in one statement for the batch (a statement
    per version cost 0.7 ms, 2.5 s of a ten-year backfill); loaded at one instant."""
    days = [export_day for export_day, _ in to_load]
    frame = pd.DataFrame(
        {
            "versie_id": [export_day.version_id for export_day in days],
            "export_datum": [export_day.day for export_day in days],
            "gegenereerd_op": [export_day.generated_on for export_day in days],
            # one time zone for the column (a manifest's offset changes with summer time)
            "gegenereerd_at": [export_day.generated_at.astimezone(UTC) for export_day in days],
            "bron": [export_day.source for export_day in days],
            "archief_pad": [str(archive_path) for _, archive_path in to_load],
            "manifest_sha256": [export_day.manifest_sha256 for export_day in days],
        }
    )
    con.register("versions_frame", frame)
    try:
        con.execute(
            "insert into raw.export_versies select versie_id, export_datum::date, "
            "gegenereerd_op, gegenereerd_at::timestamptz, bron, archief_pad, manifest_sha256, "
            "?::timestamptz from versions_frame",
            [datetime.now(UTC)],
        )
    finally:
        con.unregister("versions_frame")


def archive_export_days(
    export_days: Sequence[LoadableExportDay], archive_root: Path
) -> dict[str, Path]:
    """Archive every version of ``export_days``; returns each version's folder by versie_id.

    Each file is flushed to disk on its own (two ``fsync`` calls), and one after the other
    they were most of a backfill's loading: 3 ms a day, 11 s of a ten-year backfill here. The
    disk commits concurrent flushes together, so the days are archived by
    :data:`ARCHIVE_WRITERS` threads, each day's versions in order by one of them; the
    guarantees of :func:`archive_export_day` hold for every file, and every file is archived
    before this returns (before any row of the batch is inserted).
    """
    by_day: dict[date, list[LoadableExportDay]] = {}
    for export_day in export_days:
        by_day.setdefault(export_day.day, []).append(export_day)

    def archive_day(versions: list[LoadableExportDay]) -> list[tuple[str, Path]]:
        return [(v.version_id, archive_export_day(v, archive_root)) for v in versions]

    if len(by_day) <= 1:
        return dict(pair for versions in by_day.values() for pair in archive_day(versions))
    with ThreadPoolExecutor(ARCHIVE_WRITERS, thread_name_prefix="archive") as pool:
        return dict(pair for pairs in pool.map(archive_day, by_day.values()) for pair in pairs)


def archive_export_day(export_day: LoadableExportDay, archive_root: Path) -> Path:
    """Copy every file of this version to ``archive/YYYY-MM-DD/<gegenereerd_op>/``.

    Written to a temporary name, flushed to disk and renamed, so a crash never leaves a
    half-written file, and a power cut none that is empty under its final name (an existing
    file is never written again); an existing archived version is left as it is (the archive
    never changes).
    """
    folder = archive_root / export_day.day.isoformat() / _safe_name(export_day.generated_on)
    make_folders(folder)
    for name, content in export_day.contents.items():
        target = folder / name
        if target.exists():
            continue
        write_durably(target, content)
    return folder


def _safe_name(generated_on: str) -> str:
    """A folder name for a gegenereerd_op value (':' and '+' are awkward in paths)."""
    return generated_on.replace(":", "").replace("+", "p")


def _lineage(export_day: LoadableExportDay, name: str) -> dict[str, object]:
    return {
        "versie_id": export_day.version_id,
        "export_datum": export_day.day,
        "gegenereerd_op": export_day.generated_on,
        "bestand": name,
    }


def _insert_records(
    con: duckdb.DuckDBPyConnection,
    export_days: Sequence[LoadableExportDay],
    name: str,
    files: dict[tuple[str, str], StoredFile],
) -> None:
    """The well-formed records of file ``name`` of every day of the batch, in one statement.

    One statement per file and batch, not per day: a statement costs a few milliseconds
    whatever it holds, and 7,306 of them (two files a day) were half of a ten-year backfill at
    Dutch scale (docs/performance.md). The records come from the stored parses (Parquet); a file
    that several days share (the same bytes) is read once and each day's rows get that day's
    lineage. The rows are in the order of the days, then of the file.
    """
    columns = COLUMNS_BY_FILE[name]
    lineage = [
        {
            "positie": position,
            "pad": str(files[(export_day.version_id, name)].records_path),
            **_lineage(export_day, name),
        }
        for position, export_day in enumerate(export_days)
        if name in export_day.files
    ]
    if not lineage:
        return
    paths = ", ".join(_quoted(path) for path in dict.fromkeys(row["pad"] for row in lineage))
    record_columns = ", ".join(f"rij.{column}" for column in (*LINE_COLUMNS, *columns))
    con.register("lineage_frame", pd.DataFrame(lineage))
    try:
        con.execute(
            f"""
            insert into {RAW_TABLE_BY_FILE[name]} ({", ".join((*_LINEAGE_COLUMNS, *columns))})
            select dag.versie_id, dag.export_datum, dag.gegenereerd_op, dag.bestand,
                   {record_columns}
            from lineage_frame as dag
            inner join read_parquet([{paths}], filename = true) as rij
                on rij.filename = dag.pad
            order by dag.positie, rij.recordnummer
            """
        )
    finally:
        con.unregister("lineage_frame")


def _quoted(path: str) -> str:
    return "'" + path.replace("'", "''") + "'"


def _insert_malformed(
    con: duckdb.DuckDBPyConnection, export_day: LoadableExportDay, file: StoredFile
) -> None:
    """The file's malformed records into the quarantine in one statement, not one statement
    per record: a file of a million broken lines took over half an hour that way, with the
    warehouse's write lock held."""
    if file.malformed_path is None:
        return
    lineage = _lineage(export_day, file.name)
    parquet = _quoted(str(file.malformed_path))
    con.execute(
        "insert into raw.quarantaine select ?, ?, ?, ?, regelnummer, recordnummer, "
        f"'malformed_row', detail, ruwe_velden from read_parquet({parquet}) order by recordnummer",
        [lineage["versie_id"], lineage["export_datum"], lineage["gegenereerd_op"], file.name],
    )
