"""Sensors: they decide *when*, the assets decide *what*.

- ``lpz_export_sensor`` notices export days that are new or corrected at the source and
  launches the ingestion for them, one run per contiguous range of complete days.
- ``transform_after_ingestion`` rebuilds everything downstream after each successful
  ingestion run, so late mutations and corrections reach the episodes and months without a
  hand-started run.
- ``engineer_run_failure_alert`` mails the data engineers when a run fails.

The nightly schedule (``schedules.py``) is the safety net under the first two.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from dagster import (
    DagsterRunStatus,
    DefaultSensorStatus,
    RunFailureSensorContext,
    RunRequest,
    RunsFilter,
    RunStatusSensorContext,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    run_failure_sensor,
    run_status_sensor,
    sensor,
)

from orchestration.jobs import ingest_export_days, transform
from orchestration.partitions import export_days
from orchestration.resources import ExportSourceResource, WarehouseResource
from orchestration.resources.mail import AlertMailerResource
from orchestration.run_failures import error_text
from seh_stops import settings
from seh_stops.alerts import send_run_failure_alert
from seh_stops.alerts.config import HOST_ENV
from seh_stops.days import contiguous_blocks
from seh_stops.lpz.export_day import ExportDayNotLoadable, LoadableExportDay, verify_export_day
from seh_stops.lpz.pending import (
    loaded_versions,
    pending_days,
    published_days,
)
from seh_stops.lpz.source import ExportSource, ExportSourceError
from seh_stops.warehouse import WarehouseBusy, open_read_only

# A sensor tick must answer within Dagster's evaluation timeout: it waits this long for a run
# that writes the warehouse, then tries again at the next tick.
WAREHOUSE_WAIT_SECONDS = 20.0
# At most this many complete days are requested in one tick (two months); the rest follow at
# the next tick. Incomplete days do not count, so days that stay incomplete never hold back the
# ones after them.
MAX_DAYS_PER_TICK = 62
# A requested version that is still not loaded after this long (its run failed before it
# loaded anything) is requested again.
REQUEST_AGAIN_AFTER = timedelta(hours=6)


@dataclass(frozen=True)
class IngestionPlan:
    """What one tick of the export sensor asks for, and the cursor it leaves."""

    blocks: list[list[LoadableExportDay]]
    cursor: dict[str, str]  # version_id -> when it was requested (ISO instant)
    not_loadable: list[ExportDayNotLoadable]
    waiting: list[str]  # version ids requested earlier and not yet loaded


def plan_ingestion(
    source: ExportSource,
    loaded: dict[date, datetime],
    cursor: dict[str, str],
    now: datetime,
    first_day: date,
    last_day: date | None,
) -> IngestionPlan:
    """The complete, new or corrected days within the partitions, grouped in ranges.

    Only manifests are read to find them (``pending_days``); each is then verified in full, so
    a run is only asked for days that load. A version requested less than
    :data:`REQUEST_AGAIN_AFTER` ago is not asked for again (its run may still be queued);
    cursor entries of versions that are loaded by now are dropped, so the cursor stays small.
    """
    last_loaded = max(loaded, default=None)
    candidates = [
        day
        for day in pending_days(source, published_days(source, last_loaded, first_day), loaded)
        if day >= first_day and (last_day is None or day <= last_day)
    ]
    kept_cursor = {
        version_id: requested_at
        for version_id, requested_at in cursor.items()
        if not _is_loaded(version_id, loaded)
    }
    verified, not_loadable, waiting = [], [], []
    for day in candidates:
        if len(verified) >= MAX_DAYS_PER_TICK:
            break
        try:
            export_day = verify_export_day(source, day)
        except ExportDayNotLoadable as problem:
            not_loadable.append(problem)
            continue
        requested_at = kept_cursor.get(export_day.version_id)
        if requested_at and now - datetime.fromisoformat(requested_at) < REQUEST_AGAIN_AFTER:
            waiting.append(export_day.version_id)
            continue
        verified.append(export_day)
    for export_day in verified:
        kept_cursor[export_day.version_id] = now.isoformat()
    by_day = {export_day.day: export_day for export_day in verified}
    blocks = [[by_day[day] for day in block] for block in contiguous_blocks(list(by_day))]
    return IngestionPlan(blocks, kept_cursor, not_loadable, waiting)


def _is_loaded(version_id: str, loaded: dict[date, datetime]) -> bool:
    """Whether the warehouse holds this version of its day, or a later one."""
    day, _, generated_on = version_id.partition("@")
    current = loaded.get(date.fromisoformat(day))
    try:
        return current is not None and current >= datetime.fromisoformat(generated_on)
    except ValueError:
        return False


def ingestion_request(block: list[LoadableExportDay], now: datetime) -> RunRequest:
    """One ingestion run for a range of days, keyed by the versions it loads."""
    versions = ",".join(export_day.version_id for export_day in block)
    digest = hashlib.sha256(f"{versions}|{now.isoformat()}".encode()).hexdigest()[:16]
    first, last = block[0].day.isoformat(), block[-1].day.isoformat()
    return RunRequest(
        run_key=f"lpz:{first}..{last}:{digest}",
        tags={
            "dagster/asset_partition_range_start": first,
            "dagster/asset_partition_range_end": last,
            "seh/aanleiding": "nieuwe of gecorrigeerde exportdag(en)",
        },
    )


@sensor(
    name="lpz_export_sensor",
    job=ingest_export_days,
    minimum_interval_seconds=10 * 60,
    default_status=DefaultSensorStatus.RUNNING,
    description=(
        "Every 10 minutes: reads the manifests at the export source and launches the ingestion "
        "of every export day that is new or corrected (a later gegenereerd_op) and complete, "
        "one run per contiguous range. Compares with the warehouse, so a restart reloads "
        "nothing; its cursor remembers what it asked for, so a queued run is not asked twice. "
        "Incomplete days are left for the inventory's findings and tried again next tick."
    ),
)
def lpz_export_sensor(
    context: SensorEvaluationContext,
    export_source: ExportSourceResource,
    warehouse: WarehouseResource,
) -> SensorResult | SkipReason:
    now = datetime.now(UTC)
    try:
        loaded = _loaded_now(warehouse)
        plan = plan_ingestion(
            export_source.open(),
            loaded,
            json.loads(context.cursor) if context.cursor else {},
            now,
            date.fromisoformat(settings.first_export_day()),
            _last_partition_day(),
        )
    except (ExportSourceError, WarehouseBusy) as problem:
        return SkipReason(f"not now, tried again next tick: {problem}")
    for problem in plan.not_loadable:
        context.log.info(f"not requested: {problem}")
    cursor = json.dumps(plan.cursor, sort_keys=True)
    if not plan.blocks:
        waiting = f"; waiting for the runs of {', '.join(plan.waiting)}" if plan.waiting else ""
        return SensorResult(
            skip_reason=f"no new or corrected complete export day at the source{waiting}",
            cursor=cursor,
        )
    return SensorResult(
        run_requests=[ingestion_request(block, now) for block in plan.blocks], cursor=cursor
    )


def _loaded_now(warehouse: WarehouseResource) -> dict[date, datetime]:
    path = warehouse.database_path()
    if not path.exists():
        return {}
    con = open_read_only(path, WAREHOUSE_WAIT_SECONDS)
    try:
        return loaded_versions(con)
    finally:
        con.close()


def _last_partition_day() -> date | None:
    last = export_days.get_last_partition_key()
    return date.fromisoformat(last) if last else None


@run_status_sensor(
    name="transform_after_ingestion",
    run_status=DagsterRunStatus.SUCCESS,
    monitored_jobs=[ingest_export_days],
    request_job=transform,
    minimum_interval_seconds=30,
    default_status=DefaultSensorStatus.RUNNING,
    description=(
        "After every successful ingestion run: rebuild everything downstream (inventory, dbt "
        "build, LNAZ digest), so new days, late mutations and corrections reach the episodes "
        "and months by themselves. Skips when a rebuild is already waiting in the queue (it "
        "will see the new days too). An ingestion run whose blocking data-quality check failed "
        "is not followed: the engineers are alerted, and the nightly rebuild takes it from there."
    ),
)
def transform_after_ingestion(context: RunStatusSensorContext) -> RunRequest | SkipReason:
    waiting = context.instance.get_run_records(
        RunsFilter(
            job_name=transform.name,
            statuses=[DagsterRunStatus.QUEUED, DagsterRunStatus.NOT_STARTED],
        ),
        limit=1,
    )
    if waiting:
        return SkipReason(f"a rebuild is already queued: run {waiting[0].dagster_run.run_id}")
    ingestion = context.dagster_run
    return RunRequest(
        run_key=f"after:{ingestion.run_id}",
        tags={"seh/aanleiding": f"na inleesrun {ingestion.run_id}"},
    )


@run_failure_sensor(
    name="engineer_run_failure_alert",
    description=(
        "Mails the data engineers (SEH_ALERT_TO_ENGINEERS) when a run of this code location "
        "fails: the job, the run, the first lines of each error and a link to the run in the "
        "Dagster UI (SEH_DAGSTER_UI_URL). Skips when SEH_SMTP_HOST is not set."
    ),
    default_status=DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=30,
)
def engineer_run_failure_alert(
    context: RunFailureSensorContext, alert_mailer: AlertMailerResource
) -> SkipReason | None:
    run = context.dagster_run
    settings = alert_mailer.settings()
    if settings is None:
        reason = f"run {run.run_id} of {run.job_name} failed; no mail sent: {HOST_ENV} is not set"
        context.log.info(reason)
        return SkipReason(reason)
    delivery = send_run_failure_alert(
        settings, job_name=run.job_name, run_id=run.run_id, errors=failure_messages(context)
    )
    context.log.info(
        f"mailed the failure of run {run.run_id} to {len(delivery.recipients)} data engineer(s)"
    )
    return None


def failure_messages(context: RunFailureSensorContext) -> list[str]:
    """Each failed step's error (``step: Type: message``), else the run's failure message."""
    messages = []
    for event in context.get_step_failure_events():
        error = getattr(event.event_specific_data, "error", None)
        if error is not None:
            messages.append(f"{event.step_key}{error_text(error)}")
    if not messages and context.failure_event.message:
        messages.append(context.failure_event.message)
    return messages
