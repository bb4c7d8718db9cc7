"""The sensors decide when: new and corrected export days are loaded, and a rebuild follows.

Real sensor evaluations on the code location's definitions, against a folder source and a real
DuckDB warehouse; the runs they request are executed for real (ingestion, then dbt).
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import duckdb
import pytest
from dagster import (
    DagsterEventType,
    DagsterInstance,
    DagsterRunStatus,
    RunRequest,
    RunsFilter,
    SensorResult,
    SkipReason,
    build_run_status_sensor_context,
    build_schedule_context,
    build_sensor_context,
)

from orchestration.resources import WarehouseResource
from seh_stops import settings
from seh_stops.lpz.contract import MUTATIONS_FILE
from tests.exportdays import folder_source, location_line, stop_line, write_day

DAYS = [date(2023, 1, 9), date(2023, 1, 10), date(2023, 1, 11), date(2023, 1, 12)]
REGISTER = [location_line("SEH0001", "Noord")]


@pytest.fixture
def world(tmp_path, monkeypatch):
    """A data dir, a folder source with days 9, 10 and 12 complete and 11 broken, the defs."""
    for variable in ("SEH_DATA_DIR", "SEH_WAREHOUSE_PATH"):
        monkeypatch.setenv(variable, "")  # restored after the test: use_data_dir sets them
    data_dir = settings.use_data_dir(tmp_path / "data")
    exports = tmp_path / "exports"
    for day in DAYS:
        write_day(
            exports,
            day,
            locations=REGISTER,
            mutations=[stop_line(f"M{day.day}", "SEH0001", f"{day}T10:00:00", f"{day}T11:00:00")],
        )
    broken = exports / DAYS[2].isoformat() / MUTATIONS_FILE
    broken.write_bytes(broken.read_bytes() + b"M99;SEH0001;stop\n")  # does not match its manifest
    from orchestration.definitions import defs

    resources = {
        "export_source": folder_source(exports),
        "warehouse": WarehouseResource(path=str(data_dir / "warehouse.duckdb")),
    }
    return {"defs": defs, "exports": exports, "data_dir": data_dir, "resources": resources}


def evaluate(world, instance: DagsterInstance, cursor: str | None) -> SensorResult:
    sensor = world["defs"].get_sensor_def("lpz_export_sensor")
    context = build_sensor_context(
        instance=instance, cursor=cursor, resources=world["resources"], definitions=world["defs"]
    )
    result = sensor(context)
    assert isinstance(result, SensorResult)
    return result


def ranges(result: SensorResult) -> list[tuple[str, str]]:
    return [
        (
            request.tags["dagster/asset_partition_range_start"],
            request.tags["dagster/asset_partition_range_end"],
        )
        for request in result.run_requests or []
    ]


def run_config(world, job: str) -> dict:
    """Resources as the runner configures them: the location only (allowed by the world's
    ``folder_source``); the mailer reads the environment of this moment by itself."""
    return {"resources": {"export_source": {"config": {"location": str(world["exports"])}}}}


def execute(world, instance: DagsterInstance, job: str, request: RunRequest):
    config = run_config(world, job)
    result = (
        world["defs"]
        .resolve_job_def(job)
        .execute_in_process(run_config=config, instance=instance, tags=request.tags)
    )
    assert result.success
    return result


def loaded_versions(world) -> list[str]:
    con = duckdb.connect(str(world["data_dir"] / "warehouse.duckdb"), read_only=True)
    try:
        rows = con.execute("select versie_id from raw.export_versies order by 1").fetchall()
        return [row[0] for row in rows]
    finally:
        con.close()


def test_new_days_then_nothing_then_a_corrected_day(world):
    instance = DagsterInstance.ephemeral()
    first = evaluate(world, instance, None)
    # 11 January does not match its manifest: not asked for, and it splits the range
    assert ranges(first) == [("2023-01-09", "2023-01-10"), ("2023-01-12", "2023-01-12")]
    assert len({request.run_key for request in first.run_requests}) == 2

    again = evaluate(world, instance, first.cursor)  # the runs are still queued
    assert ranges(again) == [] and "waiting for the runs" in again.skip_reason.skip_message

    for request in first.run_requests:
        execute(world, instance, "ingest_export_days", request)
    assert len(loaded_versions(world)) == 3
    quiet = evaluate(world, instance, again.cursor)
    assert ranges(quiet) == []
    assert quiet.skip_reason.skip_message == (
        "no new or corrected complete export day at the source"
    )
    assert quiet.cursor == "{}"  # what is loaded is forgotten: the cursor stays small

    # a restart (no cursor) loads nothing again: the warehouse says what is loaded
    assert ranges(evaluate(world, instance, None)) == []

    # the LPZ corrects 10 January and publishes 11 January complete
    write_day(
        world["exports"],
        DAYS[1],
        locations=REGISTER,
        mutations=[stop_line("M10", "SEH0001", "2023-01-10T10:00:00", "2023-01-10T12:30:00")],
        generated_on="2023-01-11T09:00:00+01:00",
    )
    write_day(world["exports"], DAYS[2], locations=REGISTER, mutations=[])
    corrected = evaluate(world, instance, quiet.cursor)
    assert ranges(corrected) == [("2023-01-10", "2023-01-11")]
    execute(world, instance, "ingest_export_days", corrected.run_requests[0])
    assert "2023-01-10@2023-01-11T09:00:00+01:00" in loaded_versions(world)

    # the rebuild that follows the ingestion run sees the corrected stop (150 minutes)
    rebuild = transform_request(world, instance, corrected.run_requests[0])
    assert isinstance(rebuild, RunRequest)
    rebuilt = execute(world, instance, "transform", rebuild)
    # the build's own dbt target folder (named after the run) is not left behind
    target = settings.DBT_PROJECT_DIR / "target"
    assert not list(target.glob(f"seh_stops_dbt_assets-{rebuilt.run_id[:7]}-*"))
    con = duckdb.connect(str(world["data_dir"] / "warehouse.duckdb"), read_only=True)
    try:
        durations = con.execute(
            "select begin_at::date::varchar, duur_seconden from marts.fct_stop_episodes "
            "where definitie = 'regionaal' order by begin_at"
        ).fetchall()
    finally:
        con.close()
    assert durations == [("2023-01-09", 3600), ("2023-01-10", 9000), ("2023-01-12", 3600)]


def transform_request(world, instance: DagsterInstance, ingestion: RunRequest):
    """Evaluate ``transform_after_ingestion`` for the latest ingestion run, ``ingestion``'s."""
    [record] = instance.get_run_records(RunsFilter(job_name="ingest_export_days"), limit=1)
    run = record.dagster_run
    assert run.job_name == "ingest_export_days" and run.status == DagsterRunStatus.SUCCESS
    start = "dagster/asset_partition_range_start"
    assert run.tags[start] == ingestion.tags[start]
    [success] = instance.all_logs(run.run_id, of_type=DagsterEventType.RUN_SUCCESS)
    sensor = world["defs"].get_sensor_def("transform_after_ingestion")
    context = build_run_status_sensor_context(
        sensor_name=sensor.name,
        dagster_event=success.dagster_event,
        dagster_instance=instance,
        dagster_run=run,
    )
    return sensor(context)


