"""The export-day inventory: what the source holds, and whether each day is fit to load.

Ingestion loads complete days only, so a day that is incomplete (or a correction that is not
later than the loaded version) leaves no trace in the raw layer by itself. The inventory
records, per export day seen at the source, the outcome of its latest verification in
``raw.export_controles``; dbt turns that into findings (``dq_bevindingen``).

Verifying a day reads and hashes both CSV files, which grows with history. A day whose
manifest bytes did not change since its last check and that was then complete (or stale) is
not verified again, so a night costs one small manifest read per listed day plus a full
check of the new, changed and incomplete days only. A day seen for the first time whose
manifest is that of its loaded current version counts as complete without reading its files
again: the ingestion verified them in the same run. Incomplete days are always checked
again: a file that was listed but not yet published can appear without the manifest
changing.

``reden`` is a fixed Dutch phrase chosen from the verification's outcome, naming at most a
contract file: never a value taken from the files, which may hold anything.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

import duckdb
import pandas as pd

from seh_stops.lpz.contract import MANIFEST_FILE
from seh_stops.lpz.export_day import (
    ExportDayNotLoadable,
    MissingExportDay,
    verify_export_day,
)
from seh_stops.lpz.loader import ensure_raw_schema
from seh_stops.lpz.source import ExportSource, read_unless_refused


class CheckStatus(StrEnum):
    """The outcome of verifying one export day at the source."""

    COMPLETE = "compleet"  # complete: loaded, or later than the loaded version
    INCOMPLETE = "incompleet"  # no manifest, or the files do not match it
    STALE = "verouderd"  # complete, but not later than the loaded version


@dataclass(frozen=True)
class DayCheck:
    """The latest verification outcome of one export day, as stored in the inventory."""

    export_datum: date
    status: CheckStatus
    reden: str | None
    gegenereerd_op: str | None
    manifest_sha256: str | None
    gecontroleerd_at: datetime


@dataclass(frozen=True)
class InventoryResult:
    """What one inventory pass did: every day's current outcome and which were re-verified."""

    checks: list[DayCheck]
    verified: list[date]
    skipped: list[date]
    removed: list[date]

    def count(self, status: CheckStatus) -> int:
        return sum(check.status == status for check in self.checks)


# Verification messages (seh_stops/lpz/export_day.py and csv_file.py) -> fixed phrases.
# Each pattern is anchored at the message's start, which is fixed text or a contract file name:
# the values a message may quote from a file come later and cannot steer the choice. A
# message no pattern knows gets the generic phrase, never the message itself.
_FILE = r"(?P<file>seh_locaties\.csv|seh_statusmutaties\.csv)"
_ANY_FILE = r"(?P<file>seh_locaties\.csv|seh_statusmutaties\.csv|manifest\.json)"
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), phrase)
    for pattern, phrase in (
        (
            _FILE + r": SHA-256 differs from the manifest$",
            "{file}: SHA-256 wijkt af van het manifest",
        ),
        (_FILE + r" is listed in the manifest but not published$", "{file} ontbreekt"),
        (_FILE + r": manifest lists \d+ rows, the file has \d+$", "{file}: aantal rijen wijkt af"),
        (_FILE + r": not valid UTF-8 ", "{file}: geen geldige UTF-8"),
        (_FILE + r": broken quoting ", "{file}: ongeldige aanhalingstekens"),
        (_FILE + r": the file is empty ", "{file}: leeg bestand zonder kopregel"),
        (_FILE + r": header (repeats|lacks) column", "{file}: kopregel mist of herhaalt een kolom"),
        (_FILE + r": \d+ of \d+ records are malformed", "{file}: te veel onleesbare regels"),
        (
            _ANY_FILE + r": refused: the export-day folder is a symbolic link",
            "exportmap is een symbolische link",
        ),
        (_ANY_FILE + r": refused: a symbolic link", "{file} is een symbolische link"),
        (_ANY_FILE + r": refused: not a regular file", "{file} is geen gewoon bestand"),
        (_ANY_FILE + r": refused: larger than", "{file} is groter dan toegestaan"),
        (_ANY_FILE + r": refused: compressed", "{file}: gecomprimeerd antwoord geweigerd"),
        (
            r"manifest\.json is not (valid JSON|a JSON object)",
            "manifest.json is geen geldig JSON-object",
        ),
        (r"manifest contractversie is ", "manifest.json: contractversie is niet 1"),
        (r"manifest exportdatum ", "manifest.json: exportdatum is niet de dag van de map"),
        (
            r"manifest (lacks gegenereerd_op|gegenereerd_op is not)",
            "manifest.json: gegenereerd_op ongeldig",
        ),
        (
            r"manifest (bestanden |entry |lists |does not list )",
            "manifest.json: bestandenlijst ongeldig",
        ),
    )
)
GENERIC_REASON = "exportdag klopt niet met het manifest"
MISSING_MANIFEST_REASON = "manifest.json ontbreekt"
STALE_REASON = "niet later dan de geladen versie"


def reason_phrase(problem: ExportDayNotLoadable) -> str:
    """A fixed Dutch phrase for why a day cannot be loaded: no text taken from the files."""
    if isinstance(problem, MissingExportDay):
        return MISSING_MANIFEST_REASON
    for pattern, phrase in _REASONS:
        match = pattern.match(problem.reason)
        if match:
            return phrase.format(**match.groupdict())
    return GENERIC_REASON


