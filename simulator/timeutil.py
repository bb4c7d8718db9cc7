"""Time arithmetic for the simulator: instants in UTC, days and months in Europe/Amsterdam.

Python adds a timedelta to an aware datetime on the wall clock of its tzinfo, which is wrong
across a daylight-saving change (the contract measures durations in real elapsed time). So
every instant the simulator computes with is a UTC datetime; Amsterdam appears only when a
local midnight is turned into an instant and when a timestamp is written out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from seh_stops.lpz.contract import TIMEZONE

AMSTERDAM = ZoneInfo(TIMEZONE)


def local_midnight(day: date) -> datetime:
    """The instant (UTC) at which local day `day` begins."""
    return datetime.combine(day, time(0), tzinfo=AMSTERDAM).astimezone(UTC)


def local_time(day: date, seconds_after_midnight: int) -> datetime:
    """The instant `seconds_after_midnight` of elapsed time after local midnight of `day`."""
    return local_midnight(day) + timedelta(seconds=seconds_after_midnight)


def local_date(instant: datetime) -> date:
    """The Amsterdam calendar date of an instant."""
    return instant.astimezone(AMSTERDAM).date()


def format_timestamp(instant: datetime) -> str:
    """Contract timestamp: `YYYY-MM-DDTHH:MM:SS+HH:MM` in Amsterdam's offset of the moment."""
    return instant.astimezone(AMSTERDAM).isoformat(timespec="seconds")


def day_range(first: date, last: date) -> list[date]:
    """Every day from `first` to `last`, both included."""
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def month_key(day: date) -> str:
    """`YYYY-MM` of a day, the key of the monthly figures."""
    return f"{day.year:04d}-{day.month:02d}"


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month_start(day: date) -> date:
    first = day.replace(day=1)
    return (first + timedelta(days=32)).replace(day=1)


def month_end(day: date) -> date:
    """Last day of the month of `day`."""
    return next_month_start(day) - timedelta(days=1)


def month_bounds(key: str) -> tuple[datetime, datetime]:
    """The instants (UTC) at which month `YYYY-MM` begins and ends (local midnights)."""
    first = date(int(key[:4]), int(key[5:7]), 1)
    return local_midnight(first), local_midnight(next_month_start(first))


def seconds(delta: timedelta) -> int:
    """Whole seconds of a timedelta (the simulator only produces whole seconds)."""
    return int(delta.total_seconds())


def half_up_minutes(total_seconds: int) -> int:
    """Specification, section 6: summed seconds / 60, rounded half up (integer arithmetic, no float
    error)."""
    return (total_seconds + 30) // 60


def split_by_month(start: datetime, end: datetime) -> dict[str, int]:
    """Seconds of the interval [start, end) per local month (specification, section 6, split at
    midnight)."""
    parts: dict[str, int] = {}
    cursor = start
    while cursor < end:
        day = local_date(cursor)
        boundary = local_midnight(next_month_start(day))
        piece_end = min(end, boundary)
        parts[month_key(day)] = parts.get(month_key(day), 0) + seconds(piece_end - cursor)
        cursor = piece_end
    return parts
