"""Stage 1b, the export-day inventory: which days the source holds and whether each is fit.

Ingestion loads complete days only; this asset records the outcome for every day at the
source (complete, incomplete, stale correction) so that dbt can raise findings for the days
that never reach the raw layer. It runs in the ``transform`` job, before dbt. When the
source cannot be read at all, the previous inventory stays and dbt still runs: the ingestion
of the same night fails loudly, and a rebuild of the marts must not depend on the source.
"""

from dagster import AssetExecutionContext, MaterializeResult, MetadataValue, asset

from orchestration.resources import ExportSourceResource, WarehouseResource
from seh_stops.lpz.inventory import CheckStatus, InventoryResult, take_inventory
from seh_stops.lpz.source import ExportSourceError


@asset(
    group_name="ingestion",
    kinds={"python", "duckdb"},
    owners=["team:lnaz-data"],
    description=(
        "The export-day inventory (raw.export_controles): for every export day the source "
        "holds, the outcome of its latest verification against its manifest: compleet, "
        "incompleet (with a fixed reason, never text from the files) or verouderd (a version "
        "not later than the loaded one). Only days whose manifest changed, or that were "
        "incomplete, are verified again. dbt turns the outcomes into findings "
        "(dq_bevindingen: exportdag_incompleet, correctie_verouderd, exportdag_ontbreekt)."
    ),
)
def lpz_export_inventaris(
    context: AssetExecutionContext,
    warehouse: WarehouseResource,
    export_source: ExportSourceResource,
) -> MaterializeResult:
    try:
        source = export_source.open()
        with warehouse.write_connection() as con:
            result = take_inventory(con, source)
    except ExportSourceError as problem:
        context.log.warning(f"export source not readable, inventory unchanged: {problem}")
        return MaterializeResult(metadata={"source_not_readable": str(problem)})
    for check in result.checks:
        if check.status != CheckStatus.COMPLETE:
            context.log.warning(
                f"export day {check.export_datum}: {check.status.value} ({check.reden})"
            )
    return MaterializeResult(metadata=inventory_metadata(result))


def inventory_metadata(result: InventoryResult) -> dict[str, object]:
    """What the UI shows: counts per outcome, the work done, and the days that are not fit."""
    not_fit = [check for check in result.checks if check.status != CheckStatus.COMPLETE]
    lines = ["| export day | status | reden | gegenereerd_op |", "|---|---|---|---|"]
    lines += [
        f"| {c.export_datum} | {c.status.value} | {c.reden} | {c.gegenereerd_op or ''} |"
        for c in not_fit
    ]
    return {
        "export_days_at_source": len(result.checks),
        **{f"status/{status.value}": result.count(status) for status in CheckStatus},
        "verified_this_run": len(result.verified),
        "unchanged_not_verified": len(result.skipped),
        "left_the_source": len(result.removed),
        "not_fit": MetadataValue.md("\n".join(lines) if not_fit else "Every day is compleet."),
    }
