"""Asset checks: GX checkpoints on the raw export days and the marts, column-schema changes of
the dbt assets, and the freshness of the ingestion.

``asset_checks`` is what the Definitions list; ``freshness_sensor`` evaluates the freshness
check between runs (it is excluded from the ingestion job, see ``freshness``).
"""

from orchestration.checks.freshness import freshness_checks, freshness_sensor
from orchestration.checks.gx_checks import gx_checks
from orchestration.checks.schema_changes import schema_change_checks

asset_checks = [*gx_checks, *schema_change_checks, *freshness_checks]

__all__ = [
    "asset_checks",
    "freshness_checks",
    "freshness_sensor",
    "gx_checks",
    "schema_change_checks",
]
