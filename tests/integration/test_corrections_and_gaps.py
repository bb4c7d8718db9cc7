"""A missing day does not hold the others back; a correction replaces its day downstream.

Real runs through Dagster and dbt on a small hand-written export: 2023-01-09, 2023-01-10 and
2023-01-12 are published, 2023-01-11 is not.
"""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from dagster import DagsterInstance, materialize

from cli.runner import run_pipeline
from orchestration.assets.ingestion import lpz_export_day
from orchestration.resources import WarehouseResource
from seh_stops import settings
from tests.exportdays import folder_source, location_line, stop_line, write_day

DAYS = (date(2023, 1, 9), date(2023, 1, 10), date(2023, 1, 12))
REGISTER = [location_line("SEH0001", "Noord"), location_line("SEH0002", "Oost")]


def publish(exports, day: date, mutations: list[str], generated_on: str | None = None) -> None:
    write_day(exports, day, locations=REGISTER, mutations=mutations, generated_on=generated_on)


def episodes(warehouse) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(
            "select locatie_id, begin_at::varchar, duur_seconden "
            "from marts.fct_stop_episodes where definitie = 'regionaal' order by begin_at"
        ).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def gap_run(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("gaps") / "data"
    settings.use_data_dir(data_dir)
    exports = data_dir / "exports"
    publish(
        exports, DAYS[0], [stop_line("M1", "SEH0001", "2023-01-09T10:00:00", "2023-01-09T11:00:00")]
    )
    publish(
        exports, DAYS[1], [stop_line("M2", "SEH0002", "2023-01-10T08:00:00", "2023-01-10T09:00:00")]
    )
    publish(
        exports, DAYS[2], [stop_line("M3", "SEH0001", "2023-01-12T12:00:00", "2023-01-12T12:30:00")]
    )
    messages: list[str] = []
    summary = run_pipeline(str(exports), DAYS[0], DAYS[-1], progress=messages.append)
    return data_dir, exports, summary, messages


def test_a_missing_day_is_reported_and_the_other_days_load(gap_run):
    data_dir, _, summary, messages = gap_run
    assert summary.days_loaded == list(DAYS)
    assert [problem.day for problem in summary.not_loadable] == [date(2023, 1, 11)]
    assert any("2023-01-11 is missing" in message for message in messages)
    assert episodes(data_dir / "warehouse.duckdb") == [
        ("SEH0001", "2023-01-09 09:00:00+00", 3600),
        ("SEH0002", "2023-01-10 07:00:00+00", 3600),
        ("SEH0001", "2023-01-12 11:00:00+00", 1800),
    ]


def test_a_range_with_a_missing_day_fails_in_dagster_and_loads_nothing(tmp_path):
    exports = tmp_path / "exports"
    publish(exports, DAYS[0], [])
    warehouse = tmp_path / "warehouse.duckdb"
    result = materialize(
        [lpz_export_day],
        instance=DagsterInstance.ephemeral(),
        resources={
            "warehouse": WarehouseResource(path=str(warehouse)),
            "export_source": folder_source(exports),
        },
        tags={
            "dagster/asset_partition_range_start": "2023-01-09",
            "dagster/asset_partition_range_end": "2023-01-10",
        },
        raise_on_error=False,
    )
    assert not result.success
    [failure] = [event for event in result.all_events if event.event_type_value == "STEP_FAILURE"]
    message = failure.step_failure_data.error.message
    assert "export day 2023-01-10 is missing" in message and "nothing was loaded" in message
    assert not warehouse.exists()


def test_a_correction_replaces_its_day_downstream_and_the_old_version_stays(gap_run):
    data_dir, exports, _, _ = gap_run
    publish(
        exports,
        DAYS[0],
        [stop_line("M1", "SEH0001", "2023-01-09T10:00:00", "2023-01-09T10:20:00")],
        generated_on="2023-01-10T09:00:00+01:00",
    )
    summary = run_pipeline(str(exports), DAYS[0], DAYS[0], progress=lambda message: None)
    assert summary.checks_failed == []
    assert episodes(data_dir / "warehouse.duckdb")[0] == ("SEH0001", "2023-01-09 09:00:00+00", 1200)
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        versions = con.execute(
            "select gegenereerd_op from raw.export_versies where export_datum = '2023-01-09' "
            "order by 1"
        ).fetchall()
    finally:
        con.close()
    assert versions == [("2023-01-09T23:59:00+01:00",), ("2023-01-10T09:00:00+01:00",)]
    archived = sorted(p.name for p in (data_dir / "archive" / "2023-01-09").iterdir())
    assert archived == ["2023-01-09T235900p0100", "2023-01-10T090000p0100"]


def test_the_missing_day_makes_the_registering_regions_gedeeltelijk(gap_run):
    data_dir = gap_run[0]
    con = duckdb.connect(str(data_dir / "warehouse.duckdb"), read_only=True)
    try:
        statuses = dict(
            con.execute(
                "select roaz_regio, registratiestatus from marts.agg_seh_stops_regio_maand "
                "where maand = '2023-01'"
            ).fetchall()
        )
    finally:
        con.close()
    assert statuses["Noord"] == "gedeeltelijk"
    assert statuses["Limburg"] == "niet_geregistreerd"
