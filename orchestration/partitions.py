"""The partitioning of export days: one partition per calendar day in Europe/Amsterdam."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from dagster import AssetExecutionContext, DagsterInvariantViolationError, DailyPartitionsDefinition
from dagster._core.execution.context.metadata_logging import (
    AssetMetadataHandle,
    OutputMetadataAccumulator,
)

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


def add_metadata_per_partition(
    context: AssetExecutionContext, metadata: Mapping[str, Mapping[str, Any]]
) -> None:
    """``context.add_asset_metadata(metadata[key], partition_key=key)`` for every key, at once.

    Dagster's metadata accumulator is an immutable record that a call copies whole, so a call
    per day of a ten-year range cost 1.2 s, growing with the square of the days
    (docs/performance.md). This makes the same check as the upstream call (every key is a
    partition of this run) and one copy, through the step's accumulator, Dagster's internal
    record (pinned in uv.lock): tests/integration/test_ingestion_events.py reads each day's
    metadata back from the event log.
    """
    unknown = sorted(set(metadata) - set(context.partition_keys))
    if unknown:
        raise DagsterInvariantViolationError(
            f"Attempted to add metadata for partition keys {unknown[:3]} that are not targeted."
        )
    step = context.get_step_execution_context()
    merged = dict(step._metadata_accumulator.per_output_metadata)
    for partition_key, values in metadata.items():
        handle = AssetMetadataHandle(asset_key=context.assets_def.key, partition_key=partition_key)
        merged[handle] = {**merged.get(handle, {}), **values}
    step._metadata_accumulator = OutputMetadataAccumulator(per_output_metadata=merged)
