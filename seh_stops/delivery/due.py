"""When a month is due for delivery (specification, section 7).

Month M is due once every export day of M and the ``nalooptermijn_dagen`` days after it are
loaded, and at the latest on the day after that grace period ends (Europe/Amsterdam): then it
is delivered with what is there. Before that it can only be delivered as a marked preliminary.
"""

from __future__ import annotations

import calendar
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb

from seh_stops.days import day_ranges, is_month
from seh_stops.lpz.contract import TIMEZONE

GRACE_DAYS_ENV = "SEH_NALOOPTERMIJN_DAGEN"
DEFAULT_GRACE_DAYS = 3  # Specification, section 7: late registrations for the month's last days


@dataclass(frozen=True)
class DueStatus:
    """Whether a month is due on a given day, and why (or why not)."""

    month: str
    today: date
    grace_days: int
    missing_days: tuple[date, ...]  # export days of M and its grace period not loaded
    latest_due_date: date  # the day after the grace period: due then, whatever is missing

    @property
    def complete(self) -> bool:
        """Every export day of the month and of its grace period is loaded."""
        return not self.missing_days

    @property
    def due(self) -> bool:
        return self.complete or self.today >= self.latest_due_date

    def explain(self) -> str:
        """One sentence for logs, failures and the CLI."""
        if self.complete:
            return (
                f"{self.month} is due: every export day of the month and its "
                f"{self.grace_days} grace day(s) is loaded"
            )
        missing = day_ranges(self.missing_days)
        if self.due:
            return (
                f"{self.month} is due since {self.latest_due_date} (the day after its grace "
                f"period) and is delivered with what is loaded; missing export days: {missing}"
            )
        return (
            f"{self.month} is not due yet on {self.today}: export days {missing} are not loaded; "
            f"it is due once they are, or at the latest on {self.latest_due_date}"
        )


def check_month(month: str) -> str:
    """``month`` itself when it is of the form YYYY-MM; a clear ValueError otherwise."""
    if not is_month(month):
        raise ValueError(f"month {month!r} is not of the form YYYY-MM (for example 2023-01)")
    return month


def month_days(month: str) -> list[date]:
    """The calendar days of ``month`` (YYYY-MM)."""
    year, number = (int(part) for part in check_month(month).split("-"))
    return [date(year, number, day) for day in range(1, calendar.monthrange(year, number)[1] + 1)]


def twelve_months(last: str) -> list[str]:
    """The twelve months that end with ``last``, oldest first: the report's chart window."""
    year, number = (int(part) for part in check_month(last).split("-"))
    indexes = range(year * 12 + number - 12, year * 12 + number)
    return [f"{index // 12:04d}-{index % 12 + 1:02d}" for index in indexes]


def grace_days() -> int:
    """``nalooptermijn_dagen``: ``SEH_NALOOPTERMIJN_DAGEN`` or the contract's default 3."""
    text = os.environ.get(GRACE_DAYS_ENV)
    if not text:
        return DEFAULT_GRACE_DAYS
    if not text.isdigit():
        raise ValueError(f"{GRACE_DAYS_ENV}={text!r} is not a number of days (for example 3)")
    return int(text)


def due_status(month: str, loaded: Iterable[date], today: date, grace: int) -> DueStatus:
    """Whether ``month`` is due on ``today`` given the export days ``loaded``."""
    days = month_days(month)
    needed = days + [days[-1] + timedelta(days=offset) for offset in range(1, grace + 1)]
    present = set(loaded)
    return DueStatus(
        month=month,
        today=today,
        grace_days=grace,
        missing_days=tuple(day for day in needed if day not in present),
        latest_due_date=needed[-1] + timedelta(days=1),
    )


def today_in_amsterdam(now: datetime | None = None) -> date:
    """The local calendar day (Europe/Amsterdam) of ``now`` (default: this moment)."""
    return (now or datetime.now(ZoneInfo(TIMEZONE))).astimezone(ZoneInfo(TIMEZONE)).date()


def loaded_export_days(con: duckdb.DuckDBPyConnection) -> dict[date, str]:
    """Every loaded export day with the ``gegenereerd_op`` of its current version.

    Read from staging, which picks the version the marts were computed from.
    """
    rows = con.execute(
        "select export_datum, gegenereerd_op from staging.stg_lpz__export_versies "
        "order by export_datum"
    ).fetchall()
    return dict(rows)
