"""Dagster's own checks on the pipeline: column-schema changes of the dbt assets and the
freshness of the ingestion, evaluated for real on a Dagster instance."""

from datetime import datetime, timedelta

from dagster import (
    AssetCheckKey,
    AssetCheckSeverity,
    AssetKey,
    AssetSelection,
    BackfillPolicy,
    DagsterInstance,
    MaterializeResult,
    TableColumn,
    TableSchema,
    asset,
    materialize,
)

from orchestration.checks import asset_checks, freshness_checks, schema_change_checks
from orchestration.checks.freshness import DEADLINE_CRON
from orchestration.partitions import export_days
from seh_stops.lpz.contract import TIMEZONE

SCHEMA_CHECK = AssetCheckKey(AssetKey("fct_stop_episodes"), "column_schema_change")


def test_every_dbt_model_and_seed_has_a_schema_change_check():
    from orchestration.assets.transform import seh_stops_dbt_assets

    checked = {key.asset_key for spec in schema_change_checks for key in spec.check_keys}
    assert checked == set(seh_stops_dbt_assets.keys)
    names = {key.name for check in asset_checks for key in check.check_keys}
    assert names == {"great_expectations", "column_schema_change", "freshness_check"}


def test_dbt_materializations_carry_their_column_schema(january_run):
    """The `log_column_schema` post-hook gives every dbt materialization the column schema
    that the schema-change checks compare."""
    instance = DagsterInstance.from_config(str(january_run.data_dir / "dagster_home"))
    try:
        for model in ("fct_stop_episodes", "seh_referentie", "stg_lpz__seh_statusmutaties"):
            (record,) = instance.fetch_materializations(AssetKey(model), limit=1).records
            schema = record.asset_materialization.metadata["dagster/column_schema"].value
            assert schema.columns, model
        columns = {column.name: column.type for column in schema.columns}
        assert "toelichting" not in columns  # staging drops it: it never leaves the raw layer
    finally:
        instance.dispose()


def test_a_changed_column_schema_warns(tmp_path):
    columns = [["episode_id", "varchar"]]

    @asset(name="fct_stop_episodes")
    def stand_in() -> MaterializeResult:
        schema = TableSchema(columns=[TableColumn(name, kind) for name, kind in columns])
        return MaterializeResult(metadata={"dagster/column_schema": schema})

    instance = DagsterInstance.ephemeral()

    def run():
        result = materialize(
            [stand_in, *schema_change_checks],
            selection=AssetSelection.assets(stand_in) | AssetSelection.checks(SCHEMA_CHECK),
            instance=instance,
        )
        (evaluation,) = result.get_asset_check_evaluations()
        return evaluation

    assert run().passed  # the first materialization has nothing to compare with
    assert run().passed  # unchanged
    columns.append(["is_lopend", "boolean"])
    changed = run()
    assert not changed.passed
    assert changed.severity == AssetCheckSeverity.WARN
    assert "Added columns: is_lopend" in changed.description


@asset(
    name="lpz_export_day",
    partitions_def=export_days,
    backfill_policy=BackfillPolicy.single_run(),
)
def export_day_stand_in() -> MaterializeResult:
    return MaterializeResult()


def test_a_night_without_a_new_export_day_is_visible():
    instance = DagsterInstance.ephemeral()
    check_only = AssetSelection.checks(*freshness_checks)

    def freshness():
        result = materialize(
            [export_day_stand_in, *freshness_checks], selection=check_only, instance=instance
        )
        (evaluation,) = result.get_asset_check_evaluations()
        return evaluation

    missing = freshness()
    assert not missing.passed
    assert missing.severity == AssetCheckSeverity.WARN

    # Load the last two completed days: whichever side of the deadline it is now, the day the
    # check expects is one of them.
    from zoneinfo import ZoneInfo

    today = datetime.now(ZoneInfo(TIMEZONE)).date()
    for day in (today - timedelta(days=2), today - timedelta(days=1)):
        materialize([export_day_stand_in], partition_key=day.isoformat(), instance=instance)
    assert freshness().passed
    assert DEADLINE_CRON == "0 9 * * *"
