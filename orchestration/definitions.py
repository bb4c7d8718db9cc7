"""The seh-stops code location: assets, checks, jobs and resources, gathered in one place."""

from __future__ import annotations

from dagster import Definitions, colored_console_logger, in_process_executor

from orchestration.assets.alerts import lnaz_dq_alert
from orchestration.assets.delivery import lnaz_publication, ministry_delivery
from orchestration.assets.ingestion import lpz_export_day
from orchestration.assets.inventory import lpz_export_inventaris
from orchestration.assets.transform import seh_stops_dbt_assets
from orchestration.checks import asset_checks, freshness_sensor
from orchestration.dbt import dbt_project
from orchestration.dbt_worker import executable_for_runs
from orchestration.jobs import deliver_month, ingest_export_days, publish_quarter, transform
from orchestration.loggers import progress_logger
from orchestration.resources import ExportSourceResource, WarehouseResource
from orchestration.resources.dbt import SehDbtCliResource
from orchestration.resources.mail import AlertMailerResource
from orchestration.schedules import (
    lnaz_publication_schedule,
    ministry_delivery_schedule,
    nightly_transform,
)
from orchestration.sensors import (
    engineer_run_failure_alert,
    lpz_export_sensor,
    transform_after_ingestion,
)
from seh_stops import settings

settings.use_data_dir()

defs = Definitions(
    # A run's steps execute one after the other in its run worker, as in `seh-stops run`
    # (execute_in_process): the warehouse takes one writer at a time, so a process per step
    # (Dagster's default) bought no parallelism, and each step paid a process start and a load
    # of this code location, 35 of the 57 s of a nightly rebuild (docs/decisions.md).
    executor=in_process_executor,
    assets=[
        lpz_export_day,
        lpz_export_inventaris,
        seh_stops_dbt_assets,
        lnaz_dq_alert,
        ministry_delivery,
        lnaz_publication,
    ],
    jobs=[ingest_export_days, transform, deliver_month, publish_quarter],
    asset_checks=asset_checks,
    schedules=[nightly_transform, ministry_delivery_schedule, lnaz_publication_schedule],
    sensors=[
        lpz_export_sensor,
        transform_after_ingestion,
        engineer_run_failure_alert,
        freshness_sensor,
    ],
    loggers={"console": colored_console_logger, "progress": progress_logger},
    resources={
        "warehouse": WarehouseResource(),
        "export_source": ExportSourceResource(),  # location, token, CA: the environment
        "alert_mailer": AlertMailerResource.from_env(),
        "dbt": SehDbtCliResource(
            project_dir=dbt_project,
            # dbt's console lines reach the run's log (and the CLI's logs/dbt_build.log); its
            # debug-level file log of every statement cost a tenth of each build, mostly in
            # its logging lock between dbt's threads (docs/performance.md). A failed build
            # keeps its compiled SQL and run_results.json; `dbt build --debug` shows more.
            global_config_flags=["--log-level-file", "none"],
            profiles_dir=str(dbt_project.profiles_dir),
            # in `seh-stops run`, dbt's import and parse happened ahead in its worker
            dbt_executable=executable_for_runs(),
        ),
    },
)
