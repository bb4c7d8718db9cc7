"""The seh-stops code location: assets, checks, jobs and resources, gathered in one place."""

from __future__ import annotations

from dagster import AssetSelection, Definitions, colored_console_logger, define_asset_job
from dagster_dbt import DbtCliResource

from orchestration import settings
from orchestration.assets.ingestion import lpz_export_day
from orchestration.assets.transform import seh_stops_dbt_assets
from orchestration.dbt import dbt_executable, dbt_project
from orchestration.partitions import export_days
from orchestration.progress import progress_logger
from orchestration.resources import ExportSourceResource, WarehouseResource

settings.use_data_dir()

ingest_export_days = define_asset_job(
    "ingest_export_days",
    selection=AssetSelection.assets(lpz_export_day),
    partitions_def=export_days,
    description="Load a range of export days into the raw layer (one run for the range).",
)
transform = define_asset_job(
    "transform",
    selection=AssetSelection.assets(lpz_export_day).downstream(include_self=False)
    | AssetSelection.assets(seh_stops_dbt_assets),
    description="Rebuild everything downstream of the raw layer with dbt build.",
)

defs = Definitions(
    assets=[lpz_export_day, seh_stops_dbt_assets],
    jobs=[ingest_export_days, transform],
    loggers={"console": colored_console_logger, "progress": progress_logger},
    resources={
        "warehouse": WarehouseResource(),
        "export_source": ExportSourceResource.from_env(settings.export_source_location()),
        "dbt": DbtCliResource(
            project_dir=dbt_project,
            profiles_dir=str(dbt_project.profiles_dir),
            dbt_executable=dbt_executable(),
        ),
    },
)
