"""Stages 2-4: the dbt project (staging, episodes, marts) as Dagster assets.
Every rule of the contract lives in the dbt SQL; this module only runs ``dbt build``, which
also runs the dbt data tests (shown as asset checks) and the unit tests.
"""

from collections.abc import Iterator
from typing import Any

from dagster import AssetExecutionContext
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.dbt import dbt_project, translator


@dbt_assets(manifest=dbt_project.manifest_path, dagster_dbt_translator=translator)
def seh_stops_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    yield from dbt.cli(["build"], context=context).stream()
