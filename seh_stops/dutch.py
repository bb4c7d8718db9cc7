"""Dutch wording shared by everything people read: alerts, reports, deliveries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from seh_stops.days import contiguous_blocks

MONTH_NAMES: tuple[str, ...] = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)

MONTH_ABBREVIATIONS: tuple[str, ...] = (
    *("jan", "feb", "mrt", "apr", "mei", "jun"),
    *("jul", "aug", "sep", "okt", "nov", "dec"),
)


def month_label(month: str) -> str:
    """``2023-01`` -> ``jan '23`` (a chart's axis)."""
    year, number = month.split("-")
    return f"{MONTH_ABBREVIATIONS[int(number) - 1]} '{year[2:]}"


def day_list(days: Sequence[date]) -> str:
    """Days of one month in Dutch, consecutive ones as a range: ``4 en 6 t/m 9 februari``."""
    parts = [
        str(block[0].day) if len(block) == 1 else f"{block[0].day} t/m {block[-1].day}"
        for block in contiguous_blocks(days)
    ]
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " en " + parts[-1]
    return f"{listed} {MONTH_NAMES[days[0].month - 1]}"
