"""The partitioning of export days: one partition per calendar day in Europe/Amsterdam."""

from __future__ import annotations

from dagster import DailyPartitionsDefinition

from seh_stops import settings
from seh_stops.lpz.contract import TIMEZONE

export_days = DailyPartitionsDefinition(
    start_date=settings.first_export_day(), timezone=TIMEZONE, fmt="%Y-%m-%d"
)
