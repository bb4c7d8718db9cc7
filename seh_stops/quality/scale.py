"""Severity by scale: a dirty row is a finding, a broken export day blocks.

The raw suites mark each expectation with ``meta["blocks"]``:

- ``at_scale``: the rows it flags are ones the specification quarantines or leaves out with a
  finding (specification, sections 3.3, 8.2, 8.3). GX reports them as warnings; here a failure
  becomes critical only on a day where it fails on more than ``max(floor, share x rows of the day)``
  rows (a vocabulary or format that changed, a column empty throughout);
- ``never``: the rows are kept with a finding (a registration date off the export day): a
  warning whatever the count;
- no mark: the GX severity stands (a missing contract column is always critical).

On top of that, a day on which the ``at_scale`` expectations together flag more than
``max(day floor, share x rows of the day)`` distinct rows (default: more than 3 and more
than half) is *mostly quarantined*: a broken export, critical. GX's own ``mostly`` is a
ratio over the validated frame, which holds many days in a backfill, so the limits are
applied per export day to the rows GX reports instead.

Pure code on :class:`SuiteOutcome` values: the same on one frame and on merged chunks.
"""

from __future__ import annotations

from dataclasses import replace

from seh_stops.quality.outcomes import (
    BLOCKS_AT_SCALE,
    BLOCKS_NEVER,
    EXAMPLE_VALUES,
    FailedExpectation,
    SuiteOutcome,
)
from seh_stops.quality.thresholds import Thresholds

CRITICAL = "critical"
WARNING = "warning"
MOSTLY_QUARANTINED = "day_mostly_quarantined"


def by_scale(outcome: SuiteOutcome, limits: Thresholds) -> SuiteOutcome:
    """The outcome with each failure's severity decided by how many rows of a day it hits,
    plus one critical failure naming the days that are mostly quarantined."""
    failures = []
    for failure in outcome.failures:
        if failure.error:  # not evaluated: no count to weigh, so it cannot pass as isolated
            failures.append(replace(failure, severity=CRITICAL))
        elif failure.blocks == BLOCKS_AT_SCALE:
            failures.append(_weighed(failure, outcome.rows_by_day, limits))
        elif failure.blocks == BLOCKS_NEVER:
            failures.append(replace(failure, severity=WARNING))
        else:
            failures.append(failure)
    mostly = mostly_quarantined_days(outcome, limits)
    if mostly:
        failures.append(_mostly_quarantined(mostly, outcome.rows_by_day, limits))
    return replace(outcome, failures=failures)


def broken_days(
    failure: FailedExpectation, rows_by_day: dict[str, int], limits: Thresholds
) -> dict[str, int]:
    """The days on which ``failure`` hits more rows than the limit, with their counts."""
    return {
        day: count
        for day, count in sorted(failure.unexpected_by_day.items())
        if count > limits.row_limit(rows_by_day.get(day, 0))
    }


def mostly_quarantined_days(outcome: SuiteOutcome, limits: Thresholds) -> dict[str, int]:
    """The days on which the ``at_scale`` failures together flag more than the day limit
    of distinct rows, with the number of rows flagged."""
    flagged: dict[str, set] = {}
    for failure in outcome.failures:
        if failure.blocks == BLOCKS_AT_SCALE:
            for day, record in failure.flagged_rows:
                flagged.setdefault(day, set()).add(record)
    return {
        day: len(records)
        for day, records in sorted(flagged.items())
        if len(records) > limits.day_limit(outcome.rows_by_day.get(day, 0))
    }


def _weighed(
    failure: FailedExpectation, rows_by_day: dict[str, int], limits: Thresholds
) -> FailedExpectation:
    broken = broken_days(failure, rows_by_day, limits)
    if not broken:
        return replace(failure, severity=WARNING)
    days = ", ".join(
        f"{day}: {count} of {rows_by_day.get(day, 0)} rows" for day, count in broken.items()
    )
    why = (
        f"Blocks: more than max({limits.block_floor}, {limits.block_share:.2%} of the day's "
        f"rows) on {days}."
    )
    return replace(failure, severity=CRITICAL, notes=f"{failure.notes} {why}".strip())


def _mostly_quarantined(
    days: dict[str, int], rows_by_day: dict[str, int], limits: Thresholds
) -> FailedExpectation:
    return FailedExpectation(
        expectation=MOSTLY_QUARANTINED,
        columns="",
        severity=CRITICAL,
        notes=(
            f"More than max({limits.day_floor}, {limits.day_quarantined_share:.0%} of the "
            "day's rows) fail an expectation whose rows the specification quarantines: a "
            "broken export, not isolated rows."
        ),
        unexpected_count=sum(days.values()),
        examples=[
            f"{day}: {count} of {rows_by_day.get(day, 0)} rows" for day, count in days.items()
        ][:EXAMPLE_VALUES],
    )
