"""Dagster resources: the warehouse and the export source."""

from orchestration.resources.export_source import ExportSourceResource
from orchestration.resources.warehouse import WarehouseResource

__all__ = ["ExportSourceResource", "WarehouseResource"]
