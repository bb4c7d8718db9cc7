"""The seh-stops code location: assets, checks, jobs and resources, gathered in one place."""

from __future__ import annotations

from dagster import AssetSelection, Definitions, colored_console_logger, define_asset_job
from dagster_dbt import DbtCliResource

from orchestration import settings
from orchestration.assets.alerts import lnaz_dq_alert
from orchestration.assets.delivery import ministry_delivery
from orchestration.assets.ingestion import lpz_export_day
from orchestration.assets.inventory import lpz_export_inventaris
from orchestration.assets.transform import seh_stops_dbt_assets
from orchestration.checks import asset_checks, freshness_checks, freshness_sensor
from orchestration.dbt import dbt_executable, dbt_project
from orchestration.partitions import export_days
from orchestration.progress import progress_logger
from orchestration.resources import ExportSourceResource, WarehouseResource
from orchestration.resources.mail import AlertMailerResource
from orchestration.schedules import ministry_delivery_schedule
from orchestration.sensors import engineer_run_failure_alert

settings.use_data_dir()

ingest_export_days = define_asset_job(
    "ingest_export_days",
    # The freshness check runs from its sensor: loading an old day is no sign of freshness.
    selection=AssetSelection.assets(lpz_export_day) - AssetSelection.checks(*freshness_checks),
    partitions_def=export_days,
    description="Load a range of export days into the raw layer (one run for the range).",
)
transform = define_asset_job(
    "transform",
    # the monthly delivery has its own partitions, job and schedule (orchestration/schedules.py)
    selection=(
        AssetSelection.assets(lpz_export_day).downstream(include_self=False)
        | AssetSelection.assets(lpz_export_inventaris, seh_stops_dbt_assets)
    )
    - AssetSelection.groups("delivery"),
    description=(
        "Take the export-day inventory, rebuild everything downstream of the raw layer with dbt "
        "build, and send the LNAZ data-quality digest."
    ),
)

defs = Definitions(
    assets=[
        lpz_export_day,
        lpz_export_inventaris,
        seh_stops_dbt_assets,
        lnaz_dq_alert,
        ministry_delivery,
    ],
    jobs=[ingest_export_days, transform],
    asset_checks=asset_checks,
    schedules=[ministry_delivery_schedule],
    sensors=[engineer_run_failure_alert, freshness_sensor],
    loggers={"console": colored_console_logger, "progress": progress_logger},
    resources={
        "warehouse": WarehouseResource(),
        "export_source": ExportSourceResource.from_env(settings.export_source_location()),
        "alert_mailer": AlertMailerResource.from_env(),
        "dbt": DbtCliResource(
            project_dir=dbt_project,
            profiles_dir=str(dbt_project.profiles_dir),
            dbt_executable=dbt_executable(),
        ),
    },
)
