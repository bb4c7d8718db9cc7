"""Schedules: the nightly rebuild (the safety net under the sensors) and the daily delivery.

``nightly_transform`` rebuilds everything downstream of the raw layer every morning, whatever
the sensors did: it takes the export-day inventory (so a day the LPZ did not publish complete
shows as a finding that morning), runs dbt and sends the LNAZ digest. New and corrected days
are loaded by ``lpz_export_sensor`` and followed by a rebuild at once
(``transform_after_ingestion``); this schedule catches whatever those missed.

The delivery to the ministry:

One evaluation does both jobs (deliver what is due, redeliver what changed), so there is one
place to look: every morning at 07:00 (Europe/Amsterdam) it requests the delivery of each month
that is due and was never delivered, and of each delivered month whose figures in the warehouse
now differ from its latest revision (a late mutation, a withdrawal, a corrected export day).
The run itself decides again, so a request that turns out unchanged makes no revision.

LNAZ's quarterly publication follows the same rule at the same hour in
``lnaz_publication_schedule``: every quarter that is due and not yet published, or whose figures
changed since its latest revision. It is a second schedule only because a Dagster schedule
targets one job, and the quarters are partitions of another job than the months; both share one
evaluation (:func:`_pending_runs`).
"""

from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
from dagster import (
    DefaultScheduleStatus,
    PartitionsDefinition,
    RunRequest,
    ScheduleEvaluationContext,
    SkipReason,
    schedule,
)

from orchestration.assets.delivery import delivery_months, publication_quarters
from orchestration.jobs import deliver_month, publish_quarter, transform
from orchestration.resources import WarehouseResource
from seh_stops.delivery.deliver import pending_deliveries
from seh_stops.delivery.due import today_in_amsterdam
from seh_stops.delivery.folders import delivery_root, publication_root
from seh_stops.delivery.publish import pending_publications
from seh_stops.delivery.revisions import Pending
from seh_stops.lpz.contract import TIMEZONE
from seh_stops.warehouse import WarehouseBusy, open_read_only

# A schedule tick must answer within Dagster's evaluation timeout; a run that holds the
# warehouse longer just means the next tick delivers.
WAREHOUSE_WAIT_SECONDS = 20.0


@schedule(
    job=deliver_month,
    cron_schedule="0 7 * * *",
    execution_timezone=TIMEZONE,
    default_status=DefaultScheduleStatus.RUNNING,
    description=(
        "Every day at 07:00 Europe/Amsterdam: deliver each month that is due and not yet "
        "delivered, and a new revision of each delivered month whose figures changed."
    ),
)
def ministry_delivery_schedule(context: ScheduleEvaluationContext, warehouse: WarehouseResource):
    return _pending_runs(
        context,
        warehouse,
        pending_deliveries,
        delivery_root(),
        delivery_months,
        "ministry_delivery",
    )


@schedule(
    job=publish_quarter,
    cron_schedule="0 7 * * *",
    execution_timezone=TIMEZONE,
    default_status=DefaultScheduleStatus.RUNNING,
    description=(
        "Every day at 07:00 Europe/Amsterdam: publish each quarter that is due and not yet "
        "published, and a new revision of each published quarter whose figures changed; the "
        "new revision's summary is mailed to LNAZ."
    ),
)
def lnaz_publication_schedule(context: ScheduleEvaluationContext, warehouse: WarehouseResource):
    return _pending_runs(
        context,
        warehouse,
        pending_publications,
        publication_root(),
        publication_quarters,
        "lnaz_publication",
    )


def _pending_runs(
    context: ScheduleEvaluationContext,
    warehouse: WarehouseResource,
    find_pending: Callable[[duckdb.DuckDBPyConnection, Path, date], list[Pending]],
    root: Path,
    partitions: PartitionsDefinition,
    asset_name: str,
):
    """One run request per period that ``find_pending`` finds due and new or changed."""
    today = today_in_amsterdam(context.scheduled_execution_time)
    try:
        con = open_read_only(warehouse.database_path(), WAREHOUSE_WAIT_SECONDS)
    except (FileNotFoundError, WarehouseBusy) as exc:
        return SkipReason(f"warehouse not readable now: {exc}")
    try:
        pending = find_pending(con, root, today)
    finally:
        con.close()
    known = set(partitions.get_partition_keys(context.scheduled_execution_time))
    unknown = [item.period for item in pending if item.period not in known]
    if unknown:
        context.log.warning(
            f"due but not a partition of this code location: {', '.join(unknown)}; reload the "
            "code location (restart the Dagster services) to deliver them"
        )
    pending = [item for item in pending if item.period in known]
    if not pending:
        return SkipReason(f"on {today} no period is due that is undelivered or changed")
    return [
        RunRequest(
            partition_key=item.period,
            # period and table: unique within a tick; a period still pending (say its run
            # failed) is asked for again by the next day's tick
            run_key=f"{item.period}:{item.fingerprint[:16]}",
            run_config={"ops": {asset_name: {"config": {"peildatum": today.isoformat()}}}},
            tags={"seh/aanleiding": item.reason},
        )
        for item in pending
    ]


@schedule(
    job=transform,
    cron_schedule="0 6 * * *",
    execution_timezone=TIMEZONE,
    default_status=DefaultScheduleStatus.RUNNING,
    description=(
        "Every day at 06:00 Europe/Amsterdam, after the LPZ published the night's export day "
        "(about 02:30) and the export sensor loaded it: take the export-day inventory, rebuild "
        "everything downstream with dbt and send the LNAZ digest. The safety net under the "
        "sensors: it runs whatever they did."
    ),
)
def nightly_transform(context: ScheduleEvaluationContext) -> RunRequest:
    return RunRequest(tags={"seh/aanleiding": "nachtelijke herberekening"})
