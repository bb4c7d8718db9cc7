"""Publishing a quarter for LNAZ (specification, section 10): due, changed, next revision.

The same rules as the monthly delivery (:mod:`seh_stops.delivery.revisions`): a quarter is
due when its last month is; the section-10 CSV that would be written now is compared with the
latest revision's, and only a change of a figure makes ``publicatie/YYYY-QN/revisie-N+1/``
beside N. A quarter that is not due is refused unless a preliminary is forced: that goes to
``voorlopig-N/`` with ``_VOORLOPIG`` in every file name, ``revisie`` 0 and a page that says so.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import duckdb

from seh_stops.delivery.due import (
    check_quarter,
    eight_quarters,
    grace_days,
    loaded_export_days,
    quarter_due_status,
    quarter_months,
    year_earlier,
)
from seh_stops.delivery.folders import Revision, file_name, latest_revision
from seh_stops.delivery.public_page import PublicPage, public_page_html
from seh_stops.delivery.quarter_figures import (
    QUARTER_COLUMNS,
    QUARTER_FIGURE_COLUMNS,
    available_quarters,
    quarter_csv,
    query_quarter,
    query_quarters,
)
from seh_stops.delivery.revisions import (
    Outcome,
    Pending,
    check_due,
    draft,
    fingerprint,
    kind_of,
    write_revision,
)
from seh_stops.delivery.table import changes


def publish_quarter(
    con: duckdb.DuckDBPyConnection,
    quarter: str,
    root: Path,
    today: date,
    *,
    preliminary: bool = False,
    grace: int | None = None,
    now: datetime | None = None,
) -> Outcome:
    """Publish ``quarter`` into ``root`` if it is due (or forced as preliminary) and changed."""
    check_quarter(quarter)
    loaded = loaded_export_days(con)
    status = quarter_due_status(quarter, loaded, today, grace_days() if grace is None else grace)
    check_due(
        status,
        preliminary,
        f"a marked preliminary publication: `seh-stops publish --quarter {quarter} "
        "--preliminary` (run config `voorlopig: true` in Dagster)",
    )
    rows = query_quarter(con, quarter)
    latest = latest_revision(root, quarter, kind_of(preliminary))
    found: list[dict] = []
    if latest is not None:
        found = _changes(latest, quarter_csv(rows))
        if not found:
            return Outcome(quarter, latest, new=False, due=status)

    revision = draft(quarter, preliminary, latest, now)
    first_day = date.fromisoformat(f"{quarter_months(quarter)[0]}-01")
    used = {day: generated for day, generated in loaded.items() if day >= first_day}
    page = PublicPage(
        quarter=quarter,
        rows=rows,
        title_suffix=revision.title,
        preliminary=preliminary,
        generated_on=revision.generated_on,
        year_earlier=query_quarters(con, [year_earlier(quarter)]),
        history=query_quarters(con, eight_quarters(quarter)),
        changes=found,
        previous=latest.number if latest else None,
    )
    files = {
        file_name(quarter, ".csv", preliminary): quarter_csv(rows, revision.revisie).encode(),
        file_name(quarter, ".html", preliminary): public_page_html(page).encode("utf-8"),
    }
    wijzigingen = found if latest is not None else None
    written = write_revision(root, revision, "kwartaal", files, used, len(rows), wijzigingen)
    return Outcome(quarter, written, True, status, found)


def current_quarter_csv(con: duckdb.DuckDBPyConnection, quarter: str, root: Path) -> str:
    """The section-10 CSV of the figures computed now, numbered as the publication holds
    them: the latest revision's number when its figures are these, the next one when they
    changed, 1 when the quarter was never published."""
    candidate = quarter_csv(query_quarter(con, quarter))
    latest = latest_revision(root, quarter)
    if latest is None:
        return candidate
    number = latest.number + 1 if _changes(latest, candidate) else latest.number
    return quarter_csv(query_quarter(con, quarter), number)


def pending_publications(
    con: duckdb.DuckDBPyConnection, root: Path, today: date, grace: int | None = None
) -> list[Pending]:
    """Every quarter in the warehouse that is due on ``today`` and never published, or whose
    figures differ from its latest final revision: what the daily schedule publishes."""
    grace = grace_days() if grace is None else grace
    loaded = loaded_export_days(con)
    pending = []
    for quarter in available_quarters(con):
        if not quarter_due_status(quarter, loaded, today, grace).due:
            continue
        candidate = quarter_csv(query_quarter(con, quarter))
        latest = latest_revision(root, quarter)
        if latest is None:
            pending.append(Pending(quarter, "nieuw", fingerprint(candidate)))
        elif _changes(latest, candidate):
            pending.append(Pending(quarter, "gewijzigd", fingerprint(candidate)))
    return pending


def _changes(latest: Revision, candidate: str) -> list[dict]:
    """The section-10 figures that differ between ``latest``'s CSV and ``candidate``."""
    delivered = latest.file(".csv").read_text(encoding="utf-8")
    return changes(delivered, candidate, QUARTER_COLUMNS, QUARTER_FIGURE_COLUMNS)
