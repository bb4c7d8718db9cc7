"""The LPZ export source as a Dagster resource (a local folder for now)."""

from __future__ import annotations

from dagster import ConfigurableResource

from orchestration.lpz.source import ExportSource, open_source


class ExportSourceResource(ConfigurableResource):
    """Where export days are read: a folder of ``YYYY-MM-DD/`` export-day folders."""

    location: str

    def open(self) -> ExportSource:
        return open_source(self.location)
