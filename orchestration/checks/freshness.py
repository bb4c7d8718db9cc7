"""Freshness of the ingestion: a night without a new export day is visible.

The LPZ publishes export day D in the early morning of D+1 (around 02:30). The check fails
(WARN) when, after the daily deadline, the partition of the last completed day has not been
materialized, and says since when the asset has not been updated. It is not blocking: a
missing export is the LPZ's to fix, and the registration status already accounts for it.

Dagster 1.13 marks these check builders as superseded by ``FreshnessPolicy``. A policy judges
the time of the asset's last materialization, so a backfill or a correction of an old day
would count as fresh; this check asks for the partition of the last completed day, which is
what "a new export day every night" means. The supersession warning is silenced here only.

The check runs from ``freshness_sensor`` (needs the Dagster daemon, as under ``dagster dev``),
not in the ingestion runs: loading an old day (a backfill, the simulated January) would
otherwise report the present night as missing in every run.
"""

import warnings

from dagster import (
    AssetCheckSeverity,
    DefaultSensorStatus,
    build_sensor_for_freshness_checks,
    build_time_partition_freshness_checks,
)

from orchestration.assets.ingestion import lpz_export_day
from seh_stops.lpz.contract import TIMEZONE

# By 09:00 Amsterdam time yesterday's export day is loaded: the LPZ publishes around 02:30
# and the nightly run loads it well before the working day starts.
DEADLINE_CRON = "0 9 * * *"

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=".*is superseded.*")
    freshness_checks = build_time_partition_freshness_checks(
        assets=[lpz_export_day],
        deadline_cron=DEADLINE_CRON,
        timezone=TIMEZONE,
        severity=AssetCheckSeverity.WARN,
    )
    freshness_sensor = build_sensor_for_freshness_checks(
        freshness_checks=freshness_checks,
        name="lpz_export_day_freshness_sensor",
        minimum_interval_seconds=15 * 60,
        default_status=DefaultSensorStatus.RUNNING,
    )
