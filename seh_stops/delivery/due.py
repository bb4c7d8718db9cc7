"""When a month is due for delivery (specification, section 7), and a quarter for publication
(section 10.1).

Month M is due once every export day of M and the ``nalooptermijn_dagen`` days after it are
loaded, and at the latest on the day after that grace period ends (Europe/Amsterdam): then it
is delivered with what is there. Before that it can only be delivered as a marked preliminary.
A quarter is due when its last month is.
"""

from __future__ import annotations

import calendar
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb

from seh_stops.days import day_ranges, is_month, is_quarter
from seh_stops.lpz.contract import TIMEZONE

GRACE_DAYS_ENV = "SEH_NALOOPTERMIJN_DAGEN"
DEFAULT_GRACE_DAYS = 3  # Specification, section 7: late registrations for the month's last days


@dataclass(frozen=True)
class DueStatus:
    """Whether a month (or a quarter, by its last month) is due on a given day, and why."""

    period: str  # the month YYYY-MM, or the quarter YYYY-QN
    today: date
    grace_days: int
    missing_days: tuple[date, ...]  # export days of M and its grace period not loaded
    latest_due_date: date  # the day after the grace period: due then, whatever is missing
    last_month: str | None = None  # of a quarter: the month that decides (section 10.1)

    @property
    def complete(self) -> bool:
        """Every export day of the month and of its grace period is loaded."""
        return not self.missing_days

    @property
    def due(self) -> bool:
        return self.complete or self.today >= self.latest_due_date

    def explain(self) -> str:
        """One sentence for logs, failures and the CLI."""
        month = f"its last month {self.last_month}" if self.last_month else "the month"
        after = f"the grace period of {month}" if self.last_month else "its grace period"
        if self.complete:
            return (
                f"{self.period} is due: every export day of {month} and its "
                f"{self.grace_days} grace day(s) is loaded"
            )
        missing = day_ranges(self.missing_days)
        if self.due:
            return (
                f"{self.period} is due since {self.latest_due_date} (the day after {after}) and "
                f"is delivered with what is loaded; missing export days: {missing}"
            )
        return (
            f"{self.period} is not due yet on {self.today}: export days {missing} are not loaded; "
            f"it is due once they are, or at the latest on {self.latest_due_date}"
        )


def check_month(month: str) -> str:
    """``month`` itself when it is of the form YYYY-MM; a clear ValueError otherwise."""
    if not is_month(month):
        raise ValueError(f"month {month!r} is not of the form YYYY-MM (for example 2023-01)")
    return month


def check_quarter(quarter: str) -> str:
    """``quarter`` itself when it is of the form YYYY-QN; a clear ValueError otherwise."""
    if not is_quarter(quarter):
        raise ValueError(f"quarter {quarter!r} is not of the form YYYY-QN (for example 2023-Q1)")
    return quarter


def quarter_months(quarter: str) -> list[str]:
    """The three months (YYYY-MM) of ``quarter`` (YYYY-QN), oldest first."""
    year, number = int(check_quarter(quarter)[:4]), int(quarter[-1])
    return [f"{year:04d}-{month:02d}" for month in range(number * 3 - 2, number * 3 + 1)]


def quarter_of(month: str) -> str:
    """The quarter (YYYY-QN) that ``month`` (YYYY-MM) lies in."""
    return f"{check_month(month)[:4]}-Q{(int(month[5:]) + 2) // 3}"


def eight_quarters(last: str) -> list[str]:
    """The eight quarters that end with ``last``, oldest first: the public page's chart."""
    year, number = int(check_quarter(last)[:4]), int(last[-1])
    indexes = range(year * 4 + number - 8, year * 4 + number)
    return [f"{index // 4:04d}-Q{index % 4 + 1}" for index in indexes]


def year_earlier(quarter: str) -> str:
    """The same quarter one year earlier."""
    return f"{int(check_quarter(quarter)[:4]) - 1:04d}{quarter[4:]}"


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
        period=month,
        today=today,
        grace_days=grace,
        missing_days=tuple(day for day in needed if day not in present),
        latest_due_date=needed[-1] + timedelta(days=1),
    )


def quarter_due_status(quarter: str, loaded: Iterable[date], today: date, grace: int) -> DueStatus:
    """Whether ``quarter`` is due on ``today``: when its last month is (section 10.1)."""
    last_month = quarter_months(quarter)[-1]
    month_status = due_status(last_month, loaded, today, grace)
    return replace(month_status, period=quarter, last_month=last_month)


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
