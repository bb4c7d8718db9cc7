"""What a ranged ingestion run writes to Dagster's event log: one planned event for the range
(``one_planned_event_per_range``), and per day a materialization that holds that day's
figures and a small summary of the range, never a table of every day of the range.

Real ingestion runs through Dagster on a SQLite instance, on three hand-written export days.
A failed ranged run is run both ways, because the one planned event changes what the
partitions show afterwards (orchestration/partitions.py, docs/decisions.md).
"""

from __future__ import annotations

from datetime import date

import pytest
from dagster import AssetKey, DagsterEventType, DagsterInstance, EventRecordsFilter, materialize
from dagster._core.storage.partition_status_cache import AssetPartitionStatus

from orchestration.assets.ingestion import lpz_export_day
from orchestration.partitions import export_days, one_planned_event_per_range
from orchestration.resources import WarehouseResource
from seh_stops import settings
from tests.exportdays import folder_source, location_line, stop_line, write_day

DAYS = [date(2023, 1, 9), date(2023, 1, 10), date(2023, 1, 11)]
KEYS = [day.isoformat() for day in DAYS]
ASSET = AssetKey("lpz_export_day")


def publish(exports, days: list[date]) -> None:
    """Day i holds i stops (0, 1, 2): each day's figures differ."""
    for i, day in enumerate(days):
        stops = [
            stop_line(f"M{i}{n}", "SEH0001", f"{day}T1{n}:00:00", f"{day}T1{n}:30:00")
            for n in range(i)
        ]
        write_day(exports, day, locations=[location_line("SEH0001", "Noord")], mutations=stops)


def ingest(tmp_path, instance: DagsterInstance, exports, one_event: bool):
    settings.use_data_dir(tmp_path / "data")
    with one_planned_event_per_range(one_event):
        return materialize(
            [lpz_export_day],
            instance=instance,
            resources={
                "warehouse": WarehouseResource(path=str(tmp_path / "data" / "warehouse.duckdb")),
                "export_source": folder_source(exports),
            },
            tags={
                "dagster/asset_partition_range_start": KEYS[0],
                "dagster/asset_partition_range_end": KEYS[-1],
            },
            raise_on_error=False,
        )


def planned_events(instance: DagsterInstance, run_id: str) -> list:
    records = instance.get_event_records(
        EventRecordsFilter(DagsterEventType.ASSET_MATERIALIZATION_PLANNED, asset_key=ASSET)
    )
    return [r.event_log_entry.dagster_event for r in records if r.run_id == run_id]


@pytest.mark.parametrize("one_event", [True, False], ids=["one-event", "per-day-events"])
def test_each_day_holds_its_own_figures_and_the_range_a_summary(tmp_path, one_event):
    exports = tmp_path / "exports"
    publish(exports, DAYS)
    (tmp_path / "dagster_home").mkdir()
    with DagsterInstance.local_temp(str(tmp_path / "dagster_home")) as instance:
        result = ingest(tmp_path, instance, exports, one_event)
        assert result.success
        planned = planned_events(instance, result.run_id)
        materializations = {
            event.partition: event.metadata
            for event in result.asset_materializations_for_node("lpz_export_day")
        }
    if one_event:
        [event] = planned
        assert event.event_specific_data.partitions_subset.get_partition_keys() == KEYS
    else:
        assert sorted(event.event_specific_data.partition for event in planned) == KEYS
    assert sorted(materializations) == KEYS
    for i, key in enumerate(KEYS):
        metadata = {name: value.value for name, value in materializations[key].items()}
        assert metadata["outcome"] == "loaded"
        assert metadata["version_id"].startswith(f"{key}@")
        assert metadata["rows_loaded/seh_statusmutaties"] == i
        assert metadata["rows_loaded/seh_locaties"] == 1
        assert metadata["range/export_days"] == 3
        assert metadata["range/days"] == f"{KEYS[0]} .. {KEYS[-1]}"
        assert metadata["range/rows_loaded/seh_statusmutaties"] == 0 + 1 + 2
        assert "per_day" not in metadata


@pytest.mark.parametrize("one_event", [True, False], ids=["one-event", "per-day-events"])
def test_a_failed_range_shows_failed_days_only_with_per_day_planned_events(tmp_path, one_event):
    """The day in the middle is not published: the run fails and loads nothing either way.
    With one planned event for the range, Dagster cannot tell which days the failed run
    planned, so no day shows as a failed partition (the run shows as failed); with one event
    per day, every day of the range does."""
    exports = tmp_path / "exports"
    publish(exports, [DAYS[0], DAYS[2]])
    (tmp_path / "dagster_home").mkdir()
    with DagsterInstance.local_temp(str(tmp_path / "dagster_home")) as instance:
        result = ingest(tmp_path, instance, exports, one_event)
        assert not result.success
        assert result.asset_materializations_for_node("lpz_export_day") == []
        status = instance.get_status_by_partition(ASSET, KEYS, export_days)
    failed = [key for key in KEYS if status and status[key] == AssetPartitionStatus.FAILED]
    assert failed == ([] if one_event else KEYS)
