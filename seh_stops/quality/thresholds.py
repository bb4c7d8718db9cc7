"""When a raw expectation blocks: the thresholds of "broken at scale", from the environment.

A dirty row is a finding, not a failed night: the expectations that match what the
specification quarantines (specification, sections 3.3 and 8.3) or leaves out of a register snapshot
(specification, section 8.2) warn on isolated rows, and block the run only when a day looks like a
broken export. The deployment tunes when that is through four environment variables, read here
only (docs/operations.md lists them with their defaults).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from seh_stops.settings import share_from_env

BLOCK_SHARE_ENV = "SEH_DQ_BLOCK_SHARE"
BLOCK_FLOOR_ENV = "SEH_DQ_BLOCK_FLOOR"
DAY_QUARANTINED_SHARE_ENV = "SEH_DQ_DAY_QUARANTINED_SHARE"
DAY_FLOOR_ENV = "SEH_DQ_DAY_FLOOR"

# One expectation blocks when it fails on more than 1 % of a day's rows, and on more than 10
# rows: 1 % of a night at Dutch scale (20 to 60 mutations) is less than one row, so the floor
# keeps a handful of dirty rows a warning there, while 1 % decides at the scale of years of
# backfill or of more locations.
DEFAULT_BLOCK_SHARE = 0.01
DEFAULT_BLOCK_FLOOR = 10
# A day blocks when the expectations flag more than half of its rows, and more than three:
# then the day's figures would mostly come from what is left, an export to look at first. Up
# to three rows (one conflicting duplicate flags both its rows) stay a handful on a tiny day.
DEFAULT_DAY_QUARANTINED_SHARE = 0.5
DEFAULT_DAY_FLOOR = 3


@dataclass(frozen=True)
class Thresholds:
    """The limits of one check run.

    ``block_share`` and ``block_floor``: an at-scale expectation blocks on a day where it
    fails on more than ``max(block_floor, block_share x rows of the day)`` rows.
    ``day_quarantined_share`` and ``day_floor``: a day blocks when the at-scale expectations
    together flag more than ``max(day_floor, day_quarantined_share x rows of the day)`` rows.
    """

    block_share: float = DEFAULT_BLOCK_SHARE
    block_floor: int = DEFAULT_BLOCK_FLOOR
    day_quarantined_share: float = DEFAULT_DAY_QUARANTINED_SHARE
    day_floor: int = DEFAULT_DAY_FLOOR

    def row_limit(self, rows_of_day: int) -> float:
        """The most rows of a day one expectation may fail on and still only warn."""
        return max(self.block_floor, self.block_share * rows_of_day)

    def day_limit(self, rows_of_day: int) -> float:
        """The most rows of a day the expectations together may flag and still only warn."""
        return max(self.day_floor, self.day_quarantined_share * rows_of_day)


def thresholds() -> Thresholds:
    """The thresholds the environment sets, with the documented defaults for the rest."""
    return Thresholds(
        block_share=share_from_env(BLOCK_SHARE_ENV, DEFAULT_BLOCK_SHARE),
        block_floor=_count(BLOCK_FLOOR_ENV, DEFAULT_BLOCK_FLOOR),
        day_quarantined_share=share_from_env(
            DAY_QUARANTINED_SHARE_ENV, DEFAULT_DAY_QUARANTINED_SHARE
        ),
        day_floor=_count(DAY_FLOOR_ENV, DEFAULT_DAY_FLOOR),
    )


def _count(name: str, default: int) -> int:
    text = os.environ.get(name) or ""
    if not text:
        return default
    if not text.isdigit():
        raise ValueError(
            f"{name}={text!r} is not a number of rows: set it to a whole number of at least "
            f"0, or unset it for the default {default}"
        )
    return int(text)
