"""Delivering a month: is it due, did its figures change, and if so the next revision folder.

A month's figures are compared with the latest delivered revision's CSV. Equal figures make
no new revision (the latest stays the delivery); different ones make revision N+1 beside N,
with the changed regions in the manifest's ``wijzigingen``. A month that is not due is refused,
unless a preliminary (``voorlopig``) delivery is forced: that goes to its own ``voorlopig-N``
folder with ``_VOORLOPIG`` in every file name, ``revisie`` 0 in the CSV and ``"voorlopig":
true`` in the manifest, so it is never taken for a final delivery.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb

from seh_stops.delivery.comparison import (
    comparison_changes,
    comparison_csv,
    comparison_file_name,
    query_comparison,
    query_definition,
)
from seh_stops.delivery.due import (
    check_month,
    due_status,
    grace_days,
    loaded_export_days,
    month_days,
    twelve_months,
)
from seh_stops.delivery.folders import Revision, file_name, latest_revision
from seh_stops.delivery.month_figures import query_month, query_months
from seh_stops.delivery.report_page import ReportContext, report_html
from seh_stops.delivery.revisions import (
    Outcome,
    Pending,
    check_due,
    draft,
    fingerprint,
    kind_of,
    write_revision,
)
from seh_stops.delivery.table import changes, delivery_csv
from seh_stops.delivery.workbook import delivery_workbook


def deliver_month(
    con: duckdb.DuckDBPyConnection,
    month: str,
    root: Path,
    today: date,
    *,
    preliminary: bool = False,
    grace: int | None = None,
    now: datetime | None = None,
) -> Outcome:
    """Deliver ``month`` into ``root`` if it is due (or forced as preliminary) and changed."""
    check_month(month)
    loaded = loaded_export_days(con)
    status = due_status(month, loaded, today, grace_days() if grace is None else grace)
    check_due(
        status,
        preliminary,
        f"a marked preliminary delivery: `seh-stops deliver --month {month} --preliminary` "
        "(run config `voorlopig: true` in Dagster)",
    )
    rows = query_month(con, month)
    comparison = query_comparison(con, month)
    latest = latest_revision(root, month, kind_of(preliminary))
    candidate = delivery_csv(rows)
    candidate_comparison = comparison_csv(comparison)
    found: list[dict] = []
    found_comparison: list[dict] = []
    if latest is not None:
        found = changes(latest.file(".csv").read_text(encoding="utf-8"), candidate)
        found_comparison = _comparison_changes(latest, candidate_comparison)
        if not found and not found_comparison:
            return Outcome(month, latest, new=False, due=status)

    revision = draft(month, preliminary, latest, now)
    used = {day: generated for day, generated in loaded.items() if day >= month_days(month)[0]}
    report = ReportContext(
        month=month,
        rows=rows,
        title_suffix=revision.title,
        preliminary=preliminary,
        generated_on=revision.generated_on,
        first_export_day=min(used, default=None),
        last_export_day=max(used, default=None),
        missing_days=[day for day in status.missing_days if day.strftime("%Y-%m") == month],
        history=query_months(con, twelve_months(month)[0], month),
        changes=found,
        previous=latest.number if latest else None,
        comparison=comparison,
        definition=query_definition(con, month),
    )
    revisie = revision.revisie
    files = {
        file_name(month, ".csv", preliminary): delivery_csv(rows, revisie).encode("utf-8"),
        comparison_file_name(month, preliminary): candidate_comparison.encode("utf-8"),
        file_name(month, ".xlsx", preliminary): delivery_workbook(
            rows,
            revisie,
            revision.title,
            preliminary,
            revision.moment,
            comparison,
            report.definition,
        ),
        file_name(month, ".html", preliminary): report_html(report).encode("utf-8"),
    }
    wijzigingen = found + found_comparison if latest is not None else None
    written = write_revision(root, revision, "maand", files, used, len(rows), wijzigingen)
    return Outcome(month, written, True, status, found, found_comparison)


def _comparison_changes(latest: Revision, candidate: str) -> list[dict]:
    """The comparison file's changes against ``latest`` (specification, section 9.3), each
    entry naming the file, so the manifest tells them from the section-7 changes."""
    delivered = latest.folder / comparison_file_name(latest.period, latest.preliminary)
    old = delivered.read_text(encoding="utf-8") if delivered.is_file() else None
    return [{"bestand": delivered.name} | change for change in comparison_changes(old, candidate)]


def pending_deliveries(
    con: duckdb.DuckDBPyConnection, root: Path, today: date, grace: int | None = None
) -> list[Pending]:
    """Every month in the warehouse that is due on ``today`` and whose figures differ from its
    latest final revision, or that has none: what the daily schedule delivers."""
    grace = grace_days() if grace is None else grace
    loaded = loaded_export_days(con)
    months = [
        row[0]
        for row in con.execute(
            "select distinct maand from marts.agg_seh_stops_regio_maand where maand <= ? "
            "order by maand",
            [today.strftime("%Y-%m")],
        ).fetchall()
    ]
    pending = []
    for month in months:
        if not due_status(month, loaded, today, grace).due:
            continue
        candidate = delivery_csv(query_month(con, month))
        candidate_comparison = comparison_csv(query_comparison(con, month))
        key = fingerprint(candidate, candidate_comparison)
        latest = latest_revision(root, month)
        if latest is None:
            pending.append(Pending(month, "nieuw", key))
        elif changes(
            latest.file(".csv").read_text(encoding="utf-8"), candidate
        ) or _comparison_changes(latest, candidate_comparison):
            pending.append(Pending(month, "gewijzigd", key))
    return pending