def test_a_rebuild_already_queued_is_not_asked_for_twice(world):
    instance = DagsterInstance.ephemeral()
    [request] = evaluate(world, instance, None).run_requests[:1]
    execute(world, instance, "ingest_export_days", request)
    follow_up = transform_request(world, instance, request)
    assert isinstance(follow_up, RunRequest)
    [record] = instance.get_run_records(limit=1)
    assert follow_up.run_key == f"after:{record.dagster_run.run_id}"

    transform = world["defs"].resolve_job_def("transform")
    # created, not yet started
    instance.create_run_for_job(job_def=transform, run_config=run_config(world, "transform"))
    skipped = transform_request(world, instance, request)
    assert isinstance(skipped, SkipReason)
    assert "already queued" in skipped.skip_message


def test_the_nightly_schedule_rebuilds_downstream(world):
    schedule = world["defs"].get_schedule_def("nightly_transform")
    assert (schedule.job_name, schedule.cron_schedule) == ("transform", "0 6 * * *")
    assert schedule.execution_timezone == "Europe/Amsterdam"
    [request] = schedule.evaluate_tick(
        build_schedule_context(scheduled_execution_time=datetime(2023, 1, 13, 6, tzinfo=UTC))
    ).run_requests
    assert request.tags["seh/aanleiding"] == "nachtelijke herberekening"


def test_days_that_stay_incomplete_never_hold_back_the_days_after_them(world, monkeypatch):
    """The per-tick limit counts complete days only."""
    from orchestration import sensors

    monkeypatch.setattr(sensors, "MAX_DAYS_PER_TICK", 1)
    broken = world["exports"] / DAYS[0].isoformat() / "seh_statusmutaties.csv"
    broken.write_bytes(broken.read_bytes() + b"extra\n")  # 9 January is incomplete now too
    source = folder_source(world["exports"]).open()
    plan = sensors.plan_ingestion(
        source, {}, {}, datetime(2023, 1, 13, tzinfo=UTC), DAYS[0], DAYS[-1]
    )
    assert [[day.day for day in block] for block in plan.blocks] == [[DAYS[1]]]
    assert [problem.day for problem in plan.not_loadable] == [DAYS[0]]
    following = sensors.plan_ingestion(
        source, {}, plan.cursor, datetime(2023, 1, 13, tzinfo=UTC), DAYS[0], DAYS[-1]
    )
    assert [[day.day for day in block] for block in following.blocks] == [[DAYS[3]]]
