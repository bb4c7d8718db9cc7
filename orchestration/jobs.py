"""The jobs: what a run does. Sensors and schedules (``sensors.py``, ``schedules.py``) only
decide when.

Dagster cannot mix the daily-partitioned ingestion with the unpartitioned dbt assets in one
run, so a night is two runs: ``ingest_export_days`` for a range of days (one run per range,
thanks to the asset's single-run backfill policy), then ``transform`` for everything
downstream. Deliveries to the ministry are monthly partitions with a job of their own, LNAZ's
publication quarterly ones with another.
"""

from dagster import AssetSelection, define_asset_job

from orchestration.assets.delivery import (
    delivery_months,
    lnaz_publication,
    ministry_delivery,
    publication_quarters,
)
from orchestration.assets.ingestion import lpz_export_day
from orchestration.assets.inventory import lpz_export_inventaris
from orchestration.assets.transform import seh_stops_dbt_assets
from orchestration.checks import freshness_checks
from orchestration.partitions import export_days

ingest_export_days = define_asset_job(
    "ingest_export_days",
    # The freshness check runs from its sensor: loading an old day is no sign of freshness.
    selection=AssetSelection.assets(lpz_export_day) - AssetSelection.checks(*freshness_checks),
    partitions_def=export_days,
    description="Load a range of export days into the raw layer (one run for the range).",
)

transform = define_asset_job(
    "transform",
    # the monthly delivery has its own partitions, job and schedule
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

deliver_month = define_asset_job(
    "deliver_month",
    selection=AssetSelection.assets(ministry_delivery),
    partitions_def=delivery_months,
    description="Deliver one month to the ministry (a new revision only when its figures changed).",
)

publish_quarter = define_asset_job(
    "publish_quarter",
    selection=AssetSelection.assets(lnaz_publication),
    partitions_def=publication_quarters,
    description="Publish one quarter for LNAZ (a new revision only when its figures changed).",
)
