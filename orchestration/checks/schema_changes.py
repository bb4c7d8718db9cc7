"""Column-schema-change checks on every dbt asset.

A check compares the column schema (``dagster/column_schema``) of an asset's latest
materialization with the one before, and warns when a column was added, removed or changed
type: downstream readers of the marts (the deliveries, LNAZ's own queries) then need a look.
The dbt assets attach that metadata because the dbt run streams with
``fetch_column_metadata()`` (orchestration/assets/transform.py).
"""

from dagster import AssetCheckSeverity, build_column_schema_change_checks

from orchestration.assets.transform import seh_stops_dbt_assets

schema_change_checks = build_column_schema_change_checks(
    assets=[seh_stops_dbt_assets], severity=AssetCheckSeverity.WARN
)
