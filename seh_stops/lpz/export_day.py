"""Verifying one export day against its manifest (specification, sections 1 and 8).

An export day is complete only when ``manifest.json`` is a valid contract-1 manifest for that
day that lists both CSV files, and every listed file has the listed SHA-256 and row count. A
day that is missing or incomplete is never loaded in part: :func:`verify_export_day` raises and
says why, and the day is loaded once the LPZ publishes it complete. A file the source refuses
(a link, not a regular file, beyond its size cap) and a file whose records are malformed in
bulk make the day incomplete too.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime

from seh_stops.lpz.contract import (
    COLUMNS_BY_FILE,
    CONTRACT_VERSION,
    DATA_FILES,
    MANIFEST_FILE,
)
from seh_stops.lpz.csv_file import ParsedFile, UnreadableFile
from seh_stops.lpz.limits import RefusedFile
from seh_stops.lpz.parse_store import StoredFile, parse_export_csv_once
from seh_stops.lpz.source import ExportSource
from seh_stops.lpz.timestamps import parse_lpz_timestamp
from seh_stops.settings import share_from_env

MAX_MALFORMED_SHARE_ENV = "LPZ_EXPORT_MAX_MALFORMED_SHARE"
DEFAULT_MAX_MALFORMED_SHARE = 0.1
MALFORMED_RECORDS_ALWAYS_ALLOWED = 20


class ExportDayNotLoadable(Exception):
    """An export day that must not be loaded (yet). ``reason`` says what is wrong."""

    kind = "incomplete"

    def __init__(self, day: date, reason: str) -> None:
        super().__init__(f"export day {day.isoformat()} is {self.kind}: {reason}")
        self.day = day
        self.reason = reason


class MissingExportDay(ExportDayNotLoadable):
    """The source has no manifest for the day: not (yet) published."""

    kind = "missing"


class IncompleteExportDay(ExportDayNotLoadable):
    """The day is published but does not match its manifest, or cannot be read."""


@dataclass(frozen=True)
class LoadableExportDay:
    """A verified, complete export day, ready to load."""

    day: date
    generated_on: str  # gegenereerd_op as written in the manifest
    generated_at: datetime
    manifest_sha256: str
    source: str
    contents: dict[str, bytes]  # every contract file (manifest included) as received
    # the two CSV files, parsed: on disk inside a parse store (seh_stops/lpz/parse_store.py)
    files: dict[str, ParsedFile | StoredFile]

    @property
    def version_id(self) -> str:
        """Identifies this version of the day: a correction has a later gegenereerd_op."""
        return f"{self.day.isoformat()}@{self.generated_on}"

    def summary(self) -> ExportDaySummary:
        """What verification established, without the files."""
        return ExportDaySummary(
            day=self.day,
            generated_on=self.generated_on,
            generated_at=self.generated_at,
            manifest_sha256=self.manifest_sha256,
            source=self.source,
            size_bytes=sum(len(content) for content in self.contents.values()),
        )


@dataclass(frozen=True)
class ExportDaySummary:
    """A day that was complete when it was verified, without its files: a few hundred bytes,
    where the parsed files take about ten times their size. A backfill of years keeps these
    for every day, and the files of one day at a time."""

    day: date
    generated_on: str
    generated_at: datetime
    manifest_sha256: str
    source: str
    size_bytes: int  # the contract files together, manifest included

    @property
    def version_id(self) -> str:
        return f"{self.day.isoformat()}@{self.generated_on}"


def verify_export_day(source: ExportSource, day: date) -> LoadableExportDay:
    """Read and verify ``day`` from ``source``; raise :class:`ExportDayNotLoadable` if unfit."""
    manifest_bytes = _read(source, day, MANIFEST_FILE)
    if manifest_bytes is None:
        raise MissingExportDay(day, f"no {MANIFEST_FILE} at {source.describe()}")
    manifest = _parse_manifest(day, manifest_bytes)
    generated_at = parse_lpz_timestamp(manifest["gegenereerd_op"])
    if generated_at is None:
        raise IncompleteExportDay(day, "manifest gegenereerd_op is not a contract timestamp")

    contents = {MANIFEST_FILE: manifest_bytes}
    files = {}
    for name, listed in _listed_files(day, manifest).items():
        content = _read(source, day, name)
        if content is None:
            raise IncompleteExportDay(day, f"{name} is listed in the manifest but not published")
        digest = hashlib.sha256(content).hexdigest()
        if digest != listed["sha256"].lower():
            raise IncompleteExportDay(day, f"{name}: SHA-256 differs from the manifest")
        try:
            parsed = parse_export_csv_once(name, content, digest, COLUMNS_BY_FILE[name])
        except UnreadableFile as exc:
            raise IncompleteExportDay(day, str(exc)) from exc
        if parsed.record_count != listed["rijen"]:
            raise IncompleteExportDay(
                day,
                f"{name}: manifest lists {listed['rijen']} rows, the file has "
                f"{parsed.record_count}",
            )
        _check_malformed_share(day, parsed)
        contents[name] = content
        files[name] = parsed
    return LoadableExportDay(
        day=day,
        generated_on=manifest["gegenereerd_op"],
        generated_at=generated_at,
        manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(),
        source=source.describe(),
        contents=contents,
        files=files,
    )


def _read(source: ExportSource, day: date, name: str) -> bytes | None:
    """The file's bytes, or None; a file the source refuses makes the day incomplete."""
    try:
        return source.read(day, name)
    except RefusedFile as refused:
        raise IncompleteExportDay(day, str(refused)) from None


