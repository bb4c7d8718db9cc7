"""Stages 2-4: the dbt project (staging, episodes, marts) as Dagster assets.

Every rule of the contract lives in the dbt SQL; this module only runs ``dbt build``, which
also runs the dbt data tests (shown as asset checks). dbt's unit tests check the SQL of the
rules, not the data, so they run where the SQL changes (the test suite and CI turn them on with
``SEH_DBT_UNIT_TESTS=1``, see tests/conftest.py), not in every nightly build, where they took
a third of dbt's time (docs/performance.md).
"""

import os
import shutil
from collections.abc import Iterator
from typing import Any

from dagster import AssetExecutionContext, Failure
from dagster_dbt import DbtCliResource, dbt_assets

from orchestration.dbt import dbt_project, translator
from orchestration.dbt_parse import invocation_target_path, keep_partial_parse_state

UNIT_TESTS_ENV = "SEH_DBT_UNIT_TESTS"


def build_args() -> list[str]:
    """``dbt build``, with dbt's unit tests only when ``SEH_DBT_UNIT_TESTS=1``."""
    if os.environ.get(UNIT_TESTS_ENV) == "1":
        return ["build"]
    return ["build", "--exclude-resource-type", "unit_test"]


@dbt_assets(manifest=dbt_project.manifest_path, dagster_dbt_translator=translator)
def seh_stops_dbt_assets(context: AssetExecutionContext, dbt: DbtCliResource) -> Iterator[Any]:
    # A failing data test is a failed asset check, not a failed step: the models it tested are
    # built, and what comes after (findings, alerts) must still run. A node that does not
    # build (an error) fails the step, after everything that did build was reported.
    invocation = dbt.cli(
        build_args(),
        context=context,
        raise_on_error=False,
        target_path=invocation_target_path(context.run.run_id),
    )
    yield from invocation.stream()
    keep_partial_parse_state(invocation.target_path)
    errors = [
        f"{result['unique_id']}: {(result.get('message') or '').strip()[:300]}"
        for result in invocation.get_artifact("run_results.json")["results"]
        if result["status"] == "error"
    ]
    if errors:
        raise Failure(
            description=f"dbt build: {len(errors)} node(s) failed to build. Fix the dbt project "
            "or the data, then run again (dbt's log and artifacts: "
            f"{invocation.target_path}): " + "; ".join(errors[:5]),
        )
    # Every invocation gets a target folder of its own (a few MB of artifacts); a nightly run
    # must not leave one behind every night. A failed build keeps its folder for the engineer.
    shutil.rmtree(invocation.target_path, ignore_errors=True)
