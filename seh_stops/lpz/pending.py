"""Which export days at the source still need loading: new days and corrections.

``seh-stops run`` and the export-day sensor ask the same question, so they share this answer.
Only manifests are read: a day is pending unless the warehouse already holds a version whose
``gegenereerd_op`` is the same or a later instant than the manifest's. A new day, a correction
(a later ``gegenereerd_op``) and a day whose manifest cannot be read or is absent are pending;
loading verifies them in full (hashes, row counts) and says why one cannot be loaded. So a
night costs one small read per day at the source, not a re-verification of all history, and an
unchanged day is never loaded (or checked) twice.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import duckdb

from seh_stops.lpz.contract import MANIFEST_FILE
from seh_stops.lpz.http_source import HttpExportSource, yesterday
from seh_stops.lpz.source import ExportSource, manifest_instant, read_unless_refused

# An HTTP source cannot list its days: without a range, probing starts this many days before
# the last loaded day, so that a correction published in the meantime is loaded too.
HTTP_RECHECK_DAYS = 7


def http_probe_start(last_loaded: date | None, end: date, first_export_day: date) -> date:
    """Where probing an HTTP source starts: a week before the last loaded day, or the first
    partition day on an empty warehouse."""
    if last_loaded is None:
        return first_export_day
    return min(last_loaded - timedelta(days=HTTP_RECHECK_DAYS), end)


def published_days(
    source: ExportSource, last_loaded: date | None, first_export_day: date
) -> list[date]:
    """The days to look at: all a folder holds, or an HTTP source's probe window to yesterday."""
    if not isinstance(source, HttpExportSource):
        return source.list_days()
    end = yesterday()
    return source.list_days(http_probe_start(last_loaded, end, first_export_day), end)


def loaded_versions(con: duckdb.DuckDBPyConnection) -> dict[date, datetime]:
    """Per loaded export day, the instant of its current (latest) version; {} before any load."""
    try:
        rows = con.execute(
            "select export_datum, max(gegenereerd_at) from raw.export_versies group by 1"
        ).fetchall()
    except duckdb.CatalogException:  # a warehouse without the raw layer yet
        return {}
    return dict(rows)


def manifest_generated_at(source: ExportSource, day: date) -> datetime | None:
    """The manifest's ``gegenereerd_op`` as an instant, or None when it cannot be read."""
    content = read_unless_refused(source, day, MANIFEST_FILE)
    return None if content is None else manifest_instant(content)


def pending_days(
    source: ExportSource, days: list[date], loaded: dict[date, datetime]
) -> list[date]:
    """The days of ``days`` that are not loaded in the version the source publishes now."""
    pending = []
    for day in days:
        current = loaded.get(day)
        if current is None:
            pending.append(day)
            continue
        published = manifest_generated_at(source, day)
        if published is None or published > current:
            pending.append(day)
    return pending
