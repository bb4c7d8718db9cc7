"""Loading verified export days into the raw layer of the warehouse.

Each version of a day is archived as received (write to a temporary name, then rename) and
its rows are inserted in one transaction, with lineage: export day, file, line number and the
manifest's generation time. Loading the same version again changes nothing; a later version (a
correction) becomes the day's current version while the older one stays in the archive and in
the raw tables; an older or equal version is not loaded and is reported as stale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from orchestration.durable import write_durably
from orchestration.lpz.contract import COLUMNS_BY_FILE, LOCATIONS_FILE, MUTATIONS_FILE
from orchestration.lpz.export_day import ExportDay

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
    con.execute(resources.files("orchestration.lpz").joinpath("raw_schema.sql").read_text())


def load_export_day(
    con: duckdb.DuckDBPyConnection, export_day: ExportDay, archive_root: Path
) -> LoadResult:
    """Archive ``export_day`` and load it into the raw tables in one transaction."""
    ensure_raw_schema(con)
    day = export_day.day.isoformat()
    current = con.execute(
        "select versie_id, gegenereerd_at from raw.export_versies where export_datum = ? "
        "order by gegenereerd_at desc limit 1",
        [export_day.day],
    ).fetchone()
    already = con.execute(
        "select count(*) from raw.export_versies where versie_id = ?", [export_day.version_id]
    ).fetchone()[0]
    if already:
        return LoadResult(
            day, export_day.version_id, LoadOutcome.UNCHANGED, current_version_id=current[0]
        )
    archive_path = archive_export_day(export_day, archive_root)
    if current is not None and current[1] >= export_day.generated_at:
        return LoadResult(
            day, export_day.version_id, LoadOutcome.STALE, current_version_id=current[0]
        )

    rows, quarantined = {}, {}
    con.execute("begin transaction")
    try:
        con.execute(
            "insert into raw.export_versies values (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                export_day.version_id,
                export_day.day,
                export_day.generated_on,
                export_day.generated_at,
                export_day.source,
                str(archive_path),
                export_day.manifest_sha256,
                datetime.now(UTC),
            ],
        )
        for name in export_day.files:
            rows[name] = _insert_records(con, export_day, name)
            quarantined[name] = _insert_malformed(con, export_day, name)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    outcome = LoadOutcome.LOADED if current is None else LoadOutcome.REPLACED
    return LoadResult(
        day,
        export_day.version_id,
        outcome,
        rows,
        quarantined,
        current_version_id=export_day.version_id,
    )


def archive_export_day(export_day: ExportDay, archive_root: Path) -> Path:
    """Copy every file of this version to ``archive/YYYY-MM-DD/<gegenereerd_op>/``.

    Written to a temporary name, flushed to disk and renamed, so a crash never leaves a
    half-written file, and a power cut none that is empty under its final name (an existing
    file is never written again); an existing archived version is left as it is (the archive
    never changes).
    """
    folder = archive_root / export_day.day.isoformat() / _safe_name(export_day.generated_on)
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in export_day.contents.items():
        target = folder / name
        if target.exists():
            continue
        write_durably(target, content)
    return folder


def _safe_name(generated_on: str) -> str:
    """A folder name for a gegenereerd_op value (':' and '+' are awkward in paths)."""
    return generated_on.replace(":", "").replace("+", "p")


def _lineage(export_day: ExportDay, name: str) -> dict[str, object]:
    return {
        "versie_id": export_day.version_id,
        "export_datum": export_day.day,
        "gegenereerd_op": export_day.generated_on,
        "bestand": name,
    }


def _insert_records(con: duckdb.DuckDBPyConnection, export_day: ExportDay, name: str) -> int:
    parsed = export_day.files[name]
    columns = COLUMNS_BY_FILE[name]
    frame = pd.DataFrame(
        [record.values for record in parsed.records], columns=list(columns), dtype="string"
    )
    for key, value in _lineage(export_day, name).items():
        frame[key] = value
    frame["regelnummer"] = [record.line_number for record in parsed.records]
    frame["recordnummer"] = [record.record_number for record in parsed.records]
    selected = ", ".join((*_LINEAGE_COLUMNS, *columns))
    con.register("records_frame", frame)
    try:
        con.execute(
            f"insert into {RAW_TABLE_BY_FILE[name]} ({selected}) "
            f"select {selected} from records_frame"
        )
    finally:
        con.unregister("records_frame")
    return len(parsed.records)


def _insert_malformed(con: duckdb.DuckDBPyConnection, export_day: ExportDay, name: str) -> int:
    malformed = export_day.files[name].malformed
    lineage = _lineage(export_day, name)
    for record in malformed:
        con.execute(
            "insert into raw.quarantaine values (?, ?, ?, ?, ?, ?, 'malformed_row', ?, ?)",
            [
                lineage["versie_id"],
                lineage["export_datum"],
                lineage["gegenereerd_op"],
                name,
                record.line_number,
                record.record_number,
                record.detail,
                record.fields_json,
            ],
        )
    return len(malformed)
