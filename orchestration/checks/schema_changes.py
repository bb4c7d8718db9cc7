"""Column-schema-change checks on every dbt asset.

A check compares the column schema (``dagster/column_schema``) of an asset's latest
materialization with the one before, and warns when a column was added, removed or changed
type: downstream readers of the marts (the deliveries, LNAZ's own queries) then need a look.
The dbt assets carry that metadata from the ``log_column_schema`` post-hook
(dbt_project/macros/log_column_schema.sql), which logs each model's columns as dbt builds it.
"""

from dagster import AssetCheckSeverity, build_column_schema_change_checks

from orchestration.assets.transform import seh_stops_dbt_assets

schema_change_checks = build_column_schema_change_checks(
    assets=[seh_stops_dbt_assets], severity=AssetCheckSeverity.WARN
)
