"""The partitioning of export days: one partition per calendar day in Europe/Amsterdam."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from dagster import DailyPartitionsDefinition

from seh_stops import settings
from seh_stops.lpz.contract import TIMEZONE

export_days = DailyPartitionsDefinition(
    start_date=settings.first_export_day(), timezone=TIMEZONE, fmt="%Y-%m-%d"
)

# Dagster plans a run of a range of export days with one "materialization planned" event per
# day (two events per day with the materialization, each a few SQLite transactions: most of the
# cost of Dagster in a backfill of years, docs/performance.md). With this variable set, the run
# is planned with one event for the whole range. What it changes: while such a run is running
# its days do not show as in progress, and when it fails they do not show as failed partitions
# in the UI (the run itself is failed, and alerts are per run; a day is materialized only by a
# run that succeeds, so what shows as materialized is the same).
PLANNED_EVENTS_ENV = "DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS"


@contextmanager
def one_planned_event_per_range(enabled: bool = True) -> Iterator[None]:
    """Within the block, a run created for a range of partitions is planned with one event
    (Dagster reads the variable when it stores the planned events, in ``create_run``)."""
    if not enabled:
        yield
        return
    before = os.environ.get(PLANNED_EVENTS_ENV)
    os.environ[PLANNED_EVENTS_ENV] = "true"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(PLANNED_EVENTS_ENV, None)
        else:
            os.environ[PLANNED_EVENTS_ENV] = before
