"""Export days and months as the pipeline groups and names them.

Several places need the same small rules: an ingestion run covers one range of consecutive
days, a GX check and a "not due yet" message list days as ranges, and every command that takes
a month checks it is of the form ``YYYY-MM``. They live here once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, timedelta

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def is_month(text: str) -> bool:
    """Whether ``text`` is a month of the form YYYY-MM (``2023-01``)."""
    return MONTH.fullmatch(text) is not None


QUARTER = re.compile(r"\d{4}-Q[1-4]")


def is_quarter(text: str) -> bool:
    """Whether ``text`` is a calendar quarter of the form YYYY-QN (``2023-Q1``)."""
    return QUARTER.fullmatch(text) is not None


def contiguous_blocks(days: Iterable[date]) -> list[list[date]]:
    """The days sorted, consecutive ones grouped together (one ingestion run covers one)."""
    blocks: list[list[date]] = []
    for day in sorted(days):
        if blocks and day - blocks[-1][-1] == timedelta(days=1):
            blocks[-1].append(day)
        else:
            blocks.append([day])
    return blocks


def day_ranges(days: Iterable[date]) -> str:
    """Days as ranges of consecutive days: ``2023-01-11, 2023-02-01 .. 2023-02-03``; a
    backfill of years is thousands of days. Empty for no days."""
    return ", ".join(
        str(block[0]) if len(block) == 1 else f"{block[0]} .. {block[-1]}"
        for block in contiguous_blocks(days)
    )