def take_inventory(
    con: duckdb.DuckDBPyConnection,
    source: ExportSource,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> InventoryResult:
    """Check the export days at ``source`` and record the outcomes in raw.export_controles.

    The days checked are those the source lists (a folder lists all; HTTP probes recent
    days) and the days stored as incomplete or stale, so that their findings can resolve. A
    day is verified again only when its manifest bytes changed since the last check or it
    was incomplete. A stored day that is no longer listed and has no manifest any more has
    left the source and leaves the inventory; a complete day keeps its row.
    """
    ensure_raw_schema(con)
    previous = {check.export_datum: check for check in stored_checks(con)}
    # each day's current loaded version, and its manifest: the loader verified its files
    current = con.execute(
        "select export_datum, arg_max(versie_id, gegenereerd_at), max(gegenereerd_at), "
        "arg_max(manifest_sha256, gegenereerd_at), arg_max(gegenereerd_op, gegenereerd_at) "
        "from raw.export_versies group by export_datum"
    ).fetchall()
    loaded = {day: (versie_id, generated_at) for day, versie_id, generated_at, *_ in current}
    current_manifests = {day: tuple(manifest) for day, _, _, *manifest in current}
    listed = set(source.list_days())
    unsettled = {day for day, check in previous.items() if check.status != CheckStatus.COMPLETE}
    checks = dict(previous)
    verified, skipped, removed = [], [], []
    for day in sorted(listed | unsettled):
        manifest = read_unless_refused(source, day, MANIFEST_FILE)
        if manifest is None and day not in listed:
            del checks[day]
            removed.append(day)
            continue
        digest = hashlib.sha256(manifest).hexdigest() if manifest is not None else None
        before = previous.get(day)
        if (
            before is not None
            and before.status != CheckStatus.INCOMPLETE
            and before.manifest_sha256 == digest
        ):
            skipped.append(day)
            continue
        if before is None and digest is not None and current_manifests.get(day, ("",))[0] == digest:
            # first check of a day just loaded from this very manifest: the loader verified
            # its files moments ago, so reading them again (a third time in a backfill) would
            # only repeat that
            checks[day] = DayCheck(
                day, CheckStatus.COMPLETE, None, current_manifests[day][1], digest, now()
            )
            skipped.append(day)
            continue
        checks[day] = check_day(source, day, loaded.get(day), now())
        verified.append(day)
    ordered = [checks[day] for day in sorted(checks)]
    _replace_inventory(con, ordered)
    return InventoryResult(ordered, verified, skipped, removed)


def check_day(
    source: ExportSource,
    day: date,
    loaded: tuple[str, datetime] | None,
    checked_at: datetime,
) -> DayCheck:
    """Verify ``day`` and judge it against the loaded version (versie_id, gegenereerd_at)."""
    try:
        export_day = verify_export_day(source, day)
    except ExportDayNotLoadable as problem:
        manifest = read_unless_refused(source, day, MANIFEST_FILE)
        digest = hashlib.sha256(manifest).hexdigest() if manifest is not None else None
        return DayCheck(
            day, CheckStatus.INCOMPLETE, reason_phrase(problem), None, digest, checked_at
        )
    # the loader's rule: a version replaces the loaded one only when it is a later instant
    status, reason = CheckStatus.COMPLETE, None
    if loaded is not None:
        loaded_version_id, loaded_generated_at = loaded
        if (
            export_day.version_id != loaded_version_id
            and export_day.generated_at <= loaded_generated_at
        ):
            status, reason = CheckStatus.STALE, STALE_REASON
    return DayCheck(
        day, status, reason, export_day.generated_on, export_day.manifest_sha256, checked_at
    )


def stored_checks(con: duckdb.DuckDBPyConnection) -> list[DayCheck]:
    """The inventory as stored, oldest day first."""
    rows = con.execute(
        "select export_datum, status, reden, gegenereerd_op, manifest_sha256, gecontroleerd_at "
        "from raw.export_controles order by export_datum"
    ).fetchall()
    return [DayCheck(row[0], CheckStatus(row[1]), *row[2:]) for row in rows]


def _replace_inventory(con: duckdb.DuckDBPyConnection, checks: list[DayCheck]) -> None:
    """Write the inventory in one transaction: one row per day at the source."""
    frame = pd.DataFrame(
        {
            "export_datum": pd.Series([c.export_datum for c in checks], dtype="object"),
            "status": pd.Series([c.status.value for c in checks], dtype="string"),
            "reden": pd.Series([c.reden for c in checks], dtype="string"),
            "gegenereerd_op": pd.Series([c.gegenereerd_op for c in checks], dtype="string"),
            "manifest_sha256": pd.Series([c.manifest_sha256 for c in checks], dtype="string"),
            "gecontroleerd_at": pd.Series([c.gecontroleerd_at for c in checks], dtype="object"),
        }
    )
    con.execute("begin transaction")
    try:
        con.execute("delete from raw.export_controles")
        con.register("controles_frame", frame)
        try:
            con.execute(
                "insert into raw.export_controles select cast(export_datum as date), status, "
                "reden, gegenereerd_op, manifest_sha256, cast(gecontroleerd_at as timestamptz) "
                "from controles_frame"
            )
        finally:
            con.unregister("controles_frame")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
