"""The partitioning of export days: one partition per calendar day in Europe/Amsterdam."""

from __future__ import annotations

from dagster import DailyPartitionsDefinition

from orchestration import settings
from orchestration.lpz.contract import TIMEZONE

export_days = DailyPartitionsDefinition(
    start_date=settings.first_export_day(), timezone=TIMEZONE, fmt="%Y-%m-%d"
)