def max_malformed_share() -> float:
    """The share of a file's records that may be malformed (``LPZ_EXPORT_MAX_MALFORMED_SHARE``)."""
    return share_from_env(MAX_MALFORMED_SHARE_ENV, DEFAULT_MAX_MALFORMED_SHARE)


def _check_malformed_share(day: date, parsed: ParsedFile | StoredFile) -> None:
    """A file with many records that do not split into the header's columns is a broken
    export, not data: the day is incomplete instead of filling the quarantine.

    A handful of malformed records (up to :data:`MALFORMED_RECORDS_ALWAYS_ALLOWED`) is always
    quarantined and loaded: on a small day a single one would otherwise pass any share.
    """
    malformed, records = parsed.malformed_count, parsed.record_count
    share = max_malformed_share()
    if malformed > MALFORMED_RECORDS_ALWAYS_ALLOWED and malformed > share * records:
        raise IncompleteExportDay(
            day,
            f"{parsed.name}: {malformed} of {records} records are malformed, more than "
            f"{share:.0%} ({MAX_MALFORMED_SHARE_ENV}): a broken export, not data; ask the LPZ "
            "to publish the day again",
        )


def _parse_manifest(day: date, content: bytes) -> dict:
    """The manifest as a dict, checked for the keys and values specification, section 8 requires."""
    try:
        manifest = json.loads(content.decode("utf-8-sig"))
    except (ValueError, RecursionError) as exc:
        # ValueError: bad UTF-8, bad JSON, or an integer beyond Python's 4300-digit limit;
        # RecursionError: arrays or objects nested thousands deep. None is a manifest.
        raise IncompleteExportDay(
            day, f"{MANIFEST_FILE} is not valid JSON ({_shown(str(exc))})"
        ) from exc
    if not isinstance(manifest, dict):
        raise IncompleteExportDay(day, f"{MANIFEST_FILE} is not a JSON object")
    if manifest.get("contractversie") != CONTRACT_VERSION:
        raise IncompleteExportDay(
            day,
            f"manifest contractversie is {_shown(manifest.get('contractversie'))}, expected '1'",
        )
    if manifest.get("exportdatum") != day.isoformat():
        raise IncompleteExportDay(
            day,
            f"manifest exportdatum {_shown(manifest.get('exportdatum'))} is not the folder's day",
        )
    if not isinstance(manifest.get("gegenereerd_op"), str):
        raise IncompleteExportDay(day, "manifest lacks gegenereerd_op")
    return manifest


def _listed_files(day: date, manifest: dict) -> dict[str, dict]:
    """The manifest's file entries by name, checked; both CSV files must be listed.

    A listed name outside the contract cannot be verified (and is never read: names come from
    the contract only), so it makes the day incomplete rather than being silently skipped.
    """
    entries = manifest.get("bestanden")
    if not isinstance(entries, list):
        raise IncompleteExportDay(day, "manifest bestanden is not a list")
    listed: dict[str, dict] = {}
    for entry in entries:
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("naam"), str)
            and type(entry.get("rijen")) is int
            and entry["rijen"] >= 0
            and isinstance(entry.get("sha256"), str)
        ):
            raise IncompleteExportDay(
                day, f"manifest entry {_shown(entry)} lacks naam, rijen or sha256"
            )
        name = entry["naam"]
        if name not in DATA_FILES:
            raise IncompleteExportDay(
                day, f"manifest lists {_shown(name)}, not a contract data file"
            )
        if name in listed and listed[name] != entry:
            raise IncompleteExportDay(day, f"manifest lists {name} twice, differently")
        listed[name] = entry
    unlisted = [name for name in DATA_FILES if name not in listed]
    if unlisted:
        raise IncompleteExportDay(day, f"manifest does not list {', '.join(unlisted)}")
    return listed


_SHOWN_CHARS = 80


def _shown(value: object) -> str:
    """``value`` as a short, printable repr for a message: a manifest may hold anything, and
    a reason is read in logs and the Dagster UI, so it never quotes more than a glimpse."""
    try:
        text = repr(value)
    except RecursionError:  # JSON nested almost as deep as the parser allows
        return "<a value nested too deeply to show>"
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 3] + "..."
