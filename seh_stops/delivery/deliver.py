"""Delivering a month: is it due, did its figures change, and if so the next revision folder.

A month's figures are compared with the latest delivered revision's CSV. Equal figures make
no new revision (the latest stays the delivery); different ones make revision N+1 beside N,
with the changed regions in the manifest's ``wijzigingen``. A month that is not due is refused,
unless a preliminary (``voorlopig``) delivery is forced: that goes to its own ``voorlopig-N``
folder with ``_VOORLOPIG`` in every file name, ``revisie`` 0 in the CSV and ``"voorlopig":
true`` in the manifest, so it is never taken for a final delivery.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from seh_stops.delivery.comparison import (
    comparison_changes,
    comparison_csv,
    comparison_file_name,
    query_comparison,
    query_definition,
)
from seh_stops.delivery.due import (
    DueStatus,
    check_month,
    due_status,
    grace_days,
    loaded_export_days,
    month_days,
    twelve_months,
)
from seh_stops.delivery.folders import (
    FINAL,
    MANIFEST,
    PRELIMINARY,
    Revision,
    file_name,
    latest_revision,
    write_folder,
)
from seh_stops.delivery.month_figures import query_month, query_months
from seh_stops.delivery.report_page import ReportContext, report_html
from seh_stops.delivery.table import changes, delivery_csv
from seh_stops.delivery.workbook import delivery_workbook
from seh_stops.lpz.contract import TIMEZONE

PRELIMINARY_REVISIE = 0  # the CSV's and manifest's `revisie` of a preliminary delivery


class MonthNotDue(RuntimeError):
    """The month is not due yet and no preliminary delivery was asked for."""


class MonthAlreadyDue(ValueError):
    """A preliminary delivery was asked for a month that is due: deliver it as final."""


@dataclass(frozen=True)
class Outcome:
    """What a delivery did: the month's current folder, and whether this call wrote it."""

    month: str
    revision: Revision
    new: bool
    due: DueStatus
    changes: list[dict] = field(default_factory=list)  # of the section-7 figures
    # of the comparison file (specification, section 9.3), each entry naming the file
    comparison_changes: list[dict] = field(default_factory=list)

    def describe(self) -> str:
        noun = "preliminary" if self.revision.preliminary else "revision"
        kind = f"{noun} {self.revision.number}"
        if not self.new:
            return f"{self.month}: figures unchanged, {kind} stays the delivery"
        changed = ", ".join(change["roaz_regio"] for change in self.changes)
        if self.comparison_changes:
            regions = ", ".join(change["roaz_regio"] for change in self.comparison_changes)
            changed = "; ".join(part for part in (changed, f"vergelijking: {regions}") if part)
        return f"{self.month}: delivered {kind}" + (f" (changed: {changed})" if changed else "")


@dataclass(frozen=True)
class Pending:
    """A month the schedule should deliver: never delivered (``nieuw``) or changed."""

    month: str
    reason: str  # "nieuw" or "gewijzigd"
    fingerprint: str  # sha256 of the CSV that would be delivered, for run keys


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
    if preliminary and status.due:
        raise MonthAlreadyDue(f"{status.explain()}; deliver it as final, not as preliminary")
    if not preliminary and not status.due:
        raise MonthNotDue(
            f"{status.explain()}. To deliver it now anyway, force a marked preliminary "
            f"delivery: `seh-stops deliver --month {month} --preliminary` (run config "
            "`voorlopig: true` in Dagster)."
        )
    rows = query_month(con, month)
    comparison = query_comparison(con, month)
    kind = PRELIMINARY if preliminary else FINAL
    latest = latest_revision(root, month, kind)
    candidate = delivery_csv(rows)
    candidate_comparison = comparison_csv(comparison)
    found: list[dict] = []
    found_comparison: list[dict] = []
    if latest is not None:
        found = changes(latest.file(".csv").read_text(encoding="utf-8"), candidate)
        found_comparison = _comparison_changes(latest, candidate_comparison)
        if not found and not found_comparison:
            return Outcome(month, latest, new=False, due=status)

    number = latest.number + 1 if latest else 1
    revisie = PRELIMINARY_REVISIE if preliminary else number
    moment = (now or datetime.now(ZoneInfo(TIMEZONE))).astimezone(ZoneInfo(TIMEZONE))
    generated_on = moment.isoformat(timespec="seconds")
    used = {day: generated for day, generated in loaded.items() if day >= month_days(month)[0]}
    title = f"voorlopig {number}" if preliminary else f"revisie {number}"
    report = ReportContext(
        month=month,
        rows=rows,
        title_suffix=title,
        preliminary=preliminary,
        generated_on=generated_on,
        first_export_day=min(used, default=None),
        last_export_day=max(used, default=None),
        missing_days=[day for day in status.missing_days if day.strftime("%Y-%m") == month],
        history=query_months(con, twelve_months(month)[0], month),
        changes=found,
        previous=latest.number if latest else None,
        comparison=comparison,
        definition=query_definition(con, month),
    )
    files = {
        file_name(month, ".csv", preliminary): delivery_csv(rows, revisie).encode("utf-8"),
        comparison_file_name(month, preliminary): candidate_comparison.encode("utf-8"),
        file_name(month, ".xlsx", preliminary): delivery_workbook(
            rows, revisie, title, preliminary, moment, comparison, report.definition
        ),
        file_name(month, ".html", preliminary): report_html(report).encode("utf-8"),
    }
    preliminary_number = number if preliminary else None
    manifest = _manifest(month, revisie, preliminary_number, generated_on, used, files, len(rows))
    if latest is not None:
        manifest["wijzigingen"] = found + found_comparison
    files[MANIFEST] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    folder = root / month / f"{kind}-{number}"
    write_folder(folder, files)
    revision = Revision(month, kind, number, folder)
    return Outcome(month, revision, True, status, found, found_comparison)


def _comparison_changes(latest: Revision, candidate: str) -> list[dict]:
    """The comparison file's changes against ``latest`` (specification, section 9.3), each
    entry naming the file, so the manifest tells them from the section-7 changes."""
    delivered = latest.folder / comparison_file_name(latest.month, latest.preliminary)
    old = delivered.read_text(encoding="utf-8") if delivered.is_file() else None
    return [{"bestand": delivered.name} | change for change in comparison_changes(old, candidate)]


def _manifest(
    month: str,
    revisie: int,
    preliminary_number: int | None,
    generated_on: str,
    used: dict[date, str],
    files: dict[str, bytes],
    regions: int,
) -> dict[str, object]:
    """The section-7 keys in their order (``wijzigingen`` is added by the caller)."""
    manifest: dict[str, object] = {"maand": month, "revisie": revisie}
    if preliminary_number is not None:
        manifest |= {"voorlopig": True, "volgnummer": preliminary_number}
    return manifest | {
        "gegenereerd_op": generated_on,
        "exportdagen": [
            {"exportdatum": day.isoformat(), "gegenereerd_op": generated}
            for day, generated in sorted(used.items())
        ],
        "bestanden": [
            # every file holds the same ten regions (as rows, or as columns in the report)
            {"naam": name, "rijen": regions, "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in files.items()
        ],
    }


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
        fingerprint = hashlib.sha256((candidate + candidate_comparison).encode("utf-8")).hexdigest()
        latest = latest_revision(root, month)
        if latest is None:
            pending.append(Pending(month, "nieuw", fingerprint))
        elif changes(
            latest.file(".csv").read_text(encoding="utf-8"), candidate
        ) or _comparison_changes(latest, candidate_comparison):
            pending.append(Pending(month, "gewijzigd", fingerprint))
    return pending
